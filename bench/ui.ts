/**
 * UI benchmark: in headless Chromium on the built site, the time from a watermark_scale_factor
 * slider `input` event to the dependent watermark plot being in the DOM, over 20 changes on the
 * default notebook (median and p95), its ratio to a same-run direct baseline (the same sysctl write
 * and plot without the notebook), plus the page's JS bundle size gzipped; a cached re-open
 * (ui-cache.ts), a 40-point workload sweep on the worker pool against one worker (ui-sweep.ts), and a
 * slider → kswapd plot with its 1M-operation workload re-run, the previous run cancelled (ui-kswapd.ts).
 * Usage: npm run bench:ui   (MMBOOK_DIST=dir to use an existing build)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium, serveStatic } from '../test/browser/harness';
import { ensureSite, openPage } from '../test/browser/site';
import { benchCachedReopen } from './ui-cache';
import { benchSweep, POINTS } from './ui-sweep';
import { benchKswapdSlider } from './ui-kswapd';

const CHANGES = 20;

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

type Size = { raw: number; gzip: number; files: string[] };
const sizeOf = (dist: string, files: string[]): Size => files.reduce((acc, f) => {
  const b = readFileSync(join(dist, f));
  return { raw: acc.raw + b.length, gzip: acc.gzip + gzipSync(b, { level: 9 }).length, files: acc.files };
}, { raw: 0, gzip: 0, files });

/**
 * The JS files the default notebook actually loaded (from the page's resource timing), split into
 * the page's own scripts and the simulator worker; plus what the build holds but the page did not
 * load (the lazily loaded TypeScript compiler).
 */
function bundleSizes(dist: string, loaded: string[]): { page: Size; worker: Size; sweepWorker: Size; notLoaded: Size } {
  const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  const used = new Set(loaded.map((u) => new URL(u).pathname.replace(/^\//, '')));
  const isWorker = (f: string) => /worker/.test(f);
  return {
    page: sizeOf(dist, all.filter((f) => used.has(f) && !isWorker(f))),
    worker: sizeOf(dist, all.filter((f) => isWorker(f) && !/sweep\.worker/.test(f))),
    sweepWorker: sizeOf(dist, all.filter((f) => /sweep\.worker/.test(f))),
    notLoaded: sizeOf(dist, all.filter((f) => !used.has(f) && !isWorker(f))),
  };
}

async function main(): Promise<void> {
  const dist = await ensureSite();
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  try {
    const { page } = await openPage(browser, server.url);
    const times: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const value = 20 + i * 37; // distinct values, each moves low/high
      const ms = await page.evaluate(async (v) => {
        const form = document.querySelector('[data-input="watermark_scale_factor"]')!;
        const range = form.querySelector<HTMLInputElement>('input[type=range]')!;
        const old = document.querySelector('[data-plot="watermarks"]');
        const done = new Promise<void>((resolve) => {
          const mo = new MutationObserver(() => {
            const cur = document.querySelector('[data-plot="watermarks"]');
            if (cur && cur !== old && cur.isConnected) { mo.disconnect(); resolve(); }
          });
          mo.observe(document.body, { childList: true, subtree: true });
        });
        const t0 = performance.now();
        range.value = String(v);
        range.dispatchEvent(new Event('input', { bubbles: true }));
        await done;
        return performance.now() - t0;
      }, value);
      times.push(ms);
      await page.evaluate(() => window.mmbook.settled());
    }
    // Same-run baseline: the same work without the notebook kernel or the workbench — the sysctl
    // write in the simulator worker, the view, the same plot helper, into the DOM.
    const direct: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const value = 20 + i * 37;
      direct.push(await page.evaluate(async (v) => {
        const session = window.mmbook.page!.kernel!;
        type M = { sysctl(n: string, v: number): Promise<M>; view(): Promise<unknown> };
        const machine = (await session.value('machine')) as M;
        const plots = (await session.value('plots')) as { watermarkBars(view: unknown, o: { width: number }): Element };
        const host = document.getElementById('bench-direct') ?? document.body.appendChild(Object.assign(document.createElement('div'), { id: 'bench-direct' }));
        const t0 = performance.now();
        const view = await (await machine.sysctl('vm.watermark_scale_factor', v)).view();
        host.replaceChildren(plots.watermarkBars(view, { width: 900 }));
        return performance.now() - t0;
      }, value));
    }
    const sortedDirect = [...direct].sort((a, b) => a - b);
    const sorted = [...times].sort((a, b) => a - b);
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js')));
    const sizes = bundleSizes(dist, loaded);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(`slider input → watermark plot in DOM, ${CHANGES} changes of watermark_scale_factor (default notebook):`);
    console.log(`  median ${quantile(sorted, 0.5).toFixed(1)} ms   p95 ${quantile(sorted, 0.95).toFixed(1)} ms   (min ${sorted[0].toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)}; target median ≤ 50 ms)`);
    const base = quantile(sortedDirect, 0.5);
    console.log(`  baseline (sysctl in the worker + view + the same plot into the DOM, no notebook): median ${base.toFixed(1)} ms; ratio ${(quantile(sorted, 0.5) / base).toFixed(2)}x`);
    console.log(`page JS bundle: ${kb(sizes.page.gzip)} gzipped (${kb(sizes.page.raw)} raw; ${sizes.page.files.length} files loaded by the default notebook)`);
    console.log(`simulator worker JS: ${kb(sizes.worker.gzip)} gzipped (${kb(sizes.worker.raw)} raw), runs off the main thread`);
    console.log(`sweep worker JS (the kernel and the simulator, loaded when the sweep panel opens): ${kb(sizes.sweepWorker.gzip)} gzipped (${kb(sizes.sweepWorker.raw)} raw)`);
    console.log(`not loaded unless a notebook has TypeScript cells: ${kb(sizes.notLoaded.gzip)} gzipped (${sizes.notLoaded.files.join(', ')}; the page's copy, and the sweep worker's)`);

    // tsx compiles this file with esbuild's keepNames, which wraps the named functions in the
    // page.evaluate bodies below in __name(…): give the page that helper
    await page.evaluate('globalThis.__name ??= (f) => f');
    const cache = await benchCachedReopen(page);
    console.log(`cached re-open (an expensive cell read back through cached(), route change → result shown with "cached"): median ${cache.cachedMs.toFixed(1)} ms over ${cache.samples.length} re-opens (max ${Math.max(...cache.samples).toFixed(1)}; target ≤ 50 ms ${cache.cachedMs <= 50 ? 'ok' : 'MISSED'})`);
    console.log(`  baseline (the same re-open with the cache cleared, computing): median ${cache.computedMs.toFixed(1)} ms; ratio ${(cache.cachedMs / cache.computedMs).toFixed(3)}x`);

    const sweep = await benchSweep(page);
    const perPoint = (ms: number) => `${(ms / POINTS).toFixed(0)} ms a point`;
    console.log(`sweep of ${POINTS} workload points on the worker pool (${sweep.workers} workers, ${sweep.cores} cores; a point: ${sweep.point}): ${sweep.pool.ms.toFixed(0)} ms (${perPoint(sweep.pool.ms)})${sweep.pool.failed ? `; ${sweep.pool.failed} points FAILED` : ''}`);
    console.log(`  baseline (the same points serially in one worker): ${sweep.serial.ms.toFixed(0)} ms (${perPoint(sweep.serial.ms)}); ratio ${sweep.ratio.toFixed(2)} (target ≤ 0.6 on 2 cores ${sweep.cores >= 2 ? (sweep.ratio <= 0.6 ? 'ok' : 'MISSED') : 'n/a: 1 core'}; ${sweep.load.before} before, ${sweep.load.after.replace(/^load average /, '')} after)`);
    const cpu = (c: NonNullable<typeof sweep.pool.cpu>) => `${c.totalMs} ms (workers ${c.workersMs.join(' + ')} ms = ${perPoint(c.workersMs.reduce((a, b) => a + b, 0))}, V8 helper threads ${c.helpersMs} ms, the page and the compositor ${c.totalMs - c.helpersMs - c.workersMs.reduce((a, b) => a + b, 0)} ms)`;
    if (sweep.pool.cpu && sweep.serial.cpu && sweep.idleRatio !== undefined) {
      console.log(`  CPU time of the browser's threads (/proc): pool ${cpu(sweep.pool.cpu)}; serial ${cpu(sweep.serial.cpu)}`);
      console.log(`  the ratio these CPU times imply on ${sweep.cores} idle cores: ${sweep.idleRatio.toFixed(2)} (target ≤ 0.6 ${sweep.idleRatio <= 0.6 ? 'ok' : 'MISSED'}; a run takes at least its busiest worker's CPU time and all its CPU time over the cores)`);
    }

    const ks = await benchKswapdSlider(page);
    console.log(`slider → updated kswapd plot with the workload re-run (1 GiB machine, ${(ks.ops / 1e6).toFixed(2)}M operations), previous run cancelled: median ${ks.medianMs.toFixed(0)} ms over ${ks.samples.length} moves (min ${Math.min(...ks.samples).toFixed(0)}, max ${Math.max(...ks.samples).toFixed(0)}; ${ks.cancelled} runs cancelled; target ≤ 300 ms ${ks.medianMs <= 300 ? 'ok' : 'MISSED'})`);
    console.log(`  baselines: the same workload in Node ${ks.nodeMs.toFixed(0)} ms (ratio ${(ks.medianMs / ks.nodeMs).toFixed(2)}x); in the page's worker without the notebook, with the same plot ${ks.workerMs.toFixed(0)} ms (ratio ${(ks.medianMs / ks.workerMs).toFixed(2)}x)`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
