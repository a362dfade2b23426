/**
 * notebooks/cma.html in headless Chromium against the built site: every cell ok, the fill slider
 * re-runs the workload in the simulator worker and changes the occupancy map's data, and the
 * slider keeps its value across a reload. Saves docs/screenshots/cma.png (the README's).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { siteSession, inputValue, openPage, saved, setInput, settle } from './site';

const SCREENSHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
const site = siteSession();
beforeAll(() => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

/** What the occupancy map shows: its caption, and its hidden table's rows (pageblocks by state per step). */
async function mapData(page: Page): Promise<{ caption: string; rows: string[]; rects: number }> {
  const map = page.locator('[data-plot="cma-map"]');
  return {
    caption: (await map.locator('figcaption').first().textContent()) ?? '',
    rows: await map.locator('table.visually-hidden tbody tr').allTextContents(),
    rects: await map.locator('svg g[aria-label="rect"] rect').count(),
  };
}

async function cellStates(page: Page): Promise<string[]> {
  return page.locator('.cell[data-state]').evaluateAll((els) => els.map((e) => `${e.id}:${(e as HTMLElement).dataset.state}`));
}

describe('notebooks/cma.html', () => {
  it('every cell is ok; moving the fill slider changes the occupancy map; the slider value survives a reload', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/cma');
    expect(await page.locator('h1').first().textContent()).toBe('CMA under load');
    const states = await cellStates(page);
    expect(states.length).toBeGreaterThan(30);
    expect(states.filter((s) => !s.endsWith(':done'))).toEqual([]);

    const before = await mapData(page);
    expect(before.caption).toMatch(/^CMA area reserved: 32 pageblocks of 512 pages from pfn 0x5b600/);
    expect(before.rects).toBeGreaterThan(32);
    expect(await page.locator('[data-plot="cma-map"]').getAttribute('aria-label')).toMatch(/^Occupancy map of CMA area reserved \(6\.1\)/);
    expect(await page.locator('[data-plot="cma-series"] figcaption').textContent()).toMatch(/At most \d+ pages were borrowed/);
    expect(await page.locator('[data-plot="cma-borrow"] table.cma-outcomes tr[data-kernel]').count()).toBe(2);
    expect(await page.locator('[data-plot="cma-cost"] figcaption').textContent()).toMatch(/^cma_alloc \d of 9 times successful/);

    const shot = await page.locator('#cell-20').boundingBox();
    const end = await page.locator('#cell-23').boundingBox();
    if (shot && end) {
      await page.screenshot({ path: `${SCREENSHOTS}/cma.png`, fullPage: true, clip: { x: 0, y: shot.y - 8, width: 1200, height: end.y + end.height - shot.y + 16 } });
    }

    await setInput(page, 'fill', 92);
    expect((await cellStates(page)).filter((s) => !s.endsWith(':done'))).toEqual([]);
    const after = await mapData(page);
    expect(after.caption).not.toBe(before.caption);
    expect(after.rows).not.toEqual(before.rows);
    const peak = (caption: string) => Number(/At most (\d+) pageblocks held borrowed/.exec(caption)?.[1]);
    expect(peak(after.caption)).toBeGreaterThan(peak(before.caption));
    await saved(page);

    await page.reload();
    await settle(page);
    expect(await inputValue(page, 'fill')).toBe(92);
    expect((await mapData(page)).caption).toBe(after.caption);
    expect(errors).toEqual([]);
    await context.close();
  });
});
