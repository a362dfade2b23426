/**
 * Plots of trace replays (mm.replay results), the same trace under the recorded tuning and under a
 * changed one, with the real kernel's own state where the recording has it:
 *
 *   plots.replayTimeline({recorded, changed, real}, {width})      // free pages, watermarks, pcp pages, kswapd, by mark
 *   plots.replayOrders({recorded, changed, real}, markIndex, {width}) // buddyinfo at one mark, side by side
 *   plots.replayOrderMap({recorded, changed, real}, {width})      // buddyinfo at every mark (order × mark)
 *
 * `real` is the recording's RealSnapshot list (mm.recording(name).real); `labels` names the runs.
 * Each is a <figure data-plot=…> with an aria-label that says the numbers and a hidden table.
 */
import * as Plot from '@observablehq/plot';
import type { ReplayResult } from '../../sim/replay/index';
import { symlogTicks } from './data';
import { fallbackTable, legend, plotFigure, type LegendItem } from './figure';
import { orderRows, realPoints, replayPoints, timelineRows, type MarkPoint, type RealAtMark, type TimelineRow } from './replay-data';

export interface ReplayRuns {
  /** the replay under the recording's own tuning */
  recorded: ReplayResult;
  /** the same trace under a changed tuning */
  changed?: ReplayResult | null;
  /** the real kernel's files at marks (a recording's `real`) */
  real?: readonly RealAtMark[] | null;
  labels?: { recorded?: string; changed?: string; real?: string };
}

interface Series { label: string; color: string; points: MarkPoint[]; result?: ReplayResult; real?: boolean }

export const REPLAY_COLORS = { real: '#333333', recorded: '#1f77b4', changed: '#f28e2b' } as const;
const W = 640;
const fmt = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : '?');

function seriesOf(runs: ReplayRuns): Series[] {
  const l = runs.labels ?? {};
  const out: Series[] = [];
  const real = realPoints(runs.recorded, runs.real, l.real ?? 'real kernel');
  if (real.length) out.push({ label: l.real ?? 'real kernel', color: REPLAY_COLORS.real, points: real, real: true });
  out.push({ label: l.recorded ?? 'replay, recorded tuning', color: REPLAY_COLORS.recorded, points: replayPoints(runs.recorded, l.recorded ?? 'replay, recorded tuning'), result: runs.recorded });
  if (runs.changed) out.push({ label: l.changed ?? 'replay, changed tuning', color: REPLAY_COLORS.changed, points: replayPoints(runs.changed, l.changed ?? 'replay, changed tuning'), result: runs.changed });
  return out;
}

const colorScale = (series: Series[]) => ({ domain: series.map((s) => s.label), range: series.map((s) => s.color) });

function seriesLegend(series: Series[], extra: LegendItem[] = []): HTMLElement {
  return legend([...series.map((s): LegendItem => (s.real ? { label: `${s.label} (its own /proc at the mark)`, marker: { shape: 'dot', color: s.color } } : { label: s.label, line: { color: s.color, width: 2 } })), ...extra]);
}

/**
 * Mark lines as axis ticks with their texts: at most `max`, none closer to the one before than a
 * share of the axis that `max` labels can take (the last mark always), so the labels do not overlap.
 */
function markTicks(result: ReplayResult, max = 28): { ticks: number[]; text: Map<number, string> } {
  const text = new Map<number, string>();
  for (const m of result.marks) text.set(m.line, text.has(m.line) ? `${text.get(m.line)} + ${m.text}` : m.text);
  const lines = [...text.keys()];
  const span = Math.max(1, (lines.at(-1) ?? 0) - (lines[0] ?? 0));
  const gap = span / max;
  const ticks: number[] = [];
  lines.forEach((l, i) => {
    const last = i === lines.length - 1;
    if (last && ticks.length && l - ticks.at(-1)! < gap) ticks.pop();
    if (last || !ticks.length || l - ticks.at(-1)! >= gap) ticks.push(l);
  });
  return { ticks, text };
}

const short = (s: string, n = 28): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Colour classes of free blocks in the order map: 0, 1, 2–3, 4–7, … ≥ 256 (a replay's buddyinfo is mostly small counts). */
export const REPLAY_HEAT_THRESHOLDS = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const REPLAY_HEAT_COLORS = ['#ffffff', '#e3eef9', '#cfe1f2', '#b5d4e9', '#93c3df', '#6daed5', '#4b97c9', '#2f7fbc', '#1764ab', '#08306b'];
const heatLabel = (i: number): string => {
  const t = REPLAY_HEAT_THRESHOLDS;
  if (i === 0) return '0';
  if (i === t.length) return `≥ ${t[i - 1]}`;
  return t[i]! - 1 === t[i - 1] ? String(t[i - 1]) : `${t[i - 1]}–${t[i]! - 1}`;
};

/** Free pages against low and high, and the pages on the per-cpu lists, at every mark; kswapd's wakes as ticks. */
export function replayTimeline(runs: ReplayRuns, opts: { width?: number } = {}): HTMLElement {
  const series = seriesOf(runs);
  const rows = series.flatMap((s) => timelineRows(s.points));
  const sim = (r: TimelineRow) => !series.find((s) => s.label === r.series)?.real;
  const keys = [...new Set(rows.map((r) => r.key))];
  const marks = runs.recorded.marks;
  const { ticks, text } = markTicks(runs.recorded);
  const x = { domain: [marks[0]?.line ?? 0, marks.at(-1)?.line ?? 1] };
  const wakes = series.filter((s) => s.result).flatMap((s) => s.result!.kswapd.wakes.map((line) => ({ series: s.label, line })));
  const kernelWakes = runs.recorded.kswapd.kernel.wakes.map((line) => ({ series: 'real kernel', line }));
  const color = colorScale(series);
  const markLines = marks.map((m) => m.line);
  const top = Plot.plot({
    width: opts.width ?? W, height: 40 + 230 * keys.length, marginLeft: 70, marginRight: 100,
    x: { ...x, axis: null }, y: { label: '↑ free pages (4 KiB, NR_FREE_PAGES)', grid: true, tickFormat: fmt }, fy: { label: null, domain: keys }, color,
    marks: [
      Plot.ruleX(markLines, { stroke: '#e4e4e4' }),
      Plot.lineY(rows.filter(sim), { x: 'line', y: 'low', z: 'series', stroke: 'series', fy: 'key', strokeDasharray: '5 3', strokeWidth: 1 }),
      Plot.lineY(rows.filter(sim), { x: 'line', y: 'high', z: 'series', stroke: 'series', fy: 'key', strokeDasharray: '1 3', strokeWidth: 1 }),
      Plot.lineY(rows.filter(sim), { x: 'line', y: 'free', z: 'series', stroke: 'series', fy: 'key', strokeWidth: 2 }),
      Plot.dot(rows.filter((r) => !sim(r)), { x: 'line', y: 'free', fill: 'series', fy: 'key', r: 2.5, title: (r: TimelineRow) => `${r.series} at ${r.mark}: ${fmt(r.free)} free pages` }),
      Plot.tickX([...wakes, ...kernelWakes], { x: 'line', stroke: (d: { series: string }) => d.series, strokeWidth: 1.5, title: (d: { series: string; line: number }) => `${d.series}: kswapd woken at line ${d.line}` }),
      Plot.ruleY([0]),
    ],
  });
  const bottom = Plot.plot({
    width: opts.width ?? W, height: 110 + 140 * keys.length, marginLeft: 70, marginRight: 100, marginBottom: 110,
    x: { ...x, ticks, tickFormat: (l: number) => short(text.get(l) ?? String(l)), tickRotate: -40, label: 'marks, placed by their trace line →' },
    y: { label: '↑ pages on the per-cpu lists', grid: true, tickFormat: fmt }, fy: { label: null, domain: keys }, color,
    marks: [
      Plot.ruleX(markLines, { stroke: '#e4e4e4' }),
      Plot.lineY(rows.filter(sim), { x: 'line', y: 'pcp', z: 'series', stroke: 'series', fy: 'key', strokeWidth: 2 }),
      Plot.dot(rows.filter((r) => !sim(r)), { x: 'line', y: 'pcp', fill: 'series', fy: 'key', r: 2.5, title: (r: TimelineRow) => `${r.series} at ${r.mark}: ${fmt(r.pcp)} pages on the per-cpu lists` }),
      Plot.ruleY([0]),
    ],
  });
  for (const p of [top, bottom]) p.setAttribute('aria-hidden', 'true');
  const first = marks[0], last = marks.at(-1);
  const perSeries = series.map((s) => {
    const z = keys.map((k) => {
      const pts = s.points.map((p) => ({ p, z: p.zones.find((q) => q.key === k) })).filter((q) => q.z);
      const a = pts[0], b = pts.at(-1);
      return a && b ? `${k} ${fmt(a.z!.free)} → ${fmt(b.z!.free)} free, per-cpu ${fmt(a.z!.pcp)} → ${fmt(b.z!.pcp)}${s.real ? '' : `, low ${fmt(b.z!.low)}, high ${fmt(b.z!.high)}`}` : `${k}: no marks`;
    }).join('; ');
    const woke = s.result ? `, kswapd woken ${s.result.kswapd.wakes.length} times` : `, kswapd woken ${runs.recorded.kswapd.kernel.wakes.length} times (${runs.recorded.kswapd.kernel.episodes} episodes)`;
    return `${s.label}: ${z}${woke}`;
  });
  const label = `Free pages and pages on the per-cpu lists at each of ${marks.length} marks, from "${first?.text}" (line ${first?.line}) to "${last?.text}" (line ${last?.line}). ${perSeries.join('. ')}.`;
  const headers = ['mark', 'trace line', ...keys.flatMap((k) => series.flatMap((s) => [`${k} free (${s.label})`, `${k} per-cpu (${s.label})`])), ...series.filter((s) => !s.real).map((s) => `low (${s.label})`)];
  const table = fallbackTable({
    caption: 'Free pages and per-cpu pages at every mark',
    headers,
    rows: marks.map((m, i) => [m.text, m.line, ...keys.flatMap((k) => series.flatMap((s): Array<string | number> => {
      const z = s.points.find((p) => p.index === i)?.zones.find((q) => q.key === k);
      return z ? [z.free, z.pcp] : ['–', '–'];
    })), ...series.filter((s) => !s.real).map((s) => s.points.find((p) => p.index === i)?.zones[0]?.low ?? '–')]),
  });
  const key = seriesLegend(series, [
    { label: 'low watermark (dashed), high (dotted)', line: { color: '#777', dash: '5 3', width: 1 } },
    { label: 'kswapd woken (ticks)', line: { color: '#777', width: 1.5 } },
  ]);
  const caption = `Top: each zone's free pages (NR_FREE_PAGES) at every mark, with each run's low and high watermarks; a tick where kswapd was woken (the simulator's wakeup_kswapd in a replay, the trace's own wakes for the real kernel). Bottom: pages on the per-cpu lists, which NR_FREE_PAGES does not count. Marks are placed by trace line, so their spacing is the number of events between them.`;
  const fig = plotFigure('replay-timeline', label, { legend: key, plots: [top, bottom], fallback: [table], caption });
  fig.dataset.marks = String(marks.length);
  return fig;
}

/** /proc/buddyinfo at one mark: free blocks per order, each run side by side (symlog). */
export function replayOrders(runs: ReplayRuns, index: number, opts: { width?: number } = {}): HTMLElement {
  const marks = runs.recorded.marks;
  const i = Math.max(0, Math.min(marks.length - 1, Math.trunc(index)));
  const mark = marks[i]!;
  const series = seriesOf(runs);
  const rows = series.flatMap((s) => orderRows(s.points, i));
  const present = series.filter((s) => rows.some((r) => r.series === s.label));
  const keys = [...new Set(rows.map((r) => r.key))];
  const orders = [...new Set(rows.map((r) => r.order))].sort((a, b) => a - b);
  const plot = Plot.plot({
    width: opts.width ?? W, height: 40 + 230 * keys.length, marginLeft: 64, marginRight: 100, marginBottom: 40,
    fx: { label: 'order (block = 2^order pages) →', domain: orders }, x: { axis: null, domain: present.map((s) => s.label), paddingInner: 0.1 },
    y: { type: 'symlog', label: '↑ free blocks (symlog)', grid: true, ticks: symlogTicks(Math.max(1, ...rows.map((r) => r.blocks))), tickFormat: fmt },
    fy: { label: null, domain: keys }, color: colorScale(present),
    marks: [
      Plot.barY(rows, { fx: 'order', x: 'series', y: 'blocks', fill: 'series', fy: 'key', title: (r: (typeof rows)[number]) => `${r.series}, ${r.key}, order ${r.order}: ${fmt(r.blocks)} blocks (${fmt(r.pages)} pages)` }),
      Plot.ruleY([0]),
    ],
  });
  plot.setAttribute('aria-hidden', 'true');
  const line = (s: Series) => `${s.label}: ${keys.map((k) => `${k} ${rows.filter((r) => r.series === s.label && r.key === k).map((r) => r.blocks).join(' ')}`).join('; ')}`;
  const label = `Free blocks per order (buddyinfo, orders ${orders[0]}–${orders.at(-1)}) at mark ${i + 1} of ${marks.length}, "${mark.text}" (line ${mark.line}). ${present.map(line).join('. ')}.`;
  const table = fallbackTable({
    caption: `Free blocks per order at "${mark.text}"`,
    headers: ['zone', 'order', ...present.map((s) => s.label)],
    rows: keys.flatMap((k) => orders.map((o) => [k, o, ...present.map((s) => rows.find((r) => r.series === s.label && r.key === k && r.order === o)?.blocks ?? '–')])),
  });
  const missing = series.filter((s) => !present.includes(s)).map((s) => s.label);
  const caption = `/proc/buddyinfo at mark ${i + 1} of ${marks.length}, "${mark.text}" (trace line ${mark.line}): free blocks of each order, every migratetype together.${missing.length ? ` No ${missing.join(', ')} at this mark.` : ''}`;
  const fig = plotFigure('replay-orders', label, { legend: seriesLegend(present), plots: [plot], fallback: [table], caption });
  fig.dataset.mark = mark.text;
  return fig;
}

/** buddyinfo at every mark: a row per order, a column per mark, a panel per run (and zone). */
export function replayOrderMap(runs: ReplayRuns, opts: { width?: number } = {}): HTMLElement {
  const series = seriesOf(runs);
  const rows = series.flatMap((s) => orderRows(s.points));
  const keys = [...new Set(rows.map((r) => r.key))];
  const panel = (r: { series: string; key: string }) => (keys.length > 1 ? `${r.series} · ${r.key}` : r.series);
  const panels = series.flatMap((s) => keys.map((k) => panel({ series: s.label, key: k })));
  const marks = runs.recorded.marks;
  const orders = [...new Set(rows.map((r) => r.order))].sort((a, b) => b - a);
  const every = Math.max(1, Math.ceil(marks.length / 14));
  const plot = Plot.plot({
    width: opts.width ?? W, height: 60 + panels.length * (13 * orders.length + 26), marginLeft: 56, marginRight: 190, marginBottom: 90,
    x: { label: 'mark →', domain: marks.map((_, i) => i), ticks: marks.map((_, i) => i).filter((i) => i % every === 0 || i === marks.length - 1), tickFormat: (i: number) => short(marks[i]?.text ?? '', 18), tickRotate: -40 },
    y: { label: '↑ order', domain: orders, padding: 0.05 }, fy: { label: null, domain: panels, tickFormat: (p: string) => short(p, 30) },
    color: { type: 'threshold', domain: REPLAY_HEAT_THRESHOLDS, range: REPLAY_HEAT_COLORS },
    marks: [Plot.cell(rows, { x: 'index', y: 'order', fy: panel, fill: 'blocks', inset: 0.5, title: (r: (typeof rows)[number]) => `${r.series}, ${r.key}, ${r.mark}: ${fmt(r.blocks)} free order-${r.order} blocks` })],
  });
  plot.setAttribute('aria-hidden', 'true');
  const ends = (s: Series) => {
    const a = s.points[0], b = s.points.at(-1);
    return `${s.label}: ${keys.map((k) => `${k} ${a?.zones.find((z) => z.key === k)?.blocks.join(' ') ?? '–'} at "${a?.mark}" → ${b?.zones.find((z) => z.key === k)?.blocks.join(' ') ?? '–'} at "${b?.mark}"`).join('; ')}`;
  };
  const label = `Free blocks per order (buddyinfo) at each of ${marks.length} marks, one panel per run. ${series.map(ends).join('. ')}.`;
  const table = fallbackTable({
    caption: 'Free blocks per order at every mark',
    headers: ['run', 'zone', 'mark', ...orders.slice().reverse().map((o) => `order ${o}`)],
    rows: series.flatMap((s) => s.points.flatMap((p) => p.zones.map((z) => [s.label, z.key, p.mark, ...z.blocks]))),
  });
  const key = legend(REPLAY_HEAT_COLORS.map((color, i) => ({ label: heatLabel(i), box: { color, stroke: '#ccc' } })));
  key.prepend(Object.assign(document.createElement('span'), { textContent: 'free blocks:' }));
  return plotFigure('replay-order-map', label, { legend: key, plots: [plot], fallback: [table], caption: 'Each column is a mark (in the order of the trace), each row an order; the colour is the number of free blocks of that order. The real kernel has a column only where the recording has its /proc files.' });
}
