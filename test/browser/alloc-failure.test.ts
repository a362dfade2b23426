/**
 * "Why did my allocation fail?" and the calculator of boot.html in headless Chromium against the
 * built site: a shipped report explained, a slider re-checking it, a pasted report explained and
 * kept over a reload; the calculator's verdict following its order, the run-time plots following
 * the fill level, and both kept over a reload. Saves the README's screenshot.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cellText, siteSession, inputValue, openPage, plotLabel, saved, setInput, settle } from './site';

const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
const OOM = readFileSync(resolve(import.meta.dirname, '../explain/fixtures/x86-6.1-oom-killer.txt'), 'utf8');
const site = siteSession();
beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true });
});

describe('Why did my allocation fail?', () => {
  it('explains the shipped report, re-checks it under another min_free_kbytes, explains a pasted one and keeps it over a reload', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/alloc-failure');
    expect(await page.locator('h1').first().textContent()).toBe('Why did my allocation fail?');
    expect(await page.locator('.cell[data-state]:not([data-state=done])').count()).toBe(0);
    expect(await cellText(page, 13)).toContain('Verdict: Every zone the order-0 Movable request');
    expect(await plotLabel(page, 'zone-check')).toContain('Node 0 DMA counted free 5577 against 5632 + 0 lowmem_reserve, refused: watermark');
    // the README's screenshot: the verdict, the zones rebuilt and the check drawn
    const clip = await page.evaluate(() => {
      const top = document.querySelector('#cell-13')!.getBoundingClientRect();
      const bottom = document.querySelector('#cell-16')!.getBoundingClientRect();
      return { x: top.x - 8, y: top.y + window.scrollY - 8, width: top.width + 16, height: bottom.bottom - top.y + 16 };
    });
    await page.screenshot({ path: `${SHOTS}/alloc-failure.png`, fullPage: true, clip });

    // the tuning slider: 22307 is the largest min_free_kbytes that lets it pass
    expect(await cellText(page, 25)).toContain('it would still be refused');
    await setInput(page, 'try_min_free_kbytes', 22307);
    expect(await cellText(page, 25)).toContain('With vm.min_free_kbytes=22307: it would pass in Node 0 DMA');

    // paste a report of your own
    await page.locator('[data-input="report_source"] select').selectOption('paste a report');
    await settle(page);
    expect(await page.locator('#cell-9').getAttribute('data-state')).toBe('waiting');
    expect(await page.locator('.cell[data-state=error], .cell[data-state=blocked]').count()).toBe(0);
    await page.locator('[data-input="pasted"] textarea').fill(OOM);
    await settle(page);
    expect(await cellText(page, 13)).toContain('postgres invoked the OOM killer for an order-0 request');
    expect(await plotLabel(page, 'zone-check')).toContain('Node 0 DMA counted free 3584 against 64 + 3898 lowmem_reserve, refused: watermark');
    // garbage is an error in the explain cell only
    await page.locator('[data-input="pasted"] textarea').fill('no report in here\n');
    await settle(page);
    expect(await page.locator('#cell-10 .cell-error').textContent()).toMatch(/REPORT_NONE: pasted text: no "page allocation failure/);
    expect(await page.locator('#cell-3').getAttribute('data-state')).toBe('done');
    await page.locator('[data-input="pasted"] textarea').fill(OOM);
    await settle(page);
    await saved(page);

    await page.reload();
    await settle(page);
    expect(await inputValue(page, 'report_source')).toBe('paste a report');
    expect(await inputValue(page, 'pasted')).toBe(OOM);
    expect(await cellText(page, 13)).toContain('postgres invoked the OOM killer');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('boot.html: the machine under load', () => {
  it('the calculator\'s verdict follows its order; the fill level moves the plots; both survive a reload', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/boot');
    expect(await page.locator('.cell[data-state]:not([data-state=done])').count()).toBe(0);
    const before = await cellText(page, 113);
    expect(before).toContain('Not on the first attempt; at min, yes.');
    // the form's only number box is the order's
    await setInput(page, 'alloc_request', 10);
    const after = await cellText(page, 113);
    expect(after).not.toBe(before);
    expect(after).toContain('order-10');
    expect(((await inputValue(page, 'alloc_request')) as { order: number }).order).toBe(10);

    const plotBefore = await plotLabel(page, 'buddyinfo-run');
    const typesBefore = await plotLabel(page, 'pagetype-series');
    await setInput(page, 'fill_percent', 80);
    expect(await plotLabel(page, 'buddyinfo-run')).not.toBe(plotBefore);
    expect(await plotLabel(page, 'pagetype-series')).not.toBe(typesBefore);
    expect(await plotLabel(page, 'cma-check')).toMatch(/unmovable \(CMA not counted\): counted \d+/);
    await saved(page);

    await page.reload();
    await settle(page);
    expect(await inputValue(page, 'fill_percent')).toBe(80);
    expect(((await inputValue(page, 'alloc_request')) as { order: number }).order).toBe(10);
    expect(await cellText(page, 113)).toContain('order-10');
    expect(errors).toEqual([]);
    await context.close();
  });
});
