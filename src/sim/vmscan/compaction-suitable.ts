/**
 * The compaction checks reclaim makes (mm/compaction.c compaction_suitable, __compaction_suitable,
 * fragmentation_index; mm/vmscan.c compaction_ready): reclaim for a high order stops once
 * compaction could run or the allocation would succeed.
 *
 * TODO(merge): the compaction module (src/sim/compaction/) computes the same compaction_suitable;
 * once both are merged, these callers should use its function and this file should go.
 */
import { MIGRATE_TYPES } from '../types';
import { ALLOC_CMA, ALLOC_WMARK_MASK } from '../page_alloc/alloc-flags';
import { zoneWatermarkOk, zoneWatermarkOkFree } from '../page_alloc/watermark';
import { COMPACT_CONTINUE, COMPACT_SKIPPED, COMPACT_SUCCESS } from '../compaction/compact-result';
import { NR_WMARK, WMARK_HIGH, WMARK_LOW, WMARK_MIN, type RunState } from '../run/run-state';
import { zoneWatermarkOkSafe } from './kswapd-wake';
import { EXTFRAG_THRESHOLD, PAGE_ALLOC_COSTLY_ORDER, compactGap } from './scan-control';

/** fragmentation_index (mm/vmstat.c __fragmentation_index): −1000 when a block of the order is free, else 0..1000. */
export function fragmentationIndex(rs: RunState, zi: number, order: number): number {
  const b = rs.buddy;
  let total = 0;
  let freePages = 0;
  let suitable = 0;
  for (let o = 0; o < b.maxOrder; o++) {
    let blocks = 0;
    for (let mt = 0; mt < MIGRATE_TYPES; mt++) blocks += b.nrFree[(zi * b.maxOrder + o) * MIGRATE_TYPES + mt];
    total += blocks;
    freePages += blocks * 2 ** o;
    if (o >= order) suitable += blocks * 2 ** (o - order);
  }
  if (!total) return 0;
  if (suitable) return -1000;
  return 1000 - Math.floor((1000 + Math.floor((freePages * 1000) / 2 ** order)) / total);
}

/**
 * compaction_suitable(zone, order, alloc_flags, highest_zoneidx): SUCCESS when the order's
 * watermark already holds; SKIPPED without the order-0 free pages compaction needs (the min or,
 * for costly orders, low watermark plus compact_gap, CMA pages counting), or when a costly order's
 * fragmentation index says the failure is for lack of memory; else CONTINUE.
 */
export function compactionSuitable(rs: RunState, zi: number, order: number, allocFlags: number, highestZoneidx: number): number {
  const mark = rs.wmark[zi * NR_WMARK + (allocFlags & ALLOC_WMARK_MASK)] + rs.boost[zi];
  if (zoneWatermarkOk(rs, zi, order, mark, highestZoneidx, allocFlags)) return COMPACT_SUCCESS;
  const low = rs.wmark[zi * NR_WMARK + (order > PAGE_ALLOC_COSTLY_ORDER ? WMARK_LOW : WMARK_MIN)] + rs.boost[zi];
  if (!zoneWatermarkOkFree(rs, zi, 0, low + compactGap(order), highestZoneidx, ALLOC_CMA, rs.buddy.z.free[zi])) return COMPACT_SKIPPED;
  if (order > PAGE_ALLOC_COSTLY_ORDER) {
    const fi = fragmentationIndex(rs, zi, order);
    // COMPACT_NOT_SUITABLE_ZONE, which compaction_suitable reports as SKIPPED
    if (fi >= 0 && fi <= EXTFRAG_THRESHOLD) return COMPACT_SKIPPED;
  }
  return COMPACT_CONTINUE;
}

/**
 * compaction_ready (mm/vmscan.c): direct reclaim for a costly order skips a zone where the
 * allocation would already succeed, or where compaction can run and the zone is above its high
 * watermark plus compact_gap.
 */
export function compactionReady(rs: RunState, zi: number, order: number, reclaimIdx: number): boolean {
  const suitable = compactionSuitable(rs, zi, order, 0, reclaimIdx);
  if (suitable === COMPACT_SUCCESS) return true;
  if (suitable === COMPACT_SKIPPED) return false;
  const watermark = rs.wmark[zi * NR_WMARK + WMARK_HIGH] + rs.boost[zi] + compactGap(order);
  return zoneWatermarkOkSafe(rs, zi, 0, watermark, reclaimIdx);
}
