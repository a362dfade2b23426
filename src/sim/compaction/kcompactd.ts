/**
 * kcompactd (mm/compaction.c): wakeup_kcompactd, kcompactd_node_suitable, kcompactd_do_work, the
 * thread's loop with proactive compaction (should_proactive_compact_node, proactive_compact_node),
 * and reset_isolation_suitable (which kswapd calls before it sleeps).
 *
 * Time: the kernel's kcompactd waits on kcompactd_wait with a 500 ms timeout
 * (HPAGE_FRAG_CHECK_INTERVAL_MSEC). In the model one kcompactdRun call is one turn of that loop:
 * it runs the pending work if the thread was woken, and otherwise counts as one 500 ms interval
 * elapsing (so proactive compaction is checked once per call). The simulation calls it once per
 * daemon run (src/sim/run/daemons.ts, after kswapd).
 */
import { GFP_KERNEL } from '../page_alloc/gfp';
import { drainAllPages } from '../page_alloc/pcp';
import type { RunState } from '../run/run-state';
import { COMPACT_COMPLETE, COMPACT_CONTINUE, COMPACT_RESULT_NAMES, COMPACT_MAX_DEFER_SHIFT, COMPACT_PARTIAL_SKIPPED, COMPACT_SUCCESS, MIGRATE_SYNC_LIGHT } from './constants';
import { newCompactControl } from './control';
import { compactZone, resetIsolationSuitableZone } from './compact-zone';
import { compactionDeferReset, compactionDeferred, deferCompaction } from './defer';
import { fragmentationScoreNode, fragmentationScoreWmark } from './frag-index';
import { compactZonesOfNode, type CompactZoneSummary } from './nodes';
import { compactionSuitable } from './suitable';

/** pgdat->nr_zones: one past the highest populated zone of the node. */
export function nodeNrZones(rs: RunState, ni: number): number {
  let nr = 0;
  for (let idx = 0; idx < rs.nz; idx++) {
    const zi = rs.nodeZone[ni * rs.nz + idx];
    if (zi >= 0 && rs.zonePresent[zi] > 0) nr = idx + 1;
  }
  return nr;
}

/** pgdat->kcompactd_highest_zoneidx (NodeRun keeps −1 for its reset value, nr_zones − 1). */
export function kcompactdHighestZoneidx(rs: RunState, ni: number): number {
  const v = rs.nodes[ni]!.kcompactdHighestZoneidx;
  return v < 0 ? nodeNrZones(rs, ni) - 1 : v;
}

function populatedZone(rs: RunState, ni: number, idx: number): number {
  const zi = rs.nodeZone[ni * rs.nz + idx];
  return zi >= 0 && rs.zonePresent[zi] > 0 ? zi : -1;
}

/** kcompactd_node_suitable: some populated zone ≤ the requested zone would CONTINUE compaction at the requested order. */
export function kcompactdNodeSuitable(rs: RunState, ni: number): boolean {
  const highest = kcompactdHighestZoneidx(rs, ni);
  const order = rs.nodes[ni]!.kcompactdOrder;
  for (let idx = 0; idx <= highest; idx++) {
    const zi = populatedZone(rs, ni, idx);
    if (zi < 0) continue;
    if (compactionSuitable(rs, zi, order, 0, highest) === COMPACT_CONTINUE) return true;
  }
  return false;
}

/**
 * wakeup_kcompactd(pgdat, order, highest_zoneidx): record the request (max order raised, highest
 * zone lowered); wake the thread only if it sleeps and some zone is worth compacting
 * (mm_compaction_wakeup_kcompactd).
 */
export function wakeupKcompactd(rs: RunState, ni: number, order: number, highestZoneidx: number): void {
  if (!order) return;
  const n = rs.nodes[ni]!;
  if (n.kcompactdOrder < order) n.kcompactdOrder = order;
  if (kcompactdHighestZoneidx(rs, ni) > highestZoneidx) n.kcompactdHighestZoneidx = highestZoneidx;
  const c = rs.compaction;
  if (c.kcompactdWoken[ni]) return; // not on kcompactd_wait: it will see the raised request
  if (!kcompactdNodeSuitable(rs, ni)) return;
  rs.trace?.emit('mm_compaction_wakeup_kcompactd', n.nid, order, highestZoneidx, 0, 0);
  c.kcompactdWoken[ni] = 1;
}

/** What one kcompactd turn did. */
export interface KcompactdRun {
  /** 'work': kcompactd_do_work; 'proactive': a proactive run; 'idle': it slept on */
  did: 'work' | 'proactive' | 'idle';
  perZone: CompactZoneSummary[];
}

/**
 * kcompactd_do_work: compact (SYNC_LIGHT, skip hints honoured) every populated zone up to the
 * requested one that is not deferred and where compaction_suitable says CONTINUE; a failed run
 * drains the zone's per-cpu lists and defers the zone. Counts compact_daemon_*.
 */
export function kcompactdDoWork(rs: RunState, ni: number, cpu = 0): CompactZoneSummary[] {
  const n = rs.nodes[ni]!;
  const order = n.kcompactdOrder;
  const highest = kcompactdHighestZoneidx(rs, ni);
  const cc = newCompactControl({ order, searchOrder: order, highestZoneidx: highest, mode: MIGRATE_SYNC_LIGHT, ignoreSkipHint: false, gfp: GFP_KERNEL, cpu });
  rs.trace?.emit('mm_compaction_kcompactd_wake', n.nid, order, highest, 0, 0);
  rs.vm.count('compact_daemon_wake');
  const out: CompactZoneSummary[] = [];
  for (let idx = 0; idx <= highest; idx++) {
    const zi = populatedZone(rs, ni, idx);
    if (zi < 0) continue;
    if (compactionDeferred(rs, zi, order)) continue;
    if (compactionSuitable(rs, zi, order, 0, idx) !== COMPACT_CONTINUE) continue;
    cc.zi = zi;
    cc.nrMigrated = cc.nrFailed = cc.nrIsolatedMigrate = cc.nrIsolatedFree = 0;
    const status = compactZone(rs, cc);
    if (status === COMPACT_SUCCESS) compactionDeferReset(rs, zi, order, false);
    else if (status === COMPACT_PARTIAL_SKIPPED || status === COMPACT_COMPLETE) {
      drainAllPages(rs, zi);
      deferCompaction(rs, zi, order);
    }
    rs.vm.count('compact_daemon_migrate_scanned', cc.totalMigrateScanned);
    rs.vm.count('compact_daemon_free_scanned', cc.totalFreeScanned);
    out.push({ nid: n.nid, zone: rs.names[idx]!, status: COMPACT_RESULT_NAMES[status]!, migrated: cc.nrMigrated, failed: cc.nrFailed, migrateScanned: cc.totalMigrateScanned, freeScanned: cc.totalFreeScanned, isolatedMigrate: cc.nrIsolatedMigrate, isolatedFree: cc.nrIsolatedFree });
  }
  if (n.kcompactdOrder <= order) n.kcompactdOrder = 0;
  if (kcompactdHighestZoneidx(rs, ni) >= highest) n.kcompactdHighestZoneidx = -1;
  return out;
}

/** should_proactive_compact_node: proactiveness on, kswapd not running, node score above the high mark. */
export function shouldProactiveCompactNode(rs: RunState, ni: number): boolean {
  if (!rs.compaction.proactiveness || rs.nodes[ni]!.kswapdAwake) return false;
  return fragmentationScoreNode(rs, ni) > fragmentationScoreWmark(rs, false);
}

/** proactive_compact_node: cc = { order −1, SYNC_LIGHT, ignore_skip_hint, whole_zone, proactive } per populated zone. */
export function proactiveCompactNode(rs: RunState, ni: number, cpu = 0): CompactZoneSummary[] {
  const cc = newCompactControl({ order: -1, mode: MIGRATE_SYNC_LIGHT, ignoreSkipHint: true, wholeZone: true, gfp: GFP_KERNEL, proactiveCompaction: true, cpu });
  const out: CompactZoneSummary[] = [];
  compactZonesOfNode(rs, ni, cc, out);
  return out;
}

/**
 * One turn of the kcompactd thread of node ni (see the module comment for the time model):
 * woken with work requested → kcompactd_do_work; otherwise one interval passes, and when the wait
 * times out the thread does requested work, or checks proactive compaction. A proactive run that
 * does not lower the node's score backs off for 64 intervals (5.10: skips 64 checks; 6.1: waits
 * 32 s). 6.1 does not time out at all while compaction_proactiveness is 0, and a write of
 * compaction_proactiveness wakes it for a proactive run.
 */
export function kcompactdRun(rs: RunState, ni: number, cpu = 0): KcompactdRun {
  const c = rs.compaction;
  const n = rs.nodes[ni]!;
  const timeoutRules = rs.rules.compaction.proactiveBackoff === 'timeout';
  const requested = (): boolean => n.kcompactdOrder > 0 || (timeoutRules && c.proactiveTrigger[ni] !== 0);
  let proceed = false;
  if (c.kcompactdWoken[ni]) {
    c.kcompactdWoken[ni] = 0;
    proceed = requested();
  }
  if (!proceed) {
    if (timeoutRules && !c.proactiveness) return { did: 'idle', perZone: [] }; // MAX_SCHEDULE_TIMEOUT
    if (--c.kcompactdWaitLeft[ni] > 0) return { did: 'idle', perZone: [] };
  }
  let result: KcompactdRun = { did: 'idle', perZone: [] };
  if (requested() && !(timeoutRules && c.proactiveTrigger[ni])) {
    result = { did: 'work', perZone: kcompactdDoWork(rs, ni, cpu) };
    c.kcompactdWaitLeft[ni] = 1;
  } else {
    c.kcompactdWaitLeft[ni] = 1;
    if (shouldProactiveCompactNode(rs, ni)) {
      if (!timeoutRules && c.proactiveDefer[ni]) {
        c.proactiveDefer[ni]--;
      } else {
        const prev = fragmentationScoreNode(rs, ni);
        result = { did: 'proactive', perZone: proactiveCompactNode(rs, ni, cpu) };
        const score = fragmentationScoreNode(rs, ni);
        if (timeoutRules) {
          if (score >= prev) c.kcompactdWaitLeft[ni] = 1 << COMPACT_MAX_DEFER_SHIFT;
        } else c.proactiveDefer[ni] = score < prev ? 0 : 1 << COMPACT_MAX_DEFER_SHIFT;
      }
    }
    if (timeoutRules) c.proactiveTrigger[ni] = 0;
  }
  rs.trace?.emit('mm_compaction_kcompactd_sleep', n.nid, 0, 0, 0, 0);
  return result;
}

/** reset_isolation_suitable(pgdat): kswapd, about to sleep, clears the skip bits of zones a direct compaction ran out (compact_blockskip_flush). */
export function resetIsolationSuitable(rs: RunState, ni: number): void {
  for (let idx = 0; idx < rs.nz; idx++) {
    const zi = populatedZone(rs, ni, idx);
    if (zi >= 0 && rs.compaction.blockskipFlush[zi]) resetIsolationSuitableZone(rs, zi);
  }
}
