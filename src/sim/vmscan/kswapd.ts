/**
 * kswapd (mm/vmscan.c): the thread loop (kswapd), kswapd_try_to_sleep with prepare_kswapd_sleep,
 * balance_pgdat with kswapd_shrink_node and age_active_anon (6.1 kswapd_age_node), and 6.1's
 * set_reclaim_active / clear_reclaim_active.
 *
 * The thread is a resumable state machine on NodeRun. kswapdRun(rs, ni) runs it from where it
 * stopped until it naps or sleeps:
 * - woken from its full sleep (kswapdAwake set by wakeup_kswapd): read and reset kswapd_order and
 *   kswapd_highest_zoneidx, mm_vmscan_kswapd_wake, balance_pgdat, kswapd_try_to_sleep;
 * - kswapd_try_to_sleep, when prepare_kswapd_sleep holds, wakes kcompactd and naps HZ/10: the model
 *   ends the call there (kswapdNap; kswapdAwake false, so a wakeup_kswapd during the nap checks the
 *   node and may cut the nap short). The nap lasts until the next daemons step: kswapdRun then
 *   either finds it was woken early (kswapd_low_wmark_hit_quickly, run again), or finishes it — if
 *   the node is still balanced (or hopeless), mm_vmscan_kswapd_sleep and the full sleep; if not,
 *   kswapd_high_wmark_hit_quickly and run again;
 * - when prepare_kswapd_sleep fails right after balance_pgdat: kswapd_high_wmark_hit_quickly and
 *   run again at once. A node that cannot be balanced stops after kswapd_failures reaches
 *   MAX_RECLAIM_RETRIES: prepare_kswapd_sleep then holds.
 * Between two balance_pgdat runs time passes for the I/O: a writeback tick.
 */
import { GFP_KERNEL } from '../page_alloc/gfp';
import { NR_WMARK, WMARK_HIGH, ZONE_RECLAIM_ACTIVE, type RunState } from '../run/run-state';
import { MAX_RECLAIM_RETRIES, pgdatBalanced, wakeupKcompactd } from './kswapd-wake';
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON } from './lru';
import { DEF_PRIORITY, PGDAT_DIRTY, PGDAT_WRITEBACK, SWAP_CLUSTER_MAX, ScanControl } from './scan-control';
import { compactGap } from '../compaction/constants';
import { inactiveIsLow, shrinkActiveList, shrinkNode } from './shrink';
import { writebackTick } from './writeback';
import { resetIsolationSuitable } from '../compaction/kcompactd';
import { nodeKthreadCpu } from '../run/node-cpu';

/** A bound on kswapd's loop within one daemons step (never reached: each run reclaims or counts a failure). */
const KSWAPD_MODEL_LOOPS = 100000;

/** kswapd_highest_zoneidx: the stored request, or prev when none is stored (MAX_NR_ZONES). */
function kswapdHighestZoneidx(rs: RunState, ni: number, prev: number): number {
  const cur = rs.nodes[ni]!.kswapdHighestZoneidx;
  return cur < 0 ? prev : cur;
}

/** set_reclaim_active / clear_reclaim_active (6.1): ZONE_RECLAIM_ACTIVE on the managed zones ≤ highest_zoneidx. */
function setReclaimActive(rs: RunState, ni: number, highest: number, on: boolean): void {
  if (!rs.rules.pcp.reclaimActiveCap) return;
  for (let idx = 0; idx <= highest && idx < rs.nz; idx++) {
    const zi = rs.nodeZone[ni * rs.nz + idx];
    if (zi < 0 || rs.buddy.z.managed[zi] === 0) continue;
    if (on) rs.zoneFlags[zi] |= ZONE_RECLAIM_ACTIVE;
    else rs.zoneFlags[zi] &= ~ZONE_RECLAIM_ACTIVE;
  }
}

/** age_active_anon (6.1 kswapd_age_node): with swap, deactivate 32 active anon pages when the inactive list is low. */
function ageActiveAnon(rs: RunState, ni: number, sc: ScanControl): void {
  if (!rs.swap) return;
  if (!inactiveIsLow(rs, ni, LRU_INACTIVE_ANON)) return;
  shrinkActiveList(rs, ni, SWAP_CLUSTER_MAX, LRU_ACTIVE_ANON, sc);
}

/**
 * kswapd_shrink_node: aim for Σ max(high_wmark, SWAP_CLUSTER_MAX) over the managed zones up to
 * reclaim_idx; after compact_gap(order) pages reclaim continues at order 0. True when enough pages
 * were scanned that the priority need not rise.
 */
function kswapdShrinkNode(rs: RunState, ni: number, sc: ScanControl): boolean {
  sc.nrToReclaim = 0;
  for (let idx = 0; idx <= sc.reclaimIdx && idx < rs.nz; idx++) {
    const zi = rs.nodeZone[ni * rs.nz + idx];
    if (zi < 0 || rs.buddy.z.managed[zi] === 0) continue;
    sc.nrToReclaim += Math.max(rs.wmark[zi * NR_WMARK + WMARK_HIGH] + rs.boost[zi], SWAP_CLUSTER_MAX);
  }
  shrinkNode(rs, ni, sc);
  if (sc.order && sc.nrReclaimed >= compactGap(sc.order)) sc.order = 0;
  return sc.nrScanned >= sc.nrToReclaim;
}

/**
 * balance_pgdat: reclaim from priority 12 down to 1 until the node is balanced at the high
 * watermark for order (some eligible zone passes). A boosted node first reclaims the boost
 * (nr_boost_reclaim) without writeback or swap, and restarts unboosted if the node turns out
 * unbalanced; a run that reclaimed nothing counts a kswapd failure; at the end each zone's boost
 * drops by what it was at the start and kcompactd is woken for pageblock_order. Returns the order
 * reclaim finished at.
 */
export function balancePgdat(rs: RunState, ni: number, order: number, highestZoneidx: number): number {
  const node = rs.nodes[ni]!;
  const sc = new ScanControl();
  sc.gfp = GFP_KERNEL;
  sc.order = order;
  sc.mayUnmap = true;
  sc.kswapd = true;
  sc.cpu = nodeKthreadCpu(rs, ni);
  rs.vm.count('pageoutrun');
  let nrBoostReclaim = 0;
  const zoneBoosts = new Float64Array(rs.nz);
  for (let idx = 0; idx <= highestZoneidx && idx < rs.nz; idx++) {
    const zi = rs.nodeZone[ni * rs.nz + idx];
    if (zi < 0 || rs.buddy.z.managed[zi] === 0) continue;
    nrBoostReclaim += rs.boost[zi];
    zoneBoosts[idx] = rs.boost[zi];
  }
  const boosted = nrBoostReclaim > 0;
  let balancedOut = false;
  restart: for (;;) {
    setReclaimActive(rs, ni, highestZoneidx, true);
    sc.priority = DEF_PRIORITY;
    do {
      const before = sc.nrReclaimed;
      let raisePriority = true;
      sc.reclaimIdx = highestZoneidx;
      const balanced = pgdatBalanced(rs, ni, sc.order, highestZoneidx);
      if (!balanced && nrBoostReclaim) {
        nrBoostReclaim = 0;
        continue restart;
      }
      if (!nrBoostReclaim && balanced) {
        balancedOut = true;
        break;
      }
      if (nrBoostReclaim && sc.priority === DEF_PRIORITY - 2) raisePriority = false;
      // boosted reclaim neither writes back nor swaps
      sc.mayWritepage = !nrBoostReclaim;
      sc.maySwap = !nrBoostReclaim;
      ageActiveAnon(rs, ni, sc);
      if (sc.priority < DEF_PRIORITY - 2) sc.mayWritepage = true;
      sc.nrScanned = 0;
      if (kswapdShrinkNode(rs, ni, sc)) raisePriority = false;
      const delta = sc.nrReclaimed - before;
      nrBoostReclaim -= Math.min(nrBoostReclaim, delta);
      if (nrBoostReclaim && !delta) break;
      if (raisePriority || !delta) sc.priority--;
    } while (sc.priority >= 1);
    break;
  }
  if (!balancedOut && !sc.nrReclaimed) node.kswapdFailures++;
  // out:
  setReclaimActive(rs, ni, highestZoneidx, false);
  if (boosted) {
    for (let idx = 0; idx <= highestZoneidx && idx < rs.nz; idx++) {
      if (!zoneBoosts[idx]) continue;
      const zi = rs.nodeZone[ni * rs.nz + idx];
      rs.boost[zi] -= Math.min(rs.boost[zi], zoneBoosts[idx]);
    }
    wakeupKcompactd(rs, ni, rs.buddy.pageblockOrder, highestZoneidx);
  }
  return sc.order;
}

/** prepare_kswapd_sleep: a hopeless node, or a balanced one (its congestion flags cleared), may sleep. */
export function prepareKswapdSleep(rs: RunState, ni: number, order: number, highestZoneidx: number): boolean {
  const node = rs.nodes[ni]!;
  if (node.kswapdFailures >= MAX_RECLAIM_RETRIES) return true;
  if (pgdatBalanced(rs, ni, order, highestZoneidx)) {
    node.pgdatFlags &= ~(PGDAT_DIRTY | PGDAT_WRITEBACK);
    return true;
  }
  return false;
}

/**
 * The kswapd thread of node ni, from where it stopped (see the file comment) until it naps or
 * sleeps. Called by runDaemons for a node whose kswapd is awake or napping.
 */
export function kswapdRun(rs: RunState, ni: number): void {
  const node = rs.nodes[ni]!;
  if (node.kswapdHighest < 0) node.kswapdHighest = rs.nz - 1;
  if (node.kswapdNap) {
    // the rest of kswapd_try_to_sleep after schedule_timeout(HZ/10)
    const remaining = node.kswapdAwake;
    node.kswapdNap = false;
    if (remaining) {
      node.kswapdHighestZoneidx = kswapdHighestZoneidx(rs, ni, node.kswapdHighest);
      if (node.kswapdOrder < node.kswapdReclaimOrder) node.kswapdOrder = node.kswapdReclaimOrder;
    } else if (prepareKswapdSleep(rs, ni, node.kswapdReclaimOrder, node.kswapdHighest)) {
      rs.trace?.emit('mm_vmscan_kswapd_sleep', node.nid, 0, 0, 0, 0);
      return;
    }
    rs.vm.count(remaining ? 'kswapd_low_wmark_hit_quickly' : 'kswapd_high_wmark_hit_quickly');
  } else if (!node.kswapdAwake) return;
  node.kswapdAwake = true;
  for (let loop = 0; ; loop++) {
    // after kswapd_try_to_sleep: read the new order and highest_zoneidx, and reset them
    let allocOrder = node.kswapdOrder;
    let reclaimOrder = allocOrder;
    let highest = kswapdHighestZoneidx(rs, ni, node.kswapdHighest);
    node.kswapdOrder = 0;
    node.kswapdHighestZoneidx = -1;
    if (loop > 0) writebackTick(rs);
    rs.trace?.emit('mm_vmscan_kswapd_wake', node.nid, highest, allocOrder, 0, 0);
    reclaimOrder = balancePgdat(rs, ni, allocOrder, highest);
    if (reclaimOrder >= allocOrder) {
      // the top of kswapd's loop (otherwise: goto kswapd_try_sleep with the same alloc_order)
      allocOrder = reclaimOrder = node.kswapdOrder;
      highest = kswapdHighestZoneidx(rs, ni, highest);
    }
    node.kswapdAllocOrder = allocOrder;
    node.kswapdReclaimOrder = reclaimOrder;
    node.kswapdHighest = highest;
    if (prepareKswapdSleep(rs, ni, reclaimOrder, highest) || loop >= KSWAPD_MODEL_LOOPS) {
      resetIsolationSuitable(rs, ni);
      wakeupKcompactd(rs, ni, allocOrder, highest);
      node.kswapdNap = true;
      node.kswapdAwake = false;
      return;
    }
    rs.vm.count('kswapd_high_wmark_hit_quickly');
  }
}
