/**
 * The sweep panel under the toolbar: the form that declares a sweep (one of the notebook's numeric
 * inputs from…to in n values, × seeds when the notebook has a `seed` input, and the response, one
 * of its named numbers), Run and Cancel, the progress, the response plot (plots.sweepPlot), each
 * failed point with its message, and the saved sweeps to reopen or delete. It only draws and
 * reads the form; sweep-controller.ts runs the sweeps.
 */
import { sweepPlot } from '../../lib/plots/sweep';
import type { SweepDecl, SavedSweep } from '../../lib/sweep/result';
import { pointLabel } from '../../lib/sweep/spec';
import type { SweepProgress } from './sweep-runner';

/** An input the sweep may vary: its current value and, for a range input, its bounds. */
export interface ParamChoice { name: string; value: number; min?: number; max?: number; step?: number }

export interface PanelChoices { params: ParamChoice[]; responses: string[]; hasSeed: boolean }

export interface PanelActions {
  run(decl: SweepDecl): void;
  cancel(): void;
  open(id: string): void;
  remove(id: string): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {}, ...kids: Array<Node | string>): HTMLElementTagNameMap[K] {
  const { dataset, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  if (dataset) Object.assign(e.dataset, dataset);
  e.append(...kids);
  return e;
}

const label = (text: string, control: HTMLElement) => el('label', {}, `${text} `, control);

export class SweepPanel {
  readonly el = el('section', { className: 'sweep-panel', hidden: true });
  private readonly param = el('select', { name: 'param' });
  private readonly from = el('input', { name: 'from', type: 'number', step: 'any', required: true });
  private readonly to = el('input', { name: 'to', type: 'number', step: 'any', required: true });
  private readonly steps = el('input', { name: 'steps', type: 'number', min: '1', step: '1', value: '20', required: true });
  private readonly seeds = el('input', { name: 'seeds', type: 'number', min: '1', step: '1', placeholder: 'as set' });
  private readonly response = el('select', { name: 'response' });
  private readonly runButton = el('button', { type: 'submit', textContent: 'Run sweep', dataset: { action: 'sweep-run' } });
  private readonly cancelButton = el('button', { type: 'button', textContent: 'Cancel', hidden: true, dataset: { action: 'sweep-cancel' } });
  private readonly progress = el('progress', { max: 1, value: 0 });
  private readonly statusText = el('span', { className: 'sweep-status-text' });
  private readonly status = el('div', { className: 'sweep-status', hidden: true }, this.progress, this.statusText);
  private readonly problem = el('p', { className: 'sweep-problem', hidden: true });
  private readonly result = el('div', { className: 'sweep-result' });
  private readonly errors = el('ul', { className: 'sweep-errors' });
  private readonly saved = el('select', { className: 'sweep-saved-select' });
  private readonly deleteButton = el('button', { type: 'button', textContent: 'Delete', dataset: { action: 'sweep-delete' } });
  private readonly savedRow = el('p', { className: 'sweep-saved', hidden: true }, label('Saved sweeps', this.saved), this.deleteButton);
  private choices: PanelChoices = { params: [], responses: [], hasSeed: false };

  constructor(private readonly actions: PanelActions, private readonly width: () => number) {
    this.el.setAttribute('aria-label', 'Sweep');
    this.status.setAttribute('role', 'status');
    this.problem.setAttribute('role', 'alert');
    this.saved.setAttribute('aria-label', 'Saved sweeps');
    this.errors.setAttribute('aria-label', 'Points that failed');
    this.seeds.title = 'Run each value with seed 1 … k (the notebook\'s seed input); empty: the seed as set on the page';
    const form = el('form', { className: 'sweep-form' },
      label('Sweep', this.param), label('from', this.from), label('to', this.to), label('values', this.steps), label('× seeds', this.seeds),
      label('response', this.response), this.runButton, this.cancelButton);
    form.onsubmit = (e) => { e.preventDefault(); this.submit(); };
    this.param.onchange = () => this.fillRange();
    this.cancelButton.onclick = () => actions.cancel();
    this.saved.onchange = () => { if (this.saved.value) actions.open(this.saved.value); };
    this.deleteButton.onclick = () => { if (this.saved.value) actions.remove(this.saved.value); };
    this.el.append(form, this.status, this.problem, this.result, this.errors, this.savedRow);
  }

  /** The inputs and named numbers the form offers (kept selected when still there). */
  setChoices(c: PanelChoices): void {
    const keep = { param: this.param.value, response: this.response.value };
    this.choices = c;
    this.param.replaceChildren(...c.params.map((p) => new Option(p.name, p.name)));
    this.response.replaceChildren(...c.responses.map((r) => new Option(r, r)));
    if (c.params.some((p) => p.name === keep.param)) this.param.value = keep.param;
    else { this.param.value = c.params.find((p) => p.name === 'watermark_scale_factor')?.name ?? c.params[0]?.name ?? ''; this.fillRange(); }
    if (c.responses.includes(keep.response)) this.response.value = keep.response;
    this.seeds.disabled = !c.hasSeed;
    if (!c.hasSeed) this.seeds.value = '';
    this.runButton.disabled = !c.params.length || !c.responses.length;
    this.runButton.title = !c.params.length ? 'The notebook has no numeric input to sweep' : !c.responses.length ? 'The notebook has no named number to plot' : 'Run every point on the worker pool, one worker per core';
  }

  /** Shows a sweep's declaration in the form. */
  setDecl(d: SweepDecl): void {
    if ([...this.param.options].some((o) => o.value === d.name)) this.param.value = d.name;
    this.from.value = String(d.from);
    this.to.value = String(d.to);
    this.steps.value = String(d.steps);
    this.seeds.value = d.seeds === undefined ? '' : String(d.seeds);
    if ([...this.response.options].some((o) => o.value === d.response)) this.response.value = d.response;
  }

  /** A range input's bounds, else its value halved and doubled. */
  private fillRange(): void {
    const p = this.choices.params.find((x) => x.name === this.param.value);
    if (!p) return;
    const from = p.min ?? (p.value > 0 ? p.value / 2 : p.value - 1);
    const to = p.max ?? (p.value > 0 ? p.value * 2 : p.value + 1);
    this.from.value = String(from);
    this.to.value = String(to);
    const count = Number.isInteger(from) && Number.isInteger(to) ? Math.abs(to - from) + 1 : Infinity;
    this.steps.value = String(Math.min(20, count));
  }

  private submit(): void {
    const from = Number(this.from.value), to = Number(this.to.value), steps = Number(this.steps.value);
    const seeds = this.seeds.value.trim() === '' || this.seeds.disabled ? undefined : Number(this.seeds.value);
    const integers = /^-?\d+$/.test(this.from.value.trim()) && /^-?\d+$/.test(this.to.value.trim());
    this.actions.run({ name: this.param.value, from, to, steps, integers, ...(seeds !== undefined ? { seeds } : {}), response: this.response.value });
  }

  show(on: boolean): void { this.el.hidden = !on; }
  get shown(): boolean { return !this.el.hidden; }

  setRunning(running: boolean): void {
    this.runButton.disabled = running || !this.choices.params.length || !this.choices.responses.length;
    this.cancelButton.hidden = !running;
    this.el.dataset.state = running ? 'running' : this.el.dataset.state === 'running' ? '' : this.el.dataset.state ?? '';
  }

  setProblem(message: string | undefined): void {
    this.problem.hidden = message === undefined;
    this.problem.textContent = message ?? '';
  }

  setProgress(p: SweepProgress): void {
    this.status.hidden = false;
    this.progress.value = p.fraction;
    this.statusText.textContent = ` ${p.done} of ${p.total} points${p.cached ? ` (${p.cached} from the cache)` : ''}${p.running ? ` · ${p.running} running` : ''}`;
  }

  /** Draws a sweep (running, or saved) with its failed points. */
  showSweep(s: SavedSweep): void {
    this.el.dataset.state = s.state;
    this.el.dataset.sweep = s.id;
    const done = s.points.filter((p) => p.value !== undefined || p.error !== undefined).length;
    if (s.state !== 'running') {
      this.status.hidden = false;
      this.progress.value = s.points.length ? done / s.points.length : 1;
      const cached = s.points.filter((p) => p.cached).length;
      this.statusText.textContent = ` ${s.state === 'cancelled' ? 'cancelled: ' : ''}${done} of ${s.points.length} points${cached ? ` (${cached} from the cache)` : ''} · ${new Date(s.startedAt).toLocaleString()}`;
    }
    this.result.replaceChildren(sweepPlot(s, { width: this.width() }));
    const failed = s.points.filter((p) => p.error !== undefined);
    this.errors.replaceChildren(...failed.map((p) => el('li', { dataset: { point: pointLabel(p.point) } }, el('code', {}, pointLabel(p.point)), `: ${p.error}`)));
  }

  /** The saved sweeps, newest first; `current` is selected. */
  setSaved(list: readonly SavedSweep[], current?: string): void {
    this.savedRow.hidden = !list.length;
    this.saved.replaceChildren(...[...list].reverse().map((s) => new Option(`${s.decl.response} vs ${s.decl.name} ${s.decl.from}…${s.decl.to} ×${s.decl.steps}${s.decl.seeds ? `×${s.decl.seeds}` : ''}${s.state === 'cancelled' ? ' (cancelled)' : ''} · ${new Date(s.startedAt).toLocaleTimeString()}`, s.id)));
    if (current) this.saved.value = current;
  }

  clearResult(): void {
    this.result.replaceChildren();
    this.errors.replaceChildren();
    this.status.hidden = true;
    delete this.el.dataset.sweep;
    this.el.dataset.state = '';
  }
}
