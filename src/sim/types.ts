/**
 * Shared vocabulary of the simulator. Physical addresses and pfns are JS numbers
 * (integers below 2^53); the FDT parser rejects anything it cannot represent exactly.
 */
import type { KernelBehaviour } from './kernel-behaviour';

export type Arch = 'arm64' | 'arm' | 'x86_64';
export type KernelVersion = '5.10' | '6.1';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;

/** enum zone_type names, in index order; which exist depends on the config (see zoneNames()). */
export type ZoneName = 'DMA' | 'DMA32' | 'Normal' | 'HighMem' | 'Movable' | 'Device';

/** enum migratetype (include/linux/mmzone.h), with CONFIG_CMA and CONFIG_MEMORY_ISOLATION. */
export const MIGRATE_UNMOVABLE = 0;
export const MIGRATE_MOVABLE = 1;
export const MIGRATE_RECLAIMABLE = 2;
/** PAGE_ALLOC_COSTLY_ORDER (include/linux/mmzone.h) */
export const PAGE_ALLOC_COSTLY_ORDER = 3;
export const MIGRATE_PCPTYPES = 3;
export const MIGRATE_HIGHATOMIC = 3;
export const MIGRATE_CMA = 4;
export const MIGRATE_ISOLATE = 5;
export const MIGRATE_TYPES = 6;
export const MIGRATETYPE_NAMES = ['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', 'CMA', 'Isolate'] as const;

/** memblock region flags (include/linux/memblock.h). */
export const MEMBLOCK_NONE = 0;
export const MEMBLOCK_HOTPLUG = 0x1;
export const MEMBLOCK_MIRROR = 0x2;
export const MEMBLOCK_NOMAP = 0x4;
export const MEMBLOCK_DRIVER_MANAGED = 0x8;
/** nid of a region added without a node (MAX_NUMNODES); set from the profile's NODES_SHIFT. */
export const NUMA_NO_NODE = -1;

/** The kernel-config values that matter to the memory manager (from a Debian .config). */
export interface KernelConfig {
  /** CONFIG_CMA */
  cma: boolean;
  /** CONFIG_CMA_SIZE_MBYTES (default CMA area when no cma= is given) */
  cmaSizeMbytes: number;
  /** CONFIG_CMA_SIZE_SEL_{MBYTES,PERCENTAGE,MIN,MAX} */
  cmaSizeSel: 'mbytes' | 'percentage' | 'min' | 'max';
  /** CONFIG_CMA_SIZE_PERCENTAGE */
  cmaSizePercentage: number;
  /** CONFIG_CMA_AREAS */
  cmaAreas: number;
  /** THP default: CONFIG_TRANSPARENT_HUGEPAGE_{ALWAYS,MADVISE}, or 'off' when THP is not built */
  thp: 'always' | 'madvise' | 'never' | 'off';
  zoneDma: boolean;
  zoneDma32: boolean;
  zoneDevice: boolean;
  highmem: boolean;
  /** CONFIG_HUGETLB_PAGE (decides pageblock_order) */
  hugetlbPage: boolean;
  /** MAX_ORDER, exclusive in 5.10 and 6.1 (orders 0..maxOrder-1): 11 on arm64 (4K pages) and x86_64, 12 on the Debian armmp-lpae build (CONFIG_ARCH_FORCE_MAX_ORDER=12) */
  maxOrder: number;
  pageblockOrder: number;
  /** sizeof(struct page) */
  structPageSize: number;
  numa: boolean;
  /** CONFIG_NODES_SHIFT; MAX_NUMNODES = 1 << nodesShift */
  nodesShift: number;
  /** CONFIG_SPARSEMEM_VMEMMAP (else FLATMEM for arm32) */
  sparsememVmemmap: boolean;
  /** CONFIG_ARM_LPAE (arm only): phys_addr_t is 64-bit */
  armLpae: boolean;
  /** CONFIG_PHYS_OFFSET / PAGE_OFFSET split for arm32 (0xC0000000 for 3G/1G) */
  pageOffset: number;
  /** CONFIG_ZSMALLOC: zoneinfo prints nr_zspages */
  zsmalloc: boolean;
  /** CONFIG_MEMORY_FAILURE */
  memoryFailure: boolean;
  /** CONFIG_SWAP */
  swap: boolean;
  /** CONFIG_CMDLINE and its mode */
  cmdline: string;
  cmdlineMode: 'default' | 'extend' | 'force';
  /** CONFIG_DEFERRED_STRUCT_PAGE_INIT */
  deferredStructPageInit: boolean;
  /** CONFIG_NR_CPUS */
  nrCpus: number;
  /** CONFIG_PCP_BATCH_SCALE_MAX (6.1.y+, 5 in Debian's 6.1 builds): caps pcp free_factor and drain chunks */
  pcpBatchScaleMax: number;
}

export interface Profile {
  arch: Arch;
  kernel: KernelVersion;
  config: KernelConfig;
  /** the kernel's rules for this profile (kernel-behaviour.ts) */
  behaviour: KernelBehaviour;
}
