/**
 * Findings of the UI audit, kept as regressions: the opened .dtb survives edits of the rest of the
 * "your own machine" form, a link carrying a pasted boot log stays short and round-trips, the
 * progress bar only moves forward, 32-bit arm says why its NUMA nodes vanish, and plot axes stay readable.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ORACLE } from '../helpers/oracle-dir';
import { inputValue, openPage, settle, chooseOwnMachine, siteSession } from './site';

const site = siteSession();

function consoleErrors(page: Page): string[] {
  const out: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') out.push(m.text()); });
  return out;
}
const state = (page: Page, id: number) => page.locator(`#cell-${id}`).getAttribute('data-state');

async function setTopology(page: Page, t: Record<string, unknown>): Promise<void> {
  await page.evaluate((t) => {
    const f = document.querySelector<HTMLElement & { value: Record<string, unknown> }>('[data-input="topology"]')!;
    f.value = { ...f.value, ...t };
    f.dispatchEvent(new Event('input', { bubbles: true }));
  }, t);
  await settle(page);
}

describe('UI audit', () => {
  it('an opened .dtb is kept when the arch, kernel or command line of your own machine change', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/watermarks');
    const cerr = consoleErrors(page);
    const own = await chooseOwnMachine(page);
    await own.locator('label:has-text("device tree (.dtb)") input[type=radio]').check();
    await settle(page);
    await page.locator('#cell-34 input[type=file]').setInputFiles(resolve(ORACLE, 'a64-2g-cma64/virt.dtb'));
    await settle(page);
    expect(await state(page, 7)).toBe('done');
    expect(await page.locator('pre.zoneinfo').first().textContent()).toContain('cma      16384');
    // a new command line re-boots the same blob: no "open the machine's device tree blob" again
    await own.locator('input[type=text]').fill('console=ttyAMA0 cma=128M');
    await settle(page);
    expect(await state(page, 6)).toBe('done');
    expect(await state(page, 7)).toBe('done');
    expect(await page.locator('pre.zoneinfo').first().textContent()).toContain('cma      32768');
    await own.locator('label:has-text("5.10") input[type=radio]').check();
    await settle(page);
    expect(await state(page, 7)).toBe('done');
    expect(await page.locator('#cell-34 input[type=file]').evaluate((el) => (el as HTMLInputElement).files?.length)).toBe(1);
    expect(errors).toEqual([]);
    expect(cerr).toEqual([]);
    await context.close();
  });

  it('a zoneinfo pasted under the wrong arch names the profiles it matches, not CLI flags', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/watermarks');
    const own = await chooseOwnMachine(page);
    await own.locator('textarea').fill(readFileSync(resolve(ORACLE, 'x64-1g/zoneinfo.txt'), 'utf8'));
    await settle(page);
    const msg = await page.locator('#cell-7 .cell-error').textContent();
    expect(msg).toContain('ZONEINFO_PROFILE_MISMATCH');
    expect(msg).not.toContain('--arch');
    expect(msg).toContain('it matches the x86_64 6.1, x86_64 5.10 profiles');
    await own.locator('select').selectOption('x86_64');
    await settle(page);
    expect(await state(page, 7)).toBe('done');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a link carrying a pasted boot log is deflated, and opening it boots the same machine', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/watermarks');
    const own = await chooseOwnMachine(page);
    await own.locator('label:has-text("e820 map or boot log") input[type=radio]').check();
    const log = readFileSync(resolve(ORACLE, 'x64-6g-numa2/kernel-console.txt'), 'utf8');
    await own.locator('textarea').fill(log);
    await settle(page);
    expect(await state(page, 7)).toBe('done');
    const zoneinfo = await page.locator('pre.zoneinfo').first().textContent();
    expect(zoneinfo).toContain('Node 1, zone   Normal');
    await page.locator('button[data-action=copy-link]').click();
    await page.waitForFunction(() => !!document.querySelector<HTMLInputElement>('.share-link')?.value);
    const link = await page.locator('.share-link').inputValue();
    expect(link.length).toBeLessThan(20_000);
    // long enough to say why, in a notice
    expect(await page.locator('.notice[data-topic="link-size"]').textContent()).toContain('KB long');
    const second = await openPage(site.browser, link);
    expect(((await inputValue(second.page, 'own')) as { text: string }).text).toBe(log);
    expect(await second.page.locator('pre.zoneinfo').first().textContent()).toBe(zoneinfo);
    expect(await second.page.locator('.notice-warning').count()).toBe(0);
    expect([...errors, ...second.errors]).toEqual([]);
    await second.context.close();
    await context.close();
  });

  it('a 64 GiB custom topology: busy and progress show, the bar never moves back; 32-bit arm explains its single node', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/watermarks');
    await page.locator('[data-input="machine_name"] select').selectOption('custom topology');
    await settle(page);
    await page.evaluate(() => {
      const w = window as unknown as { samples: Array<[boolean, number, boolean]> };
      w.samples = [];
      const p = document.querySelector<HTMLElement>('.sim-progress')!;
      const bar = p.querySelector('progress')!;
      new MutationObserver(() => w.samples.push([p.hidden, bar.value, !document.querySelector<HTMLElement>('.busy-indicator')!.hidden]))
        .observe(p, { attributes: true, subtree: true, childList: true, characterData: true });
    });
    await setTopology(page, { arch: 'x86_64', ramMiB: 65536, nodes: 4 });
    const samples = await page.evaluate(() => (window as unknown as { samples: Array<[boolean, number, boolean]> }).samples);
    const shown = samples.filter(([hidden]) => !hidden);
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.some(([, , busy]) => busy)).toBe(true);
    // within one boot (until the bar hides) the fraction never decreases
    let last = 0;
    for (const [hidden, v] of samples) { if (hidden) { last = 0; continue; } expect(v).toBeGreaterThanOrEqual(last); last = v; }
    expect(await page.locator('.sim-progress').isHidden()).toBe(true);
    expect(await page.locator('pre.zoneinfo').first().textContent()).toContain('Node 3, zone   Normal');
    await setTopology(page, { arch: 'arm', nodes: 3 });
    expect(await page.locator('#cell-4').textContent()).toContain('no NUMA support');
    expect(await page.locator('pre.zoneinfo').first().textContent()).not.toContain('Node 1,');
    // the watermark plot's legend names only the zones this machine has, and its √ axis says so
    const legend = await page.locator('#cell-22 [class*=swatch]').allTextContents();
    expect(legend.join(' ')).not.toContain('DMA32');
    expect(await page.locator('#cell-22 .cell-output').textContent()).toContain('√ scale');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the buddyinfo axis has plain, spaced ticks', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/boot');
    const ticks = await page.locator('#cell-18 svg [aria-label="y-axis tick label"] text').allTextContents();
    expect(ticks.length).toBeGreaterThan(3);
    expect(ticks.join(' ')).not.toMatch(/e\+/);
    const ys = await page.locator('#cell-18 svg [aria-label="y-axis tick label"] text').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().y));
    const sorted = [...ys].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThan(9);
    expect(errors).toEqual([]);
    await context.close();
  });
});
