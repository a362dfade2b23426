/**
 * CMA occupancy over time, per area (src/sim/cma: the areas of cma_areas[]): pages free, borrowed
 * by movable allocations, taken by cma_alloc, and in isolated pageblocks, and a map with one byte
 * per pageblock per sample. Read from the page states and the area's live cma_alloc ranges, one
 * buddy block at a time with typed arrays (no object per pageblock, unlike cma/occupancy.ts).
 *
 * A pageblock's code, the first that holds: 3 isolated (MIGRATE_ISOLATE: an allocation in
 * progress), 2 cma_alloc'd (some page of it), 1 borrowed (some page allocated by a movable request),
 * 0 free.
 *
 * Isolation lasts only while alloc_contig_range runs (inside a step), so a sample taken between
 * steps rarely sees it: `isolatedDuring` marks the pageblocks that set_migratetype_isolate isolated
 * at some moment of the sample's interval (RunState.onIsolate), whatever they are at the sample.
 */
import { PS_ALLOC, PS_BUDDY, PS_FREE_TAIL, PS_ORDER_MASK, PS_PCP, PS_PCP_TAIL } from '../buddy/page-state';
import type { RunningMachine } from '../run/running-machine';
import type { RunState } from '../run/run-state';
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
  /** per sample, per pageblock (same index): 1 when the pageblock was isolated at some moment of the interval that ended with the sample */
  isolatedDuring: Uint8Array;
}

const FREE_HEAD = PS_BUDDY | PS_PCP;

export class CmaSampler {
  readonly series: CmaSeries[] = [];
  private readonly areas: CmaAreaRun[];
  /** per pageblock of the area being sampled: bit 0 borrowed, bit 1 cma_alloc'd */
  private readonly pbUse: Uint8Array;
  /** per page of the area being sampled: 1 in a live cma_alloc range */
  private readonly mine: Uint8Array;
  /** per area, per pageblock: isolated since the last sample */
  private readonly isolatedSince: Uint8Array[];
  private readonly rs: RunState;
  private readonly prevIsolate: RunState['onIsolate'];

  constructor(run: RunningMachine, samples: number) {
    const rs = (this.rs = run.rs);
    const pb = 1 << rs.buddy.pageblockOrder;
    this.areas = rs.cma.areas.filter((a) => a.count > 0);
    for (const a of this.areas) {
      const pageblocks = Math.ceil(a.count / pb);
      this.series.push({
        name: a.name, basePfn: a.basePfn, count: a.count, pageblocks,
        free: new Int32Array(samples), borrowed: new Int32Array(samples), allocated: new Int32Array(samples), isolated: new Int32Array(samples),
        map: new Uint8Array(samples * pageblocks), isolatedDuring: new Uint8Array(samples * pageblocks),
      });
    }
    this.isolatedSince = this.series.map((s) => new Uint8Array(s.pageblocks));
    this.pbUse = new Uint8Array(Math.max(0, ...this.series.map((s) => s.pageblocks)));
    this.mine = new Uint8Array(Math.max(0, ...this.areas.map((a) => a.count)));
    this.prevIsolate = rs.onIsolate;
    if (this.areas.length) {
      const prev = this.prevIsolate;
      rs.onIsolate = (pfn) => {
        this.noteIsolated(pfn);
        prev?.(pfn);
      };
    }
  }

  /** Stop following isolations (restores the RunState hook). */
  dispose(): void {
    this.rs.onIsolate = this.prevIsolate;
  }

  private noteIsolated(pfn: number): void {
    const pbo = this.rs.buddy.pageblockOrder;
    this.areas.forEach((a, j) => {
      if (pfn >= a.basePfn && pfn < a.basePfn + a.count) this.isolatedSince[j]![(pfn - a.basePfn) >> pbo] = 1;
    });
  }

  sample(k: number): void {
    this.series.forEach((s, j) => {
      this.sampleArea(this.areas[j]!, s, k);
      const since = this.isolatedSince[j]!;
      s.isolatedDuring.set(since, k * s.pageblocks);
      since.fill(0);
    });
  }

  private sampleArea(a: CmaAreaRun, s: CmaSeries, k: number): void {
    const b = this.rs.buddy;
    const { tag, pbType, pbBase } = b;
    const pbo = b.pageblockOrder;
    const use = this.pbUse;
    const mine = this.mine;
    const hasAllocs = a.allocs.size > 0;
    use.fill(0, 0, s.pageblocks);
    if (hasAllocs) {
      mine.fill(0, 0, a.count);
      for (const [p, c] of a.allocs) mine.fill(1, p - a.basePfn, p - a.basePfn + c);
    }
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
      const isFree = (t & FREE_HEAD) !== 0 || t === PS_FREE_TAIL || t === PS_PCP_TAIL;
      // a block may span pageblocks (order > pageblock_order): one piece per pageblock
      for (let p = pfn; p < last; ) {
        const pbEnd = Math.min(last, ((p >> pbo) + 1) << pbo);
        const j = (p - a.basePfn) >> pbo;
        const len = pbEnd - p;
        if (pbType[(p >> pbo) - pbBase] === MIGRATE_ISOLATE) isolated += len;
        else if (isFree) free += len;
        else if (!hasAllocs) {
          borrowed += len;
          use[j]! |= 1;
        } else {
          let m = 0;
          for (let q = p - a.basePfn; q < pbEnd - a.basePfn; q++) m += mine[q]!;
          allocated += m;
          borrowed += len - m;
          if (m) use[j]! |= 2;
          if (m < len) use[j]! |= 1;
        }
        p = pbEnd;
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
