/**
 * mem_init → memblock_free_all (mm/memblock.c) into the typed-array buddy, after memmap_init has
 * set the pageblock types; arm32 then frees highmem page by page (free_highpages).
 */
import { Buddy } from '../buddy/buddy';
import { MmError } from '../errors';
import type { ZoneName } from '../types';
import type { ArchBoot } from '../boot/context';
import type { ZoneLayoutResult } from './zone-layout';
import { sparseGeometry } from './sparse';
import { zoneId } from '../zone-types';

export interface ZoneRef {
  /** buddy zone id (zone-types.ts zoneId) */
  id: number;
  nid: number;
  idx: number;
  name: ZoneName;
}

export interface HandOverResult {
  buddy: Buddy;
  zones: ZoneRef[];
  /** managed per zone id right after memblock_free_all (and free_highpages) */
  managedAfterFreeAll: Map<number, number>;
  /** zone ids that span pages (the buddy knows them) */
  inBuddy: Set<number>;
}

export function handOver(b: ArchBoot, layout: ZoneLayoutResult, names: readonly ZoneName[]): HandOverResult {
  const cfg = b.profile.config;
  const nz = names.length;
  const zones: ZoneRef[] = [];
  const specs = [];
  for (const node of layout.nodes) {
    for (const z of node.zones) {
      zones.push({ id: zoneId(node.nid, z.idx, nz), nid: node.nid, idx: z.idx, name: z.name });
      if (z.spanned) specs.push({ id: zoneId(node.nid, z.idx, nz), nid: node.nid, zoneIdx: z.idx, startPfn: z.startPfn, endPfn: z.startPfn + z.spanned });
    }
  }
  // Linux lets one node's pfn span enclose another node's memory; the pfn-indexed buddy here keeps
  // one zone per pfn, so such a layout is refused by name rather than modelled wrongly.
  for (const a of specs) {
    const o = specs.find((x) => x.nid !== a.nid && x.startPfn < a.endPfn && a.startPfn < x.endPfn);
    if (o) {
      const hex = (pfn: number) => `0x${(pfn * 4096).toString(16)}`;
      throw new MmError('NUMA_INTERLEAVED', `the memory of NUMA nodes ${a.nid} and ${o.nid} interleaves: node ${a.nid}'s ${names[a.zoneIdx]} spans [${hex(a.startPfn)}, ${hex(a.endPfn)}) and node ${o.nid}'s ${names[o.zoneIdx]} [${hex(o.startPfn)}, ${hex(o.endPfn)}); mmbook models nodes whose spans do not overlap`, 'numa-node-id');
    }
  }
  const basePfn = Math.min(...specs.map((s) => s.startPfn));
  const endPfn = Math.max(...specs.map((s) => s.endPfn));
  const sectionShift = b.profile.arch === 'arm' ? undefined : sparseGeometry(b.profile, b.build).sectionSizeBits - 12;
  const buddy = new Buddy({ kernel: b.profile.kernel, basePfn, endPfn, pageblockOrder: cfg.pageblockOrder, maxOrder: cfg.maxOrder, zones: specs, sectionShift });
  buddy.memmapInit(layout.ranges.map((r) => ({ start: r.start, end: r.end })));
  const free = b.mb.freeRanges().map((r) => ({ start: Math.ceil(r.base / 4096), end: Math.floor(r.end / 4096) })).filter((r) => r.end > r.start);
  buddy.memblockFreeAll(free, b.maxLowPfn);
  if (b.maxLowPfn < b.maxPfn) {
    const high = free.map((r) => ({ start: Math.max(r.start, b.maxLowPfn), end: r.end })).filter((r) => r.end > r.start);
    buddy.freeHighpages(high);
  }
  const inBuddy = new Set(specs.map((s) => s.id));
  const managedAfterFreeAll = new Map(zones.map((z) => [z.id, inBuddy.has(z.id) ? buddy.managed(z.id) : 0]));
  return { buddy, zones, managedAfterFreeAll, inBuddy };
}
