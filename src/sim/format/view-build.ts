/**
 * Building MachineViews from parsed text, and summing view statistics the way the
 * kernel's global_*_page_state() do.
 */
import type { MachineView, NodeView, ZoneView } from '../view';
import type { Arch, KernelVersion, ZoneName } from '../types';
import { MIGRATETYPE_NAMES } from '../types';
import type { FormatFeatures, MachineViewExtra, ZoneViewExtra } from './extra';

/** What the caller knows that a /proc text does not say. */
export interface ViewHints {
  arch?: Arch;
  kernel?: KernelVersion;
  pageblockOrder?: number;
  maxOrder?: number;
  migratetypeNames?: string[];
  zoneNames?: ZoneName[];
  numa?: boolean;
  zsmalloc?: boolean;
  thpBuilt?: boolean;
  physAddrBytes?: number;
  features?: Partial<FormatFeatures>;
}

/** Debian defaults: amd64 has no CONFIG_CMA; arm64 and armmp-lpae have it. */
export function defaultMigratetypeNames(arch: Arch): string[] {
  return MIGRATETYPE_NAMES.filter((n) => n !== 'CMA' || arch !== 'x86_64');
}

/**
 * The zone enum of Debian's kernels (the same in 5.10 and 6.1): armmp-lpae builds DMA and
 * HIGHMEM; arm64 DMA and DMA32; amd64 also ZONE_DEVICE.
 */
export function defaultZoneNames(arch: Arch): ZoneName[] {
  if (arch === 'arm') return ['DMA', 'Normal', 'HighMem', 'Movable'];
  if (arch === 'x86_64') return ['DMA', 'DMA32', 'Normal', 'Movable', 'Device'];
  return ['DMA', 'DMA32', 'Normal', 'Movable'];
}

export function emptyZone(nid: number, idx: number, name: ZoneName, v: Pick<MachineView, 'maxOrder' | 'migratetypeNames' | 'zoneNames'>): ZoneViewExtra {
  return {
    nid, idx, name, free: 0, boost: 0, min: 0, low: 0, high: 0, promo: 0, spanned: 0, present: 0,
    managed: 0, cma: 0, protection: v.zoneNames.map(() => 0), freeCma: 0,
    freeArea: Array.from({ length: v.maxOrder }, () => v.migratetypeNames.map(() => 0)),
    blocksByType: v.migratetypeNames.map(() => 0), pcp: [], statThreshold: 0,
    nodeUnreclaimable: 0, startPfn: 0, stats: {},
  };
}

/** A view with every zone of `nodes` nodes empty; the parsers fill it in. */
export function emptyView(hints: ViewHints, nodes = 1): MachineViewExtra {
  const arch = hints.arch ?? 'arm64';
  const kernel = hints.kernel ?? '6.1';
  const base = {
    maxOrder: hints.maxOrder ?? (arch === 'arm' ? 12 : 11),
    migratetypeNames: hints.migratetypeNames ?? defaultMigratetypeNames(arch),
    zoneNames: hints.zoneNames ?? defaultZoneNames(arch),
  };
  const nodeViews: NodeView[] = [];
  for (let nid = 0; nid < nodes; nid++) {
    nodeViews.push({ nid, stats: {}, zones: base.zoneNames.map((z, i) => emptyZone(nid, i, z, base)) });
  }
  const v: MachineViewExtra = {
    arch, kernel, pageblockOrder: hints.pageblockOrder ?? 9, ...base,
    numa: hints.numa ?? arch !== 'arm', zsmalloc: hints.zsmalloc ?? true,
    highmem: base.zoneNames.includes('HighMem'), thpBuilt: hints.thpBuilt ?? true,
    nodes: nodeViews, totalram: 0, totalreserve: 0, totalcma: 0, totalhigh: 0,
    physAddrBytes: hints.physAddrBytes ?? 8, memblock: { memory: [], reserved: [] }, counters: {},
  };
  if (hints.features) v.features = { ...hints.features };
  return v;
}

export function allZones(v: MachineView): ZoneView[] {
  return v.nodes.flatMap((n) => n.zones);
}

export const populatedZone = (z: ZoneView): boolean => z.present > 0;

/** global_zone_page_state(NR_FREE_PAGES) */
export function globalFreePages(v: MachineView): number {
  return allZones(v).reduce((s, z) => s + z.free, 0);
}

/** global_zone_page_state(NR_FREE_CMA_PAGES) */
export function globalFreeCmaPages(v: MachineView): number {
  return allZones(v).reduce((s, z) => s + z.freeCma, 0);
}

/**
 * A global counter: the sum over nodes and zones of those that hold `name`, or
 * v.counters[name] when none does, or 0.
 */
export function globalStat(v: MachineView, name: string): number {
  let found = false;
  let sum = 0;
  for (const n of v.nodes) {
    if (name in n.stats) { found = true; sum += n.stats[name]!; }
    for (const z of n.zones) {
      if (name in z.stats) { found = true; sum += z.stats[name]!; }
    }
  }
  return found ? sum : (v.counters[name] ?? 0);
}

/** calculate_totalreserve_pages (mm/page_alloc.c): Σ min(managed, max(lowmem_reserve[j≥i]) + high wmark). */
export function calculateTotalreservePages(v: MachineView): number {
  let total = 0;
  for (const z of allZones(v)) {
    let max = 0;
    for (let j = z.idx; j < z.protection.length; j++) if (z.protection[j]! > max) max = z.protection[j]!;
    max += z.high;
    if (max > z.managed) max = z.managed;
    total += max;
  }
  return total;
}
