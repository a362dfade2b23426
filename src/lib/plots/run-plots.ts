/**
 * A workload's free lists over time (mm.workload results): /proc/buddyinfo at a chosen sample
 * (`buddyinfoAt`), free pages per migratetype as pagetypeinfo counts them over the run with the
 * chosen sample marked (`pagetypeSeries`), and free pages as a movable and as an unmovable
 * request counts them against min and low (`cmaSeries`). The sample is an index into
 * result.samples (a slider over the run); `plots.ab` overlays work on the row functions of
 * check-data.ts (runBuddyRows, runTypeRows, runCmaRows).
 */
import * as Plot from '@observablehq/plot';
import type { WorkloadResult } from '../../sim/workload/index';
import { zoneColorScale, WATERMARK_COLORS } from './colors';
import { runBuddyRows, runCmaRows, runTypeRows } from './check-data';
import { symlogTicks } from './data';
import { textFigure } from './figure';
import { MIGRATETYPE_COLORS } from './check-plots';

const W = 640;
const clampSample = (r: WorkloadResult, k: number) => Math.max(0, Math.min(r.samples.step.length - 1, Math.trunc(k)));

/** /proc/buddyinfo at sample k: free blocks per order, one facet per zone. */
export function buddyinfoAt(r: WorkloadResult, k: number, opts: { width?: number } = {}): HTMLElement {
  const s = clampSample(r, k);
  const rows = runBuddyRows(r, s);
  const step = r.samples.step[s] ?? 0;
  const keys = [...new Set(rows.map((x) => x.key))];
  const label = `Buddy free lists after step ${step}: ${keys.map((key) => `${key}: ${rows.filter((x) => x.key === key).map((x) => x.blocks).join(' ')}`).join('; ')}`;
  const plot = Plot.plot({
    width: opts.width ?? W, ariaLabel: label, marginLeft: 60, marginRight: 100,
    x: { label: 'order (block = 2^order pages)' },
    y: { type: 'symlog', label: '↑ free blocks (symlog)', grid: true, ticks: symlogTicks(Math.max(1, ...rows.map((x) => x.blocks))), tickFormat: (d: number) => d.toLocaleString('en-US') },
    fy: { label: null }, color: zoneColorScale(rows.map((x) => x.zone)),
    marks: [Plot.barY(rows, { x: 'order', y: 'blocks', fy: 'key', fill: 'zone', title: (d: (typeof rows)[number]) => `${d.key} order ${d.order}: ${d.blocks} blocks (${d.pages} pages) after step ${d.step}` }), Plot.ruleY([0])],
  });
  const fig = textFigure(plot, {
    name: 'buddyinfo-run',
    label,
    caption: `/proc/buddyinfo after step ${step} of ${r.totals.steps}: free blocks of each order, every migratetype together.`,
    table: [['zone', ...Array.from({ length: r.orders }, (_, o) => `order ${o}`)], ...keys.map((key) => [key, ...rows.filter((x) => x.key === key).map((x) => x.blocks)])],
  });
  fig.dataset.step = String(step);
  return fig;
}

/** Free pages per migratetype over the run, one facet per zone, with the chosen sample k marked. */
export function pagetypeSeries(r: WorkloadResult, k: number, opts: { width?: number } = {}): HTMLElement {
  const s = clampSample(r, k);
  const rows = runTypeRows(r);
  const step = r.samples.step[s] ?? 0;
  const at = rows.filter((x) => x.step === step);
  const types = Object.keys(MIGRATETYPE_COLORS).filter((t) => rows.some((x) => x.type === t));
  const label = `Free pages per migratetype over ${r.totals.steps} steps; after step ${step}: ${at.map((x) => `${x.key} ${x.type} ${x.pages}`).join(', ')}`;
  const plot = Plot.plot({
    width: opts.width ?? W, ariaLabel: label, marginLeft: 70, marginRight: 100, height: 110 + 200 * new Set(rows.map((x) => x.key)).size,
    // symlog: a few hundred Unmovable pages under hundreds of thousands of Movable ones
    x: { label: 'step →' }, y: { type: 'symlog', label: '↑ free pages (4 KiB, symlog)', grid: true, ticks: symlogTicks(Math.max(1, ...rows.map((x) => x.pages))), tickFormat: (d: number) => d.toLocaleString('en-US') }, fy: { label: null },
    color: { domain: types, range: types.map((t) => MIGRATETYPE_COLORS[t]!), legend: true },
    marks: [
      Plot.lineY(rows, { x: 'step', y: 'pages', z: 'type', stroke: 'type', fy: 'key' }),
      Plot.ruleX([step], { stroke: '#333', strokeDasharray: '3 3' }),
      Plot.dot(at, { x: 'step', y: 'pages', fill: 'type', fy: 'key', title: (d: (typeof at)[number]) => `${d.key} ${d.type}: ${d.pages} free pages after step ${d.step}` }),
    ],
  });
  const fig = textFigure(plot, {
    name: 'pagetype-series',
    label,
    caption: `Free pages on each migratetype's lists (what /proc/pagetypeinfo counts, summed over orders); the dashed line is step ${step}.`,
    table: [['zone', 'migratetype', `free pages after step ${step}`], ...at.map((x) => [x.key, x.type, x.pages])],
  });
  fig.dataset.step = String(step);
  return fig;
}

/**
 * Free pages as an order-0 movable request counts them (every free page: ALLOC_CMA) and as an
 * unmovable one does (free − free CMA), against the min and low watermarks, over the run.
 */
export function cmaWatermarkSeries(r: WorkloadResult, k: number, opts: { width?: number } = {}): HTMLElement {
  const s = clampSample(r, k);
  const rows = runCmaRows(r);
  const step = r.samples.step[s] ?? 0;
  const at = rows.filter((x) => x.step === step);
  const series = ['free (movable: CMA counted)', 'free − free CMA (unmovable)', 'min', 'low'];
  const colors = ['#4e79a7', '#8e44ad', WATERMARK_COLORS.min, WATERMARK_COLORS.low];
  const label = `Free pages counted with and without free CMA over ${r.totals.steps} steps; after step ${step}: ${at.map((x) => `${x.key} ${x.series} ${x.pages}`).join(', ')}`;
  const plot = Plot.plot({
    width: opts.width ?? W, ariaLabel: label, marginLeft: 70, marginRight: 100, height: 110 + 220 * new Set(rows.map((x) => x.key)).size,
    // symlog: the marks are a few thousand pages, free memory up to the whole zone
    x: { label: 'step →' }, y: { type: 'symlog', label: '↑ pages (4 KiB, symlog)', grid: true, ticks: symlogTicks(Math.max(1, ...rows.map((x) => x.pages))), tickFormat: (d: number) => d.toLocaleString('en-US') }, fy: { label: null },
    color: { domain: series, range: colors, legend: true },
    marks: [
      Plot.lineY(rows.filter((d) => d.series !== 'min' && d.series !== 'low'), { x: 'step', y: 'pages', z: 'series', stroke: 'series', fy: 'key', strokeWidth: 2 }),
      Plot.lineY(rows.filter((d) => d.series === 'min' || d.series === 'low'), { x: 'step', y: 'pages', z: 'series', stroke: 'series', fy: 'key', strokeDasharray: '4 3' }),
      Plot.ruleX([step], { stroke: '#333', strokeDasharray: '3 3' }),
    ],
  });
  const fig = textFigure(plot, {
    name: 'cma-watermark-series',
    label,
    caption: 'Blue: free pages a movable allocation counts (free CMA included); purple: what an unmovable one counts (free CMA excluded: it may not use CMA pageblocks). Dashed: the min and low watermarks. The order-0 check passes while the line is above the mark (the highatomic reserve is left out here).',
    table: [['zone', 'series', `pages after step ${step}`], ...at.map((x) => [x.key, x.series, x.pages])],
  });
  fig.dataset.step = String(step);
  return fig;
}
