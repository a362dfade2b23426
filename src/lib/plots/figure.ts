/**
 * A plot in a <figure> with its accessible text: `aria-label` on the figure (the numbers, for
 * screen readers), `data-plot` (tests and A/B read it), and a short visible <figcaption>; the
 * numbers also go in a visually hidden table, so a screen reader can walk them row by row.
 */
type El = SVGSVGElement | HTMLElement;

const HIDDEN = 'position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0';

export interface FigureText {
  /** data-plot */
  name: string;
  /** aria-label: every number the plot shows, in words */
  label: string;
  /** the visible one-line caption */
  caption: string;
  /** the numbers as a table (header row first), hidden from sight */
  table?: Array<Array<string | number>>;
}

export function plotFigure(plots: El | El[], text: FigureText): HTMLElement {
  const figure = document.createElement('figure');
  figure.style.margin = '0';
  figure.dataset.plot = text.name;
  figure.setAttribute('aria-label', text.label);
  for (const p of Array.isArray(plots) ? plots : [plots]) {
    p.removeAttribute('data-plot');
    p.setAttribute('aria-hidden', 'true');
    figure.append(p);
  }
  const cap = document.createElement('figcaption');
  cap.textContent = text.caption;
  figure.append(cap);
  if (text.table?.length) {
    const table = document.createElement('table');
    table.setAttribute('style', HIDDEN);
    table.className = 'plot-data';
    text.table.forEach((row, i) => {
      const tr = document.createElement('tr');
      for (const c of row) {
        const cell = document.createElement(i === 0 ? 'th' : 'td');
        cell.textContent = String(c);
        tr.append(cell);
      }
      table.append(tr);
    });
    figure.append(table);
  }
  return figure;
}
