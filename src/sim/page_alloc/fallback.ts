/**
 * Falling back to another migratetype's free lists, and the pageblock ownership rules around it
 * (mm/page_alloc.c): __rmqueue_fallback, find_suitable_fallback, can_steal_fallback,
 * steal_suitable_fallback, move_freepages_block (counting movable pages), boost_watermark, and the
 * highatomic reserve (reserve_highatomic_pageblock, unreserve_highatomic_pageblock).
 */
import { MIGRATE_HIGHATOMIC, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_TYPES, MIGRATE_UNMOVABLE } from '../types';
import { PS_ALLOC, PS_BUDDY, PS_INUSE, PS_MT_MASK, PS_MT_SHIFT, PS_ORDER_MASK, buddyTag } from '../buddy/page-state';
import { ALLOC_KSWAPD, ALLOC_NOFRAGMENT } from './alloc-flags';
import { PF_LRU } from '../run/page-flags';
import { NR_WMARK, WMARK_HIGH, ZONE_BOOSTED_WATERMARK, type RunState } from '../run/run-state';

/** can_steal_fallback */
export function canStealFallback(rs: RunState, order: number, startMt: number): boolean {
  const pbo = rs.buddy.pageblockOrder;
  if (order >= pbo) return true;
  return order >= pbo >> 1 || startMt === MIGRATE_RECLAIMABLE || startMt === MIGRATE_UNMOVABLE || rs.mobilityDisabled;
}

/** Result slot of findSuitableFallback's can_steal (module-level: no allocation per call). */
let canSteal = false;

/** find_suitable_fallback: the first fallback type with a free block at this order, or −1. */
export function findSuitableFallback(rs: RunState, zi: number, order: number, startMt: number, onlyStealable: boolean): number {
  const b = rs.buddy;
  const base = (zi * b.maxOrder + order) * MIGRATE_TYPES;
  let nr = 0;
  for (let mt = 0; mt < MIGRATE_TYPES; mt++) nr += b.nrFree[base + mt];
  if (nr === 0) return -1;
  canSteal = false;
  const fb = rs.rules.fallbacks[startMt]!;
  for (let k = 0; k < fb.length; k++) {
    const mt = fb[k]!;
    if (b.head[base + mt] < 0) continue;
    if (canStealFallback(rs, order, startMt)) canSteal = true;
    if (!onlyStealable || canSteal) return mt;
  }
  return -1;
}

/** The can_steal of the last findSuitableFallback. */
export function lastCanSteal(): boolean {
  return canSteal;
}

/**
 * boost_watermark: raise watermark_boost by a pageblock, up to mult_frac(_watermark[HIGH],
 * watermark_boost_factor, 10000) (at least a pageblock). Not in zones under four pageblocks.
 */
export function boostWatermark(rs: RunState, zi: number): boolean {
  const factor = rs.tunables.watermarkBoostFactor;
  const pb = 1 << rs.buddy.pageblockOrder;
  if (!factor) return false;
  if (pb * 4 > rs.buddy.z.managed[zi]) return false;
  const high = rs.wmark[zi * NR_WMARK + WMARK_HIGH];
  let maxBoost = Math.floor(high / 10000) * factor + Math.floor(((high % 10000) * factor) / 10000);
  if (!maxBoost) return false;
  maxBoost = Math.max(pb, maxBoost);
  rs.boost[zi] = Math.min(rs.boost[zi] + pb, maxBoost);
  return true;
}

/** The index of the allocated block head covering index i (an allocated page), or −1. */
export function allocHeadOf(rs: RunState, i: number): number {
  const tag = rs.buddy.tag;
  if (tag[i] & PS_ALLOC) return i;
  const pfn = i + rs.buddy.basePfn;
  for (let o = 1; o < 16; o++) {
    const h = (pfn & ~((1 << o) - 1)) - rs.buddy.basePfn;
    if (h < 0) return -1;
    const t = tag[h];
    if (t & PS_ALLOC && (t & PS_ORDER_MASK) >= o) return h;
  }
  return -1;
}

/** Pages counted as movable by the last moveFreepagesBlock (its num_movable). */
let numMovable = 0;
export function lastNumMovable(): number {
  return numMovable;
}

/**
 * move_freepages_block: move every free block of pfn's pageblock to the tail of free_list[mt];
 * count in-use pages that are PageLRU (pages of an LRU folio count each). Returns pages moved.
 */
export function moveFreepagesBlockCounting(rs: RunState, zi: number, pfn: number, mt: number): number {
  const b = rs.buddy;
  numMovable = 0;
  const pbMask = (1 << b.pageblockOrder) - 1;
  let start = pfn & ~pbMask;
  const end = start + pbMask;
  if (start < b.z.start[zi] || start >= b.z.end[zi]) start = pfn;
  if (end < b.z.start[zi] || end >= b.z.end[zi]) return 0;
  const tag = b.tag;
  let moved = 0;
  for (let p = start; p <= end; ) {
    const i = p - b.basePfn;
    const t = tag[i];
    if (t & PS_BUDDY) {
      const o = t & PS_ORDER_MASK;
      b.unlink(i, (zi * b.maxOrder + o) * MIGRATE_TYPES + ((t >> PS_MT_SHIFT) & PS_MT_MASK));
      tag[i] = buddyTag(o, mt);
      b.linkTail(i, (zi * b.maxOrder + o) * MIGRATE_TYPES + mt);
      p += 1 << o;
      moved += 1 << o;
      continue;
    }
    if (t & PS_ALLOC || t === PS_INUSE) {
      const h = allocHeadOf(rs, i);
      if (h >= 0) {
        const blockEnd = h + b.basePfn + (1 << (tag[h] & PS_ORDER_MASK));
        const stop = Math.min(blockEnd, end + 1);
        if (rs.pflags[h] & PF_LRU) numMovable += stop - p;
        p = stop;
        continue;
      }
    }
    p++;
  }
  return moved;
}

/** move_to_free_list: one free block to the tail of free_list[mt] at its order. */
function moveToFreeList(rs: RunState, zi: number, i: number, mt: number): void {
  const b = rs.buddy;
  const t = b.tag[i];
  const o = t & PS_ORDER_MASK;
  b.unlink(i, (zi * b.maxOrder + o) * MIGRATE_TYPES + ((t >> PS_MT_SHIFT) & PS_MT_MASK));
  b.tag[i] = buddyTag(o, mt);
  b.linkTail(i, (zi * b.maxOrder + o) * MIGRATE_TYPES + mt);
}

/** steal_suitable_fallback: take the block (and, when enough of it agrees, its pageblock). */
function stealSuitableFallback(rs: RunState, zi: number, i: number, allocFlags: number, startType: number, wholeBlock: boolean): void {
  const b = rs.buddy;
  const pfn = i + b.basePfn;
  const currentOrder = b.tag[i] & PS_ORDER_MASK;
  const pbo = b.pageblockOrder;
  const pbIdx = (pfn >> pbo) - b.pbBase;
  const oldBlockType = b.pbType[pbIdx];
  if (oldBlockType === MIGRATE_HIGHATOMIC) {
    moveToFreeList(rs, zi, i, startType);
    return;
  }
  if (currentOrder >= pbo) {
    // change_pageblock_range
    for (let k = 0; k < 1 << (currentOrder - pbo); k++) b.pbType[pbIdx + k] = startType;
    moveToFreeList(rs, zi, i, startType);
    return;
  }
  if (boostWatermark(rs, zi) && allocFlags & ALLOC_KSWAPD) rs.zoneFlags[zi] |= ZONE_BOOSTED_WATERMARK;
  if (!wholeBlock) {
    moveToFreeList(rs, zi, i, startType);
    return;
  }
  const freePages = moveFreepagesBlockCounting(rs, zi, pfn, startType);
  const movable = numMovable;
  let alike: number;
  if (startType === MIGRATE_MOVABLE) alike = movable;
  else alike = oldBlockType === MIGRATE_MOVABLE ? (1 << pbo) - (freePages + movable) : 0;
  if (!freePages) {
    moveToFreeList(rs, zi, i, startType);
    return;
  }
  if (freePages + alike >= 1 << (pbo - 1) || rs.mobilityDisabled) b.pbType[pbIdx] = startType;
}

/**
 * __rmqueue_fallback: search the fallback lists from the largest order down (from pageblock_order
 * with ALLOC_NOFRAGMENT), steal, and report true; the caller retries __rmqueue_smallest.
 */
export function rmqueueFallback(rs: RunState, zi: number, order: number, startMt: number, allocFlags: number): boolean {
  const b = rs.buddy;
  const pbo = b.pageblockOrder;
  let minOrder = order;
  if (allocFlags & ALLOC_NOFRAGMENT && (rs.rules.nofragmentEveryOrder || order < pbo)) minOrder = pbo;
  let current = -1;
  let fallbackMt = -1;
  let steal = false;
  for (let o = b.maxOrder - 1; o >= minOrder; o--) {
    fallbackMt = findSuitableFallback(rs, zi, o, startMt, false);
    if (fallbackMt === -1) continue;
    steal = canSteal;
    current = o;
    break;
  }
  if (current < 0) return false;
  if (!steal && startMt === MIGRATE_MOVABLE && current > order) {
    // find_smallest
    for (let o = order; o < b.maxOrder; o++) {
      fallbackMt = findSuitableFallback(rs, zi, o, startMt, false);
      if (fallbackMt !== -1) {
        current = o;
        steal = canSteal;
        break;
      }
    }
  }
  const i = b.head[(zi * b.maxOrder + current) * MIGRATE_TYPES + fallbackMt];
  stealSuitableFallback(rs, zi, i, allocFlags, startMt, steal);
  rs.trace?.emit('mm_page_alloc_extfrag', i + b.basePfn, order, current, startMt, fallbackMt);
  return true;
}

/** reserve_highatomic_pageblock: after a high-order ALLOC_HARDER allocation, keep its pageblock for such requests. */
export function reserveHighatomicPageblock(rs: RunState, zi: number, pfn: number): void {
  const b = rs.buddy;
  const maxManaged = Math.floor(b.z.managed[zi] / 100) + (1 << b.pageblockOrder);
  if (rs.nrReservedHighatomic[zi] >= maxManaged) return;
  const pbIdx = (pfn >> b.pageblockOrder) - b.pbBase;
  const mt = b.pbType[pbIdx];
  // migratetype_is_mergeable (6.1) = not HighAtomic, Isolate or CMA (5.10)
  if (mt >= MIGRATE_HIGHATOMIC) return;
  rs.nrReservedHighatomic[zi] += 1 << b.pageblockOrder;
  b.pbType[pbIdx] = MIGRATE_HIGHATOMIC;
  moveFreepagesBlockCounting(rs, zi, pfn, MIGRATE_HIGHATOMIC);
}

/**
 * unreserve_highatomic_pageblock: give a HighAtomic pageblock of a zone in the zonelist back to
 * the requester's migratetype. Without force, zones whose reserve is one pageblock keep it.
 */
export function unreserveHighatomicPageblock(rs: RunState, zonelist: Int32Array, highestZoneidx: number, migratetype: number, force: boolean): boolean {
  const b = rs.buddy;
  const pb = 1 << b.pageblockOrder;
  for (let k = 0; k < zonelist.length; k++) {
    const zi = zonelist[k]!;
    if (rs.zoneIdx[zi] > highestZoneidx) continue;
    if (!force && rs.nrReservedHighatomic[zi] <= pb) continue;
    for (let o = 0; o < b.maxOrder; o++) {
      const i = b.head[(zi * b.maxOrder + o) * MIGRATE_TYPES + MIGRATE_HIGHATOMIC];
      if (i < 0) continue;
      const pfn = i + b.basePfn;
      const pbIdx = (pfn >> b.pageblockOrder) - b.pbBase;
      if (b.pbType[pbIdx] === MIGRATE_HIGHATOMIC) rs.nrReservedHighatomic[zi] -= Math.min(pb, rs.nrReservedHighatomic[zi]);
      b.pbType[pbIdx] = migratetype;
      if (moveFreepagesBlockCounting(rs, zi, pfn, migratetype)) return true;
    }
  }
  return false;
}
