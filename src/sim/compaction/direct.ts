/**
 * Direct compaction (mm/compaction.c try_to_compact_pages, compact_zone_order; the success
 * bookkeeping of mm/page_alloc.c __alloc_pages_direct_compact).
 *
 * Page capture (capture_control) is not modelled: when compaction frees a block of the requested
 * order, it goes to the free lists and the allocator's get_page_from_freelist after compaction
 * takes it (subject to the watermark check a captured page would skip). See
 * docs/run-time-compaction.md.
 */
import { __GFP_IO } from '../page_alloc/gfp';
import type { AllocContext } from '../page_alloc/alloc-pages';
import type { RunState } from '../run/run-state';
import { COMPACT_COMPLETE, COMPACT_DEFERRED, COMPACT_PARTIAL_SKIPPED, COMPACT_PRIO_ASYNC, COMPACT_SKIPPED, COMPACT_SUCCESS, MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIN_COMPACT_PRIORITY } from './constants';
import { newCompactControl } from './control';
import { compactZone } from './compact-zone';
import { compactionDeferReset, compactionDeferred, deferCompaction } from './defer';

/** compact_zone_order: one zone for a direct compactor at the given priority. */
export function compactZoneOrder(rs: RunState, zi: number, order: number, gfp: number, prio: number, allocFlags: number, highestZoneidx: number, cpu: number): number {
  const full = prio === MIN_COMPACT_PRIORITY;
  const cc = newCompactControl({
    order,
    searchOrder: order,
    gfp,
    zi,
    mode: prio === COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT,
    allocFlags,
    highestZoneidx,
    directCompaction: true,
    wholeZone: full,
    ignoreSkipHint: full,
    ignoreBlockSuitable: full,
    cpu,
  });
  return compactZone(rs, cc);
}

/**
 * try_to_compact_pages: no __GFP_IO → SKIPPED; otherwise compact every eligible zone of the
 * zonelist in order (a deferred zone counts as DEFERRED unless at SYNC_FULL priority), stopping
 * at the first SUCCESS; sync compactions that ran the zone out (COMPLETE, PARTIAL_SKIPPED) defer
 * it. Returns the highest compact_result seen.
 */
export function tryToCompactPages(rs: RunState, ac: AllocContext, allocFlags: number, prio: number): number {
  const gfp = ac.gfp;
  const order = ac.order;
  let rc = COMPACT_SKIPPED;
  if (!(gfp & __GFP_IO)) return COMPACT_SKIPPED;
  rs.trace?.emit('mm_compaction_try_to_compact_pages', order, gfp, prio, 0, 0);
  for (let k = 0; k < ac.zonelist.length; k++) {
    const zi = ac.zonelist[k]!;
    if (rs.zoneIdx[zi] > ac.highestZoneidx) continue;
    if (prio > MIN_COMPACT_PRIORITY && compactionDeferred(rs, zi, order)) {
      rc = Math.max(COMPACT_DEFERRED, rc);
      continue;
    }
    const status = compactZoneOrder(rs, zi, order, gfp, prio, allocFlags, ac.highestZoneidx, ac.cpu);
    rc = Math.max(status, rc);
    if (status === COMPACT_SUCCESS) {
      compactionDeferReset(rs, zi, order, false);
      break;
    }
    if (prio !== COMPACT_PRIO_ASYNC && (status === COMPACT_COMPLETE || status === COMPACT_PARTIAL_SKIPPED)) deferCompaction(rs, zi, order);
  }
  return rc;
}

/** __alloc_pages_direct_compact after a page was found: zone->compact_blockskip_flush = false and compaction_defer_reset(zone, order, true). */
export function directCompactSucceeded(rs: RunState, pfn: number, order: number): void {
  const zi = rs.buddy.zoneIndexOf(pfn);
  rs.compaction.blockskipFlush[zi] = 0;
  compactionDeferReset(rs, zi, order, true);
}
