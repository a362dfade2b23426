/**
 * The DOM of one cell: status line (running with elapsed time, done with duration and tags such as
 * "cached", error with
 * message and line, blocked by a linked cell, waiting for an input), outputs, and the CodeMirror
 * editor (shown when the cell is pinned or being edited), plus its buttons.
 */
import type { CellInfo, CellSource, CellStatus } from '../kernel/index';
import { createEditor, type CellEditor } from './editor';
import { renderValue } from './render-value';

export type CellAction = 'run' | 'edit' | 'above' | 'below' | 'delete' | 'up' | 'down';

const BUTTONS: Array<[CellAction, string, string]> = [
  ['run', '▶', 'Run (Shift+Enter)'],
  ['edit', '✎', 'Show/hide source (Alt+E)'],
  ['above', '+↑', 'Add cell above (Alt+A)'],
  ['below', '+↓', 'Add cell below (Alt+B)'],
  ['up', '↑', 'Move up (Alt+↑)'],
  ['down', '↓', 'Move down (Alt+↓)'],
  ['delete', '✕', 'Delete (Alt+D, undo with Alt+Z)'],
];

export class CellView {
  readonly el: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly tools: HTMLElement;
  private readonly outputEl: HTMLElement;
  private readonly warningsEl: HTMLElement;
  private readonly editorEl: HTMLElement;
  private editor: CellEditor | undefined;
  private source: CellSource;
  status: CellStatus = { state: 'idle' };
  private editing = false;

  constructor(info: CellInfo, private readonly onAction: (id: number, action: CellAction) => void, private readonly onLink: (cellId: number) => void) {
    this.source = info.source;
    this.el = document.createElement('section');
    this.el.className = 'cell';
    this.el.id = `cell-${info.id}`;
    this.el.dataset.cellId = String(info.id);
    this.el.dataset.mode = info.source.mode;
    // Tab reaches each cell; its tool buttons join the tab order while it is the current cell
    this.el.tabIndex = 0;
    this.el.setAttribute('aria-label', `cell ${info.id}`);
    const tools = document.createElement('div');
    tools.className = 'cell-tools';
    tools.setAttribute('role', 'toolbar');
    tools.setAttribute('aria-label', `cell ${info.id} actions`);
    for (const [action, label, title] of BUTTONS) {
      const b = document.createElement('button');
      b.type = 'button';
      b.tabIndex = -1;
      b.textContent = label;
      b.title = title;
      b.setAttribute('aria-label', title);
      b.dataset.action = action;
      b.onclick = () => this.onAction(this.id, action);
      tools.append(b);
    }
    this.tools = tools;
    this.statusEl = document.createElement('div');
    this.statusEl.className = 'cell-status';
    this.warningsEl = document.createElement('ul');
    this.warningsEl.className = 'cell-warnings';
    this.warningsEl.hidden = true;
    this.outputEl = document.createElement('div');
    this.outputEl.className = 'cell-output';
    this.editorEl = document.createElement('div');
    this.editorEl.className = 'cell-editor';
    this.el.append(tools, this.statusEl, this.warningsEl, this.outputEl, this.editorEl);
    this.updateSource(info.source);
    this.setStatus(info.status);
    this.setWarnings(info.warnings);
  }

  get id(): number { return Number(this.el.dataset.cellId); }

  /** The current cell shows its tools and puts them in the tab order (right after the cell itself). */
  setCurrent(on: boolean): void {
    this.el.classList.toggle('current', on);
    for (const b of this.tools.querySelectorAll('button')) b.tabIndex = on ? 0 : -1;
  }
  get editorValue(): string { return this.editor ? this.editor.value() : this.source.value; }
  get mode(): string { return this.source.mode; }

  updateSource(source: CellSource): void {
    this.source = source;
    this.el.dataset.mode = source.mode;
    this.el.classList.toggle('pinned', !!source.pinned);
    if (this.editor && this.editor.value() !== source.value) this.editor.setValue(source.value);
    this.syncEditor();
  }

  toggleEditing(force?: boolean): void {
    this.editing = force ?? !this.editing;
    this.syncEditor();
    if (this.editing) this.editor?.focus();
  }

  focusEditor(): void { this.toggleEditing(true); }

  /** The editor may have been created before the cell was in the document: measure again. */
  attached(): void { this.editor?.view.requestMeasure(); }

  /** Pinned source sits under the output; an unpinned cell shows its source only while edited. */
  private syncEditor(): void {
    const show = !!this.source.pinned || this.editing || this.source.value.trim() === '';
    this.editorEl.hidden = !show;
    if (show && !this.editor) {
      this.editor = createEditor(this.editorEl, this.source.value, this.source.mode, () => this.onAction(this.id, 'run'), () => this.el.classList.add('dirty'));
    }
  }

  clear(): void { this.outputEl.replaceChildren(); }

  display(value: unknown): Node {
    const node = renderValue(value);
    this.outputEl.append(node);
    return node;
  }

  /** What the cell's latest run passed to warn(): shown above its output, in the page's warning colour. */
  setWarnings(warnings: readonly string[]): void {
    this.warningsEl.replaceChildren(...warnings.map((w) => {
      const li = document.createElement('li');
      li.className = 'cell-warning';
      li.textContent = w;
      return li;
    }));
    this.warningsEl.hidden = !warnings.length;
    this.el.classList.toggle('warned', warnings.length > 0);
  }

  setStatus(s: CellStatus): void {
    this.status = s;
    this.el.dataset.state = s.state;
    this.el.classList.remove('dirty');
    const st = this.statusEl;
    st.replaceChildren();
    switch (s.state) {
      case 'running': st.textContent = `running ${fmtMs(elapsed(s.startedAt))}`; break;
      case 'done':
        st.textContent = `[${s.count}] ${fmtMs(s.durationMs)}`;
        // what the run's result is, besides its time: "cached" when it was read from the result cache
        for (const t of s.tags ?? []) {
          const tag = document.createElement('span');
          tag.className = 'cell-tag';
          tag.dataset.tag = t;
          tag.textContent = t;
          if (t === 'cached') tag.title = 'The result was read from the result cache (computed earlier with the same inputs)';
          st.append(' · ', tag);
        }
        break;
      case 'queued':
        st.textContent = s.waitingFor ? 'queued after ' : 'queued';
        if (s.waitingFor) st.append(this.link(s.waitingFor));
        break;
      case 'blocked': st.append('blocked by ', this.link(s.by)); break;
      case 'waiting': {
        // calm: the cell that asked says what it needs; its dependents name the input and link to it
        const w = document.createElement('span');
        w.className = 'cell-waiting';
        w.title = s.message;
        w.append('waiting for ', this.link(s.for));
        if (s.askedBy === this.id) w.append(`: ${s.message}`);
        st.append(w);
        break;
      }
      case 'error': {
        const msg = document.createElement('span');
        msg.className = 'cell-error';
        msg.setAttribute('role', 'alert');
        msg.textContent = `${s.message}${s.line !== undefined ? ` (line ${s.line}${s.column !== undefined ? `, column ${s.column}` : ''})` : ''}`;
        st.append(msg);
        break;
      }
      default: st.textContent = '';
    }
  }

  /** Refresh the elapsed time of a running cell. */
  tick(): void {
    if (this.status.state === 'running') this.statusEl.textContent = `running ${fmtMs(elapsed(this.status.startedAt))}`;
  }

  private link(by: { name: string; cellId: number }): HTMLElement {
    const a = document.createElement('a');
    a.href = `#cell-${by.cellId}`;
    a.className = 'cell-link';
    a.textContent = by.name;
    a.onclick = (e) => { e.preventDefault(); e.stopPropagation(); this.onLink(by.cellId); };
    return a;
  }

  destroy(): void { this.editor?.destroy(); this.el.remove(); }
}

function fmtMs(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** startedAt may be a performance.now() or a Date.now() timestamp. */
function elapsed(startedAt: number): number {
  return (startedAt > 1e12 ? Date.now() : performance.now()) - startedAt;
}
