/**
 * Deferred compaction (mm/compaction.c, the same in 5.10 and 6.1): after a sync compaction of a
 * zone fails, the next 1 << compact_defer_shift attempts at that order or above are skipped, the
 * shift growing to COMPACT_MAX_DEFER_SHIFT with each failure; a success resets it.
 * Each fires its tracepoint (node, zone, order, order_failed, considered, limit = 1 << shift).
 */
import type { RunState } from '../run/run-state';
import { COMPACT_MAX_DEFER_SHIFT } from './constants';

type DeferEvent = 'mm_compaction_deferred' | 'mm_compaction_defer_compaction' | 'mm_compaction_defer_reset';

function traceDefer(rs: RunState, ev: DeferEvent, zi: number, order: number): void {
  const c = rs.compaction;
  rs.trace?.emit(ev, rs.zoneNid[zi], rs.zoneIdx[zi], order, c.orderFailed[zi], c.considered[zi], 2 ** c.deferShift[zi]);
}

/** defer_compaction: considered = 0, shift++ (capped), order_failed lowered to order. */
export function deferCompaction(rs: RunState, zi: number, order: number): void {
  const c = rs.compaction;
  c.considered[zi] = 0;
  c.deferShift[zi]++;
  if (order < c.orderFailed[zi]) c.orderFailed[zi] = order;
  if (c.deferShift[zi] > COMPACT_MAX_DEFER_SHIFT) c.deferShift[zi] = COMPACT_MAX_DEFER_SHIFT;
  traceDefer(rs, 'mm_compaction_defer_compaction', zi, order);
}

/** compaction_deferred: should this attempt be skipped? Counts the attempt (considered++) when order ≥ order_failed. */
export function compactionDeferred(rs: RunState, zi: number, order: number): boolean {
  const c = rs.compaction;
  const limit = 2 ** c.deferShift[zi];
  if (order < c.orderFailed[zi]) return false;
  if (++c.considered[zi] >= limit) {
    c.considered[zi] = limit;
    return false;
  }
  traceDefer(rs, 'mm_compaction_deferred', zi, order);
  return true;
}

/** compaction_defer_reset: after a success (alloc_success: the allocation itself succeeded) stop deferring. */
export function compactionDeferReset(rs: RunState, zi: number, order: number, allocSuccess: boolean): void {
  const c = rs.compaction;
  if (allocSuccess) {
    c.considered[zi] = 0;
    c.deferShift[zi] = 0;
  }
  if (order >= c.orderFailed[zi]) c.orderFailed[zi] = order + 1;
  traceDefer(rs, 'mm_compaction_defer_reset', zi, order);
}

/** compaction_restarting: the deferral has run its longest course, so clear the skip bits and retry. */
export function compactionRestarting(rs: RunState, zi: number, order: number): boolean {
  const c = rs.compaction;
  if (order < c.orderFailed[zi]) return false;
  return c.deferShift[zi] === COMPACT_MAX_DEFER_SHIFT && c.considered[zi] >= 2 ** c.deferShift[zi];
}
