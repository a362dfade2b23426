/**
 * min_free_kbytes: the boot default (init_per_zone_wmark_min, postcore_initcall) and the
 * khugepaged raise (set_recommended_min_free_kbytes, subsys_initcall via hugepage_init).
 */
import { versionRules } from '../kernel-behaviour';
import { MIGRATE_PCPTYPES } from '../types';
import { clamp, intSqrt } from './int-math';
import { setupPerZoneLowmemReserveMut } from './lowmem-reserve';
import { refreshZoneStatThresholdsMut } from './pcp';
import { cloneState, highWmarkPages, populatedZone, type TunableState } from './state';
import { setupPerZoneWmarksMut } from './watermarks';

/**
 * nr_free_buffer_pages (mm/page_alloc.c, nr_free_zone_pages(gfp_zone(GFP_USER))): over the zones
 * of the boot node's fallback zonelist (all nodes) with index <= ZONE_NORMAL, the sum of
 * max(0, managed - high_wmark_pages). HighMem and Movable are excluded.
 */
export function nrFreeBufferPages(s: TunableState): number {
  let sum = 0;
  for (const z of s.zones) {
    if (z.idx > s.normalIdx) continue;
    const high = highWmarkPages(z);
    if (z.managed > high) sum += z.managed - high;
  }
  return sum;
}

/**
 * calculate_min_free_kbytes (6.1 mm/page_alloc.c; inline in 5.10 init_per_zone_wmark_min), in place:
 * int_sqrt(lowmem_kbytes * 16) clamped to 128..262144, unless the user's value is at least as big.
 */
export function calculateMinFreeKbytesMut(d: TunableState): void {
  const lowmemKbytes = nrFreeBufferPages(d) * (4096 / 1024);
  const newMin = intSqrt(lowmemKbytes * 16);
  if (newMin > d.userMinFreeKbytes) {
    d.minFreeKbytes = clamp(newMin, 128, 262144);
  } else {
    (d.log ??= []).push(
      `min_free_kbytes is not updated to ${newMin} because user defined value ${d.userMinFreeKbytes} is preferred`,
    );
  }
}

/** calculate_min_free_kbytes (6.1 mm/page_alloc.c): returns a new state (watermarks untouched). */
export function calculateMinFreeKbytes(s: TunableState): TunableState {
  const d = cloneState(s);
  calculateMinFreeKbytesMut(d);
  return d;
}

/** set_recommended_min_free_kbytes (mm/khugepaged.c), in place. */
export function setRecommendedMinFreeKbytesMut(d: TunableState): void {
  if (!d.thpEnabled) {
    // 5.10 is only called when khugepaged is enabled; 6.1 recomputes the default instead.
    if (!versionRules(d.kernel).thpOffRecalculatesMinFree) return;
    calculateMinFreeKbytesMut(d);
    setupPerZoneWmarksMut(d);
    return;
  }
  let nrZones = 0;
  for (const z of d.zones) {
    // ZONE_MOVABLE (and HighMem) are above gfp_zone(GFP_USER): no fragmentation to worry about
    if (populatedZone(z) && z.idx <= d.normalIdx) nrZones++;
  }
  const pageblockNrPages = 2 ** d.pageblockOrder;
  let recommended = pageblockNrPages * nrZones * 2;
  recommended += pageblockNrPages * nrZones * MIGRATE_PCPTYPES * MIGRATE_PCPTYPES;
  // never reserve more than 5% of lowmem
  recommended = Math.min(recommended, Math.floor(nrFreeBufferPages(d) / 20));
  recommended *= 2 ** (d.pageShift - 10);
  if (recommended > d.minFreeKbytes) {
    if (d.userMinFreeKbytes >= 0) {
      (d.log ??= []).push(
        `raising min_free_kbytes from ${d.minFreeKbytes} to ${recommended} to help transparent hugepage allocations`,
      );
    }
    d.minFreeKbytes = recommended;
  }
  setupPerZoneWmarksMut(d);
}

/**
 * set_recommended_min_free_kbytes (mm/khugepaged.c), as start_stop_khugepaged calls it:
 * raise min_free_kbytes to pageblock * populated zones <= Normal * 11 (capped at 5% of
 * nr_free_buffer_pages), then setup_per_zone_wmarks. With THP off: 5.10 does nothing,
 * 6.1 recomputes the default (calculate_min_free_kbytes) and the watermarks.
 */
export function setRecommendedMinFreeKbytes(s: TunableState): TunableState {
  const d = cloneState(s);
  setRecommendedMinFreeKbytesMut(d);
  return d;
}

/** 512 MiB in 4 KiB pages: hugepage_init turns THP off below this much totalram. */
export const THP_MIN_TOTALRAM_PAGES = 512 << (20 - 12);

/**
 * hugepage_init (mm/huge_memory.c, subsys_initcall) as far as the tunables see it:
 * totalram < 512 MiB → THP flags cleared, nothing recomputed; otherwise start_stop_khugepaged
 * (mm/khugepaged.c) → set_recommended_min_free_kbytes (5.10 only when THP is enabled).
 * `totalramPages` is totalram_pages() at that moment (after CMA activation, before late frees).
 */
export function hugepageInit(s: TunableState, totalramPages: number): TunableState {
  const d = cloneState(s);
  if (totalramPages < THP_MIN_TOTALRAM_PAGES) {
    d.thpEnabled = false;
    return d;
  }
  setRecommendedMinFreeKbytesMut(d);
  return d;
}

/**
 * start_stop_khugepaged (mm/khugepaged.c) after a write to
 * /sys/kernel/mm/transparent_hugepage/enabled: THP on → raise (both versions); THP off →
 * 5.10 keeps the raised min_free_kbytes, 6.1 recomputes the default (user value still preferred).
 */
export function startStopKhugepaged(s: TunableState, thpEnabled: boolean): TunableState {
  const d = cloneState(s);
  d.thpEnabled = thpEnabled;
  setRecommendedMinFreeKbytesMut(d);
  return d;
}

/**
 * init_per_zone_wmark_min (mm/page_alloc.c, postcore_initcall), in place:
 * calculate_min_free_kbytes, setup_per_zone_wmarks, refresh_zone_stat_thresholds,
 * setup_per_zone_lowmem_reserve, khugepaged_min_free_kbytes_update (which only acts once
 * khugepaged runs: pass khugepagedStarted=true for a re-run after boot, e.g. memory hotplug).
 */
export function initPerZoneWmarkMinMut(d: TunableState, khugepagedStarted = false): void {
  calculateMinFreeKbytesMut(d);
  setupPerZoneWmarksMut(d);
  refreshZoneStatThresholdsMut(d);
  setupPerZoneLowmemReserveMut(d);
  if (khugepagedStarted && d.thpEnabled) setRecommendedMinFreeKbytesMut(d);
}

/** init_per_zone_wmark_min (mm/page_alloc.c): returns a new state. */
export function initPerZoneWmarkMin(s: TunableState, khugepagedStarted = false): TunableState {
  const d = cloneState(s);
  initPerZoneWmarkMinMut(d, khugepagedStarted);
  return d;
}
