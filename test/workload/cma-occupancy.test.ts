/**
 * CMA occupancy as the workload samples it: without cma_alloc every page of an area is free or
 * borrowed by a movable allocation, and the free ones, once the per-cpu lists are drained, are the
 * zone's NR_FREE_CMA_PAGES; cma_alloc and cma_release events move pages to and from "allocated",
 * as the area's own occupancy (cma/occupancy.ts) counts them; nr_hugepages events grow the pool.
 */
import { describe, expect, it } from 'vitest';
import { runWorkload, startWorkload } from '../../src/sim/workload/index';
import { CMA_ALLOCATED, CMA_BORROWED, CMA_FREE, CMA_ISOLATED } from '../../src/sim/workload/cma-occupancy';
import { cmaOccupancy } from '../../src/sim/cma/occupancy';
import { isolationBounds } from '../../src/sim/cma/isolation';
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

  describe(`pageblocks isolated within a step (${kernel})`, () => {
    it('isolatedDuring marks the blocks a cma_alloc isolated in the interval, though the sample sees them allocated', () => {
      const m = machine('arm64', kernel, 1024, 1, 'cma=64M');
      // three pageblocks: 6.1 isolates those three, 5.10 the two MAX_ORDER units (four pageblocks) around them
      const count = 1536;
      const r = runWorkload(m, {
        steps: 4, sampleEvery: 1,
        events: [
          { at: 0, op: 'fill', percent: 90, gfp: 'GFP_HIGHUSER_MOVABLE|__GFP_NOWARN', kind: 'anon', as: 'fill' },
          { at: 2, op: 'cma_alloc', area: 0, count, align: 9, as: 'buf' },
        ],
      });
      const a = r.samples.cma[0]!;
      const got = r.events.find((e) => e.op === 'cma_alloc')!.result as { ok: boolean; pfn: number; tried: number };
      expect(got).toMatchObject({ ok: true, tried: 1 });
      // the blocks start_isolate_page_range isolated: 5.10 whole MAX_ORDER units, 6.1 the pageblocks of the range
      const [is, ie] = isolationBounds(startWorkload(m, { steps: 1 }).rs, got.pfn, got.pfn + count);
      const want = Array.from({ length: a.pageblocks }, (_, j) => (a.basePfn + j * 512 >= is && a.basePfn + j * 512 < ie ? 1 : 0));
      expect(want.filter(Boolean).length).toBe(kernel === '5.10' ? 4 : 3);
      for (let k = 0; k < 4; k++) {
        const during = Array.from(a.isolatedDuring.subarray(k * a.pageblocks, (k + 1) * a.pageblocks));
        expect(during).toEqual(k === 2 ? want : want.map(() => 0));
        expect(a.isolated[k]).toBe(0);
      }
      expect(a.map[2 * a.pageblocks + ((got.pfn - a.basePfn) >> 9)]).toBe(CMA_ALLOCATED);
    });

    it('the sampled counts and map agree with the area\'s own per-page occupancy, mid-run', () => {
      const m = machine('arm64', kernel, 1024, 1, 'cma=64M');
      const eng = startWorkload(m, {
        seed: 5, steps: 30, sampleEvery: 1,
        streams: [{ name: 'app', kind: 'anon', rate: 300, lifetime: { exponential: { mean: 20 } }, cpu: 'spread' }],
        events: [
          { at: 0, op: 'fill', percent: 95, stream: 'app' },
          { at: 10, op: 'cma_alloc', area: 0, count: 3000, as: 'a' },
          { at: 20, op: 'cma_alloc', area: 0, count: 1000, align: 4, as: 'b' },
          { at: 25, op: 'cma_release', ref: 'a' },
        ],
      });
      try {
        for (const upTo of [5, 15, 22, 30]) {
          eng.advance(upTo - eng.step);
          const k = eng.sampler.count - 1;
          const s = eng.cma.series[0]!;
          const o = cmaOccupancy(eng.rs, eng.rs.cma.areas[0]!);
          expect([s.free[k], s.borrowed[k], s.allocated[k], s.isolated[k]]).toEqual([o.free, o.borrowed, o.allocated, o.isolated]);
          const want = o.pageblocks.map((pb) => (pb.state === 'isolated' ? CMA_ISOLATED : pb.allocated ? CMA_ALLOCATED : pb.borrowed ? CMA_BORROWED : CMA_FREE));
          expect(Array.from(s.map.subarray(k * s.pageblocks, (k + 1) * s.pageblocks))).toEqual(want);
          expect(want).toContain(CMA_BORROWED);
        }
      } finally {
        eng.dispose();
      }
    });
  });
}
