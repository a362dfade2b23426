/**
 * bench:ui, the worker pool: a 40-point sweep on the pool (one worker per core, at most 8)
 * against the same points run serially in one worker, in the same run (target ratio ≤ 0.6 on 2
 * cores). The sweep is of workloads; until the worker API has `workload`, each point is a
 * stand-in of the same shape: a boot of the 2 GiB arm64 fixture with the point's
 * watermark_scale_factor (CPU-bound in the worker, like a workload). Swap POINT for the workload
 * call when it lands; the harness stays.
 */
import type { Page } from 'playwright-core';

export const POINTS = 40;

export interface SweepBench { poolMs: number; serialMs: number; ratio: number; workers: number; cores: number; stand_in: string }

export async function benchSweep(page: Page): Promise<SweepBench> {
  return page.evaluate(async (n) => {
    /** the method and arguments of point i (watermark_scale_factor 10 … 1000) */
    const POINT = { method: 'boot' as const, args: (i: number) => [{ fixture: 'a64-2g-cma64', sysctls: { 'vm.watermark_scale_factor': Math.round(10 + (i * 990) / (n - 1)) } }] as [Record<string, unknown>] };
    const points = Array.from({ length: n }, (_, i) => i);
    const time = async (size: number) => {
      const pool = window.mmbook.pool(size);
      // start the workers and load the simulator in them before the clock starts
      await pool.map(Array.from({ length: pool.size }, (_, i) => i), 'fixtures', () => []);
      const t0 = performance.now();
      const machines = await pool.map(points, POINT.method, (i) => POINT.args(i) as never);
      const ms = performance.now() - t0;
      for (const m of machines as Array<{ release(): void }>) m.release();
      const workers = pool.size;
      pool.dispose();
      return { ms, workers };
    };
    const serial = await time(1);
    const parallel = await time(navigator.hardwareConcurrency);
    return { poolMs: parallel.ms, serialMs: serial.ms, ratio: parallel.ms / serial.ms, workers: parallel.workers, cores: navigator.hardwareConcurrency, stand_in: 'boot of a64-2g-cma64 per point' };
  }, POINTS);
}
