/**
 * The workbench in headless Chromium against the built site (issue 4, "What must be shown").
 * One browser; a fresh context (fresh IndexedDB) per test.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ORACLE } from '../helpers/oracle-dir';
import { cellText, editCell, inputValue, openPage, plotLabel, saved, setInput, settle, zoneinfoMarks, chooseOwnMachine, siteSession } from './site';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const site = siteSession();
beforeAll(() => { mkdirSync(ARTIFACTS, { recursive: true }); });

describe('workbench', () => {
  it('the index lists every notebook with its title', async () => {
    const { page, context } = await openPage(site.browser, site.url + '#/index');
    const titles = await page.locator('.notebook-list a').allTextContents();
    expect(titles).toEqual(expect.arrayContaining(['Tuning watermarks and lowmem_reserve', 'Booting a machine, stage by stage']));
    expect(await page.locator('nav.nb-index a[data-slug]').count()).toBe(titles.length);
    await context.close();
  });

  it('the site root opens the flagship notebook; moving watermark_scale_factor changes low/high in the plot and in zoneinfo', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url);
    expect(await page.locator('h1').first().textContent()).toBe('Tuning watermarks and lowmem_reserve');
    const before = await zoneinfoMarks(page);
    const labelBefore = await plotLabel(page, 'watermarks');
    expect(labelBefore).toContain(`low ${before.low} high ${before.high}`);
    await page.screenshot({ path: `${ARTIFACTS}/watermarks.png`, fullPage: true });
    // pinned source sits under its output
    expect(await page.locator('#cell-20 .cell-editor').isVisible()).toBe(true);
    expect(await page.locator('#cell-20 .cell-output + .cell-editor').count()).toBe(1);
    await page.evaluate(() => {
      const w = window as unknown as { busySeen: boolean };
      w.busySeen = false;
      const el = document.querySelector('.busy-indicator')!;
      new MutationObserver(() => { if (!(el as HTMLElement).hidden) w.busySeen = true; }).observe(el, { attributes: true });
    });
    await setInput(page, 'watermark_scale_factor', 200);
    expect(await page.evaluate(() => (window as unknown as { busySeen: boolean }).busySeen)).toBe(true);
    expect(await page.locator('.busy-indicator').isVisible()).toBe(false);
    const after = await zoneinfoMarks(page);
    // min may move by a page or two: the write recomputes from today's managed count, boot used an earlier one
    expect(after.low - after.min).toBeGreaterThan(before.low - before.min);
    expect(after.low).toBeGreaterThan(before.low);
    expect(after.high).toBeGreaterThan(before.high);
    const labelAfter = await plotLabel(page, 'watermarks');
    expect(labelAfter).toContain(`low ${after.low} high ${after.high}`);
    // the diff against the defaults shows the changed lines
    expect(await page.locator('pre.text-diff .diff-add').allTextContents()).toEqual(expect.arrayContaining([`+         low      ${after.low}\n`.replace(/ +/g, ' ')].map(() => expect.stringContaining(`low`))));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a reload keeps the slider value and an edited cell; revert and reset undo them', async () => {
    const { page, context } = await openPage(site.browser, site.url + '#/watermarks');
    await setInput(page, 'watermark_scale_factor', 150);
    await editCell(page, 9, '## My knobs\n\nEdited in the browser.');
    expect(await cellText(page, 9)).toContain('Edited in the browser.');
    await saved(page);
    await page.reload();
    await settle(page);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(150);
    expect(await cellText(page, 9)).toContain('Edited in the browser.');
    await expect.poll(() => page.locator('.edited-marker').isVisible()).toBe(true);
    const tuned = await zoneinfoMarks(page);

    await page.locator('button[data-action=revert]').click();
    await settle(page);
    expect(await cellText(page, 9)).toContain('The knobs');
    expect(await page.locator('.edited-marker').isVisible()).toBe(false);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(150); // inputs are not part of the source
    // the revert can be undone: the edit comes back
    await page.locator('.notice button.undo-action', { hasText: 'Undo revert' }).click();
    await settle(page);
    expect(await cellText(page, 9)).toContain('Edited in the browser.');
    expect(await page.locator('.edited-marker').isVisible()).toBe(true);
    await page.locator('button[data-action=revert]').click();
    await settle(page);
    expect(await cellText(page, 9)).toContain('The knobs');

    await page.locator('button[data-action=reset]').click();
    await settle(page);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(10);
    expect((await zoneinfoMarks(page)).low).toBeLessThan(tuned.low);
    // so can the reset (Alt+Z undoes the latest action)
    await page.locator('h1').first().click();
    await page.keyboard.press('Alt+Z');
    await settle(page);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(150);
    expect((await zoneinfoMarks(page)).low).toBe(tuned.low);
    await page.locator('button[data-action=reset]').click();
    await settle(page);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(10);
    await page.reload();
    await settle(page);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(10);
    expect(await cellText(page, 9)).toContain('The knobs');
    await context.close();
  });

  it('a cell edited to throw shows its error and line; dependents are blocked with a link; other cells keep working', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url);
    await editCell(page, 22, 'const x = 1;\nthrow new Error("boom")');
    const cell = page.locator('#cell-22');
    expect(await cell.getAttribute('data-state')).toBe('error');
    expect(await cell.locator('.cell-error').textContent()).toMatch(/boom.*line 2/);
    await editCell(page, 28, 'const zoneinfo = (() => { throw new Error("no zoneinfo today") })();\nconst defaultZoneinfo = ""');
    expect(await page.locator('#cell-30').getAttribute('data-state')).toBe('blocked');
    const link = page.locator('#cell-30 .cell-status a.cell-link');
    expect(await link.textContent()).toBe('zoneinfo');
    await link.click();
    await expect.poll(() => page.locator('#cell-28').evaluate((el) => el.classList.contains('current'))).toBe(true);
    // the rest still reacts
    const before = await plotLabel(page, 'watermark-levels');
    await setInput(page, 'watermark_scale_factor', 300);
    expect(await plotLabel(page, 'watermark-levels')).not.toBe(before);
    expect(await page.locator('h1').first().isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a shared link applies valid values and refuses an out-of-range one with a message', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    await setInput(page, 'watermark_scale_factor', 123);
    await page.locator('button[data-action=copy-link]').click();
    const link = await page.locator('input.share-link').inputValue();
    expect(link).toContain('watermark_scale_factor=123');
    await context.close();

    const bad = `${site.url}#/watermarks?watermark_scale_factor=250&watermark_boost_factor=99999999`;
    const { page: p2, context: c2 } = await openPage(site.browser, bad);
    expect(await inputValue(p2, 'watermark_scale_factor')).toBe(250);
    expect(await inputValue(p2, 'watermark_boost_factor')).toBe(15000);
    const notice = await p2.locator('.notice[data-topic=link]').allTextContents();
    expect(notice.join(' ')).toMatch(/watermark_boost_factor=99999999 is outside the input's range 0…30000/);
    const marks = await zoneinfoMarks(p2);
    expect(await plotLabel(p2, 'watermarks')).toContain(`low ${marks.low}`);
    await c2.close();

    // a composite input (the custom topology form) is checked field by field; the machine still boots,
    // so the inputs below it appear and take their link values
    const topology = encodeURIComponent(JSON.stringify({ arch: 'mips', kernel: '6.1', ramMiB: -5, nodes: 99, cpus: 4 }));
    const { page: p3, context: c3 } = await openPage(site.browser, `${site.url}#/watermarks?machine_name=%22custom%20topology%22&topology=${topology}&min_free_kbytes=2048`);
    const notice3 = (await p3.locator('.notice[data-topic=link]').allTextContents()).join(' ');
    expect(notice3).toMatch(/topology: arch="mips" is not accepted, ramMiB=-5 is not accepted, nodes=99 is not accepted; kept \{"arch":"arm64"/);
    expect(await inputValue(p3, 'topology')).toEqual({ arch: 'arm64', kernel: '6.1', ramMiB: 4096, nodes: 1, cpus: 4 });
    expect(await p3.locator('#cell-7').getAttribute('data-state')).toBe('done');
    expect(await inputValue(p3, 'min_free_kbytes')).toBe(2048);
    await c3.close();
  });

  it('a corrupted IndexedDB entry is set aside with a message, and the file version loads', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    await page.evaluate(() => new Promise<void>((resolve, reject) => {
      const req = indexedDB.open('mmbook');
      req.onsuccess = () => {
        const tx = req.result.transaction('kv', 'readwrite');
        tx.objectStore('kv').put({ schema: 1, html: 12345 }, 'mmbook:v1:source:watermarks');
        tx.objectStore('kv').put('not an object', 'mmbook:v1:inputs:watermarks');
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      };
      req.onerror = () => reject(req.error);
    }));
    await page.reload();
    await settle(page);
    const text = (await page.locator('.notice').allTextContents()).join(' ');
    expect(text).toMatch(/saved source .* set aside and the file version loaded/);
    expect(text).toMatch(/saved inputs .* set aside/);
    expect(await page.locator('.cell').count()).toBeGreaterThan(20);
    expect(await page.locator('[data-plot=watermarks]').count()).toBe(1);
    await context.close();
  });

  it('pending saves are flushed on pagehide: a reload right after a change keeps it', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    await setInput(page, 'watermark_scale_factor', 321); // returns before the 400 ms autosave debounce
    await page.reload();
    await settle(page);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(321);
    await context.close();
  });

  it('a quota failure is shown, the value stays pending, and it is saved once storage works again', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    await page.evaluate(() => {
      const w = window as unknown as { realPut: unknown };
      w.realPut = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
    });
    await setInput(page, 'watermark_scale_factor', 77);
    await expect.poll(async () => (await page.locator('.notice[data-topic=quota]').allTextContents()).join(' '), { timeout: 5000 }).toMatch(/Storage is full.*NOT saved yet/);
    await page.evaluate(() => { IDBObjectStore.prototype.put = (window as unknown as { realPut: IDBObjectStore['put'] }).realPut; });
    await setInput(page, 'watermark_scale_factor', 78);
    await expect.poll(() => page.locator('.notice[data-topic=quota]').count(), { timeout: 5000 }).toBe(0);
    await page.reload();
    await settle(page);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(78);
    await context.close();
  });

  it('without IndexedDB the app still works and warns', async () => {
    const { page, context } = await openPage(site.browser, site.url, () => { Object.defineProperty(window, 'indexedDB', { value: undefined }); });
    expect((await page.locator('.notice[data-topic=storage]').textContent()) ?? '').toMatch(/will not survive a reload/);
    await setInput(page, 'watermark_scale_factor', 400);
    expect((await zoneinfoMarks(page)).low).toBeGreaterThan(0);
    await context.close();
  });

  it('keyboard: add below, delete, undo, move, help panel', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    const ids = () => page.locator('.cell').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.cellId)));
    const start = await ids();
    await page.locator('#cell-21 .cell-output').click();
    await page.keyboard.press('Alt+B');
    const added = await ids();
    expect(added.length).toBe(start.length + 1);
    const newId = added[added.indexOf(21) + 1];
    expect(start).not.toContain(newId);
    await page.keyboard.insertText('const answer = await new Promise((r) => setTimeout(() => r(42), 700))');
    await page.keyboard.press('Shift+Enter');
    // a running cell shows its elapsed time
    await page.waitForSelector(`#cell-${newId}[data-state=running]`);
    await expect.poll(async () => page.locator(`#cell-${newId} .cell-status`).textContent(), { timeout: 5000 }).toMatch(/^running [1-9]\d* ms$/);
    await settle(page);
    expect(await page.locator(`#cell-${newId}`).getAttribute('data-state')).toBe('done');
    await page.keyboard.press('Alt+ArrowUp');
    expect((await ids()).indexOf(newId)).toBe(added.indexOf(21));
    await page.keyboard.press('Alt+D');
    expect(await ids()).toEqual(start);
    await page.keyboard.press('Alt+Z');
    expect((await ids()).length).toBe(start.length + 1);
    await page.keyboard.press('Alt+H');
    expect(await page.locator('.help-panel').isVisible()).toBe(true);
    await page.locator('h1').first().click();
    await page.keyboard.press('?');
    expect(await page.locator('.help-panel').isVisible()).toBe(false);
    await page.keyboard.press('?');
    expect(await page.locator('.help-panel kbd').allTextContents()).toEqual(expect.arrayContaining(['Shift+Enter', 'Alt+A', 'Alt+B', 'Alt+D', 'Alt+Z', 'Alt+↑', 'Alt+↓']));
    // the same actions from buttons
    await page.locator('#cell-21').hover();
    await page.locator('#cell-21 button[data-action=above]').click();
    expect((await ids()).length).toBe(start.length + 2);
    // after a delete the cell that took its place is current: Alt+D twice deletes two cells, Alt+Z twice restores both
    await page.keyboard.press('Alt+D');
    await page.keyboard.press('Alt+D');
    expect((await ids()).length).toBe(start.length);
    await page.keyboard.press('Alt+Z');
    await page.keyboard.press('Alt+Z');
    expect((await ids()).length).toBe(start.length + 2);
    await context.close();
  });

  it('scenarios save, switch and delete; download exports the edited notebook', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    await setInput(page, 'watermark_scale_factor', 300);
    await page.locator('input.scenario-name').fill('eager kswapd');
    await page.locator('button[data-action=save-scenario]').click();
    await page.locator('button[data-action=reset]').click();
    await settle(page);
    await expect.poll(() => inputValue(page, 'watermark_scale_factor')).toBe(10);
    await page.locator('select.scenario-select').selectOption('eager kswapd');
    await settle(page);
    expect(await inputValue(page, 'watermark_scale_factor')).toBe(300);
    await page.locator('button[data-action=delete-scenario]').click();
    expect(await page.locator('select.scenario-select option').allTextContents()).not.toContain('eager kswapd');

    await editCell(page, 9, '## Download me');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-action=download]').click()]);
    expect(download.suggestedFilename()).toBe('watermarks.html');
    const html = readFileSync(await download.path(), 'utf8');
    expect(html).toContain('<notebook');
    expect(html).toContain('## Download me');
    const { ensureDom, parseNotebook } = await import('../../src/kernel/index');
    await ensureDom();
    expect(parseNotebook(html).cells.length).toBeGreaterThan(20);
    await context.close();
  });

  it('npm: imports in a cell resolve to the installed packages, with the network cut off', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    const external: string[] = [];
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(site.url)) return route.continue();
      external.push(u);
      return route.abort();
    });
    await page.locator('#cell-1 .cell-output').click();
    await page.keyboard.press('Alt+B');
    await page.keyboard.insertText('import * as d3 from "npm:d3";\nimport {plot} from "npm:@observablehq/plot";\ndisplay(`sum=${d3.sum([1, 2, 3])} plot=${typeof plot}`)');
    await page.keyboard.press('Shift+Enter');
    await settle(page);
    const id = await page.locator('.cell').nth(1).getAttribute('data-cell-id');
    expect(await page.locator(`#cell-${id}`).getAttribute('data-state')).toBe('done');
    expect(await cellText(page, Number(id))).toContain('sum=6 plot=function');
    expect(external).toEqual([]);
    await context.close();
  });

  it('the boot notebook renders every stage (screenshot saved)', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/boot');
    expect(await page.locator('h1').first().textContent()).toBe('Booting a machine, stage by stage');
    for (const plot of ['address-map', 'buddyinfo']) expect(await page.locator(`[data-plot="${plot}"]`).count()).toBe(1);
    const states = await page.locator('.cell').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.state));
    expect(states.filter((s) => s !== 'done')).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/boot.png`, fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('your own machine: a pasted zoneinfo is imported and kept; garbage is an error; a .dtb file boots', async () => {
    const { page, context, errors } = await openPage(site.browser, site.url + '#/watermarks');
    const own = await chooseOwnMachine(page);
    // nothing pasted yet: no error; the request cell says what to do, its dependents wait for own, the page works
    expect(await page.locator('#cell-6').getAttribute('data-state')).toBe('waiting');
    expect(await page.locator('#cell-6 .cell-waiting').textContent()).toBe("waiting for own: paste the machine's /proc/zoneinfo above");
    expect(await page.locator('#cell-22 .cell-waiting').textContent()).toBe('waiting for own');
    expect(await page.locator('.cell[data-state=error], .cell[data-state=blocked], .cell-error').count()).toBe(0);
    expect(await page.locator('.cell[data-state=waiting]').count()).toBeGreaterThanOrEqual(14);
    // a zoneinfo that is not one: the simulator's parse error, naming the line
    await own.locator('textarea').fill('Node 0, zone      DMA\n  pages free  many\n');
    await settle(page);
    expect(await page.locator('#cell-7 .cell-error').textContent()).toMatch(/ZONEINFO_PARSE: .*line \d/);
    // the sliders start at the machine's own values, so they wait on it (blocked, not failed); the prose still shows
    expect(await page.locator('#cell-12').getAttribute('data-state')).toBe('blocked');
    expect(await page.locator('#cell-9').getAttribute('data-state')).toBe('done');
    // a real one: the zones are the file's, the watermarks recomputed
    const real = readFileSync(resolve(ORACLE, 'a64-2g-cma64/zoneinfo.txt'), 'utf8');
    await own.locator('textarea').fill(real);
    await settle(page);
    expect(await page.locator('#cell-7').getAttribute('data-state')).toBe('done');
    const shown = await page.locator('pre.zoneinfo').first().textContent();
    expect(shown).toContain('managed  507392');
    expect(await plotLabel(page, 'watermarks')).toContain('Node 0 DMA');
    await saved(page);
    await page.reload();
    await settle(page);
    expect(((await inputValue(page, 'own')) as { text: string }).text).toBe(real);
    expect(await page.locator('pre.zoneinfo').first().textContent()).toContain('managed  507392');
    // a device tree blob, opened from disk (files are not kept: a chosen file cannot be restored)
    await own.locator('label:has-text("device tree (.dtb)") input[type=radio]').check();
    await settle(page);
    await page.locator('#cell-34 input[type=file]').setInputFiles(resolve(ORACLE, 'a64-2g-cma64/virt.dtb'));
    await settle(page);
    expect(await page.locator('#cell-7').getAttribute('data-state')).toBe('done');
    // booted from the blob (its bootargs carry cma=64M): a fresh boot, every managed page free
    // (the imported zoneinfo kept the real machine's 500350 free pages)
    expect(shown).toContain('pages free     500350');
    const fromDtb = await page.locator('pre.zoneinfo').first().textContent();
    expect(fromDtb).toContain('cma      16384');
    expect(fromDtb).toContain('managed  507392');
    expect(fromDtb).toContain('pages free     507392');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('simulator work runs in a worker with progress, and a newer boot cancels a stale one', async () => {
    const { page, context } = await openPage(site.browser, site.url);
    const r = await page.evaluate(async () => {
      const mm = window.mmbook.mm!;
      const fx = (await mm.fixtures()) as Array<{ arch: 'arm64' | 'arm' | 'x86_64'; kernel: '5.10' | '6.1'; dtb?: Uint8Array; e820?: string; cmdline: string }>;
      const req = (f: (typeof fx)[number]) => ({ arch: f.arch, kernel: f.kernel, dtb: f.dtb, e820: f.e820, cmdline: f.cmdline });
      const progress: number[] = [];
      const stages: string[] = [];
      const off = mm.onProgress((p) => { progress.push(p.fraction); stages.push(p.stage); });
      const stale = mm.boot(req(fx[0])).then(() => 'resolved', (e: { code?: string }) => e.code);
      const fresh = await mm.boot(req(fx[fx.length - 1]));
      off();
      const view = (await fresh.view()) as { nodes: unknown[] };
      return { stale: await stale, nodes: view.nodes.length, progress, stages, cancelled: mm.cancelled };
    });
    expect(r.stale).toBe('CANCELLED');
    expect(r.cancelled).toBeGreaterThanOrEqual(1);
    expect(r.nodes).toBeGreaterThan(0);
    expect(r.progress.length).toBeGreaterThan(1);
    expect(r.progress.at(-1)).toBe(1);
    // the worker reports the simulator's own boot stages as they start
    for (const s of ['setup_arch', 'memblock_free_all', 'initcalls']) expect(r.stages).toContain(`booting: ${s}`);
    await context.close();
  });
});
