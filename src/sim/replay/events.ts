/**
 * The trace events the replay knows, by code (the tracefs names, without the system prefix).
 * Names not in the table are counted as unknown and skipped.
 */

/** The events the replayer knows, by code. Names not in the table are counted as unknown. */
export const EV = {
  UNKNOWN: 0,
  ALLOC: 1,
  FREE: 2,
  FREE_BATCHED: 3,
  ZONE_LOCKED: 4,
  PCPU_DRAIN: 5,
  EXTFRAG: 6,
  MARK: 7,
  COMPACTION_BEGIN: 8,
  COMPACTION_END: 9,
  COMPACTION_SUITABLE: 10,
  TRY_TO_COMPACT: 11,
  KCOMPACTD_WAKE: 12,
  KCOMPACTD_SLEEP: 13,
  WAKEUP_KSWAPD: 14,
  KSWAPD_WAKE: 15,
  KSWAPD_SLEEP: 16,
  DIRECT_RECLAIM_END: 17,
  LRU_SHRINK_INACTIVE: 18,
  CMA_ALLOC_START: 19,
  CMA_ALLOC_FINISH: 20,
  CMA_RELEASE: 21,
  /** known events the replay reads nothing from (compaction scanners, migrate, oom, …) */
  IGNORED: 22,
} as const;

/** Event names (the tracefs names, without the system prefix) → code. */
export const EVENT_CODES: ReadonlyMap<string, number> = new Map<string, number>([
  ['mm_page_alloc', EV.ALLOC],
  ['mm_page_free', EV.FREE],
  ['mm_page_free_batched', EV.FREE_BATCHED],
  ['mm_page_alloc_zone_locked', EV.ZONE_LOCKED],
  ['mm_page_pcpu_drain', EV.PCPU_DRAIN],
  ['mm_page_alloc_extfrag', EV.EXTFRAG],
  ['tracing_mark_write', EV.MARK],
  ['mm_compaction_begin', EV.COMPACTION_BEGIN],
  ['mm_compaction_end', EV.COMPACTION_END],
  ['mm_compaction_suitable', EV.COMPACTION_SUITABLE],
  ['mm_compaction_try_to_compact_pages', EV.TRY_TO_COMPACT],
  ['mm_compaction_kcompactd_wake', EV.KCOMPACTD_WAKE],
  ['mm_compaction_kcompactd_sleep', EV.KCOMPACTD_SLEEP],
  ['mm_vmscan_wakeup_kswapd', EV.WAKEUP_KSWAPD],
  ['mm_vmscan_kswapd_wake', EV.KSWAPD_WAKE],
  ['mm_vmscan_kswapd_sleep', EV.KSWAPD_SLEEP],
  ['mm_vmscan_direct_reclaim_end', EV.DIRECT_RECLAIM_END],
  ['mm_vmscan_lru_shrink_inactive', EV.LRU_SHRINK_INACTIVE],
  ['cma_alloc_start', EV.CMA_ALLOC_START],
  ['cma_alloc_finish', EV.CMA_ALLOC_FINISH],
  ['cma_release', EV.CMA_RELEASE],
  ...[
    'mm_compaction_finished', 'mm_compaction_isolate_migratepages', 'mm_compaction_isolate_freepages', 'mm_compaction_migratepages',
    'mm_compaction_defer_reset', 'mm_compaction_defer_compaction', 'mm_compaction_deferred', 'mm_compaction_wakeup_kcompactd',
    'mm_migrate_pages', 'mm_migrate_pages_start', 'mm_vmscan_direct_reclaim_begin', 'mm_vmscan_node_reclaim_begin', 'mm_vmscan_node_reclaim_end',
    'mm_vmscan_lru_isolate', 'mm_vmscan_write_folio', 'mm_vmscan_writepage', 'mm_vmscan_lru_shrink_active', 'mm_shrink_slab_start', 'mm_shrink_slab_end',
    'mm_vmscan_memcg_reclaim_begin', 'mm_vmscan_memcg_reclaim_end', 'mm_vmscan_memcg_softlimit_reclaim_begin', 'mm_vmscan_memcg_softlimit_reclaim_end',
    'reclaim_retry_zone', 'compact_retry', 'mark_victim', 'wake_reaper', 'start_task_reaping', 'finish_task_reaping', 'skip_task_reaping',
    'oom_score_adj_update', 'cma_alloc_busy_retry', 'cma_alloc', 'cma_alloc_info', 'mm_page_alloc_highatomic',
  ].map((n): [string, number] => [n, EV.IGNORED]),
]);
