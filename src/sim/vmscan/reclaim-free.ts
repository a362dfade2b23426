/**
 * How reclaim gives pages back (mm/page_alloc.c): free_unref_page_list for the order-0 pages
 * shrink_page_list and release_pages collect, __free_pages (free_the_page) for compound pages and
 * slab pages. Both go through the model's normal free path (the per-cpu lists for pcp orders).
 */
import { MIGRATE_ISOLATE } from '../types';
import { freeOnePageToBuddy, freeThePage } from '../page_alloc/free';
import { untrackPage } from '../run/page-accounting';
import type { RunState } from '../run/run-state';

/**
 * __free_pages of one allocated block (a THP shrink_page_list frees on its own, a slab page a
 * shrinker emptied): mm_page_free, the model's bookkeeping undone, free_the_page.
 */
export function freeBlock(rs: RunState, cpu: number, i: number, order: number): void {
  const b = rs.buddy;
  const pfn = i + b.basePfn;
  const zi = b.zoneIndexOf(pfn);
  rs.trace?.emit('mm_page_free', pfn, order, 0, 0, 0);
  untrackPage(rs, zi, i, order);
  freeThePage(rs, zi, cpu, i, order);
}

/**
 * free_unref_page_list of n order-0 pages (block heads list[0..n−1], in list order): a first pass
 * prepares every page (mm_page_free fires for all of them; 6.1 gives Isolate pages straight to the
 * buddy here), then each page in turn fires mm_page_free_batched and is committed to the CPU's
 * per-cpu list (5.10 sends Isolate pages to the buddy from the commit, counting PGFREE).
 */
export function freeUnrefPageList(rs: RunState, cpu: number, list: Int32Array, n: number): void {
  const b = rs.buddy;
  const isolateFirst = rs.rules.vmscan.freeListIsolateFirst;
  for (let k = 0; k < n; k++) {
    const i = list[k]!;
    const pfn = i + b.basePfn;
    const zi = b.zoneIndexOf(pfn);
    rs.trace?.emit('mm_page_free', pfn, 0, 0, 0, 0);
    untrackPage(rs, zi, i, 0);
    if (isolateFirst && b.pbType[(pfn >> b.pageblockOrder) - b.pbBase] === MIGRATE_ISOLATE) {
      freeOnePageToBuddy(rs, zi, i, 0, MIGRATE_ISOLATE);
      list[k] = -1;
    }
  }
  for (let k = 0; k < n; k++) {
    const i = list[k]!;
    if (i < 0) continue;
    const pfn = i + b.basePfn;
    rs.trace?.emit('mm_page_free_batched', pfn, 0, 0, 0, 0);
    freeThePage(rs, b.zoneIndexOf(pfn), cpu, i, 0);
  }
}
