/**
 * Benchmarks of the workload engine (src/sim/workload) on a 1 GiB machine, against a baseline
 * measured in the same run:
 * - workload-1m-ops-ms: the median of 7 runs of a workload of about 1M operations (allocations and
 *   frees: an anon stream with a fixed lifetime, a slab stream with an order mix and exponential
 *   lifetimes, 1000 steps sampled every step). Goal ≤ 300 ms (the notebooks' slider → re-run budget).
 *   Baseline: the same number of random operations straight on the allocator (test/helpers/random-ops.ts).
 * - workload-ops: the operations that workload made.
 * - workload-result-bytes: its result as JSON (1000 samples).
 */
import { performance } from 'node:perf_hooks';
import { bootMachine } from '../src/sim/index';
import { RunState } from '../src/sim/run/run-state';
import { runWorkload, workloadJsonReplacer, type WorkloadResult } from '../src/sim/workload/index';
import { randomOps } from '../test/helpers/random-ops';
import type { BenchResult } from './boot-fill';

const SPEC = {
  seed: 1, steps: 1000, sampleEvery: 1,
  streams: [
    { name: 'anon', kind: 'anon', rate: 400, lifetime: { fixed: 50 }, cpu: 'spread' },
    { name: 'slab', kind: 'slab', rate: 100, order: { 0: 0.8, 1: 0.15, 3: 0.05 }, lifetime: { exponential: { mean: 20 } } },
  ],
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 100) / 100;

export async function benchWorkload(): Promise<BenchResult[]> {
  const m = bootMachine({ arch: 'arm64', kernel: '6.1', topology: { arch: 'arm64', kernel: '6.1', ramMiB: 1024, cpus: 2 } });
  let last: WorkloadResult | undefined;
  const times: number[] = [];
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now();
    last = runWorkload(m, SPEC);
    times.push(performance.now() - t0);
  }
  const r = last!;
  const total = r.totals.allocations + r.totals.frees;
  const base: number[] = [];
  for (let k = 0; k < 7; k++) {
    const rs = new RunState(m, { daemons: 'manual' });
    const t0 = performance.now();
    randomOps(rs, 42 + k, total, undefined, 0, 20000);
    base.push(performance.now() - t0);
  }
  const ms = median(times);
  const baseMs = median(base);
  return [
    { name: 'workload-1m-ops-ms', value: round(ms), unit: 'ms', baseline: round(baseMs), target: 300 },
    { name: 'workload-vs-random-ops-ratio', value: round(ms / baseMs), unit: 'x' },
    { name: 'workload-ops', value: total, unit: 'ops' },
    { name: 'workload-result-bytes', value: JSON.stringify(r, workloadJsonReplacer).length, unit: 'bytes' },
  ];
}

