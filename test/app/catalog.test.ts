/** The notebook index's data (src/app/catalog.ts): titles, one-line descriptions and thumbnails read from the files. */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { catalog, descriptionOf, thumbnailOf } from '../../src/app/catalog';

const NB = resolve(import.meta.dirname, '../../notebooks');

describe('catalog', () => {
  it('reads <meta name="description"> with its attributes in any order and either quote, entities decoded', () => {
    expect(descriptionOf('<notebook><title>x</title><meta name="description" content="One line &amp; more">')).toBe('One line & more');
    expect(descriptionOf("<meta content='Other order'\n name='Description'>")).toBe('Other order');
    expect(descriptionOf('<meta charset="utf-8"><meta name="keywords" content="a"><meta name="description" content="  spaced\n  out ">')).toBe('spaced out');
    expect(descriptionOf('<notebook><title>x</title></notebook>')).toBeUndefined();
    expect(descriptionOf('<meta name="description" content="">')).toBeUndefined();
  });

  it('takes notebooks/thumbs/SLUG.svg, else .png, and nothing for another slug', () => {
    const urls = { '../../notebooks/thumbs/a.png': '/a.png', '../../notebooks/thumbs/a.svg': '/a.svg', '../../notebooks/thumbs/b.png': '/b.png', '../../notebooks/thumbs/ab.svg': '/ab.svg' };
    expect(thumbnailOf('a', urls)).toBe('/a.svg');
    expect(thumbnailOf('b', urls)).toBe('/b.png');
    expect(thumbnailOf('c', urls)).toBeUndefined();
  });

  it('lists every shipped notebook, the flagship first; each has a description, and the run-time notebooks a thumbnail that exists', () => {
    const entries = catalog();
    expect(entries.map((e) => e.file).sort()).toEqual(readdirSync(NB).filter((f) => f.endsWith('.html')).sort());
    expect(entries[0]!.slug).toBe('watermarks');
    for (const e of entries) expect(e.description, e.file).toMatch(/^\S.{20,}$/);
    for (const slug of ['fragmentation', 'kswapd']) {
      const e = entries.find((x) => x.slug === slug)!;
      expect(e.title).toBe(slug === 'kswapd' ? 'Watermarks in motion' : 'Fragmentation and compaction');
      expect(e.thumbnail).toMatch(new RegExp(`${slug}\\.svg`));
      expect(existsSync(resolve(NB, `thumbs/${slug}.svg`))).toBe(true);
    }
  });
});
