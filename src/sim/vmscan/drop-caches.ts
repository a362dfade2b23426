/**
 * `echo N > /proc/sys/vm/drop_caches` (fs/drop_caches.c drop_caches_sysctl_handler,
 * drop_pagecache_sb → invalidate_mapping_pages; mm/vmscan.c drop_slab).
 *
 * Bit 1 drops the clean page cache: every file page that is not dirty, not under writeback and not
 * pinned (an extra reference makes invalidate_inode_page fail) is removed and freed through
 * release_pages → free_unref_page_list, in pagevecs of 15, each freed in reverse (release_pages
 * builds its list with list_add); the others are deactivated (deactivate_file_page). The model has
 * no files or inodes: it visits the node's file LRU pages, inactive then active, oldest first.
 * Bit 2 runs drop_slab: the shrinker at priority 0, repeated as each kernel does. Both count their
 * event (drop_pagecache, drop_slab). The kernel's "drop_caches: N" log line is not kept.
 */
import { PS_ORDER_MASK } from '../buddy/page-state';
import { GFP_KERNEL } from '../page_alloc/gfp';
import { KIND_FILE, PF_ACTIVE, PF_KIND_MASK, PF_LRU, PF_PINNED, PF_WRITEBACK } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { MmError } from '../errors';
import { LRU_ACTIVE_FILE, LRU_INACTIVE_FILE, NR_LRU_LISTS } from './lru';
import { freeBlock, freeUnrefPageList } from './reclaim-free';
import { shrinkSlab } from './shrinker';
import { deactivateFilePage } from './swap';

/** PAGEVEC_SIZE (include/linux/pagevec.h) */
const PAGEVEC_SIZE = 15;

/** The CPU the writing task runs on. */
const DROP_CPU = 0;

/** Drop the clean, unmapped, unpinned page cache of node ni; returns the pages freed. */
function dropPagecacheNode(rs: RunState, ni: number): number {
  const b = rs.buddy;
  const pages: number[] = [];
  for (const lru of [LRU_INACTIVE_FILE, LRU_ACTIVE_FILE]) {
    for (let i = rs.lru.tail[ni * NR_LRU_LISTS + lru]; i >= 0; i = b.prev[i]) pages.push(i);
  }
  const batch = new Int32Array(PAGEVEC_SIZE);
  let n = 0;
  let freed = 0;
  const flush = (): void => {
    batch.subarray(0, n).reverse();
    freeUnrefPageList(rs, DROP_CPU, batch, n);
    n = 0;
  };
  for (const i of pages) {
    const f = rs.pflags[i];
    const order = b.tag[i] & PS_ORDER_MASK;
    if ((f & PF_KIND_MASK) !== KIND_FILE || f & (PF_WRITEBACK | PF_PINNED)) {
      deactivateFilePage(rs, i);
      continue;
    }
    // invalidate_inode_page → remove_mapping; release_pages takes it off the LRU and frees it
    const zi = b.zoneIndexOf(i + b.basePfn);
    rs.lru.del(b.next, b.prev, i, ni, zi, f & PF_ACTIVE ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE, 1 << order);
    rs.pflags[i] = f & ~PF_LRU;
    freed += 1 << order;
    if (order > 0) {
      freeBlock(rs, DROP_CPU, i, order);
      continue;
    }
    batch[n++] = i;
    if (n === PAGEVEC_SIZE) flush();
  }
  if (n) flush();
  return freed;
}

/** drop_slab: the shrinker at priority 0 until a round frees little (5.10: ≤ 10 per node; 6.1: freed >> shift++ ≤ 1 over all nodes). */
export function dropSlab(rs: RunState): number {
  let total = 0;
  if (rs.rules.vmscan.dropSlabLoop === 'more-than-10') {
    for (let ni = 0; ni < rs.nodes.length; ni++) {
      let freed: number;
      do {
        freed = shrinkSlab(rs, GFP_KERNEL, ni, 0, DROP_CPU);
        total += freed;
      } while (freed > 10);
    }
    return total;
  }
  let shift = 0;
  let freed: number;
  do {
    freed = 0;
    for (let ni = 0; ni < rs.nodes.length; ni++) freed += shrinkSlab(rs, GFP_KERNEL, ni, 0, DROP_CPU);
    total += freed;
  } while (Math.floor(freed / 2 ** shift++) > 1);
  return total;
}

/** The write handler of vm.drop_caches (1..4). Returns the pages freed. */
export function dropCaches(rs: RunState, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 4) {
    throw new MmError('SYSCTL_INVALID', `vm.drop_caches: ${String(value)} is out of range 1..4 (kernel ${rs.profile.kernel})`);
  }
  let freed = 0;
  if (value & 1) {
    for (let ni = 0; ni < rs.nodes.length; ni++) freed += dropPagecacheNode(rs, ni);
    rs.vm.count('drop_pagecache');
  }
  if (value & 2) {
    freed += dropSlab(rs);
    rs.vm.count('drop_slab');
  }
  return freed;
}
