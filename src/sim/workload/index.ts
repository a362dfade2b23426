/**
 * Workloads (docs/workload.md): a declarative spec of allocation streams and timed events run on a
 * machine, returning time series. `runWorkload` runs one to the end; `startWorkload` gives the
 * engine to a driver that runs it in slices (the notebook worker, with progress and cancellation).
 */
import { MmError } from '../errors';
import type { Machine } from '../machine/machine';
import { RunningMachine } from '../run/running-machine';
import { WorkloadEngine } from './engine';
import type { WorkloadResult } from './result';
import { validateWorkload } from './validate';

export { validateWorkload } from './validate';
export { WorkloadEngine } from './engine';
export { workloadJsonReplacer } from './result';
export type { WorkloadResult, WorkloadFailure, WorkloadEvent, StreamSummary, WorkloadSamples, WorkloadTotals } from './result';
export type { WorkloadSpec, WorkloadPlan, StreamSpec, EventSpec, FillEventSpec, LifetimeSpec } from './spec';
export type { ZoneSeries, NodeSeries } from './sampler';
export type { CmaSeries } from './cma-occupancy';
export { PAGEBLOCK_HOLE, type PageblockMap } from './pageblocks';

export interface WorkloadOptions {
  /** called between slices of steps: ("workload: step N of M", share done) */
  onProgress?: (stage: string, fraction: number) => void;
  /** stops the run between slices (CANCELLED) */
  signal?: AbortSignal;
}

/**
 * Validate `spec` and set it up on `target`: a booted Machine (a fresh run of it, with the spec's
 * swap settings and the daemons under the workload's control) or a RunningMachine (run on, in place).
 */
export function startWorkload(target: Machine | RunningMachine, spec: unknown): WorkloadEngine {
  const plan = validateWorkload(spec);
  const run = target instanceof RunningMachine ? target : target.start({ daemons: 'manual', swap: plan.swap, swappiness: plan.swappiness });
  return new WorkloadEngine(run, plan);
}

export function cancelledError(): MmError {
  return new MmError('CANCELLED', 'the workload was cancelled');
}

/** Run a workload to its end (synchronously); see startWorkload. */
export function runWorkload(target: Machine | RunningMachine, spec: unknown, opts: WorkloadOptions = {}): WorkloadResult {
  const eng = startWorkload(target, spec);
  const slice = Math.max(1, Math.ceil(eng.plan.steps / 100));
  try {
    while (!eng.done) {
      if (opts.signal?.aborted) throw cancelledError();
      eng.advance(slice);
      opts.onProgress?.(`workload: step ${eng.step} of ${eng.plan.steps}`, eng.step / eng.plan.steps);
    }
    return eng.result();
  } finally {
    eng.dispose();
  }
}

