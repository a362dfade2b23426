/**
 * The setup every browser test file shares: the built site on a static server and one headless
 * chromium, started before the file's tests and closed after them. Kept apart from site.ts and
 * harness.ts because it registers vitest hooks (bench/ and scripts/ import those two outside vitest).
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, serveStatic } from './harness';
import { ensureSite, openPage, type Opened } from './site';

export interface Site {
  /** The site's root, ending in '/'. */
  readonly url: string;
  readonly browser: Browser;
  /** Opens url + `path` (e.g. '#/watermarks') in a fresh context and waits until it is settled. */
  open(path?: string, init?: () => void): Promise<Opened>;
}

/** Registers beforeAll/afterAll in the calling test file; the returned site is usable inside its tests. */
export function useSite(): Site {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  beforeAll(async () => {
    server = await serveStatic(await ensureSite());
    browser = await launchChromium();
  });
  afterAll(async () => { await browser?.close(); await server?.close(); });
  const site: Site = {
    get url() { if (!server) throw new Error('useSite: the site is not served yet (use it inside a test)'); return server.url; },
    get browser() { if (!browser) throw new Error('useSite: chromium is not launched yet (use it inside a test)'); return browser; },
    open: (path = '', init) => openPage(site.browser, site.url + path, init),
  };
  return site;
}
