/**
 * Direct reclaim (mm/vmscan.c try_to_free_pages → do_try_to_free_pages → shrink_zones).
 *
 * A task entering direct reclaim first lets time pass for the I/O (a writeback tick: in the kernel
 * it would have been throttled or waited on congestion while kswapd and the flushers worked);
 * throttle_direct_reclaim itself is not modelled.
 */
import type { AllocContext } from '../page_alloc/alloc-pages';
import type { RunState } from '../run/run-state';
import { compactionReady } from './compaction-ready';
import { DEF_PRIORITY, SWAP_CLUSTER_MAX, ScanControl } from './scan-control';
import { PAGE_ALLOC_COSTLY_ORDER } from '../types';
import { shrinkNode } from './shrink';
import { writebackTick } from './writeback';

/**
 * shrink_zones: each eligible zone of the zonelist (index ≤ reclaim_idx); for a costly order a zone
 * ready for compaction is skipped (sc.compactionReady); every node is shrunk once.
 */
function shrinkZones(rs: RunState, ac: AllocContext, sc: ScanControl): void {
  let lastNode = -1;
  for (let k = 0; k < ac.zonelist.length; k++) {
    const zi = ac.zonelist[k]!;
    if (rs.zoneIdx[zi] > sc.reclaimIdx) continue;
    if (sc.order > PAGE_ALLOC_COSTLY_ORDER && compactionReady(rs, zi, sc.order, sc.reclaimIdx)) {
      sc.compactionReady = true;
      continue;
    }
    const ni = rs.zoneNode[zi];
    if (ni === lastNode) continue;
    lastNode = ni;
    shrinkNode(rs, ni, sc);
  }
}

/**
 * do_try_to_free_pages: allocstall_<reclaim_idx zone>, then shrink_zones at priority 12 down to 0
 * until SWAP_CLUSTER_MAX pages are reclaimed or compaction is ready (writepage allowed below
 * priority 10). Nothing reclaimed but an active list left undeactivated: once more from the start
 * with force_deactivate (counting allocstall again).
 */
function doTryToFreePages(rs: RunState, ac: AllocContext, sc: ScanControl): number {
  const initialPriority = sc.priority;
  for (;;) {
    rs.vm.v[rs.vm.allocstallBase + sc.reclaimIdx] += 1;
    do {
      sc.nrScanned = 0;
      shrinkZones(rs, ac, sc);
      if (sc.nrReclaimed >= sc.nrToReclaim) break;
      if (sc.compactionReady) break;
      if (sc.priority < DEF_PRIORITY - 2) sc.mayWritepage = true;
    } while (--sc.priority >= 0);
    if (sc.nrReclaimed) return sc.nrReclaimed;
    if (sc.compactionReady) return 1;
    if (sc.skippedDeactivate) {
      sc.priority = initialPriority;
      sc.forceDeactivate = true;
      sc.skippedDeactivate = false;
      continue;
    }
    return 0;
  }
}

/** try_to_free_pages: direct reclaim for the request in ac; returns the pages reclaimed (1 when it stopped for compaction). */
export function tryToFreePages(rs: RunState, ac: AllocContext): number {
  writebackTick(rs);
  const sc = new ScanControl();
  sc.nrToReclaim = SWAP_CLUSTER_MAX;
  sc.gfp = ac.gfp;
  sc.reclaimIdx = ac.highestZoneidx;
  sc.order = ac.order;
  sc.priority = DEF_PRIORITY;
  sc.mayWritepage = true;
  sc.mayUnmap = true;
  sc.maySwap = true;
  sc.kswapd = false;
  sc.cpu = ac.cpu;
  rs.trace?.emit('mm_vmscan_direct_reclaim_begin', ac.order, ac.gfp, 0, 0, 0);
  const nr = doTryToFreePages(rs, ac, sc);
  rs.trace?.emit('mm_vmscan_direct_reclaim_end', nr, 0, 0, 0, 0);
  return nr;
}
