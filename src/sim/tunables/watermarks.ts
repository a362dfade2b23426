/**
 * Per-zone watermarks (min/low/high, 6.1 promo) and the watermark boost.
 */
import { versionRules } from '../kernel-behaviour';
import { clamp, mulDivU64, multFrac } from './int-math';
import { zonePcpUpdateMut } from './pcp';
import { cloneState, type TunableState } from './state';
import { calculateTotalreservePagesMut } from './totalreserve';

/** SWAP_CLUSTER_MAX: the lower clamp of a highmem zone's min watermark. */
const SWAP_CLUSTER_MAX = 32;

/** __setup_per_zone_wmarks (mm/page_alloc.c), in place. Ends with calculate_totalreserve_pages. */
export function setupPerZoneWmarksCoreMut(d: TunableState): void {
  const pagesMin = Math.floor(d.minFreeKbytes / 2 ** (d.pageShift - 10));
  let lowmemPages = 0;
  for (const z of d.zones) if (!z.highmem) lowmemPages += z.managed;
  const rules = versionRules(d.kernel);

  for (const z of d.zones) {
    // tmp = (u64)pages_min * managed; do_div(tmp, lowmem_pages)
    const tmp = lowmemPages > 0 ? mulDivU64(pagesMin, z.managed, lowmemPages) : 0;
    if (z.highmem) {
      // __GFP_HIGH/PF_MEMALLOC do not need highmem: cap min to a small value
      z.wmark.min = clamp(Math.floor(z.managed / 1024), SWAP_CLUSTER_MAX, 128);
    } else {
      z.wmark.min = tmp;
    }
    const dist = Math.max(Math.floor(tmp / 4), multFrac(z.managed, d.watermarkScaleFactor, 10000));
    z.boost = 0;
    z.wmark.low = z.wmark.min + dist;
    z.wmark.high = z.wmark.low + dist;
    z.wmark.promo = rules.promoWatermark ? z.wmark.high + dist : 0;
  }
  calculateTotalreservePagesMut(d);
}

/**
 * setup_per_zone_wmarks (mm/page_alloc.c), in place: __setup_per_zone_wmarks, then on 6.1
 * zone_pcp_update for every zone (pcp high follows the low watermark). 5.10 leaves pcp alone.
 */
export function setupPerZoneWmarksMut(d: TunableState): void {
  setupPerZoneWmarksCoreMut(d);
  if (versionRules(d.kernel).pcp.high === 'low-wmark') zonePcpUpdateMut(d);
}

/** setup_per_zone_wmarks (mm/page_alloc.c): returns a new state. */
export function setupPerZoneWmarks(s: TunableState): TunableState {
  const d = cloneState(s);
  setupPerZoneWmarksMut(d);
  return d;
}

/**
 * boost_watermark (mm/page_alloc.c), called on a fallback that steals a pageblock: raises
 * zone `zoneIndex` (index into state.zones) by one pageblock, up to
 * max(pageblock, mult_frac(_watermark[HIGH], watermark_boost_factor, 10000)).
 * Returns the new state and whether the boost happened (the kernel then wakes kswapd).
 * 6.1 does not recompute pcp high here (only setup_per_zone_wmarks does).
 */
export function boostWatermark(s: TunableState, zoneIndex: number): { state: TunableState; boosted: boolean } {
  const d = cloneState(s);
  const z = d.zones[zoneIndex];
  const pageblock = 2 ** d.pageblockOrder;
  if (!z || !d.watermarkBoostFactor) return { state: d, boosted: false };
  // Don't bother in zones that are unlikely to produce results (smaller than 4 pageblocks)
  if (pageblock * 4 > z.managed) return { state: d, boosted: false };
  let maxBoost = multFrac(z.wmark.high, d.watermarkBoostFactor, 10000);
  if (!maxBoost) return { state: d, boosted: false };
  maxBoost = Math.max(pageblock, maxBoost);
  z.boost = Math.min(z.boost + pageblock, maxBoost);
  return { state: d, boosted: true };
}
