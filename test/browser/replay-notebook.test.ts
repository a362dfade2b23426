/**
 * notebooks/replay.html in headless Chromium against the built site: the shipped recording is
 * fetched from the site, both replays run in the simulator worker and every cell is ok; moving the
 * per-cpu list slider re-runs the changed replay and changes the timeline's and buddyinfo plot's
 * data; after a reload the value is back and the replays are read from the result cache.
 * Screenshots go to test-artifacts/replay.png, and to docs/screenshots/replay.png (the README's)
 * with MMBOOK_SCREENSHOTS=1.
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

const notDone = (page: Page) => page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.cell')].filter((c) => c.dataset.state !== 'done').map((c) => `${c.id} ${c.dataset.state}`));
/** The rows of a plot's hidden table: the numbers it draws. */
const tableRows = (page: Page, plot: string) => page.locator(`[data-plot="${plot}"] table.plot-fallback tbody tr`).allTextContents();

/** The timeline and the buddyinfo plots on one screen (no cell under the mouse: its toolbar would show). */
async function shoot(page: Page): Promise<void> {
  await page.mouse.move(1, 1);
  const top = await page.locator('#cell-28').boundingBox();
  const end = await page.locator('#cell-32').boundingBox();
  if (!top || !end) throw new Error('the timeline or the buddyinfo cell is not on the page');
  const clip = { x: 0, y: top.y - 8, width: 1200, height: end.y + end.height - top.y + 16 };
  await page.screenshot({ path: `${ARTIFACTS}/replay.png`, fullPage: true, clip });
  if (process.env.MMBOOK_SCREENSHOTS) {
    mkdirSync(resolve(ROOT, 'docs/screenshots'), { recursive: true });
    await page.screenshot({ path: resolve(ROOT, 'docs/screenshots/replay.png'), fullPage: true, clip });
  }
}

describe('notebooks/replay.html', () => {
  it('replays the shipped recording twice in the worker; the per-cpu slider changes the plots; after a reload the value and the plots come back from the cache', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/replay');
    expect(await page.locator('h1').first().textContent()).toBe('Replay a recorded workload');
    expect(await notDone(page)).toEqual([]);

    const timeline = await plotLabel(page, 'replay-timeline');
    expect(timeline).toMatch(/^Free pages and pages on the per-cpu lists at each of 26 marks, from "rt_before end" \(line 39\) to "rt_sample 24" \(line 171638\)\. real kernel: Node 0 DMA 226,483 → 195,068 free/);
    expect(timeline).toMatch(/replay, percpu_pagelist_high_fraction=1000: Node 0 DMA 226,483 → [\d,]+ free/);
    const before = { timeline: await tableRows(page, 'replay-timeline'), orders: await tableRows(page, 'replay-orders') };
    expect(before.timeline).toHaveLength(26);
    expect(await page.locator('[data-plot="replay-orders"]').getAttribute('data-mark')).toBe('rt_sample 24');
    await shoot(page);

    await setInput(page, 'percpu_pagelist_high_fraction', 8);
    expect(await notDone(page)).toEqual([]);
    const after = { timeline: await tableRows(page, 'replay-timeline'), orders: await tableRows(page, 'replay-orders') };
    expect(await plotLabel(page, 'replay-timeline')).toMatch(/replay, percpu_pagelist_high_fraction=8: /);
    expect(after.timeline).not.toEqual(before.timeline);
    expect(after.orders).not.toEqual(before.orders);
    await saved(page);
    await page.evaluate(() => window.mmbook.cache!.cache.flush());

    await page.reload();
    await settle(page);
    expect(await notDone(page)).toEqual([]);
    expect(await inputValue(page, 'percpu_pagelist_high_fraction')).toBe(8);
    expect(await tableRows(page, 'replay-timeline')).toEqual(after.timeline);
    for (const id of [25, 26]) expect(await page.locator(`#cell-${id} .cell-status .cell-tag`).textContent()).toBe('cached');
    expect(errors).toEqual([]);
    await context.close();
  });
});
