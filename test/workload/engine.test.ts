/**
 * The workload engine's time model on both kernels: determinism, lifetimes and arrivals against
 * their arithmetic, events at their step, sampling, structured-cloneable results, and pages that
 * follow migration or are freed by someone else.
 */
import { describe, expect, it } from 'vitest';
import { runWorkload, startWorkload } from '../../src/sim/workload/index';
import { PS_ALLOC, PS_ORDER_MASK } from '../../src/sim/buddy/page-state';
import { PF_KIND_MASK, KIND_ANON } from '../../src/sim/run/page-flags';
import { KERNELS, machine } from './helpers';

const churn = (seed: number) => ({
  seed, steps: 400, sampleEvery: 4,
  streams: [
    { name: 'anon', kind: 'anon', rate: 60, arrival: 'poisson', lifetime: { exponential: { mean: 40 } }, cpu: 'spread' },
    { name: 'slab', kind: 'slab', rate: 7.5, order: { 0: 0.7, 1: 0.2, 3: 0.1 }, lifetime: { fixed: 90 } },
    { name: 'cache', kind: 'file', count: 3000, lifetime: 'event' },
  ],
  events: [
    { at: 150, op: 'compact_memory' },
    { at: 200, op: 'free', stream: 'cache', every: 3 },
    { at: 250, op: 'sysctl', name: 'vm.watermark_scale_factor', value: 300 },
  ],
});

for (const kernel of KERNELS) {
  describe(`workload engine (${kernel})`, () => {
    const m = machine('arm64', kernel, 256, 2);

    it('is a function of the seed: the same seed gives the same result, another seed another one', () => {
      const a = runWorkload(m, churn(11));
      const b = runWorkload(m, churn(11));
      expect(b).toEqual(a);
      const c = runWorkload(m, churn(12));
      expect(c.samples.zones[0]!.free).not.toEqual(a.samples.zones[0]!.free);
      expect(c.totals.allocations).not.toBe(a.totals.allocations);
      // the result survives structuredClone (it crosses the worker boundary that way)
      expect(structuredClone(a)).toEqual(a);
    });

    it('a fixed lifetime L at rate r holds r × min(step + 1, L) pages after each step', () => {
      // a page allocated in step s is freed at the start of step s + L: after step s the pages of
      // steps s − L + 1 … s are live, r per step
      const r = runWorkload(m, { steps: 200, sampleEvery: 1, streams: [{ kind: 'anon', rate: 10, lifetime: { fixed: 50 } }] });
      const live = Array.from(r.streams[0]!.live);
      expect(live).toEqual(Array.from({ length: 200 }, (_, s) => 10 * Math.min(s + 1, 50)));
      // fractional rates accumulate: 2.5 per step is 2, 3, 2, 3, …
      const f = runWorkload(m, { steps: 100, sampleEvery: 1, streams: [{ kind: 'anon', rate: 2.5, lifetime: { fixed: 4 } }] });
      expect(Array.from(f.streams[0]!.live).slice(10, 14)).toEqual([10, 10, 10, 10]);
      expect(f.streams[0]!.allocated).toBe(250);
    });

    it('exponential lifetimes and Poisson arrivals keep rate × mean live on average; a count is spread exactly', () => {
      const r = runWorkload(m, {
        seed: 5, steps: 3000, sampleEvery: 1,
        streams: [
          { kind: 'anon', rate: 20, lifetime: { exponential: { mean: 50 } } },
          { kind: 'anon', rate: 2.5, arrival: 'poisson', lifetime: 'forever' },
          { kind: 'slab', count: 1000, start: 100, end: 400, lifetime: 'forever' },
        ],
      });
      // Little's law: mean live = arrival rate × mean lifetime = 20 × 50 = 1000
      const live = Array.from(r.streams[0]!.live).slice(500);
      const mean = live.reduce((a, b) => a + b, 0) / live.length;
      expect(Math.abs(mean - 1000)).toBeLessThan(50);
      // Poisson with mean 2.5 per step over 3000 steps: 7500 ± 87 (one standard deviation)
      expect(Math.abs(r.streams[1]!.allocated - 7500)).toBeLessThan(300);
      // 1000 over the 300 steps 100…399: floor((j + 1)·1000/300) − floor(j·1000/300) per step
      const slab = r.streams[2]!.live;
      expect(slab[99]).toBe(0);
      expect(slab[100]).toBe(3);
      expect(slab[399]).toBe(1000);
      expect(slab[2999]).toBe(1000);
    });

    it('events happen at their step, in spec order; sampling every N steps gives steps / N samples', () => {
      const r = runWorkload(m, {
        steps: 100, sampleEvery: 7,
        streams: [{ name: 'a', kind: 'anon', rate: 5, lifetime: 'event' }],
        events: [
          { at: 49, op: 'sysctl', name: 'watermark_scale_factor', value: 500 },
          { at: 49, op: 'free', stream: 'a', every: 2, count: 10 },
          { at: 20, op: 'drain' },
        ],
      });
      expect(r.samples.step.length).toBe(Math.floor(100 / 7));
      expect(Array.from(r.samples.step)).toEqual(Array.from({ length: 14 }, (_, k) => 7 * (k + 1) - 1));
      expect(r.events.map((e) => [e.step, e.index, e.op])).toEqual([[20, 2, 'drain'], [49, 0, 'sysctl'], [49, 1, 'free']]);
      // before step 49 (at 48: sample 6) the default high watermark, after it (at 55: sample 7) the higher one
      const z = r.samples.zones[0]!;
      const before = m.view().nodes[0]!.zones.find((v) => v.name === z.zone)!;
      expect(z.high[6]).toBe(before.high);
      expect(z.high[7]).toBeGreaterThan(before.high);
      // at step 49 the 245 pages of steps 0…48 were there; every 2nd of the first 20 went (10), then 5 came
      expect(r.events[2]!.result).toEqual({ stream: 'a', blocks: 10, freedPages: 10 });
      expect(r.streams[0]!.live[7]).toBe(5 * 56 - 10);
    });

    it('pages that compaction migrates stay the stream’s: they are freed where they moved to', () => {
      const eng = startWorkload(m.start(), {
        seed: 3, steps: 300,
        streams: [
          { name: 'held', kind: 'anon', rate: 40, lifetime: { fixed: 200 } },
          { name: 'gone', kind: 'anon', rate: 40, lifetime: { fixed: 3 } },
        ],
        events: [{ at: 150, op: 'compact_memory' }],
      });
      eng.advance(300);
      const r = eng.result();
      expect((r.events[0]!.result as { migrated: number }).migrated).toBeGreaterThan(0);
      // every page a pool holds is the head of an allocated anon block of its order
      const b = eng.rs.buddy;
      let checked = 0;
      for (const p of eng.pools.pools) {
        for (let s = p.start; s < p.len; s++) {
          const pfn = p.ring[s]!;
          if (pfn < 0) continue;
          expect(b.tag[pfn - b.basePfn]! & (PS_ALLOC | PS_ORDER_MASK)).toBe(PS_ALLOC);
          expect(eng.rs.pflags[pfn - b.basePfn]! & PF_KIND_MASK).toBe(KIND_ANON);
          checked++;
        }
      }
      expect(checked).toBe(40 * 200 + 40 * 3); // held: 200 steps of 40; gone: 3 steps of 40
      eng.run.checkInvariants();
    });

    it('a page someone else frees is no longer the stream’s (counted as reclaimed, never freed twice)', () => {
      const run = m.start();
      const eng = startWorkload(run, { steps: 100, streams: [{ name: 'a', kind: 'anon', rate: 10, lifetime: { fixed: 30 } }] });
      eng.advance(10);
      const p = eng.pools.pools[0]!;
      const victim = p.ring[p.start + 5]!;
      run.free(victim);
      eng.advance(90);
      const r = eng.result();
      expect(r.streams[0]).toMatchObject({ allocated: 1000, reclaimedPages: 1, freedPages: 1000 - 300 - 1, livePages: 300 });
      run.checkInvariants();
    });
  });
}
