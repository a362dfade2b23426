/**
 * Tracepoints of the run-time model, under the kernel's event names (include/trace/events/kmem.h,
 * vmscan.h, compaction.h, cma.h, oom.h). The allocator calls `rs.trace?.emit(...)` with numbers
 * only, so with no subscriber an event costs one null check and allocates nothing.
 *
 * Arguments per event (unused ones are 0):
 *   mm_page_alloc               pfn (−1: failed), order, gfp, migratetype
 *   mm_page_free                pfn, order
 *   mm_page_free_batched        pfn
 *   mm_page_alloc_zone_locked   pfn, order, migratetype, percpu_refill (0/1)
 *   mm_page_pcpu_drain          pfn, order, migratetype
 *   mm_page_alloc_extfrag       pfn, alloc_order, fallback_order, alloc_migratetype, fallback_migratetype
 *                               (fragmenting = fallback_order < pageblock_order; change_ownership follows the block's new type)
 *   mm_vmscan_wakeup_kswapd     nid, zid (the request's highest_zoneidx), order, gfp
 *   mm_vmscan_kswapd_wake       nid, zid (highest_zoneidx), order
 *   mm_vmscan_kswapd_sleep      nid
 *   mm_vmscan_direct_reclaim_begin  order, gfp
 *   mm_vmscan_direct_reclaim_end    nr_reclaimed
 *   mm_vmscan_lru_shrink_inactive   nid, nr_scanned, nr_reclaimed, priority, reclaim_flags
 *                               (RECLAIM_WB_ANON 0x1 or RECLAIM_WB_FILE 0x2, | RECLAIM_WB_ASYNC 0x8; the
 *                               kernel's other fields, nr_dirty … nr_unmap_fail, are not carried)
 *   mm_compaction_begin         zone start pfn, migrate pfn, free pfn, zone end pfn, sync (0/1)
 *   mm_compaction_end           same, then status (compact_result) as the sixth argument
 *   mm_compaction_migratepages  nr_migrated, nr_failed
 *   mm_compaction_isolate_migratepages / _isolate_freepages  start pfn, end pfn, nr_scanned, nr_taken
 *   mm_compaction_try_to_compact_pages  order, gfp, priority
 *   mm_compaction_finished / mm_compaction_suitable  nid, zid, order, ret (compact_result)
 *   mm_compaction_deferred / _defer_compaction / _defer_reset  nid, zid, order, order_failed, considered, limit (sixth)
 *   mm_compaction_kcompactd_sleep nid
 *   mm_compaction_wakeup_kcompactd nid, order, zid (classzone_idx)
 *   mm_compaction_kcompactd_wake nid, order, zid
 *   mm_migrate_pages            succeeded, failed, thp_succeeded, thp_failed, thp_split, mode (sixth), reason (seventh)
 *   compact_retry               order, priority, result, retries, max_retries, should_retry (sixth)
 *   cma_alloc_start             area index, count, align (6.1)
 *   cma_alloc_busy_retry        area index, pfn, count, align (6.1)
 *   cma_alloc_finish            area index, pfn (the last range tried, −1: none), count, align, errno (0: success) (6.1)
 *   cma_alloc                   pfn (as cma_alloc_finish), count, align, errno, area index (5.10's one event)
 *   cma_release                 area index, pfn, count
 *   test_pages_isolated         start pfn, end pfn, fin pfn (end: success)
 *   mark_victim                 task id
 */
export type TraceEventName =
  | 'mm_page_alloc'
  | 'mm_page_free'
  | 'mm_page_free_batched'
  | 'mm_page_alloc_zone_locked'
  | 'mm_page_pcpu_drain'
  | 'mm_page_alloc_extfrag'
  | 'mm_vmscan_wakeup_kswapd'
  | 'mm_vmscan_kswapd_wake'
  | 'mm_vmscan_kswapd_sleep'
  | 'mm_vmscan_direct_reclaim_begin'
  | 'mm_vmscan_direct_reclaim_end'
  | 'mm_vmscan_lru_shrink_inactive'
  | 'mm_compaction_begin'
  | 'mm_compaction_end'
  | 'mm_compaction_migratepages'
  | 'mm_compaction_kcompactd_wake'
  | 'mm_compaction_isolate_migratepages'
  | 'mm_compaction_isolate_freepages'
  | 'mm_compaction_try_to_compact_pages'
  | 'mm_compaction_finished'
  | 'mm_compaction_suitable'
  | 'mm_compaction_deferred'
  | 'mm_compaction_defer_compaction'
  | 'mm_compaction_defer_reset'
  | 'mm_compaction_kcompactd_sleep'
  | 'mm_compaction_wakeup_kcompactd'
  | 'mm_migrate_pages'
  | 'compact_retry'
  | 'cma_alloc_start'
  | 'cma_alloc_busy_retry'
  | 'cma_alloc_finish'
  | 'cma_alloc'
  | 'cma_release'
  | 'test_pages_isolated'
  | 'mark_victim';

export interface TraceSink {
  /** f and g: the few events with more than five fields (see above) pass them; others leave them out */
  emit(event: TraceEventName, a: number, b: number, c: number, d: number, e: number, f?: number, g?: number): void;
}

/** A sink that keeps every event as a plain record (for notebooks and tests; it allocates per event). */
export interface TraceRecord {
  event: TraceEventName;
  /** five numbers, or six or seven for the events that have more fields */
  args: [number, number, number, number, number] | [number, number, number, number, number, number] | [number, number, number, number, number, number, number];
}

export class TraceRecorder implements TraceSink {
  readonly events: TraceRecord[] = [];
  constructor(private readonly only?: ReadonlySet<TraceEventName>) {}
  emit(event: TraceEventName, a: number, b: number, c: number, d: number, e: number, f?: number, g?: number): void {
    if (this.only && !this.only.has(event)) return;
    const args: TraceRecord['args'] = g !== undefined ? [a, b, c, d, e, f ?? 0, g] : f !== undefined ? [a, b, c, d, e, f] : [a, b, c, d, e];
    this.events.push({ event, args });
  }
}

/** A sink that only counts events per name. */
export class TraceCounter implements TraceSink {
  readonly counts = new Map<TraceEventName, number>();
  emit(event: TraceEventName): void {
    this.counts.set(event, (this.counts.get(event) ?? 0) + 1);
  }
}
