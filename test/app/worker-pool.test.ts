/**
 * The worker pool (src/app/worker/pool.ts) over MessageChannel stand-ins for workers: results in
 * the points' order whatever order they finish in, progress, cancellation that terminates the
 * workers of running points only, errors, and the pool size rule.
 */
import { describe, expect, it } from 'vitest';
import { method } from '../../src/app/worker/rpc';
import { serve, type Impl } from '../../src/app/worker/rpc-server';
import { MAX_POOL_SIZE, poolSize, WorkerPool, type PoolProgress } from '../../src/app/worker/pool';
import { api } from '../../src/app/worker/api';
import { impl } from '../../src/app/worker/mm-impl';
import { mm } from '../../src/lib/mm';
import { closedAfterEach, fakeWorker as serving, type FakeWorker } from '../helpers/fake-worker';

const fakeWorker = closedAfterEach(serving);

const testApi = {
  root: {
    /** n², after `waits` turns of the event loop, reporting progress; never returns when waits < 0; fails for n < 0 */
    square: method<[n: number, waits: number], number>({ long: true }),
    fail: method<[message: string], never>(),
  },
};
const table: Impl<typeof testApi, { root: undefined }> = {
  root: {
    square: async (_, [n, waits], ctx) => {
      if (n < 0) throw Object.assign(new Error(`no square of ${n} here`), { code: 'POINT_FAILED' });
      for (let i = 0; waits < 0 || i < waits; i++) { ctx.progress('squaring', waits < 0 ? 0.5 : i / waits); await new Promise((r) => setTimeout(r, 1)); }
      return n * n;
    },
    fail: (_, [message]) => { throw Object.assign(new Error(message), { code: 'POINT_FAILED' }); },
  },
};

function pool(size: number) {
  const made: FakeWorker[] = [];
  const p = new WorkerPool(() => { const w = fakeWorker((port) => serve(port, table)); made.push(w); return w; }, testApi, { size });
  return { p, made };
}

describe('WorkerPool', () => {
  it('runs the points on N workers and returns the results in the points\' order', async () => {
    const { p, made } = pool(3);
    // the early points take longest, so they finish last
    const points = Array.from({ length: 10 }, (_, i) => i);
    const progress: PoolProgress[] = [];
    const out = await p.map(points, 'square', (n) => [n, 20 - 2 * n], { onProgress: (x) => progress.push(x) });
    expect(out).toEqual(points.map((n) => n * n));
    expect(made).toHaveLength(3);
    expect(Math.max(...progress.map((x) => x.running))).toBe(3);
    const dones = progress.map((x) => x.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ done: 10, total: 10, running: 0, fraction: 1 });
    expect(progress.some((x) => x.fraction > x.done / 10 && x.fraction < 1)).toBe(true); // running points' own progress counts
    // the workers are kept for the next map
    expect(await p.map([7], 'square', (n) => [n, 0])).toEqual([49]);
    expect(p.started).toBe(3);
    p.dispose();
    expect(made.every((w) => w.terminated)).toBe(true);
  });

  it('cancelling terminates the workers of the running points (not the idle ones); the pool works again afterwards', async () => {
    const { p, made } = pool(3);
    await p.map([1, 2, 3], 'square', (n) => [n, 0]);
    const abort = new AbortController();
    let seen = 0;
    const run = p.map([1, 2], 'square', (n) => [n, -1], { signal: abort.signal, onProgress: (x) => { if (x.running === 2 && ++seen === 3) abort.abort(); } });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(made.map((w) => w.terminated)).toEqual([true, true, false]);
    expect(await p.map([4, 5, 6, 7], 'square', (n) => [n, 1])).toEqual([16, 25, 36, 49]);
    expect(p.started).toBe(5);
    // an already aborted signal runs nothing
    await expect(p.map([1], 'square', (n) => [n, 0], { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('map rejects with the first error; mapSettled keeps going and gives every outcome in order', async () => {
    const { p } = pool(2);
    await expect(p.map(['a', 'b'], 'fail', (m) => [m])).rejects.toMatchObject({ code: 'POINT_FAILED' });
    // a failing point stops a map: the other worker's endless point is stopped with it
    await expect(p.map([-1, 2], 'square', (n) => [n, n < 0 ? 3 : -1])).rejects.toMatchObject({ code: 'POINT_FAILED', message: 'no square of -1 here' });
    const seen: Array<[number, unknown]> = [];
    const settled = await p.mapSettled([1, -2, 3, 4], 'square', (n) => [n, 2], { onPoint: (i, o) => seen.push([i, o]) });
    // each outcome as it finished, once
    expect([...seen].sort((a, b) => a[0] - b[0])).toEqual(settled.map((o, i) => [i, o]));
    expect(settled).toEqual([{ ok: true, value: 1 }, { ok: false, error: { code: 'POINT_FAILED', message: 'no square of -2 here' } }, { ok: true, value: 9 }, { ok: true, value: 16 }]);
    const failing = await p.mapSettled(['x', 'y'], 'fail', (m) => [m]);
    expect(failing).toEqual([{ ok: false, error: { code: 'POINT_FAILED', message: 'x' } }, { ok: false, error: { code: 'POINT_FAILED', message: 'y' } }]);
    expect(await p.map([], 'square', () => [0, 0])).toEqual([]);
  });

  it('maps wait for each other: one at a time', async () => {
    const { p } = pool(2);
    const order: string[] = [];
    const first = p.map([1, 2, 3], 'square', (n) => [n, 5], { onProgress: (x) => { if (x.done === 3) order.push('first done'); } });
    const second = p.map([4], 'square', (n) => [n, 0], { onProgress: (x) => { if (x.running) order.push('second running'); } });
    expect(await Promise.all([first, second])).toEqual([[1, 4, 9], [16]]);
    expect(order).toEqual(['first done', 'second running']);
  });

  it('one worker per core, at least 1, at most 8', () => {
    expect(poolSize(2)).toBe(2);
    expect(poolSize(64)).toBe(MAX_POOL_SIZE);
    expect(poolSize(0)).toBe(1);
    expect(poolSize(undefined)).toBe(1);
    expect(poolSize(Number.NaN)).toBe(1);
  });

  it('speaks the simulator\'s own worker API: boots of a parameter range, in order', async () => {
    const p = new WorkerPool(() => fakeWorker((port) => serve(port, impl)), api, { size: 2 });
    const factors = [10, 200, 1000];
    const machines = await p.map(factors, 'boot', (wsf) => [{ fixture: 'x64-1g', sysctls: { 'vm.watermark_scale_factor': wsf } }]);
    const lows = machines.map((m) => m.snapshot.nodes[0]!.zones.find((z) => z.managed > 0 && z.name === 'DMA32')!.low);
    expect(lows).toEqual(factors.map((wsf) => mm.boot({ fixture: 'x64-1g', sysctls: { 'vm.watermark_scale_factor': wsf } }).view().nodes[0]!.zones.find((z) => z.name === 'DMA32')!.low));
    p.dispose();
  });
});
