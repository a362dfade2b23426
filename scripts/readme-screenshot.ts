/**
 * Takes the README screenshot (docs/screenshot.png): the watermarks notebook of a fresh build (in a
 * temporary directory), in a 1280×900 viewport, in headless Chromium.   npx tsx scripts/readme-screenshot.ts
 */
import { join } from 'node:path';
import { launchChromium, serveStatic } from '../test/browser/harness';
import { ensureSite } from '../test/browser/site';

const root = join(import.meta.dirname, '..');
const site = await serveStatic(await ensureSite());
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(site.url);
  await page.waitForFunction(() => window.mmbook?.ready === true, null, { timeout: 60_000 });
  await page.evaluate(() => window.mmbook.settled());
  // the knobs' end and the plots they drive
  await page.evaluate(() => {
    const h = [...document.querySelectorAll('h2')].find((e) => /Free memory/.test(e.textContent ?? ''));
    h?.scrollIntoView();
    window.scrollBy(0, -260);
  });
  // two frames: the editors in view draw their lines after the scroll
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  // finished cells' timing lines fade out (they show on hover)
  await page.waitForFunction(() => [...document.querySelectorAll('.cell[data-state=done] > .cell-status')].every((e) => getComputedStyle(e).opacity === '0'));
  await page.screenshot({ path: join(root, 'docs/screenshot.png') });
} finally {
  await browser.close();
  await site.close();
}
