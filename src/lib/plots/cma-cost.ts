/**
 * cma_alloc's success and cost against the workload's fill level (`plots.cmaCost(points, {width,
 * a})`). The model has no clock, so the cost is counted in the kernel's own work: pages migrated
 * (migrate_pages), clean page-cache pages reclaimed instead (reclaim_clean_pages_from_list), and
 * busy retries (alloc_contig_range calls after the first: each isolates a range, drains, migrates
 * and undoes the isolation). Stacked bars per fill level, ✓ or ✗ above each; with `a` (scenario
 * A's points) A's totals are dashed ticks with its own ✓/✗ (plots.ab).
 */
import * as Plot from '@observablehq/plot';
import { ab } from './ab';
import { cmaFigure, hiddenTable } from './cma-states';

/** One point of the sweep: the workload at `fill` % then a cma_alloc (its event result). */
export interface CmaCostPoint { fill: number; ok: boolean; migrated: number; reclaimed: number; tried: number; borrowed?: number; reason?: string }

export const COST_PARTS = ['pages migrated', 'pages reclaimed (clean page cache)', 'busy retries (ranges tried − 1)'] as const;
const COST_COLORS = ['#4e79a7', '#59a14f', '#e15759'];

export interface CmaCostRow { fill: number; part: (typeof COST_PARTS)[number]; units: number }

/** The cost of a point in the kernel's work units: migrated + reclaimed + (tried − 1). */
export function cmaCost(p: CmaCostPoint): number {
  return p.migrated + p.reclaimed + Math.max(0, p.tried - 1);
}

/** Three rows per point, one per part of the cost (pure data). */
export function cmaCostRows(points: CmaCostPoint[]): CmaCostRow[] {
  return points.flatMap((p) => [
    { fill: p.fill, part: COST_PARTS[0], units: p.migrated },
    { fill: p.fill, part: COST_PARTS[1], units: p.reclaimed },
    { fill: p.fill, part: COST_PARTS[2], units: Math.max(0, p.tried - 1) },
  ]);
}

const W = 640;

/** Success and cost per fill level; `a`: scenario A's points. */
export function cmaCostPlot(points: CmaCostPoint[], opts: { width?: number; a?: CmaCostPoint[] | null } = {}): HTMLElement {
  const fills = [...new Set([...points, ...(opts.a ?? [])].map((p) => p.fill))].sort((x, y) => x - y);
  const mark = (p: CmaCostPoint) => (p.ok ? '✓' : '✗');
  const label = `cma_alloc against the fill level: success (✓ or ✗) and cost in the kernel's work (${COST_PARTS.join(', ')}), per fill level`;
  const top = Math.max(1, ...[...points, ...(opts.a ?? [])].map(cmaCost));
  const plot = ab({ A: opts.a ?? null, B: points }, (ps, s) => s.key === 'A'
    ? [
      Plot.tickY(ps, { x: (p: CmaCostPoint) => String(p.fill), y: cmaCost, stroke: s.color, strokeWidth: 2.5, strokeDasharray: s.dash, title: (p: CmaCostPoint) => `A ${p.fill} %: ${cmaCost(p)} (${mark(p)})` }),
      Plot.text(ps, { x: (p: CmaCostPoint) => String(p.fill), y: cmaCost, text: (p: CmaCostPoint) => `A${mark(p)}`, dy: -10, dx: 12, fill: s.color, fontSize: 11 }),
    ]
    : [
      Plot.barY(cmaCostRows(ps), { x: (r: CmaCostRow) => String(r.fill), y: 'units', fill: 'part', order: [...COST_PARTS], title: (r: CmaCostRow) => `${r.fill} %: ${r.units} ${r.part}` }),
      Plot.text(ps, { x: (p: CmaCostPoint) => String(p.fill), y: cmaCost, text: mark, dy: -10, fontSize: 14, fill: (p: CmaCostPoint) => (p.ok ? '#2a7d2a' : '#c0392b') }),
      Plot.ruleY([0]),
    ], {
    name: 'cma-cost-plot', width: opts.width ?? W, height: 320, marginLeft: 64, marginTop: 30, ariaLabel: label,
    x: { label: 'fill level (% of managed memory the workload holds) →', domain: fills.map(String) },
    y: { label: '↑ work (pages moved + busy retries)', grid: true, domain: [0, top * 1.12] },
    color: { domain: [...COST_PARTS], range: COST_COLORS, legend: true },
  });
  const line = (p: CmaCostPoint) => `${p.fill} %: ${p.ok ? 'succeeded' : 'failed'}, ${p.migrated} migrated, ${p.reclaimed} reclaimed, ${p.tried} range${p.tried === 1 ? '' : 's'} tried${p.borrowed !== undefined ? `, ${p.borrowed} pages borrowed before` : ''}`;
  const summary = `cma_alloc ${points.filter((p) => p.ok).length} of ${points.length} times successful. ${points.map(line).join('; ')}.`
    + (opts.a ? ` Scenario A: ${opts.a.map(line).join('; ')}.` : '');
  const table = hiddenTable('cma_alloc per fill level', ['fill level (%)', 'outcome', ...COST_PARTS, 'cost', 'why it failed'],
    points.map((p) => [p.fill, p.ok ? 'ok' : 'failed', p.migrated, p.reclaimed, Math.max(0, p.tried - 1), cmaCost(p), p.ok ? '' : p.reason ?? '']));
  const figure = cmaFigure('cma-cost', opts.a ? `${label} (A: the pinned scenario, dashed ticks; B: the current inputs, bars)` : label, summary, [plot, table]);
  if (opts.a) figure.dataset.scenarios = 'A B';
  return figure;
}
