/**
 * The workbench's sweep runner (src/app/sweep/sweep-runner.ts) on a WorkerPool of stand-in
 * workers (MessageChannels) serving the real sweep worker (src/app/worker/sweep-impl.ts): the
 * points and seeds of the range in order whatever order they finish in, only the cells the
 * response needs, a failing point beside the others, cancellation, the result cache, the user
 * errors of a declaration; and the same numbers as `mmbook run --sweep` for a workload notebook.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDom, NotebookSession, parseNotebook } from '../../src/kernel/index';
import { MemoryBackend } from '../../src/lib/persist/backend';
import { ResultCache } from '../../src/lib/cache/index';
import type { SweepDecl, SweepPointResult } from '../../src/lib/sweep/result';
import { inputNames } from '../../src/app/ab/scenario-a';
import { WorkerPool } from '../../src/app/worker/pool';
import { serve } from '../../src/app/worker/rpc-server';
import { sweepApi } from '../../src/app/worker/sweep-api';
import { sweepImpl } from '../../src/app/worker/sweep-impl';
import { planSweep, runSweep, type SweepNotebook, type SweepProgress } from '../../src/app/sweep/sweep-runner';
import { closedAfterEach, fakeWorker as serving } from '../helpers/fake-worker';

const root = new URL('../..', import.meta.url).pathname;
const fakeWorker = closedAfterEach(() => serving((p) => serve(p, sweepImpl)));

function pool(size: number) {
  const made: Array<ReturnType<typeof fakeWorker>> = [];
  return { pool: new WorkerPool(() => { const w = fakeWorker(); made.push(w); return w; }, sweepApi, { size }), made };
}

/** The notebook as the page's session compiles it, with `values` as its inputs' values. */
async function notebook(file: string, values: Record<string, unknown>): Promise<SweepNotebook> {
  await ensureDom();
  const doc = parseNotebook(readFileSync(join(root, 'test/fixtures/notebooks', file), 'utf8'));
  // compiled, then closed before any cell runs (the input cells need a DOM)
  const session = NotebookSession.open(doc);
  const cells = session.cells();
  session.dispose();
  return { title: doc.title, cells, inputs: inputNames(cells), values };
}

const decl = (d: Partial<SweepDecl> & Pick<SweepDecl, 'name' | 'from' | 'to' | 'steps' | 'response'>): SweepDecl => ({ integers: true, ...d });

describe('the sweep runner', () => {
  it('runs every point and seed on the pool and gives the results in the points\' order, with progress', async () => {
    const nb = await notebook('sweep.html', { x: 1, seed: 0 });
    const { pool: p, made } = pool(3);
    const progress: SweepProgress[] = [];
    const arrived: number[] = [];
    const out = await runSweep(nb, decl({ name: 'x', from: 0, to: 100, steps: 5, seeds: 2, response: 'y' }), {
      pool: p, onProgress: (x) => progress.push(x), onPoint: (i) => arrived.push(i),
    });
    expect(out.cancelled).toBe(false);
    // y = 10 x + seed; x = 100 makes cell 4 throw, but y does not need cell 4, so that point is not run there
    expect(out.results).toEqual([0, 25, 50, 75, 100].flatMap((x) => [1, 2].map((seed): SweepPointResult => ({ point: { x, seed }, value: 10 * x + seed }))));
    expect([...arrived].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(made).toHaveLength(3);
    expect(progress.at(-1)).toMatchObject({ done: 10, total: 10, running: 0, fraction: 1, cached: 0 });
    // without seeds the notebook's own seed input (as on the page) goes into every point
    const same = await runSweep({ ...nb, values: { x: 1, seed: 7 } }, decl({ name: 'x', from: 1, to: 3, steps: 3, response: 'y' }), { pool: p });
    expect(same.results.map((r) => r.value)).toEqual([17, 27, 37]);
    p.dispose();
  });

  it('a failing point shows its message and the others go on; the workload notebook gives the same numbers as mmbook run --sweep', async () => {
    const nb = await notebook('sweep-workload.html', { watermark_scale_factor: 10, seed: 1, steps: 40 });
    const { pool: p } = pool(2);
    const { jobs } = planSweep(nb, decl({ name: 'watermark_scale_factor', from: 1000, to: 4000, steps: 4, response: 'failures' }));
    // only the cells failures needs, with the inputs they read: no widget, no plot
    expect(jobs[0]!.cells.map((c) => c.id)).toEqual([4, 5, 6, 7]);
    expect(jobs[0]!.params).toEqual({ watermark_scale_factor: 1000, seed: 1, steps: 40 });
    const out = await runSweep(nb, decl({ name: 'watermark_scale_factor', from: 1000, to: 4000, steps: 4, response: 'kswapd_wakes' }), { pool: p });
    expect(out.results.map((r) => r.point.watermark_scale_factor)).toEqual([1000, 2000, 3000, 4000]);
    expect(out.results.slice(0, 3).every((r) => typeof r.value === 'number' && r.error === undefined)).toBe(true);
    expect(out.results[3]).toEqual({ point: { watermark_scale_factor: 4000 }, error: expect.stringMatching(/^kswapd_wakes was not computed: cell 4 failed: .*SYSCTL_INVALID.*4000 is out of range 1\.\.3000/) });

    const seeded = await runSweep(nb, decl({ name: 'watermark_scale_factor', from: 10, to: 1000, steps: 2, seeds: 2, response: 'failures' }), { pool: p });
    const cli = spawnSync(process.execPath, [join(root, 'bin/mmbook.js'), 'run', 'test/fixtures/notebooks/sweep-workload.html', '-p', 'steps=40',
      '--sweep', 'watermark_scale_factor=10:1000:2,seeds=2', '--values', 'failures'], { cwd: root, encoding: 'utf8' });
    expect(cli.status).toBe(0);
    const lines = cli.stdout.trim().split('\n').map((l) => JSON.parse(l) as { point: Record<string, number>; values: { failures: number } });
    expect(seeded.results).toEqual(lines.map((l) => ({ point: l.point, value: l.values.failures })));
    p.dispose();
  });

  it('cancelling stops the running points and keeps the ones done', async () => {
    const nb = await notebook('sweep-workload.html', { watermark_scale_factor: 10, seed: 1, steps: 40 });
    const { pool: p, made } = pool(2);
    const abort = new AbortController();
    const out = await runSweep(nb, decl({ name: 'watermark_scale_factor', from: 10, to: 1000, steps: 12, response: 'kswapd_wakes' }), {
      pool: p, signal: abort.signal, onPoint: () => abort.abort(),
    });
    expect(out.cancelled).toBe(true);
    const done = out.results.filter((r) => r.value !== undefined);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(12);
    expect(out.results.filter((r) => r.value === undefined).every((r) => r.error === undefined)).toBe(true);
    expect(made.some((w) => w.terminated)).toBe(true);
    // the pool runs the next sweep on new workers
    expect((await runSweep(nb, decl({ name: 'watermark_scale_factor', from: 10, to: 20, steps: 2, response: 'kswapd_wakes' }), { pool: p })).cancelled).toBe(false);
    p.dispose();
  });

  it('points go through the result cache: the same sweep again is read back without running', async () => {
    const nb = await notebook('sweep.html', { x: 1, seed: 3 });
    const cache = new ResultCache(new MemoryBackend());
    const { pool: p, made } = pool(2);
    const d = decl({ name: 'x', from: 1, to: 4, steps: 4, response: 'y' });
    const first = await runSweep(nb, d, { pool: p, cache });
    expect(first.results.map((r) => [r.value, r.cached])).toEqual([[13, undefined], [23, undefined], [33, undefined], [43, undefined]]);
    await cache.flush();
    const started = made.length;
    const progress: SweepProgress[] = [];
    const again = await runSweep(nb, d, { pool: { size: 2, mapSettled: () => { throw new Error('the pool was used'); } }, cache, onProgress: (x) => progress.push(x) });
    expect(again.results.map((r) => [r.value, r.cached])).toEqual([[13, true], [23, true], [33, true], [43, true]]);
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4, cached: 4, fraction: 1 });
    expect(made.length).toBe(started);
    // another value of an input the response reads is another key; one it does not read is not
    const other = await runSweep({ ...nb, values: { x: 1, seed: 4 } }, d, { pool: p, cache });
    expect(other.results.map((r) => [r.value, r.cached])).toEqual([[14, undefined], [24, undefined], [34, undefined], [44, undefined]]);
    p.dispose();
  });

  it('a response that depends on a cell that draws fails off the page, saying so', async () => {
    const doc = { title: 'draws', cells: [
      { id: 1, mode: 'js', value: 'const x = view(Inputs.range([0, 10], {value: 1}))' },
      { id: 2, mode: 'js', value: 'const chart = Plot.plot({marks: [Plot.dot([x])]}); const n = chart.childElementCount' },
      { id: 3, mode: 'js', value: 'const twice = x * 2' },
    ] };
    const session = NotebookSession.open(doc);
    const cells = session.cells();
    session.dispose();
    const nb: SweepNotebook = { title: doc.title, cells, inputs: inputNames(cells), values: { x: 1 } };
    const { pool: p } = pool(1);
    const out = await runSweep(nb, decl({ name: 'x', from: 1, to: 2, steps: 2, response: 'n' }), { pool: p });
    expect(out.results.map((r) => r.error)).toEqual([1, 2].map(() => expect.stringMatching(/^n was not computed: cell 2 failed: .*Plot needs a page to draw on, and a sweep point runs in a worker without one/)));
    expect((await runSweep(nb, decl({ name: 'x', from: 1, to: 2, steps: 2, response: 'twice' }), { pool: p })).results.map((r) => r.value)).toEqual([2, 4]);
    p.dispose();
  });

  it('refuses a sweep the notebook cannot run, saying why', async () => {
    const nb = await notebook('sweep.html', { x: 1, seed: 0 });
    const plan = (d: Partial<SweepDecl>) => { try { planSweep(nb, decl({ name: 'x', from: 0, to: 10, steps: 3, response: 'y', ...d })); return 'accepted'; } catch (e) { return `${(e as { code: string }).code}: ${(e as Error).message}`; } };
    expect(plan({ name: 'nosuch' })).toBe('UNKNOWN_PARAM: the notebook has no input named \'nosuch\'; its inputs are: x, seed');
    expect(plan({ response: 'why' })).toMatch(/^UNKNOWN_VALUE: no cell of the notebook defines 'why'; its named values are: x, seed, y, checked/);
    expect(plan({ response: 'seed' })).toBe('SWEEP_RANGE: this sweep cannot run: seed is an input; choose a value the notebook computes');
    expect(plan({ response: 'x' })).toMatch(/^SWEEP_RANGE: this sweep cannot run: the response x is an input it sets/);
    expect(plan({ steps: 20 })).toMatch(/^SWEEP_RANGE: this sweep cannot run: x=0:10:20: 20 integer values do not fit between 0 and 10/);
    expect(plan({ steps: 0 })).toMatch(/the number of values '0' is not a whole number of at least 1/);
    const ok = await notebook('ok.html', { scale: 1 });
    expect(() => planSweep(ok, decl({ name: 'scale', from: 0, to: 1, steps: 2, seeds: 2, response: 'y' }))).toThrow(/the notebook has no input named 'seed'; its inputs are: scale/);
  });
});
