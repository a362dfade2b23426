/**
 * The index's thumbnails (notebooks/thumbs/NAME.svg): each notebook with a recipe below is run
 * headless with its default inputs, and a small SVG is drawn from one of its values — not a
 * screenshot, so the file is a few KiB and the same on every machine. The index shows
 * notebooks/thumbs/NAME.svg (or .png) for notebooks/NAME.html when it exists; a notebook without a
 * recipe can ship a hand-made one.   npx tsx scripts/thumbnails.ts [--check]
 * (test/app/thumbnails.test.ts checks that the committed files are what the recipes draw.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MachineView, PageblockMap, WorkloadResult } from '../src/sim/index';
import type { ReplayResult } from '../src/sim/replay/index';
import { zonesAtMark, type RealAtMark } from '../src/lib/plots/replay-data';

const ROOT = join(import.meta.dirname, '..');
export const THUMBS_DIR = join(ROOT, 'notebooks/thumbs');
const W = 240, H = 135;
const MT_COLORS = ['#e15759', '#8cd17d', '#f1ce63', '#b07aa1', '#4e79a7', '#79706e'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const svg = (title: string, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img"><title>${esc(title)}</title><rect width="${W}" height="${H}" fill="#fff"/>${body}</svg>\n`;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** The largest zone's pageblock map at the end: a cell per pageblock, runs of one colour merged, mixed blocks dotted. */
function pageblockThumb(result: WorkloadResult): string {
  const maps = result.pageblocks.end;
  const m: PageblockMap = maps.reduce((a, b) => (b.count > a.count ? b : a));
  const cols = 32;
  const rows = Math.ceil(m.count / cols);
  const cell = Math.min((W - 8) / cols, (H - 8) / rows);
  const x0 = (W - cols * cell) / 2, y0 = (H - rows * cell) / 2;
  let body = '';
  for (let r = 0; r < rows; r++) {
    let c = 0;
    while (c < cols && r * cols + c < m.count) {
      const j = r * cols + c;
      const style = (k: number) => (m.type[k] === 255 ? 'hole' : `${m.type[k]}|${Math.round((4 * (m.pages[k]! - m.free[k]!)) / Math.max(1, m.pages[k]!))}`);
      const s = style(j);
      let n = 1;
      while (c + n < cols && r * cols + c + n < m.count && style(j + n) === s) n++;
      if (s !== 'hole') {
        const [t, occ] = s.split('|').map(Number);
        body += `<rect x="${r1(x0 + c * cell)}" y="${r1(y0 + r * cell)}" width="${r1(n * cell)}" height="${r1(cell)}" fill="${MT_COLORS[t!]}" fill-opacity="${0.3 + 0.175 * occ!}"/>`;
      }
      c += n;
    }
  }
  for (let j = 0; j < m.count; j++) if (m.mixed[j]) body += `<circle cx="${r1(x0 + ((j % cols) + 0.5) * cell)}" cy="${r1(y0 + (Math.floor(j / cols) + 0.5) * cell)}" r="${r1(cell / 4)}" fill="#222"/>`;
  return svg(`Pageblock map of Node ${m.nid} ${m.zone} after a fragmenting workload`, body);
}

/** The largest zone's free pages over the run against low and high, with kswapd's awake samples. */
function watermarkThumb(run: WorkloadResult): string {
  const zi = run.samples.zones.reduce((a, z, i) => (z.managed > run.samples.zones[a]!.managed ? i : a), 0);
  const z = run.samples.zones[zi]!;
  const node = run.samples.nodes.find((n) => n.nid === z.nid)!;
  const n = z.free.length;
  const top = 2.5 * Math.max(...Array.from(z.high, (h, k) => h - z.boost[k]! + z.boostMax[k]!));
  const x = (k: number) => r1(4 + ((W - 8) * k) / Math.max(1, n - 1));
  const y = (v: number) => r1(H - 4 - ((H - 8) * Math.min(v, top)) / top);
  let body = '';
  for (let k = 0; k < n; k++) {
    if (!node.kswapdAwake[k]) continue;
    let e = k;
    while (e + 1 < n && node.kswapdAwake[e + 1]) e++;
    body += `<rect x="${x(k)}" y="4" width="${Math.max(1, r1(x(e) - x(k)))}" height="${H - 8}" fill="#9ecae1" fill-opacity="0.6"/>`;
    k = e;
  }
  const step = Math.max(1, Math.ceil(n / 240));
  const line = (f: (k: number) => number) => {
    const pts: string[] = [];
    for (let k = 0; k < n; k += step) pts.push(`${x(k)},${y(f(k))}`);
    return pts.join(' ');
  };
  body += `<polyline points="${line((k) => z.low[k]! - z.boost[k]!)}" fill="none" stroke="#edc948" stroke-width="1.5"/>`;
  body += `<polyline points="${line((k) => z.high[k]! - z.boost[k]!)}" fill="none" stroke="#59a14f" stroke-width="1.5"/>`;
  body += `<polyline points="${line((k) => z.free[k]!)}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`;
  return svg(`Free pages of Node ${z.nid} ${z.zone} against low and high over the run, kswapd's awake samples shaded`, body);
}

/** The largest zone's free blocks per order (log scale), as /proc/buddyinfo would list them. */
function buddyThumb(view: MachineView): string {
  const zones = view.nodes.flatMap((n) => n.zones.filter((z) => z.managed > 0).map((z) => ({ nid: n.nid, z })));
  const { nid, z } = zones.reduce((a, b) => (b.z.managed > a.z.managed ? b : a));
  const blocks = Array.from({ length: view.maxOrder }, (_, o) => (z.freeArea[o] ?? []).reduce((a, b) => a + b, 0));
  const top = Math.log10(Math.max(10, ...blocks) + 1);
  const bw = (W - 8) / view.maxOrder;
  const body = blocks.map((n, o) => {
    const h = ((H - 8) * Math.log10(n + 1)) / top;
    return `<rect x="${r1(4 + o * bw + 1)}" y="${r1(H - 4 - h)}" width="${r1(bw - 2)}" height="${r1(h)}" fill="#f28e2b"/>`;
  }).join('');
  return svg(`Free blocks per order (log scale) of Node ${nid} ${z.name} after boot`, body);
}

/** Each populated zone's min, low and high as three bars, scaled to the zone's high. */
function watermarkLevelsThumb(view: MachineView): string {
  const zones = view.nodes.flatMap((n) => n.zones.filter((z) => z.managed > 0)).slice(0, 4);
  const rowH = (H - 8) / zones.length;
  const colors = ['#e15759', '#edc948', '#59a14f'];
  const body = zones.map((z, i) => [z.min, z.low, z.high].map((v, k) => {
    const y = 4 + i * rowH + (k * rowH * 0.8) / 3;
    return `<rect x="4" y="${r1(y)}" width="${r1(((W - 8) * v) / Math.max(1, z.high))}" height="${r1((rowH * 0.8) / 3 - 1)}" fill="${colors[k]}"/>`;
  }).join('')).join('');
  return svg(`The min, low and high watermarks of ${zones.map((z) => z.name).join(', ')}`, body);
}

/** The largest zone's free blocks per order (log) at a replay's end mark: the real kernel, the recorded tuning, the changed one. */
function replayThumb(runs: { recorded: ReplayResult; changed: ReplayResult; real?: RealAtMark[] }): string {
  const end = runs.recorded.marks.at(-1)!;
  const real = runs.real?.find((r) => r.mark === end.text);
  const sets = [
    ...(real ? [{ color: '#333333', zones: zonesAtMark(real.zoneinfo, real.buddyinfo) }] : []),
    { color: '#1f77b4', zones: zonesAtMark(end.zoneinfo!, end.buddyinfo!) },
    { color: '#f28e2b', zones: zonesAtMark(runs.changed.marks.at(-1)!.zoneinfo!, runs.changed.marks.at(-1)!.buddyinfo!) },
  ];
  const largest = sets[0]!.zones.reduce((a, b) => (b.free > a.free ? b : a)).key;
  const blocks = sets.map((s) => s.zones.find((z) => z.key === largest)!.blocks);
  const orders = blocks[0]!.length;
  const top = Math.log10(Math.max(10, ...blocks.flat()) + 1);
  const gw = (W - 8) / orders, bw = (gw - 2) / sets.length;
  const body = blocks.map((bs, k) => bs.map((n, o) => {
    const h = ((H - 8) * Math.log10(n + 1)) / top;
    return `<rect x="${r1(4 + o * gw + 1 + k * bw)}" y="${r1(H - 4 - h)}" width="${r1(bw)}" height="${r1(h)}" fill="${sets[k]!.color}"/>`;
  }).join('')).join('');
  return svg(`Free blocks per order (log scale) of ${largest} at the replay's last mark: ${real ? 'the real kernel, ' : ''}the recorded tuning and a changed one`, body);
}

/** notebook slug → the named value to draw and how. */
export const RECIPES: Record<string, { value: string; draw: (v: never) => string }> = {
  fragmentation: { value: 'result', draw: pageblockThumb as (v: never) => string },
  kswapd: { value: 'run', draw: watermarkThumb as (v: never) => string },
  boot: { value: 'bootView', draw: buddyThumb as (v: never) => string },
  watermarks: { value: 'tunedView', draw: watermarkLevelsThumb as (v: never) => string },
  replay: { value: 'runs', draw: replayThumb as (v: never) => string },
};

/** Runs the notebook headless with its default inputs and draws its thumbnail. */
export async function drawThumbnail(slug: string): Promise<string> {
  const recipe = RECIPES[slug];
  if (!recipe) throw new Error(`no thumbnail recipe for ${slug}`);
  const { installGlobalDom, cliBuiltins } = await import('../src/cli/run');
  await installGlobalDom();
  const { loadNotebook } = await import('../src/kernel/index');
  const nb = await loadNotebook(join(ROOT, `notebooks/${slug}.html`), { builtins: await cliBuiltins() });
  try {
    return recipe.draw((await nb.value(recipe.value)) as never);
  } finally {
    nb.dispose();
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const slug of Object.keys(RECIPES)) {
    const text = await drawThumbnail(slug);
    const file = join(THUMBS_DIR, `${slug}.svg`);
    if (check) {
      let old = '';
      try { old = readFileSync(file, 'utf8'); } catch { /* missing */ }
      if (old !== text) { stale++; console.log(`stale: notebooks/thumbs/${slug}.svg`); }
    } else {
      writeFileSync(file, text);
      console.log(`wrote notebooks/thumbs/${slug}.svg (${text.length} bytes)`);
    }
  }
  if (stale) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main().catch((e) => { console.error(e); process.exit(1); });
