/**
 * vmstat_text[] of Linux 6.1 (mm/vmstat.c), as item lists (format: see vmstat-items-5.10.ts).
 * Checked against the Debian 6.1.176 arm64, armmp-lpae and amd64 dumps.
 */
import type { ItemEntry } from './item-lists';

/** enum zone_stat_item: page tables moved to the node items */
export const ZONE_ITEMS_6_1: ItemEntry[] = [
  'nr_free_pages', 'nr_zone_inactive_anon', 'nr_zone_active_anon', 'nr_zone_inactive_file',
  'nr_zone_active_file', 'nr_zone_unevictable', 'nr_zone_write_pending', 'nr_mlock',
  'nr_bounce', ['nr_zspages', 'zsmalloc'], 'nr_free_cma',
];

/** enum numa_stat_item (NR_VM_NUMA_EVENT_ITEMS) */
export const NUMA_ITEMS_6_1: ItemEntry[] = [
  'numa_hit', 'numa_miss', 'numa_foreign', 'numa_interleave', 'numa_local', 'numa_other',
];

/** enum node_stat_item */
export const NODE_ITEMS_6_1: ItemEntry[] = [
  'nr_inactive_anon', 'nr_active_anon', 'nr_inactive_file', 'nr_active_file', 'nr_unevictable',
  'nr_slab_reclaimable', 'nr_slab_unreclaimable', 'nr_isolated_anon', 'nr_isolated_file',
  'workingset_nodes', 'workingset_refault_anon', 'workingset_refault_file',
  'workingset_activate_anon', 'workingset_activate_file', 'workingset_restore_anon',
  'workingset_restore_file', 'workingset_nodereclaim', 'nr_anon_pages', 'nr_mapped',
  'nr_file_pages', 'nr_dirty', 'nr_writeback', 'nr_writeback_temp', 'nr_shmem',
  'nr_shmem_hugepages', 'nr_shmem_pmdmapped', 'nr_file_hugepages', 'nr_file_pmdmapped',
  'nr_anon_transparent_hugepages', 'nr_vmscan_write', 'nr_vmscan_immediate_reclaim',
  'nr_dirtied', 'nr_written', 'nr_throttled_written', 'nr_kernel_misc_reclaimable',
  'nr_foll_pin_acquired', 'nr_foll_pin_released', 'nr_kernel_stack',
  ['nr_shadow_call_stack', 'shadowCallStack'], 'nr_page_table_pages', 'nr_sec_page_table_pages',
  ['nr_swapcached', 'swap'], ['pgpromote_success', 'numaBalancing'],
  ['pgpromote_candidate', 'numaBalancing'],
];

/** enum vm_event_item */
export const EVENT_ITEMS_6_1: ItemEntry[] = [
  'pgpgin', 'pgpgout', 'pswpin', 'pswpout', '@pgalloc', '@allocstall', '@pgskip',
  'pgfree', 'pgactivate', 'pgdeactivate', 'pglazyfree', 'pgfault', 'pgmajfault', 'pglazyfreed',
  'pgrefill', 'pgreuse', 'pgsteal_kswapd', 'pgsteal_direct', 'pgdemote_kswapd', 'pgdemote_direct',
  'pgscan_kswapd', 'pgscan_direct', 'pgscan_direct_throttle', 'pgscan_anon', 'pgscan_file',
  'pgsteal_anon', 'pgsteal_file',
  ['zone_reclaim_failed', 'numa'], 'pginodesteal', 'slabs_scanned', 'kswapd_inodesteal',
  'kswapd_low_wmark_hit_quickly', 'kswapd_high_wmark_hit_quickly', 'pageoutrun', 'pgrotated',
  'drop_pagecache', 'drop_slab', 'oom_kill',
  ['numa_pte_updates', 'numaBalancing'], ['numa_huge_pte_updates', 'numaBalancing'],
  ['numa_hint_faults', 'numaBalancing'], ['numa_hint_faults_local', 'numaBalancing'],
  ['numa_pages_migrated', 'numaBalancing'],
  ['pgmigrate_success', 'migration'], ['pgmigrate_fail', 'migration'],
  ['thp_migration_success', 'migration'], ['thp_migration_fail', 'migration'],
  ['thp_migration_split', 'migration'],
  ['compact_migrate_scanned', 'compaction'], ['compact_free_scanned', 'compaction'],
  ['compact_isolated', 'compaction'], ['compact_stall', 'compaction'], ['compact_fail', 'compaction'],
  ['compact_success', 'compaction'], ['compact_daemon_wake', 'compaction'],
  ['compact_daemon_migrate_scanned', 'compaction'], ['compact_daemon_free_scanned', 'compaction'],
  ['htlb_buddy_alloc_success', 'hugetlb'], ['htlb_buddy_alloc_fail', 'hugetlb'],
  ['cma_alloc_success', 'cma'], ['cma_alloc_fail', 'cma'],
  'unevictable_pgs_culled', 'unevictable_pgs_scanned', 'unevictable_pgs_rescued',
  'unevictable_pgs_mlocked', 'unevictable_pgs_munlocked', 'unevictable_pgs_cleared',
  'unevictable_pgs_stranded',
  ['thp_fault_alloc', 'thp'], ['thp_fault_fallback', 'thp'], ['thp_fault_fallback_charge', 'thp'],
  ['thp_collapse_alloc', 'thp'], ['thp_collapse_alloc_failed', 'thp'], ['thp_file_alloc', 'thp'],
  ['thp_file_fallback', 'thp'], ['thp_file_fallback_charge', 'thp'], ['thp_file_mapped', 'thp'],
  ['thp_split_page', 'thp'], ['thp_split_page_failed', 'thp'], ['thp_deferred_split_page', 'thp'],
  ['thp_split_pmd', 'thp'], ['thp_scan_exceed_none_pte', 'thp'],
  ['thp_scan_exceed_swap_pte', 'thp'], ['thp_scan_exceed_share_pte', 'thp'],
  ['thp_split_pud', 'thpPud'], ['thp_zero_page_alloc', 'thp'],
  ['thp_zero_page_alloc_failed', 'thp'], ['thp_swpout', 'thp'], ['thp_swpout_fallback', 'thp'],
  ['balloon_inflate', 'balloon'], ['balloon_deflate', 'balloon'],
  ['balloon_migrate', 'balloonCompaction'],
  ['nr_tlb_remote_flush', 'debugTlbflush'], ['nr_tlb_remote_flush_received', 'debugTlbflush'],
  ['nr_tlb_local_flush_all', 'debugTlbflush'], ['nr_tlb_local_flush_one', 'debugTlbflush'],
  ['swap_ra', 'swap'], ['swap_ra_hit', 'swap'], ['ksm_swpin_copy', 'swapKsm'],
  ['cow_ksm', 'ksm'], ['zswpin', 'zswap'], ['zswpout', 'zswap'],
  ['direct_map_level2_splits', 'x86DirectMap'], ['direct_map_level3_splits', 'x86DirectMap'],
];
