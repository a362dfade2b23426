/**
 * A sweep's response plot: the response against the swept parameter, one dot per point (coloured
 * by seed when the sweep has seeds), the mean over the seeds as a line, and the points that failed
 * as crosses on the axis (their message in the tooltip). The figure's caption summarises it and a
 * visually hidden table gives every number for screen readers.
 */
import * as Plot from '@observablehq/plot';
import { sweepMeans, sweepRows, type SavedSweep } from '../sweep/result';

const FAILED = '#c0392b';
const HIDDEN = 'position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap';

const fmt = (v: number): string => v.toLocaleString('en-US', { maximumFractionDigits: 3, useGrouping: false });

/** `sweep`: a sweep as the workbench keeps it (src/lib/sweep/result.ts). */
export function sweepPlot(sweep: Pick<SavedSweep, 'decl' | 'points'>, opts: { width?: number } = {}): HTMLElement {
  const { decl } = sweep;
  const rows = sweepRows(sweep);
  const means = sweepMeans(rows);
  const seeded = decl.seeds !== undefined;
  const failed = sweep.points.filter((p) => p.error !== undefined).map((p) => ({ x: p.point[decl.name]!, seed: p.point.seed, error: p.error! }));
  const pending = sweep.points.length - rows.length - failed.length;
  const what = `${decl.response} against ${decl.name}`;
  const summary = [
    `${what}: ${rows.length} of ${sweep.points.length} points (${decl.steps} value${decl.steps === 1 ? '' : 's'}${seeded ? ` × ${decl.seeds} seed${decl.seeds === 1 ? '' : 's'}` : ''})`,
    means.length ? `mean ${fmt(means[0]!.mean)} at ${decl.name}=${fmt(means[0]!.x)}, ${fmt(means.at(-1)!.mean)} at ${decl.name}=${fmt(means.at(-1)!.x)}` : 'no values yet',
    ...(failed.length ? [`${failed.length} failed`] : []),
    ...(pending ? [`${pending} not run`] : []),
  ].join('; ');
  const plot = Plot.plot({
    width: opts.width ?? 640, height: 320, marginLeft: 60, marginBottom: 40, ariaLabel: summary,
    x: { label: `${decl.name} →`, grid: true, ...(means.length || failed.length ? {} : { domain: [Math.min(decl.from, decl.to), Math.max(decl.from, decl.to)] }) },
    y: { label: `↑ ${decl.response}`, grid: true, zero: true },
    ...(seeded ? { color: { type: 'categorical' as const, scheme: 'tableau10', legend: true, domain: Array.from({ length: decl.seeds! }, (_, k) => k + 1), tickFormat: (k: number) => `seed ${k}` } } : {}),
    marks: [
      Plot.ruleY([0]),
      Plot.line(means, { x: 'x', y: 'mean', stroke: '#333', strokeWidth: 1.5 }),
      Plot.dot(rows, { x: 'x', y: 'value', ...(seeded ? { stroke: 'seed' } : { stroke: '#1f77b4' }), r: 3.5, title: (d: (typeof rows)[number]) => `${decl.name}=${fmt(d.x)}${d.seed !== undefined ? ` seed ${d.seed}` : ''}: ${decl.response} ${fmt(d.value)}` }),
      ...(seeded ? [Plot.dot(means, { x: 'x', y: 'mean', fill: '#333', r: 2.5, title: (d: (typeof means)[number]) => `${decl.name}=${fmt(d.x)}: mean ${fmt(d.mean)} over ${d.n} seed${d.n === 1 ? '' : 's'}` })] : []),
      Plot.dot(failed, { x: 'x', frameAnchor: 'bottom', symbol: 'times', stroke: FAILED, r: 5, strokeWidth: 2, title: (d: (typeof failed)[number]) => `${decl.name}=${fmt(d.x)}${d.seed !== undefined ? ` seed ${d.seed}` : ''} failed: ${d.error}` }),
    ],
  });
  const figure = document.createElement('figure');
  figure.className = 'sweep-figure';
  figure.style.margin = '0';
  figure.dataset.plot = 'sweep';
  figure.setAttribute('aria-label', summary);
  const caption = document.createElement('figcaption');
  caption.style.cssText = 'font:12px sans-serif;color:#555;margin-top:2px';
  caption.textContent = `${summary}.${seeded ? ' Dots: one per seed; line: the mean over the seeds.' : ''}${failed.length ? ' Crosses on the axis: points that failed.' : ''}`;
  figure.append(plot, caption, table(sweep));
  return figure;
}

/** Every point's number (or failure), for screen readers. */
function table(sweep: Pick<SavedSweep, 'decl' | 'points'>): HTMLTableElement {
  const t = document.createElement('table');
  t.className = 'sweep-table';
  t.style.cssText = HIDDEN;
  const head = t.createTHead().insertRow();
  for (const h of [sweep.decl.name, ...(sweep.decl.seeds !== undefined ? ['seed'] : []), sweep.decl.response]) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  const body = t.createTBody();
  for (const p of sweep.points) {
    const r = body.insertRow();
    r.insertCell().textContent = fmt(p.point[sweep.decl.name]!);
    if (sweep.decl.seeds !== undefined) r.insertCell().textContent = String(p.point.seed ?? '');
    r.insertCell().textContent = p.value !== undefined ? fmt(p.value) : p.error !== undefined ? `failed: ${p.error}` : 'not run';
  }
  return t;
}
