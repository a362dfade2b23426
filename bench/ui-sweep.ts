/**
 * bench:ui, sweeps: a 40-point sweep of a real workload on the worker pool (one sweep worker per
 * core, at most 8) against the same points run serially in one worker, in the same run (target
 * ratio ≤ 0.6 on 2 cores). The notebook is test/fixtures/notebooks/sweep-workload.html (a 256 MiB
 * arm64 6.1 machine under a workload of anon, page cache and atomic streams), stored as the edited
 * source of a shipped notebook; the sweep is its watermark_scale_factor 10…1000 with kswapd_wakes
 * as the response, through the sweep panel's own runner (src/app/sweep/), the result cache left
 * out. Both pools are started and warmed (kernel and simulator loaded) before their clock starts.
 *
 * The machine the bench runs on may be busy, which a wall-clock ratio cannot tell apart from our
 * own overhead: on Linux the bench also reads the CPU time of the browser's threads (thread-cpu.ts)
 * for each run, and gives the ratio those times imply on an idle machine with as many cores (each
 * run takes at least its busiest worker's CPU time, and at least all its CPU time over the cores).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { setInput, settle, storeEditedSource } from '../test/browser/site';
import { canReadThreads, cpuBetween, loadText, threadCpu, type CpuSpent } from './thread-cpu';

export const POINTS = 40;
/** the workload's length (the fixture's `steps` input) */
export const STEPS = 200;
const ROUNDS = 3;
const SLUG = 'boot';
const NOTEBOOK = readFileSync(resolve(import.meta.dirname, '../test/fixtures/notebooks/sweep-workload.html'), 'utf8');

export interface SweepRun { ms: number; cpu?: CpuSpent; failed: number }
export interface SweepBench { pool: SweepRun; serial: SweepRun; ratio: number; workers: number; cores: number; idleRatio?: number; load: { before: string; after: string }; point: string }

/** One sweep of POINTS points on a warmed pool of `size` workers (`size` undefined: one per core). */
async function timed(page: Page, size: number | undefined): Promise<SweepRun & { workers: number }> {
  const workers = await page.evaluate(async (n) => {
    const pool = window.mmbook.sweepPool(n ?? undefined);
    await pool.map(Array.from({ length: pool.size }, (_, i) => i), 'warm', () => []);
    (window as unknown as { benchPool: typeof pool }).benchPool = pool;
    return pool.size;
  }, size ?? null);
  const before = canReadThreads() ? threadCpu() : undefined;
  const run = await page.evaluate(async (n) => {
    const pool = (window as unknown as { benchPool: ReturnType<typeof window.mmbook.sweepPool> }).benchPool;
    const t0 = performance.now();
    const s = await window.mmbook.page!.sweeps!.run({ name: 'watermark_scale_factor', from: 10, to: 1000, steps: n, integers: true, response: 'kswapd_wakes' }, { pool, cache: false });
    const ms = performance.now() - t0;
    return { ms, failed: s ? s.points.filter((p) => p.value === undefined).length : n };
  }, POINTS);
  // read before the pool's workers end (an ended thread's time is gone from /proc)
  const cpu = before ? cpuBetween(before, threadCpu()) : undefined;
  await page.evaluate(() => (window as unknown as { benchPool: { dispose(): void } }).benchPool.dispose());
  return { ...run, ...(cpu ? { cpu } : {}), workers };
}

/** The wall time CPU times imply on an idle machine with `cores` cores. */
const idleMs = (cpu: CpuSpent, cores: number) => Math.max(cpu.workersMs[0] ?? 0, cpu.totalMs / cores);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** `page` is on the site; the notebook `boot` gets the fixture as its edited source. */
export async function benchSweep(page: Page): Promise<SweepBench> {
  await storeEditedSource(page, SLUG, NOTEBOOK);
  await page.evaluate((slug) => { location.hash = `#/${slug}`; }, SLUG);
  await page.reload();
  await settle(page);
  await setInput(page, 'steps', STEPS);
  const load = { before: loadText(), after: '' };
  const serial: Array<SweepRun & { workers: number }> = [];
  const pool: Array<SweepRun & { workers: number }> = [];
  for (let r = 0; r < ROUNDS; r++) {
    serial.push(await timed(page, 1));
    pool.push(await timed(page, undefined));
  }
  load.after = loadText();
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // the round with the median wall time of each
  const pick = (runs: typeof serial) => runs.find((x) => x.ms === median(runs.map((y) => y.ms)))!;
  const s = pick(serial), p = pick(pool);
  const idleRatio = s.cpu && p.cpu ? idleMs(p.cpu, cores) / idleMs(s.cpu, cores) : undefined;
  return {
    pool: p, serial: s, ratio: p.ms / s.ms, workers: p.workers, cores, load,
    ...(idleRatio !== undefined ? { idleRatio } : {}),
    point: `a 256 MiB arm64 6.1 machine booted with the point's watermark_scale_factor (10…1000), then a ${STEPS}-step workload; response kswapd_wakes`,
  };
}
