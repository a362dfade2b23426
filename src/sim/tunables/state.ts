/**
 * The tunables state: the per-zone outputs of the watermark / lowmem_reserve / pcp
 * computations, plus the vm sysctls that drive them. Plain data, O(zones).
 * Every exported function of src/sim/tunables takes a TunableState and returns a NEW one
 * (zones are copied); the input is never mutated.
 */
import { isKernelVersion } from '../kernel-behaviour';
import { MmError } from '../errors';
import type { ZoneName } from '../types';

export type TunableKernel = '5.10' | '6.1';

/** One struct zone, reduced to what the tunables read and write. */
export interface TZone {
  nid: number;
  idx: number;
  name: ZoneName;
  /** managed pages at the moment of the computation (the boot code sets it) */
  managed: number;
  present: number;
  /** is_highmem(zone): HighMem, or Movable when movable_zone is HighMem */
  highmem: boolean;
  /** outputs: zone->_watermark[] (without boost) */
  wmark: { min: number; low: number; high: number; promo: number };
  /** zone->watermark_boost */
  boost: number;
  /** zone->lowmem_reserve[], length MAX_NR_ZONES */
  lowmemReserve: number[];
  /** per_cpu_pages.high / .batch (the same on every CPU of the zone) */
  pcpHigh: number;
  pcpBatch: number;
  /** zone->stat_threshold ("vm stats threshold"), set by refreshZoneStatThresholds */
  statThreshold?: number;
}

export interface TunableState {
  kernel: TunableKernel;
  pageblockOrder: number;
  pageShift: 12;
  /** every zone of every node, in (nid, idx) order, including empty ones */
  zones: TZone[];
  /** MAX_NR_ZONES */
  nrZoneTypes: number;
  /** index of ZONE_NORMAL in this config's enum (gfp_zone(GFP_USER)) */
  normalIdx: number;
  /** online CPUs in each node's cpumask (index = nid) */
  cpusPerNode: number[];
  onlineCpus: number;
  /** hugepage_flags_enabled(): THP always/madvise and not switched off by hugepage_init */
  thpEnabled: boolean;
  minFreeKbytes: number;
  /** user_min_free_kbytes: -1 until vm.min_free_kbytes is written */
  userMinFreeKbytes: number;
  watermarkScaleFactor: number;
  watermarkBoostFactor: number;
  /** sysctl_lowmem_reserve_ratio[], one per zone type */
  lowmemReserveRatio: number[];
  /** 5.10: percpu_pagelist_fraction; 6.1: percpu_pagelist_high_fraction (0 = automatic) */
  percpuPagelistFraction: number;
  totalreservePages: number;
  /**
   * setup_per_zone_lowmem_reserve variant; absent = the profile's (cumulative for 5.10.223 and
   * 6.1). 'upper-walk' models 5.10.0–5.10.49 kernels.
   */
  lowmemReserveAlgorithm?: 'cumulative' | 'upper-walk';
  /** kernel log lines the tunables code printed (pr_info/pr_warn), oldest first */
  log?: string[];
}

/** Default sysctl_lowmem_reserve_ratio for a zone name (mm/page_alloc.c): DMA 256, DMA32 256, Normal 32, others 0. */
export function defaultLowmemReserveRatio(name: ZoneName): number {
  switch (name) {
    case 'DMA':
    case 'DMA32':
      return 256;
    case 'Normal':
      return 32;
    default:
      return 0;
  }
}

export interface TZoneInit {
  nid: number;
  idx: number;
  name: ZoneName;
  managed: number;
  present: number;
  highmem?: boolean;
}

/** A zone with all outputs zeroed and the boot pageset (high 0, batch 1). */
export function makeTZone(z: TZoneInit, nrZoneTypes: number): TZone {
  return {
    nid: z.nid,
    idx: z.idx,
    name: z.name,
    managed: z.managed,
    present: z.present,
    highmem: z.highmem ?? false,
    wmark: { min: 0, low: 0, high: 0, promo: 0 },
    boost: 0,
    lowmemReserve: new Array<number>(nrZoneTypes).fill(0),
    pcpHigh: 0,
    pcpBatch: 1,
  };
}

export interface TunableStateInit {
  kernel: TunableKernel;
  pageblockOrder: number;
  /** zone type names in enum order (one per MAX_NR_ZONES entry) */
  zoneNames: ZoneName[];
  zones: TZoneInit[];
  cpusPerNode: number[];
  onlineCpus?: number;
  thpEnabled: boolean;
}

/**
 * The state as it is before init_per_zone_wmark_min: kernel defaults for every sysctl
 * (min_free_kbytes 1024, watermark_scale_factor 10, watermark_boost_factor 15000,
 * lowmem_reserve_ratio per zone type, fraction 0), zero watermarks and boot pagesets.
 */
export function makeTunableState(init: TunableStateInit): TunableState {
  const nrZoneTypes = init.zoneNames.length;
  const normalIdx = init.zoneNames.indexOf('Normal');
  validateZones(init);
  const zones = init.zones.map((z) => makeTZone(z, nrZoneTypes));
  return {
    kernel: init.kernel,
    pageblockOrder: init.pageblockOrder,
    pageShift: 12,
    zones,
    nrZoneTypes,
    normalIdx: normalIdx >= 0 ? normalIdx : nrZoneTypes - 1,
    cpusPerNode: [...init.cpusPerNode],
    onlineCpus: init.onlineCpus ?? init.cpusPerNode.reduce((a, b) => a + b, 0),
    thpEnabled: init.thpEnabled,
    minFreeKbytes: 1024,
    userMinFreeKbytes: -1,
    watermarkScaleFactor: 10,
    watermarkBoostFactor: 15000,
    lowmemReserveRatio: init.zoneNames.map(defaultLowmemReserveRatio),
    percpuPagelistFraction: 0,
    totalreservePages: 0,
    log: [],
  };
}

const isCount = (v: number) => Number.isSafeInteger(v) && v >= 0;

/** Zones must be listed in (nid, idx) order, named after the enum, with non-negative integer counts. */
function validateZones(init: TunableStateInit): void {
  const bad = (msg: string, where: string) => {
    throw new MmError('TUNABLES_BAD_INPUT', msg, where);
  };
  if (!isKernelVersion(init.kernel)) bad(`unknown kernel profile "${init.kernel}"`, 'kernel');
  if (!Number.isInteger(init.pageblockOrder) || init.pageblockOrder < 0 || init.pageblockOrder > 20) {
    bad(`pageblockOrder ${init.pageblockOrder} is not a plausible order`, 'pageblockOrder');
  }
  if (init.cpusPerNode.some((c) => !isCount(c))) bad(`cpusPerNode ${JSON.stringify(init.cpusPerNode)}`, 'cpusPerNode');
  let prev = -1;
  init.zones.forEach((z, i) => {
    const where = `zones[${i}] (node ${z.nid} ${z.name})`;
    if (init.zoneNames[z.idx] !== z.name) bad(`zone index ${z.idx} is ${init.zoneNames[z.idx] ?? 'out of range'}, not ${z.name}`, where);
    if (!isCount(z.nid)) bad(`bad node id ${z.nid}`, where);
    const key = z.nid * 64 + z.idx;
    if (key <= prev) bad('zones must be listed once each, in (nid, idx) order', where);
    prev = key;
    if (!isCount(z.managed) || !isCount(z.present)) bad(`managed ${z.managed} / present ${z.present} must be counts`, where);
    if (z.managed > z.present) bad(`managed ${z.managed} exceeds present ${z.present}`, where);
  });
}

/** Deep copy (zones, arrays): the functions work on the copy and return it. */
export function cloneState(s: TunableState): TunableState {
  return {
    ...s,
    zones: s.zones.map((z) => ({ ...z, wmark: { ...z.wmark }, lowmemReserve: [...z.lowmemReserve] })),
    cpusPerNode: [...s.cpusPerNode],
    lowmemReserveRatio: [...s.lowmemReserveRatio],
    log: [...(s.log ?? [])],
  };
}

/** Replace the managed counts (one per zone, in state.zones order); returns a new state. */
export function withManaged(s: TunableState, managed: readonly number[]): TunableState {
  const d = cloneState(s);
  if (managed.length !== d.zones.length) {
    throw new MmError('TUNABLES_BAD_INPUT', `withManaged: ${managed.length} managed values for ${d.zones.length} zones`);
  }
  d.zones.forEach((z, i) => {
    const m = managed[i]!;
    if (!isCount(m) || m > z.present) {
      throw new MmError('TUNABLES_BAD_INPUT', `withManaged: managed ${m} is not a count within present ${z.present}`, `node ${z.nid} ${z.name}`);
    }
    z.managed = m;
  });
  return d;
}

/** min_wmark_pages / low_wmark_pages / high_wmark_pages (include/linux/mmzone.h): _watermark + boost. */
export function minWmarkPages(z: TZone): number {
  return z.wmark.min + z.boost;
}
export function lowWmarkPages(z: TZone): number {
  return z.wmark.low + z.boost;
}
export function highWmarkPages(z: TZone): number {
  return z.wmark.high + z.boost;
}
export function promoWmarkPages(z: TZone): number {
  return z.wmark.promo + z.boost;
}
/** populated_zone(): present_pages != 0 */
export function populatedZone(z: TZone): boolean {
  return z.present > 0;
}
