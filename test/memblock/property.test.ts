/**
 * Random add/remove/reserve/free/flag/node/alloc sequences checked against a page-by-page
 * shadow model: the region arrays must stay sorted, non-overlapping and fully merged, their
 * coverage must equal the shadow, and every allocation must be the highest (top-down) or
 * lowest (bottom-up) aligned free fit that a brute-force search over the shadow finds.
 */
import { describe, expect, it } from 'vitest';
import { Memblock, type MemblockRegion } from '../../src/sim/memblock';
import { MEMBLOCK_NOMAP } from '../../src/sim/types';
import { rng } from '../helpers/prng';

const PG = 0x1000;
const NPAGES = 96;
const MAXNODES = 4;


type Cell = { nid: number; flags: number } | null;

function checkInvariants(rs: readonly MemblockRegion[], total: number, name: string): void {
  if (rs.length === 1 && rs[0]!.size === 0) {
    expect(total, name).toBe(0);
    return;
  }
  let sum = 0;
  rs.forEach((r, i) => {
    if (r.size <= 0) expect.fail(`${name}[${i}] empty`);
    sum += r.size;
    if (i > 0) {
      const p = rs[i - 1]!;
      if (p.base + p.size > r.base) expect.fail(`${name}[${i}] overlaps`);
      if (p.base + p.size === r.base && p.nid === r.nid && p.flags === r.flags) expect.fail(`${name}[${i - 1}..${i}] not merged`);
    }
  });
  if (total !== sum) expect(total, `${name} total_size`).toBe(sum);
}

function expand(rs: readonly MemblockRegion[]): Cell[] {
  const out: Cell[] = new Array(NPAGES).fill(null);
  for (const r of rs) for (let p = r.base / PG; p < (r.base + r.size) / PG; p++) out[p] = { nid: r.nid, flags: r.flags };
  return out;
}

/**
 * brute force: all aligned candidates >= PAGE_SIZE whose pages are unreserved memory (not NOMAP)
 * inside one memory region (same nid: free ranges never span two regions)
 */
function candidates(mem: Cell[], res: boolean[], pages: number, alignPages: number): number[] {
  const out: number[] = [];
  for (let s = alignPages; s + pages <= NPAGES; s += alignPages) {
    let ok = true;
    for (let p = s; p < s + pages && ok; p++) ok = mem[p] !== null && (mem[p]!.flags & MEMBLOCK_NOMAP) === 0 && !res[p] && mem[p]!.nid === mem[s]!.nid;
    if (ok) out.push(s);
  }
  return out;
}

function runSequence(seed: number, bottomUp: boolean): void {
  const rand = rng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const mb = new Memblock({ kernel: seed % 2 ? '6.1' : '5.10', physAddrBytes: 8, maxNumnodes: MAXNODES, numa: true, debug: false });
  mb.bottomUp = bottomUp;
  const mem: Cell[] = new Array(NPAGES).fill(null);
  const res: boolean[] = new Array(NPAGES).fill(false);
  for (let step = 0; step < 120; step++) {
    const b = int(NPAGES);
    const n = 1 + int(Math.min(12, NPAGES - b));
    const [base, size] = [b * PG, n * PG];
    const op = int(9);
    const where = `seed ${seed} step ${step} op ${op} [${b}, +${n})`;
    if (op === 0 || op === 1) {
      const nid = op === 0 ? MAXNODES : int(2);
      if (op === 0) mb.add(base, size);
      else mb.addNode(base, size, nid, 0);
      for (let p = b; p < b + n; p++) if (!mem[p]) mem[p] = { nid, flags: 0 };
    } else if (op === 2) {
      mb.remove(base, size);
      for (let p = b; p < b + n; p++) mem[p] = null;
    } else if (op === 3) {
      mb.reserve(base, size);
      for (let p = b; p < b + n; p++) res[p] = true;
    } else if (op === 4) {
      mb.free(base, size);
      for (let p = b; p < b + n; p++) res[p] = false;
    } else if (op === 5) {
      const set = rand() < 0.6;
      if (set) mb.markNomap(base, size);
      else mb.clearNomap(base, size);
      for (let p = b; p < b + n; p++) if (mem[p]) mem[p] = { nid: mem[p]!.nid, flags: set ? MEMBLOCK_NOMAP : 0 };
    } else if (op === 6) {
      const nid = int(2);
      mb.setNode(base, size, nid);
      for (let p = b; p < b + n; p++) if (mem[p]) mem[p] = { nid, flags: mem[p]!.flags };
    } else {
      const pages = 1 + int(4);
      const alignPages = 1 << int(3);
      const cands = candidates(mem, res, pages, alignPages);
      const want = cands.length === 0 ? 0 : (bottomUp ? cands[0]! : cands[cands.length - 1]!) * PG;
      // top-down picks the highest fit of the highest free range that holds it: with page-sized
      // ranges and page-aligned sizes that is the highest candidate overall
      const got = mb.allocTryNid(pages * PG, alignPages * PG, 0, 0, -1);
      if (got !== want) expect(got, where).toBe(want);
      if (got) for (let p = got / PG; p < got / PG + pages; p++) res[p] = true;
    }
    checkInvariants(mb.memory, mb.physMemSize(), `memory ${where}`);
    checkInvariants(mb.reserved, mb.reservedSize(), `reserved ${where}`);
    const sig = (cs: Cell[]) => cs.map((c) => (c ? `${c.nid}/${c.flags}` : '-')).join(' ');
    const memSig = sig(expand(mb.memory));
    if (memSig !== sig(mem)) expect(memSig, `memory coverage ${where}`).toBe(sig(mem));
    const resSig = expand(mb.reserved).map((c) => (c ? 1 : 0)).join('');
    if (resSig !== res.map((r) => (r ? 1 : 0)).join('')) expect(resSig, `reserved coverage ${where}`).toBe(res.map((r) => (r ? 1 : 0)).join(''));
    for (const r of mb.reserved) if (r.size && r.nid !== MAXNODES) expect(r.nid, `reserved nid ${where}`).toBe(MAXNODES);
  }
}

describe('memblock invariants under random sequences', () => {
  it('top-down', () => {
    for (let seed = 1; seed <= 60; seed++) runSequence(seed, false);
  });
  it('bottom-up', () => {
    for (let seed = 101; seed <= 160; seed++) runSequence(seed, true);
  });
});
