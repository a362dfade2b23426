import { launchChromium, serveStatic } from './test/browser/harness';
import { ensureSite, openPage } from './test/browser/site';
const dist = process.env.MMBOOK_DIST ?? await ensureSite();
const server = await serveStatic(dist);
const browser = await launchChromium();
try {
  for (const slug of (process.env.SLUGS ?? 'fragmentation,kswapd').split(',')) {
    const { page, errors } = await openPage(browser, server.url + '#/' + slug);
    if (errors.length) console.log(slug, errors);
    const h = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0, k = 0; y < h; y += 1400, k++) await page.screenshot({ path: `/tmp/nbfrag/b-${slug}-${k}.png`, fullPage: true, clip: { x: 0, y, width: 1200, height: Math.min(1400, h - y) } });
    console.log(slug, h);
  }
} finally { await browser.close(); await server.close(); }
