/**
 * CMA occupancy as the workload samples it: without cma_alloc every page of an area is free or
 * borrowed by a movable allocation, and the free ones, once the per-cpu lists are drained, are the
 * zone's NR_FREE_CMA_PAGES; cma_alloc and cma_release events move pages to and from "allocated",
 * as the area's own occupancy (cma/occupancy.ts) counts them; nr_hugepages events grow the pool.
 */
import { describe, expect, it } from 'vitest';
import { runWorkload } from '../../src/sim/workload/index';
import { CMA_ALLOCATED, CMA_BORROWED, CMA_FREE } from '../../src/sim/workload/cma-occupancy';
import { KERNELS, machine } from './helpers';

for (const kernel of KERNELS) {
  describe(`CMA occupancy (${kernel})`, () => {
    it('cma=64M on arm64: free + borrowed = the area, borrowers fill it as memory runs out', () => {
      const m = machine('arm64', kernel, 1024, 1, 'cma=64M');
      // fills to 20, 40, … 100 % of managed, each followed by a drain of the per-cpu lists
      const steps = 5;
      const r = runWorkload(m, {
        steps, sampleEvery: 1,
        events: Array.from({ length: steps }, (_, at) => [
          { at, op: 'fill', percent: 20 * (at + 1), gfp: 'GFP_HIGHUSER_MOVABLE|__GFP_NOWARN', kind: 'anon', as: `f${at}` },
          { at, op: 'drain' },
        ]).flat(),
      });
      expect(r.samples.cma).toHaveLength(1);
      const a = r.samples.cma[0]!;
      // 64 MiB of 4 KiB pages in 2 MiB pageblocks (pageblock_order 9 on arm64 with 4 KiB pages)
      expect(a).toMatchObject({ name: 'reserved', count: 16384, pageblocks: 32 });
      const freeCma = (k: number) => r.samples.zones.reduce((s, z) => s + z.freeCma[k]!, 0);
      for (let k = 0; k < steps; k++) {
        expect(a.free[k]! + a.borrowed[k]! + a.isolated[k]!).toBe(16384);
        expect(a.allocated[k]).toBe(0);
        expect(a.free[k]).toBe(freeCma(k));
        const map = a.map.subarray(k * 32, (k + 1) * 32);
        const borrowedBlocks = map.filter((c) => c === CMA_BORROWED).length;
        expect(borrowedBlocks).toBeGreaterThanOrEqual(Math.ceil(a.borrowed[k]! / 512));
        expect(map.filter((c) => c === CMA_FREE).length * 512).toBeLessThanOrEqual(a.free[k]!);
      }
      // filling every page but the reserves leaves less free memory than the area: movable pages borrow most of it
      for (let k = 1; k < steps; k++) expect(a.borrowed[k]).toBeGreaterThanOrEqual(a.borrowed[k - 1]!);
      const z = r.samples.zones[0]!;
      expect(z.free[steps - 1]!).toBeLessThan(16384);
      expect(a.borrowed[steps - 1]).toBeGreaterThanOrEqual(16384 - z.free[steps - 1]!);
    });
  });

  describe(`cma_alloc, cma_release and nr_hugepages events (${kernel})`, () => {
    it('an 8 MiB cma_alloc after a movable fill migrates the borrowers out; the release frees it', () => {
      const m = machine('arm64', kernel, 1024, 1, 'cma=64M');
      const r = runWorkload(m, {
        steps: 3, sampleEvery: 1,
        events: [
          { at: 0, op: 'fill', percent: 90, gfp: 'GFP_HIGHUSER_MOVABLE|__GFP_NOWARN', kind: 'anon', as: 'fill' },
          { at: 1, op: 'cma_alloc', area: 0, count: 2048, align: 9, as: 'buf' },
          { at: 2, op: 'cma_release', ref: 'buf' },
          { at: 2, op: 'nr_hugepages', sizeKb: 2048, value: 8 },
        ],
      });
      const a = r.samples.cma[0]!;
      const got = r.events.find((e) => e.op === 'cma_alloc')!.result as { ok: boolean; pfn: number; migrated: number };
      expect(got.ok).toBe(true);
      expect(got.pfn % 512).toBe(0); // align 9: a pageblock boundary
      expect(a.borrowed[0]).toBeGreaterThan(0);
      // after the allocation: its 2048 pages (4 pageblocks) are cma_alloc'd, and the sample agrees with the area's own count
      expect(a.allocated[1]).toBe(2048);
      const map1 = a.map.subarray(1 * 32, 2 * 32);
      expect(map1.filter((c) => c === CMA_ALLOCATED).length).toBe(4);
      expect(map1[(got.pfn - a.basePfn) >> 9]).toBe(CMA_ALLOCATED);
      expect(a.free[1]! + a.borrowed[1]! + a.allocated[1]! + a.isolated[1]!).toBe(16384);
      // released
      expect(r.events.find((e) => e.op === 'cma_release')!.result).toMatchObject({ released: true, count: 2048 });
      expect(a.allocated[2]).toBe(0);
      expect(r.events.find((e) => e.op === 'nr_hugepages')!.result).toMatchObject({ sizeKb: 2048, requested: 8 });
    });

    it('a cma_alloc of an area this machine does not have is a spec error naming the areas', () => {
      const m = machine('arm64', kernel, 1024, 1, 'cma=64M');
      expect(() => runWorkload(m, { steps: 1, events: [{ at: 0, op: 'cma_alloc', area: 'camera', count: 16 }] })).toThrow(/events\[0\]\.area .*names no CMA area of this machine; areas: 0 \(reserved\)/);
      expect(() => runWorkload(m, { steps: 1, events: [{ at: 0, op: 'nr_hugepages', sizeKb: 3000, value: 1 }] })).toThrow(/events\[0\]\.sizeKb .*not a huge page size of this machine; sizes \(kB\): /);
    });
  });
}
