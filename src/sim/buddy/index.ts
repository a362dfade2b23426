/**
 * The buddy allocator's state (reference §5, §6, §13.2, §14.1–14.2).
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
