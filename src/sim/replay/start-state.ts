/**
 * An interim starting state for a replay: a booted machine brought to a real kernel's snapshot
 * (the oracle-rt `rt_before.*` files) from /proc/kpageflags and /proc/pagetypeinfo. The project's
 * snapshot importer (src/sim/snapshot, in progress elsewhere) replaces this; until then the replay
 * tests and `mmbook replay --state DIR` use it, and say so in the output's `start`.
 *
 * What it reproduces, and how:
 * - Free pages: exactly the kernel's. KPF_BUDDY marks every page of a free block, so each maximal
 *   run of BUDDY pages is cut greedily into aligned blocks (oracle-rt.md §6) and freed, ascending,
 *   to the tail of its list (the boot hand-over's order). Blocks above pageblock order stop at a
 *   pageblock of another type (6.1 does not merge CMA, HighAtomic or Isolate with other types).
 * - Allocated pages: every other page of a zone, one order-0 block each, of a kind read from its
 *   flags: LRU+ANON anon, LRU+SWAPBACKED shmem, LRU+DIRTY file-dirty, LRU file, SLAB slab, else
 *   kernel. Pages the kernel had on its per-cpu lists carry no flags and count as kernel pages
 *   here; the replay frees each when the trace shows it free (an A, Z or D of its pfn).
 * - Pageblock migratetypes: CMA blocks as booted. The others are chosen so that the free blocks
 *   of each type match pagetypeinfo's free counts per type and order (a small exact search over
 *   the pageblocks that hold free blocks), and the block counts match its "Number of blocks type"
 *   line: the remaining Unmovable and Reclaimable blocks are the full pageblocks with the most
 *   non-LRU (kernel, slab) pages.
 * - Not reproduced: the order of pages within each free list, the pcp lists' contents (left empty),
 *   compound pages (each page is its own block), watermark boost and vm counters.
 */
import { MmError } from '../errors';
import { parsePagetypeinfo } from '../format/pagetypeinfo-parse';
import { PS_FREE_TAIL, PS_HOLE, PS_RESERVED } from '../buddy/page-state';
import { drainAllPages } from '../page_alloc/pcp';
import { trackPage } from '../run/page-accounting';
import { KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_KERNEL, KIND_SHMEM, KIND_SLAB } from '../run/page-flags';
import type { RunningMachine } from '../run/running-machine';
import type { Machine } from '../machine/machine';
import { MIGRATE_CMA, MIGRATE_MOVABLE, MIGRATE_PCPTYPES, MIGRATE_RECLAIMABLE, MIGRATE_TYPES, MIGRATE_UNMOVABLE, MIGRATETYPE_NAMES } from '../types';

export interface SnapshotFiles {
  /** /proc/kpageflags: one little-endian u64 per pfn from pfn 0 */
  kpageflags: Uint8Array;
  /** /proc/pagetypeinfo at the same moment (free counts per type and order, blocks per type) */
  pagetypeinfo?: string;
}

export interface StartStateReport {
  /** what the replay output's `start` says */
  label: string;
  freePages: number;
  allocatedPages: number;
  /** pages the kernel had free that the booted machine holds reserved (left reserved) */
  reservedButFree: number;
  /** free-list shape per type (pages) that the pageblock assignment could not match exactly, per zone */
  typeMismatch: string[];
}

const KPF_DIRTY = 1 << 4;
const KPF_LRU = 1 << 5;
const KPF_SLAB = 1 << 7;
const KPF_BUDDY = 1 << 10;
const KPF_ANON = 1 << 12;
const KPF_SWAPBACKED = 1 << 19;
const KPF_NOPAGE = 1 << 20;

function kindOfFlags(lo: number): number {
  if (lo & KPF_LRU) {
    if (lo & KPF_ANON) return KIND_ANON;
    if (lo & KPF_SWAPBACKED) return KIND_SHMEM;
    return lo & KPF_DIRTY ? KIND_FILE_DIRTY : KIND_FILE;
  }
  if (lo & KPF_SLAB) return KIND_SLAB;
  return KIND_KERNEL;
}

/**
 * Bring a freshly started machine to the snapshot. Returns the running machine (the one passed,
 * changed) and what was done.
 */
export function applySnapshot(run: RunningMachine, files: SnapshotFiles): StartStateReport {
  const rs = run.rs;
  if (rs.buddy.tag.some((t) => (t & 0x80) === 0 && (t & 0x60) !== 0)) throw new MmError('SNAPSHOT_NOT_FRESH', 'the snapshot applies to a freshly started machine (this one has allocated or per-cpu pages)', 'applySnapshot');
  const b = rs.buddy;
  const kpf = files.kpageflags;
  if (kpf.length % 8) throw new MmError('SNAPSHOT_KPAGEFLAGS', `kpageflags is ${kpf.length} bytes, not a whole number of 8-byte entries`, 'kpageflags');
  const dv = new DataView(kpf.buffer, kpf.byteOffset, kpf.byteLength);
  const entries = kpf.length / 8;
  if (entries < b.endPfn) throw new MmError('SNAPSHOT_KPAGEFLAGS', `kpageflags covers pfns up to 0x${entries.toString(16)}, but this machine's memory ends at pfn 0x${b.endPfn.toString(16)}: is it the same machine?`, 'kpageflags');
  drainAllPages(rs);
  const base = b.basePfn;
  const n = b.endPfn - base;
  const pbo = b.pageblockOrder;
  const maxO = b.maxOrder;
  const tag = b.tag;
  // 1. every free block of the booted machine leaves the free lists
  for (let zi = 0; zi < rs.zones; zi++) {
    for (let o = 0; o < maxO; o++) {
      for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
        const li = b.listIndex(zi, o, mt);
        for (let h = b.head[li]!; h >= 0; h = b.head[li]!) {
          b.unlink(h, li);
          tag[h] = PS_FREE_TAIL;
          if (mt !== 5) {
            b.z.free[zi] -= 1 << o;
            if (mt === MIGRATE_CMA) b.z.freeCma[zi] -= 1 << o;
          }
        }
      }
    }
  }
  // 2. the kernel's free pages and the allocated ones
  const free = new Uint8Array(n);
  let reservedButFree = 0;
  let allocated = 0;
  let freePages = 0;
  const score = new Float64Array(b.pbType.length);
  for (let i = 0; i < n; i++) {
    const t = tag[i]!;
    if (t === PS_HOLE) continue;
    const lo = dv.getUint32((base + i) * 8, true);
    if (lo & KPF_NOPAGE) continue;
    if (t === PS_RESERVED) {
      if (lo & KPF_BUDDY) reservedButFree++;
      continue;
    }
    const zi = b.zoneIndexOf(base + i);
    if (zi < 0) continue;
    if (lo & KPF_BUDDY) {
      free[i] = 1;
      freePages++;
      continue;
    }
    const kind = kindOfFlags(lo);
    trackPage(rs, zi, i, 0, kind, 0, false);
    allocated++;
    if (!(lo & KPF_LRU)) score[((base + i) >> pbo) - b.pbBase] += 1;
  }
  // 3. the free chunks (greedy aligned cut of each run, within a zone, not across CMA boundaries)
  const chunks: Array<{ pfn: number; order: number; zi: number }> = [];
  const pbT = b.pbType;
  const pbIdx = (pfn: number): number => (pfn >> pbo) - b.pbBase;
  const isCma = (pfn: number): boolean => pbT[pbIdx(pfn)] === MIGRATE_CMA;
  for (let i = 0; i < n; ) {
    if (!free[i]) {
      i++;
      continue;
    }
    const zi = b.zoneIndexOf(base + i);
    let j = i;
    while (j < n && free[j] && b.zoneIndexOf(base + j) === zi) j++;
    let p = base + i;
    const e = base + j;
    while (p < e) {
      let k = maxO - 1;
      while (k > 0 && ((p & ((1 << k) - 1)) !== 0 || p + (1 << k) > e)) k--;
      while (k > pbo && !sameCmaness(p, 1 << k)) k--;
      chunks.push({ pfn: p, order: k, zi });
      p += 1 << k;
    }
    i = j;
  }
  function sameCmaness(p: number, len: number): boolean {
    const c = isCma(p);
    for (let q = p; q < p + len; q += 1 << pbo) if (isCma(q) !== c) return false;
    return true;
  }
  // 4. pageblock migratetypes from pagetypeinfo
  const typeMismatch: string[] = [];
  if (files.pagetypeinfo !== undefined) assignTypes(run, files.pagetypeinfo, chunks, score, typeMismatch);
  // 5. free the chunks, ascending, to the tails of their lists
  for (const c of chunks) {
    const i = c.pfn - base;
    tag.fill(PS_FREE_TAIL, i, i + (1 << c.order));
    b.freeOneCore(c.zi, c.pfn, c.order, pbT[pbIdx(c.pfn)]!, true);
  }
  const label = `snapshot (interim import: kpageflags${files.pagetypeinfo !== undefined ? ' + pagetypeinfo' : ''}; per-cpu lists empty)`;
  return { label, freePages, allocatedPages: allocated, reservedButFree, typeMismatch };
}

/**
 * The running machine a replay starts on: the freshly booted machine, or the snapshot brought into
 * it. The one place to switch to the project's snapshot importer (src/sim/snapshot) when it lands.
 */
export function startReplayRun(machine: Machine, state?: SnapshotFiles): { run: RunningMachine; start: string } {
  const run = machine.start({ daemons: 'manual' });
  if (!state) return { run, start: 'fresh boot' };
  return { run, start: applySnapshot(run, state).label };
}

/** Choose the migratetype of each non-CMA pageblock (see the module comment). */
function assignTypes(run: RunningMachine, text: string, chunks: Array<{ pfn: number; order: number; zi: number }>, score: Float64Array, mismatch: string[]): void {
  const rs = run.rs;
  const b = rs.buddy;
  const pbo = b.pageblockOrder;
  const maxO = b.maxOrder;
  const pt = parsePagetypeinfo(text);
  const typeIdx = (name: string): number => (MIGRATETYPE_NAMES as readonly string[]).indexOf(name);
  for (let zi = 0; zi < rs.zones; zi++) {
    const nid = rs.zoneNid[zi]!;
    const zname = rs.names[rs.zoneIdx[zi]!]!;
    const rows = pt.free.filter((r) => r.nid === nid && r.zone === zname);
    const blocks = pt.blocks.find((r) => r.nid === nid && r.zone === zname);
    if (!rows.length) continue;
    const target: number[][] = Array.from({ length: MIGRATE_PCPTYPES }, () => new Array(maxO).fill(0));
    for (const r of rows) {
      const mt = typeIdx(r.type);
      if (mt >= 0 && mt < MIGRATE_PCPTYPES) r.counts.forEach((c, o) => (target[mt]![o] = c));
    }
    // groups: pageblocks tied by free chunks (a chunk above pageblock order spans several)
    const zs = b.z.start[zi]!;
    const ze = b.z.end[zi]!;
    const firstPb = (zs >> pbo) - b.pbBase;
    const lastPb = ((ze - 1) >> pbo) - b.pbBase;
    const group = new Int32Array(lastPb - firstPb + 1).fill(-1);
    const gv: number[][] = [];
    const gBlocks: number[][] = [];
    for (const c of chunks) {
      if (c.zi !== zi) continue;
      const p0 = (c.pfn >> pbo) - b.pbBase;
      if (b.pbType[p0] === MIGRATE_CMA) continue;
      const span = c.order > pbo ? 1 << (c.order - pbo) : 1;
      let g = -1;
      for (let k = 0; k < span; k++) if (group[p0 + k - firstPb]! >= 0) g = group[p0 + k - firstPb]!;
      if (g < 0) {
        g = gv.length;
        gv.push(new Array(maxO).fill(0));
        gBlocks.push([]);
      }
      for (let k = 0; k < span; k++) {
        if (group[p0 + k - firstPb]! < 0) {
          group[p0 + k - firstPb] = g;
          gBlocks[g]!.push(p0 + k);
        }
      }
      gv[g]![c.order]++;
    }
    // exact search: give groups Unmovable or Reclaimable so those types' free counts match; Movable takes the rest
    const G = gv.length;
    const can = gv.map((v) => [MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE].filter((mt) => v.every((c, o) => c <= target[mt]![o]!)));
    const order = Array.from({ length: G }, (_, g) => g).filter((g) => can[g]!.length).sort((x, y) => gScore(y) - gScore(x));
    function gScore(g: number): number {
      return gBlocks[g]!.reduce((s, p) => s + score[p]!, 0);
    }
    const sum = [new Array(maxO).fill(0), new Array(maxO).fill(0)];
    const choice = new Int8Array(G).fill(MIGRATE_MOVABLE);
    let best: Int8Array | null = null;
    let bestErr = Infinity;
    let steps = 0;
    const err = (): number => {
      let e = 0;
      for (let s = 0; s < 2; s++) for (let o = 0; o < maxO; o++) e += Math.abs(target[s === 0 ? MIGRATE_UNMOVABLE : MIGRATE_RECLAIMABLE]![o]! - sum[s]![o]!) << o;
      return e;
    };
    const dfs = (k: number): boolean => {
      if (++steps > 200000) return true;
      const e = err();
      if (e < bestErr) {
        bestErr = e;
        best = choice.slice();
        if (e === 0) return true;
      }
      if (k === order.length) return false;
      const g = order[k]!;
      for (const mt of can[g]!) {
        const s = mt === MIGRATE_UNMOVABLE ? 0 : 1;
        const v = gv[g]!;
        if (v.some((c, o) => sum[s]![o]! + c > target[mt]![o]!)) continue;
        v.forEach((c, o) => (sum[s]![o] += c));
        choice[g] = mt;
        if (dfs(k + 1)) return true;
        v.forEach((c, o) => (sum[s]![o] -= c));
        choice[g] = MIGRATE_MOVABLE;
      }
      return dfs(k + 1);
    };
    dfs(0);
    const final = best ?? choice;
    if (bestErr > 0) mismatch.push(`${zname}: the free Unmovable/Reclaimable blocks could not be matched exactly (${bestErr} pages off)`);
    // every non-CMA pageblock of the zone: Movable unless chosen
    const types = new Int8Array(group.length).fill(MIGRATE_MOVABLE);
    for (let k = 0; k < group.length; k++) if (b.pbType[firstPb + k] === MIGRATE_CMA) types[k] = MIGRATE_CMA;
    for (let g = 0; g < G; g++) for (const p of gBlocks[g]!) types[p - firstPb] = final[g]!;
    // block counts: the remaining Unmovable and Reclaimable blocks are the fullest of kernel pages
    if (blocks) {
      const want = (mt: number): number => blocks.counts[MIGRATETYPE_NAMES[mt]!] ?? 0;
      const have = (mt: number): number => types.reduce((s, t) => s + (t === mt ? 1 : 0), 0);
      const spare = Array.from({ length: group.length }, (_, k) => k).filter((k) => types[k] === MIGRATE_MOVABLE && group[k]! < 0 && score[firstPb + k]! > 0).sort((x, y) => score[firstPb + y]! - score[firstPb + x]!);
      for (const mt of [MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE]) {
        let need = want(mt) - have(mt);
        while (need-- > 0 && spare.length) types[spare.shift()!] = mt;
      }
    }
    for (let k = 0; k < group.length; k++) b.pbType[firstPb + k] = types[k]!;
  }
}
