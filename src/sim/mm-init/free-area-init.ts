/**
 * Node and zone layout: free_area_init, zone_spanned_pages_in_node, zone_absent_pages_in_node,
 * adjust_zone_range_for_zone_movable and find_zone_movable_pfns_for_nodes (mm/page_alloc.c).
 * Pure arithmetic over memblock.memory pfn ranges; no per-page work.
 */
import type { KernelVersion, ZoneName } from '../types';

export interface MemPfnRange { start: number; end: number; nid: number }

export interface ZoneLayout {
  nid: number;
  idx: number;
  name: ZoneName;
  /** zone_start_pfn (0 when spanned is 0, as calculate_node_totalpages leaves it) */
  startPfn: number;
  spanned: number;
  present: number;
}

export interface NodeLayout {
  nid: number;
  startPfn: number;
  endPfn: number;
  zones: ZoneLayout[];
}

export interface ZoneArchRange { lo: number; hi: number }

/** free_area_init: arch_zone_{lowest,highest}_possible_pfn from max_zone_pfn[] (Movable and Device have none). */
export function archZoneRanges(names: readonly ZoneName[], maxZonePfn: readonly number[], dramStartPfn: number): ZoneArchRange[] {
  let start = dramStartPfn;
  return names.map((name, z) => {
    if (name === 'Movable' || name === 'Device') return { lo: 0, hi: 0 };
    const hi = Math.max(maxZonePfn[z] ?? 0, start);
    const r = { lo: start, hi };
    start = hi;
    return r;
  });
}

/** find_usable_zone_for_movable: the highest zone below Movable with a non-empty architectural range. */
export function findUsableZoneForMovable(names: readonly ZoneName[], ranges: readonly ZoneArchRange[]): number {
  const movable = names.indexOf('Movable');
  for (let z = movable - 1; z >= 0; z--) {
    if (ranges[z].hi > ranges[z].lo) return z;
  }
  return 0;
}

/** __absent_pages_in_range: pages of [start, end) not covered by this node's memory pfn ranges. */
export function absentPagesInRange(ranges: readonly MemPfnRange[], nid: number, start: number, end: number): number {
  let covered = 0;
  for (const r of ranges) {
    if (r.nid !== nid) continue;
    const s = Math.max(r.start, start);
    const e = Math.min(r.end, end);
    if (e > s) covered += e - s;
  }
  return end - start - covered;
}

export interface MovableRequest {
  /** pages (already converted from size or percent) or 0 */
  kernelcorePages: number;
  movablecorePages: number;
  kernelcorePercent?: number;
  movablecorePercent?: number;
}

/** find_zone_movable_pfns_for_nodes: zone_movable_pfn[] per nid (0 = no ZONE_MOVABLE on that node). */
export function findZoneMovablePfnsForNodes(
  req: MovableRequest,
  ranges: readonly MemPfnRange[],
  nids: readonly number[],
  usableStartPfn: number,
  maxOrderNrPages: number,
  kernel: KernelVersion,
): Map<number, number> {
  const zoneMovablePfn = new Map<number, number>(nids.map((n) => [n, 0]));
  const totalpages = ranges.reduce((s, r) => s + (r.end - r.start), 0);
  let requiredKernelcore = req.kernelcorePages;
  let requiredMovablecore = req.movablecorePages;
  // cmdline_parse_core stores percentages; they become pages against totalpages here.
  if (req.kernelcorePercent) requiredKernelcore = Math.floor((totalpages * 100 * req.kernelcorePercent) / 10000);
  if (req.movablecorePercent) requiredMovablecore = Math.floor((totalpages * 100 * req.movablecorePercent) / 10000);
  if (requiredMovablecore) {
    requiredMovablecore = roundUp(requiredMovablecore, maxOrderNrPages);
    requiredMovablecore = Math.min(totalpages, requiredMovablecore);
    const corepages = totalpages - requiredMovablecore;
    requiredKernelcore = Math.max(requiredKernelcore, corepages);
  }
  if (!requiredKernelcore || requiredKernelcore >= totalpages) return zoneMovablePfn;

  const memNodes = nids.filter((nid) => ranges.some((r) => r.nid === nid && r.end > r.start));
  let usableNodes = memNodes.length;
  for (;;) {
    let kernelcoreNode = Math.floor(requiredKernelcore / usableNodes);
    for (const nid of memNodes) {
      if (requiredKernelcore < kernelcoreNode) kernelcoreNode = Math.floor(requiredKernelcore / usableNodes);
      let remaining = kernelcoreNode;
      for (const r of ranges) {
        if (r.nid !== nid) continue;
        let start = Math.max(r.start, zoneMovablePfn.get(nid)!);
        const end = r.end;
        if (start >= end) continue;
        if (start < usableStartPfn) {
          const kernelPages = Math.min(end, usableStartPfn) - start;
          remaining -= Math.min(kernelPages, remaining);
          requiredKernelcore -= Math.min(kernelPages, requiredKernelcore);
          if (end <= usableStartPfn) {
            zoneMovablePfn.set(nid, end);
            continue;
          }
          start = usableStartPfn;
        }
        let size = end - start;
        if (size > remaining) size = remaining;
        zoneMovablePfn.set(nid, start + size);
        requiredKernelcore -= Math.min(requiredKernelcore, size);
        remaining -= size;
        if (!remaining) break;
      }
    }
    usableNodes--;
    if (usableNodes && requiredKernelcore > usableNodes) continue;
    break;
  }
  for (const nid of nids) {
    let pfn = roundUp(zoneMovablePfn.get(nid)!, maxOrderNrPages);
    // Both pinned profiles (6.1, and 5.10.223 which has the 5.10.198 backport) drop a movable start at/after the node end.
    void kernel;
    const nodeEnd = Math.max(0, ...ranges.filter((r) => r.nid === nid).map((r) => r.end));
    if (pfn >= nodeEnd) pfn = 0;
    zoneMovablePfn.set(nid, pfn);
  }
  return zoneMovablePfn;
}

function roundUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

export interface FreeAreaInitInput {
  names: readonly ZoneName[];
  archRanges: readonly ZoneArchRange[];
  ranges: readonly MemPfnRange[];
  nids: readonly number[];
  zoneMovablePfn: ReadonlyMap<number, number>;
  movableZone: number;
}

/** free_area_init → free_area_init_node → calculate_node_totalpages, for every node. */
export function freeAreaInit(inp: FreeAreaInitInput): NodeLayout[] {
  const movableIdx = inp.names.indexOf('Movable');
  return inp.nids.map((nid) => {
    const own = inp.ranges.filter((r) => r.nid === nid);
    const nodeStart = own.length ? Math.min(...own.map((r) => r.start)) : 0;
    const nodeEnd = own.length ? Math.max(...own.map((r) => r.end)) : 0;
    const zmp = inp.zoneMovablePfn.get(nid) ?? 0;
    const zones = inp.names.map((name, idx): ZoneLayout => {
      if (!own.length) return { nid, idx, name, startPfn: 0, spanned: 0, present: 0 };
      let zs = clamp(nodeStart, inp.archRanges[idx].lo, inp.archRanges[idx].hi);
      let ze = clamp(nodeEnd, inp.archRanges[idx].lo, inp.archRanges[idx].hi);
      // adjust_zone_range_for_zone_movable
      if (zmp) {
        if (idx === movableIdx) {
          zs = zmp;
          ze = Math.min(nodeEnd, inp.archRanges[inp.movableZone].hi);
        } else if (zs < zmp && ze > zmp) {
          ze = zmp;
        } else if (zs >= zmp) {
          zs = ze;
        }
      }
      let spanned = 0;
      if (!(ze < nodeStart || zs > nodeEnd)) {
        ze = Math.min(ze, nodeEnd);
        zs = Math.max(zs, nodeStart);
        spanned = Math.max(0, ze - zs);
      }
      const absent = spanned ? absentPagesInRange(inp.ranges, nid, zs, ze) : 0;
      return { nid, idx, name, startPfn: spanned ? zs : 0, spanned, present: spanned - absent };
    });
    return { nid, startPfn: nodeStart, endPfn: nodeEnd, zones };
  });
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}
