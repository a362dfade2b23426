/**
 * The A/B panel under the toolbar: what scenario A is (when it was pinned, whether it is still
 * computing, which of its cells did not finish) and every named value that differs between A and
 * B, with both values (changed leaves of a structured value, changed lines of a text).
 */
import { shortText, type NamedDiff } from './value-diff';

export interface AbPanelState {
  pinnedAt: number;
  phase: 'computing' | 'ready' | 'failed';
  /** why A could not run (phase failed) */
  message?: string;
  unfinished: string[];
  diffs?: NamedDiff[];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function abPanel(): HTMLElement {
  const section = el('section', 'ab-panel');
  section.setAttribute('aria-label', 'A/B comparison');
  section.hidden = true;
  return section;
}

/** One side of a row: the value, or the changed leaves with this side's values. */
function side(d: NamedDiff, which: 'a' | 'b'): HTMLElement {
  const td = el('td', `ab-${which}`);
  const whole = d.changes.length === 1 && d.changes[0]!.path === '';
  if (whole) { td.append(el('code', undefined, shortText(d.changes[0]![which]))); return td; }
  const ul = el('ul');
  for (const c of d.changes) {
    const li = el('li');
    li.append(el('span', 'ab-path', `${c.path}: `), el('code', undefined, shortText(c[which], 60)));
    ul.append(li);
  }
  if (d.totalChanges > d.changes.length) ul.append(el('li', 'ab-more', `… ${d.totalChanges - d.changes.length} more`));
  td.append(ul);
  return td;
}

export function renderAbPanel(section: HTMLElement, state: AbPanelState | undefined): void {
  section.hidden = !state;
  if (!state) { section.replaceChildren(); return; }
  const when = new Date(state.pinnedAt).toLocaleString();
  const head = el('p', 'ab-head');
  head.append(el('strong', undefined, 'A/B'), ` · A pinned ${when} · `);
  const status = el('span', 'ab-status');
  section.dataset.phase = state.phase;
  if (state.phase === 'computing') status.textContent = 'computing A…';
  else if (state.phase === 'failed') status.textContent = `A could not run: ${state.message ?? 'unknown error'}`;
  else status.textContent = state.diffs ? (state.diffs.length ? `${state.diffs.length} named value${state.diffs.length === 1 ? '' : 's'} differ` : 'no named value differs') : 'comparing…';
  head.append(status);
  const parts: HTMLElement[] = [head];
  if (state.unfinished.length) {
    const ul = el('ul', 'ab-unfinished');
    ul.setAttribute('aria-label', "A's cells that did not finish");
    for (const u of state.unfinished) ul.append(el('li', undefined, `A: ${u}`));
    parts.push(ul);
  }
  if (state.phase === 'ready' && state.diffs?.length) {
    const table = el('table', 'ab-diff');
    const thead = el('thead');
    const hr = el('tr');
    hr.append(el('th', undefined, 'name'), el('th', undefined, 'A (pinned)'), el('th', undefined, 'B (current inputs)'));
    thead.append(hr);
    const tbody = el('tbody');
    for (const d of state.diffs) {
      const tr = el('tr');
      tr.dataset.name = d.name;
      tr.dataset.kind = d.kind;
      const th = el('th', undefined, d.name);
      th.scope = 'row';
      th.append(' ', el('small', 'ab-kind', d.kind));
      tr.append(th, side(d, 'a'), side(d, 'b'));
      tbody.append(tr);
    }
    table.append(thead, tbody);
    parts.push(table);
  }
  section.replaceChildren(...parts);
}
