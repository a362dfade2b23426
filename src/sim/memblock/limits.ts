/**
 * The memblock operations that cut memory down (mm/memblock.c): memblock_cap_memory_range,
 * memblock_mem_limit_remove_map / memblock_enforce_memory_limit with __find_max_addr,
 * memblock_trim_memory; and memblock_double_array, which grows a full region array.
 */
import type { VersionRules } from '../kernel-behaviour';
import { MmError } from '../errors';
import { MEMBLOCK_NOMAP, PAGE_SIZE } from '../types';
import * as A from './alloc';
import { fmtPa, isPowerOfTwo, roundDown, roundUp } from './format';
import * as R from './region-array';
import type { MemblockType, RegionContext } from './region-array';

/** Where a doubled array lives in physical memory (null: the static __initdata array). */
export type ArrayHome = { addr: number; size: number } | null;

export interface LimitHost extends A.AllocHost {
  readonly rules: Pick<VersionRules, 'memblock'>;
  readonly numa: boolean;
  readonly canResize: boolean;
  dbg(line: string): void;
  /** memblock_free / memblock_phys_free with the given caller */
  freeFrom(base: number, size: number, caller: string): void;
}

/** memblock_cap_memory_range (mm/memblock.c): keep [base, base+size) and NOMAP memory outside it. */
export function applyCapMemoryRange(h: LimitHost, ctx: RegionContext, memory: MemblockType, reserved: MemblockType, base: number, size: number): void {
  if (size === 0) return;
  if (memory.totalSize === 0) {
    h.warn('memblock_cap_memory_range: No memory registered yet');
    return;
  }
  const [start, end] = R.isolateRange(ctx, memory, base, size);
  for (let i = memory.regions.length - 1; i >= end; i--) {
    if ((memory.regions[i]!.flags & MEMBLOCK_NOMAP) === 0) R.removeRegion(ctx, memory, i);
  }
  for (let i = start - 1; i >= 0; i--) {
    if ((memory.regions[i]!.flags & MEMBLOCK_NOMAP) === 0) R.removeRegion(ctx, memory, i);
  }
  R.removeRange(ctx, reserved, 0, base);
  R.removeRange(ctx, reserved, base + R.capSize(ctx, base, size), ctx.physMax);
}

/**
 * __find_max_addr (mm/memblock.c): walk memory (NOMAP included) subtracting sizes until limit
 * falls inside a region; PHYS_ADDR_MAX when limit exceeds the total.
 */
export function findMaxAddr(ctx: RegionContext, memory: MemblockType, limitIn: number): number {
  let limit = limitIn;
  for (const r of memory.regions) {
    if (limit <= r.size) return r.base + limit;
    limit -= r.size;
  }
  return ctx.physMax;
}

/** memblock_mem_limit_remove_map (mm/memblock.c) */
export function applyMemLimitRemoveMap(h: LimitHost, ctx: RegionContext, memory: MemblockType, reserved: MemblockType, limit: number): void {
  if (limit === 0) return;
  const maxAddr = findMaxAddr(ctx, memory, limit);
  if (maxAddr === ctx.physMax) return;
  applyCapMemoryRange(h, ctx, memory, reserved, 0, maxAddr);
}

/** memblock_enforce_memory_limit (mm/memblock.c): truncate memory and reserved at the address. */
export function applyEnforceMemoryLimit(ctx: RegionContext, memory: MemblockType, reserved: MemblockType, limit: number): void {
  if (limit === 0) return;
  const maxAddr = findMaxAddr(ctx, memory, limit);
  if (maxAddr === ctx.physMax) return;
  R.removeRange(ctx, memory, maxAddr, ctx.physMax);
  R.removeRange(ctx, reserved, maxAddr, ctx.physMax);
}

/**
 * memblock_trim_memory (mm/memblock.c): shrink each memory region to align boundaries, delete
 * the ones that vanish. The kernel does not update memory.total_size for shrunk regions; nor do we.
 */
export function applyTrimMemory(ctx: RegionContext, memory: MemblockType, align: number): void {
  if (!isPowerOfTwo(align)) throw new MmError('MEMBLOCK_BAD_ALIGN', `alignment must be a power of two, got ${align}`, 'memblock_trim_memory');
  for (let i = 0; i < memory.regions.length; i++) {
    const r = memory.regions[i]!;
    const origStart = r.base;
    const origEnd = r.base + r.size;
    const start = roundUp(origStart, align);
    const end = roundDown(origEnd, align);
    if (start === origStart && end === origEnd) continue;
    if (start < end) {
      r.base = start;
      r.size = end - start;
    } else {
      R.removeRegion(ctx, memory, i);
      i--;
    }
  }
}

/**
 * memblock_double_array (mm/memblock.c), slab not yet available: find a page-aligned home
 * for twice the slots (avoiding [newAreaStart, +newAreaSize) for reserved), log, free the old
 * home if it was itself allocated, and reserve the new one. Without memblock_allow_resize the
 * kernel panics; here that is MmError MEMBLOCK_FULL.
 */
export function doubleArray(h: LimitHost, homes: Record<'memory' | 'reserved', ArrayHome>, type: MemblockType, extra: number, newAreaStart: number, newAreaSize: number): void {
  while (type.regions.length + extra > type.max) {
    const fail = `memblock: Failed to double ${type.name} array from ${type.max} to ${type.max * 2} entries !`;
    if (!h.canResize) throw new MmError('MEMBLOCK_FULL', fail, `memblock.${type.name}`);
    // sizeof(struct memblock_region): base, size (phys_addr_t), flags (enum), nid (int, NUMA only)
    const regionBytes = h.physAddrBytes === 8 ? 24 : h.numa ? 16 : 12;
    const newSize = type.max * regionBytes * 2;
    const newAllocSize = roundUp(newSize, PAGE_SIZE);
    let start = newAreaStart;
    let size = newAreaSize;
    if (type.name !== 'reserved') start = size = 0;
    let addr = A.findInRange(h, start + size, h.currentLimit, newAllocSize, PAGE_SIZE);
    if (addr === 0 && size !== 0) addr = A.findInRange(h, 0, Math.min(start, h.currentLimit), newAllocSize, PAGE_SIZE);
    if (addr === 0) throw new MmError('MEMBLOCK_FULL', fail, `memblock.${type.name}`);
    h.dbg(`memblock: ${type.name} is doubled to ${type.max * 2} at [${fmtPa(addr, h.physAddrBytes)}-${fmtPa(addr + newSize - 1, h.physAddrBytes)}]`);
    type.max *= 2;
    const old = homes[type.name];
    homes[type.name] = { addr, size: newAllocSize };
    if (old) h.freeFrom(old.addr, old.size, h.rules.memblock.doubleArrayFreeFn);
    h.reserveFrom(addr, newAllocSize, 'memblock_double_array');
  }
}
