/**
 * The watermark checks (mm/page_alloc.c): __zone_watermark_unusable_free, __zone_watermark_ok and
 * zone_watermark_fast. Free pages are NR_FREE_PAGES (the buddy's count; pages on per-cpu lists do
 * not count). The kernel reads zone_page_state, which lags the exact count by the per-cpu vmstat
 * deltas (at most the zone's stat threshold per CPU); the model reads the exact count.
 */
import { MIGRATE_CMA, MIGRATE_HIGHATOMIC, MIGRATE_PCPTYPES, MIGRATE_TYPES } from '../types';
import { ALLOC_CMA, ALLOC_HARDER, ALLOC_HIGH, ALLOC_MIN_RESERVE, ALLOC_NON_BLOCK, ALLOC_OOM, ALLOC_RESERVES, ALLOC_WMARK_MASK, ALLOC_WMARK_MIN, mayUseHighatomic } from './alloc-flags';
import { __GFP_ATOMIC } from './gfp';
import { NR_WMARK, WMARK_MIN } from '../run/run-state';

/**
 * The zone state the watermark checks read: a RunState is one; `mmbook explain` builds another
 * from a real report's numbers (page_alloc/explain.ts). Typed arrays indexed like RunState's
 * (zone zi; zi * nz + highest_zoneidx; (zi * maxOrder + order) * MIGRATE_TYPES + mt), so the
 * allocator's hot path reads the same fields as before and allocates nothing.
 */
export interface WatermarkState {
  readonly rules: { readonly allocFlags: 'harder' | 'reserves' };
  /** CONFIG_CMA */
  readonly hotCma: boolean;
  /** the alloc flags that may use the highatomic reserve (ALLOC_HARDER|ALLOC_OOM, or ALLOC_RESERVES) */
  readonly hotReservesMask: number;
  /** rules.allocFlags === 'reserves' */
  readonly hotReserves: boolean;
  /** zone_watermark_fast clamps the order-0 shortcut's unusable pages at the free count */
  readonly hotFastClamp: boolean;
  /** MAX_NR_ZONES (row length of lowmemReserve) */
  readonly nz: number;
  readonly nrReservedHighatomic: Float64Array;
  readonly lowmemReserve: Float64Array;
  readonly wmark: Float64Array;
  readonly boost: Float64Array;
  readonly buddy: {
    readonly maxOrder: number;
    readonly nrFree: Int32Array;
    /** list heads: ≥ 0 when the list has a block */
    readonly head: Int32Array;
    readonly z: { readonly free: Float64Array; readonly freeCma: Float64Array };
  };
}

/** __zone_watermark_unusable_free: pages a request may not count toward the mark (the highatomic reserve unless it may dip into reserves). */
export function zoneWatermarkUnusableFree(rs: WatermarkState, zi: number, order: number, allocFlags: number): number {
  let unusable = (1 << order) - 1;
  if (!(allocFlags & rs.hotReservesMask)) unusable += rs.nrReservedHighatomic[zi];
  if (rs.hotCma && !(allocFlags & ALLOC_CMA)) unusable += rs.buddy.z.freeCma[zi];
  return unusable;
}

/**
 * The mark after the reserve flags lower it (integer halving and quartering).
 * 'harder': ALLOC_HIGH halves it, then ALLOC_OOM halves or ALLOC_HARDER takes a quarter.
 * 'reserves': ALLOC_MIN_RESERVE halves it and, with ALLOC_NON_BLOCK, takes a further quarter;
 * ALLOC_OOM halves again (a non-blocking request without __GFP_HIGH gets no reduction).
 */
export function effectiveMin(mark: number, allocFlags: number, scheme: 'harder' | 'reserves' = 'harder'): number {
  let min = mark;
  if (scheme === 'harder') {
    if (allocFlags & ALLOC_HIGH) min -= Math.floor(min / 2);
    if (allocFlags & (ALLOC_HARDER | ALLOC_OOM)) min -= allocFlags & ALLOC_OOM ? Math.floor(min / 2) : Math.floor(min / 4);
    return min;
  }
  if (allocFlags & ALLOC_RESERVES) {
    if (allocFlags & ALLOC_MIN_RESERVE) {
      min -= Math.floor(min / 2);
      if (allocFlags & ALLOC_NON_BLOCK) min -= Math.floor(min / 4);
    }
    if (allocFlags & ALLOC_OOM) min -= Math.floor(min / 2);
  }
  return min;
}

/** __zone_watermark_ok: strictly more than min + lowmem_reserve[highest_zoneidx], then a usable block at ≥ order. */
export function zoneWatermarkOkFree(rs: WatermarkState, zi: number, order: number, mark: number, highestZoneidx: number, allocFlags: number, freePages: number): boolean {
  const free = freePages - zoneWatermarkUnusableFree(rs, zi, order, allocFlags);
  const min = effectiveMin(mark, allocFlags, rs.rules.allocFlags);
  if (free <= min + rs.lowmemReserve[zi * rs.nz + highestZoneidx]) return false;
  if (order === 0) return true;
  return hasSuitableBlock(rs, zi, order, allocFlags);
}

/** The high-order half of __zone_watermark_ok: a free block at ≥ order on a list this request may take from. */
export function hasSuitableBlock(rs: WatermarkState, zi: number, order: number, allocFlags: number): boolean {
  const b = rs.buddy;
  const harder = mayUseHighatomic(allocFlags, rs.rules.allocFlags);
  for (let o = order; o < b.maxOrder; o++) {
    const base = (zi * b.maxOrder + o) * MIGRATE_TYPES;
    let any = 0;
    for (let mt = 0; mt < MIGRATE_TYPES; mt++) any += b.nrFree[base + mt];
    if (any === 0) continue;
    for (let mt = 0; mt < MIGRATE_PCPTYPES; mt++) if (b.head[base + mt] >= 0) return true;
    if (allocFlags & ALLOC_CMA && b.head[base + MIGRATE_CMA] >= 0) return true;
    if (harder && b.head[base + MIGRATE_HIGHATOMIC] >= 0) return true;
  }
  return false;
}

/** zone_watermark_ok: __zone_watermark_ok with NR_FREE_PAGES. */
export function zoneWatermarkOk(rs: WatermarkState, zi: number, order: number, mark: number, highestZoneidx: number, allocFlags: number): boolean {
  return zoneWatermarkOkFree(rs, zi, order, mark, highestZoneidx, allocFlags, rs.buddy.z.free[zi]);
}

/**
 * zone_watermark_fast: an order-0 shortcut without the mark's reductions, then __zone_watermark_ok,
 * then for an order-0 __GFP_ATOMIC (6.1: ALLOC_MIN_RESERVE) request at the MIN mark one more try
 * against the unboosted min.
 */
export function zoneWatermarkFast(rs: WatermarkState, zi: number, order: number, mark: number, highestZoneidx: number, allocFlags: number, gfp: number): boolean {
  if (order === 0) {
    // the order-0 shortcut, kept small so that the allocator's fast path inlines it
    const freePages = rs.buddy.z.free[zi];
    let reserved = 0;
    if (!(allocFlags & rs.hotReservesMask)) reserved += rs.nrReservedHighatomic[zi];
    if (rs.hotCma && !(allocFlags & ALLOC_CMA)) reserved += rs.buddy.z.freeCma[zi];
    const usable = rs.hotFastClamp ? freePages - Math.min(freePages, reserved) : freePages - reserved;
    if (usable > mark + rs.lowmemReserve[zi * rs.nz + highestZoneidx]) return true;
  }
  return zoneWatermarkFastCheck(rs, zi, order, mark, highestZoneidx, allocFlags, gfp);
}

/** zone_watermark_fast after the order-0 shortcut: __zone_watermark_ok, then the GFP_ATOMIC (ALLOC_MIN_RESERVE) unboosted retry. */
function zoneWatermarkFastCheck(rs: WatermarkState, zi: number, order: number, mark: number, highestZoneidx: number, allocFlags: number, gfp: number): boolean {
  const freePages = rs.buddy.z.free[zi];
  if (zoneWatermarkOkFree(rs, zi, order, mark, highestZoneidx, allocFlags, freePages)) return true;
  const atomic = rs.hotReserves ? allocFlags & ALLOC_MIN_RESERVE : gfp & __GFP_ATOMIC;
  if (order === 0 && atomic && rs.boost[zi] > 0 && (allocFlags & ALLOC_WMARK_MASK) === ALLOC_WMARK_MIN) {
    return zoneWatermarkOkFree(rs, zi, 0, rs.wmark[zi * NR_WMARK + WMARK_MIN], highestZoneidx, allocFlags, freePages);
  }
  return false;
}
