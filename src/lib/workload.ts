/**
 * `mm.workload` (docs/workload.md): run a workload spec on a booted machine. In Node it runs to
 * the end at once; in the worker it runs in slices of about SLICE_MS, reporting progress and
 * reading cancellation between slices (the result does not depend on the slicing: slices end at
 * step boundaries).
 */
import type { Machine, RunningMachine } from '../sim/index';
import { runWorkload, startWorkload, type WorkloadResult } from '../sim/workload/index';

export interface MmWorkloadOptions {
  /** progress: ("workload: step N of M", share done) */
  onProgress?: (stage: string, fraction: number) => void;
  /** aborting cancels the run (in a notebook cell: the cell's `signal`) */
  signal?: AbortSignal;
  /** in the browser, a newer workload with the same key cancels a stale one (without a key, only the signal cancels) */
  key?: string;
}

/** Run `spec` on machine to its end. */
export function workloadOn(machine: Machine | RunningMachine, spec: unknown, opts: MmWorkloadOptions = {}): WorkloadResult {
  return runWorkload(machine, spec, { onProgress: opts.onProgress, signal: opts.signal });
}

const SLICE_MS = 40;

/**
 * Run `spec` on machine in slices of about SLICE_MS: progress after each, then `checkpoint`
 * (which yields to the worker's message loop and throws when the page cancelled the call).
 */
export async function workloadSliced(
  machine: Machine | RunningMachine, spec: unknown,
  ctx: { progress(stage: string, fraction: number): void; checkpoint(): Promise<void> },
  now: () => number = () => performance.now(),
): Promise<WorkloadResult> {
  const eng = startWorkload(machine, spec);
  try {
    const steps = eng.plan.steps;
    let slice = Math.max(1, Math.floor(steps / 200));
    ctx.progress(`workload: step 0 of ${steps}`, 0);
    while (!eng.done) {
      const t0 = now();
      eng.advance(slice);
      const dt = now() - t0;
      if (dt < SLICE_MS / 2) slice *= 2;
      else if (dt > SLICE_MS * 2 && slice > 1) slice = Math.max(1, Math.floor(slice / 2));
      ctx.progress(`workload: step ${eng.step} of ${steps}`, eng.step / steps);
      await ctx.checkpoint();
    }
    return eng.result();
  } finally {
    eng.dispose();
  }
}
