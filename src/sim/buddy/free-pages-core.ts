/**
 * The boot hand-over to the buddy allocator (mm/memblock.c memblock_free_all → free_low_memory_core_early → __free_pages_memory; mm/page_alloc.c __free_pages_core):
 * - memblock_free_all → free_low_memory_core_early → __free_memory_core → __free_pages_memory
 *   (mm/memblock.c): each free range is cut into maximal aligned chunks, and each chunk goes through
 *   memblock_free_pages → __free_pages_core (managed += 2^order) → __free_pages_ok(FPI_TO_TAIL) →
 *   __free_one_page with the pageblock's migratetype.
 * - free_highpages (arch/arm/mm/init.c): every page through free_highmem_page, which reaches the
 *   buddy at once through the boot pageset (high 0, batch 1) as an order-0 FPI_NONE free.
 *
 * Speed: the whole input is validated first (word-wide scan that every page is reserved), the state
 * bytes of each range are set in one fill, and then each chunk runs the real merge check of
 * __free_one_page. Chunks of one range cannot merge with each other (they are maximal), so the check
 * fails at once unless a neighbouring free block really is a buddy (ranges that touch, or frees done
 * earlier); then the ordinary merge loop runs. Nothing assumes the no-merge property.
 */
import { MmError } from '../errors';
import { MIGRATE_MOVABLE } from '../types';
import type { Buddy } from './buddy';
import { checkRanges } from './memmap';
import { PS_FREE_TAIL, PS_HOLE, PS_RESERVED } from './page-state';
import { firstByteMismatch } from './byte-scan';

export interface PfnRange {
  start: number;
  /** exclusive */
  end: number;
}

/** Throws unless every page of every range is reserved (memmap-initialised, not yet freed) and ranges are disjoint. */
function checkReserved(b: Buddy, ranges: PfnRange[], what: string): void {
  checkRanges(b, ranges, what);
  const sorted = ranges.filter((r) => r.end > r.start).sort((x, y) => x.start - y.start);
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k].start < sorted[k - 1].end) {
      throw new MmError('BUDDY_BAD_RANGE', `${what}: ranges [${sorted[k - 1].start}, ${sorted[k - 1].end}) and [${sorted[k].start}, ${sorted[k].end}) overlap`, what);
    }
  }
  for (const r of sorted) {
    if (r.start < b.basePfn || r.end > b.endPfn) {
      throw new MmError('BUDDY_BAD_RANGE', `${what}: range [${r.start}, ${r.end}) is outside [${b.basePfn}, ${b.endPfn})`, what);
    }
    const bad = firstByteMismatch(b.tag, r.start - b.basePfn, r.end - b.basePfn, 0xff, PS_RESERVED);
    if (bad >= 0) {
      const pfn = bad + b.basePfn;
      const t = b.tag[bad];
      if (t === PS_HOLE) throw new MmError('BUDDY_FREE_HOLE', `${what}: pfn ${pfn} has no struct page in a zone (not in memory)`, `pfn ${pfn}`);
      throw new MmError('BUDDY_NOT_RESERVED', `${what}: pfn ${pfn} was already handed to the buddy`, `pfn ${pfn}`);
    }
  }
}

/** Lowest set bit of s as an order (s < 2^31); 31 for s = 0. */
function lowestBit(s: number): number {
  return s === 0 ? 31 : 31 - Math.clz32(s & -s);
}

/** __free_pages_memory for each range (already clamped by the caller); validates everything first. */
export function freePagesMemory(b: Buddy, ranges: PfnRange[], maxLowPfn: number): void {
  checkRanges(b, ranges, 'freePagesMemory');
  const clamped = ranges.map((r) => ({ start: r.start, end: Math.min(r.end, maxLowPfn) })).filter((r) => r.start < r.end);
  checkReserved(b, clamped, 'freePagesMemory');
  freeChunks(b, clamped);
}

/** The chunk loop of __free_pages_memory over validated ranges. */
function freeChunks(b: Buddy, clamped: PfnRange[]): void {
  const top = b.maxOrder - 1;
  for (const r of clamped) {
    let s = r.start;
    const e = r.end;
    if (s >= e) continue;
    b.tag.fill(PS_FREE_TAIL, s - b.basePfn, e - b.basePfn);
    while (s < e) {
      // every pfn here is memory in a zone (checked). The kernel does not clamp chunks to zones: it
      // relies on zone boundaries being MAX_ORDER-aligned, where clamping changes nothing. Clamping
      // keeps every block inside one zone when a boundary is not aligned (arm32 DMA limits).
      const zi = b.z.indexOfPfn(s);
      const segEnd = Math.min(e, b.z.end[zi]);
      while (s < segEnd) {
        let o = Math.min(top, lowestBit(s));
        while (s + (1 << o) > segEnd) o--;
        // __free_pages_core: managed += 2^order; __free_pages_ok: pageblock migratetype, FPI_TO_TAIL
        b.z.managed[zi] += 1 << o;
        b.freeOneCore(zi, s, o, b.pbType[(s >> b.pageblockOrder) - b.pbBase], true);
        s += 1 << o;
      }
    }
  }
}

/** free_low_memory_core_early: reset_all_zones_managed_pages, then __free_memory_core per free range. */
export function memblockFreeAll(b: Buddy, freePfnRanges: PfnRange[], maxLowPfn: number): void {
  if (typeof maxLowPfn !== 'number' || Number.isNaN(maxLowPfn)) {
    throw new MmError('BUDDY_BAD_ARGUMENT', `memblockFreeAll: maxLowPfn must be a number, got ${String(maxLowPfn)}`, 'memblockFreeAll');
  }
  checkRanges(b, freePfnRanges, 'memblockFreeAll');
  const clamped = freePfnRanges.map((r) => ({ start: r.start, end: Math.min(r.end, maxLowPfn) })).filter((r) => r.start < r.end);
  checkReserved(b, clamped, 'memblockFreeAll');
  b.z.managed.fill(0);
  freeChunks(b, clamped);
}

/** arm32 free_highpages: each page through free_highmem_page (managed += 1) to the buddy, order 0, FPI_NONE. */
export function freeHighpages(b: Buddy, freePfnRanges: PfnRange[]): void {
  checkReserved(b, freePfnRanges, 'freeHighpages');
  for (const r of freePfnRanges) {
    for (let pfn = r.start; pfn < r.end; pfn++) {
      const zi = b.z.indexOfPfn(pfn);
      b.z.managed[zi] += 1;
      b.tag[pfn - b.basePfn] = PS_FREE_TAIL;
      b.freeOneCore(zi, pfn, 0, b.pbType[(pfn >> b.pageblockOrder) - b.pbBase], false);
    }
  }
}

/**
 * deferred_free_range (mm/page_alloc.c, CONFIG_DEFERRED_STRUCT_PAGE_INIT): the deferred-init
 * threads free the highest zone of a node in pieces of at most one pageblock. A whole aligned
 * pageblock is set MOVABLE and freed as one __free_pages_core(pageblock_order); any other piece is
 * freed page by page (order 0), setting MOVABLE on pageblock-aligned pfns. Both use FPI_TO_TAIL.
 */
export function deferredFreeRange(b: Buddy, pfn: number, nrPages: number): void {
  const where = `deferredFreeRange at pfn ${pfn}`;
  if (!Number.isInteger(nrPages) || nrPages < 0 || nrPages > 1 << b.pageblockOrder) {
    throw new MmError('BUDDY_BAD_ARGUMENT', `deferredFreeRange: nr_pages ${nrPages} must be in 0..pageblock_nr_pages (${1 << b.pageblockOrder})`, where);
  }
  if (nrPages === 0) return;
  checkReserved(b, [{ start: pfn, end: pfn + nrPages }], 'deferredFreeRange');
  const pbMask = (1 << b.pageblockOrder) - 1;
  const pbIndex = (p: number): number => (p >> b.pageblockOrder) - b.pbBase;
  if (nrPages === pbMask + 1 && (pfn & pbMask) === 0) {
    const zi = b.z.indexOfPfn(pfn);
    if (pfn + nrPages > b.z.end[zi]) throw new MmError('BUDDY_CROSSES_ZONE', `deferredFreeRange: pageblock at ${pfn} runs past its zone`, where);
    b.pbType[pbIndex(pfn)] = MIGRATE_MOVABLE;
    b.z.managed[zi] += nrPages;
    b.tag.fill(PS_FREE_TAIL, pfn - b.basePfn, pfn - b.basePfn + nrPages);
    b.freeOneCore(zi, pfn, b.pageblockOrder, MIGRATE_MOVABLE, true);
    return;
  }
  for (let p = pfn; p < pfn + nrPages; p++) {
    if ((p & pbMask) === 0) b.pbType[pbIndex(p)] = MIGRATE_MOVABLE;
    const zi = b.z.indexOfPfn(p);
    b.z.managed[zi] += 1;
    b.tag[p - b.basePfn] = PS_FREE_TAIL;
    b.freeOneCore(zi, p, 0, b.pbType[pbIndex(p)], true);
  }
}
