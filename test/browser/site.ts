/** Builds the site for the browser tests (into a temporary directory, never the checkout's dist/), and opens pages on it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, serveStatic } from './harness';

const ROOT = resolve(import.meta.dirname, '../..');
let built: Promise<string> | undefined;

/**
 * $MMBOOK_DIST when set (an existing build), else a fresh vite build of the current sources in a
 * temporary directory, made once per test process and removed when it exits.
 */
export function ensureSite(): Promise<string> {
  if (process.env.MMBOOK_DIST) return Promise.resolve(process.env.MMBOOK_DIST);
  built ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), 'mmbook-site-'));
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
    const { build } = await import('vite');
    await build({ root: ROOT, logLevel: 'warn', configFile: join(ROOT, 'vite.config.ts'), build: { outDir: out, emptyOutDir: true } });
    return out;
  })();
  return built;
}

/**
 * For a test file: the built site served and Chromium launched before its tests (beforeAll), both
 * closed after them (afterAll); `url` and `browser` are set once the tests run.
 */
export function siteSession(): { readonly url: string; readonly browser: Browser } {
  const s = { url: '', browser: undefined as unknown as Browser, close: undefined as undefined | (() => Promise<void>) };
  beforeAll(async () => {
    const server = await serveStatic(await ensureSite());
    s.url = server.url;
    s.close = server.close;
    s.browser = await launchChromium();
  });
  afterAll(async () => { await s.browser?.close(); await s.close?.(); });
  return s;
}

export interface Opened { context: BrowserContext; page: Page; errors: string[] }

export async function openPage(browser: Browser, url: string, init?: () => void): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await settle(page);
  return { context, page, errors };
}

/** Waits until the route is rendered and the kernel has nothing queued or running. */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => window.mmbook?.ready === true, null, { timeout: 60_000 });
  await page.evaluate(() => window.mmbook.settled());
}

/** Sets an input the way a user does: value, then an `input` event. */
export async function setInput(page: Page, name: string, value: number | string): Promise<void> {
  await page.evaluate(([n, v]) => {
    const form = document.querySelector<HTMLElement & { value: unknown }>(`[data-input="${n}"]`);
    if (!form) throw new Error(`no input ${n}`);
    // the number box takes the value itself; a slider with a transform (min_free_kbytes) takes log(value)
    const range = form.querySelector<HTMLInputElement>('input[type=number]') ?? form.querySelector<HTMLInputElement>('input[type=range]');
    if (range) { range.value = String(v); range.dispatchEvent(new Event('input', { bubbles: true })); }
    else { form.value = v; form.dispatchEvent(new Event('input', { bubbles: true })); }
  }, [name, value] as const);
  await settle(page);
}

/** Waits until every edit and input value of the page is written to IndexedDB (the autosave is debounced). */
export async function saved(page: Page): Promise<void> {
  await page.waitForFunction(() => window.mmbook.page?.unsaved === false, null, { timeout: 10_000 });
}

export async function inputValue(page: Page, name: string): Promise<unknown> {
  return page.evaluate((n) => document.querySelector<HTMLElement & { value: unknown }>(`[data-input="${n}"]`)?.value, name);
}

/** min/low/high of the first populated zone, as /proc/zoneinfo prints them on the page. */
export async function zoneinfoMarks(page: Page): Promise<{ min: number; low: number; high: number }> {
  const text = await page.locator('pre.zoneinfo').first().textContent() ?? '';
  const zones = text.split(/^Node /m).slice(1);
  for (const z of zones) {
    const managed = Number(/\n\s+managed\s+(\d+)/.exec(z)?.[1] ?? 0);
    if (!managed) continue;
    const get = (k: string) => Number(new RegExp(`\\n\\s+${k}\\s+(\\d+)`).exec(z)?.[1]);
    return { min: get('min'), low: get('low'), high: get('high') };
  }
  throw new Error('no populated zone in zoneinfo');
}

export async function plotLabel(page: Page, name: string): Promise<string> {
  return (await page.locator(`[data-plot="${name}"]`).first().getAttribute('aria-label')) ?? '';
}

export async function cellText(page: Page, id: number): Promise<string> {
  return (await page.locator(`#cell-${id} .cell-output`).textContent()) ?? '';
}

/** Replace a cell's source through its CodeMirror editor and run it with Shift+Enter. */
export async function editCell(page: Page, id: number, source: string): Promise<void> {
  const cell = page.locator(`#cell-${id}`);
  await cell.hover();
  if (await cell.locator('.cell-editor').isHidden()) await cell.locator('button[data-action=edit]').click();
  const content = cell.locator('.cm-content');
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(source);
  await page.keyboard.press('Shift+Enter');
  await settle(page);
}

/** Chooses "your own machine" in the watermarks notebook; returns its form (from, arch, kernel, text, cmdline). */
export async function chooseOwnMachine(page: Page): Promise<Locator> {
  await page.locator('[data-input="machine_name"] select').selectOption('your own machine');
  await settle(page);
  return page.locator('[data-input="own"]');
}

/**
 * Stores `html` as the edited source of notebook `slug` in the page's IndexedDB (as the workbench
 * saves an edit), so the next open of #/slug runs it. The page must have opened storage already.
 */
export async function storeEditedSource(page: Page, slug: string, html: string): Promise<void> {
  await page.evaluate(([s, h]) => new Promise<void>((resolve, reject) => {
    const req = indexedDB.open('mmbook');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction('kv', 'readwrite');
      tx.objectStore('kv').put({ schema: 1, html: h, savedAt: Date.now() }, `mmbook:v1:source:${s}`);
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), [slug, html] as const);
}
