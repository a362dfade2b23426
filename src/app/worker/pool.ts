/**
 * A pool of simulator workers for parallel runs (sweeps): N workers, one per core
 * (navigator.hardwareConcurrency, at least 1, at most 8), each speaking the typed worker API
 * (api.ts) through its own RpcClient. `map(points, method, args)` runs `root.method(...args(point))`
 * for every point, as many at once as there are workers, and resolves with the results in the
 * order of the points, whatever order they finish in (`onPoint` gets each outcome as it
 * finishes). It reports progress (points done of the total, and the share done, with the running
 * points' own progress for long methods) and is
 * cancelled through an AbortSignal: the workers running cancelled points are terminated (a
 * synchronous simulation cannot stop otherwise) and replaced when the pool is used again; idle
 * workers stay. Workers start on first use. One map runs at a time; later ones wait their turn.
 * Results should be plain data: a handle a method returns lives in a pool worker, which a later
 * cancellation may terminate.
 */
import { CancelledError, type ApiSet, type ArgsOf, type ResultOf } from './rpc';
import { RpcClient, type PageResult, type WorkerLike } from './rpc-client';

export const MAX_POOL_SIZE = 8;

/** The pool size for a machine with `cores` logical CPUs (navigator.hardwareConcurrency). */
export function poolSize(cores: number | undefined = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency): number {
  return Math.max(1, Math.min(MAX_POOL_SIZE, Math.floor(Number.isFinite(cores) ? cores! : 1)));
}

export interface PoolProgress {
  /** points finished (with a result or an error) */
  done: number;
  total: number;
  /** points running now */
  running: number;
  /** share of the work done, 0…1, counting the running points' own progress */
  fraction: number;
}

export interface MapOptions<R = unknown> {
  signal?: AbortSignal;
  onProgress?(p: PoolProgress): void;
  /** each point's outcome as it finishes (in the order they finish), before the progress that counts it */
  onPoint?(index: number, outcome: PointOutcome<R>): void;
}

/** One point's outcome (mapSettled). */
export type PointOutcome<R> = { ok: true; value: R } | { ok: false; error: { code: string; message: string } };

type Root<Apis extends ApiSet> = Apis['root'];
type Method<Apis extends ApiSet> = keyof Root<Apis> & string;
type Result<Apis extends ApiSet, M extends Method<Apis>> = PageResult<Apis, ResultOf<Root<Apis>[M]>>;

export class WorkerPool<Apis extends ApiSet> {
  readonly size: number;
  private readonly slots: Array<RpcClient<Apis> | undefined>;
  private turn: Promise<unknown> = Promise.resolve();
  private workersStarted = 0;
  private disposed = false;

  constructor(private readonly makeWorker: () => WorkerLike | Worker, private readonly apis: Apis, opts: { size?: number } = {}) {
    this.size = opts.size === undefined ? poolSize() : poolSize(opts.size);
    this.slots = new Array(this.size).fill(undefined);
  }

  /** Workers started so far (a cancellation's replacements included). */
  get started(): number { return this.workersStarted; }

  /** The results of every point, in order; the first error rejects (and stops the other points). */
  async map<M extends Method<Apis>, P>(points: readonly P[], method: M, args: (point: P, index: number) => ArgsOf<Root<Apis>[M]>, opts: MapOptions<Result<Apis, M>> = {}): Promise<Array<Result<Apis, M>>> {
    const out = await this.queue(() => this.run(points, method, args, opts, true));
    return out.map((o) => (o as { value: Result<Apis, M> }).value);
  }

  /** Every point's outcome, in order: a point that fails does not stop the others. */
  mapSettled<M extends Method<Apis>, P>(points: readonly P[], method: M, args: (point: P, index: number) => ArgsOf<Root<Apis>[M]>, opts: MapOptions<Result<Apis, M>> = {}): Promise<Array<PointOutcome<Result<Apis, M>>>> {
    return this.queue(() => this.run(points, method, args, opts, false));
  }

  /** Terminates every worker; the pool cannot be used afterwards. */
  dispose(): void {
    this.disposed = true;
    for (let i = 0; i < this.slots.length; i++) { this.slots[i]?.fail(new CancelledError('the worker pool was disposed')); this.slots[i] = undefined; }
  }

  private queue<T>(job: () => Promise<T>): Promise<T> {
    const mine = this.turn.then(job, job);
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private client(slot: number): RpcClient<Apis> {
    let c = this.slots[slot];
    if (!c || c.dead) {
      this.workersStarted++;
      c = this.slots[slot] = new RpcClient(this.makeWorker() as WorkerLike, this.apis);
    }
    return c;
  }

  private async run<M extends Method<Apis>, P>(points: readonly P[], method: M, args: (point: P, index: number) => ArgsOf<Root<Apis>[M]>, opts: MapOptions<Result<Apis, M>>, stopOnError: boolean): Promise<Array<PointOutcome<Result<Apis, M>>>> {
    if (this.disposed) throw new CancelledError('the worker pool was disposed');
    if (opts.signal?.aborted) throw new CancelledError('the sweep was cancelled');
    const total = points.length;
    const results = new Array<PointOutcome<Result<Apis, M>>>(total);
    const running = new Map<number, number>();
    const busy = new Set<number>();
    let next = 0, done = 0;
    let stop: unknown;
    const report = () => {
      let partial = 0;
      for (const f of running.values()) partial += f;
      opts.onProgress?.({ done, total, running: running.size, fraction: total ? Math.min(1, (done + partial) / total) : 1 });
    };
    // stopping terminates the workers of the points still running (a synchronous method cannot stop otherwise)
    const halt = (why: unknown) => {
      if (stop !== undefined) return;
      stop = why;
      for (const slot of busy) this.slots[slot]?.fail(why);
    };
    const onAbort = () => halt(new CancelledError('the sweep was cancelled'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const lane = async (slot: number): Promise<void> => {
      while (stop === undefined && next < total) {
        const i = next++;
        const client = this.client(slot);
        busy.add(slot);
        running.set(i, 0);
        report();
        try {
          const value = await client.call('root', 0, method, args(points[i]!, i), { onProgress: (_stage, f) => { if (running.has(i)) { running.set(i, f); report(); } } });
          results[i] = { ok: true, value: value as Result<Apis, M> };
        } catch (e) {
          if (stop !== undefined) return;
          const err = e as { code?: unknown; message?: unknown };
          results[i] = { ok: false, error: { code: typeof err?.code === 'string' ? err.code : 'INTERNAL', message: typeof err?.message === 'string' ? err.message : String(e) } };
          busy.delete(slot); // its worker answered: only the others' need stopping
          if (stopOnError) halt(e);
        } finally {
          busy.delete(slot);
          running.delete(i);
        }
        done++;
        opts.onPoint?.(i, results[i]!);
        report();
      }
    };
    try {
      report();
      await Promise.all(Array.from({ length: Math.min(this.size, total) }, (_, slot) => lane(slot)));
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (stop !== undefined) throw stop;
    return results;
  }
}
