/**
 * Compaction's constants (include/linux/compaction.h, include/linux/migrate_mode.h,
 * include/linux/migrate.h, mm/compaction.c), the same in 5.10 and 6.1. This module imports
 * nothing, so every other module may import it without a cycle.
 */

/** enum compact_result, in numeric order (try_to_compact_pages takes the max over zones) */
export const COMPACT_NOT_SUITABLE_ZONE = 0;
export const COMPACT_SKIPPED = 1;
export const COMPACT_DEFERRED = 2;
export const COMPACT_NO_SUITABLE_PAGE = 3;
export const COMPACT_CONTINUE = 4;
export const COMPACT_COMPLETE = 5;
export const COMPACT_PARTIAL_SKIPPED = 6;
export const COMPACT_CONTENDED = 7;
export const COMPACT_SUCCESS = 8;

/** compaction_status_string (include/trace/events/compaction.h ZC_*), by compact_result */
export const COMPACT_RESULT_NAMES = ['not_suitable_zone', 'skipped', 'deferred', 'no_suitable_page', 'continue', 'complete', 'partial_skipped', 'contended', 'success'] as const;
export type CompactResultName = (typeof COMPACT_RESULT_NAMES)[number];

/** enum compact_priority */
export const COMPACT_PRIO_SYNC_FULL = 0;
export const COMPACT_PRIO_SYNC_LIGHT = 1;
export const COMPACT_PRIO_ASYNC = 2;
export const MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL;

/** enum migrate_mode */
export const MIGRATE_ASYNC = 0;
export const MIGRATE_SYNC_LIGHT = 1;
export const MIGRATE_SYNC = 2;
export const MIGRATE_MODE_NAMES = ['MIGRATE_ASYNC', 'MIGRATE_SYNC_LIGHT', 'MIGRATE_SYNC', 'MIGRATE_SYNC_NO_COPY'] as const;

/** enum migrate_reason (the first seven are the same in 5.10 and 6.1) */
export const MR_COMPACTION = 0;
export const MR_MEMORY_FAILURE = 1;
export const MR_MEMORY_HOTPLUG = 2;
export const MR_SYSCALL = 3;
export const MR_MEMPOLICY_MBIND = 4;
export const MR_NUMA_MISPLACED = 5;
export const MR_CONTIG_RANGE = 6;
export const MR_LONGTERM_PIN = 7;
export const MIGRATE_REASON_NAMES = ['compaction', 'memory_failure', 'memory_hotplug', 'syscall_or_cpuset', 'mempolicy_mbind', 'numa_misplaced', 'contig_range', 'longterm_pin', 'demotion'] as const;

/** COMPACT_CLUSTER_MAX = SWAP_CLUSTER_MAX */
export const COMPACT_CLUSTER_MAX = 32;
/** COMPACT_MAX_DEFER_SHIFT: compaction is skipped at most 1 << 6 = 64 times */
export const COMPACT_MAX_DEFER_SHIFT = 6;
/** sysctl_extfrag_threshold default */
export const EXTFRAG_THRESHOLD_DEFAULT = 500;
/** sysctl_compaction_proactiveness default */
export const COMPACTION_PROACTIVENESS_DEFAULT = 20;
/**
 * COMPACTION_HPAGE_ORDER: HPAGE_PMD_ORDER with THP, HUGETLB_PAGE_ORDER with hugetlbfs, else
 * PMD_SHIFT − PAGE_SHIFT. With 4 KiB pages that is 21 − 12 = 9 on every profile the model has
 * (x86_64, arm64 4K, arm with or without LPAE: PMD_SHIFT is 21 on all of them).
 */
export const COMPACTION_HPAGE_ORDER = 9;
/** HPAGE_FRAG_CHECK_INTERVAL_MSEC: kcompactd's proactive check interval */
export const HPAGE_FRAG_CHECK_INTERVAL_MSEC = 500;
/** migrate_pages' pass limit */
export const MIGRATE_PASSES = 10;
/** errno values migrate_pages returns */
export const ENOMEM = 12;
export const EAGAIN = 11;

/** compact_gap(order): the free pages compaction wants beyond the watermark (2 << order). */
export function compactGap(order: number): number {
  return 2 << order;
}
