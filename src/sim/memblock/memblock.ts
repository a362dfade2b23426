/**
 * Memblock: the boot-time physical memory manager of mm/memblock.c (5.10 and 6.1), with its
 * two region arrays, the memblock=debug log, the allocator and the limit operations.
 * All state is plain data, so clone() is a cheap deep copy.
 */
import { isKernelVersion, versionRules, type VersionRules } from '../kernel-behaviour';
import { MmError } from '../errors';
import type { Arch } from '../types';
import { MEMBLOCK_MIRROR, MEMBLOCK_NOMAP, MEMBLOCK_HOTPLUG, NUMA_NO_NODE } from '../types';
import * as A from './alloc';
import { memblockDebugShow, memblockDumpAll } from './dump';
import { checkPhys, fmtHashX, fmtLlu, fmtLlx, fmtPa, physLast, physMaxFor, PHYS_ADDR_MAX, type PhysAddrBytes } from './format';
import { freeMemRanges, memPfnRanges, type FreeRange, type PfnRange } from './iterate';
import * as R from './region-array';
import type { MemblockRegion, MemblockType, RegionContext } from './region-array';
import { applyCapMemoryRange, applyEnforceMemoryLimit, applyMemLimitRemoveMap, applyTrimMemory, doubleArray, type ArrayHome, type LimitHost } from './limits';

/** MEMBLOCK_ALLOC_ANYWHERE (~(phys_addr_t)0): the PHYS_ADDR_MAX sentinel, printed as all-ones. */
export const MEMBLOCK_ALLOC_ANYWHERE = PHYS_ADDR_MAX;
export { MEMBLOCK_ALLOC_ACCESSIBLE } from './alloc';
/** INIT_MEMBLOCK_REGIONS */
export const INIT_MEMBLOCK_REGIONS = 128;

export interface MemblockOptions {
  kernel: '5.10' | '6.1';
  physAddrBytes: PhysAddrBytes;
  /** MAX_NUMNODES = 1 << CONFIG_NODES_SHIFT; the nid of regions added without a node */
  maxNumnodes: number;
  /** CONFIG_NUMA */
  numa: boolean;
  /** memblock=debug */
  debug: boolean;
  /** picks the %pS text of memblock_alloc_range_nid's own reserve call (from the oracle boots) */
  arch?: Arch;
  /** overrides that text */
  allocRangeCaller?: string;
  /** SMP_CACHE_BYTES (64 on arm64, x86_64 and ARMv7) */
  smpCacheBytes?: number;
  /** movable_node on the command line */
  movableNode?: boolean;
}

/** %pS of the memblock_reserve call inside memblock_alloc_range_nid, as the Debian kernels print it. */
const ALLOC_RANGE_CALLER: Record<string, string> = {
  'arm64/6.1': 'memblock_alloc_range_nid+0xe8/0x17c',
  'arm64/5.10': 'memblock_alloc_range_nid+0xf0/0x158',
  'arm/6.1': 'memblock_alloc_range_nid+0xe4/0x198',
  'x86_64/6.1': 'memblock_alloc_range_nid+0xb0/0x13d',
  'x86_64/5.10': 'memblock_alloc_range_nid+0xb4/0x126',
};

/** What %pS prints for a caller address the simulator does not know. */
export const DEFAULT_CALLER = '0x0';

export interface AllocTryNidOptions {
  raw?: boolean;
  exactNid?: boolean;
  caller?: string;
}

export class Memblock implements LimitHost {
  readonly kernel: '5.10' | '6.1';
  /** the version's memblock rules (kernel-behaviour.ts) */
  readonly rules: VersionRules;
  readonly physAddrBytes: PhysAddrBytes;
  readonly maxNumnodes: number;
  readonly numa: boolean;
  /** memblock=debug; mutable because the kernel parses it after the first memblock_add calls */
  debug: boolean;
  readonly smpCacheBytes: number;
  readonly movableNode: boolean;
  readonly allocRangeCaller: string;
  readonly arch: Arch | undefined;
  /** memblock=debug lines, without timestamps (only filled when debug) */
  readonly log: string[] = [];
  /** WARN/pr_warn texts the kernel would print (always collected) */
  readonly warnings: string[] = [];
  bottomUp = false;
  /** system_has_some_mirror */
  hasMirror = false;
  /** memblock_can_resize (memblock_allow_resize) */
  canResize = false;
  private _limit: number;
  private _memory: MemblockType;
  private _reserved: MemblockType;
  private readonly homes: Record<'memory' | 'reserved', ArrayHome> = { memory: null, reserved: null };
  private readonly ctx: RegionContext;

  constructor(opts: MemblockOptions) {
    if (!isKernelVersion(opts.kernel)) throw new MmError('MEMBLOCK_BAD_OPTION', `unknown kernel ${String(opts.kernel)}`, 'MemblockOptions.kernel');
    if (opts.physAddrBytes !== 4 && opts.physAddrBytes !== 8) throw new MmError('MEMBLOCK_BAD_OPTION', `physAddrBytes must be 4 or 8, got ${String(opts.physAddrBytes)}`, 'MemblockOptions.physAddrBytes');
    if (!Number.isInteger(opts.maxNumnodes) || opts.maxNumnodes < 1) throw new MmError('MEMBLOCK_BAD_OPTION', `maxNumnodes must be a positive integer, got ${opts.maxNumnodes}`, 'MemblockOptions.maxNumnodes');
    this.kernel = opts.kernel;
    this.rules = versionRules(opts.kernel);
    this.physAddrBytes = opts.physAddrBytes;
    this.maxNumnodes = opts.maxNumnodes;
    this.numa = opts.numa;
    this.debug = opts.debug;
    this.arch = opts.arch;
    this.smpCacheBytes = opts.smpCacheBytes ?? 64;
    this.movableNode = opts.movableNode ?? false;
    this.allocRangeCaller = opts.allocRangeCaller ?? ALLOC_RANGE_CALLER[`${opts.arch}/${opts.kernel}`] ?? 'memblock_alloc_range_nid';
    this._limit = physMaxFor(opts.physAddrBytes);
    this._memory = R.newType('memory', INIT_MEMBLOCK_REGIONS);
    this._reserved = R.newType('reserved', INIT_MEMBLOCK_REGIONS);
    this.ctx = {
      numa: this.numa,
      maxNumnodes: this.maxNumnodes,
      physMax: physMaxFor(this.physAddrBytes),
      grow: (type, extra, start, size) => doubleArray(this, this.homes, type, extra, start, size),
    };
  }

  get memory(): readonly MemblockRegion[] { return this._memory.regions; }
  get reserved(): readonly MemblockRegion[] { return this._reserved.regions; }
  /** the struct memblock_type objects (name, regions, max, totalSize); do not mutate */
  get memoryType(): Readonly<MemblockType> { return this._memory; }
  get reservedType(): Readonly<MemblockType> { return this._reserved; }
  get physMax(): number { return this.ctx.physMax; }

  /** memblock.current_limit (memblock_set_current_limit); MEMBLOCK_ALLOC_ANYWHERE by default */
  get currentLimit(): number { return this._limit; }
  set currentLimit(v: number) { this._limit = checkPhys(v, 'current_limit', 'memblock_set_current_limit', this.physAddrBytes); }

  /** memblock_allow_resize */
  allowResize(): void { this.canResize = true; }

  // ---- logging ----------------------------------------------------------------------------
  /** memblock_dbg: pr_info only when memblock=debug */
  dbg(line: string): void { if (this.debug) this.log.push(line); }
  warn(msg: string): void { this.warnings.push(msg); }
  pa(v: number | bigint): string { return fmtPa(v, this.physAddrBytes); }
  private rangeLine(fn: string, base: number, size: number, caller: string): void {
    if (this.debug) this.log.push(`${fn}: [${this.pa(base)}-${this.pa(physLast(base, size, this.physAddrBytes))}] ${caller}`);
  }

  private arg(v: number, what: string, fn: string): number { return checkPhys(v, what, fn, this.physAddrBytes); }
  private range(base: number, size: number, fn: string): [number, number] {
    const b = this.arg(base, 'base', fn);
    const s = this.arg(size, 'size', fn);
    if (this.physAddrBytes === 8 && s !== PHYS_ADDR_MAX && b + s > PHYS_ADDR_MAX) {
      throw new MmError('MEMBLOCK_BAD_ARG', `range ${fmtHashX(b)}+${fmtHashX(s)} ends above 2^53`, fn);
    }
    return [b, s];
  }
  private nidArg(nid: number, fn: string): number {
    if (!Number.isInteger(nid) || nid < NUMA_NO_NODE || nid > this.maxNumnodes) throw new MmError('MEMBLOCK_BAD_ARG', `nid ${nid} is not a node id (MAX_NUMNODES ${this.maxNumnodes})`, fn);
    return nid;
  }
  private addWarns(ws: string[]): void { for (const w of ws) this.warn(w); }

  // ---- basic operations ---------------------------------------------------------------------
  /** memblock_add (mm/memblock.c) */
  add(base: number, size: number, caller = DEFAULT_CALLER): void {
    const [b, s] = this.range(base, size, 'memblock_add');
    this.rangeLine('memblock_add', b, s, caller);
    this.addWarns(R.addRange(this.ctx, this._memory, b, s, this.maxNumnodes, 0));
  }

  /** memblock_add_node (mm/memblock.c); 5.10 takes no flags and logs nothing */
  addNode(base: number, size: number, nid: number, flags = 0, caller = DEFAULT_CALLER): void {
    const [b, s] = this.range(base, size, 'memblock_add_node');
    this.nidArg(nid, 'memblock_add_node');
    if (!this.rules.memblock.addNodeFlags && flags !== 0) throw new MmError('MEMBLOCK_BAD_ARG', `${this.kernel} memblock_add_node takes no flags, got ${fmtHashX(flags)}`, 'memblock_add_node');
    if (this.rules.memblock.addNodeFlags && this.debug) {
      this.log.push(`memblock_add_node: [${this.pa(b)}-${this.pa(physLast(b, s, this.physAddrBytes))}] nid=${nid} flags=${flags.toString(16)} ${caller}`);
    }
    this.addWarns(R.addRange(this.ctx, this._memory, b, s, nid, flags));
  }

  /** memblock_remove (mm/memblock.c) */
  remove(base: number, size: number, caller = DEFAULT_CALLER): void {
    const [b, s] = this.range(base, size, 'memblock_remove');
    this.rangeLine('memblock_remove', b, s, caller);
    R.removeRange(this.ctx, this._memory, b, s);
  }

  /** memblock_reserve (mm/memblock.c) */
  reserve(base: number, size: number, caller = DEFAULT_CALLER): void {
    const [b, s] = this.range(base, size, 'memblock_reserve');
    this.reserveFrom(b, s, caller);
  }

  /** memblock_reserve as called from inside memblock (alloc, array doubling) */
  reserveFrom(base: number, size: number, caller: string): boolean {
    this.rangeLine('memblock_reserve', base, size, caller);
    this.addWarns(R.addRange(this.ctx, this._reserved, base, size, this.maxNumnodes, 0));
    return true;
  }

  /** memblock_free (5.10) / memblock_phys_free (6.1), mm/memblock.c */
  free(base: number, size: number, caller = DEFAULT_CALLER): void {
    const fn = this.rules.memblock.freeFn;
    const [b, s] = this.range(base, size, fn);
    this.freeFrom(b, s, caller);
  }

  /**
   * memblock_free_late (6.1) / __memblock_free_late (5.10), mm/memblock.c: after the hand-over
   * to the buddy allocator; logs, leaves memblock.reserved alone, and returns the whole pages
   * [PFN_UP(base), PFN_DOWN(base+size)) that the caller frees to the buddy allocator.
   */
  freeLate(base: number, size: number, caller = DEFAULT_CALLER): { startPfn: number; endPfn: number } {
    const fn = this.rules.memblock.freeLateFn;
    const [b, s] = this.range(base, size, fn);
    this.rangeLine(fn, b, s, caller);
    return { startPfn: Math.ceil(b / 4096), endPfn: Math.floor((b + s) / 4096) };
  }

  /** memblock_free / memblock_phys_free as called from inside memblock */
  freeFrom(base: number, size: number, caller: string): void {
    this.rangeLine(this.rules.memblock.freeFn, base, size, caller);
    R.removeRange(this.ctx, this._reserved, base, size);
  }

  /** memblock_setclr_flag (mm/memblock.c): isolate in memory, set or clear, merge */
  private setclrFlag(base: number, size: number, set: boolean, flag: number, fn: string): void {
    const [b, s] = this.range(base, size, fn);
    const [start, end] = R.isolateRange(this.ctx, this._memory, b, s);
    for (let i = start; i < end; i++) {
      const r = this._memory.regions[i]!;
      r.flags = set ? r.flags | flag : r.flags & ~flag;
    }
    R.mergeRegions(this._memory);
  }
  markHotplug(base: number, size: number): void { this.setclrFlag(base, size, true, MEMBLOCK_HOTPLUG, 'memblock_mark_hotplug'); }
  clearHotplug(base: number, size: number): void { this.setclrFlag(base, size, false, MEMBLOCK_HOTPLUG, 'memblock_clear_hotplug'); }
  /** memblock_mark_mirror: also sets system_has_some_mirror */
  markMirror(base: number, size: number): void {
    this.hasMirror = true;
    this.setclrFlag(base, size, true, MEMBLOCK_MIRROR, 'memblock_mark_mirror');
  }
  markNomap(base: number, size: number): void { this.setclrFlag(base, size, true, MEMBLOCK_NOMAP, 'memblock_mark_nomap'); }
  clearNomap(base: number, size: number): void { this.setclrFlag(base, size, false, MEMBLOCK_NOMAP, 'memblock_clear_nomap'); }

  /** memblock_set_node (mm/memblock.c): a no-op without CONFIG_NUMA. x86 also applies it to reserved. */
  setNode(base: number, size: number, nid: number, type: 'memory' | 'reserved' = 'memory'): void {
    const [b, s] = this.range(base, size, 'memblock_set_node');
    this.nidArg(nid, 'memblock_set_node');
    if (!this.numa) return;
    const t = type === 'memory' ? this._memory : this._reserved;
    const [start, end] = R.isolateRange(this.ctx, t, b, s);
    for (let i = start; i < end; i++) t.regions[i]!.nid = nid;
    R.mergeRegions(t);
  }

  /** memblock_isolate_range (mm/memblock.c), exposed for notebooks: returns [start_rgn, end_rgn) */
  isolateRange(type: 'memory' | 'reserved', base: number, size: number): [number, number] {
    const [b, s] = this.range(base, size, 'memblock_isolate_range');
    return R.isolateRange(this.ctx, type === 'memory' ? this._memory : this._reserved, b, s);
  }

  // ---- limits -------------------------------------------------------------------------------
  /** memblock_cap_memory_range (mm/memblock.c) */
  capMemoryRange(base: number, size: number): void {
    const [b, s] = this.range(base, size, 'memblock_cap_memory_range');
    applyCapMemoryRange(this, this.ctx, this._memory, this._reserved, b, s);
  }
  /** memblock_mem_limit_remove_map (mm/memblock.c): arm64 mem= (keeps NOMAP above the limit) */
  memLimitRemoveMap(limit: number): void {
    applyMemLimitRemoveMap(this, this.ctx, this._memory, this._reserved, this.arg(limit, 'limit', 'memblock_mem_limit_remove_map'));
  }
  /** memblock_enforce_memory_limit (mm/memblock.c) */
  enforceMemoryLimit(limit: number): void {
    applyEnforceMemoryLimit(this.ctx, this._memory, this._reserved, this.arg(limit, 'limit', 'memblock_enforce_memory_limit'));
  }
  /** memblock_trim_memory (mm/memblock.c); like the kernel, it does not update memory.total_size */
  trimMemory(align: number): void {
    applyTrimMemory(this.ctx, this._memory, this.arg(align, 'align', 'memblock_trim_memory'));
  }

  // ---- allocation ---------------------------------------------------------------------------
  /** memblock_find_in_range_node (mm/memblock.c); 0 = failure */
  findInRangeNode(size: number, align: number, start: number, end: number, nid: number, flags: number): number {
    const fn = 'memblock_find_in_range_node';
    return A.findInRangeNode(this, this.arg(size, 'size', fn), this.arg(align, 'align', fn), this.arg(start, 'start', fn), this.arg(end, 'end', fn), this.nidArg(nid, fn), flags);
  }
  /** memblock_find_in_range (mm/memblock.c) */
  findInRange(start: number, end: number, size: number, align: number): number {
    const fn = 'memblock_find_in_range';
    return A.findInRange(this, this.arg(start, 'start', fn), this.arg(end, 'end', fn), this.arg(size, 'size', fn), this.arg(align, 'align', fn));
  }
  /** memblock_alloc_range_nid (mm/memblock.c). `caller` is unused: the function logs nothing itself. */
  allocRangeNid(size: number, align: number, start: number, end: number, nid: number, exactNid: boolean, _caller?: string): number {
    const fn = 'memblock_alloc_range_nid';
    return A.allocRangeNid(this, this.arg(size, 'size', fn), this.arg(align, 'align', fn), this.arg(start, 'start', fn), this.arg(end, 'end', fn), this.nidArg(nid, fn), exactNid);
  }
  /** memblock_phys_alloc_range (mm/memblock.c): logs its line in 6.1 only; no current_limit clamp */
  physAllocRange(size: number, align: number, start: number, end: number, caller = DEFAULT_CALLER): number {
    const fn = 'memblock_phys_alloc_range';
    const [s, a, st, e] = [this.arg(size, 'size', fn), this.arg(align, 'align', fn), this.arg(start, 'start', fn), this.arg(end, 'end', fn)];
    if (this.rules.memblock.physAllocDebugLine) this.dbg(`${fn}: ${fmtLlu(s)} bytes align=0x${fmtLlx(a)} from=${this.pa(st)} max_addr=${this.pa(e)} ${caller}`);
    return A.allocRangeNid(this, s, a, st, e, NUMA_NO_NODE, false);
  }
  /** memblock_phys_alloc_try_nid (mm/memblock.c): no log line */
  physAllocTryNid(size: number, align: number, nid: number): number {
    return this.allocRangeNid(size, align, 0, A.MEMBLOCK_ALLOC_ACCESSIBLE, nid, false);
  }
  /**
   * memblock_alloc_try_nid / memblock_alloc_try_nid_raw / memblock_alloc_exact_nid_raw with
   * memblock_alloc_internal (mm/memblock.c): log, clamp max_addr to current_limit, allocate,
   * and retry from 0 when min_addr was set. Returns the physical address, 0 on failure.
   */
  allocTryNid(size: number, align: number, minAddr: number, maxAddr: number, nid: number, opts: AllocTryNidOptions = {}): number {
    const exact = opts.exactNid ?? false;
    const raw = opts.raw ?? false;
    if (exact && !raw) throw new MmError('MEMBLOCK_BAD_ARG', 'exactNid exists only as memblock_alloc_exact_nid_raw: pass raw too', 'memblock_alloc_try_nid');
    const fn = exact ? 'memblock_alloc_exact_nid_raw' : raw ? 'memblock_alloc_try_nid_raw' : 'memblock_alloc_try_nid';
    const [s, a, lo] = [this.arg(size, 'size', fn), this.arg(align, 'align', fn), this.arg(minAddr, 'min_addr', fn)];
    let hi = this.arg(maxAddr, 'max_addr', fn);
    this.nidArg(nid, fn);
    this.dbg(`${fn}: ${fmtLlu(s)} bytes align=0x${fmtLlx(a)} nid=${nid} from=${this.pa(lo)} max_addr=${this.pa(hi)} ${opts.caller ?? DEFAULT_CALLER}`);
    if (hi > this._limit) hi = this._limit;
    let found = A.allocRangeNid(this, s, a, lo, hi, nid, exact);
    if (found === 0 && lo !== 0) found = A.allocRangeNid(this, s, a, 0, hi, nid, exact);
    return found;
  }

  // ---- queries ------------------------------------------------------------------------------
  /** memblock_phys_mem_size */
  physMemSize(): number { return this._memory.totalSize; }
  /** memblock_reserved_size */
  reservedSize(): number { return this._reserved.totalSize; }
  /** memblock_start_of_DRAM */
  startOfDram(): number { return this._memory.regions[0]!.base; }
  /** memblock_end_of_DRAM */
  endOfDram(): number {
    const r = this._memory.regions[this._memory.regions.length - 1]!;
    return r.base + r.size;
  }
  /** for_each_mem_pfn_range (includes NOMAP); nid omitted = all nodes (MAX_NUMNODES) */
  memPfnRanges(nid?: number): PfnRange[] { return memPfnRanges(this._memory, nid ?? this.maxNumnodes, this.maxNumnodes); }
  /** for_each_free_mem_range[_reverse]: memory minus reserved, filtered by should_skip_region */
  freeRanges(opts: { nid?: number; flags?: number; reverse?: boolean } = {}): FreeRange[] {
    let nid = opts.nid ?? NUMA_NO_NODE;
    if (nid === this.maxNumnodes) {
      this.warn('__next_mem_range: Usage of MAX_NUMNODES is deprecated. Use NUMA_NO_NODE instead');
      nid = NUMA_NO_NODE;
    }
    return freeMemRanges({ rules: this.rules, movableNode: this.movableNode }, this._memory, this._reserved, this.ctx.physMax, nid, opts.flags ?? 0, opts.reverse ?? false);
  }
  /** memblock_overlaps_region(&memblock.reserved) = memblock_is_region_reserved */
  overlapsReserved(base: number, size: number): boolean { return R.overlapsRegion(this.ctx, this._reserved, ...this.range(base, size, 'memblock_is_region_reserved')); }
  overlapsMemory(base: number, size: number): boolean { return R.overlapsRegion(this.ctx, this._memory, ...this.range(base, size, 'memblock_overlaps_region')); }
  /** memblock_is_region_memory: [base, base+size) lies inside one memory region */
  isRegionMemory(base: number, size: number): boolean {
    const [b, s] = this.range(base, size, 'memblock_is_region_memory');
    const idx = R.searchRegion(this._memory, b);
    if (idx === -1) return false;
    const r = this._memory.regions[idx]!;
    return r.base + r.size >= b + R.capSize(this.ctx, b, s);
  }
  /** memblock_is_memory */
  isMemory(addr: number): boolean { return R.searchRegion(this._memory, addr) !== -1; }
  /** memblock_is_map_memory: memory and not NOMAP */
  isMapMemory(addr: number): boolean {
    const i = R.searchRegion(this._memory, addr);
    return i !== -1 && (this._memory.regions[i]!.flags & MEMBLOCK_NOMAP) === 0;
  }
  /** memblock_is_reserved */
  isReserved(addr: number): boolean { return R.searchRegion(this._reserved, addr) !== -1; }

  // ---- output -------------------------------------------------------------------------------
  /** __memblock_dump_all lines (what memblock_dump_all prints under memblock=debug) */
  dumpAll(): string[] {
    return memblockDumpAll(this._memory, this._reserved, { physAddrBytes: this.physAddrBytes, numa: this.numa, maxNumnodes: this.maxNumnodes });
  }
  /** memblock_dump_all: appends the dump to the log when memblock=debug */
  logDumpAll(): void { if (this.debug) this.log.push(...this.dumpAll()); }
  /** the debugfs listing /sys/kernel/debug/memblock/{memory,reserved} */
  debugfs(type: 'memory' | 'reserved'): string {
    return memblockDebugShow(type === 'memory' ? this._memory : this._reserved, this.physAddrBytes);
  }

  clone(): Memblock {
    const c = new Memblock({
      kernel: this.kernel, physAddrBytes: this.physAddrBytes, maxNumnodes: this.maxNumnodes, numa: this.numa, debug: this.debug,
      arch: this.arch, allocRangeCaller: this.allocRangeCaller, smpCacheBytes: this.smpCacheBytes, movableNode: this.movableNode,
    });
    c._memory = R.cloneType(this._memory);
    c._reserved = R.cloneType(this._reserved);
    c._limit = this._limit;
    c.bottomUp = this.bottomUp;
    c.hasMirror = this.hasMirror;
    c.canResize = this.canResize;
    c.homes.memory = this.homes.memory && { ...this.homes.memory };
    c.homes.reserved = this.homes.reserved && { ...this.homes.reserved };
    c.log.push(...this.log);
    c.warnings.push(...this.warnings);
    return c;
  }
}

