/**
 * The notebooks shipped with the app: every notebooks/*.html, bundled as text at build time,
 * so the built site needs no server-side listing and works offline.
 */
const files = import.meta.glob('../../notebooks/*.html', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface CatalogEntry { slug: string; title: string; source: string; file: string }

/** The flagship notebook that `npm start` and the site root open. */
export const DEFAULT_SLUG = 'watermarks';

export function catalog(): CatalogEntry[] {
  return Object.entries(files)
    .map(([path, source]) => {
      const file = path.split('/').pop()!;
      return { slug: file.replace(/\.html$/, ''), file, source, title: titleOf(source) ?? file };
    })
    .sort((a, b) => (a.slug === DEFAULT_SLUG ? -1 : b.slug === DEFAULT_SLUG ? 1 : a.title.localeCompare(b.title)));
}

export function titleOf(source: string): string | undefined {
  const m = /<title>([\s\S]*?)<\/title>/i.exec(source);
  return m ? decodeEntities(m[1].trim()) : undefined;
}

function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
