/**
 * CMA occupancy over time, per area (src/sim/cma: the areas of cma_areas[]): pages free, borrowed
 * by movable allocations, taken by cma_alloc, and in isolated pageblocks, and a map with one byte
 * per pageblock per sample. Read from the page states and the area's live cma_alloc ranges, in one
 * pass over the area with typed arrays (no object per pageblock, unlike cma/occupancy.ts).
 *
 * A pageblock's code, the first that holds: 3 isolated (MIGRATE_ISOLATE: an allocation in
 * progress), 2 cma_alloc'd (some page of it), 1 borrowed (some page allocated by a movable request),
 * 0 free.
 */
import { PS_ALLOC, PS_BUDDY, PS_ORDER_MASK, PS_PCP } from '../buddy/page-state';
import type { RunningMachine } from '../run/running-machine';
import { MIGRATE_ISOLATE } from '../types';
import type { CmaAreaRun } from '../cma/cma-state';

export const CMA_FREE = 0;
export const CMA_BORROWED = 1;
export const CMA_ALLOCATED = 2;
export const CMA_ISOLATED = 3;

export interface CmaSeries {
  name: string;
  basePfn: number;
  /** pages in the area */
  count: number;
  pageblocks: number;
  free: Int32Array;
  borrowed: Int32Array;
  allocated: Int32Array;
  isolated: Int32Array;
  /** per sample, per pageblock (index sample × pageblocks + pageblock): CMA_FREE … CMA_ISOLATED */
  map: Uint8Array;
}

export class CmaSampler {
  readonly series: CmaSeries[] = [];
  private readonly areas: CmaAreaRun[];
  /** per pageblock of the area being sampled: bit 0 borrowed, bit 1 cma_alloc'd */
  private readonly pbUse: Uint8Array;
  /** per page of the area being sampled: 1 in a live cma_alloc range */
  private readonly mine: Uint8Array;

  constructor(private readonly run: RunningMachine, samples: number) {
    const pb = 1 << run.rs.buddy.pageblockOrder;
    this.areas = run.rs.cma.areas.filter((a) => a.count > 0);
    for (const a of this.areas) {
      const pageblocks = Math.ceil(a.count / pb);
      this.series.push({
        name: a.name, basePfn: a.basePfn, count: a.count, pageblocks,
        free: new Int32Array(samples), borrowed: new Int32Array(samples), allocated: new Int32Array(samples), isolated: new Int32Array(samples),
        map: new Uint8Array(samples * pageblocks),
      });
    }
    this.pbUse = new Uint8Array(Math.max(0, ...this.series.map((s) => s.pageblocks)));
    this.mine = new Uint8Array(Math.max(0, ...this.areas.map((a) => a.count)));
  }

  sample(k: number): void {
    this.series.forEach((s, j) => this.sampleArea(this.areas[j]!, s, k));
  }

  private sampleArea(a: CmaAreaRun, s: CmaSeries, k: number): void {
    const b = this.run.rs.buddy;
    const { tag, pbType, pbBase } = b;
    const pbo = b.pageblockOrder;
    const use = this.pbUse;
    const mine = this.mine;
    use.fill(0, 0, s.pageblocks);
    mine.fill(0, 0, a.count);
    for (const [p, c] of a.allocs) mine.fill(1, p - a.basePfn, p - a.basePfn + c);
    let free = 0;
    let borrowed = 0;
    let allocated = 0;
    let isolated = 0;
    const end = a.basePfn + a.count;
    let pfn = a.basePfn;
    while (pfn < end) {
      const t = tag[pfn - b.basePfn]!;
      const n = t & (PS_BUDDY | PS_PCP | PS_ALLOC) ? 1 << (t & PS_ORDER_MASK) : 1;
      const last = Math.min(pfn + n, end);
      for (let p = pfn; p < last; p++) {
        const j = (p - a.basePfn) >> pbo;
        if (pbType[(p >> pbo) - pbBase] === MIGRATE_ISOLATE) isolated++;
        else if (mine[p - a.basePfn]) {
          allocated++;
          use[j]! |= 2;
        } else if (t & (PS_BUDDY | PS_PCP)) free++;
        else {
          borrowed++;
          use[j]! |= 1;
        }
      }
      pfn = last;
    }
    s.free[k] = free;
    s.borrowed[k] = borrowed;
    s.allocated[k] = allocated;
    s.isolated[k] = isolated;
    const map = s.map.subarray(k * s.pageblocks, (k + 1) * s.pageblocks);
    for (let j = 0; j < s.pageblocks; j++) {
      const pfn0 = a.basePfn + (j << pbo);
      map[j] = pbType[(pfn0 >> pbo) - pbBase] === MIGRATE_ISOLATE ? CMA_ISOLATED : use[j]! & 2 ? CMA_ALLOCATED : use[j]! & 1 ? CMA_BORROWED : CMA_FREE;
    }
  }
}
