/**
 * bench:ui, the result cache: a notebook whose expensive cell goes through `cached`
 * (test/fixtures/notebooks/cached.html, stored as the edited source of a shipped notebook) is
 * re-opened (routed away and back, as a reader does), and the time from the route change to the
 * expensive cell's result in the DOM with its "cached" tag is measured (median of REOPENS, target
 * ≤ 50 ms). Same-run baseline: the same re-open with the cache cleared first, which computes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { settle, storeEditedSource } from '../test/browser/site';

const REOPENS = 10;
const SLUG = 'boot';
const NOTEBOOK = readFileSync(resolve(import.meta.dirname, '../test/fixtures/notebooks/cached.html'), 'utf8');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Routes to the index and back to the notebook; ms from the route change to the result shown (with the tag when `cached`). */
function reopen(page: Page, cached: boolean): Promise<number> {
  return page.evaluate(async ([slug, wantTag]) => {
    const until = (ok: () => boolean) => new Promise<void>((done) => {
      if (ok()) { done(); return; }
      const mo = new MutationObserver(() => { if (ok()) { mo.disconnect(); done(); } });
      mo.observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    location.hash = '#/index';
    await until(() => window.mmbook.ready && window.mmbook.route === 'index');
    const shown = () => !!document.querySelector('output.heavy-result') && (!wantTag || !!document.querySelector('#cell-2 .cell-tag[data-tag=cached]'));
    const t0 = performance.now();
    location.hash = `#/${slug}`;
    await until(shown);
    return performance.now() - t0;
  }, [SLUG, cached] as const);
}

export interface CacheBench { cachedMs: number; computedMs: number; samples: number[] }

/** `page` is on the site; it must not be needed afterwards for the notebook `boot` (its edited source is replaced). */
export async function benchCachedReopen(page: Page): Promise<CacheBench> {
  await storeEditedSource(page, SLUG, NOTEBOOK);
  const computed: number[] = [];
  for (let i = 0; i < 3; i++) {
    await page.evaluate(() => window.mmbook.cache!.cache.clear());
    computed.push(await reopen(page, false));
    await settle(page);
  }
  await page.evaluate(() => window.mmbook.cache!.cache.flush());
  const samples: number[] = [];
  for (let i = 0; i < REOPENS; i++) {
    samples.push(await reopen(page, true));
    await settle(page);
  }
  return { cachedMs: median(samples), computedMs: median(computed), samples };
}
