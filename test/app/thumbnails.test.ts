/**
 * The index's thumbnails (scripts/thumbnails.ts): each committed notebooks/thumbs/NAME.svg is what
 * its recipe draws from the notebook's default run (regenerate with `npx tsx scripts/thumbnails.ts`).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawThumbnail, RECIPES, THUMBS_DIR } from '../../scripts/thumbnails';

describe('thumbnails', () => {
  for (const slug of Object.keys(RECIPES)) {
    it(`notebooks/thumbs/${slug}.svg is up to date, small, and titled for screen readers`, async () => {
      const text = await drawThumbnail(slug);
      expect(text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 240 135" width="240" height="135" role="img"><title>[^<]+<\/title>/);
      expect(text.length).toBeLessThan(20_000);
      expect(readFileSync(join(THUMBS_DIR, `${slug}.svg`), 'utf8')).toBe(text);
    }, 60_000);
  }
});
