/**
 * A/B scenarios and the result cache in headless Chromium against the built site: pin A on the
 * watermarks notebook, move a slider, see A and B in a plot and the changed input in the A/B
 * panel, reload with A still pinned, unpin and undo; a cached result re-read after a reload
 * ("cached" on the cell), and Clear cache.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { saved, setInput, settle, storeEditedSource, siteSession, openPage } from './site';

const site = siteSession();

const diffRow = async (page: Page, name: string) => {
  const row = page.locator(`.ab-diff tr[data-name="${name}"]`);
  return { kind: await row.getAttribute('data-kind'), a: await row.locator('.ab-a').textContent(), b: await row.locator('.ab-b').textContent() };
};

describe('A/B scenarios', () => {
  it('pin A, move a slider: the plot shows A and B, the panel lists the changed input; A survives a reload; unpin can be undone', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/watermarks');
    const levels = page.locator('[data-plot="watermark-levels"]');
    expect(await levels.getAttribute('data-scenarios')).toBeNull();
    expect(await page.locator('.ab-panel').isVisible()).toBe(false);
    await page.locator('button[data-action=pin-a]').click();
    await settle(page);
    expect(await page.locator('.ab-panel .ab-status').textContent()).toBe('no named value differs');
    expect(await page.locator('button[data-action=unpin-a]').isVisible()).toBe(true);

    await setInput(page, 'watermark_scale_factor', 200);
    expect(await levels.getAttribute('data-scenarios')).toBe('A B');
    expect(await levels.locator('.ab-legend [data-scenario]').allTextContents()).toEqual(['A (pinned): dashed ticks', 'B (current inputs): bars']);
    // two series: B's bars and A's dashed ticks, one per zone and level
    const bars = await levels.locator('g[aria-label="bar"] rect').count();
    expect(bars).toBeGreaterThan(0);
    expect(await levels.locator('g[aria-label="tick"] line').count()).toBe(bars);
    expect(await levels.getAttribute('aria-label')).toMatch(/; scenario A: .*low \d+/);
    expect(await page.locator('[data-plot="reserve"]').getAttribute('data-scenarios')).toBe('A B');
    expect(await diffRow(page, 'watermark_scale_factor')).toEqual({ kind: 'input', a: '10', b: '200' });
    expect(await page.locator('.ab-diff tr[data-name="zoneinfo"] .ab-a li').first().textContent()).toMatch(/^line \d+: "\s+(min|low|high)\s+\d+"$/);
    await saved(page);

    await page.reload();
    await settle(page);
    expect(await page.locator('.ab-panel').isVisible()).toBe(true);
    expect(await levels.getAttribute('data-scenarios')).toBe('A B');
    expect(await diffRow(page, 'watermark_scale_factor')).toEqual({ kind: 'input', a: '10', b: '200' });

    await page.locator('button[data-action=unpin-a]').click();
    await settle(page);
    expect(await page.locator('.ab-panel').isVisible()).toBe(false);
    expect(await levels.getAttribute('data-scenarios')).toBeNull();
    await page.locator('.notice button.undo-action', { hasText: 'Undo unpin' }).click();
    await settle(page);
    expect(await levels.getAttribute('data-scenarios')).toBe('A B');
    expect(await diffRow(page, 'watermark_scale_factor')).toEqual({ kind: 'input', a: '10', b: '200' });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the result cache', () => {
  const CACHED = readFileSync(resolve(import.meta.dirname, '../fixtures/notebooks/cached.html'), 'utf8');

  it('a re-opened notebook reads its expensive result from the cache and says "cached"; Clear cache empties it', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/index');
    await storeEditedSource(page, 'boot', CACHED);
    await page.goto(site.url + '#/boot');
    await page.reload();
    await settle(page);
    const result = await page.locator('output.heavy-result').textContent();
    expect(Number(result)).toBeGreaterThan(0);
    const tag = page.locator('#cell-2 .cell-status .cell-tag');
    expect(await tag.count()).toBe(0);
    expect(await page.locator('.cache-size').textContent()).toMatch(/\(1 result\)$/);
    await page.evaluate(() => window.mmbook.cache!.cache.flush());

    await page.reload();
    await settle(page);
    expect(await tag.textContent()).toBe('cached');
    expect(await tag.isVisible()).toBe(true);
    expect(await page.locator('output.heavy-result').textContent()).toBe(result);

    await page.locator('button[data-action=clear-cache]').click();
    await expect.poll(() => page.locator('.cache-size').textContent()).toMatch(/^cache 0 B \(0 results\)$/);
    expect(await page.locator('.notice[data-topic=cache]').textContent()).toMatch(/^Cleared the result cache \(1 result, [\d.]+ KiB\)/);
    await page.evaluate(() => window.mmbook.cache!.cache.flush());
    await page.reload();
    await settle(page);
    expect(await tag.count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
