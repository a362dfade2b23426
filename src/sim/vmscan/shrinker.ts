/**
 * The model's slab shrinker (mm/vmscan.c shrink_slab → do_shrink_slab; fs/super.c super_cache_scan
 * stands behind it). The kernel's shrinkers count and free objects (dentries, inodes, ...), and a
 * slab page is freed when its last object goes; the model has one NUMA-aware shrinker per node whose
 * objects are the pages of the node's reclaimable slab list (KIND_SLAB_RECLAIMABLE), one object per
 * page, freed oldest first (list_lru order). The scan arithmetic is do_shrink_slab's: seeks =
 * DEFAULT_SEEKS (2), batch = SHRINK_BATCH (128), nr_deferred kept per node.
 */
import { PS_ORDER_MASK } from '../buddy/page-state';
import { __GFP_FS } from '../page_alloc/gfp';
import type { RunState } from '../run/run-state';
import { freeBlock } from './reclaim-free';

/** SHRINK_BATCH (include/linux/shrinker.h) */
export const SHRINK_BATCH = 128;
/** DEFAULT_SEEKS */
const SEEKS = 2;

/** super_cache_scan: free up to nr objects from the oldest end; returns the pages freed. */
function scanObjects(rs: RunState, ni: number, nr: number, cpu: number): number {
  const lru = rs.lru;
  let freed = 0;
  while (freed < nr) {
    const i = lru.slabTail[ni];
    if (i < 0) break;
    const order = rs.buddy.tag[i] & PS_ORDER_MASK;
    freeBlock(rs, cpu, i, order);
    freed += 1 << order;
  }
  return freed;
}

/**
 * do_shrink_slab for the node's shrinker at a priority: scan (freeable >> priority) × 4 / seeks
 * objects plus deferred work, in batches of 128 while at least a batch (or everything) is left;
 * counts slabs_scanned. Without __GFP_FS super_cache_scan stops at once and the work is deferred.
 * Returns the pages freed (they go to reclaim_state->reclaimed_slab).
 */
export function shrinkSlab(rs: RunState, gfp: number, ni: number, priority: number, cpu: number): number {
  const node = rs.nodes[ni]!;
  const freeable = rs.lru.slabPages[ni];
  if (freeable === 0) return 0;
  const nr = node.shrinkerDeferred;
  node.shrinkerDeferred = 0;
  const delta = Math.floor((Math.floor(freeable / 2 ** priority) * 4) / SEEKS);
  const shift = rs.rules.vmscan.shrinkerDeferred === 'priority-shift';
  let totalScan: number;
  let nextDeferred: number;
  if (shift) {
    totalScan = Math.min(Math.floor(nr / 2 ** priority) + delta, 2 * freeable);
    nextDeferred = 0;
  } else {
    totalScan = nr + delta;
    nextDeferred = totalScan;
    if (delta < Math.floor(freeable / 4)) totalScan = Math.min(totalScan, Math.floor(freeable / 2));
    if (totalScan > freeable * 2) totalScan = freeable * 2;
  }
  let freed = 0;
  let scanned = 0;
  while (totalScan >= SHRINK_BATCH || totalScan >= freeable) {
    const nrToScan = Math.min(SHRINK_BATCH, totalScan);
    if (!(gfp & __GFP_FS)) break; // SHRINK_STOP
    freed += scanObjects(rs, ni, nrToScan, cpu);
    rs.vm.count('slabs_scanned', nrToScan);
    totalScan -= nrToScan;
    scanned += nrToScan;
  }
  if (shift) nextDeferred = Math.min(Math.max(nr + delta - scanned, 0), 2 * freeable);
  else nextDeferred = nextDeferred >= scanned ? nextDeferred - scanned : 0;
  node.shrinkerDeferred += nextDeferred;
  return freed;
}
