/**
 * Test helper: replays the memblock=debug lines a real kernel printed (fixtures/*.log, copied
 * from the oracle, test/helpers/oracle-dir.ts/<case>/kernel-console.txt without timestamps) through the model.
 * Requests (add, remove, reserve, free, alloc_*) are taken from the log; the model must then
 * print the same lines itself, including the memblock_reserve lines of its own allocations
 * (their addresses come from the model's allocator, not from the log) and the dump.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Memblock, PHYS_ADDR_MAX } from '../../src/sim/memblock';

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');
}

function num(hex: string): number {
  const v = BigInt('0x' + hex);
  if (v === 0xffffffffffffffffn) return PHYS_ADDR_MAX;
  return Number(v);
}

/** size from a "[base-last]" pair, in u64 arithmetic (ULLONG_MAX sizes come back as the sentinel) */
function sizeOf(base: string, last: string): number {
  const s = (BigInt('0x' + last) - BigInt('0x' + base) + 1n) & 0xffffffffffffffffn;
  return s === 0xffffffffffffffffn ? PHYS_ADDR_MAX : Number(s);
}

const RANGE = /^(memblock_add|memblock_remove|memblock_reserve|memblock_free|memblock_phys_free): \[0x([0-9a-f]+)-0x([0-9a-f]+)\] (.*)$/;
const ADD_NODE = /^memblock_add_node: \[0x([0-9a-f]+)-0x([0-9a-f]+)\] nid=(-?\d+) flags=([0-9a-f]+) (.*)$/;
const PHYS_ALLOC = /^memblock_phys_alloc_range: (\d+) bytes align=0x([0-9a-f]+) from=0x([0-9a-f]+) max_addr=0x([0-9a-f]+) (.*)$/;
const TRY_NID = /^(memblock_alloc_try_nid|memblock_alloc_try_nid_raw|memblock_alloc_exact_nid_raw): (\d+) bytes align=0x([0-9a-f]+) nid=(-?\d+) from=0x([0-9a-f]+) max_addr=0x([0-9a-f]+) (.*)$/;

export interface ReplayOptions {
  /** operations the kernel does without a log line, keyed by the index of the log line they precede */
  before?: Record<number, (mb: Memblock) => void>;
  /**
   * An allocation whose request is not logged (5.10 memblock_phys_alloc_range) shows only as a
   * memblock_reserve by memblock_alloc_range_nid. Return the call to make for it, or undefined
   * to apply the logged reservation as is (then the line is not a check of the allocator).
   */
  orphanAlloc?: (mb: Memblock, size: number) => boolean;
  /** stop before this log line index */
  until?: number;
}

export interface ReplayResult {
  expected: string[];
  actual: string[];
  /** allocation-reserve lines applied verbatim (not checked against the allocator) */
  unverified: number;
}

/** Replays the log lines into mb (whose debug must be on) and returns expected vs produced lines. */
export function replay(mb: Memblock, lines: string[], opts: ReplayOptions = {}): ReplayResult {
  const until = opts.until ?? lines.length;
  const expected = lines.slice(0, until);
  let unverified = 0;
  let pendingAllocReserve = 0; // reserve lines the model will print for a request it just ran
  for (let i = 0; i < until; i++) {
    opts.before?.[i]?.(mb);
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if ((m = RANGE.exec(line))) {
      const [, fn, b, l, caller] = m;
      const base = num(b!);
      const size = sizeOf(b!, l!);
      if (caller === mb.allocRangeCaller && fn === 'memblock_reserve') {
        if (pendingAllocReserve > 0) {
          pendingAllocReserve--;
          continue;
        }
        if (opts.orphanAlloc?.(mb, size)) continue;
        unverified++;
      }
      if (fn === 'memblock_add') mb.add(base, size, caller);
      else if (fn === 'memblock_remove') mb.remove(base, size, caller);
      else if (fn === 'memblock_reserve') mb.reserve(base, size, caller);
      else mb.free(base, size, caller);
    } else if ((m = ADD_NODE.exec(line))) {
      const [, b, l, nid, flags, caller] = m;
      mb.addNode(num(b!), sizeOf(b!, l!), Number(nid), parseInt(flags!, 16), caller);
    } else if ((m = PHYS_ALLOC.exec(line))) {
      const [, size, align, from, max, caller] = m;
      if (mb.physAllocRange(Number(size), num(align!), num(from!), num(max!), caller) !== 0) pendingAllocReserve++;
    } else if ((m = TRY_NID.exec(line))) {
      const [, fn, size, align, nid, from, max, caller] = m;
      const raw = fn !== 'memblock_alloc_try_nid';
      const exactNid = fn === 'memblock_alloc_exact_nid_raw';
      if (mb.allocTryNid(Number(size), num(align!), num(from!), num(max!), Number(nid), { raw, exactNid, caller }) !== 0) pendingAllocReserve++;
    } else if (line === 'MEMBLOCK configuration:') {
      mb.logDumpAll();
      // skip the dump lines: they are compared, not replayed
      while (i + 1 < until && /^ (memory size|memory|reserved)/.test(lines[i + 1]!)) i++;
    } else {
      throw new Error(`replay: unknown line ${i}: ${line}`);
    }
  }
  return { expected, actual: mb.log.slice(), unverified };
}

export function logLines(name: string): string[] {
  return fixture(name).split('\n').filter((l) => l !== '');
}

/**
 * Rebuilds a memblock from a "MEMBLOCK configuration:" dump (regions, nodes and flags), so a
 * replay can start from a point whose earlier history was not logged. Returns the index of
 * the first log line after the dump.
 */
export function loadDump(mb: Memblock, lines: string[], dumpStart: number): number {
  if (lines[dumpStart] !== 'MEMBLOCK configuration:') throw new Error(`no dump at line ${dumpStart}`);
  const REGION = /^ (memory|reserved)\[0x[0-9a-f]+\]\t\[0x([0-9a-f]+)-0x([0-9a-f]+)\], 0x[0-9a-f]+ bytes(?: on node (\d+))? flags: 0x([0-9a-f]+)$/;
  const debug = mb.debug;
  mb.debug = false;
  let i = dumpStart + 2;
  for (; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^ (memory|reserved)\.cnt/.test(l)) continue;
    const m = REGION.exec(l);
    if (!m) break;
    const [, type, b, last, node, flags] = m;
    const base = num(b!);
    const size = sizeOf(b!, last!);
    if (size === 0) continue;
    if (type === 'memory') {
      mb.addNode(base, size, node === undefined ? mb.maxNumnodes : Number(node), parseInt(flags!, 16));
    } else {
      mb.reserve(base, size);
      if (node !== undefined) mb.setNode(base, size, Number(node), 'reserved');
    }
  }
  mb.debug = debug;
  return i;
}
