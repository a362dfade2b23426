/**
 * Property: random allocations, frees, drains and sysctl writes on every arch and both kernels
 * keep every run-time invariant (run-invariants.ts: the buddy's lists and counters, per-cpu lists,
 * LRU lists, conservation of managed pages). The bench runs the same generator for 10M operations
 * (rt-invariant-ops-checked); this test runs a share of it that fits the suite's time.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine, TraceCounter } from '../../src/sim/index';
import { checkRunInvariants } from '../../src/sim/run/run-invariants';
import { freeAll, randomOps } from '../helpers/random-ops';

const MACHINES = [
  { arch: 'arm64', ramMiB: 192, cpus: 2, cmdline: 'cma=32M', maxLive: 6_000, freeShare: 0.45 },
  { arch: 'arm', ramMiB: 800, cpus: 2, cmdline: '', maxLive: 30_000, freeShare: 0.3 },
  { arch: 'x86_64', ramMiB: 160, cpus: 2, cmdline: '', maxLive: 6_000, freeShare: 0.45 },
] as const;

describe.each(['5.10', '6.1'] as const)('random operations on %s', (kernel) => {
  it.each(MACHINES)('$arch $ramMiB MiB keeps every invariant', ({ arch, ramMiB, cpus, cmdline, maxLive, freeShare }) => {
    const m = bootMachine({ arch, kernel, topology: { arch, kernel, ramMiB, cpus }, cmdline });
    let checked = 0;
    for (const seed of [1, 2, 3]) {
      const run = m.start({ daemons: 'manual' });
      const rs = run.rs;
      const events = new TraceCounter();
      run.setTrace(events);
      const st = randomOps(rs, seed * 7919 + ramMiB, 40_000, () => checkRunInvariants(rs), 4_000, maxLive, freeShare);
      checkRunInvariants(rs);
      checked += st.ops;
      // the run reached the paths that matter: fallback steals, pcp drains, and failures under pressure
      expect(events.counts.get('mm_page_alloc_extfrag') ?? 0).toBeGreaterThan(0);
      expect(events.counts.get('mm_page_pcpu_drain') ?? 0).toBeGreaterThan(0);
      expect(st.failures).toBeGreaterThan(0);
      // pages are conserved: everything given back returns every page to the buddy or the pcp lists
      freeAll(rs, st);
      run.drain();
      checkRunInvariants(rs);
      for (let zi = 0; zi < rs.zones; zi++) expect(rs.buddy.z.free[zi]).toBe(rs.buddy.z.managed[zi]);
    }
    expect(checked).toBe(120_000);
  });
});
