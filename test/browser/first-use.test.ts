/**
 * What a new user tripped on, kept as regressions: command-line warnings in the page, a command
 * line for the shipped machines, refused typed values, undoable reset, scenario replacement, the
 * boost ceiling, readable plots, keyboard reach, one worker download, the narrow-window sidebar.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ORACLE } from '../helpers/oracle-dir';
import { chooseOwnMachine, inputValue, saved, setInput, settle, zoneinfoMarks, siteSession, openPage } from './site';

const site = siteSession();

/** Types into an input's number box and commits it (Enter), as a user does. */
async function typeNumber(page: Page, box: ReturnType<Page['locator']>, text: string): Promise<void> {
  await box.fill(text);
  await box.press('Enter');
  await settle(page);
}

/** WCAG contrast ratio of two CSS colours the page computed. */
async function contrast(page: Page, a: string, b: string): Promise<number> {
  return page.evaluate(([x, y]) => {
    const rgb = (c: string) => {
      const el = document.createElement('div');
      el.style.color = c;
      document.body.append(el);
      const m = getComputedStyle(el).color.match(/\d+(\.\d+)?/g)!.slice(0, 3).map(Number);
      el.remove();
      return m;
    };
    const lum = (c: number[]) => c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i]!, 0);
    const [l1, l2] = [lum(rgb(x)), lum(rgb(y))].sort((p, q) => q - p);
    return (l1! + 0.05) / (l2! + 0.05);
  }, [a, b] as const);
}

describe('first use', () => {
  it('boot.html shows the command line parameters mmbook does not model, as the CLI warns', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/boot');
    expect(await page.locator('#cell-6 .cell-warning').count()).toBe(0);
    await setInput(page, 'cmdline', 'console=ttyAMA0 crashkernel=128M hugepages=64 numa=off cma=64M');
    const warnings = await page.locator('#cell-6 .cell-warning').allTextContents();
    expect(warnings.map((w) => /CMDLINE_UNSUPPORTED: (\S+):/.exec(w)?.[1])).toEqual(['crashkernel=128M', 'numa=off']);
    expect(await page.locator('#cell-6').getAttribute('data-state')).toBe('done');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('watermarks.html takes extra kernel parameters for a shipped machine: cma=128M moves CMA', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url);
    await page.locator('[data-input="machine_name"] select').selectOption('a64-2g-cma64');
    await settle(page);
    expect(await page.locator('pre.zoneinfo').first().textContent()).toContain('cma      16384');
    await setInput(page, 'extra_cmdline', 'cma=128M crashkernel=64M');
    expect(await page.locator('pre.zoneinfo').first().textContent()).toContain('cma      32768');
    expect((await page.locator('#cell-7 .cell-warning').allTextContents()).join(' ')).toMatch(/CMDLINE_UNSUPPORTED: crashkernel=64M/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a typed value out of range is refused next to its input, and the box shows the value in use again', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url);
    const before = await zoneinfoMarks(page);
    const kept = await inputValue(page, 'min_free_kbytes');
    const box = page.locator('[data-input="min_free_kbytes"] input[type=number]');
    await typeNumber(page, box, '99999999');
    const refusal = page.locator('#cell-10 .input-refusal');
    expect(await refusal.textContent()).toBe(`min_free_kbytes: 99999999 is above this input's maximum, 262144; kept ${kept}.`);
    expect(await box.inputValue()).toBe(String(kept));
    expect(await zoneinfoMarks(page)).toEqual(before);
    await typeNumber(page, box, '-5');
    expect(await refusal.textContent()).toBe(`min_free_kbytes: -5 is below this input's minimum, 128; kept ${kept}.`);
    // leaving the box (Tab) commits it too
    await box.fill('300000');
    await box.press('Tab');
    await settle(page);
    expect(await refusal.textContent()).toBe(`min_free_kbytes: 300000 is above this input's maximum, 262144; kept ${kept}.`);
    expect(await box.inputValue()).toBe(String(kept));
    // a value it takes clears the refusal
    await typeNumber(page, box, '20000');
    expect(await refusal.count()).toBe(0);
    expect((await zoneinfoMarks(page)).min).toBeLessThan(before.min);
    // the custom machine's RAM: the box refuses more than the largest machine, the same limit as the CLI
    await page.locator('[data-input="machine_name"] select').selectOption('custom topology');
    await settle(page);
    const ram = page.locator('[data-input="topology"] input[type=number]').first();
    await typeNumber(page, ram, '1048576');
    expect(await page.locator('#cell-5 .input-refusal').textContent()).toBe("RAM (MiB): 1048576 is above this input's maximum, 262144; kept 4096.");
    expect(await ram.inputValue()).toBe('4096');
    expect(((await inputValue(page, 'topology')) as { ramMiB: number }).ramMiB).toBe(4096);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Reset inputs can be undone, pasted zoneinfo included', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url);
    const own = await chooseOwnMachine(page);
    const real = readFileSync(resolve(ORACLE, 'a64-2g-cma64/zoneinfo.txt'), 'utf8');
    await own.locator('textarea').fill(real);
    await settle(page);
    await saved(page);
    await page.locator('button[data-action=reset]').click();
    await settle(page);
    expect(await inputValue(page, 'machine_name')).toBe('x64-1g');
    await page.locator('.notice button.undo-action', { hasText: 'Undo reset' }).click();
    await settle(page);
    expect(await inputValue(page, 'machine_name')).toBe('your own machine');
    expect(((await inputValue(page, 'own')) as { text: string }).text).toBe(real);
    expect(await page.locator('pre.zoneinfo').first().textContent()).toContain('managed  507392');
    // and it is saved again
    await saved(page);
    await page.reload();
    await settle(page);
    expect(((await inputValue(page, 'own')) as { text: string }).text).toBe(real);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('saving a scenario under an existing name says so and can be undone; the missing-name notice goes after a save', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    await page.locator('button[data-action=save-scenario]').click();
    expect(await page.locator('.notice[data-topic=scenario]').textContent()).toContain('Give the scenario a name first.');
    await setInput(page, 'watermark_scale_factor', 300);
    await page.locator('input.scenario-name').fill('eager');
    await page.locator('button[data-action=save-scenario]').click();
    expect((await page.locator('.notice[data-topic=scenario]').allTextContents()).join(' ')).not.toContain('Give the scenario a name first.');
    await setInput(page, 'watermark_scale_factor', 500);
    await page.locator('button[data-action=save-scenario]').click();
    expect(await page.locator('.notice[data-topic=undo]').textContent()).toContain('Replaced the scenario “eager” with the current inputs.');
    await page.locator('.notice button.undo-action', { hasText: 'Undo replace' }).click();
    await page.locator('select.scenario-select').selectOption('eager');
    await settle(page);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(300);
    await context.close();
  });

  it('the boost slider says a fresh boot shows no boost, and the largest boost per zone', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    const text = await page.locator('#cell-37 .cell-output').textContent();
    expect(text).toContain('boost is 0, so moving this slider changes nothing');
    expect(text).toMatch(/Node 0 DMA32: up to \d+ pages/);
    await setInput(page, 'watermark_boost_factor', 0);
    expect(await page.locator('#cell-37 .cell-output').textContent()).toContain('With 0, boosting is off.');
    await context.close();
  });

  it('plots: heatmap numbers contrast with their cells; watermark numbers clear the bars', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    const pairs = await page.locator('[data-plot=protection]').evaluate((svg) => {
      const rects = [...svg.querySelectorAll('g[aria-label=cell] rect')].map((r) => ({ box: r.getBoundingClientRect(), fill: r.getAttribute('fill')! }));
      return [...svg.querySelectorAll('g[aria-label=text] text')].map((t) => {
        const b = t.getBoundingClientRect();
        const cx = b.x + b.width / 2, cy = b.y + b.height / 2;
        const under = rects.find((r) => cx >= r.box.left && cx <= r.box.right && cy >= r.box.top && cy <= r.box.bottom)!;
        return { text: getComputedStyle(t).fill, cell: under.fill };
      });
    });
    expect(pairs.length).toBeGreaterThan(4);
    for (const p of pairs) expect(await contrast(page, p.text, p.cell)).toBeGreaterThanOrEqual(4.5);
    const overlaps = await page.locator('[data-plot=watermarks]').evaluate((svg) => {
      const bars = [...svg.querySelectorAll('g[aria-label=bar] rect')].map((r) => r.getBoundingClientRect());
      const labels = [...svg.querySelectorAll('g[aria-label=text] text')].map((t) => t.getBoundingClientRect());
      return labels.filter((l) => bars.some((b) => l.left < b.right && l.right > b.left && l.top < b.bottom && l.bottom > b.top)).length;
    });
    expect(overlaps).toBe(0);
    await context.close();
  });

  it('cells that show nothing take no room; sliders have names; Tab reaches a cell and its tools', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    const heights = await page.locator('.cell').evaluateAll((els) => els.filter((e) => !e.querySelector('.cell-output')!.childNodes.length && (e.querySelector('.cell-editor') as HTMLElement).hidden)
      .map((e) => [(e as HTMLElement).dataset.cellId, e.getBoundingClientRect().height]));
    expect(heights.length).toBeGreaterThan(4);
    for (const [, h] of heights) expect(h).toBeLessThanOrEqual(8);
    const unnamed = await page.locator('input[type=range]').evaluateAll((els) => els.filter((e) => !e.getAttribute('aria-label') && !(e as HTMLInputElement).labels?.length).length);
    expect(unnamed).toBe(0);
    expect(await page.locator('[data-input="min_free_kbytes"] input[type=range]').getAttribute('aria-label')).toBe('min_free_kbytes');
    await page.locator('#cell-21').focus();
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => { const a = document.activeElement as HTMLElement; return `${a.closest<HTMLElement>('.cell')?.dataset.cellId}:${a.dataset.action ?? a.tagName}`; });
    expect(await focused()).toBe('21:run');
    for (let i = 0; i < 2; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('21:above');
    const count = await page.locator('.cell').count();
    await page.keyboard.press('Enter');
    expect(await page.locator('.cell').count()).toBe(count + 1);
    await context.close();
  });

  it('the worker script is downloaded once when a notebook boots once', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    const workers: string[] = [];
    page.on('request', (r) => { if (/mm\.worker/.test(r.url())) workers.push(r.url()); });
    await page.goto(site.url);
    await settle(page);
    expect(workers).toHaveLength(1);
    expect(await page.evaluate(() => window.mmbook.mm!.workersStarted)).toBe(1);
    await context.close();
  });

  it('on a narrow window the notebook list collapses behind a button', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    await page.setViewportSize({ width: 820, height: 900 });
    const list = page.locator('nav.nb-index ul');
    expect(await list.isVisible()).toBe(false);
    const toggle = page.locator('nav.nb-index .nav-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await list.isVisible()).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    // the notebook gets the window's width; nothing sticks out sideways
    const main = await page.locator('main.main').boundingBox();
    expect(main!.x).toBeLessThan(5);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.setViewportSize({ width: 1200, height: 900 });
    expect(await toggle.isVisible()).toBe(false);
    await context.close();
  });
});
