/**
 * Is compaction worth running in a zone (mm/compaction.c): __compaction_suitable,
 * compaction_suitable (with the fragmentation index against vm.extfrag_threshold for costly
 * orders) and compaction_zonelist_suitable (the slow path's should_compact_retry asks it).
 */
import { PAGE_ALLOC_COSTLY_ORDER } from '../types';
import { ALLOC_CMA, ALLOC_WMARK_MASK } from '../page_alloc/alloc-flags';
import type { AllocContext } from '../page_alloc/alloc-pages';
import { zoneWatermarkOk, zoneWatermarkOkFree } from '../page_alloc/watermark';
import { NR_WMARK, WMARK_LOW, WMARK_MIN, type RunState } from '../run/run-state';
import { zoneReclaimablePages } from '../page_alloc/slowpath';
import { COMPACT_CONTINUE, COMPACT_NOT_SUITABLE_ZONE, COMPACT_SKIPPED, COMPACT_SUCCESS, compactGap } from './constants';
import { fragmentationIndex } from './frag-index';

/**
 * __compaction_suitable: order −1 (compact_memory, proactive) always continues; a zone where the
 * request would already pass its own watermark needs nothing (SUCCESS); a zone without
 * (low for costly orders, else min) + compact_gap(order) free order-0 pages beyond lowmem_reserve,
 * counting CMA, is SKIPPED (too little memory to migrate into); else CONTINUE.
 */
export function compactionSuitableFree(rs: RunState, zi: number, order: number, allocFlags: number, highestZoneidx: number, wmarkTarget: number): number {
  if (order < 0) return COMPACT_CONTINUE;
  let watermark = rs.wmark[zi * NR_WMARK + (allocFlags & ALLOC_WMARK_MASK)] + rs.boost[zi];
  if (zoneWatermarkOk(rs, zi, order, watermark, highestZoneidx, allocFlags)) return COMPACT_SUCCESS;
  watermark = rs.wmark[zi * NR_WMARK + (order > PAGE_ALLOC_COSTLY_ORDER ? WMARK_LOW : WMARK_MIN)] + rs.boost[zi];
  watermark += compactGap(order);
  if (!zoneWatermarkOkFree(rs, zi, 0, watermark, highestZoneidx, ALLOC_CMA, wmarkTarget)) return COMPACT_SKIPPED;
  return COMPACT_CONTINUE;
}

/**
 * compaction_suitable: __compaction_suitable on NR_FREE_PAGES; for costly orders a fragmentation
 * index in [0, extfrag_threshold] means the failure is for lack of memory, not fragmentation:
 * traced as not_suitable_zone and returned as SKIPPED. Fires mm_compaction_suitable.
 */
export function compactionSuitable(rs: RunState, zi: number, order: number, allocFlags: number, highestZoneidx: number): number {
  let ret = compactionSuitableFree(rs, zi, order, allocFlags, highestZoneidx, rs.buddy.z.free[zi]);
  if (ret === COMPACT_CONTINUE && order > PAGE_ALLOC_COSTLY_ORDER) {
    const fragindex = fragmentationIndex(rs, zi, order);
    if (fragindex >= 0 && fragindex <= rs.compaction.extfragThreshold) ret = COMPACT_NOT_SUITABLE_ZONE;
  }
  rs.trace?.emit('mm_compaction_suitable', rs.zoneNid[zi], rs.zoneIdx[zi], order, ret, 0);
  if (ret === COMPACT_NOT_SUITABLE_ZONE) ret = COMPACT_SKIPPED;
  return ret;
}

/**
 * compaction_zonelist_suitable: would some eligible zone pass __compaction_suitable if reclaim
 * freed a share (1/order) of its reclaimable pages? 5.10 accepts any result but SKIPPED; 6.1 only
 * CONTINUE (a zone already at its watermark, SUCCESS, does not count).
 */
export function compactionZonelistSuitable(rs: RunState, ac: AllocContext, order: number, allocFlags: number): boolean {
  for (let k = 0; k < ac.zonelist.length; k++) {
    const zi = ac.zonelist[k]!;
    if (rs.zoneIdx[zi] > ac.highestZoneidx) continue;
    const available = Math.floor(zoneReclaimablePages(rs, zi) / order) + rs.buddy.z.free[zi];
    const r = compactionSuitableFree(rs, zi, order, allocFlags, ac.highestZoneidx, available);
    if (rs.rules.compaction.zonelistSuitable === 'continue-only' ? r === COMPACT_CONTINUE : r !== COMPACT_SKIPPED) return true;
  }
  return false;
}
