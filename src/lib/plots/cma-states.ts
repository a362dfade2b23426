/**
 * What the CMA plots share: the states of a CMA page or pageblock as the workload samples them
 * (src/sim/workload/cma-occupancy.ts codes 0…3), their colours, the part of a workload result the
 * plots read, the cma_alloc / cma_release events as rules, and a visually hidden table for screen
 * readers (the plots' text fallback).
 */
import * as Plot from '@observablehq/plot';
import { pagesToMiB } from './data';
import { captionedTable } from './figure';

export const CMA_STATES = ['free', 'borrowed', "cma_alloc'd", 'isolated'] as const;
export type CmaState = (typeof CMA_STATES)[number];
/** Legend text of each state. */
export const CMA_STATE_LABELS: Record<CmaState, string> = {
  free: 'free', borrowed: 'borrowed by movable pages', "cma_alloc'd": "cma_alloc'd", isolated: 'isolated (MIGRATE_ISOLATE)',
};
/** Colour-blind-safe: grey, orange, blue, purple. */
export const CMA_COLORS: Record<CmaState, string> = { free: '#d9d9d9', borrowed: '#f28e2b', "cma_alloc'd": '#4e79a7', isolated: '#6a3d9a' };

/** Plot's colour scale for the states, with its legend. */
export function cmaColorScale(): { domain: string[]; range: string[]; legend: boolean } {
  return { domain: CMA_STATES.map((s) => CMA_STATE_LABELS[s]), range: CMA_STATES.map((s) => CMA_COLORS[s]), legend: true };
}

/** One CMA area's series (WorkloadResult.samples.cma[i]). */
export interface CmaAreaSeries {
  name: string;
  basePfn: number;
  count: number;
  pageblocks: number;
  free: ArrayLike<number>;
  borrowed: ArrayLike<number>;
  allocated: ArrayLike<number>;
  isolated: ArrayLike<number>;
  map: ArrayLike<number>;
  isolatedDuring?: ArrayLike<number>;
}

/** The part of a workload result (src/sim/workload/result.ts) the CMA plots read. */
export interface CmaResult {
  kernel: string;
  spec: { sampleEvery: number };
  samples: { step: ArrayLike<number>; cma: CmaAreaSeries[] };
  events: Array<{ step: number; op: string; result: Record<string, unknown> }>;
}

/** The series of `area` (an index or a name): a CMA_NO_AREA error naming the areas there are. */
export function cmaArea(result: CmaResult, area: number | string = 0): CmaAreaSeries {
  const all = result.samples.cma;
  const a = typeof area === 'number' ? all[area] : all.find((x) => x.name === area);
  if (!a) {
    throw Object.assign(new Error(`no CMA area ${JSON.stringify(area)} in this workload result; areas: ${all.length ? all.map((x, i) => `${i} (${x.name})`).join(', ') : 'none (boot with cma=SIZE or a shared-dma-pool region)'}`), { code: 'CMA_NO_AREA' });
  }
  return a;
}

export interface CmaEventRow { step: number; op: string; label: string; ok: boolean }

/** The cma_alloc and cma_release events of an area, with a short label ("cma_alloc 12288 pages: ok, 914 moved"). */
export function cmaEventRows(result: CmaResult, area: CmaAreaSeries): CmaEventRow[] {
  const rows: CmaEventRow[] = [];
  for (const e of result.events) {
    const r = e.result;
    if (r.area !== area.name) continue;
    if (e.op === 'cma_alloc') {
      const ok = r.ok === true;
      const moved = Number(r.migrated ?? 0) + Number(r.reclaimed ?? 0);
      rows.push({ step: e.step, op: e.op, ok, label: `cma_alloc ${r.count} pages (${pagesToMiB(Number(r.count)).toFixed(0)} MiB): ${ok ? 'ok' : 'failed'}, ${moved} pages moved, ${r.tried} range${r.tried === 1 ? '' : 's'} tried` });
    } else if (e.op === 'cma_release') rows.push({ step: e.step, op: e.op, ok: r.released === true, label: `cma_release ${r.count} pages` });
  }
  return rows;
}

/** The events as vertical rules with their labels at the top of the frame. */
export function cmaEventMarks(rows: CmaEventRow[], opts: { stroke?: string; dash?: string; dy?: number } = {}): Plot.Markish[] {
  return [
    Plot.ruleX(rows, { x: 'step', stroke: opts.stroke ?? '#333', strokeDasharray: opts.dash ?? '2 2', title: 'label' }),
    Plot.text(rows, { x: 'step', frameAnchor: 'top', dy: opts.dy ?? -6, text: (d: CmaEventRow) => (d.op === 'cma_alloc' ? `cma_alloc ${d.ok ? '✓' : '✗'}` : 'cma_release'), fontSize: 10, textAnchor: 'start', dx: 3, fill: opts.stroke ?? '#333' }),
  ];
}

/** A table only screen readers see (the text fallback of a plot). */
export function hiddenTable(caption: string, head: string[], rows: Array<Array<string | number>>): HTMLTableElement {
  const css = 'position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0';
  return captionedTable('visually-hidden', css, { caption, headers: head, rows });
}

/** A figure holding a plot, its summary as a caption, and the hidden table; `name` is its data-plot. */
export function cmaFigure(name: string, label: string, summary: string, parts: Array<Element>): HTMLElement {
  const figure = document.createElement('figure');
  figure.style.margin = '0';
  figure.dataset.plot = name;
  figure.setAttribute('aria-label', label);
  const caption = document.createElement('figcaption');
  caption.textContent = summary;
  figure.append(...parts, caption);
  return figure;
}

export const hex = (n: number): string => `0x${n.toString(16)}`;
