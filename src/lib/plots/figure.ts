/**
 * The frame of the run-time plots: a <figure data-plot=NAME aria-label=…> holding a legend, the
 * plot(s), and a text fallback for screen readers (a visually hidden table and summary) that says
 * what the picture shows in numbers. Also the sample thinning the time plots share.
 */
import type { WorkloadResult } from '../../sim/index';

/** Visually hidden but read by screen readers (the usual clip pattern). */
const SR_ONLY = 'position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0';

export interface FallbackTable { caption: string; headers: string[]; rows: Array<Array<string | number>> }

/** A table row of column headers (<th scope=col>). */
export function headerRow(headers: readonly string[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const h of headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    tr.append(th);
  }
  return tr;
}

/** A table row of cells, each one's text `text(c)`. */
export function cellRow(cells: ReadonlyArray<string | number>, text: (c: string | number) => string = String): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = text(c);
    tr.append(td);
  }
  return tr;
}

/** A table with a caption, a header row in <thead> and the rows in <tbody>; `className` and `cssText` on the table. */
export function captionedTable(className: string, cssText: string, t: FallbackTable, text?: (c: string | number) => string): HTMLTableElement {
  const table = document.createElement('table');
  table.className = className;
  table.style.cssText = cssText;
  const caption = document.createElement('caption');
  caption.textContent = t.caption;
  const thead = document.createElement('thead');
  thead.append(headerRow(t.headers));
  const tbody = document.createElement('tbody');
  for (const r of t.rows) tbody.append(cellRow(r, text));
  table.append(caption, thead, tbody);
  return table;
}

/** A table only screen readers see (class "plot-fallback"), with its caption; numbers as en-US. */
export function fallbackTable(t: FallbackTable): HTMLTableElement {
  return captionedTable('plot-fallback', SR_ONLY, t, (c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c));
}

export interface LegendItem {
  label: string;
  /** a line (stroke, optional dash and width), a filled box, or a × or dot marker */
  line?: { color: string; dash?: string; width?: number };
  box?: { color: string; opacity?: number; stroke?: string };
  marker?: { shape: 'times' | 'dot'; color: string };
}

/** An HTML legend (it renders under jsdom, where Plot's ramp legends need a canvas). */
export function legend(items: LegendItem[], className = 'plot-legend'): HTMLElement {
  const el = document.createElement('div');
  el.className = className;
  el.setAttribute('role', 'list');
  el.style.cssText = 'display:flex;flex-wrap:wrap;gap:.3em 1.2em;font:12px sans-serif;margin:0 0 4px';
  for (const it of items) {
    const item = document.createElement('span');
    item.setAttribute('role', 'listitem');
    item.style.cssText = 'display:inline-flex;align-items:center;gap:.4em';
    const sw = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    sw.setAttribute('width', '18');
    sw.setAttribute('height', '12');
    sw.setAttribute('aria-hidden', 'true');
    if (it.line) sw.innerHTML = `<line x1="0" y1="6" x2="18" y2="6" stroke="${it.line.color}" stroke-width="${it.line.width ?? 2}"${it.line.dash ? ` stroke-dasharray="${it.line.dash}"` : ''}/>`;
    else if (it.box) sw.innerHTML = `<rect x="1" y="1" width="16" height="10" fill="${it.box.color}" fill-opacity="${it.box.opacity ?? 1}"${it.box.stroke ? ` stroke="${it.box.stroke}"` : ''}/>`;
    else if (it.marker?.shape === 'dot') sw.innerHTML = `<circle cx="9" cy="6" r="3.5" fill="${it.marker.color}"/>`;
    else if (it.marker) sw.innerHTML = `<path d="M5 2L13 10M13 2L5 10" stroke="${it.marker.color}" stroke-width="1.5"/>`;
    item.append(sw, it.label);
    el.append(item);
  }
  return el;
}

/**
 * The figure: `data-plot` (what tests and the A/B machinery find), `aria-label` (the numbers in
 * one sentence), the legend, the plots, and the fallback tables. With `scenarios`, data-scenarios
 * says which scenarios it draws ("A B" when A is overlaid).
 */
export function plotFigure(name: string, label: string, parts: { legend?: HTMLElement; plots: Array<Element>; fallback: HTMLElement[]; scenarios?: string; caption?: string }): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'run-plot';
  figure.style.cssText = 'margin:0;position:relative';
  figure.dataset.plot = name;
  if (parts.scenarios) figure.dataset.scenarios = parts.scenarios;
  figure.setAttribute('aria-label', label);
  figure.setAttribute('role', 'figure');
  if (parts.legend) figure.append(parts.legend);
  for (const p of parts.plots) figure.append(p);
  if (parts.caption) {
    const cap = document.createElement('figcaption');
    cap.style.cssText = 'font:12px sans-serif;color:#555;margin-top:2px';
    cap.textContent = parts.caption;
    figure.append(cap);
  }
  for (const f of parts.fallback) figure.append(f);
  return figure;
}

/**
 * Which samples a time plot draws: all of them up to `max`, else every n-th (the last one always),
 * so a 100,000-sample run still draws a few hundred columns. Returns sample indexes.
 */
export function thinSamples(count: number, max: number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, k) => k);
  const every = Math.ceil(count / max);
  const out: number[] = [];
  for (let k = every - 1; k < count; k += every) out.push(k);
  if (out.at(-1) !== count - 1) out.push(count - 1);
  return out;
}

/** The first step a sample covers: the step after the previous sample (0 for the first). */
export function sampleStart(result: WorkloadResult, k: number): number {
  return k > 0 ? result.samples.step[k - 1]! + 1 : Math.max(0, result.samples.step[0]! + 1 - result.spec.sampleEvery);
}

/** "Node 0 DMA32", as the boot-time plots name zones. */
export const seriesKey = (z: { nid: number; zone: string }): string => `Node ${z.nid} ${z.zone}`;

/** Populated zones of a run (managed > 0), with their index in samples.zones. */
export function populatedZones(result: WorkloadResult): Array<{ zi: number; key: string; zone: string; nid: number; managed: number }> {
  return result.samples.zones.flatMap((z, zi) => (z.managed > 0 ? [{ zi, key: seriesKey(z), zone: z.zone, nid: z.nid, managed: z.managed }] : []));
}

export interface FigureText {
  /** data-plot */
  name: string;
  /** aria-label: every number the plot shows, in words */
  label: string;
  /** the visible one-line caption */
  caption: string;
  /** the numbers as a table (header row first), for screen readers */
  table?: Array<Array<string | number>>;
}

/**
 * plotFigure for plots described by their text: the plots are hidden from screen readers (the
 * figure's label and the fallback table say their numbers), the caption shows under them.
 */
export function textFigure(plots: Element | Element[], text: FigureText): HTMLElement {
  const list = Array.isArray(plots) ? plots : [plots];
  for (const p of list) {
    p.removeAttribute('data-plot');
    p.setAttribute('aria-hidden', 'true');
  }
  const t = text.table;
  const fallback = t?.length ? [fallbackTable({ caption: text.caption, headers: t[0]!.map(String), rows: t.slice(1) })] : [];
  return plotFigure(text.name, text.label, { plots: list, caption: text.caption, fallback });
}
