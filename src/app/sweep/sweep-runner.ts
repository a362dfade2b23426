/**
 * Runs a sweep: the points of the range (src/lib/sweep/spec.ts, the same as `mmbook run --sweep`)
 * on a pool of sweep workers (src/app/worker/sweep-api.ts), one per core. Each point runs, off the
 * page, only the cells the response needs (src/kernel/closure.ts), with the notebook's inputs as
 * they are on the page and the point's own values on top (as `-p` does for `mmbook run --sweep`),
 * and sends back the response's number alone. A point already computed (same cells, same inputs
 * they read, same response, same simulator) is read from the result cache at once; a computed one
 * is stored there. A point that fails gets its message and the others go on; cancelling stops the
 * running points (their workers are terminated) and keeps the ones done.
 */
import { cellsFor, type CellShape, type NumbersJob } from '../../kernel/index';
import { cacheKey } from '../../lib/cache/index';
import { sweepPoints, type SweepPoint } from '../../lib/sweep/spec';
import { checkSweepDecl, type SweepDecl, type SweepPointResult } from '../../lib/sweep/result';
import type { MapOptions, PointOutcome, PoolProgress } from '../worker/pool';
import { RpcError } from '../worker/rpc';
import type { PointAnswer } from '../worker/sweep-api';

/** What the runner needs of a WorkerPool of sweep workers. */
export interface PointPool {
  readonly size: number;
  mapSettled<P>(points: readonly P[], method: 'point', args: (point: P, index: number) => [NumbersJob], opts?: MapOptions<PointAnswer>): Promise<Array<PointOutcome<PointAnswer>>>;
}

/** What the runner needs of the result cache (a ResultCache). */
export interface PointCache {
  get(hash: string): Promise<{ hit: true; value: unknown } | { hit: false }>;
  put(hash: string, value: unknown): Promise<boolean>;
}

export interface SweepNotebook {
  title: string;
  /** the page session's cells (inputs and outputs as the kernel compiled them) */
  cells: readonly CellShape[];
  /** the names input cells define (`view(...)`): they are parameters of every point */
  inputs: ReadonlySet<string>;
  /** the current value of each input, by name */
  values: Record<string, unknown>;
}

export interface SweepProgress extends PoolProgress {
  /** points read from the cache */
  cached: number;
}

export interface RunOptions {
  pool: PointPool;
  cache?: PointCache;
  signal?: AbortSignal;
  onProgress?(p: SweepProgress): void;
  /** each point's result as it arrives (cached ones first) */
  onPoint?(index: number, result: SweepPointResult): void;
}

export interface SweepOutcome { results: SweepPointResult[]; cancelled: boolean }

/** The points of `decl` and the job of each: the cells the response needs and the inputs they read. */
export function planSweep(nb: SweepNotebook, decl: SweepDecl): { points: SweepPoint[]; jobs: NumbersJob[] } {
  checkSweepDecl(decl);
  const defined = new Set(nb.cells.flatMap((c) => c.outputs));
  for (const name of [decl.name, ...(decl.seeds !== undefined ? ['seed'] : [])]) {
    if (!defined.has(name)) throw new RpcError('UNKNOWN_PARAM', `the notebook has no input named '${name}'; its inputs are: ${[...nb.inputs].join(', ') || 'none'}`);
  }
  const given = new Set([...nb.inputs, decl.name, ...(decl.seeds !== undefined ? ['seed'] : [])]);
  if (given.has(decl.response)) throw new RpcError('SWEEP_RANGE', `this sweep cannot run: ${decl.response} is an input; choose a value the notebook computes`);
  // a response no cell defines is the kernel's UNKNOWN_VALUE
  const cells = cellsFor(nb.cells, [decl.response], given);
  // only the inputs these cells read (or override) go into a point: its cache key does not change with the others
  const shapes = nb.cells.filter((c) => cells.some((s) => s.id === c.id));
  const used = new Set(shapes.flatMap((c) => [...c.inputs, ...c.outputs]));
  const points = sweepPoints(decl);
  const jobs = points.map((point) => {
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries({ ...nb.values, ...point })) if (used.has(k)) params[k] = v;
    return { title: nb.title, cells, params, names: [decl.response] };
  });
  return { points, jobs };
}

/** The cache key of a point: its cells' code, the inputs they read, the response (and the simulator's version, cache-key.ts). */
async function pointKey(job: NumbersJob): Promise<string | undefined> {
  try {
    return await cacheKey({ sweepPoint: { title: job.title, cells: job.cells.map((c) => [c.mode, c.value]), params: job.params, names: job.names } });
  } catch {
    return undefined; // an input that is not plain data (a chosen file): computed every time
  }
}

export async function runSweep(nb: SweepNotebook, decl: SweepDecl, opts: RunOptions): Promise<SweepOutcome> {
  const { points, jobs } = planSweep(nb, decl);
  const results: SweepPointResult[] = points.map((point) => ({ point }));
  const total = points.length;
  let cached = 0;
  const keys = await Promise.all(jobs.map((j) => (opts.cache ? pointKey(j) : Promise.resolve(undefined))));
  const todo: number[] = [];
  for (let i = 0; i < total; i++) {
    if (opts.signal?.aborted) return { results, cancelled: true };
    const got = keys[i] !== undefined ? await opts.cache!.get(keys[i]!) : { hit: false as const };
    const value = got.hit ? (got.value as { values?: Record<string, unknown> } | null)?.values?.[decl.response] : undefined;
    if (typeof value === 'number') {
      results[i] = { point: points[i]!, value, cached: true };
      cached++;
      opts.onPoint?.(i, results[i]!);
    } else todo.push(i);
  }
  const progress = (p: PoolProgress | undefined) => opts.onProgress?.({
    done: cached + (p?.done ?? 0), total, running: p?.running ?? 0, cached,
    fraction: total ? (cached + (p ? p.fraction * todo.length : 0)) / total : 1,
  });
  progress(undefined);
  if (!todo.length) return { results, cancelled: false };
  try {
    await opts.pool.mapSettled(todo, 'point', (i) => [jobs[i]!], {
      signal: opts.signal,
      onProgress: progress,
      onPoint: (k, outcome) => {
        const i = todo[k]!;
        results[i] = outcome.ok ? { point: points[i]!, value: outcome.value.values[decl.response]! } : { point: points[i]!, error: outcome.error.message };
        if (outcome.ok && keys[i] !== undefined) void opts.cache!.put(keys[i]!, { values: outcome.value.values });
        opts.onPoint?.(i, results[i]!);
      },
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'CANCELLED') return { results, cancelled: true };
    throw e;
  }
  return { results, cancelled: false };
}
