/**
 * The run-time state of the CMA areas (struct cma, mm/cma.c): per area its bitmap of
 * 2^order_per_bit-page granules (one byte per bit here, so that clone is one copy), the live
 * cma_alloc allocations, the 6.1 sysfs page counters, and the kernel messages cma_alloc and
 * alloc_contig_range printed. A RunState owns one; clone() copies it with the run state.
 */
import type { CmaArea } from '../mm-init/cma-reserve';
import type { Buddy } from '../buddy/buddy';

export class CmaAreaRun {
  /** position in cma_areas[] (declaration order) */
  readonly index: number;
  readonly name: string;
  readonly basePfn: number;
  /** pages; 0 when cma_activate_area failed */
  readonly count: number;
  readonly orderPerBit: number;
  /** the node it was declared on (hugetlb_cma), −1 for NUMA_NO_NODE */
  readonly nid: number;
  /** internal zone index of its pages (−1 when count is 0) */
  readonly zi: number;
  /** one byte per bitmap bit: 1 = allocated */
  readonly bitmap: Uint8Array;
  /** live cma_alloc allocations: first pfn → page count */
  readonly allocs: Map<number, number>;
  /** /sys/kernel/mm/cma/<name>/alloc_pages_success and alloc_pages_fail (6.1) */
  allocPagesSuccess = 0;
  allocPagesFail = 0;

  constructor(index: number, a: CmaArea | CmaAreaRun, buddy: Buddy) {
    this.index = index;
    this.name = a.name;
    if (a instanceof CmaAreaRun) {
      this.basePfn = a.basePfn;
      this.count = a.count;
      this.orderPerBit = a.orderPerBit;
      this.nid = a.nid;
      this.zi = a.zi;
      this.bitmap = a.bitmap.slice();
      this.allocs = new Map(a.allocs);
      this.allocPagesSuccess = a.allocPagesSuccess;
      this.allocPagesFail = a.allocPagesFail;
      return;
    }
    this.basePfn = Math.floor(a.base / 4096);
    this.count = a.activated === false ? 0 : Math.floor(a.size / 4096);
    this.orderPerBit = a.orderPerBit ?? 0;
    this.nid = a.nid ?? -1;
    const inRange = this.count > 0 && this.basePfn >= buddy.basePfn && this.basePfn < buddy.endPfn;
    this.zi = inRange ? buddy.zoneIndexOf(this.basePfn) : -1;
    if (this.zi < 0) this.count = 0;
    this.bitmap = new Uint8Array(this.count >> this.orderPerBit);
    this.allocs = new Map();
  }

  /** cma_bitmap_maxno */
  get maxno(): number {
    return this.bitmap.length;
  }

  /** cma_bitmap_aligned_mask */
  alignedMask(alignOrder: number): number {
    return alignOrder <= this.orderPerBit ? 0 : 2 ** (alignOrder - this.orderPerBit) - 1;
  }

  /** cma_bitmap_aligned_offset: alignment is to physical 2^align pfns */
  alignedOffset(alignOrder: number): number {
    return Math.floor((this.basePfn % 2 ** alignOrder) / 2 ** this.orderPerBit);
  }

  /** cma_bitmap_pages_to_bits */
  pagesToBits(pages: number): number {
    return Math.ceil(pages / 2 ** this.orderPerBit);
  }

  /** Is pfn inside the area? */
  contains(pfn: number): boolean {
    return pfn >= this.basePfn && pfn < this.basePfn + this.count;
  }

  /** bitmap_find_next_zero_area_off: the first fit at or after start, aligned; ≥ maxno when none. */
  findNextZeroArea(start: number, nr: number, mask: number, offset: number): number {
    const map = this.bitmap;
    const size = map.length;
    for (;;) {
      let index = start;
      while (index < size && map[index]) index++;
      index = ((index + offset + mask) & ~mask) - offset;
      // (x + mask) & ~mask in 32-bit arithmetic is exact for bitmaps below 2^31 bits
      const end = index + nr;
      if (end > size) return end;
      let i = index;
      while (i < end && !map[i]) i++;
      if (i < end) {
        start = i + 1;
        continue;
      }
      return index;
    }
  }

  /** bitmap_set / bitmap_clear of the granules of [pfn, pfn + count) (cma_clear_bitmap) */
  mark(pfn: number, count: number, value: 0 | 1): void {
    const no = Math.floor((pfn - this.basePfn) / 2 ** this.orderPerBit);
    this.bitmap.fill(value, no, no + this.pagesToBits(count));
  }

  /** bitmap_weight << order_per_bit: debugfs "used" */
  used(): number {
    let n = 0;
    for (let i = 0; i < this.bitmap.length; i++) n += this.bitmap[i]!;
    return n * 2 ** this.orderPerBit;
  }

  /** the longest run of clear bits << order_per_bit: debugfs "maxchunk" */
  maxchunk(): number {
    let best = 0;
    let run = 0;
    for (let i = 0; i < this.bitmap.length; i++) {
      run = this.bitmap[i] ? 0 : run + 1;
      if (run > best) best = run;
    }
    return best * 2 ** this.orderPerBit;
  }

  /** The free runs as cma_debug_show_areas prints them: "len@bit" (len in pages, position in bits). */
  freeRuns(): Array<{ bit: number; pages: number }> {
    const out: Array<{ bit: number; pages: number }> = [];
    for (let i = 0; i < this.bitmap.length; ) {
      if (this.bitmap[i]) {
        i++;
        continue;
      }
      let j = i;
      while (j < this.bitmap.length && !this.bitmap[j]) j++;
      out.push({ bit: i, pages: (j - i) * 2 ** this.orderPerBit });
      i = j;
    }
    return out;
  }
}

export class CmaState {
  readonly areas: CmaAreaRun[];
  /** what cma_alloc and alloc_contig_range printed (dmesg lines, oldest first) */
  readonly log: string[];
  /**
   * printk_ratelimited's budget (DEFAULT_RATELIMIT_BURST = 10 per 5 s): the model has no clock, so
   * each top-level cma_alloc or nr_hugepages write starts a new interval (resetRatelimit)
   */
  private ratelimitLeft = 10;

  constructor(areas: readonly CmaArea[], buddy: Buddy, from?: CmaState) {
    this.areas = from ? from.areas.map((a, i) => new CmaAreaRun(i, a, buddy)) : areas.map((a, i) => new CmaAreaRun(i, a, buddy));
    this.log = from ? [...from.log] : [];
  }

  /** A ratelimited kernel message: kept while the interval's budget lasts. */
  printRatelimited(line: string): void {
    if (this.ratelimitLeft <= 0) return;
    this.ratelimitLeft--;
    this.log.push(line);
  }

  resetRatelimit(): void {
    this.ratelimitLeft = 10;
  }

  clone(buddy: Buddy): CmaState {
    return new CmaState([], buddy, this);
  }

  /** The area named `name`, or by index. */
  find(ref: string | number): CmaAreaRun | undefined {
    return typeof ref === 'number' ? this.areas[ref] : this.areas.find((a) => a.name === ref);
  }

  /** The area and allocation holding pfn, if pfn is in a live cma_alloc allocation. */
  allocationOf(pfn: number): { area: CmaAreaRun; pfn: number; count: number } | null {
    for (const a of this.areas) {
      if (!a.contains(pfn)) continue;
      for (const [p, c] of a.allocs) if (pfn >= p && pfn < p + c) return { area: a, pfn: p, count: c };
    }
    return null;
  }
}
