/**
 * The notebooks shipped with the app: every notebooks/*.html, bundled as text at build time,
 * so the built site needs no server-side listing and works offline. Each entry's one-line
 * description is the notebook's own `<meta name="description" content="…">`, and its thumbnail
 * is notebooks/thumbs/NAME.svg (or .png) for notebooks/NAME.html when that file exists
 * (scripts/thumbnails.ts draws them).
 */
const files = import.meta.glob('../../notebooks/*.html', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const thumbs = import.meta.glob('../../notebooks/thumbs/*.{svg,png}', { query: '?url', import: 'default', eager: true }) as Record<string, string>;

export interface CatalogEntry {
  slug: string;
  title: string;
  source: string;
  file: string;
  /** the notebook's <meta name="description">, if it has one */
  description?: string;
  /** the URL of notebooks/thumbs/SLUG.svg or .png, if there is one */
  thumbnail?: string;
}

/** The flagship notebook that `npm start` and the site root open. */
export const DEFAULT_SLUG = 'watermarks';

export function catalog(): CatalogEntry[] {
  return Object.entries(files)
    .map(([path, source]) => {
      const file = path.split('/').pop()!;
      const slug = file.replace(/\.html$/, '');
      const entry: CatalogEntry = { slug, file, source, title: titleOf(source) ?? file };
      const description = descriptionOf(source);
      if (description) entry.description = description;
      const thumbnail = thumbnailOf(slug, thumbs);
      if (thumbnail) entry.thumbnail = thumbnail;
      return entry;
    })
    .sort((a, b) => (a.slug === DEFAULT_SLUG ? -1 : b.slug === DEFAULT_SLUG ? 1 : a.title.localeCompare(b.title)));
}

export function titleOf(source: string): string | undefined {
  const m = /<title>([\s\S]*?)<\/title>/i.exec(source);
  return m ? decodeEntities(m[1].trim()) : undefined;
}

/** The content of the first `<meta name="description" content="…">` (attributes in any order, either quote). */
export function descriptionOf(source: string): string | undefined {
  for (const m of source.matchAll(/<meta\b([^>]*)>/gi)) {
    const attrs = new Map<string, string>();
    for (const a of m[1].matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs.set(a[1].toLowerCase(), a[2] ?? a[3] ?? '');
    if (attrs.get('name')?.toLowerCase() !== 'description') continue;
    const text = decodeEntities(attrs.get('content') ?? '').replace(/\s+/g, ' ').trim();
    return text || undefined;
  }
  return undefined;
}

/** notebooks/thumbs/SLUG.svg, else SLUG.png, among the bundled thumbnails (path → URL). */
export function thumbnailOf(slug: string, urls: Record<string, string>): string | undefined {
  for (const ext of ['svg', 'png']) {
    const hit = Object.entries(urls).find(([path]) => path.endsWith(`/thumbs/${slug}.${ext}`));
    if (hit) return hit[1];
  }
  return undefined;
}

function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
