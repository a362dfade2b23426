/**
 * A CMA area's pages by state over a workload (`plots.cmaSeries(result, {area, width, a})`):
 * stacked bands of free, borrowed (movable pages in CMA pageblocks), cma_alloc'd and isolated
 * pages, whose top is the area's size, against the workload step, with the cma_alloc and
 * cma_release events as rules. With `a` (scenario A's result, `scenarioA?.result`) A's band
 * edges are dashed lines over B's bands (plots.ab).
 */
import * as Plot from '@observablehq/plot';
import { ab } from './ab';
import { pagesToMiB } from './data';
import {
  CMA_STATE_LABELS, CMA_STATES, cmaArea, cmaColorScale, cmaEventMarks, cmaEventRows, cmaFigure, hiddenTable,
  type CmaResult, type CmaState,
} from './cma-states';

export interface CmaSeriesRow { step: number; state: CmaState; label: string; pages: number; MiB: number }

/** One row per sample and state (pure data, no DOM). */
export function cmaSeriesRows(result: CmaResult, area: number | string = 0): CmaSeriesRow[] {
  const a = cmaArea(result, area);
  const by: Record<CmaState, ArrayLike<number>> = { free: a.free, borrowed: a.borrowed, "cma_alloc'd": a.allocated, isolated: a.isolated };
  const rows: CmaSeriesRow[] = [];
  const steps = result.samples.step;
  for (let k = 0; k < steps.length; k++) {
    for (const state of CMA_STATES) {
      const pages = by[state][k]!;
      rows.push({ step: steps[k]!, state, label: CMA_STATE_LABELS[state], pages, MiB: pagesToMiB(pages) });
    }
  }
  return rows;
}

const W = 640;
const stateOrder = CMA_STATES.map((s) => CMA_STATE_LABELS[s]);

/** Pages by state over time; `a`: scenario A's result, drawn as dashed band edges. */
export function cmaSeries(result: CmaResult, opts: { area?: number | string; width?: number; a?: CmaResult | null } = {}): HTMLElement {
  const area = opts.area ?? 0;
  const a = cmaArea(result, area);
  const rows = cmaSeriesRows(result, area);
  const rowsA = opts.a ? cmaSeriesRows(opts.a, area) : null;
  // drawn with the last sample repeated one step on, so the last step has its width (as in the map)
  const drawn = (r: CmaSeriesRow[]) => [...r, ...r.slice(-CMA_STATES.length).map((x) => ({ ...x, step: x.step + 1 }))];
  // step-after: the state a sample saw (at the end of its step) holds until the next one, as the map's cells do
  const opts0 = (extra: Record<string, unknown>) => ({ x: 'step', y: 'pages', z: 'label', order: stateOrder, curve: 'step-after', ...extra });
  const label = `Pages of CMA area ${a.name} (${result.kernel}) by state against the workload step, stacked: free at the bottom, then borrowed, cma_alloc'd and isolated`;
  const plot = ab({ A: rowsA && drawn(rowsA), B: drawn(rows) }, (r, s) => s.key === 'A'
    // A: the top edge of each of its bands (stackY2), dashed in A's colour (the A/B legend's)
    ? [Plot.lineY(r, Plot.stackY2(opts0({ stroke: s.color, strokeWidth: 1.75, strokeDasharray: s.dash })))]
    : [Plot.areaY(r, Plot.stackY(opts0({ fill: 'label', fillOpacity: 0.85 }))), ...cmaEventMarks(cmaEventRows(result, a))],
  {
    name: 'cma-series-plot', width: opts.width ?? W, height: 300, marginLeft: 64, marginTop: 22, ariaLabel: label,
    x: { label: 'workload step →' },
    y: { label: `↑ pages (4 KiB; the area has ${a.count})`, grid: true, domain: [0, Math.max(a.count, opts.a ? cmaArea(opts.a, area).count : 0)] },
    color: cmaColorScale(),
  });
  const steps = result.samples.step;
  const last = steps.length - 1;
  const at = (k: number) => CMA_STATES.map((s) => `${rows[k * CMA_STATES.length + CMA_STATES.indexOf(s)]!.pages} ${CMA_STATE_LABELS[s]}`).join(', ');
  const peak = Math.max(0, ...rows.filter((r) => r.state === 'borrowed').map((r) => r.pages));
  const summary = `CMA area ${a.name}, ${a.count} pages. `
    + (last >= 0 ? `Step ${steps[0]}: ${at(0)}. Step ${steps[last]}: ${at(last)}. At most ${peak} pages were borrowed. ` : '')
    + cmaEventRows(result, a).map((e) => `Step ${e.step}: ${e.label}.`).join(' ')
    + (rowsA ? ` Scenario A (dashed): at most ${Math.max(0, ...rowsA.filter((r) => r.state === 'borrowed').map((r) => r.pages))} pages borrowed.` : '');
  // the table: one row per sample where the counts change
  const tableRows: Array<Array<string | number>> = [];
  let prev = '';
  for (let k = 0; k <= last; k++) {
    const vals = CMA_STATES.map((s) => rows[k * CMA_STATES.length + CMA_STATES.indexOf(s)]!.pages);
    if (vals.join() !== prev || k === last) tableRows.push([steps[k]!, ...vals]);
    prev = vals.join();
  }
  const table = hiddenTable(`Pages of CMA area ${a.name} by state, at each sample where they change`, ['step', ...CMA_STATES.map((s) => `${CMA_STATE_LABELS[s]} (pages)`)], tableRows);
  const figure = cmaFigure('cma-series', opts.a ? `${label} (A: the pinned scenario, dashed; B: the current inputs)` : label, summary, [plot, table]);
  if (opts.a) figure.dataset.scenarios = 'A B';
  return figure;
}
