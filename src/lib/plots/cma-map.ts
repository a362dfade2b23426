/**
 * The occupancy map of a CMA area over a workload (`plots.cmaMap(result, {area, width, a})`):
 * one row per pageblock (y: the pfn its first page has), time along x (workload steps), each cell
 * coloured by the pageblock's state at the sample that ends its interval — free, borrowed by
 * movable pages, cma_alloc'd, isolated — and outlined when set_migratetype_isolate isolated it
 * at some moment of the interval (a cma_alloc's range, which the sample, taken between steps,
 * sees only as its outcome). Runs of equal state along time are one rect, so a long run of a big
 * area stays a small SVG. cma_alloc and cma_release are rules with their outcome. With `a`
 * (scenario A's result, `scenarioA?.result`) the maps of A and B are stacked on the same scales.
 */
import * as Plot from '@observablehq/plot';
import { abFigure } from './ab';
import {
  CMA_COLORS, CMA_STATE_LABELS, CMA_STATES, cmaArea, cmaColorScale, cmaEventMarks, cmaEventRows, cmaFigure, hex, hiddenTable,
  type CmaAreaSeries, type CmaResult, type CmaState,
} from './cma-states';

export interface CmaMapCell {
  /** the steps [x1, x2) the rect spans (whole sample intervals) */
  x1: number;
  x2: number;
  /** the pfns [y1, y2) of the pageblock */
  y1: number;
  y2: number;
  pageblock: number;
  state: CmaState;
  label: string;
}

export interface CmaMapData {
  area: CmaAreaSeries;
  /** pages per pageblock */
  pageblockPages: number;
  /** the last step + 1 (the right end of the time axis) */
  end: number;
  cells: CmaMapCell[];
  /** pageblocks isolated at some moment of a sample's interval, one per (sample, pageblock) */
  isolatedDuring: CmaMapCell[];
}

/** The map's rects: per pageblock, runs of samples in the same state (pure data, no DOM). */
export function cmaMapData(result: CmaResult, area: number | string = 0): CmaMapData {
  const a = cmaArea(result, area);
  const steps = result.samples.step;
  const every = result.spec.sampleEvery;
  const n = steps.length;
  const pb = 2 ** Math.ceil(Math.log2(a.count / a.pageblocks));
  const cells: CmaMapCell[] = [];
  const isolatedDuring: CmaMapCell[] = [];
  const x1Of = (k: number): number => steps[k]! + 1 - every;
  for (let j = 0; j < a.pageblocks; j++) {
    const y1 = a.basePfn + j * pb;
    const y2 = Math.min(y1 + pb, a.basePfn + a.count);
    let k0 = 0;
    for (let k = 0; k < n; k++) {
      const code = a.map[k * a.pageblocks + j]!;
      if (a.isolatedDuring?.[k * a.pageblocks + j]) {
        isolatedDuring.push({ x1: x1Of(k), x2: steps[k]! + 1, y1, y2, pageblock: j, state: 'isolated', label: `pageblock ${hex(y1)}: isolated during steps ${x1Of(k)}–${steps[k]}` });
      }
      if (k + 1 < n && a.map[(k + 1) * a.pageblocks + j] === code) continue;
      const state = CMA_STATES[code] ?? 'free';
      const x1 = x1Of(k0);
      cells.push({ x1, x2: steps[k]! + 1, y1, y2, pageblock: j, state, label: `pageblock ${hex(y1)}: ${CMA_STATE_LABELS[state]}, steps ${x1}–${steps[k]}` });
      k0 = k + 1;
    }
  }
  return { area: a, pageblockPages: pb, end: n ? steps[n - 1]! + 1 : 0, cells, isolatedDuring };
}

/** Pageblocks per state at each sample where the counts change (and the first and last): the text fallback's rows. */
export function cmaMapCounts(result: CmaResult, area: number | string = 0): Array<{ step: number; counts: Record<CmaState, number>; isolatedDuring: number }> {
  const a = cmaArea(result, area);
  const out: Array<{ step: number; counts: Record<CmaState, number>; isolatedDuring: number }> = [];
  const n = result.samples.step.length;
  let last = '';
  for (let k = 0; k < n; k++) {
    const counts = { free: 0, borrowed: 0, "cma_alloc'd": 0, isolated: 0 } as Record<CmaState, number>;
    let during = 0;
    for (let j = 0; j < a.pageblocks; j++) {
      counts[CMA_STATES[a.map[k * a.pageblocks + j]!] ?? 'free']++;
      during += a.isolatedDuring?.[k * a.pageblocks + j] ? 1 : 0;
    }
    const key = `${CMA_STATES.map((s) => counts[s]).join(',')}/${during}`;
    if (key !== last || k === n - 1) out.push({ step: result.samples.step[k]!, counts, isolatedDuring: during });
    last = key;
  }
  return out;
}

const W = 640;

/** About 8 ticks on pageblock boundaries (pfns), from the bottom of the domain. */
export function pageblockTicks([lo, hi]: [number, number], pb: number): number[] {
  const blocks = Math.max(1, Math.round((hi - lo) / pb));
  const every = 2 ** Math.ceil(Math.log2(Math.max(1, blocks / 8)));
  const out: number[] = [];
  for (let p = lo; p <= hi; p += every * pb) out.push(p);
  return out;
}

function mapPlot(d: CmaMapData, result: CmaResult, opts: { width: number; yDomain: [number, number]; xDomain: [number, number]; ariaLabel: string; title?: string }): SVGSVGElement | HTMLElement {
  const rowPx = Math.max(3, Math.min(14, Math.floor(360 / Math.max(1, d.area.pageblocks))));
  const events = cmaEventRows(result, d.area);
  return Plot.plot({
    width: opts.width, height: Math.max(160, d.area.pageblocks * rowPx + 70), marginLeft: 72, marginTop: 22, ariaLabel: opts.ariaLabel,
    ...(opts.title ? { title: opts.title } : {}),
    x: { label: 'workload step →', domain: opts.xDomain },
    y: { label: `↑ pfn (pageblocks of ${d.pageblockPages} pages)`, domain: opts.yDomain, tickFormat: hex, ticks: pageblockTicks(opts.yDomain, d.pageblockPages) },
    color: cmaColorScale(),
    marks: [
      Plot.rect(d.cells, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: (c: CmaMapCell) => CMA_STATE_LABELS[c.state], title: 'label' }),
      Plot.rect(d.isolatedDuring, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'none', stroke: CMA_COLORS.isolated, strokeWidth: 2, inset: 0.5, title: 'label' }),
      ...cmaEventMarks(events),
    ],
  }) as SVGSVGElement | HTMLElement;
}

function summaryOf(result: CmaResult, d: CmaMapData, who = ''): string {
  const rows = cmaMapCounts(result, d.area.name);
  const end = rows.at(-1);
  const events = cmaEventRows(result, d.area);
  const peak = Math.max(0, ...rows.map((r) => r.counts.borrowed));
  return `${who}CMA area ${d.area.name}: ${d.area.pageblocks} pageblocks of ${d.pageblockPages} pages from pfn ${hex(d.area.basePfn)}, steps 0–${d.end - 1}. `
    + `At most ${peak} pageblocks held borrowed movable pages. ${events.map((e) => `Step ${e.step}: ${e.label}.`).join(' ')} `
    + (end ? `At the end: ${CMA_STATES.map((s) => `${end.counts[s]} ${CMA_STATE_LABELS[s]}`).join(', ')}.` : '');
}

/** The map of one area; `a`: scenario A's result, stacked above B's on the same scales. */
export function cmaMap(result: CmaResult, opts: { area?: number | string; width?: number; a?: CmaResult | null } = {}): HTMLElement {
  const area = opts.area ?? 0;
  const d = cmaMapData(result, area);
  const dA = opts.a ? cmaMapData(opts.a, typeof area === 'number' ? area : area) : null;
  const all = dA ? [d, dA] : [d];
  const yDomain: [number, number] = [Math.min(...all.map((x) => x.area.basePfn)), Math.max(...all.map((x) => x.area.basePfn + x.area.count))];
  const xDomain: [number, number] = [0, Math.max(...all.map((x) => x.end))];
  const width = opts.width ?? W;
  const label = `Occupancy map of CMA area ${d.area.name} (${result.kernel}): pageblocks by pfn against the workload step, coloured by state`;
  const table = (r: CmaResult, x: CmaMapData, who: string) => hiddenTable(`${who}Pageblocks of CMA area ${x.area.name} by state, at each sample where the counts change`,
    ['step', ...CMA_STATES.map((s) => CMA_STATE_LABELS[s]), 'isolated during the interval'],
    cmaMapCounts(r, x.area.name).map((row) => [row.step, ...CMA_STATES.map((s) => row.counts[s]), row.isolatedDuring]));
  if (!dA || !opts.a) {
    return cmaFigure('cma-map', label, summaryOf(result, d), [mapPlot(d, result, { width, yDomain, xDomain, ariaLabel: label }), table(result, d, '')]);
  }
  const both = document.createElement('div');
  both.append(
    mapPlot(dA, opts.a, { width, yDomain, xDomain, ariaLabel: `Scenario A: ${label}`, title: 'A (pinned)' }),
    mapPlot(d, result, { width, yDomain, xDomain, ariaLabel: `Scenario B: ${label}`, title: 'B (current inputs)' }),
    table(opts.a, dA, 'Scenario A: '), table(result, d, 'Scenario B: '),
  );
  const caption = document.createElement('figcaption');
  caption.textContent = `${summaryOf(opts.a, dA, 'A: ')} ${summaryOf(result, d, 'B: ')}`;
  both.append(caption);
  return abFigure(both, 'cma-map', `${label}; scenario A above, B below`, { A: 'upper map', B: 'lower map', bShape: 'bar' });
}
