/**
 * The memblock iterators used after the early allocations: for_each_free_mem_range[_reverse]
 * (__next_mem_range / __next_mem_range_rev) and for_each_mem_pfn_range (__next_mem_pfn_range).
 */
import { MEMBLOCK_DRIVER_MANAGED, MEMBLOCK_HOTPLUG, MEMBLOCK_MIRROR, MEMBLOCK_NOMAP, NUMA_NO_NODE, PAGE_SHIFT, PAGE_SIZE } from '../types';
import type { MemblockRegion, MemblockType } from './region-array';
import type { VersionRules } from '../kernel-behaviour';

export interface SkipContext {
  rules: Pick<VersionRules, 'memblock'>;
  /** movable_node_is_enabled() */
  movableNode: boolean;
}

/** should_skip_region (mm/memblock.c); only memory regions are ever skipped. */
export function shouldSkipRegion(sc: SkipContext, m: MemblockRegion, nid: number, flags: number): boolean {
  if (nid !== NUMA_NO_NODE && nid !== m.nid) return true;
  if (sc.movableNode && (m.flags & MEMBLOCK_HOTPLUG) !== 0 && (sc.rules.memblock.hotplugSkipIgnoresRequest || (flags & MEMBLOCK_HOTPLUG) === 0)) return true;
  if ((flags & MEMBLOCK_MIRROR) !== 0 && (m.flags & MEMBLOCK_MIRROR) === 0) return true;
  if ((flags & MEMBLOCK_NOMAP) === 0 && (m.flags & MEMBLOCK_NOMAP) !== 0) return true;
  if (sc.rules.memblock.driverManaged && (flags & MEMBLOCK_DRIVER_MANAGED) === 0 && (m.flags & MEMBLOCK_DRIVER_MANAGED) !== 0) return true;
  return false;
}

export interface FreeRange {
  base: number;
  end: number;
  nid: number;
}

/**
 * The gaps between reserved regions, in address order: [prev end, next base), with the
 * first gap starting at 0 and the last ending at PHYS_ADDR_MAX (as __next_mem_range walks them).
 */
function reservedGaps(reserved: MemblockType, physMax: number): Array<[number, number]> {
  const gaps: Array<[number, number]> = [];
  const rs = reserved.regions;
  for (let i = 0; i <= rs.length; i++) {
    const start = i === 0 ? 0 : rs[i - 1]!.base + rs[i - 1]!.size;
    const end = i < rs.length ? rs[i]!.base : physMax;
    gaps.push([start, end]);
  }
  return gaps;
}

/**
 * for_each_free_mem_range / for_each_free_mem_range_reverse (mm/memblock.c: __next_mem_range,
 * __next_mem_range_rev): memory minus reserved, memory regions filtered by should_skip_region.
 * Forward order walks memory regions up and the reserved gaps up; reverse walks both down.
 */
export function freeMemRanges(
  sc: SkipContext,
  memory: MemblockType,
  reserved: MemblockType,
  physMax: number,
  nid: number,
  flags: number,
  reverse: boolean,
): FreeRange[] {
  const out: FreeRange[] = [];
  const gaps = reservedGaps(reserved, physMax);
  const mems = memory.regions;
  for (let k = 0; k < mems.length; k++) {
    const m = mems[reverse ? mems.length - 1 - k : k]!;
    if (shouldSkipRegion(sc, m, nid, flags)) continue;
    const mStart = m.base;
    const mEnd = m.base + m.size;
    if (!reverse) {
      for (const [rStart, rEnd] of gaps) {
        if (rStart >= mEnd) break;
        if (mStart < rEnd) out.push({ base: Math.max(mStart, rStart), end: Math.min(mEnd, rEnd), nid: m.nid });
      }
    } else {
      for (let g = gaps.length - 1; g >= 0; g--) {
        const [rStart, rEnd] = gaps[g]!;
        if (rEnd <= mStart) break;
        if (mEnd > rStart) out.push({ base: Math.max(mStart, rStart), end: Math.min(mEnd, rEnd), nid: m.nid });
      }
    }
  }
  return out;
}

export interface PfnRange {
  start: number;
  end: number;
  nid: number;
}

/**
 * for_each_mem_pfn_range (mm/memblock.c: __next_mem_pfn_range): every memory region, NOMAP
 * included, as [PFN_UP(base), PFN_DOWN(end)); empty ones skipped. nid === maxNumnodes means all.
 */
export function memPfnRanges(memory: MemblockType, nid: number, maxNumnodes: number): PfnRange[] {
  const out: PfnRange[] = [];
  for (const r of memory.regions) {
    const start = Math.ceil(r.base / PAGE_SIZE);
    const end = Math.floor((r.base + r.size) / 2 ** PAGE_SHIFT);
    if (start >= end) continue;
    if (nid !== maxNumnodes && nid !== r.nid) continue;
    out.push({ start, end, nid: r.nid });
  }
  return out;
}
