/**
 * cma_activate_area (mm/cma.c) and init_cma_reserved_pageblock (mm/page_alloc.c).
 *
 * 5.10: the zone check is interleaved with activation, one pageblock at a time: each pageblock is
 * checked (every pfn in the zone of the area's first pfn) and then activated, so a failure part-way
 * leaves the earlier pageblocks activated and the rest reserved ("could not be activated", count = 0).
 * 6.1: the whole range is checked first; on failure every page is given to the buddy as an ordinary
 * page (free_reserved_page: managed += 1, order-0 free with the pageblock's type) and nothing is CMA.
 * The kernel sends those order-0 pages through the per-cpu lists; this model frees them straight to
 * the buddy in pfn order (a pcp drain frees the oldest first, so the order is the same, but pages
 * still sitting on a pcp list at the end are free here).
 *
 * Activating a pageblock: type := MIGRATE_CMA, then __free_pages(page, pageblock_order):
 * 5.10 __free_pages_ok(FPI_NONE); 6.1 goes through the pcp THP list, which is over pcp->high at once
 * (high ≤ 4 × batch before watermarks exist, and 2^pageblock_order > that), and free_pcppages_bulk
 * drains the list it was added to first, so the block reaches __free_one_page(FPI_NONE) with its
 * stored migratetype, MIGRATE_CMA. Both end in __free_one_page(pfn, pageblock_order, CMA, FPI_NONE);
 * the merge rules of the profile then decide. managed and cma_pages grow by pageblock_nr_pages.
 */
import { MmError } from '../errors';
import { MIGRATE_CMA } from '../types';
import type { Buddy } from './buddy';
import { PS_FREE_TAIL, PS_HOLE, PS_RESERVED } from './page-state';
import { firstByteMismatch } from './byte-scan';

export function cmaActivateArea(b: Buddy, basePfn: number, count: number): boolean {
  const where = `CMA area at pfn ${basePfn}`;
  const pbPages = 1 << b.pageblockOrder;
  if (!Number.isInteger(basePfn) || !Number.isInteger(count) || count <= 0) {
    throw new MmError('BUDDY_BAD_ARGUMENT', `cmaActivateArea: need an integer base pfn and a positive page count, got ${basePfn}, ${count}`, where);
  }
  if (basePfn % pbPages !== 0 || count % pbPages !== 0) {
    throw new MmError('BUDDY_BAD_ARGUMENT', `cmaActivateArea: base ${basePfn} and count ${count} must be multiples of pageblock_nr_pages (${pbPages})`, where);
  }
  if (basePfn < b.basePfn || basePfn + count > b.endPfn) {
    throw new MmError('BUDDY_BAD_RANGE', `cmaActivateArea: [${basePfn}, ${basePfn + count}) is outside [${b.basePfn}, ${b.endPfn})`, where);
  }
  const bad = firstByteMismatch(b.tag, basePfn - b.basePfn, basePfn + count - b.basePfn, 0xff, PS_RESERVED);
  if (bad >= 0) {
    const pfn = bad + b.basePfn;
    if (b.tag[bad] === PS_HOLE) throw new MmError('BUDDY_FREE_HOLE', `cmaActivateArea: pfn ${pfn} has no memory`, where);
    throw new MmError('BUDDY_NOT_RESERVED', `cmaActivateArea: pfn ${pfn} is not reserved (CMA memory must stay reserved until activation)`, where);
  }
  const zi = b.z.indexOfPfn(basePfn);
  const zoneEnd = b.z.end[zi];
  const end = basePfn + count;
  if (!b.rules.cma.failedAreaToBuddy) {
    for (let pfn = basePfn; pfn < end; pfn += pbPages) {
      // every pfn of this pageblock in the area's zone (spans are contiguous, so: the block ends inside it)
      if (pfn + pbPages > zoneEnd) return false;
      initCmaReservedPageblock(b, zi, pfn);
    }
    return true;
  }
  if (end > zoneEnd) {
    for (let pfn = basePfn; pfn < end; pfn++) {
      const zj = b.z.indexOfPfn(pfn);
      b.z.managed[zj] += 1;
      b.tag[pfn - b.basePfn] = PS_FREE_TAIL;
      b.freeOneCore(zj, pfn, 0, b.pbType[(pfn >> b.pageblockOrder) - b.pbBase], false);
    }
    return false;
  }
  for (let pfn = basePfn; pfn < end; pfn += pbPages) initCmaReservedPageblock(b, zi, pfn);
  return true;
}

/** init_cma_reserved_pageblock (mm/page_alloc.c); pageblock_order < MAX_ORDER is checked by the constructor. */
function initCmaReservedPageblock(b: Buddy, zi: number, pfn: number): void {
  const pbPages = 1 << b.pageblockOrder;
  b.pbType[(pfn >> b.pageblockOrder) - b.pbBase] = MIGRATE_CMA;
  b.tag.fill(PS_FREE_TAIL, pfn - b.basePfn, pfn - b.basePfn + pbPages);
  b.freeOneCore(zi, pfn, b.pageblockOrder, MIGRATE_CMA, false);
  b.z.managed[zi] += pbPages;
  b.z.cma[zi] += pbPages;
}
