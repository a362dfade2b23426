/**
 * __free_one_page (mm/page_alloc.c), for a block whose pages the caller has
 * already marked FREE_TAIL: free-page accounting by the migratetype passed in, the merge loop, and
 * the head/tail choice (FPI_TO_TAIL, else buddy_merge_likely). Shuffle (page_alloc.shuffle) is off
 * by default and not modelled.
 *
 * Merge rules above pageblock_order:
 * - 5.10: merge up to MAX_ORDER−1 unless exactly one of (mt, the buddy's pageblock type) is
 *   MIGRATE_ISOLATE (checked by the kernel only when the zone has isolated pageblocks; when it has
 *   none, neither side can be Isolate, so checking always gives the same result). CMA merges with
 *   anything else.
 * - 6.1: refuse when the types differ and either is not migratetype_is_mergeable (< PCPTYPES), so
 *   CMA, HighAtomic and Isolate blocks never merge with another type.
 */
import { MIGRATE_CMA, MIGRATE_ISOLATE, MIGRATE_PCPTYPES, MIGRATE_TYPES } from '../types';
import type { Buddy } from './buddy';
import { PS_BUDDY, PS_FREE_TAIL, PS_MT_MASK, PS_MT_SHIFT, PS_ORDER_MASK, buddyTag } from './page-state';

export function freeOneCore(b: Buddy, zi: number, pfn: number, order: number, mt: number, toTail: boolean): void {
  const { tag, basePfn, pageblockOrder, pbType, pbBase, head, tail, next, prev, nrFree } = b;
  const maxOrder = b.maxOrder;
  if (mt !== MIGRATE_ISOLATE) {
    b.z.free[zi] += 1 << order;
    if (mt === MIGRATE_CMA) b.z.freeCma[zi] += 1 << order;
  }
  const zs = b.z.start[zi];
  const ze = b.z.end[zi];
  const top = b.maxOrder - 1;
  const mergeableOnly = b.rules.freeMerge === 'mergeable-only';
  // the first list of (zi, order); one order up is MIGRATE_TYPES further
  let lo = (zi * maxOrder + order) * MIGRATE_TYPES;
  while (order < top) {
    const buddyPfn = pfn ^ (1 << order);
    if (buddyPfn < zs || buddyPfn >= ze) break; // page_zone_id differs
    const bt = tag[buddyPfn - basePfn];
    if (!(bt & PS_BUDDY) || (bt & PS_ORDER_MASK) !== order) break; // page_is_buddy
    if (order >= pageblockOrder) {
      const bmt = pbType[(buddyPfn >> pageblockOrder) - pbBase];
      if (mt !== bmt) {
        if (mergeableOnly ? mt >= MIGRATE_PCPTYPES || bmt >= MIGRATE_PCPTYPES : mt === MIGRATE_ISOLATE || bmt === MIGRATE_ISOLATE) break;
      }
    }
    // del_page_from_free_list: unlink the buddy from whichever list it is on
    const bi = buddyPfn - basePfn;
    const li = lo + ((bt >> PS_MT_SHIFT) & PS_MT_MASK);
    const p = prev[bi];
    const nx = next[bi];
    if (p >= 0) next[p] = nx;
    else head[li] = nx;
    if (nx >= 0) prev[nx] = p;
    else tail[li] = p;
    nrFree[li]--;
    tag[bi] = PS_FREE_TAIL;
    pfn &= buddyPfn;
    order++;
    lo += MIGRATE_TYPES;
  }
  const i = pfn - basePfn;
  tag[i] = buddyTag(order, mt);
  const li = lo + mt;
  if (toTail || buddyMergeLikely(b, pfn, order)) b.linkTail(i, li);
  else b.linkHead(i, li);
}

/** buddy_merge_likely (mm/page_alloc.c): is the order+1 buddy of the combined block a free block? */
function buddyMergeLikely(b: Buddy, pfn: number, order: number): boolean {
  if (order >= b.maxOrder - 2) return false;
  const combined = pfn & ~(1 << order);
  const higherBuddy = combined ^ (1 << (order + 1));
  if (higherBuddy < b.basePfn || higherBuddy >= b.endPfn) return false;
  const t = b.tag[higherBuddy - b.basePfn];
  if (!(t & PS_BUDDY) || (t & PS_ORDER_MASK) !== order + 1) return false;
  return b.zoneIndexOf(combined) === b.zoneIndexOf(higherBuddy);
}
