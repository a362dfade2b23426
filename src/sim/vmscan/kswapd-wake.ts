/**
 * Waking kswapd (mm/vmscan.c wakeup_kswapd, pgdat_balanced, pgdat_watermark_boosted) and kcompactd
 * (mm/compaction.c wakeup_kcompactd). A wake records the request on the node; kswapd itself runs
 * when the simulation gives it time (vmscan/kswapd.ts).
 */
import { __GFP_DIRECT_RECLAIM } from '../page_alloc/gfp';
import { zoneWatermarkOkFree } from '../page_alloc/watermark';
import { NR_WMARK, WMARK_HIGH, type RunState } from '../run/run-state';
import { wakeupKcompactd as wakeupKcompactdNode } from '../compaction/kcompactd';

/** MAX_RECLAIM_RETRIES (mm/internal.h) */
export const MAX_RECLAIM_RETRIES = 16;

/** zone_watermark_ok_safe: __zone_watermark_ok with alloc_flags 0 (no CMA, no highatomic pages count). */
export function zoneWatermarkOkSafe(rs: RunState, zi: number, order: number, mark: number, highestZoneidx: number): boolean {
  return zoneWatermarkOkFree(rs, zi, order, mark, highestZoneidx, 0, rs.buddy.z.free[zi]);
}

/** pgdat_balanced: some managed zone ≤ highest_zoneidx meets its high watermark (with boost), bottom up. */
export function pgdatBalanced(rs: RunState, ni: number, order: number, highestZoneidx: number): boolean {
  let any = false;
  for (let idx = 0; idx <= highestZoneidx && idx < rs.nz; idx++) {
    const zi = rs.nodeZone[ni * rs.nz + idx];
    if (zi < 0 || rs.buddy.z.managed[zi] === 0) continue;
    any = true;
    const mark = rs.wmark[zi * NR_WMARK + WMARK_HIGH] + rs.boost[zi];
    if (zoneWatermarkOkSafe(rs, zi, order, mark, highestZoneidx)) return true;
  }
  return !any;
}

/** pgdat_watermark_boosted: a managed zone ≤ highest_zoneidx has a boost. */
export function pgdatWatermarkBoosted(rs: RunState, ni: number, highestZoneidx: number): boolean {
  for (let idx = highestZoneidx; idx >= 0; idx--) {
    const zi = rs.nodeZone[ni * rs.nz + idx];
    if (zi >= 0 && rs.buddy.z.managed[zi] > 0 && rs.boost[zi] > 0) return true;
  }
  return false;
}

/**
 * wakeup_kcompactd: record an order/zone request for the node's kcompactd and wake it when a zone
 * is worth compacting (compaction/kcompactd.ts; it runs when the simulation gives it time).
 */
export function wakeupKcompactd(rs: RunState, ni: number, order: number, highestZoneidx: number): void {
  wakeupKcompactdNode(rs, ni, order, highestZoneidx);
}

/**
 * wakeup_kswapd: raise the node's kswapd_order and kswapd_highest_zoneidx; if kswapd sleeps (or
 * naps in kswapd_try_to_sleep: it is on kswapd_wait then too), wake it unless the node is hopeless
 * or balanced without boost (then only kcompactd, for requests that cannot compact directly).
 * mm_vmscan_wakeup_kswapd records the request's highest_zoneidx as its zid.
 */
export function wakeupKswapd(rs: RunState, zi: number, gfp: number, order: number, highestZoneidx: number): void {
  if (rs.buddy.z.managed[zi] === 0) return;
  const ni = rs.zoneNode[zi];
  const n = rs.nodes[ni]!;
  if (n.kswapdHighestZoneidx < 0 || n.kswapdHighestZoneidx < highestZoneidx) n.kswapdHighestZoneidx = highestZoneidx;
  if (n.kswapdOrder < order) n.kswapdOrder = order;
  if (n.kswapdAwake) return;
  if (n.kswapdFailures >= MAX_RECLAIM_RETRIES || (pgdatBalanced(rs, ni, order, highestZoneidx) && !pgdatWatermarkBoosted(rs, ni, highestZoneidx))) {
    if (!(gfp & __GFP_DIRECT_RECLAIM)) wakeupKcompactd(rs, ni, order, highestZoneidx);
    return;
  }
  rs.trace?.emit('mm_vmscan_wakeup_kswapd', n.nid, highestZoneidx, order, gfp, 0);
  n.kswapdAwake = true;
  n.kswapdWakes++;
}
