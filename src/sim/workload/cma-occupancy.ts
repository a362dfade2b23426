/**
 * CMA occupancy over time, per area: pages free, borrowed by movable allocations, taken by
 * cma_alloc, and isolated, and a per-pageblock map (one byte per pageblock per sample: 0 free,
 * 1 borrowed, 2 cma_alloc'd, 3 isolated). With run-time CMA (run.cma) the areas report it
 * themselves; otherwise it is read from the page states: in a CMA area every allocated page is a
 * movable allocation borrowing it (nothing else can allocate there), and pageblocks under
 * MIGRATE_ISOLATE are isolated.
 */
import { PS_ALLOC, PS_BUDDY, PS_ORDER_MASK, PS_PCP } from '../buddy/page-state';
import type { RunningMachine } from '../run/running-machine';
import { MIGRATE_ISOLATE, PAGE_SIZE } from '../types';
import { cmaAreasOf, type CmaAreaApi } from './features';

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

const CODE: Record<string, number> = { free: 0, borrowed: 1, movable: 1, allocated: 2, cma_alloc: 2, cma: 2, used: 2, isolated: 3, isolate: 3 };

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export class CmaSampler {
  readonly series: CmaSeries[] = [];
  private readonly apis: Array<CmaAreaApi | null> = [];
  private readonly pbUsed: Int32Array;

  constructor(private readonly run: RunningMachine, samples: number) {
    const b = run.rs.buddy;
    const pb = 1 << b.pageblockOrder;
    const api = cmaAreasOf(run);
    const booted = run.rs.machine.parts.cmaAreas.filter((a) => a.activated !== false);
    const n = api ? api.length : booted.length;
    for (let k = 0; k < n; k++) {
      const a = api?.[k];
      const boot = booted[k];
      const basePfn = num(a?.basePfn) ?? (boot ? Math.floor(boot.base / PAGE_SIZE) : 0);
      const count = num(a?.count) ?? (boot ? Math.floor(boot.size / PAGE_SIZE) : 0);
      const pageblocks = Math.ceil(count / pb);
      this.apis.push(a && typeof a.occupancy === 'function' ? a : null);
      this.series.push({
        name: a?.name ?? boot?.name ?? String(k), basePfn, count, pageblocks,
        free: new Int32Array(samples), borrowed: new Int32Array(samples), allocated: new Int32Array(samples), isolated: new Int32Array(samples),
        map: new Uint8Array(samples * pageblocks),
      });
    }
    this.pbUsed = new Int32Array(Math.max(0, ...this.series.map((s) => s.pageblocks)));
  }

  sample(k: number): void {
    this.series.forEach((s, a) => {
      const api = this.apis[a];
      const map = s.map.subarray(k * s.pageblocks, (k + 1) * s.pageblocks);
      if (api) this.fromApi(api.occupancy!(), s, k, map);
      else this.fromPages(s, k, map);
    });
  }

  /** The area's own report: { free, borrowed, allocated, isolated } (or under counts), and its map. */
  private fromApi(o: unknown, s: CmaSeries, k: number, map: Uint8Array): void {
    const r = (o ?? {}) as Record<string, unknown>;
    const c = (typeof r.counts === 'object' && r.counts ? r.counts : r) as Record<string, unknown>;
    s.free[k] = num(c.free) ?? 0;
    s.borrowed[k] = num(c.borrowed) ?? num(c.movable) ?? 0;
    s.allocated[k] = num(c.allocated) ?? num(c.cmaAlloc) ?? num(c.cma_alloc) ?? 0;
    s.isolated[k] = num(c.isolated) ?? 0;
    const m = (r.map ?? r.pageblocks) as ArrayLike<unknown> | undefined;
    if (m && typeof m.length === 'number') {
      for (let j = 0; j < map.length && j < m.length; j++) {
        const v = m[j];
        map[j] = typeof v === 'number' ? v : (CODE[String(v)] ?? 0);
      }
    } else this.fromPages({ ...s, free: new Int32Array(k + 1), borrowed: new Int32Array(k + 1), isolated: new Int32Array(k + 1) }, k, map);
  }

  /** Page states: free (buddy and per-cpu lists), allocated (borrowed), pageblocks under isolation. */
  private fromPages(s: CmaSeries, k: number, map: Uint8Array): void {
    const b = this.run.rs.buddy;
    const tag = b.tag;
    const pbo = b.pageblockOrder;
    const start = Math.max(s.basePfn, b.basePfn);
    const end = Math.min(s.basePfn + s.count, b.endPfn);
    const used = this.pbUsed;
    used.fill(0, 0, s.pageblocks);
    let free = 0;
    let alloc = 0;
    let isolated = 0;
    let pfn = start;
    while (pfn < end) {
      const t = tag[pfn - b.basePfn]!;
      const n = t & (PS_BUDDY | PS_PCP | PS_ALLOC) ? 1 << (t & PS_ORDER_MASK) : 1;
      const last = Math.min(pfn + n, end);
      if (b.pbType[(pfn >> pbo) - b.pbBase] === MIGRATE_ISOLATE) isolated += last - pfn;
      else if (t & (PS_BUDDY | PS_PCP)) free += last - pfn;
      else if (t & PS_ALLOC) {
        alloc += last - pfn;
        for (let p = pfn; p < last; p += 1 << pbo) used[(p - s.basePfn) >> pbo]++;
      }
      pfn = last;
    }
    s.free[k] = free;
    s.borrowed[k] = alloc;
    s.isolated[k] = isolated;
    for (let j = 0; j < s.pageblocks; j++) {
      const pfn0 = s.basePfn + (j << pbo);
      const inMachine = pfn0 >= b.basePfn && pfn0 < b.endPfn;
      map[j] = inMachine && b.pbType[(pfn0 >> pbo) - b.pbBase] === MIGRATE_ISOLATE ? CMA_ISOLATED : used[j] ? CMA_BORROWED : CMA_FREE;
    }
  }
}
