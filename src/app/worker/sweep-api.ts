/**
 * The sweep worker's API (sweep.worker.ts, one per core in a WorkerPool): `point` computes a sweep
 * point, the named numbers of a notebook run off the page on the cells they need, with the point's
 * inputs (src/kernel/evaluate.ts); only those numbers come back, never the workload results behind
 * them. `warm` starts the worker (the kernel and the simulator load) and runs a short workload,
 * so that a sweep's first point does not pay for compiling them.
 */
import type { NumbersAnswer, NumbersJob } from '../../kernel/index';
import { method, type ApiSet } from './rpc';

export interface PointAnswer extends NumbersAnswer {
  /** the point's time in the worker (ms): the bench and the panel's per-point line */
  ms: number;
}

export const sweepApi = {
  root: {
    warm: method<[], true>(),
    point: method<[job: NumbersJob], PointAnswer>({ long: true }),
  },
} satisfies ApiSet;

export type SweepWorkerApi = typeof sweepApi;
