/**
 * bench:ui, the kswapd notebook (notebooks/kswapd.html: a 1 GiB arm64 machine, a workload of about
 * 1M allocations and frees): the time from a watermark_scale_factor slider `input` event to the
 * watermark-bands plot in the DOM with the re-run's data, while the previous run is in flight and
 * gets cancelled (the slider moves to one value, the run starts in the worker, the slider moves to
 * another: the clock starts at the second move). Median over MOVES moves with values never used
 * before (no result-cache hit); target ≤ 300 ms.
 * Same-run baselines: the same spec run directly in Node (mm.workload), and in the page without the
 * notebook (the simulator worker's mm.workload and the same plot helper into the DOM).
 */
import type { Page } from 'playwright-core';
import { mm } from '../src/lib/mm';
import { settle } from '../test/browser/site';

export const MOVES = 12;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

export interface KswapdBench { medianMs: number; samples: number[]; cancelled: number; nodeMs: number; workerMs: number; ops: number }

/** `page` is on the site; it is left on the kswapd notebook. */
export async function benchKswapdSlider(page: Page): Promise<KswapdBench> {
  await page.evaluate(() => { location.hash = '#/kswapd'; });
  await settle(page);
  const samples: number[] = [];
  let cancelled = 0;
  for (let i = 0; i < MOVES; i++) {
    const first = 30 + i * 41, second = 31 + i * 41;
    const r = await page.evaluate(async ([a, b]) => {
      const move = (v: number) => {
        const box = document.querySelector<HTMLInputElement>('[data-input="watermark_scale_factor"] input[type=number]')!;
        box.value = String(v);
        box.dispatchEvent(new Event('input', { bubbles: true }));
      };
      const cell = document.querySelector<HTMLElement>('#cell-15')!;
      const until = (ok: () => boolean) => new Promise<void>((done) => {
        if (ok()) { done(); return; }
        const mo = new MutationObserver(() => { if (ok()) { mo.disconnect(); done(); } });
        mo.observe(document.body, { subtree: true, childList: true, attributes: true });
      });
      move(a);
      await until(() => cell.dataset.state === 'running');
      const old = document.querySelector('[data-plot="watermark-bands"]');
      const t0 = performance.now();
      move(b);
      await until(() => {
        const cur = document.querySelector('[data-plot="watermark-bands"]');
        return !!cur && cur !== old && cur.isConnected && cell.dataset.state === 'done';
      });
      const ms = performance.now() - t0;
      const spec = (await window.mmbook.page!.kernel!.value('spec')) as { events: Array<{ value?: number }> };
      return { ms, value: spec.events[0]?.value };
    }, [first, second] as const);
    if (r.value !== second) throw new Error(`the plot is not of the last slider value (${r.value} ≠ ${second})`);
    samples.push(r.ms);
    cancelled++;
    await settle(page);
  }
  const spec = (await page.evaluate(() => window.mmbook.page!.kernel!.value('spec'))) as Record<string, unknown>;
  // Same-run baselines: the last spec, run directly in Node and in the page's worker without the notebook.
  const machine = mm.boot((await page.evaluate(() => window.mmbook.page!.kernel!.value('request'))) as { fixture: string });
  const node: number[] = [];
  let ops = 0;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    const res = mm.workload(machine, spec);
    node.push(performance.now() - t0);
    ops = res.totals.allocations + res.totals.frees;
  }
  const worker: number[] = [];
  for (let k = 0; k < 5; k++) {
    worker.push(await page.evaluate(async (s) => {
      const session = window.mmbook.page!.kernel!;
      type Remote = { workload(m: unknown, spec: unknown): Promise<unknown> };
      const mm = (await session.value('mm')) as Remote;
      const machine = await session.value('machine');
      const plots = (await session.value('plots')) as { watermarkBands(r: unknown, o: { width: number }): Element };
      const host = document.getElementById('bench-direct') ?? document.body.appendChild(Object.assign(document.createElement('div'), { id: 'bench-direct' }));
      const t0 = performance.now();
      host.replaceChildren(plots.watermarkBands(await mm.workload(machine, s), { width: 900 }));
      return performance.now() - t0;
    }, spec));
  }
  return { medianMs: median(samples), samples, cancelled, nodeMs: median(node), workerMs: median(worker), ops };
}
