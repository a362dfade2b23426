/**
 * struct memblock_type and the array primitives of mm/memblock.c: insert, remove, merge,
 * isolate, add_range, remove_range. The arrays are plain data (cheap to copy).
 * Identical in 5.10 and 6.1.
 */

export interface MemblockRegion {
  base: number;
  size: number;
  flags: number;
  nid: number;
}

/** struct memblock_type */
export interface MemblockType {
  name: 'memory' | 'reserved';
  regions: MemblockRegion[];
  /** number of slots; the array grows by memblock_double_array */
  max: number;
  totalSize: number;
}

/** What the primitives need to know about the kernel build. */
export interface RegionContext {
  /** CONFIG_NUMA: without it struct memblock_region has no nid and every nid reads as 0 */
  numa: boolean;
  maxNumnodes: number;
  /** all-ones phys_addr_t (PHYS_ADDR_MAX) for this build */
  physMax: number;
  /** called when type.cnt + extra > type.max (memblock_double_array); must grow type.max or throw */
  grow(type: MemblockType, extra: number, newAreaStart: number, newAreaSize: number): void;
}

/** A fresh type: one empty dummy region (zero-initialised static array, so nid reads as 0). */
export function newType(name: 'memory' | 'reserved', max: number): MemblockType {
  return { name, regions: [{ base: 0, size: 0, flags: 0, nid: 0 }], max, totalSize: 0 };
}

export function cloneType(t: MemblockType): MemblockType {
  return { name: t.name, max: t.max, totalSize: t.totalSize, regions: t.regions.map((r) => ({ ...r })) };
}

/** memblock_set_region_node (include/linux/memblock.h): a no-op without CONFIG_NUMA. */
function regionNid(ctx: RegionContext, nid: number): number {
  return ctx.numa ? nid : 0;
}

/** memblock_cap_size (mm/memblock.c): size = min(size, PHYS_ADDR_MAX - base). */
export function capSize(ctx: RegionContext, base: number, size: number): number {
  return Math.min(size, ctx.physMax - base);
}

/** memblock_insert_region (mm/memblock.c) */
function insertRegion(ctx: RegionContext, type: MemblockType, idx: number, base: number, size: number, nid: number, flags: number): void {
  if (type.regions.length >= type.max) throw new Error('memblock_insert_region: array full (BUG_ON)');
  type.regions.splice(idx, 0, { base, size, flags, nid: regionNid(ctx, nid) });
  type.totalSize += size;
}

/** memblock_remove_region (mm/memblock.c): an emptied array gets back its dummy, nid MAX_NUMNODES. */
export function removeRegion(ctx: RegionContext, type: MemblockType, r: number): void {
  type.totalSize -= type.regions[r]!.size;
  type.regions.splice(r, 1);
  if (type.regions.length === 0) {
    type.regions.push({ base: 0, size: 0, flags: 0, nid: regionNid(ctx, ctx.maxNumnodes) });
  }
}

/** memblock_merge_regions (mm/memblock.c): join touching neighbours with equal nid and flags. */
export function mergeRegions(type: MemblockType): void {
  const rs = type.regions;
  let i = 0;
  while (i < rs.length - 1) {
    const a = rs[i]!;
    const b = rs[i + 1]!;
    if (a.base + a.size !== b.base || a.nid !== b.nid || a.flags !== b.flags) {
      if (a.base + a.size > b.base) throw new Error(`memblock_merge_regions: ${type.name} overlap (BUG_ON)`);
      i++;
      continue;
    }
    a.size += b.size;
    rs.splice(i + 1, 1);
  }
}

/**
 * memblock_add_range (mm/memblock.c): insert the parts of [base, base+size) not yet covered,
 * with nid and flags; covered parts keep their own (the kernel only WARNs on a mismatch).
 * Returns the WARN texts, if any.
 */
export function addRange(ctx: RegionContext, type: MemblockType, base: number, sizeIn: number, nid: number, flags: number): string[] {
  const warns: string[] = [];
  const size = capSize(ctx, base, sizeIn);
  if (size === 0) return warns;
  const end = base + size;
  const rs = type.regions;
  if (rs[0]!.size === 0) {
    // the array holds only the empty dummy (WARN_ON(type->cnt != 1 || type->total_size))
    rs[0] = { base, size, flags, nid: regionNid(ctx, nid) };
    type.totalSize = size;
    return warns;
  }
  // first pass counts the new regions, so the array can be grown before inserting
  for (let insert = false; ; insert = true) {
    let b = base;
    let nrNew = 0;
    let idx = 0;
    for (; idx < rs.length; idx++) {
      const rbase = rs[idx]!.base;
      const rend = rbase + rs[idx]!.size;
      if (rbase >= end) break;
      if (rend <= b) continue;
      if (rbase > b) {
        if (!insert) {
          if (regionNid(ctx, nid) !== rs[idx]!.nid) warns.push(`memblock_add_range: ${type.name} nid mismatch at region ${idx}`);
          if (flags !== rs[idx]!.flags) warns.push(`memblock_add_range: ${type.name} flags mismatch at region ${idx}`);
        }
        nrNew++;
        if (insert) insertRegion(ctx, type, idx++, b, rbase - b, nid, flags);
      }
      b = Math.min(rend, end);
    }
    if (b < end) {
      nrNew++;
      if (insert) insertRegion(ctx, type, idx, b, end - b, nid, flags);
    }
    if (nrNew === 0) return warns;
    if (insert) {
      mergeRegions(type);
      return warns;
    }
    if (rs.length + nrNew > type.max) ctx.grow(type, nrNew, base, size);
  }
}

/**
 * memblock_isolate_range (mm/memblock.c): split regions crossing base or base+size so the range
 * is covered by whole regions; returns [start_rgn, end_rgn) (both 0 when nothing is inside).
 */
export function isolateRange(ctx: RegionContext, type: MemblockType, base: number, sizeIn: number): [number, number] {
  let startRgn = 0;
  let endRgn = 0;
  const size = capSize(ctx, base, sizeIn);
  if (size === 0) return [0, 0];
  const end = base + size;
  if (type.regions.length + 2 > type.max) ctx.grow(type, 2, base, size);
  const rs = type.regions;
  for (let idx = 0; idx < rs.length; idx++) {
    const rgn = rs[idx]!;
    const rbase = rgn.base;
    const rend = rbase + rgn.size;
    if (rbase >= end) break;
    if (rend <= base) continue;
    if (rbase < base) {
      // the region crosses base: split off the part below it; the rest is looked at next
      rgn.base = base;
      rgn.size -= base - rbase;
      type.totalSize -= base - rbase;
      insertRegion(ctx, type, idx, rbase, base - rbase, rgn.nid, rgn.flags);
    } else if (rend > end) {
      // the region crosses end: split off the part below end and look at it again
      rgn.base = end;
      rgn.size -= end - rbase;
      type.totalSize -= end - rbase;
      insertRegion(ctx, type, idx, rbase, end - rbase, rgn.nid, rgn.flags);
      idx--;
    } else {
      if (endRgn === 0) startRgn = idx;
      endRgn = idx + 1;
    }
  }
  return [startRgn, endRgn];
}

/** memblock_remove_range (mm/memblock.c) */
export function removeRange(ctx: RegionContext, type: MemblockType, base: number, size: number): void {
  const [s, e] = isolateRange(ctx, type, base, size);
  for (let i = e - 1; i >= s; i--) removeRegion(ctx, type, i);
}

/** memblock_search (mm/memblock.c): index of the region containing addr, or -1. */
export function searchRegion(type: MemblockType, addr: number): number {
  let lo = 0;
  let hi = type.regions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = type.regions[mid]!;
    if (addr < r.base) hi = mid;
    else if (addr >= r.base + r.size) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** memblock_addrs_overlap (mm/memblock.c) */
export function addrsOverlap(base1: number, size1: number, base2: number, size2: number): boolean {
  return base1 < base2 + size2 && base2 < base1 + size1;
}

/** memblock_overlaps_region (mm/memblock.c) */
export function overlapsRegion(ctx: RegionContext, type: MemblockType, base: number, sizeIn: number): boolean {
  const size = capSize(ctx, base, sizeIn);
  return type.regions.some((r) => addrsOverlap(base, size, r.base, r.size));
}
