/**
 * A/B overlays: scenario A (the inputs pinned with "Pin as A", the `scenarioA` builtin) and B (the
 * current inputs) in one plot, on the same scales, with a legend "A" / "B".
 *
 *   // any plot: marks(value, scenario) draws one scenario; A's marks go under B's
 *   plots.ab({A: scenarioA?.tunedView, B: tunedView}, (view, s) => [
 *     Plot.dot(plots.watermarkRows(view), {x: "lowMiB", y: "key", stroke: s.color, strokeDasharray: s.dash})
 *   ], {x: {label: "low (MiB)"}})
 *
 *   // or one data set with a `scenario` column, for Plot's own channels
 *   const rows = plots.abRows({A: scenarioA?.tunedView, B: tunedView}, plots.watermarkRows);
 *   Plot.plot({color: plots.abColorScale(), marks: [Plot.dot(rows, {x: "lowMiB", y: "key", stroke: "scenario"})]})
 *
 * With nothing pinned (`scenarioA` is null, so `A` is undefined) a plot shows B alone, without the
 * legend, so a notebook reads the same with and without A. The helpers watermarkLevels and
 * reserveBars take `{a: scenarioA?.tunedView}` and overlay A as dashed ticks.
 */
import * as Plot from '@observablehq/plot';

export interface AbStyle {
  key: 'A' | 'B';
  /** the legend's text */
  label: string;
  color: string;
  /** a stroke dash array for A's lines and ticks (B's are solid) */
  dash?: string;
}

export const AB_STYLES: Readonly<Record<'A' | 'B', AbStyle>> = {
  A: { key: 'A', label: 'A (pinned)', color: '#7a5195', dash: '4 3' },
  B: { key: 'B', label: 'B (current inputs)', color: '#1f77b4' },
};

export interface AbValues<T> {
  /** scenario A's value (`scenarioA?.name`): undefined or null when nothing is pinned */
  A?: T | null;
  B: T;
}

type El = SVGSVGElement | HTMLElement;
const hasA = <T>(v: AbValues<T>): v is AbValues<T> & { A: T } => v.A !== undefined && v.A !== null;

/** Plot's color scale for a `scenario` channel holding "A" and "B" (with its legend). */
export function abColorScale(): { domain: string[]; range: string[]; legend: boolean } {
  return { domain: ['A', 'B'], range: [AB_STYLES.A.color, AB_STYLES.B.color], legend: true };
}

/** `rows(value)` of each scenario, each row with `scenario: "A" | "B"` (A's first). */
export function abRows<T, R extends object>(values: AbValues<T>, rows: (value: T) => R[]): Array<R & { scenario: 'A' | 'B' }> {
  const out: Array<R & { scenario: 'A' | 'B' }> = [];
  if (hasA(values)) for (const r of rows(values.A)) out.push({ ...r, scenario: 'A' });
  for (const r of rows(values.B)) out.push({ ...r, scenario: 'B' });
  return out;
}

/** How the legend draws each scenario: its text after the label, and B as a line (default) or a bar. */
export interface AbLegendOptions { A?: string; B?: string; bShape?: 'line' | 'bar' }

/** The legend "A" / "B" (HTML, so it also renders under jsdom in `mmbook run`). */
export function abLegend(opts: AbLegendOptions = {}): HTMLElement {
  const legend = document.createElement('div');
  legend.className = 'ab-legend';
  legend.setAttribute('role', 'list');
  legend.style.cssText = 'display:flex;gap:1.2em;font:12px sans-serif;margin:0 0 4px';
  for (const s of [AB_STYLES.A, AB_STYLES.B]) {
    const item = document.createElement('span');
    item.setAttribute('role', 'listitem');
    item.dataset.scenario = s.key;
    item.style.cssText = 'display:inline-flex;align-items:center;gap:.4em';
    const swatch = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    swatch.setAttribute('width', '18');
    swatch.setAttribute('height', '10');
    swatch.innerHTML = s.key === 'B' && opts.bShape === 'bar' ? '<rect x="0" y="1" width="18" height="8" fill="#9ca3af"/>'
      : `<line x1="0" y1="5" x2="18" y2="5" stroke="${s.color}" stroke-width="3"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`;
    const more = opts[s.key];
    item.append(swatch, more ? `${s.label}: ${more}` : s.label);
    legend.append(item);
  }
  return legend;
}

/**
 * Wraps a plot that overlays A on B in a figure with the legend. `name` and `label` become the
 * figure's data-plot and aria-label (the accessible text should give both scenarios' numbers).
 */
export function abFigure(plot: El, name: string, label: string, legend: AbLegendOptions = {}): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'ab-figure';
  figure.style.margin = '0';
  figure.dataset.plot = name;
  figure.dataset.scenarios = 'A B';
  figure.setAttribute('aria-label', label);
  plot.removeAttribute('data-plot');
  figure.append(abLegend(legend), plot);
  return figure;
}

/**
 * One plot of both scenarios: `marks(value, style)` gives a scenario's marks, drawn with its
 * style; `options` are Plot.plot's (marks excepted). With no A, B's marks alone and no legend.
 */
export function ab<T>(values: AbValues<T>, marks: (value: T, style: AbStyle) => Plot.Markish[], options: Omit<Plot.PlotOptions, 'marks'> & { name?: string } = {}): El {
  const { name = 'ab', ...plotOptions } = options;
  const both = hasA(values);
  const all = [...(both ? marks(values.A, AB_STYLES.A) : []), ...marks(values.B, AB_STYLES.B)];
  const plot = Plot.plot({ ...plotOptions, marks: all }) as El;
  const label = String(plotOptions.ariaLabel ?? plotOptions.title ?? 'plot');
  if (!both) {
    plot.setAttribute('data-plot', name);
    return plot;
  }
  return abFigure(plot, name, `${label} (A: the pinned scenario, dashed; B: the current inputs)`);
}
