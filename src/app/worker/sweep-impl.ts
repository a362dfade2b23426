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

/** Progress of the running point's workloads, at most every percent. */
let current: CallContext | undefined;
let shown = -1;
const report = (stage: string, fraction: number): void => {
  const pct = Math.floor(fraction * 100);
  if (pct === shown) return;
  shown = pct;
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

export const sweepImpl: Impl<SweepWorkerApi, { root: undefined }> = {
  root: {
    warm: () => true,
    point: async (_, [job], ctx: ServerContext<{ root: undefined }>) => {
      const t0 = performance.now();
      current = ctx;
      shown = -1;
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
