/**
 * The explanation's input (explain.ts) taken from a MachineView, for a request the caller
 * describes: a fresh boot, a machine imported from its zoneinfo (with its buddyinfo/pagetypeinfo),
 * or a workload's final view. Next to explain-run.ts, which takes it from a live RunState.
 *
 * - the zonelist: build_zonelists (zonelist.ts) over the view's zones, the preferred node's
 *   FALLBACK list (NOFALLBACK with __GFP_THISNODE), from the first zone ≤ gfp_zone(gfp) on;
 * - the alloc_flags of the attempt asked for, under the profile's reserve-flag scheme
 *   (rules.allocFlags): 'fast' is __alloc_pages' first get_page_from_freelist (ALLOC_WMARK_LOW,
 *   gfp_to_alloc_flags_cma, alloc_flags_nofragment); 'slow' is __alloc_pages_slowpath's first
 *   attempt after waking kswapd (gfp_to_alloc_flags: ALLOC_WMARK_MIN and the reserve flags);
 * - per zone: free, free CMA, the watermarks without boost, boost, lowmem_reserve[], the free lists
 *   by order and migratetype, the LRU pages (the zone's nr_zone_* stats), the highatomic reserve.
 * What the view does not hold is inferred and said in `notes`: the highatomic reserve of a view
 * that does not carry it (its HighAtomic pageblocks × pageblock_nr_pages), the migratetypes of a
 * buddyinfo-only import, the free lists of a zoneinfo-only import, swap (off unless asked).
 */
import { MmError } from '../errors';
import { versionRules } from '../kernel-behaviour';
import { hasCma, type MachineViewExtra, type ZoneViewExtra } from '../format/extra';
import type { TunableState } from '../tunables';
import { MIGRATE_CMA, MIGRATE_HIGHATOMIC, MIGRATE_TYPES, MIGRATETYPE_NAMES } from '../types';
import type { MachineView, ZoneView } from '../view';
import { ALLOC_KSWAPD, ALLOC_NOFRAGMENT, ALLOC_WMARK_LOW, gfpToAllocFlags, gfpToAllocFlagsCma } from './alloc-flags';
import type { ExplainInput, ZoneSnapshot } from './explain';
import { __GFP_KSWAPD_RECLAIM, __GFP_THISNODE, formatGfp, gfpMigratetype, gfpZone, parseGfp } from './gfp';
import { buildAllZonelists } from './zonelist';

/** The request the calculator checks. */
export interface CheckRequest {
  /** GFP mask: names (`GFP_KERNEL|__GFP_COMP`), hex (`0xcc0`), `mode:0xcc0(GFP_KERNEL)` or a number */
  gfp: string | number;
  order: number;
  /** the preferred node (numa_node_id() of the allocating CPU); default: the first node with memory */
  nid?: number;
  /** 'fast': the first attempt at the low watermark; 'slow': the slow path's at min (default 'fast') */
  attempt?: 'fast' | 'slow';
  /** anon and shmem pages are reclaimable (swap is configured); default false */
  swap?: boolean;
}

export interface ViewInputOptions {
  /** the machine's tunables (with the zones' current managed pages), for the tuning search */
  tunables?: TunableState | null;
  /** node_distance table (the firmware's SLIT/distance-map); default 10 local, 20 remote */
  distance?: number[][];
  /** nodes with CPUs (find_next_best_node's penalty); default every node */
  nodesWithCpus?: number[];
}

const LRU_STATS = ['nr_zone_inactive_anon', 'nr_zone_active_anon', 'nr_zone_inactive_file', 'nr_zone_active_file', 'nr_zone_unevictable'] as const;

const label = (view: MachineView, nid: number, z: ZoneView): string => (view.numa ? `Node ${nid} ${z.name}` : z.name);

/** One zone of the view as the watermark checks need it; what had to be inferred goes to `notes`. */
export function viewZoneSnapshot(view: MachineView, nid: number, z: ZoneView, order: number, notes: string[]): ZoneSnapshot {
  const cols = view.migratetypeNames.map((n) => MIGRATETYPE_NAMES.indexOf(n as (typeof MIGRATETYPE_NAMES)[number]));
  const freeLists = (view as MachineViewExtra).freeLists;
  const known = z.free === 0 || z.freeArea.some((row) => row.some((c) => c > 0));
  const nrFree: number[] = [];
  const typeMask: number[] = [];
  let byType: number[][] | null = freeLists === 'orders' || !known ? null : [];
  if (known) {
    for (const row of z.freeArea) {
      const full = new Array<number>(MIGRATE_TYPES).fill(0);
      row.forEach((c, j) => { if (cols[j]! >= 0) full[cols[j]!] += c; });
      nrFree.push(full.reduce((a, b) => a + b, 0));
      // a buddyinfo alone gives no migratetypes: the blocks may be on any list but Isolate (an upper bound for the request's lists)
      const any = 0b111 | (cols.includes(MIGRATE_HIGHATOMIC) ? 1 << MIGRATE_HIGHATOMIC : 0) | (cols.includes(MIGRATE_CMA) ? 1 << MIGRATE_CMA : 0);
      typeMask.push(freeLists === 'orders' ? (full.some((c) => c > 0) ? any : 0) : full.reduce((m, c, mt) => (c > 0 ? m | (1 << mt) : m), 0));
      byType?.push(full);
    }
    if (freeLists === 'orders') notes.push(`${label(view, nid, z)}: the free lists come from a buddyinfo alone, without migratetypes: each order's blocks may be on any list, so the number on the lists this request may use is an upper bound (the block test takes them as usable)`);
  } else {
    // a zoneinfo-only import: the free lists are not known; the block test is taken as passing
    for (let o = 0; o <= order; o++) {
      nrFree.push(o === order && order > 0 ? 1 : 0);
      typeMask.push(0);
    }
    byType = null;
    if (order > 0) notes.push(`${label(view, nid, z)}: the free lists are not known (give the machine's buddyinfo and pagetypeinfo with its zoneinfo): the test for a free block of order ≥ ${order} is taken as passing`);
  }
  const extra = z as ZoneViewExtra;
  let reservedHighatomic = extra.reservedHighatomic;
  if (reservedHighatomic === undefined) {
    const j = view.migratetypeNames.indexOf(MIGRATETYPE_NAMES[MIGRATE_HIGHATOMIC]);
    reservedHighatomic = (j >= 0 ? z.blocksByType[j] ?? 0 : 0) << view.pageblockOrder;
    if (reservedHighatomic > 0) notes.push(`${label(view, nid, z)}: nr_reserved_highatomic ≈ ${reservedHighatomic} (its ${reservedHighatomic >> view.pageblockOrder} HighAtomic pageblocks × ${1 << view.pageblockOrder} pages; /proc does not print the reserve)`);
  }
  return {
    nid,
    idx: z.idx,
    name: z.name,
    free: z.free,
    freeCma: z.freeCma,
    managed: z.managed,
    present: z.present,
    wmark: [z.min - z.boost, z.low - z.boost, z.high - z.boost],
    boost: z.boost,
    reservedHighatomic,
    lowmemReserve: [...z.protection],
    nrFree,
    typeMask,
    nrFreeByType: byType,
    lru: LRU_STATS.map((k) => z.stats[k] ?? 0) as unknown as ZoneSnapshot['lru'],
    highmem: z.name === 'HighMem',
  };
}

const bad = (msg: string): MmError => new MmError('CHECK_REQUEST', msg, 'request');

/** The request as the kernel sees it on this view, and the zones of its zonelist in order. */
export function viewExplainInput(view: MachineView, req: CheckRequest, opts: ViewInputOptions = {}): ExplainInput {
  if (!req || typeof req !== 'object') throw bad('a request is {gfp, order, nid?, attempt?}, e.g. {gfp: "GFP_KERNEL", order: 0}');
  const gfp = parseGfp(req.gfp ?? '', 'request.gfp');
  const order = req.order;
  if (!Number.isInteger(order) || order < 0) throw bad(`order must be an integer ≥ 0, got ${String(order)}`);
  if (order >= view.maxOrder) throw bad(`order ${order} is not below MAX_ORDER (${view.maxOrder}): __alloc_pages refuses it before any zone is checked`);
  const attempt = req.attempt ?? 'fast';
  if (attempt !== 'fast' && attempt !== 'slow') throw bad(`attempt must be 'fast' (the first try, at the low watermark) or 'slow' (the slow path's, at min), got '${String(attempt)}'`);
  const rules = versionRules(view.kernel);
  const cma = hasCma(view);
  const hz = gfpZone(gfp, view.zoneNames);
  const flat: Array<{ nid: number; z: ZoneView }> = view.nodes.flatMap((n) => n.zones.map((z) => ({ nid: n.nid, z })));
  const nodes = view.nodes.filter((n) => n.zones.some((z) => z.present > 0)).map((n) => n.nid);
  const nid = req.nid ?? nodes[0];
  if (nid === undefined || !nodes.includes(nid)) throw bad(`node ${String(req.nid)} has no memory; the nodes with memory are ${nodes.join(', ') || 'none'}`);
  const lists = buildAllZonelists(rules, flat.map(({ nid: n, z }, zi) => ({ zi, nid: n, idx: z.idx, present: z.present, managed: z.managed })), opts.distance, new Set(opts.nodesWithCpus ?? nodes));
  const zl = (gfp & __GFP_THISNODE ? lists.thisnode : lists.fallback).get(nid) ?? new Int32Array(0);
  const preferred = Array.from(zl).findIndex((zi) => flat[zi]!.z.idx <= hz);
  const notes: string[] = [];
  const zones: ZoneSnapshot[] = [];
  if (preferred >= 0) {
    for (let k = preferred; k < zl.length; k++) {
      const { nid: n, z } = flat[zl[k]!]!;
      if (z.idx <= hz) zones.push(viewZoneSnapshot(view, n, z, order, notes));
    }
  }
  // build_all_zonelists: grouping by mobility is off on a machine too small for it
  const pb = 1 << view.pageblockOrder;
  const spare = flat.reduce((s, { z }) => s + Math.max(0, z.managed - (z.high - z.boost)), 0);
  const mobility = spare >= pb * MIGRATE_TYPES;
  if (!mobility) notes.push('grouping by mobility is off (too little memory above the high watermarks): every request is Unmovable');
  let allocFlags: number;
  if (attempt === 'fast') {
    allocFlags = gfpToAllocFlagsCma(gfp, ALLOC_WMARK_LOW, cma, false);
    allocFlags |= gfp & __GFP_KSWAPD_RECLAIM ? ALLOC_KSWAPD : 0;
    // alloc_flags_nofragment: ZONE_NORMAL preferred on a kernel with ZONE_DMA32 (with several nodes, a populated one)
    const pz = preferred >= 0 ? flat[zl[preferred]!]! : null;
    const dma32 = view.zoneNames.indexOf('DMA32');
    if (pz && dma32 >= 0 && pz.z.name === 'Normal') {
      const own = view.nodes.find((n) => n.nid === pz.nid)?.zones.find((z) => z.idx === dma32);
      if (nodes.length === 1 || (own?.present ?? 0) > 0) {
        allocFlags |= ALLOC_NOFRAGMENT;
        notes.push(`ALLOC_NOFRAGMENT (the preferred zone is Normal and DMA32 exists): this attempt steals only whole pageblocks of other migratetypes${nodes.length > 1 ? ', and stops at the first remote zone to retry without it' : ''}; the watermark check is the same`);
      }
    }
    notes.push('the fast path\'s first get_page_from_freelist: the low watermark, no reserve flags; when every zone refuses, __alloc_pages_slowpath wakes kswapd and tries again at min');
  } else {
    allocFlags = gfpToAllocFlags(gfp, order, rules.allocFlags, cma, false);
    notes.push('the slow path\'s first get_page_from_freelist after waking kswapd: gfp_to_alloc_flags of the mask (a real-time task\'s ALLOC_HARDER, PF_MEMALLOC and OOM-victim access are not modelled)');
  }
  const swap = req.swap === true;
  if (!swap && zones.some((z) => z.lru[0] + z.lru[1] > 0)) notes.push('no swap: anon and shmem pages are not reclaimable (swap: true says otherwise)');
  return {
    kernel: view.kernel,
    cmaConfigured: cma,
    watermarkFastClamp: rules.watermarkFastClamp,
    allocScheme: rules.allocFlags,
    order,
    gfp,
    gfpText: `0x${gfp.toString(16)}(${formatGfp(gfp, view.kernel)})`,
    allocFlags,
    zoneNames: view.zoneNames,
    highestZoneidx: hz,
    migratetype: mobility ? gfpMigratetype(gfp) : 0,
    numa: view.numa,
    zones,
    swap,
    pageblockOrder: view.pageblockOrder,
    tunables: opts.tunables ?? null,
    notes,
  };
}
