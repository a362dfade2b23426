/**
 * A Gorman-style pageblock map of each zone: one cell per pageblock in pfn order (rows of
 * `columns`), coloured by the block's migratetype, paler the more of it is free, with × on the
 * "mixed" blocks (an allocation of another migratetype inside: pagetypeinfo's "Number of mixed
 * blocks"). Panels side by side, e.g. before and after a workload, or after compact_memory:
 *
 *   plots.pageblockMap({before: result.pageblocks.start, after: result.pageblocks.end}, {width})
 *   plots.pageblockMap({after: result.pageblocks.end}, {width, a: scenarioA?.result?.pageblocks.end})
 */
import * as Plot from '@observablehq/plot';
import { MIGRATETYPE_NAMES, PAGEBLOCK_HOLE, type PageblockMap } from '../../sim/index';
import { AB_STYLES } from './ab';
import { MIGRATETYPE_COLORS } from './colors';
import { fallbackTable, legend, plotFigure, seriesKey } from './figure';

export interface PageblockCell {
  panel: string;
  key: string;
  zone: string;
  nid: number;
  /** the pageblock's index in the zone's map, its first pfn, its place in the grid */
  index: number;
  pfn: number;
  col: number;
  row: number;
  /** its migratetype's name, or "hole" */
  type: string;
  mixed: boolean;
  pages: number;
  free: number;
  used: number;
}

/** The cells of one zone's map (`columns` pageblocks per row). */
export function pageblockCells(map: PageblockMap, panel: string, columns = 64): PageblockCell[] {
  const out: PageblockCell[] = [];
  for (let j = 0; j < map.count; j++) {
    const t = map.type[j]!;
    out.push({
      panel, key: seriesKey(map), zone: map.zone, nid: map.nid, index: j, pfn: map.startPfn + j * map.pageblockPages,
      col: j % columns, row: Math.floor(j / columns),
      type: t === PAGEBLOCK_HOLE ? 'hole' : (MIGRATETYPE_NAMES[t] ?? String(t)),
      mixed: map.mixed[j] === 1, pages: map.pages[j]!, free: map.free[j]!, used: map.used[j]!,
    });
  }
  return out;
}

export interface PageblockSummary { panel: string; key: string; blocks: Record<string, number>; mixed: number; freeBlocks: number }

/** Per panel and zone: pageblocks per migratetype, mixed blocks, and wholly free blocks. */
export function pageblockSummary(panel: string, map: PageblockMap): PageblockSummary {
  const blocks: Record<string, number> = {};
  let mixed = 0, freeBlocks = 0;
  for (let j = 0; j < map.count; j++) {
    const t = map.type[j]!;
    if (t === PAGEBLOCK_HOLE) continue;
    const name = MIGRATETYPE_NAMES[t] ?? String(t);
    blocks[name] = (blocks[name] ?? 0) + 1;
    mixed += map.mixed[j]!;
    if (map.free[j] === map.pages[j]) freeBlocks++;
  }
  return { panel, key: seriesKey(map), blocks, mixed, freeBlocks };
}

const sentence = (s: PageblockSummary): string =>
  `${s.panel} ${s.key}: ${Object.entries(s.blocks).map(([t, n]) => `${t} ${n}`).join(', ')}; ${s.mixed} mixed, ${s.freeBlocks} wholly free`;

const mib = (pfn: number): string => `${((pfn * 4) / 1024).toLocaleString('en-US')} MiB`;

export interface PageblockMapOptions {
  width?: number;
  /** pageblocks per row (default: a power of two that keeps cells about 8 px or more, at most 64) */
  columns?: number;
  /** scenario A's maps, drawn as the first panel ("A: …") */
  a?: PageblockMap[] | null;
  aLabel?: string;
}

/** One plot per zone (its rows), the panels side by side; `panels` maps a panel's title to the maps of every zone. */
export function pageblockMap(panels: Record<string, PageblockMap[]>, opts: PageblockMapOptions = {}): HTMLElement {
  const all: Record<string, PageblockMap[]> = opts.a ? { [opts.aLabel ?? 'A (pinned)']: opts.a, ...panels } : panels;
  const names = Object.keys(all);
  const first = all[names.at(-1)!] ?? [];
  const zones = first.filter((m) => m.count > 0).map((m) => seriesKey(m));
  const summaries = names.flatMap((p) => all[p]!.filter((m) => m.count > 0).map((m) => pageblockSummary(p, m)));
  const label = `Pageblock map, one cell per pageblock coloured by migratetype: ${summaries.map(sentence).join('; ')}`;
  const width = opts.width ?? 640;
  const marginLeft = 80, marginRight = 10, padding = 0.06;
  const panelWidth = ((width - marginLeft - marginRight) / names.length) * (1 - padding);
  const columns = opts.columns ?? Math.max(8, Math.min(64, 2 ** Math.floor(Math.log2(panelWidth / 8))));
  const cell = panelWidth / columns;
  const types = new Set<string>();
  const plots = zones.map((key) => {
    const cells = names.flatMap((p) => {
      const m = all[p]!.find((x) => seriesKey(x) === key);
      return m ? pageblockCells(m, p, columns) : [];
    });
    for (const c of cells) if (c.type !== 'hole') types.add(c.type);
    const rows = Math.max(1, ...cells.map((c) => c.row + 1));
    const m = first.find((x) => seriesKey(x) === key)!;
    // a row label every ~24 px
    const every = Math.max(1, Math.ceil(24 / cell));
    const ticks = Array.from({ length: rows }, (_, r) => r).filter((r) => r % every === 0);
    const occupied = (c: PageblockCell) => (c.pages ? 0.3 + (0.7 * (c.pages - c.free)) / c.pages : 1);
    return Plot.plot({
      width, height: 30 + rows * cell, marginLeft, marginRight, marginTop: 22, marginBottom: 8,
      ariaLabel: `${key}: ${summaries.filter((s) => s.key === key).map(sentence).join('; ')}`,
      x: { axis: null, domain: [0, columns] },
      y: { domain: [rows, 0], ticks: ticks.map((r) => r + 0.5), tickFormat: (r: number) => mib(m.startPfn + Math.floor(r) * columns * m.pageblockPages), label: `${key} ↓ address` },
      fx: { domain: names, label: null, axis: 'top', padding },
      color: { domain: [...MIGRATETYPE_NAMES, 'hole'], range: [...MIGRATETYPE_NAMES.map((t) => MIGRATETYPE_COLORS[t]!), '#ffffff'] },
      marks: [
        Plot.rect(cells, {
          x1: 'col', x2: (c: PageblockCell) => c.col + 1, y1: 'row', y2: (c: PageblockCell) => c.row + 1, fx: 'panel',
          fill: 'type', fillOpacity: occupied, stroke: '#fff', strokeWidth: cell > 5 ? 0.5 : 0, inset: 0,
          title: (c: PageblockCell) => `${c.panel} ${c.key} pageblock ${c.index} (pfn 0x${c.pfn.toString(16)}): ${c.type}${c.mixed ? ', mixed' : ''}; ${c.free} free, ${c.used} allocated of ${c.pages} pages`,
        }),
        Plot.dot(cells.filter((c) => c.mixed), {
          x: (c: PageblockCell) => c.col + 0.5, y: (c: PageblockCell) => c.row + 0.5, fx: 'panel', symbol: 'times', r: Math.max(1.5, cell / 3), stroke: '#222', strokeWidth: 1,
        }),
      ],
    });
  });
  const key = legend([
    ...MIGRATETYPE_NAMES.filter((t) => types.has(t)).map((t) => ({ label: t, box: { color: MIGRATETYPE_COLORS[t]! } })),
    { label: 'mixed (holds an allocation of another migratetype)', marker: { shape: 'times', color: '#222' } },
    { label: 'paler: more of the block is free', box: { color: MIGRATETYPE_COLORS.Movable!, opacity: 0.3 } },
    ...(opts.a ? [{ label: `first panel: scenario A (pinned)`, line: { color: AB_STYLES.A.color, dash: AB_STYLES.A.dash } }] : []),
  ]);
  const typeNames = [...MIGRATETYPE_NAMES];
  const table = fallbackTable({
    caption: 'Pageblocks per migratetype, mixed and wholly free blocks',
    headers: ['panel', 'zone', ...typeNames, 'mixed', 'wholly free'],
    rows: summaries.map((s) => [s.panel, s.key, ...typeNames.map((t) => s.blocks[t] ?? 0), s.mixed, s.freeBlocks]),
  });
  const pb = first[0]?.pageblockPages ?? 0;
  return plotFigure('pageblock-map', label, {
    legend: key, plots, fallback: [table], scenarios: opts.a ? 'A B' : undefined,
    caption: `Each cell is one pageblock (${pb} pages, ${(pb * 4) / 1024} MiB), ${columns} per row in address order.`,
  });
}
