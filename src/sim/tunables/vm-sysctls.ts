/**
 * Every file of /proc/sys/vm on the Debian 5.10 and 6.1 kernels (vm_table in kernel/sysctl.c,
 * plus the tables mm/ registers: page_alloc, compaction, hugetlb, oom_kill, page-writeback,
 * swap, vmstat, mmap, util). mmbook models a few of them (tunableSysctlNames); the others are
 * real, and a write to one is refused as unmodelled rather than unknown.
 */
import { KERNEL_VERSIONS } from '../kernel-behaviour';
import type { KernelVersion } from '../types';

const COMMON = [
  'admin_reserve_kbytes', 'compact_memory', 'compact_unevictable_allowed', 'compaction_proactiveness',
  'dirty_background_bytes', 'dirty_background_ratio', 'dirty_bytes', 'dirty_expire_centisecs', 'dirty_ratio',
  'dirty_writeback_centisecs', 'dirtytime_expire_seconds', 'drop_caches', 'extfrag_threshold',
  'hugetlb_shm_group', 'laptop_mode', 'legacy_va_layout', 'lowmem_reserve_ratio', 'max_map_count',
  'memory_failure_early_kill', 'memory_failure_recovery', 'min_free_kbytes', 'min_slab_ratio',
  'min_unmapped_ratio', 'mmap_min_addr', 'mmap_rnd_bits', 'mmap_rnd_compat_bits', 'nr_hugepages',
  'nr_hugepages_mempolicy', 'nr_overcommit_hugepages', 'numa_stat', 'numa_zonelist_order', 'oom_dump_tasks',
  'oom_kill_allocating_task', 'overcommit_kbytes', 'overcommit_memory', 'overcommit_ratio', 'page-cluster',
  'page_lock_unfairness', 'panic_on_oom', 'stat_interval', 'stat_refresh', 'swappiness',
  'unprivileged_userfaultfd', 'user_reserve_kbytes', 'vfs_cache_pressure', 'watermark_boost_factor',
  'watermark_scale_factor', 'zone_reclaim_mode',
];

/** 5.10 still has block_dump (removed in 5.12) and percpu_pagelist_fraction (replaced in 5.14); 6.1 has hugetlb_optimize_vmemmap (5.19). */
const BY_VERSION: Record<KernelVersion, string[]> = {
  '5.10': ['block_dump', 'percpu_pagelist_fraction'],
  '6.1': ['hugetlb_optimize_vmemmap', 'percpu_pagelist_high_fraction'],
};

/** The vm sysctl names (without "vm.") that `kernel` has. */
export function vmSysctlNames(kernel: KernelVersion): string[] {
  return [...COMMON, ...BY_VERSION[kernel]].sort();
}

/** The other profile's kernel version when only it has vm.`name`, else null. */
export function otherVersionOf(name: string, kernel: KernelVersion): KernelVersion | null {
  return KERNEL_VERSIONS.find((v) => v !== kernel && BY_VERSION[v].includes(name)) ?? null;
}
