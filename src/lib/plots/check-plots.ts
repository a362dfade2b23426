/**
 * The watermark check drawn (for mm.explain and mm.check results): per zone of the zonelist, the
 * free pages the request counts against its mark and lowmem_reserve (`zoneCheck`), the free lists
 * it may take a block from (`freeBlocks`), and one check with and without the free CMA pages
 * counted (`cmaCheck`: a movable request counts them, an unmovable one may not).
 */
import * as Plot from '@observablehq/plot';
import type { ExplainInput } from '../../sim/index';
import { AB_STYLES } from './ab';
import { WATERMARK_COLORS } from './colors';
import { checkRows, explanationOf, freeListRows, type CheckRow, type Explained } from './check-data';
import { symlogTicks } from './data';
import { textFigure } from './figure';

const W = 640;
export const MIGRATETYPE_COLORS: Record<string, string> = {
  Unmovable: '#e15759', Movable: '#4e79a7', Reclaimable: '#f28e2b', HighAtomic: '#b07aa1', CMA: '#59a14f', Isolate: '#9c755f',
};
const PASS = '#59a14f';
const FAIL = '#e15759';

function zoneRowPlot(r: CheckRow, width: number, a?: CheckRow): SVGSVGElement | HTMLElement {
  const top = Math.max(r.free, r.needed, a?.counted ?? 0, a?.needed ?? 0, 1) * 1.08;
  const y = () => r.zone;
  const marks: Plot.Markish[] = [
    Plot.barX([r], { x: 'free', y, fill: 'none', stroke: '#999', strokeDasharray: '2 2', title: () => `NR_FREE_PAGES ${r.free}` }),
    Plot.barX([r], { x: 'counted', y, fill: r.ok ? PASS : FAIL, fillOpacity: 0.55, title: () => `counted free ${r.counted} (free ${r.free} − what this request may not count)` }),
    Plot.tickX([r], { x: 'mark', y, stroke: WATERMARK_COLORS[r.markName as 'min'] ?? WATERMARK_COLORS.min, strokeWidth: 3, title: () => `${r.markName} after the reserve flags: ${r.mark}` }),
  ];
  if (r.reserve) marks.push(Plot.tickX([r], { x: 'needed', y, stroke: '#f28e2b', strokeWidth: 3, title: () => `mark + lowmem_reserve: ${r.needed}` }));
  if (a) marks.push(Plot.tickX([a], { x: 'counted', y, stroke: AB_STYLES.A.color, strokeWidth: 2, strokeDasharray: AB_STYLES.A.dash, title: () => `A: counted ${a.counted}, needs > ${a.needed}` }));
  marks.push(Plot.text([r], { x: 0, y, dy: -17, textAnchor: 'start', fontSize: 11,
    text: () => `${r.zone}: counted ${r.counted} ${r.counted > r.needed ? '>' : '≤'} ${r.mark} (${r.markName})${r.reserve ? ` + ${r.reserve} (lowmem_reserve)` : ''} → ${r.verdict}` }));
  return Plot.plot({ width, height: 76, marginLeft: 10, marginRight: 20, marginTop: 26, x: { label: 'pages (4 KiB) →', domain: [0, top], grid: true }, y: { axis: null }, marks });
}

/**
 * Per zone: the free pages the request counts (bar: green passes, red refused; dashed outline:
 * NR_FREE_PAGES), the mark after the reserve flags (tick in the watermark's colour) and mark +
 * lowmem_reserve (orange tick). One row per zone, each on its own scale. With `a` (scenario A's
 * explanation), A's counted free pages are a dashed tick.
 */
export function zoneCheck(e: Explained, opts: { width?: number; a?: Explained | null } = {}): HTMLElement {
  const rows = checkRows(e);
  const aRows = opts.a ? checkRows(opts.a) : [];
  const ex = explanationOf(e);
  const label = `Watermark check of the order-${ex.order} request (${ex.gfp}) at the ${rows[0]?.markName ?? 'min'} mark: ${rows.map((r) => `${r.zone} counted free ${r.counted} against ${r.mark} + ${r.reserve} lowmem_reserve, ${r.verdict}`).join('; ')}${aRows.length ? `; scenario A: ${aRows.map((r) => `${r.zone} ${r.counted} against ${r.needed}`).join('; ')}` : ''}`;
  const fig = textFigure(rows.map((r) => zoneRowPlot(r, opts.width ?? W, aRows.find((x) => x.zone === r.zone))), {
    name: 'zone-check',
    label,
    caption: rows.length ? 'Bar: free pages the request counts (dashed outline: all free pages); ticks: its watermark after the reserve flags, and (orange) plus lowmem_reserve. It passes where the bar reaches past the last tick.' : 'No zone to check.',
    table: [['zone', 'free', 'counted', 'mark', 'lowmem_reserve', 'result'], ...rows.map((r) => [r.zone, r.free, r.counted, r.mark, r.reserve, r.verdict])],
  });
  if (aRows.length) fig.dataset.scenarios = 'A B';
  return fig;
}

/**
 * Free blocks per order and migratetype of each zone, as the explanation's input holds them: the
 * lists the request may take a block from are solid, the others faded; orders below the request's
 * are faded too (the block test looks at order ≥ N).
 */
export function freeBlocks(input: ExplainInput, e: Explained, opts: { width?: number } = {}): HTMLElement {
  const rows = freeListRows(input, e);
  const ex = explanationOf(e);
  const types = Object.keys(MIGRATETYPE_COLORS).filter((t) => rows.some((r) => r.type === t));
  const zones = [...new Set(rows.map((r) => r.zone))];
  const label = `Free blocks per order and migratetype: ${zones.map((z) => `${z}: ${rows.filter((r) => r.zone === z).map((r) => `order ${r.order} ${r.type} ${r.blocks}${r.usable ? '' : ' (not usable)'}`).join(', ')}`).join('; ')}`;
  const exact = rows.every((r) => r.exact);
  const plot = Plot.plot({
    width: opts.width ?? W, marginLeft: 60, marginRight: 110, ariaLabel: label,
    x: { label: 'order (block = 2^order pages)', domain: Array.from({ length: Math.max(1, ...input.zones.map((z) => z.nrFree.length)) }, (_, o) => o) },
    y: { type: 'symlog', label: '↑ free blocks (symlog)', grid: true, ticks: symlogTicks(Math.max(1, ...rows.map((r) => r.blocks))), tickFormat: (d: number) => d.toLocaleString('en-US') },
    fy: { label: null },
    color: { domain: types, range: types.map((t) => MIGRATETYPE_COLORS[t]!), legend: true },
    marks: [
      Plot.barY(rows, Plot.stackY({ x: 'order', y: 'blocks', fy: 'zone', fill: 'type', fillOpacity: (d: (typeof rows)[number]) => (d.usable && d.atOrder ? 0.95 : 0.25),
        title: (d: (typeof rows)[number]) => `${d.zone} order ${d.order} ${d.type}: ${d.blocks} blocks (${d.pages} pages)${d.usable ? '' : ', a list this request may not use'}${d.atOrder ? '' : `, below order ${ex.order}`}` })),
      Plot.ruleY([0]),
    ],
  });
  return textFigure(plot, {
    name: 'free-blocks',
    label,
    caption: `Solid: lists the order-${ex.order} request may take a block from at order ≥ ${ex.order}; faded: lists it may not use, or smaller orders.${exact ? '' : ' The report names only which lists are non-empty: each order\'s blocks are drawn on its first list.'}`,
    table: [['zone', 'order', 'migratetype', 'blocks', 'usable'], ...rows.map((r) => [r.zone, r.order, r.type, r.blocks, r.usable ? 'yes' : 'no'])],
  });
}

/**
 * One watermark check for a movable request (ALLOC_CMA: the free CMA pages count) and for an
 * unmovable one (they do not), side by side per zone, against each request's mark + lowmem_reserve.
 */
export function cmaCheck(checks: { movable: Explained; unmovable: Explained }, opts: { width?: number } = {}): HTMLElement {
  const rows = [
    ...checkRows(checks.movable).map((r) => ({ ...r, request: 'movable (CMA counted)' })),
    ...checkRows(checks.unmovable).map((r) => ({ ...r, request: 'unmovable (CMA not counted)' })),
  ];
  const label = `Watermark check with and without free CMA pages: ${rows.map((r) => `${r.zone} ${r.request}: counted ${r.counted} against ${r.needed} (${r.verdict})`).join('; ')}`;
  const plot = Plot.plot({
    width: opts.width ?? W, marginLeft: 190, marginRight: 100, ariaLabel: label, height: 60 + 54 * rows.length,
    // room right of the longest bar for its numbers
    x: { label: 'pages (4 KiB) →', grid: true, domain: [0, Math.max(1, ...rows.map((r) => Math.max(r.counted, r.needed))) * 1.2] }, y: { label: null }, fy: { label: null },
    marks: [
      Plot.barX(rows, { x: 'counted', y: 'request', fy: 'zone', fill: (d: (typeof rows)[number]) => (d.ok ? PASS : FAIL), fillOpacity: 0.6, title: (d: (typeof rows)[number]) => `${d.request}: counted ${d.counted} (free ${d.free} − ${d.cmaExcluded} free CMA − ${d.highatomic} highatomic)` }),
      Plot.tickX(rows, { x: 'needed', y: 'request', fy: 'zone', stroke: '#333', strokeWidth: 3, title: (d: (typeof rows)[number]) => `${d.markName} ${d.mark} + lowmem_reserve ${d.reserve}` }),
      Plot.text(rows, { x: 'counted', y: 'request', fy: 'zone', text: (d: (typeof rows)[number]) => `${d.counted} ${d.ok ? '>' : '≤'} ${d.needed}`, dx: 4, textAnchor: 'start', fontSize: 10 }),
      Plot.ruleX([0]),
    ],
  });
  return textFigure(plot, {
    name: 'cma-check',
    label,
    caption: 'Bars: free pages each request counts (green passes, red refused); black tick: its mark + lowmem_reserve. The gap between the two bars is the zone\'s free CMA pages, which only movable allocations may use.',
    table: [['zone', 'request', 'counted', 'needed (mark + reserve)', 'result'], ...rows.map((r) => [r.zone, r.request, r.counted, r.needed, r.verdict])],
  });
}
