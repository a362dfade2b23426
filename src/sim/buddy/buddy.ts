/**
 * The buddy allocator's state (mm/page_alloc.c `struct free_area`, PageBuddy, the pageblock
 * bitmap), held in typed arrays indexed by pfn: no object per page and no allocation in the
 * alloc/free paths. Per page: Int32 next + Int32 prev (free_list links, meaningful on free block
 * heads only) + one state byte (page-state.ts) = 9 bytes; per pageblock: one migratetype byte.
 * The zone of a pfn comes from the zone spans (which must not overlap), not from per-page data.
 *
 * Free lists are doubly linked through the pfn arrays with a head and a tail per
 * (zone, order, migratetype); "head" is list_add, "tail" is list_add_tail, and allocation takes
 * the head (list_first_entry), exactly as the kernel does.
 *
 * Counters per zone: managed (zone->managed_pages), NR_FREE_PAGES, NR_FREE_CMA_PAGES (updated like
 * __mod_zone_freepage_state: by the migratetype passed to the free, and by the list taken from on
 * allocation) and cma_pages.
 */
import { MmError } from '../errors';
import { isKernelVersion, KERNEL_VERSIONS, versionRules, type VersionRules } from '../kernel-behaviour';
import { MIGRATE_CMA, MIGRATE_ISOLATE, MIGRATE_TYPES } from '../types';
import { checkBuddyInvariants } from './invariants';
import { memmapInit } from './memmap';
import { deferredFreeRange, freeHighpages, freePagesMemory, memblockFreeAll, type PfnRange } from './free-pages-core';
import { cmaActivateArea } from './cma-activate';
import { freeOneCore } from './free-one-page';
import { moveFreepagesBlock, moveToFreeList } from './move-freepages';
import { blocksByType } from './blocks-by-type';
import { BuddyZones, type BuddyZoneSpec } from './buddy-zones';
import { PS_BUDDY, PS_FREE_TAIL, PS_HOLE, PS_INUSE, PS_ORDER_MASK, PS_RESERVED, buddyTag, pageStateName, type PageStateName } from './page-state';

export type { BuddyZoneSpec } from './buddy-zones';
export type { PfnRange } from './free-pages-core';

export interface BuddyOptions {
  kernel: '5.10' | '6.1';
  /** first pfn with state (inclusive) */
  basePfn: number;
  /** end pfn (exclusive); must be ≤ 2^31 */
  endPfn: number;
  pageblockOrder: number;
  /** MAX_ORDER (exclusive: orders 0..maxOrder-1; the profile decides, 11 or 12) */
  maxOrder: number;
  zones: BuddyZoneSpec[];
  /** PFN_SECTION_SHIFT (SPARSEMEM): when given, a pfn "exists" for pagetypeinfo if its memory section is present */
  sectionShift?: number;
}

export interface FreeFlags {
  /** FPI_TO_TAIL */
  toTail?: boolean;
}

const MAX_PFN_LIMIT = 2 ** 31;
/** pbZone value of a pageblock whose pfns are not all in one zone */
export const PB_ZONE_MIXED = 0xff;

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

export class Buddy {
  readonly kernel: '5.10' | '6.1';
  /** the kernel version's rules (kernel-behaviour.ts) */
  readonly rules: VersionRules;
  readonly basePfn: number;
  readonly endPfn: number;
  readonly pageblockOrder: number;
  readonly maxOrder: number;
  readonly sectionShift: number | undefined;
  /** @internal zone spans and per-zone counters */
  readonly z: BuddyZones;
  /** @internal free_list links by pfn − basePfn (−1 = none) */
  readonly next: Int32Array;
  /** @internal */
  readonly prev: Int32Array;
  /** @internal per-pfn state byte (page-state.ts) */
  readonly tag: Uint8Array;
  /** @internal pageblock migratetypes, index (pfn >> pageblockOrder) − pbBase */
  readonly pbType: Uint8Array;
  /** @internal */
  readonly pbBase: number;
  /** @internal list heads/tails/block counts, index ((zone * maxOrder) + order) * MIGRATE_TYPES + mt */
  readonly head: Int32Array;
  /** @internal */
  readonly tail: Int32Array;
  /** @internal */
  readonly nrFree: Int32Array;
  /** @internal present sections (only with sectionShift) */
  sectionPresent: Uint8Array | null = null;
  /** @internal per pageblock: the internal zone index holding all its pfns, or PB_ZONE_MIXED */
  readonly pbZone: Uint8Array;
  private readonly opts: BuddyOptions;

  /** `from`: copy that buddy's state (clone()); the options must be its own. */
  constructor(opts: BuddyOptions, from?: Buddy) {
    const where = 'BuddyOptions';
    if (!isKernelVersion(opts.kernel)) {
      throw new MmError('BUDDY_BAD_OPTIONS', `kernel must be one of ${KERNEL_VERSIONS.join(', ')}, got ${String(opts.kernel)}`, where);
    }
    if (!isInt(opts.maxOrder) || opts.maxOrder < 1 || opts.maxOrder > 15) {
      throw new MmError('BUDDY_BAD_OPTIONS', `maxOrder must be an integer in 1..15, got ${opts.maxOrder}`, where);
    }
    if (!isInt(opts.pageblockOrder) || opts.pageblockOrder < 0 || opts.pageblockOrder > opts.maxOrder - 1) {
      throw new MmError('BUDDY_BAD_OPTIONS', `pageblockOrder must be an integer in 0..maxOrder-1 (${opts.maxOrder - 1}), got ${opts.pageblockOrder}`, where);
    }
    if (!isInt(opts.basePfn) || !isInt(opts.endPfn) || opts.basePfn < 0 || opts.endPfn <= opts.basePfn || opts.endPfn > MAX_PFN_LIMIT) {
      throw new MmError('BUDDY_BAD_OPTIONS', `need integers 0 <= basePfn < endPfn <= 2^31, got basePfn=${opts.basePfn} endPfn=${opts.endPfn}`, where);
    }
    if (opts.sectionShift !== undefined && (!isInt(opts.sectionShift) || opts.sectionShift < 0 || opts.sectionShift > 30)) {
      throw new MmError('BUDDY_BAD_OPTIONS', `sectionShift must be an integer in 0..30, got ${opts.sectionShift}`, where);
    }
    this.opts = { ...opts, zones: opts.zones.map((z) => ({ ...z })) };
    this.kernel = opts.kernel;
    this.rules = versionRules(opts.kernel);
    this.basePfn = opts.basePfn;
    this.endPfn = opts.endPfn;
    this.pageblockOrder = opts.pageblockOrder;
    this.maxOrder = opts.maxOrder;
    this.sectionShift = opts.sectionShift;
    this.z = new BuddyZones(opts.zones, opts.basePfn, opts.endPfn);
    const n = opts.endPfn - opts.basePfn;
    this.pbBase = opts.basePfn >> opts.pageblockOrder;
    const lists = this.z.count * opts.maxOrder * MIGRATE_TYPES;
    if (from) {
      // one copy pass per array (a fresh typed array would be zero-filled first)
      this.next = from.next.slice();
      this.prev = from.prev.slice();
      this.tag = from.tag.slice();
      this.pbType = from.pbType.slice();
      this.head = from.head.slice();
      this.tail = from.tail.slice();
      this.nrFree = from.nrFree.slice();
      this.z.copyCountersFrom(from.z);
      this.sectionPresent = from.sectionPresent ? from.sectionPresent.slice() : null;
      this.pbZone = from.pbZone.slice();
      return;
    }
    this.next = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.tag = new Uint8Array(n);
    this.pbType = new Uint8Array(((opts.endPfn - 1) >> opts.pageblockOrder) - this.pbBase + 1);
    this.head = new Int32Array(lists).fill(-1);
    this.tail = new Int32Array(lists).fill(-1);
    this.nrFree = new Int32Array(lists);
    this.pbZone = new Uint8Array(this.pbType.length).fill(PB_ZONE_MIXED);
    for (let zi = 0; zi < this.z.count; zi++) {
      const s = this.z.start[zi];
      const e = this.z.end[zi];
      if (e <= s) continue;
      const first = Math.ceil(s / (1 << this.pageblockOrder)) * (1 << this.pageblockOrder);
      for (let p = first; p + (1 << this.pageblockOrder) <= e; p += 1 << this.pageblockOrder) this.pbZone[(p >> this.pageblockOrder) - this.pbBase] = zi;
    }
  }

  /** @internal page_zone(): the internal zone index of pfn (which must be in [basePfn, endPfn)), or −1. */
  zoneIndexOf(pfn: number): number {
    const zi = this.pbZone[(pfn >> this.pageblockOrder) - this.pbBase];
    return zi !== PB_ZONE_MIXED ? zi : this.z.indexOfPfn(pfn);
  }

  /**
   * @internal __rmqueue_smallest + expand without argument checks, for the run-time allocator: takes
   * the head of the first non-empty free_list[mt] at order..MAX_ORDER-1, splits it (upper halves to
   * the list heads), updates the free counters, and returns the taken block's index (pfn − basePfn)
   * or −1. The taken block's own state bytes are left for the caller to set. `countFree` false
   * leaves NR_FREE_PAGES to the caller (rmqueue_bulk subtracts it once, after its loop) and only
   * moves NR_FREE_CMA_PAGES, as the kernel's callers do.
   */
  takeSmallest(zi: number, order: number, mt: number, countFree = true): number {
    const { head, tail, next, prev, nrFree, tag } = this;
    const maxOrder = this.maxOrder;
    // the list of (zi, order, mt); one order up is MIGRATE_TYPES further
    const li0 = (zi * maxOrder + order) * MIGRATE_TYPES + mt;
    for (let o = order, li = li0; o < maxOrder; o++, li += MIGRATE_TYPES) {
      const h = head[li];
      if (h < 0) continue;
      // list_del of the head
      const nx = next[h];
      head[li] = nx;
      if (nx >= 0) prev[nx] = -1;
      else tail[li] = -1;
      nrFree[li]--;
      // expand: the upper halves to the heads of the lower orders' lists
      let size = 1 << o;
      const mtTag = buddyTag(0, mt);
      for (let high = o, lj = li; high > order; ) {
        high--;
        lj -= MIGRATE_TYPES;
        size >>= 1;
        const j = h + size;
        tag[j] = mtTag | high;
        const hj = head[lj];
        next[j] = hj;
        prev[j] = -1;
        if (hj >= 0) prev[hj] = j;
        else tail[lj] = j;
        head[lj] = j;
        nrFree[lj]++;
      }
      if (mt !== MIGRATE_ISOLATE) {
        if (countFree) this.z.free[zi] -= 1 << order;
        if (mt === MIGRATE_CMA) this.z.freeCma[zi] -= 1 << order;
      }
      return h;
    }
    return -1;
  }

  // ---- boot-time hand-over (memmap.ts, handover.ts, cma-activate.ts) ----

  /** memmap_init / memmap_init_range (mm/page_alloc.c): struct pages of memory in zones, MOVABLE pageblocks. */
  memmapInit(memoryPfnRanges: PfnRange[]): void {
    memmapInit(this, memoryPfnRanges);
  }
  /** __free_pages_memory (mm/memblock.c): maximal aligned chunks, each through __free_pages_core. */
  freePagesMemory(startPfn: number, endPfn: number): void {
    freePagesMemory(this, [{ start: startPfn, end: endPfn }], Infinity);
  }
  /** free_low_memory_core_early (mm/memblock.c): reset managed, free every free range below maxLowPfn. */
  memblockFreeAll(freePfnRanges: PfnRange[], maxLowPfn: number): void {
    memblockFreeAll(this, freePfnRanges, maxLowPfn);
  }
  /** free_highpages (arch/arm/mm/init.c): page by page through free_highmem_page. */
  freeHighpages(freePfnRanges: PfnRange[]): void {
    freeHighpages(this, freePfnRanges);
  }
  /** deferred_free_range (mm/page_alloc.c): a deferred-init piece of at most one pageblock. */
  deferredFreeRange(pfn: number, nrPages: number): void {
    deferredFreeRange(this, pfn, nrPages);
  }
  /** cma_activate_area (mm/cma.c). Returns false when the area could not be activated. */
  cmaActivateArea(basePfn: number, count: number): boolean {
    return cmaActivateArea(this, basePfn, count);
  }

  // ---- counters and views ----

  managed(zoneId: number): number {
    return this.z.managed[this.z.index(zoneId)];
  }
  freePages(zoneId: number): number {
    return this.z.free[this.z.index(zoneId)];
  }
  freeCma(zoneId: number): number {
    return this.z.freeCma[this.z.index(zoneId)];
  }
  cmaPages(zoneId: number): number {
    return this.z.cma[this.z.index(zoneId)];
  }
  /** adjust_managed_page_count (mm/page_alloc.c), for late frees of reserved memory. */
  adjustManagedPageCount(zoneId: number, delta: number): void {
    if (!isInt(delta)) throw new MmError('BUDDY_BAD_ARGUMENT', `managed page delta must be an integer, got ${delta}`, `zone ${zoneId}`);
    this.z.managed[this.z.index(zoneId)] += delta;
  }
  /** __mod_zone_freepage_state (mm/internal.h): callers that move free pages between lists fix counters with it. */
  modZoneFreepageState(zoneId: number, nrPages: number, mt: number): void {
    const zi = this.z.index(zoneId);
    this.z.free[zi] += nrPages;
    if (mt === MIGRATE_CMA) this.z.freeCma[zi] += nrPages;
  }
  /** zone->free_area[order].free_list[mt] lengths: [order][migratetype]. */
  freeArea(zoneId: number): number[][] {
    const zi = this.z.index(zoneId);
    const out: number[][] = [];
    for (let o = 0; o < this.maxOrder; o++) {
      const row: number[] = [];
      for (let mt = 0; mt < MIGRATE_TYPES; mt++) row.push(this.nrFree[this.listIndex(zi, o, mt)]);
      out.push(row);
    }
    return out;
  }
  /** pagetypeinfo_showblockcount_print (mm/vmstat.c): pageblocks per migratetype. */
  blocksByType(zoneId: number): number[] {
    return blocksByType(this, this.z.index(zoneId));
  }
  /** Free block heads of one list, head to tail. */
  listPfns(zoneId: number, order: number, mt: number): number[] {
    const zi = this.z.index(zoneId);
    this.checkOrderMt(order, mt, 'listPfns');
    const out: number[] = [];
    for (let i = this.head[this.listIndex(zi, order, mt)]; i >= 0; i = this.next[i]) out.push(i + this.basePfn);
    return out;
  }
  getPageblockMigratetype(pfn: number): number {
    this.checkPfn(pfn, 'getPageblockMigratetype');
    return this.pbType[(pfn >> this.pageblockOrder) - this.pbBase];
  }
  /** set_pageblock_migratetype (mm/page_alloc.c) */
  setPageblockMigratetype(pfn: number, mt: number): void {
    this.checkPfn(pfn, 'setPageblockMigratetype');
    this.checkOrderMt(0, mt, 'setPageblockMigratetype');
    this.pbType[(pfn >> this.pageblockOrder) - this.pbBase] = mt;
  }
  pageState(pfn: number): PageStateName {
    this.checkPfn(pfn, 'pageState');
    return pageStateName(this.tag[pfn - this.basePfn]);
  }
  /** buddy_order of a free block head, or −1 if pfn is not PageBuddy. */
  freeBlockOrder(pfn: number): number {
    this.checkPfn(pfn, 'freeBlockOrder');
    const t = this.tag[pfn - this.basePfn];
    return t & PS_BUDDY ? t & PS_ORDER_MASK : -1;
  }
  /** The zone id whose span holds pfn, or −1. */
  zoneIdOf(pfn: number): number {
    const zi = this.z.indexOfPfn(pfn);
    return zi < 0 ? -1 : this.z.ids[zi];
  }

  // ---- the buddy algorithm ----

  /** __free_one_page (mm/page_alloc.c). The pages must be reserved or in use; mt is the list to free to. */
  freeOnePage(pfn: number, order: number, mt: number, fpi?: FreeFlags): void {
    this.checkOrderMt(order, mt, 'freeOnePage');
    this.checkPfn(pfn, 'freeOnePage');
    const where = 'freeOnePage';
    if (pfn & ((1 << order) - 1)) throw new MmError('BUDDY_BAD_PFN', `pfn ${pfn} is not aligned to order ${order}`, where);
    if (pfn + (1 << order) > this.endPfn) throw new MmError('BUDDY_BAD_PFN', `order-${order} block at pfn ${pfn} runs past endPfn ${this.endPfn}`, where);
    const zi = this.z.indexOfPfn(pfn);
    if (zi < 0) throw new MmError('BUDDY_NO_ZONE', `pfn ${pfn} is in no zone`, where);
    if (pfn + (1 << order) > this.z.end[zi]) throw new MmError('BUDDY_CROSSES_ZONE', `order-${order} block at pfn ${pfn} runs past the end of zone ${this.z.ids[zi]} (${this.z.end[zi]})`, where);
    const a = pfn - this.basePfn;
    const b = a + (1 << order);
    for (let i = a; i < b; i++) {
      const t = this.tag[i];
      if (t === PS_HOLE) throw new MmError('BUDDY_FREE_HOLE', `freeing pfn ${i + this.basePfn}, which has no memory`, where);
      if (t !== PS_RESERVED && t !== PS_INUSE) throw new MmError('BUDDY_DOUBLE_FREE', `pfn ${i + this.basePfn} is already free`, where);
    }
    this.tag.fill(PS_FREE_TAIL, a, b);
    this.freeOneCore(zi, pfn, order, mt, fpi !== undefined && fpi.toTail === true);
  }

  /** __rmqueue_smallest + expand (mm/page_alloc.c). Takes the list head; returns its pfn, or −1. */
  rmqueueSmallest(zoneId: number, order: number, mt: number): number {
    const zi = this.z.index(zoneId);
    this.checkOrderMt(order, mt, 'rmqueueSmallest');
    // expand(): the upper halves go to the heads of the lower orders, the caller keeps the lowest part
    const h = this.takeSmallest(zi, order, mt);
    if (h < 0) return -1;
    this.tag.fill(PS_INUSE, h, h + (1 << order));
    return h + this.basePfn;
  }

  /** move_freepages_block (mm/page_alloc.c): move every free block of pfn's pageblock to the tail of list mt. Returns pages moved. */
  moveFreepagesBlock(zoneId: number, pfn: number, mt: number): number {
    const zi = this.z.index(zoneId);
    this.checkOrderMt(0, mt, 'moveFreepagesBlock');
    this.checkPfn(pfn, 'moveFreepagesBlock');
    return moveFreepagesBlock(this, zi, pfn, mt);
  }

  /** move_to_free_list (mm/page_alloc.c): move one free block to the tail of free_list[mt] at its order. */
  moveToFreeList(pfn: number, mt: number): void {
    this.checkPfn(pfn, 'moveToFreeList');
    this.checkOrderMt(0, mt, 'moveToFreeList');
    const i = pfn - this.basePfn;
    if (!(this.tag[i] & PS_BUDDY)) throw new MmError('BUDDY_NOT_FREE', `pfn ${pfn} is not the head of a free block`, `pfn ${pfn}`);
    moveToFreeList(this, this.z.indexOfPfn(pfn), i, mt);
  }

  /**
   * Throws an Error naming the first broken invariant (invariants.ts). strictMerge: false skips the
   * unmerged-pair check above pageblock_order, for states the kernel really leaves behind (6.1
   * unreserve_highatomic_pageblock retypes a block without re-merging it).
   */
  checkInvariants(opts?: { strictMerge?: boolean }): void {
    checkBuddyInvariants(this, opts?.strictMerge !== false);
  }

  clone(): Buddy {
    return new Buddy(this.opts, this);
  }

  /** Bytes of typed-array state. */
  stateBytes(): number {
    return (
      this.next.byteLength + this.prev.byteLength + this.tag.byteLength + this.pbType.byteLength +
      this.head.byteLength + this.tail.byteLength + this.nrFree.byteLength + (this.sectionPresent?.byteLength ?? 0) + this.pbZone.byteLength +
      this.z.byteLength()
    );
  }

  // ---- internals shared with the helper modules ----

  /** @internal */
  listIndex(zi: number, order: number, mt: number): number {
    return (zi * this.maxOrder + order) * MIGRATE_TYPES + mt;
  }

  /**
   * @internal The body of __free_one_page for a block whose pages are already marked FREE_TAIL
   * (free-one-page.ts).
   */
  freeOneCore(zi: number, pfn: number, order: number, mt: number, toTail: boolean): void {
    freeOneCore(this, zi, pfn, order, mt, toTail);
  }

  /** @internal list_add */
  linkHead(i: number, li: number): void {
    const h = this.head[li];
    this.next[i] = h;
    this.prev[i] = -1;
    if (h >= 0) this.prev[h] = i;
    else this.tail[li] = i;
    this.head[li] = i;
    this.nrFree[li]++;
  }

  /** @internal list_add_tail */
  linkTail(i: number, li: number): void {
    const t = this.tail[li];
    this.prev[i] = t;
    this.next[i] = -1;
    if (t >= 0) this.next[t] = i;
    else this.head[li] = i;
    this.tail[li] = i;
    this.nrFree[li]++;
  }

  /** @internal list_del */
  unlink(i: number, li: number): void {
    const p = this.prev[i];
    const nx = this.next[i];
    if (p >= 0) this.next[p] = nx;
    else this.head[li] = nx;
    if (nx >= 0) this.prev[nx] = p;
    else this.tail[li] = p;
    this.nrFree[li]--;
  }

  /** @internal */
  checkPfn(pfn: number, what: string): void {
    if (!isInt(pfn) || pfn < this.basePfn || pfn >= this.endPfn) {
      throw new MmError('BUDDY_BAD_PFN', `${what}: pfn ${pfn} is outside [${this.basePfn}, ${this.endPfn})`, what);
    }
  }

  /** @internal */
  checkOrderMt(order: number, mt: number, what: string): void {
    if (!isInt(order) || order < 0 || order >= this.maxOrder) {
      throw new MmError('BUDDY_BAD_ORDER', `${what}: order ${order} is outside 0..${this.maxOrder - 1}`, what);
    }
    if (!isInt(mt) || mt < 0 || mt >= MIGRATE_TYPES) {
      throw new MmError('BUDDY_BAD_MIGRATETYPE', `${what}: migratetype ${mt} is outside 0..${MIGRATE_TYPES - 1}`, what);
    }
  }
}
