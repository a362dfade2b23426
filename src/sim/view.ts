/**
 * MachineView: the plain-data picture of a booted machine that the /proc and debugfs
 * renderers (src/sim/format) print, and that the parsers produce back from real text.
 * It holds only numbers and strings, so it serialises and diffs cleanly.
 */
import type { Arch, KernelVersion, ZoneName } from './types';

export interface PcpView {
  cpu: number;
  /** pages currently on this CPU's lists */
  count: number;
  high: number;
  batch: number;
}

export interface ZoneView {
  nid: number;
  /** index in the profile's zone enum */
  idx: number;
  name: ZoneName;
  /** NR_FREE_PAGES (excludes pcp) */
  free: number;
  /** watermark_boost (6.1 prints it) */
  boost: number;
  /** watermarks as printed: _watermark[] + boost */
  min: number;
  low: number;
  high: number;
  /** 6.1 only: WMARK_PROMO (not printed by zoneinfo in 6.1, kept for notebooks) */
  promo: number;
  spanned: number;
  present: number;
  managed: number;
  /** zone->cma_pages (6.1 zoneinfo `cma` line) */
  cma: number;
  /** lowmem_reserve[0..MAX_NR_ZONES-1] */
  protection: number[];
  /** NR_FREE_CMA_PAGES */
  freeCma: number;
  /** nr_free block counts: freeArea[order][migratetype] */
  freeArea: number[][];
  /** number of pageblocks of each migratetype (pagetypeinfo "Number of blocks type") */
  blocksByType: number[];
  pcp: PcpView[];
  /** "vm stats threshold" */
  statThreshold: number;
  nodeUnreclaimable: number;
  startPfn: number;
  /** zone vm_stat items other than nr_free_pages / nr_free_cma (e.g. nr_zone_active_anon); missing = 0 */
  stats: Record<string, number>;
}

export interface NodeView {
  nid: number;
  zones: ZoneView[];
  /** node vm_stat items (nr_inactive_anon, ...); missing = 0 */
  stats: Record<string, number>;
}

export interface MemblockRegionView {
  base: number;
  size: number;
  flags: number;
  nid: number;
}

export interface MachineView {
  arch: Arch;
  kernel: KernelVersion;
  pageblockOrder: number;
  /** MAX_ORDER (exclusive): orders 0..maxOrder-1 */
  maxOrder: number;
  /** the migratetype names configured, in index order (Unmovable .. Isolate) */
  migratetypeNames: string[];
  /** the zone enum names (one per MAX_NR_ZONES entry) */
  zoneNames: ZoneName[];
  /** CONFIG_NUMA: zoneinfo prints numa_* counters */
  numa: boolean;
  /** CONFIG_ZSMALLOC: zoneinfo prints nr_zspages */
  zsmalloc: boolean;
  /** CONFIG_HIGHMEM: meminfo prints HighTotal/HighFree/LowTotal/LowFree */
  highmem: boolean;
  /** THP built: meminfo prints AnonHugePages & co */
  thpBuilt: boolean;
  nodes: NodeView[];
  /** totalram_pages */
  totalram: number;
  totalreserve: number;
  /** totalcma_pages */
  totalcma: number;
  totalhigh: number;
  /** bytes printed per %pa: 8 (64-bit phys_addr_t) or 4 */
  physAddrBytes: number;
  memblock: { memory: MemblockRegionView[]; reserved: MemblockRegionView[] };
  /** global counters that meminfo/vmstat print and the simulator does not model (missing = 0) */
  counters: Record<string, number>;
}
