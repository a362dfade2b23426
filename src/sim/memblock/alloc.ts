/**
 * memblock allocation (mm/memblock.c): memblock_find_in_range_node with its top-down and
 * bottom-up walkers, memblock_find_in_range, and memblock_alloc_range_nid with the node
 * and mirror retries. 5.10 here means 5.10.44+ (bottom-up without the kernel-end start and
 * without the top-down fallback), which is what Debian's 5.10.y ships.
 */
import { MmError } from '../errors';
import { MEMBLOCK_MIRROR, MEMBLOCK_NONE, NUMA_NO_NODE, PAGE_SIZE } from '../types';
import { fmtPa, isPowerOfTwo, roundDown, roundUp, type PhysAddrBytes } from './format';
import type { FreeRange } from './iterate';

/** MEMBLOCK_ALLOC_ACCESSIBLE: "below current_limit". */
export const MEMBLOCK_ALLOC_ACCESSIBLE = 0;
/** MEMBLOCK_ALLOC_KASAN (5.10) / MEMBLOCK_ALLOC_NOLEAKTRACE (6.1): also "below current_limit". */
export const MEMBLOCK_ALLOC_NOLEAKTRACE = 1;
export const MEMBLOCK_ALLOC_KASAN = 1;
export const MEMBLOCK_LOW_LIMIT = 0;

/** What the allocator needs from the Memblock instance. */
export interface AllocHost {
  readonly physAddrBytes: PhysAddrBytes;
  readonly maxNumnodes: number;
  readonly smpCacheBytes: number;
  bottomUp: boolean;
  currentLimit: number;
  /** system_has_some_mirror */
  readonly hasMirror: boolean;
  freeRanges(opts: { nid?: number; flags?: number; reverse?: boolean }): FreeRange[];
  /** memblock_reserve, logging with the given caller; false on failure */
  reserveFrom(base: number, size: number, caller: string): boolean;
  warn(msg: string): void;
  /** the %pS text memblock_alloc_range_nid's own memblock_reserve call logs */
  readonly allocRangeCaller: string;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

function checkAlign(align: number, where: string): void {
  if (!isPowerOfTwo(align)) {
    throw new MmError('MEMBLOCK_BAD_ALIGN', `alignment must be a power of two, got ${align}`, where);
  }
}

/** __memblock_find_range_top_down (mm/memblock.c): highest aligned fit in the highest free range. */
function findRangeTopDown(h: AllocHost, start: number, end: number, size: number, align: number, nid: number, flags: number): number {
  for (const r of h.freeRanges({ nid, flags, reverse: true })) {
    const thisStart = clamp(r.base, start, end);
    const thisEnd = clamp(r.end, start, end);
    if (thisEnd < size) continue;
    const cand = roundDown(thisEnd - size, align);
    if (cand >= thisStart) return cand;
  }
  return 0;
}

/** __memblock_find_range_bottom_up (mm/memblock.c): lowest aligned fit. */
function findRangeBottomUp(h: AllocHost, start: number, end: number, size: number, align: number, nid: number, flags: number): number {
  for (const r of h.freeRanges({ nid, flags })) {
    const thisStart = clamp(r.base, start, end);
    const thisEnd = clamp(r.end, start, end);
    const cand = roundUp(thisStart, align);
    if (cand < thisEnd && thisEnd - cand >= size) return cand;
  }
  return 0;
}

/** memblock_find_in_range_node (mm/memblock.c); 0 means failure. */
export function findInRangeNode(h: AllocHost, size: number, align: number, start: number, end: number, nid: number, flags: number): number {
  checkAlign(align, 'memblock_find_in_range_node');
  let e = end;
  if (e === MEMBLOCK_ALLOC_ACCESSIBLE || e === MEMBLOCK_ALLOC_NOLEAKTRACE) e = h.currentLimit;
  const s = Math.max(start, PAGE_SIZE);
  e = Math.max(s, e);
  return h.bottomUp ? findRangeBottomUp(h, s, e, size, align, nid, flags) : findRangeTopDown(h, s, e, size, align, nid, flags);
}

/** choose_memblock_flags (mm/memblock.c) */
export function chooseMemblockFlags(h: AllocHost): number {
  return h.hasMirror ? MEMBLOCK_MIRROR : MEMBLOCK_NONE;
}

/** memblock_find_in_range (mm/memblock.c): any node, dropping MIRROR on failure. */
export function findInRange(h: AllocHost, start: number, end: number, size: number, align: number): number {
  let flags = chooseMemblockFlags(h);
  for (;;) {
    const ret = findInRangeNode(h, size, align, start, end, NUMA_NO_NODE, flags);
    if (ret !== 0 || (flags & MEMBLOCK_MIRROR) === 0) return ret;
    flags &= ~MEMBLOCK_MIRROR;
    h.warn(`Could not allocate ${fmtPa(size, h.physAddrBytes)} bytes of mirrored memory`);
  }
}

/**
 * memblock_alloc_range_nid (mm/memblock.c): find, reserve, return the base (0 on failure).
 * A non-exact nid falls back to any node; mirrored memory falls back to any memory.
 */
export function allocRangeNid(h: AllocHost, size: number, alignIn: number, start: number, end: number, nidIn: number, exactNid: boolean): number {
  let nid = nidIn;
  if (nid === h.maxNumnodes) {
    h.warn('memblock_alloc_range_nid: Usage of MAX_NUMNODES is deprecated. Use NUMA_NO_NODE instead');
    nid = NUMA_NO_NODE;
  }
  let align = alignIn;
  if (align === 0) {
    h.warn('memblock_alloc_range_nid: align 0, using SMP_CACHE_BYTES');
    align = h.smpCacheBytes;
  }
  let flags = chooseMemblockFlags(h);
  for (;;) {
    let found = findInRangeNode(h, size, align, start, end, nid, flags);
    if (found !== 0 && h.reserveFrom(found, size, h.allocRangeCaller)) return found;
    if (nid !== NUMA_NO_NODE && !exactNid) {
      found = findInRangeNode(h, size, align, start, end, NUMA_NO_NODE, flags);
      if (found !== 0 && h.reserveFrom(found, size, h.allocRangeCaller)) return found;
    }
    if ((flags & MEMBLOCK_MIRROR) === 0) return 0;
    flags &= ~MEMBLOCK_MIRROR;
    h.warn(`Could not allocate ${fmtPa(size, h.physAddrBytes)} bytes of mirrored memory`);
  }
}
