/**
 * The run-time notebooks in headless Chromium against the built site: a slider re-runs the
 * workload in the simulator worker and the plot's data changes, the value and the plot survive a
 * reload (the run read back from the result cache), a slider moved twice runs only the last
 * value, and the compact_memory button shows what moved. Screenshots go to test-artifacts/, and to
 * docs/screenshots/NAME.png (the README's) with MMBOOK_SCREENSHOTS=1.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { siteSession, inputValue, openPage, plotLabel, saved, setInput, settle } from './site';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = resolve(ROOT, 'test-artifacts');
const site = siteSession();
beforeAll(() => {
  mkdirSync(ARTIFACTS, { recursive: true });
});

/** A screenshot of the viewport with the h2 matching `heading` near its top. */
async function shoot(page: Page, name: string, heading: RegExp): Promise<void> {
  // no cell under the mouse (its toolbar would show)
  await page.mouse.move(1, 1);
  await page.evaluate((src) => {
    const h = [...document.querySelectorAll('h2')].find((e) => new RegExp(src).test(e.textContent ?? ''));
    h?.scrollIntoView();
    window.scrollBy(0, -150);
  }, heading.source);
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
  if (process.env.MMBOOK_SCREENSHOTS) {
    mkdirSync(resolve(ROOT, 'docs/screenshots'), { recursive: true });
    await page.screenshot({ path: resolve(ROOT, `docs/screenshots/${name}.png`) });
  }
}

const notDone = (page: Page) => page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.cell')].filter((c) => c.dataset.state !== 'done').map((c) => `${c.id} ${c.dataset.state}`));
const sessionValue = <T>(page: Page, name: string) => page.evaluate((n) => window.mmbook.page!.kernel!.value(n), name) as Promise<T>;

describe('notebooks/kswapd.html', () => {
  it('a slider re-runs the workload: the plot\'s data changes and overlays the previous run; after a reload the value and the plot are back, from the cache', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/kswapd');
    expect(await notDone(page)).toEqual([]);
    const before = await plotLabel(page, 'watermark-bands');
    expect(before).toMatch(/^Free pages against the watermarks over the run, .*kswapd woke \d+ times/);
    expect(await page.locator('[data-plot="watermark-bands"] svg g[aria-label="rect"] rect').count()).toBeGreaterThan(10);

    await setInput(page, 'watermark_scale_factor', 200);
    expect(await notDone(page)).toEqual([]);
    const after = await plotLabel(page, 'watermark-bands');
    expect(after).not.toBe(before);
    expect(after).toMatch(/previous run Node 0 DMA: .*; this run Node 0 DMA: /);
    const spec = await sessionValue<{ events: Array<{ name?: string; value?: number }> }>(page, 'spec');
    expect(spec.events[0]).toMatchObject({ name: 'vm.watermark_scale_factor', value: 200 });
    await shoot(page, 'kswapd', /Free pages against min, low and high/);
    await saved(page);
    await page.evaluate(() => window.mmbook.cache!.cache.flush());

    await page.reload();
    await settle(page);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(200);
    // a new session has no previous run: the same run, alone
    const stats = after.split('; this run ')[1];
    expect(await plotLabel(page, 'watermark-bands')).toBe(`Free pages against the watermarks over the run, with kswapd's awake bands and direct-reclaim stalls: ${stats}`);
    expect(await page.locator('#cell-15 .cell-status .cell-tag').textContent()).toBe('cached');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a slider moved while its run is in flight: that run is cancelled (never cached), the plot shows the last value', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/kswapd');
    await page.evaluate(() => window.mmbook.cache!.cache.flush());
    await expect.poll(() => page.locator('.cache-size').textContent()).toMatch(/\(1 result\)$/);
    const move = (v: string) => page.evaluate((value) => {
      const box = document.querySelector<HTMLInputElement>('[data-input="min_free_kbytes"] input[type=number]')!;
      box.value = value;
      box.dispatchEvent(new Event('input', { bubbles: true }));
    }, v);
    await move('8192');
    // the first run is in the worker (its cell says so) when the slider moves again
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#cell-15')?.dataset.state === 'running');
    await move('16384');
    await settle(page);
    expect(await notDone(page)).toEqual([]);
    const run = await sessionValue<{ spec: { events: Array<{ name?: string; value?: number }> } }>(page, 'run');
    expect(run.spec.events[0]).toMatchObject({ name: 'vm.min_free_kbytes', value: 16384 });
    // the plot is of that run: its min watermark is min_free_kbytes' share of the one zone
    expect(await plotLabel(page, 'watermark-bands')).toMatch(/min 4096, low \d+, high \d+ pages/);
    // the default run and the last one are cached; the cancelled one never finished
    await page.evaluate(() => window.mmbook.cache!.cache.flush());
    await expect.poll(() => page.locator('.cache-size').textContent()).toMatch(/\(2 results\)$/);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('notebooks/fragmentation.html', () => {
  it('a slider changes the pageblock map and persists; compact_memory shows what moved and the map after', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/fragmentation');
    expect(await notDone(page)).toEqual([]);
    const map = page.locator('#cell-23 [data-plot="pageblock-map"]');
    const before = await map.getAttribute('aria-label');
    expect(before).toMatch(/at the end Node 0 DMA32: .*\d+ mixed/);
    expect(await page.locator('#cell-21 [data-plot="buddy-heatmap"]').count()).toBe(1);
    expect(await page.locator('#cell-26 [data-plot="extfrag-orders"]').count()).toBe(1);

    await setInput(page, 'unmovable_rate', 120);
    const changed = await map.getAttribute('aria-label');
    expect(changed).not.toBe(before);
    await saved(page);
    await page.evaluate(() => window.mmbook.cache!.cache.flush());
    await page.reload();
    await settle(page);
    expect(await inputValue(page, 'unmovable_rate')).toBe(120);
    expect(await map.getAttribute('aria-label')).toBe(changed);

    expect(await page.locator('#cell-31 [data-plot]').count()).toBe(0);
    await page.locator('[data-input="compact"] button').click();
    await settle(page);
    expect(await notDone(page)).toEqual([]);
    expect(await page.locator('#cell-31').textContent()).toMatch(/compact_memory migrated [\d,]+ pages/);
    const moved = page.locator('#cell-31 [data-plot="pageblock-map"]');
    const label = (await moved.getAttribute('aria-label'))!;
    const wholly = (panel: string) => Number(new RegExp(`${panel} Node 0 DMA32: [^;]*; \\d+ mixed, (\\d+) wholly free`).exec(label)![1]);
    expect(wholly('after compact_memory')).toBeGreaterThan(wholly('before compact_memory'));
    expect(await page.locator('#cell-31 table').count()).toBeGreaterThan(0);
    await shoot(page, 'fragmentation', /Pageblocks and their migratetypes/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
