/**
 * CMA occupancy as the workload samples it from the page states (this build has no run-time
 * cma_alloc): every page of an area is free or borrowed by a movable allocation, and the free
 * ones, once the per-cpu lists are drained, are the zone's NR_FREE_CMA_PAGES.
 */
import { describe, expect, it } from 'vitest';
import { runWorkload } from '../../src/sim/workload/index';
import { CMA_BORROWED, CMA_FREE } from '../../src/sim/workload/cma-occupancy';
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
}
