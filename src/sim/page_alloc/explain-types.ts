/**
 * What the explanation of a failed allocation (explain.ts) takes and returns: the zones' state as
 * the watermark checks read it, the request, and per zone the check with its numbers. Plain data.
 */
import type { TunableState } from '../tunables';

/** One zone's state as the watermark checks need it. Counts are pages. */
export interface ZoneSnapshot {
  nid: number;
  /** index in the zone enum */
  idx: number;
  name: string;
  /** NR_FREE_PAGES */
  free: number;
  /** NR_FREE_CMA_PAGES */
  freeCma: number;
  managed: number;
  present: number;
  /** _watermark[MIN], [LOW], [HIGH] without boost */
  wmark: readonly [number, number, number];
  /** watermark_boost */
  boost: number;
  /** nr_reserved_highatomic */
  reservedHighatomic: number;
  /** lowmem_reserve[0..MAX_NR_ZONES-1] */
  lowmemReserve: readonly number[];
  /** nr_free per order (all lists); empty when not known */
  nrFree: readonly number[];
  /** per order: bit mt set when free_list[mt] has a block (the show_free_areas letters) */
  typeMask: readonly number[];
  /** per order and migratetype: blocks (the model knows them; a report prints only the letters) */
  nrFreeByType: readonly (readonly number[])[] | null;
  /** LRU pages of the zone: inactive_anon, active_anon, inactive_file, active_file, unevictable */
  lru: readonly [number, number, number, number, number];
  highmem: boolean;
}

export interface ExplainInput {
  /** kernel version text for the wording ("6.1", "5.10", "4.19.0") */
  kernel: string;
  cmaConfigured: boolean;
  watermarkFastClamp: boolean;
  /**
   * the reserve-flag scheme of the kernel: 'harder' (ALLOC_HARDER/ALLOC_HIGH: 5.10, 6.1.0–6.1.20
   * and older) or 'reserves' (ALLOC_NON_BLOCK/ALLOC_MIN_RESERVE/ALLOC_HIGHATOMIC: 6.3+, and the
   * 6.1 profile, whose stable branch has them backported)
   */
  allocScheme: 'harder' | 'reserves';
  order: number;
  gfp: number;
  /** the mask as the kernel prints it: `0xcc0(GFP_KERNEL)` */
  gfpText: string;
  /** the alloc_flags of the attempt being explained (the slow path's: WMARK_MIN …) */
  allocFlags: number;
  zoneNames: readonly string[];
  highestZoneidx: number;
  migratetype: number;
  numa: boolean;
  /** the zonelist, in order; zones above highest_zoneidx are left out by the caller */
  zones: readonly ZoneSnapshot[];
  /** anon LRU pages are reclaimable (swap space is available) */
  swap: boolean;
  pageblockOrder: number;
  /** vm.extfrag_threshold (compaction_suitable's test for costly orders); default 500, the kernel's */
  extfragThreshold?: number;
  /** the tunables with the zones' current managed pages, for the tuning search; null = none */
  tunables: TunableState | null;
  /** current values of the tunables when they are inferred, not known ("≈22528") */
  tunablesInferred?: boolean;
  /** pre-4.4 kernels: __zone_watermark_ok's high-order test subtracted the lower orders' pages instead of looking for a block */
  oldHighOrderCheck?: boolean;
  /** said about the input (inferences, caveats) */
  notes?: string[];
}

export interface ZoneExplanation {
  /** "Node 0 DMA32" on NUMA kernels, else "DMA32" */
  zone: string;
  nid: number;
  name: string;
  /** NR_FREE_PAGES */
  free: number;
  /** free minus what this request may not count */
  counted_free: number;
  /** pages subtracted: 2^order − 1, the highatomic reserve, free CMA */
  order_slack: number;
  highatomic: number;
  cma_excluded: number;
  /** free CMA pages counted (ALLOC_CMA) */
  cma_counted: number;
  mark_name: 'min' | 'low' | 'high';
  /** the watermark read (wmark_pages: _watermark + boost) */
  mark_base: number;
  boost: number;
  /** after the ALLOC_HIGH/HARDER/OOM reductions */
  mark: number;
  mark_arithmetic: string;
  counted_arithmetic: string;
  /** lowmem_reserve[highest_zoneidx] */
  reserve: number;
  /** free blocks of order ≥ the request's on the lists it may use */
  free_at_order: number;
  /** false when the report only gives the lists' letters: free_at_order is then an upper bound */
  free_at_order_exact: boolean;
  /** watermark test passed (free > mark + reserve) */
  watermark_ok: boolean;
  /** a block at ≥ order on a usable list (always true for order 0) */
  block_ok: boolean;
  ok: boolean;
  /** 'watermark' | 'no-suitable-block' | null */
  failed_test: 'watermark' | 'no-suitable-block' | null;
  reason: string;
  /** zone_reclaimable_pages: file LRU (+ anon with swap) */
  reclaimable: number;
  /** should_reclaim_retry's test: the min check with the reclaimable pages added */
  ok_after_reclaim: boolean;
  /** fragmentation index at the order (×1000; −1000 = a suitable block exists), null for order 0 */
  fragmentation_index: number | null;
  /** compaction_suitable: 'success' | 'continue' | 'skipped' | 'not_suitable_zone' | null (order 0) */
  compaction: string | null;
}

export interface TuningSuggestion {
  sysctl: string;
  /** the value now (inferred for reports) */
  current: string;
  /** the value that lets the check pass, or null when no value of this sysctl helps */
  value: string | null;
  text: string;
}

export interface FailureExplanation {
  order: number;
  gfp: string;
  gfp_mask: number;
  alloc_flags: number;
  alloc_flags_text: string;
  migratetype: string;
  highest_zone: string;
  highest_zoneidx: number;
  zones: ZoneExplanation[];
  fallback: string[];
  reclaim: string[];
  compaction: string[];
  tuning: TuningSuggestion[];
  verdict: string;
  notes: string[];
  /** all of the above in plain words (renderExplanation) */
  text: string;
}

