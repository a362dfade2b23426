/**
 * What a sweep worker does (sweep-api.ts): a point is evaluateNumbers (src/kernel/evaluate.ts) with
 * the builtins `mmbook run` gives a notebook, minus the DOM: `mm` is the simulator itself (a
 * workload reports its progress as the point's), `cached` computes (the page caches whole points,
 * src/app/sweep/sweep-runner.ts), and Plot, Inputs, html, svg, md and htl are stand-ins that say a
 * sweep point has no page to draw on, should a response depend on a cell that draws. TypeScript
 * cells load the compiler first, as the page does.
 */
import { evaluateNumbers } from '../../kernel/evaluate';
import { headlessCached } from '../../lib/cache/headless';
import { mm, type MmMachine } from '../../lib/mm';
import { plots } from '../../lib/plots/builtin';
import type { MmWorkloadOptions } from '../../lib/workload';
import type { SweepWorkerApi } from './sweep-api';
import type { Impl, ServerContext } from './rpc-server';
import type { CallContext } from './rpc';
import { loadTypeScript } from '../typescript-lazy';

/** A builtin that needs a page: any use of it throws, naming it. */
function pageOnly(name: string): unknown {
  const fail = (): never => {
    throw Object.assign(new Error(`${name} needs a page to draw on, and a sweep point runs in a worker without one: choose a response that does not depend on this cell`), { code: 'SWEEP_NO_PAGE' });
  };
  return new Proxy(function () { /* stand-in */ }, { apply: fail, construct: fail, get: (_t, p) => (p === Symbol.toPrimitive || p === 'then' ? undefined : fail()) });
}

/** Progress of the running point's workloads, at most every PROGRESS_MS (each message is work for the page). */
const PROGRESS_MS = 100;
let current: CallContext | undefined;
let shown = 0;
const report = (stage: string, fraction: number): void => {
  const now = performance.now();
  if (now - shown < PROGRESS_MS) return;
  shown = now;
  current?.progress(stage, fraction);
};

const pointMm = {
  ...mm,
  workload: (machine: MmMachine, spec: unknown, opts: MmWorkloadOptions = {}) => mm.workload(machine, spec, {
    ...opts, onProgress: (stage, f) => { report(stage, f); opts.onProgress?.(stage, f); },
  }),
};

const builtins: Record<string, unknown> = {
  mm: pointMm, plots, cached: headlessCached,
  ...Object.fromEntries(['Plot', 'Inputs', 'html', 'svg', 'md', 'htl', 'DOM'].map((n) => [n, pageOnly(n)])),
};

/**
 * Workloads that take the simulator's main paths (boot, the allocator and its per-cpu lists,
 * kswapd's reclaim, allocation failures and their reports) until V8 has optimised them: a fresh
 * worker's first points otherwise run slower code while the compiler works beside them, and a pool
 * pays that once per worker. The panel warms its workers when it opens, before Run.
 */
function warmUp(): true {
  for (const wsf of [10, 100]) {
    const machine = mm.boot({ arch: 'arm64', kernel: '6.1', topology: { ramMiB: 256, cpus: 2 }, sysctls: { 'vm.watermark_scale_factor': wsf } });
    mm.workload(machine, {
      steps: 200, sampleEvery: 10,
      streams: [
        { kind: 'file', rate: 300, arrival: 'poisson', lifetime: 'forever' },
        { kind: 'anon', rate: 50, lifetime: { exponential: { mean: 50 } } },
        { gfp: 'GFP_NOWAIT', order: { 0: 0.5, 3: 0.5 }, rate: 400, arrival: 'poisson', lifetime: { fixed: 5 } },
      ],
      events: [{ at: 5, op: 'fill', percent: 90, kind: 'file' }],
    });
  }
  return true;
}

export const sweepImpl: Impl<SweepWorkerApi, { root: undefined }> = {
  root: {
    warm: () => warmUp(),
    point: async (_, [job], ctx: ServerContext<{ root: undefined }>) => {
      const t0 = performance.now();
      current = ctx;
      shown = t0;
      try {
        // TypeScript cells need the compiler, loaded on demand as on the page
        if (job.cells.some((c) => c.mode === 'ts')) await loadTypeScript();
        const answer = await evaluateNumbers(job, { builtins });
        return { ...answer, ms: performance.now() - t0 };
      } finally {
        current = undefined;
      }
    },
  },
};
