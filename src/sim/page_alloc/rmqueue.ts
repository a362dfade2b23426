/**
 * Taking pages out of a zone (mm/page_alloc.c): rmqueue, rmqueue_pcplist / __rmqueue_pcplist,
 * rmqueue_bulk, rmqueue_buddy (6.1), __rmqueue with the CMA balancing rule, __rmqueue_smallest and
 * __rmqueue_cma_fallback. Functions return the taken block's index (pfn − basePfn) or −1 and
 * allocate nothing.
 */
import { MIGRATE_CMA, MIGRATE_HIGHATOMIC, MIGRATE_MOVABLE, MIGRATE_PCPTYPES } from '../types';
import { ALLOC_CMA, ALLOC_HARDER, ALLOC_HIGHATOMIC, ALLOC_NON_BLOCK, ALLOC_OOM } from './alloc-flags';
import { rmqueueFallback } from './fallback';
import { pcpAddTail, pcpUnlink } from './pcp';
import { ZONE_BOOSTED_WATERMARK, type RunState } from '../run/run-state';
import { wakeupKswapd } from '../vmscan/kswapd-wake';

/** __rmqueue_smallest, with 6.1's mm_page_alloc_zone_locked. */
function rmqueueSmallest(rs: RunState, zi: number, order: number, mt: number, countFree: boolean): number {
  const i = rs.buddy.takeSmallest(zi, order, mt, countFree);
  if (i >= 0 && rs.trace && rs.hotZoneLockedInSmallest) {
    const refill = rs.pcp.orderBase[order] >= 0 && mt < MIGRATE_PCPTYPES ? 1 : 0;
    rs.trace.emit('mm_page_alloc_zone_locked', i + rs.buddy.basePfn, order, mt, refill, 0);
  }
  return i;
}

/** The migratetype of the list the last __rmqueue took from (get_pcppage_migratetype of its page). */
let takenMt = 0;
export function lastTakenMigratetype(): number {
  return takenMt;
}

/** __rmqueue: CMA first when more than half the zone's free pages are CMA; the type's lists; CMA; fallback and retry. */
export function rmqueueCore(rs: RunState, zi: number, order: number, mt: number, allocFlags: number, countFree: boolean): number {
  const z = rs.buddy.z;
  let i = -1;
  if (rs.hotCma && allocFlags & ALLOC_CMA && z.freeCma[zi] > Math.floor(z.free[zi] / 2)) {
    i = rmqueueSmallest(rs, zi, order, MIGRATE_CMA, countFree);
    if (i >= 0) {
      takenMt = MIGRATE_CMA;
      return traced510(rs, i, order, mt);
    }
  }
  for (;;) {
    i = rmqueueSmallest(rs, zi, order, mt, countFree);
    if (i >= 0) {
      takenMt = mt;
      break;
    }
    if (allocFlags & ALLOC_CMA) {
      i = rmqueueSmallest(rs, zi, order, MIGRATE_CMA, countFree);
      if (i >= 0) {
        takenMt = MIGRATE_CMA;
        break;
      }
    }
    if (!rmqueueFallback(rs, zi, order, mt, allocFlags)) return -1;
  }
  return traced510(rs, i, order, mt);
}

/** 5.10 fires mm_page_alloc_zone_locked here, with the requested migratetype and percpu_refill = (order == 0). */
function traced510(rs: RunState, i: number, order: number, mt: number): number {
  if (rs.trace && !rs.hotZoneLockedInSmallest) rs.trace.emit('mm_page_alloc_zone_locked', i + rs.buddy.basePfn, order, mt, order === 0 ? 1 : 0, 0);
  return i;
}

/**
 * rmqueue_bulk: `count` blocks of `order` onto the tail of list li (so a split block lands in
 * ascending pfn order), each with the type of the list it came from. NR_FREE_PAGES drops once, by
 * everything taken, after the loop. Returns the blocks added.
 */
function rmqueueBulk(rs: RunState, zi: number, order: number, count: number, li: number, mt: number, allocFlags: number): number {
  let k = 0;
  for (; k < count; k++) {
    const i = rmqueueCore(rs, zi, order, mt, allocFlags, false);
    if (i < 0) break;
    pcpAddTail(rs, li, i, order, takenMt);
  }
  rs.buddy.z.free[zi] -= k << order;
  return k;
}

/**
 * rmqueue_pcplist → __rmqueue_pcplist: take the head of the (order, migratetype) list, refilling
 * an empty list with rmqueue_bulk (5.10: batch pages; 6.1: max(batch >> order, 2) blocks when
 * batch > 1). Returns −1 when the refill got nothing.
 */
function rmqueuePcplist(rs: RunState, zi: number, cpu: number, order: number, mt: number, allocFlags: number): number {
  const p = rs.pcp;
  const pc = zi * rs.cpus + cpu;
  if (rs.hotFreeFactor) p.freeFactor[pc] >>= 1;
  const li = pc * p.nrLists + p.pindex(order, mt);
  if (p.len[li] === 0) {
    let batch = p.batch[pc];
    if (rs.hotFreeFactor && batch > 1) batch = Math.max(batch >> order, 2);
    const got = rmqueueBulk(rs, zi, order, batch, li, mt, allocFlags);
    p.count[pc] += got << order;
    if (p.len[li] === 0) return -1;
  }
  const i = p.head[li];
  pcpUnlink(rs, li, i);
  p.count[pc] -= 1 << order;
  return i;
}

/** The stored migratetype of the page the last rmqueue returned (for the caller's accounting). */
let servedMt = 0;
export function lastServedMigratetype(): number {
  return servedMt;
}

/**
 * rmqueue_buddy (6.1; the same steps inline in 5.10's rmqueue): for order > 0 with ALLOC_HARDER
 * (6.1: ALLOC_HIGHATOMIC) the HighAtomic lists first, then __rmqueue; in 6.1 a failed __rmqueue
 * lets ALLOC_OOM and ALLOC_NON_BLOCK requests take HighAtomic pages. NR_FREE_PAGES drops by the
 * taken list's type.
 */
function rmqueueBuddy(rs: RunState, zi: number, order: number, mt: number, allocFlags: number): number {
  let i = -1;
  const reserves = rs.hotReserves;
  if (order > 0 && allocFlags & (reserves ? ALLOC_HIGHATOMIC : ALLOC_HARDER)) {
    i = rmqueueSmallest(rs, zi, order, MIGRATE_HIGHATOMIC, true);
    if (i >= 0) {
      servedMt = MIGRATE_HIGHATOMIC;
      return traced510(rs, i, order, mt);
    }
  }
  i = rmqueueCore(rs, zi, order, mt, allocFlags, true);
  servedMt = takenMt;
  if (i < 0 && reserves && allocFlags & (ALLOC_OOM | ALLOC_NON_BLOCK)) {
    i = rmqueueSmallest(rs, zi, order, MIGRATE_HIGHATOMIC, true);
    if (i >= 0) servedMt = MIGRATE_HIGHATOMIC;
  }
  return i;
}

/**
 * rmqueue: the pcp path for pcp orders (never for a Movable request without ALLOC_CMA, whose pcp
 * list may hold CMA pages), else the buddy; 6.1 also falls back to the buddy when the pcp path got
 * nothing. Afterwards a zone whose watermark a fallback boosted wakes kswapd (whatever ALLOC_KSWAPD
 * says): 6.1 on every return, 5.10 except when the buddy path failed (it returns early).
 */
export function rmqueue(rs: RunState, zi: number, cpu: number, order: number, mt: number, allocFlags: number): number {
  let i = -1;
  let pcpTried = false;
  if (rs.pcp.orderBase[order] >= 0 && (!rs.hotCma || allocFlags & ALLOC_CMA || mt !== MIGRATE_MOVABLE)) {
    pcpTried = true;
    i = rmqueuePcplist(rs, zi, cpu, order, mt, allocFlags);
    if (i >= 0) servedMt = rs.pflags[i];
  }
  let buddyFailed = false;
  if (i < 0 && (!pcpTried || rs.hotRefillFallsThrough)) {
    i = rmqueueBuddy(rs, zi, order, mt, allocFlags);
    buddyFailed = i < 0;
  }
  if (rs.zoneFlags[zi] & ZONE_BOOSTED_WATERMARK && !(buddyFailed && !rs.hotBoostWakeOnFailure)) {
    rs.zoneFlags[zi] &= ~ZONE_BOOSTED_WATERMARK;
    wakeupKswapd(rs, zi, 0, 0, rs.zoneIdx[zi]);
  }
  return i;
}
