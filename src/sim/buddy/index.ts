/**
 * The buddy allocator's state (mm/page_alloc.c free_area, mm/memblock.c memblock_free_all, mm/cma.c cma_activate_area, mm/vmstat.c buddyinfo/pagetypeinfo).
 *
 *   const b = new Buddy({ kernel, basePfn, endPfn, pageblockOrder, maxOrder, zones, sectionShift? });
 *   b.memmapInit(memoryPfnRanges);              // memmap_init
 *   b.memblockFreeAll(freePfnRanges, maxLowPfn); // memblock_free_all (arm32: then b.freeHighpages)
 *   b.cmaActivateArea(basePfn, count);           // cma_init_reserved_areas, per area
 *   b.rmqueueSmallest(zoneId, order, mt) / b.freeOnePage(pfn, order, mt, { toTail })
 *   b.freeArea(zoneId) (buddyinfo, pagetypeinfo counts), b.blocksByType(zoneId), b.listPfns(...)
 */
export { Buddy, type BuddyOptions, type BuddyZoneSpec, type FreeFlags, type PfnRange } from './buddy';
export type { PageStateName } from './page-state';
