/**
 * Sanity of the compaction state (checked with the run invariants): deferral counters within the
 * kernel's bounds, and a skip bit per pageblock.
 */
import type { RunState } from '../run/run-state';
import { COMPACT_MAX_DEFER_SHIFT } from './constants';

export function checkCompactionInvariants(rs: RunState): void {
  const c = rs.compaction;
  if (c.skip.length !== rs.buddy.pbType.length) throw new Error(`run invariant: ${c.skip.length} pageblock skip bits for ${rs.buddy.pbType.length} pageblocks`);
  for (let zi = 0; zi < rs.zones; zi++) {
    const shift = c.deferShift[zi];
    if (shift < 0 || shift > COMPACT_MAX_DEFER_SHIFT) throw new Error(`run invariant: zone ${rs.zoneId[zi]}: compact_defer_shift ${shift} outside 0..${COMPACT_MAX_DEFER_SHIFT}`);
    if (c.considered[zi] < 0 || c.considered[zi] > 2 ** shift) throw new Error(`run invariant: zone ${rs.zoneId[zi]}: compact_considered ${c.considered[zi]} beyond 1 << ${shift}`);
    if (c.orderFailed[zi] < 0 || c.orderFailed[zi] > rs.buddy.maxOrder) throw new Error(`run invariant: zone ${rs.zoneId[zi]}: compact_order_failed ${c.orderFailed[zi]}`);
  }
}
