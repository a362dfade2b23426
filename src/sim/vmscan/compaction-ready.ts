/**
 * compaction_ready (mm/vmscan.c): direct reclaim for a costly order stops at a zone where the
 * allocation would already succeed, or where compaction can run (compaction/suitable.ts
 * compaction_suitable) and the zone is above its high watermark plus compact_gap.
 */
import { COMPACT_SKIPPED, COMPACT_SUCCESS, compactGap } from '../compaction/constants';
import { compactionSuitable } from '../compaction/suitable';
import { NR_WMARK, WMARK_HIGH, type RunState } from '../run/run-state';
import { zoneWatermarkOkSafe } from './kswapd-wake';

/** compaction_ready: true when reclaim for this zone can stop and leave the rest to compaction. */
export function compactionReady(rs: RunState, zi: number, order: number, reclaimIdx: number): boolean {
  const suitable = compactionSuitable(rs, zi, order, 0, reclaimIdx);
  if (suitable === COMPACT_SUCCESS) return true;
  if (suitable === COMPACT_SKIPPED) return false;
  const watermark = rs.wmark[zi * NR_WMARK + WMARK_HIGH] + rs.boost[zi] + compactGap(order);
  return zoneWatermarkOkSafe(rs, zi, 0, watermark, reclaimIdx);
}
