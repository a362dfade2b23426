/**
 * CMA occupancy over time, per area (src/sim/cma: the areas of cma_areas[]): pages free, borrowed
 * by movable allocations, taken by cma_alloc, and in isolated pageblocks, and a map with one byte
 * per pageblock per sample. Read from the page states (free blocks, walked one block at a time)
 * and the area's live cma_alloc ranges, with typed arrays (no object per pageblock, unlike
 * cma/occupancy.ts).
 *
 * A pageblock's code, the first that holds: 3 isolated (MIGRATE_ISOLATE: an allocation in
 * progress), 2 cma_alloc'd (some page of it), 1 borrowed (some page allocated by a movable request),
 * 0 free.
 *
 * Isolation lasts only while alloc_contig_range runs (inside a step), so a sample taken between
 * steps rarely sees it: `isolatedDuring` marks the pageblocks that set_migratetype_isolate isolated
 * at some moment of the sample's interval (RunState.onIsolate), whatever they are at the sample.
 */
import { PS_ALLOC, PS_BUDDY, PS_FREE_TAIL, PS_INUSE, PS_ORDER_MASK, PS_PCP, PS_PCP_TAIL } from '../buddy/page-state';
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
  /** per pageblock of the area being sampled: its cma_alloc'd pages */
  private readonly minePb: Int32Array;
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
    this.minePb = new Int32Array(Math.max(0, ...this.series.map((s) => s.pageblocks)));
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
    const { tag, pbType, pbBase, basePfn } = b;
    const pbo = b.pageblockOrder;
    const pb = 1 << pbo;
    // cma_alloc'd pages per pageblock, from the area's live allocation ranges
    const mine = this.minePb;
    mine.fill(0, 0, s.pageblocks);
    for (const [p, c] of a.allocs) {
      for (let q = p, e = p + c; q < e; ) {
        const j = (q - a.basePfn) >> pbo;
        const pe = Math.min(e, a.basePfn + ((j + 1) << pbo));
        mine[j]! += pe - q;
        q = pe;
      }
    }
    const map = s.map.subarray(k * s.pageblocks, (k + 1) * s.pageblocks);
    let free = 0;
    let borrowed = 0;
    let allocated = 0;
    let isolated = 0;
    const areaEnd = a.basePfn + a.count;
    for (let j = 0; j < s.pageblocks; j++) {
      const start = a.basePfn + (j << pbo);
      const end = Math.min(start + pb, areaEnd);
      const len = end - start;
      if (pbType[(start >> pbo) - pbBase] === MIGRATE_ISOLATE) {
        isolated += len;
        map[j] = CMA_ISOLATED;
        continue;
      }
      // free pages of the pageblock: buddy and per-cpu blocks, walked block by block
      let f = 0;
      const t0 = tag[start - basePfn]!;
      if (t0 === PS_FREE_TAIL || t0 === PS_PCP_TAIL) f = len; // inside an aligned free block larger than the pageblock
      else if (t0 !== PS_INUSE) {
        for (let p = start; p < end; ) {
          const t = tag[p - basePfn]!;
          if (t & FREE_HEAD) {
            const n = 1 << (t & PS_ORDER_MASK);
            f += Math.min(n, end - p);
            p += n;
          } else if (t & PS_ALLOC) p += 1 << (t & PS_ORDER_MASK);
          else {
            if (t === PS_FREE_TAIL || t === PS_PCP_TAIL) f++;
            p++;
          }
        }
      }
      const m = mine[j]!;
      const used = len - f - m;
      free += f;
      allocated += m;
      borrowed += used;
      map[j] = m > 0 ? CMA_ALLOCATED : used > 0 ? CMA_BORROWED : CMA_FREE;
    }
    s.free[k] = free;
    s.borrowed[k] = borrowed;
    s.allocated[k] = allocated;
    s.isolated[k] = isolated;
  }
}
