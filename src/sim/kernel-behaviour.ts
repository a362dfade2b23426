/**
 * The differences between the kernels the profiles model, in one table. The profiles are the Debian
 * builds the oracle boots came from, 5.10.0-32 (5.10.223) and 6.1.0-50 (6.1.176), with the stable
 * backports they carry (for the page allocator: the 6.3 reserve-flag rework, the split THP pcp
 * lists and the pcp batch scale cap in 6.1.170+; the watermark_scale_factor limit of 3000 and the
 * watermark fast-check clamp in 5.10.135+/5.10.186+). Code never compares
 * version strings: it reads a rule from here (`profile.behaviour.pcp.maxOrder`), so a rule's
 * 5.10 and 6.1 values sit side by side, each with the kernel source it comes from. Facts of one
 * kernel *build* (struct sizes, symbol offsets in memblock=debug lines, image layout) are not
 * behaviour: they live in src/sim/arch/kernel-build.ts.
 *
 * versionRules(kernel) is the part that depends on the kernel version alone; kernelBehaviour(profile)
 * adds what the profile's configuration decides (MAX_ORDER, pageblock_order, THP on the pcp lists).
 */
import { MmError } from './errors';
import { MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, type KernelConfig, type KernelVersion } from './types';

export interface VersionRules {
  readonly kernel: KernelVersion;

  // ---- the buddy allocator (mm/page_alloc.c) ----
  /**
   * __free_one_page above pageblock_order: 'except-isolate' merges any two types but across
   * MIGRATE_ISOLATE (5.10); 'mergeable-only' refuses unless both types are < MIGRATE_PCPTYPES, so
   * CMA, HighAtomic and Isolate never merge with another type (6.1, migratetype_is_mergeable).
   */
  readonly freeMerge: 'except-isolate' | 'mergeable-only';
  /** fallbacks[MIGRATE_TYPES][3]: the types __rmqueue_fallback steals from, in order, per wanted type. */
  readonly fallbacks: readonly (readonly number[])[];
  /**
   * ALLOC_NOFRAGMENT makes __rmqueue_fallback start at pageblock_order: for every order (5.10), or
   * only when order < pageblock_order (6.1).
   */
  readonly nofragmentEveryOrder: boolean;
  /**
   * The reserve flags: 'harder' is ALLOC_HARDER (0x10, GFP_ATOMIC and RT tasks) and ALLOC_HIGH
   * (0x20, __GFP_HIGH) as in 5.10; 'reserves' is the 6.3 rework backported to 6.1.y:
   * ALLOC_NON_BLOCK (0x10, no __GFP_DIRECT_RECLAIM), ALLOC_MIN_RESERVE (0x20, __GFP_HIGH) and
   * ALLOC_HIGHATOMIC (0x200, order > 0 non-blocking __GFP_HIGH), which change who may use the
   * highatomic reserve and how far below min (gfp_to_alloc_flags, __zone_watermark_ok, rmqueue_buddy).
   */
  readonly allocFlags: 'harder' | 'reserves';
  /** should_reclaim_retry unreserves the highatomic blocks (force) whenever it is about to give up, before OOM (6.1.170+) */
  readonly unreserveHighatomicBeforeOom: boolean;
  /** zone_reclaimable_pages counts NR_FREE_PAGES when the zone's LRU lists are empty (6.1.y backport of the 6.13 fix) */
  readonly zoneReclaimableCountsFree: boolean;
  /**
   * zone_watermark_fast's order-0 shortcut: free − unusable may go negative (5.10.89), or
   * free − min(free, unusable) (6.1; 5.10.198).
   */
  readonly watermarkFastClamp: boolean;
  /** build_zonelists takes a zone when managed_zone (5.10.89, the boot estimate) or populated_zone (6.1). */
  readonly zonelistMembership: 'managed' | 'populated';
  /** warn_alloc stays silent for __GFP_DMA when no DMA zone has managed pages (6.1; 5.10.198). */
  readonly warnAllocDmaSilent: boolean;
  /**
   * How a FOLL_LONGTERM pin keeps CMA out of an allocation's reach (current_gfp_context):
   * PF_MEMALLOC_NOCMA skips ALLOC_CMA (5.10), PF_MEMALLOC_PIN drops __GFP_MOVABLE (6.1).
   */
  readonly pinNoCma: 'PF_MEMALLOC_NOCMA' | 'PF_MEMALLOC_PIN';
  /**
   * Where mm_page_alloc_zone_locked fires: in __rmqueue after the fallbacks, with the requested
   * migratetype, and for rmqueue's HIGHATOMIC take (5.10); in __rmqueue_smallest with the list's
   * migratetype and a percpu_refill field (6.1)
   */
  readonly zoneLockedTrace: 'rmqueue' | 'rmqueue-smallest';
  /** rmqueue's boosted-watermark kswapd wake also runs when the buddy path failed (6.1; 5.10 returns early) */
  readonly boostWakeOnFailure: boolean;
  /** __GFP_ZEROTAGS (0x800000) exists and %pGg names it (6.1); in 5.10 that bit is __GFP_NOLOCKDEP, lockdep kernels only */
  readonly gfpZeroTags: boolean;

  // ---- per-cpu page lists (mm/page_alloc.c) ----
  readonly pcp: {
    /** the highest order pcp_allowed_order takes besides the THP order: 0 (5.10), PAGE_ALLOC_COSTLY_ORDER = 3 (6.1) */
    readonly maxOrder: number;
    /** 6.1 keeps lists for pageblock_order pages when THP is built: 0 (5.10), 2 in 6.1.170+ (Movable and the rest) */
    readonly thpLists: number;
    /** pcp->high: 6 × batch, or managed/fraction (5.10); zone_highsize from the low watermark (6.1) */
    readonly high: 'six-batch' | 'low-wmark';
    /** free_pcppages_bulk: batch_free rotation over the three lists (5.10); whole lists round-robin, nr_pcp_free with free_factor (6.1) */
    readonly drain: 'batch-free-rotation' | 'free-factor';
    /** an empty pcp list whose refill got nothing: the allocation fails in this zone (5.10) or falls through to rmqueue_buddy (6.1) */
    readonly emptyRefillFallsThrough: boolean;
    /** nr_pcp_high caps high at 4 × batch while kswapd has ZONE_RECLAIM_ACTIVE set (6.1) */
    readonly reclaimActiveCap: boolean;
    /** drain_pages_zone frees at most batch << CONFIG_PCP_BATCH_SCALE_MAX pages per lock hold, in chunks (6.1.170+) */
    readonly drainInChunks: boolean;
    /** free_unref_page of a page in an Isolate pageblock counts PGFREE (5.10: in free_unref_page_commit, before the isolate check; 6.1 frees it with free_one_page first) */
    readonly isolateFreeCountsPgfree: boolean;
    /** the sysctl that sizes pcp high from managed pages */
    readonly fractionSysctl: 'percpu_pagelist_fraction' | 'percpu_pagelist_high_fraction';
  };

  // ---- reclaim (mm/vmscan.c, mm/page_alloc.c) ----
  readonly vmscan: {
    /**
     * shrink_lruvec once nr_to_reclaim is met: one proportional cut, after which the reduced targets
     * run to completion (5.10.89, scan_adjusted); or the cut is redone every round, which stops the
     * loop one round later (6.1; 5.10.157 "mm: vmscan: fix extreme overreclaim and swap floods")
     */
    readonly lruvecRecutEachRound: boolean;
    /**
     * do_shrink_slab's deferred work: total_scan = nr_deferred + delta, with the windup clamp to
     * freeable/2 when delta < freeable/4, and next_deferred = total_scan − scanned (5.10); or
     * total_scan = (nr_deferred >> priority) + delta and next_deferred = min(nr + delta − scanned,
     * 2 × freeable) (6.1, "mm: vmscan: shrink deferred objects proportional to priority")
     */
    readonly shrinkerDeferred: 'windup-clamp' | 'priority-shift';
    /**
     * free_unref_page_list: Isolate pages go to the buddy in the first pass, with no PGFREE and no
     * mm_page_free_batched (6.1); or through free_unref_page_commit like the others (5.10)
     */
    readonly freeListIsolateFirst: boolean;
    /** drop_slab: per node, repeat while a round frees more than 10 objects (5.10); over all nodes, while (freed >> shift++) > 1 (6.1) */
    readonly dropSlabLoop: 'more-than-10' | 'shift';
  };

  // ---- watermarks (mm/page_alloc.c, mm/khugepaged.c) ----
  /** _watermark[WMARK_PROMO] = high + dist exists (6.1) */
  readonly promoWatermark: boolean;
  /** watermark_scale_factor_sysctl_handler's upper bound */
  readonly watermarkScaleFactorMax: number;
  /** set_recommended_min_free_kbytes with THP off: nothing (5.10) or calculate_min_free_kbytes again (6.1) */
  readonly thpOffRecalculatesMinFree: boolean;

  // ---- CMA (mm/cma.c, kernel/dma/contiguous.c, drivers/of/of_reserved_mem.c) ----
  readonly cma: {
    /** alignment of an area: PAGE_SIZE << max(MAX_ORDER−1, pageblock_order) (5.10), CMA_MIN_ALIGNMENT_BYTES = one pageblock (6.1) */
    readonly alignment: 'max-order' | 'pageblock';
    /** cma_declare_contiguous_nid first tries bottom-up from 4 GiB when end of DRAM ≥ 4 GiB + size (6.1) */
    readonly bottomUpAbove4G: boolean;
    /** cma_activate_area on a zone-crossing area: the pages stay reserved and counted (5.10), or go to the buddy and leave totalcma_pages (6.1) */
    readonly failedAreaToBuddy: boolean;
    /** init_cma_reserved_pageblock frees through __free_pages_ok (5.10) or through the pcp THP list, flushed at once (6.1) */
    readonly activationFree: 'direct' | 'pcp';
    /** debugfs directory: cma-<name> truncated to 15 characters (5.10), <name> (6.1) */
    readonly debugfsDir: 'cma-prefixed' | 'name';
    /**
     * cma_alloc's events: one cma_alloc tracepoint and no counters (5.10); cma_alloc_start /
     * cma_alloc_busy_retry / cma_alloc_finish and the cma_alloc_success / cma_alloc_fail vm events (6.1)
     */
    readonly allocEvents: 'cma_alloc' | 'start-finish';
    /** cma_alloc's failure message names the area ("cma_alloc: <name>: alloc failed…", 6.1) */
    readonly failMessageName: boolean;
    /**
     * start_isolate_page_range: the range widened to max(MAX_ORDER_NR_PAGES, pageblock) pfns
     * (5.10), or its pageblocks with free pages straddling the edge blocks split and compound pages
     * migrated (6.1 isolate_single_pageblock)
     */
    readonly isolateRange: 'max-order' | 'pageblock-split';
    /** drain_all_pages after each set_migratetype_isolate (5.10) or once after the isolation (6.1) */
    readonly drainPerBlock: boolean;
    /** __alloc_contig_migrate_range stops at a −ENOMEM from migrate_pages (6.1); 5.10 retries to its five-try −EBUSY */
    readonly migrateStopsOnEnomem: boolean;
    /** alloc_contig_range logs "[start, end) PFNs busy" when test_pages_isolated fails (5.10); 6.1 is silent */
    readonly pfnsBusyMessage: boolean;
    /** unset_migratetype_isolate re-inserts a free block of order ≥ pageblock_order to merge it (5.10), only below MAX_ORDER − 1 (6.1) */
    readonly undoMergeBelowMaxOrder: boolean;
    /** alloc_migration_target allocates through __folio_alloc, which adds __GFP_COMP (6.1.y) */
    readonly targetGfpComp: boolean;
  };

  // ---- hugetlb (mm/hugetlb.c) ----
  readonly hugetlb: {
    /** report_hugepages: "HugeTLB registered …" (5.10), "HugeTLB: registered …" and the vmemmap line (6.1) */
    readonly reportVmemmap: boolean;
    /** hugetlb_cma areas are aligned to the gigantic size (5.10) or to PAGE_SIZE << HUGETLB_PAGE_ORDER (6.1) */
    readonly cmaAlignGigantic: boolean;
    /** their order_per_bit: 0 (5.10), HUGETLB_PAGE_ORDER (6.1.170+ "pass correct order_per_bit") */
    readonly cmaOrderPerBit: number;
    /** hugetlb_cma=<nid>:<size>,… and hugepages=<nid>:<n>,… (6.1) */
    readonly perNodeParams: boolean;
    /** a failed hugetlb_cma reservation leaves hugetlb_cma_size set (5.10) or resets it to 0 (6.1) */
    readonly cmaSizeResetOnFailure: boolean;
    /**
     * set_max_huge_pages frees each pool page as it removes it, newest first (5.10
     * free_pool_huge_page), or collects them with list_add and frees the list, oldest first (6.1
     * update_and_free_pages_bulk)
     */
    readonly shrinkOldestFirst: boolean;
    /** pfn_range_valid_contig also wants every page unused (page_count 0) (5.10) */
    readonly contigRangeMustBeFree: boolean;
  };

  // ---- device tree and memblock (drivers/of/fdt.c, mm/memblock.c) ----
  readonly fdt: {
    /** early_init_dt_scan_memory visits every node at any depth, ignoring status (5.10), or the root's available children (6.1) */
    readonly memoryAnyDepth: boolean;
    /** /chosen and /reserved-memory are found by the flat scan as depth-1 nodes of that name, and CONFIG_CMDLINE needs /chosen (5.10); by path (6.1) */
    readonly flatScanLookup: boolean;
    /** /reserved-memory is scanned with its deeper descendants (5.10's flat scan) */
    readonly reservedMemoryDescendants: boolean;
    /**
     * linux,usable-memory-range: arm64's early_init_dt_scan_usablemem caps memory to the first range
     * (5.10); early_init_dt_check_for_usable_mem_range caps to the first and adds the second (6.1)
     */
    readonly usableMemRangeAddsSecond: boolean;
  };
  readonly memblock: {
    /** memblock_add_node takes flags and logs them (6.1) */
    readonly addNodeFlags: boolean;
    /** memblock_phys_alloc_range logs its own memblock=debug line (6.1) */
    readonly physAllocDebugLine: boolean;
    /** the name of memblock_free (5.10) / memblock_phys_free (6.1) */
    readonly freeFn: 'memblock_free' | 'memblock_phys_free';
    readonly freeLateFn: '__memblock_free_late' | 'memblock_free_late';
    /** memblock_double_array gives the old array back with memblock_free (6.1) or its own name in the log (5.10) */
    readonly doubleArrayFreeFn: 'memblock_double_array' | 'memblock_free';
    /** should_skip_region skips HOTPLUG regions under movable_node even when HOTPLUG was requested (5.10) */
    readonly hotplugSkipIgnoresRequest: boolean;
    /** MEMBLOCK_DRIVER_MANAGED regions exist and are skipped unless requested (6.1) */
    readonly driverManaged: boolean;
  };
  readonly noMap: {
    /** a static no-map region fails with -EBUSY when it overlaps reserved (5.10.44+), or memory and reserved (6.1) */
    readonly staticBusy: 'reserved' | 'memory-and-reserved';
    /** a dynamic no-map region is found and memblock_remove'd (5.10), or allocated (reserved) and marked NOMAP (6.1) */
    readonly dynamic: 'remove' | 'reserve-nomap';
    /** a failed reserved-memory region is given back: memblock_free (+ add for no-map) (5.10), clear NOMAP or memblock_phys_free (6.1) */
    readonly giveBack: 'free-and-add' | 'clear-nomap-or-free';
  };

  // ---- setup_arch and start_kernel code paths ----
  readonly arm64: {
    /** arm64_memblock_init's initrd: remove, add, reserve (5.10) or add, clear NOMAP, reserve (6.1) */
    readonly initrdClearsNomap: boolean;
    /** early_init_fdt_scan_reserved_mem handles /memreserve/ before the reserved-memory node (5.10) or after it (6.1) */
    readonly memreserveFirst: boolean;
    /** early_pgtable_alloc: memblock_phys_alloc_range(PAGE_SIZE, PAGE_SIZE, 0, MEMBLOCK_ALLOC_NOLEAKTRACE) (6.1) or memblock_phys_alloc (5.10) */
    readonly pgtableAllocNoLeakTrace: boolean;
    /** SECTION_SIZE_BITS with 4K pages: 30 (5.10), 27 (6.1) */
    readonly sectionSizeBits: number;
  };
  readonly arm: {
    /** vmalloc= keeps its size and always subtracts VMALLOC_OFFSET (6.1, since 5.14) */
    readonly vmallocOffsetAlways: boolean;
  };
  /** arm64 reserves a 128 MiB BPF JIT region between _PAGE_END and the modules (5.10; gone in 5.13), which moves VMALLOC_START */
  readonly arm64BpfJitRegion: boolean;
  readonly x86: {
    /** the low memory kept from the buddy: reserve_bios_regions + reserve_real_mode + 64 KiB (5.10), the whole first 1 MiB (6.1) */
    readonly lowMemory: 'bios-regions' | 'first-1mib';
  };
  /** swiotlb_init's bookkeeping: io_tlb_list + io_tlb_orig_addr arrays (5.10), slots + areas (6.1) */
  readonly swiotlbMeta: 'list-and-orig' | 'slots-and-areas';
  /** pcpu_setup_first_chunk's chunk lists: the empty slot × 2 chunk types (5.10), 4 extra slots × 1 (6.1) */
  readonly percpuChunkLists: { readonly extraSlots: number; readonly chunkTypes: number };
  /** /proc/zoneinfo prints `boost` and `cma` lines (both 6.1; neither 5.10) */
  readonly zoneinfoBoostCma: boolean;
  /** What the /proc files print besides (mm/vmstat.c, fs/proc/meminfo.c, include/linux/vm_event_item.h) */
  readonly format: {
    /** the vmstat_text[] item lists (src/sim/format/vmstat-items-*.ts) */
    readonly vmstatItems: '5.10' | '6.1';
    /** FOR_ALL_ZONES events have a _device variant (TEXT_FOR_DEVICE, 5.17+) */
    readonly deviceZoneEvents: boolean;
    /** meminfo prints SecPageTables, and Zswap/Zswapped with CONFIG_ZSWAP (6.0+) */
    readonly meminfoSecPageTablesZswap: boolean;
    /** page tables are a node stat (nr_page_table_pages in the node items; 5.10: a zone stat) */
    readonly pageTablesNodeStat: boolean;
    /** vmstat has cma_alloc_success / cma_alloc_fail (CONFIG_CMA, 5.18+) */
    readonly cmaVmEvents: boolean;
    /** nr_swapcached is a node item (6.1); 5.10 meminfo's SwapCached comes from the swap cache total */
    readonly swapcachedNodeStat: boolean;
    /** vmstat has cow_ksm (5.19+); a 5.10 KSM kernel prints nothing that tells */
    readonly cowKsmEvent: boolean;
    /** x86 vmstat has direct_map_level2/3_splits (5.19+) */
    readonly directMapSplitEvents: boolean;
  };
  /** find_zone_movable_pfns_for_nodes resets zone_movable_pfn to 0 when it reaches the node's end (6.1; 5.10.198) */
  readonly zoneMovableResetAtNodeEnd: boolean;

  // ---- compaction and migration (mm/compaction.c, mm/migrate.c, mm/vmstat.c) ----
  readonly compaction: {
    /**
     * __alloc_pages_direct_compact counts compact_stall and tries the free lists even when every
     * zone was skipped (5.10), or returns at once on COMPACT_SKIPPED (6.1)
     */
    readonly stallWhenSkipped: boolean;
    /** compaction_zonelist_suitable takes a zone whose __compaction_suitable is not SKIPPED (5.10), or only CONTINUE (6.1) */
    readonly zonelistSuitable: 'not-skipped' | 'continue-only';
    /** __compact_finished's proactive stop test: the zone's weighted score (5.10 fragmentation_score_zone) or its plain extfrag score (6.1) */
    readonly proactiveZoneScore: 'weighted' | 'unweighted';
    /**
     * kcompactd after a proactive run that did not lower the node's score: skip the next 64 checks
     * (5.10 proactive_defer), or wait 500 ms << 6 (6.1); 6.1 also waits without a timeout while
     * compaction_proactiveness is 0 and starts a proactive run on a proactiveness write
     * (proactive_compact_trigger)
     */
    readonly proactiveBackoff: 'defer-counter' | 'timeout';
    /** mm_compaction_migratepages: nr_failed from migrate_pages' return value (5.10), or nr_migratepages − nr_succeeded (6.1) */
    readonly migrateTrace: 'return-code' | 'succeeded';
    /** the scanners count an isolated free block or compound page as one pfn scanned (5.10) or as all its pages (6.1) */
    readonly scannedCountsWholeBlock: boolean;
    /** fast_isolate_freepages looks at min(1, limit) entries per order (5.10, a bug) or max(1, limit) (6.1) */
    readonly fastIsolateLimitMax: boolean;
    /** fast_isolate_freepages, finding no block at the scan start, falls back to the highest pfn seen when it is non-zero (5.10.89) or only when it is at least min_pfn (6.1) */
    readonly fastIsolateHighestAboveMin: boolean;
    /** alloc_contig_range's migrate scanner isolates hugetlb pages (6.1 isolate_or_dissolve_huge_page); 5.10 leaves them */
    readonly contigIsolatesHugetlb: boolean;
    /** migrate_pages stopping on −ENOMEM also counts the pages that were retried (−EAGAIN) earlier in that pass as failed (6.1: nr_failed_pages += nr_pages + nr_retry_pages); 5.10 counts the one page */
    readonly enomemCountsRetries: boolean;
    /** debugfs extfrag/extfrag_index prints each index as "%d.%03d " (5.10) or "%2d.%03d " (6.1; changed in 5.16) */
    readonly extfragIndexWidth: number;
  };
}

/** fallbacks[] (mm/page_alloc.c), the same in 5.10 and 6.1: Unmovable ← Reclaimable, Movable; Movable ← Reclaimable, Unmovable; Reclaimable ← Unmovable, Movable. */
const FALLBACKS: readonly (readonly number[])[] = Object.freeze([
  Object.freeze([MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE]),
  Object.freeze([MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE]),
  Object.freeze([MIGRATE_UNMOVABLE, MIGRATE_MOVABLE]),
]);

function deepFreeze<T>(o: T): T {
  for (const v of Object.values(o as object)) if (v && typeof v === 'object' && !Object.isFrozen(v)) deepFreeze(v);
  return Object.freeze(o);
}

const RULES: Readonly<Record<KernelVersion, VersionRules>> = {
  '5.10': deepFreeze<VersionRules>({
    kernel: '5.10',
    freeMerge: 'except-isolate',
    fallbacks: FALLBACKS,
    nofragmentEveryOrder: true,
    allocFlags: 'harder',
    unreserveHighatomicBeforeOom: false,
    zoneReclaimableCountsFree: false,
    // 5.10.135 "fix invalid watermark check on a negative value"
    watermarkFastClamp: true,
    // 5.10.112 "fix build_zonerefs_node()"
    zonelistMembership: 'populated',
    // 5.10.94 "do not warn allocation failure on zone DMA if no managed pages"
    warnAllocDmaSilent: true,
    pinNoCma: 'PF_MEMALLOC_NOCMA',
    gfpZeroTags: false,
    zoneLockedTrace: 'rmqueue',
    boostWakeOnFailure: false,
    pcp: { maxOrder: 0, thpLists: 0, high: 'six-batch', drain: 'batch-free-rotation', emptyRefillFallsThrough: false, reclaimActiveCap: false, drainInChunks: false, isolateFreeCountsPgfree: true, fractionSysctl: 'percpu_pagelist_fraction' },
    vmscan: { lruvecRecutEachRound: false, shrinkerDeferred: 'windup-clamp', freeListIsolateFirst: false, dropSlabLoop: 'more-than-10' },
    promoWatermark: false,
    // 5.10.186 "change watermark_scale_factor max limit to 30%"
    watermarkScaleFactorMax: 3000,
    thpOffRecalculatesMinFree: false,
    cma: {
      alignment: 'max-order', bottomUpAbove4G: false, failedAreaToBuddy: false, activationFree: 'direct', debugfsDir: 'cma-prefixed',
      allocEvents: 'cma_alloc', failMessageName: false, isolateRange: 'max-order', drainPerBlock: true, migrateStopsOnEnomem: false, pfnsBusyMessage: true, undoMergeBelowMaxOrder: false, targetGfpComp: false,
    },
    hugetlb: { reportVmemmap: false, cmaAlignGigantic: true, cmaOrderPerBit: 0, perNodeParams: false, cmaSizeResetOnFailure: false, shrinkOldestFirst: false, contigRangeMustBeFree: true },
    fdt: { memoryAnyDepth: true, flatScanLookup: true, reservedMemoryDescendants: true, usableMemRangeAddsSecond: false },
    memblock: { addNodeFlags: false, physAllocDebugLine: false, freeFn: 'memblock_free', freeLateFn: '__memblock_free_late', doubleArrayFreeFn: 'memblock_double_array', hotplugSkipIgnoresRequest: true, driverManaged: false },
    noMap: { staticBusy: 'reserved', dynamic: 'remove', giveBack: 'free-and-add' },
    arm64: { initrdClearsNomap: false, memreserveFirst: true, pgtableAllocNoLeakTrace: false, sectionSizeBits: 30 },
    arm: { vmallocOffsetAlways: false },
    arm64BpfJitRegion: true,
    x86: { lowMemory: 'bios-regions' },
    swiotlbMeta: 'list-and-orig',
    percpuChunkLists: { extraSlots: 2, chunkTypes: 2 },
    zoneMovableResetAtNodeEnd: false,
    zoneinfoBoostCma: false,
    format: { vmstatItems: '5.10', deviceZoneEvents: false, meminfoSecPageTablesZswap: false, pageTablesNodeStat: false, cmaVmEvents: false, swapcachedNodeStat: false, cowKsmEvent: false, directMapSplitEvents: false },
    compaction: { stallWhenSkipped: true, zonelistSuitable: 'not-skipped', proactiveZoneScore: 'weighted', proactiveBackoff: 'defer-counter', migrateTrace: 'return-code', scannedCountsWholeBlock: false, fastIsolateLimitMax: false, fastIsolateHighestAboveMin: false, contigIsolatesHugetlb: false, enomemCountsRetries: false, extfragIndexWidth: 0 },
  }),
  '6.1': deepFreeze<VersionRules>({
    kernel: '6.1',
    freeMerge: 'mergeable-only',
    fallbacks: FALLBACKS,
    nofragmentEveryOrder: false,
    allocFlags: 'reserves',
    unreserveHighatomicBeforeOom: true,
    zoneReclaimableCountsFree: true,
    watermarkFastClamp: true,
    zonelistMembership: 'populated',
    warnAllocDmaSilent: true,
    pinNoCma: 'PF_MEMALLOC_PIN',
    gfpZeroTags: true,
    zoneLockedTrace: 'rmqueue-smallest',
    boostWakeOnFailure: true,
    pcp: { maxOrder: 3, thpLists: 2, high: 'low-wmark', drain: 'free-factor', emptyRefillFallsThrough: true, reclaimActiveCap: true, drainInChunks: true, isolateFreeCountsPgfree: false, fractionSysctl: 'percpu_pagelist_high_fraction' },
    vmscan: { lruvecRecutEachRound: true, shrinkerDeferred: 'priority-shift', freeListIsolateFirst: true, dropSlabLoop: 'shift' },
    promoWatermark: true,
    watermarkScaleFactorMax: 3000,
    thpOffRecalculatesMinFree: true,
    cma: {
      alignment: 'pageblock', bottomUpAbove4G: true, failedAreaToBuddy: true, activationFree: 'pcp', debugfsDir: 'name',
      allocEvents: 'start-finish', failMessageName: true, isolateRange: 'pageblock-split', drainPerBlock: false, migrateStopsOnEnomem: true, pfnsBusyMessage: false, undoMergeBelowMaxOrder: true,
      // 6.1.y folio conversion of alloc_migration_target (the oracle's failed targets print __GFP_COMP)
      targetGfpComp: true,
    },
    // 6.1.170+ "mm/hugetlb: pass correct order_per_bit to cma_declare_contiguous_nid"
    hugetlb: { reportVmemmap: true, cmaAlignGigantic: false, cmaOrderPerBit: 9, perNodeParams: true, cmaSizeResetOnFailure: true, shrinkOldestFirst: true, contigRangeMustBeFree: false },
    fdt: { memoryAnyDepth: false, flatScanLookup: false, reservedMemoryDescendants: false, usableMemRangeAddsSecond: true },
    memblock: { addNodeFlags: true, physAllocDebugLine: true, freeFn: 'memblock_phys_free', freeLateFn: 'memblock_free_late', doubleArrayFreeFn: 'memblock_free', hotplugSkipIgnoresRequest: false, driverManaged: true },
    noMap: { staticBusy: 'memory-and-reserved', dynamic: 'reserve-nomap', giveBack: 'clear-nomap-or-free' },
    arm64: { initrdClearsNomap: true, memreserveFirst: false, pgtableAllocNoLeakTrace: true, sectionSizeBits: 27 },
    arm: { vmallocOffsetAlways: true },
    arm64BpfJitRegion: false,
    x86: { lowMemory: 'first-1mib' },
    swiotlbMeta: 'slots-and-areas',
    percpuChunkLists: { extraSlots: 4, chunkTypes: 1 },
    zoneMovableResetAtNodeEnd: true,
    zoneinfoBoostCma: true,
    format: { vmstatItems: '6.1', deviceZoneEvents: true, meminfoSecPageTablesZswap: true, pageTablesNodeStat: true, cmaVmEvents: true, swapcachedNodeStat: true, cowKsmEvent: true, directMapSplitEvents: true },
    compaction: { stallWhenSkipped: false, zonelistSuitable: 'continue-only', proactiveZoneScore: 'unweighted', proactiveBackoff: 'timeout', migrateTrace: 'succeeded', scannedCountsWholeBlock: true, fastIsolateLimitMax: true, fastIsolateHighestAboveMin: true, contigIsolatesHugetlb: true, enomemCountsRetries: true, extfragIndexWidth: 2 },
  }),
};

export const KERNEL_VERSIONS: readonly KernelVersion[] = Object.freeze(['5.10', '6.1'] as KernelVersion[]);

export function isKernelVersion(v: unknown): v is KernelVersion {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(RULES, v);
}

/** The rules of a kernel version; BAD_KERNEL for a version no profile models. */
export function versionRules(kernel: string): VersionRules {
  if (!isKernelVersion(kernel)) throw new MmError('BAD_KERNEL', `unknown kernel profile '${String(kernel)}'; expected ${KERNEL_VERSIONS.join(' or ')}`);
  return RULES[kernel];
}

export interface KernelBehaviour extends VersionRules {
  /** MAX_ORDER (exclusive in 5.10 and 6.1): orders 0..maxOrder−1 */
  readonly maxOrder: number;
  readonly pageblockOrder: number;
  /** the orders pcp_allowed_order takes: 0..pcp.maxOrder, plus pageblock_order when the THP list exists and THP is built */
  readonly pcpOrders: readonly number[];
  /** MIGRATE_CMA exists (CONFIG_CMA) */
  readonly cmaConfigured: boolean;
}

/** The behaviour of a profile: its version's rules plus what its configuration decides. */
export function kernelBehaviour(kernel: KernelVersion, config: KernelConfig): KernelBehaviour {
  const r = versionRules(kernel);
  const pcpOrders: number[] = [];
  for (let o = 0; o <= r.pcp.maxOrder && o < config.maxOrder; o++) pcpOrders.push(o);
  if (r.pcp.thpLists > 0 && config.thp !== 'off' && !pcpOrders.includes(config.pageblockOrder)) pcpOrders.push(config.pageblockOrder);
  return Object.freeze({ ...r, maxOrder: config.maxOrder, pageblockOrder: config.pageblockOrder, pcpOrders: Object.freeze(pcpOrders), cmaConfigured: config.cma });
}
