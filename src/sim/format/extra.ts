/**
 * Optional additions to MachineView that the renderers need to print some kernels'
 * text exactly but that src/sim/view.ts does not (yet) carry. Everything here is
 * optional: a plain MachineView renders with the Debian-config defaults of its arch
 * and version (see defaultFeatures). Reported to the lead as view.ts candidates.
 */
import type { MachineView, PcpView, ZoneView } from '../view';

/** Kernel-config switches that change which lines /proc prints. */
export interface FormatFeatures {
  /** CONFIG_NUMA_BALANCING: pgpromote_* node items (6.1) and numa_* vm events */
  numaBalancing: boolean;
  /** CONFIG_SWAP: nr_swapcached node item (6.1), swap_ra events */
  swap: boolean;
  /** CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD: thp_split_pud event */
  thpPud: boolean;
  /** CONFIG_HUGETLB_PAGE: htlb_* events and the HugePages_* meminfo lines */
  hugetlb: boolean;
  /** CONFIG_COMPACTION: compact_* events */
  compaction: boolean;
  /** CONFIG_MIGRATION: pgmigrate_* and thp_migration_* events */
  migration: boolean;
  /** CONFIG_MEMORY_BALLOON / CONFIG_BALLOON_COMPACTION */
  balloon: boolean;
  balloonCompaction: boolean;
  /** CONFIG_KSM: cow_ksm, ksm_swpin_copy (6.1) */
  ksm: boolean;
  /** CONFIG_ZSWAP: Zswap/Zswapped meminfo lines and zswpin/zswpout events (6.1) */
  zswap: boolean;
  /** CONFIG_SHADOW_CALL_STACK: nr_shadow_call_stack node item, ShadowCallStack meminfo line */
  shadowCallStack: boolean;
  /** CONFIG_MEMORY_FAILURE: HardwareCorrupted meminfo line */
  memoryFailure: boolean;
  /** CONFIG_DEBUG_TLBFLUSH: nr_tlb_* events */
  debugTlbflush: boolean;
  /** CONFIG_DEBUG_VM_VMACACHE (5.10): vmacache_* events */
  debugVmacache: boolean;
  /** x86: DirectMap meminfo lines and (6.1) direct_map_level*_splits events */
  x86DirectMap: boolean;
  /** x86 direct_gbpages: DirectMap1G meminfo line */
  directGbpages: boolean;
  /** CONFIG_SMP: zoneinfo prints "vm stats threshold" */
  smp: boolean;
  /** HPAGE_PMD_NR: THP node items are printed in huge pages; meminfo multiplies back */
  hpagePmdNr: number;
}

/**
 * The zoneinfo lines of a zone that an imported dump did not have (an older layout, a partial
 * paste): the renderer leaves them out rather than print a value nobody read.
 */
export type ZoneinfoLineKey =
  | 'nodeStats' | 'free' | 'boost' | 'watermarks' | 'sizes' | 'managed' | 'cma' | 'protection'
  | 'stats' | 'pagesets' | 'nodeUnreclaimable' | 'startPfn';

/** Extra per-zone fields (all optional). */
export interface ZoneViewExtra extends ZoneView {
  /** the zone stat nr_free_pages when it differs from `free` (two reads raced) */
  freeStat?: number;
  /** lines the imported text did not have (not printed) */
  missing?: ZoneinfoLineKey[];
  /**
   * zone->nr_reserved_highatomic (pages), which /proc prints nowhere (show_mem does): a running
   * machine's view has it; absent for a boot (0) or an imported text (not known)
   */
  reservedHighatomic?: number;
}

export interface PcpViewExtra extends PcpView {
  /** per-CPU "vm stats threshold" when it differs from the zone's statThreshold */
  statThreshold?: number;
  /** the imported text had no such line for this CPU (a cut paste): not printed */
  missing?: Array<'count' | 'high' | 'batch' | 'statThreshold'>;
}

/** Explicit name lists, used instead of the per-version lists when a pasted text had others. */
export interface StatNameOverrides {
  zone?: string[];
  numa?: string[];
  node?: string[];
  /** the whole /proc/vmstat name list (without the trailing nr_unstable) */
  vmstat?: string[];
  /** the /proc/meminfo labels in order */
  meminfo?: string[];
}

export interface MachineViewExtra extends MachineView {
  features?: Partial<FormatFeatures>;
  statNames?: StatNameOverrides;
  /**
   * What the free lists of an imported machine are known from: 'types' (a pagetypeinfo: orders
   * and migratetypes), 'orders' (a buddyinfo only: pagetypeinfo cannot be printed). Absent: the
   * view's own free areas (a simulated buddy, or none for a zoneinfo-only import).
   */
  freeLists?: 'types' | 'orders';
}

/**
 * The switches as Debian configures its 5.10 and 6.1 kernels (oracle kernel-configs):
 * amd64 and arm64 have NUMA balancing, memory failure; armmp-lpae has neither.
 */
export function defaultFeatures(v: MachineView): FormatFeatures {
  const x86 = v.arch === 'x86_64';
  return {
    numaBalancing: v.numa,
    swap: true,
    thpPud: x86 && v.thpBuilt,
    hugetlb: true,
    compaction: true,
    migration: true,
    balloon: true,
    balloonCompaction: true,
    ksm: true,
    zswap: true,
    shadowCallStack: false,
    memoryFailure: v.arch !== 'arm',
    debugTlbflush: false,
    debugVmacache: false,
    x86DirectMap: x86,
    directGbpages: false,
    smp: true,
    hpagePmdNr: 512,
  };
}

export function featuresOf(v: MachineView): FormatFeatures {
  return { ...defaultFeatures(v), ...((v as MachineViewExtra).features ?? {}) };
}

/** CONFIG_CMA is visible in the view as the CMA migratetype. */
export function hasCma(v: MachineView): boolean {
  return v.migratetypeNames.includes('CMA');
}

export function statNamesOf(v: MachineView): StatNameOverrides {
  return (v as MachineViewExtra).statNames ?? {};
}
