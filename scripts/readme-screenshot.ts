/**
 * Takes the README screenshot (docs/screenshot.png): the watermarks notebook of the built site,
 * in a 1280×900 viewport, in headless Chromium.   npm run build && npx tsx scripts/readme-screenshot.ts
 */
import { join } from 'node:path';
import { launchChromium, serveStatic } from '../test/browser/harness';

const root = join(import.meta.dirname, '..');
const site = await serveStatic(join(root, 'dist'));
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(site.url);
  await page.waitForSelector('[data-plot]', { timeout: 60_000 });
  await page.waitForTimeout(1500);
  // the knobs' end and the plots they drive
  await page.evaluate(() => {
    const h = [...document.querySelectorAll('h2')].find((e) => /Free memory/.test(e.textContent ?? ''));
    h?.scrollIntoView();
    window.scrollBy(0, -260);
  });
  await page.screenshot({ path: join(root, 'docs/screenshot.png') });
} finally {
  await browser.close();
  await site.close();
}
