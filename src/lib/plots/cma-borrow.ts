/**
 * The borrow rule at work, one panel per kernel (`plots.cmaBorrow({"5.10": r1, "6.1": r2}, {area,
 * width, a})`): for the zone that holds the CMA area, __rmqueue takes CMA first for an ALLOC_CMA
 * (movable) request while NR_FREE_CMA_PAGES > NR_FREE_PAGES / 2; the panels draw both sides of
 * that test over the workload and the area's borrowed pages, with the cma_alloc and cma_release
 * events, and list each kernel's cma_alloc outcome under the plot. With `a` (scenario A's
 * results by kernel) A's lines are dashed (plots.ab).
 */
import * as Plot from '@observablehq/plot';
import { ab } from './ab';
import { cellRow, headerRow } from './figure';
import { cmaArea, cmaEventRows, cmaFigure, type CmaAreaSeries, type CmaResult } from './cma-states';

/** What the borrow plot reads beyond CmaResult: the zones' series and where the zones lie. */
export interface CmaZoneResult extends CmaResult {
  samples: CmaResult['samples'] & { zones: Array<{ nid: number; zone: string; free: ArrayLike<number>; freeCma: ArrayLike<number> }> };
  final: { nodes: Array<{ nid: number; zones: Array<{ name: string; startPfn: number; spanned: number }> }> };
}

export const BORROW_SERIES = ['borrowed pages (the area)', 'NR_FREE_CMA_PAGES (zone)', 'NR_FREE_PAGES ÷ 2 (zone)'] as const;
const BORROW_COLORS = ['#f28e2b', '#4e79a7', '#7f7f7f'];

export interface CmaBorrowRow { kernel: string; step: number; series: (typeof BORROW_SERIES)[number]; pages: number }

/** The zone series of the zone that holds the area. */
export function zoneOfArea(result: CmaZoneResult, a: CmaAreaSeries): CmaZoneResult['samples']['zones'][number] {
  for (const node of result.final.nodes) for (const z of node.zones) {
    if (a.basePfn >= z.startPfn && a.basePfn < z.startPfn + z.spanned) {
      const s = result.samples.zones.find((x) => x.nid === node.nid && x.zone === z.name);
      if (s) return s;
    }
  }
  throw Object.assign(new Error(`no zone of this result holds CMA area ${a.name} (pfn 0x${a.basePfn.toString(16)})`), { code: 'CMA_NO_ZONE' });
}

/** Per kernel and sample: borrowed pages, the zone's NR_FREE_CMA_PAGES and NR_FREE_PAGES ÷ 2 (integer, as the kernel divides). */
export function cmaBorrowRows(results: Record<string, CmaZoneResult>, area: number | string = 0): CmaBorrowRow[] {
  const rows: CmaBorrowRow[] = [];
  for (const [kernel, r] of Object.entries(results)) {
    const a = cmaArea(r, area);
    const z = zoneOfArea(r, a);
    const steps = r.samples.step;
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k]!;
      rows.push({ kernel, step, series: BORROW_SERIES[0], pages: a.borrowed[k]! });
      rows.push({ kernel, step, series: BORROW_SERIES[1], pages: z.freeCma[k]! });
      rows.push({ kernel, step, series: BORROW_SERIES[2], pages: Math.floor(z.free[k]! / 2) });
    }
  }
  return rows;
}

export interface CmaAllocOutcomeRow { kernel: string; step: number; ok: boolean; migrated: number; reclaimed: number; tried: number; reason: string }

/** Each kernel's cma_alloc events on the area. */
export function cmaAllocOutcomes(results: Record<string, CmaResult>, area: number | string = 0): CmaAllocOutcomeRow[] {
  const out: CmaAllocOutcomeRow[] = [];
  for (const [kernel, r] of Object.entries(results)) {
    const a = cmaArea(r, area);
    for (const e of r.events) {
      if (e.op !== 'cma_alloc' || e.result.area !== a.name) continue;
      const x = e.result;
      out.push({ kernel, step: e.step, ok: x.ok === true, migrated: Number(x.migrated ?? 0), reclaimed: Number(x.reclaimed ?? 0), tried: Number(x.tried ?? 0), reason: String(x.reason ?? '') });
    }
  }
  return out;
}

const W = 640;

function outcomeTable(rows: CmaAllocOutcomeRow[], caption: string): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'cma-outcomes';
  table.style.fontSize = '12px';
  const cap = document.createElement('caption');
  cap.textContent = caption;
  cap.style.cssText = 'text-align:left;font-size:12px';
  table.append(cap);
  table.append(headerRow(['kernel', 'step', 'outcome', 'pages migrated', 'pages reclaimed', 'ranges tried', 'why it failed']));
  for (const r of rows) {
    const row = cellRow([r.kernel, r.step, r.ok ? 'ok' : 'failed', r.migrated, r.reclaimed, r.tried, r.ok ? '' : r.reason]);
    row.dataset.kernel = r.kernel;
    table.append(row);
  }
  return table;
}

/** One panel per kernel, side by side; `a`: scenario A's results (dashed). */
export function cmaBorrow(results: Record<string, CmaZoneResult>, opts: { area?: number | string; width?: number; a?: Record<string, CmaZoneResult> | null } = {}): HTMLElement {
  const area = opts.area ?? 0;
  const rows = cmaBorrowRows(results, area);
  const rowsA = opts.a ? cmaBorrowRows(opts.a, area) : null;
  const events = Object.entries(results).flatMap(([kernel, r]) => cmaEventRows(r, cmaArea(r, area)).map((e) => ({ ...e, kernel })));
  const kernels = Object.keys(results);
  const label = `The borrow rule per kernel (${kernels.join(' and ')}): the CMA area's borrowed pages, and the zone's NR_FREE_CMA_PAGES against NR_FREE_PAGES ÷ 2, against the workload step`;
  const plot = ab({ A: rowsA, B: rows }, (r, s) => [
    // NR_FREE_PAGES ÷ 2 as a wide pale band under the other two: while the rule holds, free CMA rides on it
    Plot.lineY(r.filter((d) => d.series === BORROW_SERIES[2]), { x: 'step', y: 'pages', fx: 'kernel', stroke: 'series', strokeWidth: s.key === 'A' ? 2 : 6, strokeOpacity: 0.45, strokeDasharray: s.dash, curve: 'step-after' }),
    Plot.lineY(r.filter((d) => d.series !== BORROW_SERIES[2]), { x: 'step', y: 'pages', fx: 'kernel', z: 'series', stroke: 'series', strokeWidth: s.key === 'A' ? 1.5 : 2, strokeDasharray: s.dash, curve: 'step-after' }),
    ...(s.key === 'B' ? [
      Plot.ruleX(events, { x: 'step', fx: 'kernel', stroke: '#333', strokeDasharray: '2 2', title: 'label' }),
      Plot.text(events, { x: 'step', fx: 'kernel', frameAnchor: 'top', dy: -6, dx: 3, textAnchor: 'start', fontSize: 10, text: (d: (typeof events)[number]) => (d.op === 'cma_alloc' ? `cma_alloc ${d.ok ? '✓' : '✗'}` : 'cma_release') }),
    ] : []),
  ], {
    name: 'cma-borrow-plot', width: opts.width ?? W, height: 320, marginLeft: 64, marginTop: 44, ariaLabel: label,
    // the kernel names sit above the events' labels
    fx: { label: null, domain: kernels, tickFormat: (k: string) => `kernel ${k}`, tickPadding: 20 },
    x: { label: 'workload step →' }, y: { label: '↑ pages (4 KiB)', grid: true },
    color: { domain: [...BORROW_SERIES], range: BORROW_COLORS, legend: true },
  });
  const outcomes = cmaAllocOutcomes(results, area);
  const summary = kernels.map((k) => {
    const mine = rows.filter((r) => r.kernel === k && r.series === BORROW_SERIES[0]);
    const o = outcomes.filter((x) => x.kernel === k);
    return `${k}: at most ${Math.max(0, ...mine.map((r) => r.pages))} pages borrowed; ${o.map((x) => `cma_alloc at step ${x.step} ${x.ok ? 'succeeded' : 'failed'} after migrating ${x.migrated} and reclaiming ${x.reclaimed} pages over ${x.tried} range${x.tried === 1 ? '' : 's'}`).join('; ') || 'no cma_alloc'}.`;
  }).join(' ');
  const figure = cmaFigure('cma-borrow', opts.a ? `${label} (A: the pinned scenario, dashed; B: the current inputs)` : label, summary,
    [plot, outcomeTable(outcomes, 'The cma_alloc of each kernel')]);
  if (opts.a) figure.dataset.scenarios = 'A B';
  return figure;
}
