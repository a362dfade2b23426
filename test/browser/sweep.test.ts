/**
 * Sweeps in headless Chromium against the built site, on the workload sweep fixture
 * (test/fixtures/notebooks/sweep-workload.html, stored as the edited source of a shipped notebook):
 * declare 4 points × 1 seed in the sweep panel, run them on the worker pool and get the response
 * plot; cancel a second sweep midway; reload and find the saved sweeps.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { saved, settle, storeEditedSource, siteSession, openPage } from './site';

const site = siteSession();

const FIXTURE = readFileSync(resolve(import.meta.dirname, '../fixtures/notebooks/sweep-workload.html'), 'utf8');

/** Fills the sweep form and presses Run. */
async function declare(page: Page, d: { param: string; from: number; to: number; values: number; seeds: string; response: string }): Promise<void> {
  const form = page.locator('.sweep-form');
  await form.locator('select[name=param]').selectOption(d.param);
  await form.locator('input[name=from]').fill(String(d.from));
  await form.locator('input[name=to]').fill(String(d.to));
  await form.locator('input[name=steps]').fill(String(d.values));
  await form.locator('input[name=seeds]').fill(d.seeds);
  await form.locator('select[name=response]').selectOption(d.response);
  await page.locator('button[data-action=sweep-run]').click();
}

const sweepDone = (page: Page) => page.evaluate(() => window.mmbook.page!.sweeps!.settled());
/** The hidden table of the plot: one row per point, [parameter, (seed,) response]. */
const tableRows = (page: Page) => page.locator('[data-plot=sweep] table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));

describe('sweeps', () => {
  it('a 4-point sweep runs on the pool and plots the response; a second sweep is cancelled midway; both are there after a reload', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/index');
    await storeEditedSource(page, 'boot', FIXTURE);
    await page.goto(site.url + '#/boot');
    await page.reload();
    await settle(page);
    const pageWakes = await page.evaluate(() => window.mmbook.page!.kernel!.value('kswapd_wakes'));

    await page.locator('button[data-action=sweep]').click();
    const panel = page.locator('.sweep-panel');
    await expect.poll(() => panel.locator('select[name=response] option').allTextContents()).toEqual(['kswapd_wakes', 'failures']);
    expect(await panel.locator('select[name=param] option').allTextContents()).toEqual(['watermark_scale_factor', 'steps']);
    await declare(page, { param: 'watermark_scale_factor', from: 10, to: 1000, values: 4, seeds: '1', response: 'kswapd_wakes' });
    await sweepDone(page);
    expect(await panel.getAttribute('data-state')).toBe('done');
    const plot = panel.locator('[data-plot=sweep]');
    expect(await plot.getAttribute('aria-label')).toMatch(/^kswapd_wakes against watermark_scale_factor: 4 of 4 points \(4 values × 1 seed\); mean \d+ at watermark_scale_factor=10, \d+ at watermark_scale_factor=1000$/);
    expect(await plot.locator('svg g[aria-label=dot] circle').count()).toBeGreaterThanOrEqual(4);
    const rows = await tableRows(page);
    expect(rows.map((r) => r.slice(0, 2))).toEqual([['10', '1'], ['340', '1'], ['670', '1'], ['1000', '1']]);
    // the point with the page's own inputs (watermark_scale_factor 10, seed 1) has the page's value
    expect(rows[0]![2]).toBe(String(pageWakes));
    expect(rows.every((r) => /^\d+$/.test(r[2]!))).toBe(true);
    expect(await panel.locator('.sweep-errors li').count()).toBe(0);
    const firstId = await panel.getAttribute('data-sweep');

    // a heavier second sweep (the workload's length), cancelled once its first point is in
    await declare(page, { param: 'steps', from: 1000, to: 2000, values: 40, seeds: '', response: 'failures' });
    await expect.poll(() => panel.getAttribute('data-sweep')).not.toBe(firstId);
    await expect.poll(async () => (await tableRows(page)).filter((r) => r[1] !== 'not run').length, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.locator('button[data-action=sweep-cancel]').click();
    await sweepDone(page);
    expect(await panel.getAttribute('data-state')).toBe('cancelled');
    expect(await panel.locator('.sweep-status').textContent()).toMatch(/cancelled: \d+ of 40 points/);
    const done = (await tableRows(page)).filter((r) => r[1] !== 'not run').length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(40);
    expect(await panel.locator('button[data-action=sweep-cancel]').isHidden()).toBe(true);
    const secondId = await panel.getAttribute('data-sweep');
    await saved(page);

    await page.reload();
    await settle(page);
    // the newest saved sweep is shown, the other one can be reopened
    expect(await panel.isVisible()).toBe(true);
    expect(await panel.getAttribute('data-sweep')).toBe(secondId);
    expect(await panel.getAttribute('data-state')).toBe('cancelled');
    expect((await tableRows(page)).filter((r) => r[1] !== 'not run').length).toBe(done);
    expect(await panel.locator('.sweep-saved select option').count()).toBe(2);
    await panel.locator('.sweep-saved select').selectOption(firstId!);
    expect(await panel.getAttribute('data-sweep')).toBe(firstId);
    expect(await tableRows(page)).toEqual(rows);
    expect(await panel.locator('input[name=steps]').inputValue()).toBe('4');
    expect(errors).toEqual([]);
    await context.close();
  });
});
