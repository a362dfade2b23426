/**
 * Plot helpers for notebooks (builtin `plots`): each takes simulator data and returns an SVG/figure
 * element made with @observablehq/plot, with units on the axes, an ariaLabel, and zone colours
 * from colors.ts. `Plot` is passed in so the same helpers run wherever Plot is loaded.
 * A/B comparisons (ab.ts): `plots.ab({A: scenarioA?.x, B: x}, marks, options)` overlays the
 * pinned scenario A on the current inputs in any plot, `plots.abRows` tags rows by scenario, and
 * watermarkLevels/reserveBars take `{a: scenarioA?.tunedView}`.
 */
import * as Plot from '@observablehq/plot';
import type { MachineView, MemblockRegionView } from '../../sim/index';
import { addressRows, buddyRows, protectionCells, reserveRows, sqrtTicks, symlogTicks, watermarkRows, zoneSpanRows } from './data';
import { SET_COLORS, WATERMARK_COLORS, ZONE_COLORS, zoneColorScale } from './colors';
import { AB_STYLES, abFigure } from './ab';

export * from './data';
export * from './colors';
export * from './ab';

type El = SVGSVGElement | HTMLElement;
const W = 640;

function labelled<T extends El>(el: T, label: string, name: string): T {
  el.setAttribute('aria-label', label);
  el.setAttribute('data-plot', name);
  return el;
}

/** Free pages of each zone against its min/low/high watermarks (one bar per node/zone, MiB). */
export function watermarkBars(view: MachineView, opts: { width?: number } = {}): El {
  const rows = watermarkRows(view);
  const marks = (['min', 'low', 'high'] as const).map((k) => Plot.tickX(rows, { x: `${k}MiB`, y: 'key', stroke: WATERMARK_COLORS[k], strokeWidth: 3,
    title: (d: (typeof rows)[number]) => `${d.key} ${k}: ${d[k]} pages (${d[`${k}MiB`].toFixed(2)} MiB)` }));
  const label = `Watermarks per zone: ${rows.map((r) => `${r.key} min ${r.min} low ${r.low} high ${r.high} pages`).join('; ')}`;
  // each row is a bar with a gap above it that holds the row's numbers, clear of the bar above
  const step = 58, padding = 0.45, marginTop = 10, marginBottom = 36;
  const bar = step * (1 - padding);
  return labelled(Plot.plot({
    width: opts.width ?? W, marginLeft: 110, marginTop, marginBottom, height: marginTop + marginBottom + step * (rows.length + padding), ariaLabel: label,
    // √ scale: a 16 MiB DMA zone and a 16 GiB Normal zone share the axis (the label says so, the ticks are uneven)
    x: { label: 'free memory (MiB, √ scale) →', grid: true, type: 'sqrt', ticks: sqrtTicks(Math.max(0, ...rows.map((r) => Math.max(r.freeMiB, r.highMiB)))), tickFormat: (d: number) => d.toLocaleString('en-US') },
    y: { label: null, padding },
    color: zoneColorScale(rows.map((r) => r.zone)),
    marks: [
      Plot.barX(rows, { x: 'freeMiB', y: 'key', fill: 'zone', fillOpacity: 0.35, title: (d: (typeof rows)[number]) => `${d.key}: ${d.free} free pages` }),
      ...marks,
      // the numbers sit in the gap above each bar, at the right edge (next to the high tick they ran off the frame when high neared free)
      Plot.text(rows, { y: 'key', frameAnchor: 'right', text: (d: (typeof rows)[number]) => `min ${d.min} · low ${d.low} · high ${d.high} pages`, dy: -(bar / 2 + 8), textAnchor: 'end', fontSize: 10 }),
      Plot.ruleX([0]),
    ],
  }), label, 'watermarks');
}

/**
 * Zoom on the watermarks alone (pages), where min/low/high are far below free memory. With `a`
 * (scenario A's view, `scenarioA?.tunedView`), A's levels are dashed ticks over the bars.
 */
export function watermarkLevels(view: MachineView, opts: { width?: number; a?: MachineView | null } = {}): El {
  const levelRows = (v: MachineView) => watermarkRows(v).flatMap((r) => (['min', 'low', 'high'] as const).map((level) => ({ key: r.key, zone: r.zone, level, pages: r[level] })));
  const rows = levelRows(view);
  const label = `Watermark levels in pages: ${rows.map((r) => `${r.key} ${r.level} ${r.pages}`).join(', ')}`;
  if (opts.a) {
    const aRows = levelRows(opts.a);
    const aLabel = `${label}; scenario A: ${aRows.map((r) => `${r.key} ${r.level} ${r.pages}`).join(', ')}`;
    return abFigure(Plot.plot({
      width: opts.width ?? W, marginLeft: 110, marginRight: 110, ariaLabel: aLabel,
      x: { label: 'pages (4 KiB) →', grid: true }, y: { label: null },
      color: { domain: ['min', 'low', 'high'], range: [WATERMARK_COLORS.min, WATERMARK_COLORS.low, WATERMARK_COLORS.high], legend: true },
      fy: { label: null },
      marks: [Plot.barX(rows, { x: 'pages', y: 'level', fy: 'key', fill: 'level', title: (d: (typeof rows)[number]) => `B ${d.key} ${d.level}: ${d.pages} pages` }),
        Plot.tickX(aRows, { x: 'pages', y: 'level', fy: 'key', stroke: AB_STYLES.A.color, strokeWidth: 3, strokeDasharray: AB_STYLES.A.dash, title: (d: (typeof aRows)[number]) => `A ${d.key} ${d.level}: ${d.pages} pages` }),
        Plot.text(rows, { x: 'pages', y: 'level', fy: 'key', text: 'pages', dx: 4, textAnchor: 'start', fontSize: 10 }), Plot.ruleX([0])],
    }), 'watermark-levels', aLabel, { A: 'dashed ticks', B: 'bars', bShape: 'bar' });
  }
  return labelled(Plot.plot({
    width: opts.width ?? W, marginLeft: 110, marginRight: 110, ariaLabel: label,
    x: { label: 'pages (4 KiB) →', grid: true }, y: { label: null },
    color: { domain: ['min', 'low', 'high'], range: [WATERMARK_COLORS.min, WATERMARK_COLORS.low, WATERMARK_COLORS.high], legend: true },
    fy: { label: null },
    marks: [Plot.barX(rows, { x: 'pages', y: 'level', fy: 'key', fill: 'level', title: (d: (typeof rows)[number]) => `${d.key} ${d.level}: ${d.pages} pages` }),
      Plot.text(rows, { x: 'pages', y: 'level', fy: 'key', text: 'pages', dx: 4, textAnchor: 'start', fontSize: 10 }), Plot.ruleX([0])],
  }), label, 'watermark-levels');
}

/** lowmem_reserve (zone->lowmem_reserve[]) as a heatmap: row = zone holding the reserve, column = allocation's highest zone. */
export function protectionHeatmap(view: MachineView, opts: { width?: number } = {}): El {
  const cells = protectionCells(view);
  const label = `Protection (lowmem_reserve) in pages: ${cells.map((c) => `${c.key} against ${c.against} ${c.pages}`).join(', ')}`;
  // the numbers are white on the darker half of the ramp (sqrt scale from 0 to the largest reserve), black on the lighter
  const top = Math.max(0, ...cells.map((c) => c.MiB));
  const dark = (c: (typeof cells)[number]) => top > 0 && Math.sqrt(c.MiB / top) > 0.5;
  const text = (on: typeof cells, fill: string) => Plot.text(on, { x: 'against', y: 'key', text: (d: (typeof cells)[number]) => String(d.pages), fill, fontSize: 11 });
  return labelled(Plot.plot({
    width: opts.width ?? W, marginLeft: 110, ariaLabel: label, padding: 0.05,
    x: { label: 'allocation may use up to zone →', domain: view.zoneNames }, y: { label: 'reserve held by', labelAnchor: 'top' },
    // no colour legend: the ramp legend needs <canvas> (absent under jsdom in the CLI); each cell prints its page count
    color: { type: 'sqrt', scheme: 'oranges', label: 'reserved (MiB)', domain: [0, top || 1] },
    caption: 'Numbers are pages (4 KiB); darker = more memory held back.',
    marks: [
      Plot.cell(cells, { x: 'against', y: 'key', fill: 'MiB', title: (d: (typeof cells)[number]) => `${d.key} keeps ${d.pages} pages (${d.MiB.toFixed(2)} MiB) from ${d.against} allocations` }),
      text(cells.filter((c) => !dark(c)), 'black'),
      text(cells.filter(dark), 'white'),
    ],
  }), label, 'protection');
}

/** How much memory each tunable holds back (MiB), summed over zones; with `a` (scenario A's view), A's amounts are dashed ticks. */
export function reserveBars(view: MachineView, opts: { width?: number; a?: MachineView | null } = {}): El {
  const rows = reserveRows(view);
  const aRows = opts.a ? reserveRows(opts.a) : [];
  const label = `Memory held back per setting: ${rows.map((r) => `${r.setting} ${r.pages} pages`).join(', ')}${opts.a ? `; scenario A: ${aRows.map((r) => `${r.setting} ${r.pages} pages`).join(', ')}` : ''}`;
  const plot = Plot.plot({
    // marginRight: room for the value label of the longest bar
    width: opts.width ?? W, marginLeft: 260, marginRight: 70, ariaLabel: label,
    x: { label: 'reserved (MiB) →', grid: true }, y: { label: null },
    marks: [Plot.barX(rows, { x: 'MiB', y: 'setting', fill: opts.a ? AB_STYLES.B.color : '#4e79a7', title: (d: (typeof rows)[number]) => `${opts.a ? 'B ' : ''}${d.setting}: ${d.pages} pages` }),
      ...(opts.a ? [Plot.tickX(aRows, { x: 'MiB', y: 'setting', stroke: AB_STYLES.A.color, strokeWidth: 3, strokeDasharray: AB_STYLES.A.dash, title: (d: (typeof aRows)[number]) => `A ${d.setting}: ${d.pages} pages` })] : []),
      Plot.text(rows, { x: 'MiB', y: 'setting', text: (d: (typeof rows)[number]) => `${d.MiB.toFixed(1)} MiB`, dx: 4, textAnchor: 'start' }), Plot.ruleX([0])],
  });
  return opts.a ? abFigure(plot, 'reserve', label, { A: 'dashed ticks', B: 'bars', bShape: 'bar' }) : labelled(plot, label, 'reserve');
}

/** /proc/buddyinfo as bars: free blocks per order, one facet per node/zone. */
export function buddyinfoBars(view: MachineView, opts: { width?: number; unit?: 'blocks' | 'MiB' } = {}): El {
  const rows = buddyRows(view);
  const unit = opts.unit ?? 'blocks';
  const label = `Buddy free lists: ${[...new Set(rows.map((r) => r.key))].map((k) => `${k}: ${rows.filter((r) => r.key === k).map((r) => r.blocks).join(' ')}`).join('; ')}`;
  return labelled(Plot.plot({
    width: opts.width ?? W, ariaLabel: label, marginLeft: 60, marginRight: 100,
    // symlog: a fresh machine has hundreds of order-10 blocks and a handful of each small order
    x: { label: 'order (block = 2^order pages)' },
    y: { type: 'symlog', label: unit === 'MiB' ? '↑ free memory (MiB, symlog)' : '↑ free blocks (symlog)', grid: true, ticks: symlogTicks(Math.max(0, ...rows.map((r) => r[unit]))), tickFormat: (d: number) => d.toLocaleString('en-US') },
    fy: { label: null }, color: zoneColorScale(rows.map((r) => r.zone)),
    marks: [Plot.barY(rows, { x: 'order', y: unit, fy: 'key', fill: 'zone', title: (d: (typeof rows)[number]) => `${d.key} order ${d.order}: ${d.blocks} blocks (${d.MiB.toFixed(2)} MiB)` }), Plot.ruleY([0])],
  }), label, 'buddyinfo');
}

/** Physical address map: memblock memory/reserved regions (and zone spans) over the physical address in MiB. */
export function addressMap(sets: { memory: MemblockRegionView[]; reserved: MemblockRegionView[] }, view?: MachineView, opts: { width?: number } = {}): El {
  const rows = addressRows({ memory: sets.memory, reserved: sets.reserved });
  const zones = view ? zoneSpanRows(view) : [];
  const label = `Physical address map: ${rows.map((r) => r.label).join('; ')}${zones.length ? '; zones ' + zones.map((z) => `${z.key} ${z.startMiB}-${z.endMiB} MiB`).join(', ') : ''}`;
  return labelled(Plot.plot({
    width: opts.width ?? W, marginLeft: 80, ariaLabel: label, height: 60 + 40 * (2 + (zones.length ? 1 : 0)),
    x: { label: 'physical address (MiB) →', grid: true }, y: { label: null, domain: zones.length ? ['zones', 'memory', 'reserved'] : ['memory', 'reserved'] },
    color: { domain: [...Object.keys(ZONE_COLORS), 'memory', 'reserved'], range: [...Object.values(ZONE_COLORS), SET_COLORS.memory, SET_COLORS.reserved] },
    marks: [
      Plot.barX(zones, { x1: 'startMiB', x2: 'endMiB', y: () => 'zones', fill: 'zone', stroke: 'white', title: (d: (typeof zones)[number]) => `${d.key}: spanned ${d.spanned}, present ${d.present}, managed ${d.managed} pages` }),
      Plot.text(zones, { x: (d: (typeof zones)[number]) => (d.startMiB + d.endMiB) / 2, y: () => 'zones', text: 'zone', fill: 'white' }),
      Plot.barX(rows, { x1: 'startMiB', x2: (d: (typeof rows)[number]) => Math.max(d.endMiB, d.startMiB + 0.5), y: 'set', fill: 'set', stroke: 'white', strokeWidth: 0.5, title: 'label' }),
    ],
  }), label, 'address-map');
}

export * from './figure';
export * from './buddy-heatmap';
export * from './pageblock-map';
export * from './watermark-bands';
export * from './extfrag';
