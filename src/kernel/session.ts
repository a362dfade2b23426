/**
 * NotebookSession: one notebook on one @observablehq/runtime 6 instance. Each cell is defined the
 * way notebook-kit does it (a variable per cell, one per declared name, per-cell display/view as
 * shadow inputs), and the kernel's own dependency graph attributes errors, blocks and waits.
 */
import { Runtime } from '@observablehq/runtime';
import type { Module, Observer, Variable } from '@observablehq/runtime';
import { classifyRejection, refreshedStatus, waitingFor } from './attribution';
import { CellRun } from './cell';
import type { CellBuiltinFactory, CellHost } from './cell';
import { KernelError } from './errors';
import { isGeneratorish, nowGenerator, settlingGenerator } from './generators';
import { DependencyGraph } from './graph';
import { installScheduler } from './scheduler';
import type { CellInfo, CellSource, CellStatus, Diagnostic, KernelEvent, NotebookDoc, OpenOptions } from './types';
import { isWaiting, waiting } from './waiting';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/** The first value of a generator (which is then stopped), or the value itself. */
async function firstValue(v: unknown): Promise<unknown> {
  if (!isGeneratorish(v)) return v;
  try {
    const r = await v.next();
    return r.done ? undefined : r.value;
  } finally {
    settlingGenerator(v).return(undefined);
  }
}

/** A parameter in the type of the input's own value (see Session.defineParam). */
function paramAs(own: unknown, param: unknown): unknown {
  if (isPlainObject(own) && isPlainObject(param)) return { ...own, ...param };
  if (typeof own === 'string' && (typeof param === 'number' || typeof param === 'boolean')) return String(param);
  if (typeof own === 'number' && typeof param === 'string' && param.trim() !== '' && Number.isFinite(Number(param))) return Number(param);
  return param;
}

const nameOf = (v: unknown) => (isGeneratorish(v) ? settlingGenerator(v) : v);

export class NotebookSession implements CellHost {
  readonly seed: string;
  readonly cellBuiltins: ReadonlyMap<string, CellBuiltinFactory>;
  private readonly runtime: Runtime;
  private readonly main: Module;
  private readonly order: CellRun[] = [];
  private readonly byId = new Map<number, CellRun>();
  private graph = new DependencyGraph([]);
  private readonly listeners = new Set<(e: KernelEvent) => void>();
  private readonly active = new Set<number>();
  private idleWaiters: Array<() => void> = [];
  private readonly params = new Map<string, unknown>();
  /** values set by setInput on names that are not views; dropped when the defining cell is edited */
  private readonly inputs = new Map<string, unknown>();
  /** variables for overridden names no cell defines */
  private readonly freeVars = new Map<string, Variable>();
  private readonly title: string;
  private readonly attrs: Pick<NotebookDoc, 'theme' | 'readOnly' | 'attrs'>;
  private disposed = false;

  static open(doc: NotebookDoc, opts: OpenOptions = {}): NotebookSession {
    return new NotebookSession(doc, opts);
  }

  private constructor(doc: NotebookDoc, opts: OpenOptions) {
    this.title = doc.title;
    this.attrs = { theme: doc.theme, readOnly: doc.readOnly, attrs: doc.attrs };
    this.seed = opts.seed ?? doc.title;
    this.cellBuiltins = new Map(Object.entries(opts.cellBuiltins ?? {}));
    const builtins: Record<string, unknown> = {
      now: () => settlingGenerator(nowGenerator()),
      width: () => opts.width ?? 640,
      waiting: () => waiting,
      // the named values of the pinned scenario A; null unless a host pins one (the workbench
      // does, through setInput('scenarioA', values)), so a notebook that overlays A runs anywhere
      scenarioA: () => null,
    };
    for (const [k, v] of Object.entries(opts.builtins ?? {})) builtins[k] = () => v;
    this.runtime = new Runtime(builtins);
    installScheduler(this.runtime);
    this.main = this.runtime.module();
    for (const [k, v] of Object.entries(opts.params ?? {})) this.params.set(k, v);
    const seen = new Set<number>();
    for (const c of doc.cells) {
      if (!Number.isInteger(c.id) || c.id <= 0 || seen.has(c.id)) {
        throw new KernelError('NOTEBOOK_CELL_ID', `cell ids must be unique positive integers; got ${c.id}`, `cell ${c.id}`);
      }
      seen.add(c.id);
      const cell = new CellRun(c, this);
      this.order.push(cell);
      this.byId.set(c.id, cell);
    }
    this.rebuildGraph();
    for (const name of this.params.keys()) if (!this.graph.definers.has(name)) this.defineFree(name, this.params.get(name));
    for (const cell of this.order) this.defineCell(cell);
  }

  /** The current (edited) document. */
  get doc(): NotebookDoc {
    const d: NotebookDoc = { title: this.title, cells: this.order.map((c) => ({ ...c.source })) };
    if (this.attrs.theme !== undefined) d.theme = this.attrs.theme;
    if (this.attrs.readOnly) d.readOnly = true;
    if (this.attrs.attrs) d.attrs = { ...this.attrs.attrs };
    return d;
  }

  cells(): CellInfo[] {
    return this.order.map((c) => ({
      id: c.id,
      inputs: c.inputs.filter((n) => n !== 'display' && n !== 'view'),
      outputs: [...c.outputs],
      status: c.status,
      source: { ...c.source },
      warnings: [...c.warnings],
    }));
  }

  diagnostics(): Diagnostic[] {
    const syntax: Diagnostic[] = this.order.filter((c) => c.failure).map((c) => ({
      kind: 'syntax', cellIds: [c.id],
      message: `cell ${c.id}: ${c.failure!.message}${c.failure!.line ? ` (line ${c.failure!.line}, column ${c.failure!.column})` : ''}`,
    }));
    return [...this.graph.diagnostics, ...syntax];
  }

  /** The values the cell displayed in its latest run. */
  displays(id: number): unknown[] {
    return [...this.cell(id, 'displays').displays];
  }

  subscribe(fn: (e: KernelEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  define(cell: Omit<CellSource, 'id'> & { id?: number }, index?: number): number {
    this.live('define');
    let id = cell.id;
    if (id === undefined || this.byId.has(id) || !Number.isInteger(id) || id <= 0) {
      id = Math.max(0, ...this.byId.keys()) + 1;
    }
    const run = new CellRun({ ...cell, id }, this);
    const at = index === undefined ? this.order.length : Math.max(0, Math.min(index, this.order.length));
    this.order.splice(at, 0, run);
    this.byId.set(id, run);
    // a new cell defining a name replaces a setInput override of it (as editing its cell would)
    for (const o of run.outputs) { this.dropFree(o); this.inputs.delete(o); }
    this.rebuildGraph();
    this.defineCell(run);
    this.emit({ type: 'structure' });
    return id;
  }

  redefine(id: number, value: string, mode?: string): void {
    this.live('redefine');
    const cell = this.cell(id, 'redefine');
    cell.source = { ...cell.source, value, ...(mode !== undefined ? { mode } : {}) };
    cell.abortRun('cell redefined');
    for (const o of cell.outputs) this.inputs.delete(o);
    const before = cell.outputs;
    cell.compile();
    for (const o of cell.outputs) if (!before.includes(o)) this.dropFree(o);
    this.rebuildGraph();
    this.defineCell(cell);
    this.emit({ type: 'structure' });
  }

  remove(id: number): void {
    this.live('remove');
    const cell = this.cell(id, 'remove');
    cell.removed = true;
    cell.abortRun('cell removed');
    cell.cellVar?.delete();
    for (const v of cell.nameVars.values()) v.delete();
    cell.nameVars.clear();
    this.order.splice(this.order.indexOf(cell), 1);
    this.byId.delete(id);
    this.markInactive(id);
    this.rebuildGraph();
    for (const [name, v] of [...this.params, ...this.inputs]) if (!this.graph.definers.has(name)) this.defineFree(name, v);
    this.emit({ type: 'structure' });
  }

  move(id: number, index: number): void {
    this.live('move');
    const cell = this.cell(id, 'move');
    this.order.splice(this.order.indexOf(cell), 1);
    this.order.splice(Math.max(0, Math.min(index, this.order.length)), 0, cell);
    this.emit({ type: 'structure' });
  }

  /**
   * Sets a named value. A name defined by a `view(...)` cell gets the value through its input
   * element (so the element shows it); any other name is overridden until its cell is edited.
   */
  setInput(name: string, value: unknown): void {
    this.live('setInput');
    const id = this.graph.definer(name);
    const cell = id === undefined ? undefined : this.byId.get(id);
    if (cell && cell.views.length === 1 && cell.outputs.length === 1 && !this.params.has(name)) {
      const el = cell.views[0] as HTMLInputElement;
      el.value = value as string;
      const Ev = (el.ownerDocument?.defaultView as unknown as { Event?: typeof Event } | null)?.Event ?? Event;
      el.dispatchEvent(new Ev(el.type === 'checkbox' || el.type === 'button' ? 'click' : 'input', { bubbles: true }));
      return;
    }
    if (this.params.has(name)) this.params.set(name, value);
    else this.inputs.set(name, value);
    if (cell) this.defineNames(cell);
    else this.defineFree(name, value);
  }

  async value(name: string): Promise<unknown> {
    await this.settled();
    try {
      return await this.main.value(name);
    } catch (e) {
      const id = this.graph.definer(name);
      const cell = id === undefined ? undefined : this.byId.get(id);
      const s = cell?.status;
      if (s?.state === 'blocked') throw new KernelError('CELL_BLOCKED', `${name} (cell ${id}) is blocked by ${s.by.name} (cell ${s.by.cellId})`);
      if (s?.state === 'error') throw new KernelError('CELL_ERROR', `${name} (cell ${id}): ${s.message}`);
      if (s?.state === 'waiting') throw new KernelError('CELL_WAITING', `${name} (cell ${id}) is waiting for ${s.for.name} (cell ${s.for.cellId}): ${s.message}`);
      throw e;
    }
  }

  /** Resolves when no cell is queued or running. */
  async settled(): Promise<void> {
    await this.runtime._compute();
    while (this.active.size && !this.disposed) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await this.runtime._compute();
    }
  }

  precedents(id: number): number[] {
    return this.graph.precedents(id);
  }

  dependents(id: number): number[] {
    return this.graph.dependents(id);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.order) { c.removed = true; c.abortRun('notebook disposed'); }
    this.runtime.dispose();
    this.active.clear();
    for (const w of this.idleWaiters.splice(0)) w();
    this.listeners.clear();
  }

  // ---- CellHost ----

  setStatus(cell: CellRun, status: CellStatus): void {
    if (cell.removed) return;
    const prev = cell.status;
    cell.status = status;
    const active = status.state === 'queued' || status.state === 'running';
    if (active) this.markActive(cell.id);
    this.emit({ type: 'status', cellId: cell.id, status });
    if (!active) this.refreshDependents(cell, prev);
    if (!active) this.markInactive(cell.id);
  }

  emitWarnings(cell: CellRun): void {
    if (!cell.removed) this.emit({ type: 'warnings', cellId: cell.id, warnings: [...cell.warnings] });
  }

  emitDisplay(cell: CellRun, value: unknown): void {
    if (!cell.removed) this.emit({ type: 'display', cellId: cell.id, value });
  }

  emitClear(cell: CellRun): void {
    if (!cell.removed) this.emit({ type: 'clear', cellId: cell.id });
  }

  // ---- internals ----

  private emit(e: KernelEvent): void {
    for (const fn of this.listeners) {
      try { fn(e); } catch (err) { console.error('mmbook kernel: listener failed', err); }
    }
  }

  private live(op: string): void {
    if (this.disposed) throw new KernelError('SESSION_DISPOSED', `${op}: the notebook session was disposed`);
  }

  private cell(id: number, op: string): CellRun {
    const c = this.byId.get(id);
    if (!c) throw new KernelError('CELL_NOT_FOUND', `${op}: no cell with id ${id}`);
    return c;
  }

  private markActive(id: number): void {
    const was = this.active.size;
    this.active.add(id);
    if (was === 0) this.emit({ type: 'busy', busy: true });
  }

  private markInactive(id: number): void {
    if (!this.active.delete(id) || this.active.size) return;
    this.emit({ type: 'busy', busy: false });
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private rebuildGraph(): void {
    this.graph = new DependencyGraph(this.order.map((c) => ({ id: c.id, inputs: c.inputs, outputs: c.outputs })));
    // Duplicates appear/disappear without the runtime recomputing the defining cells.
    for (const c of this.order) {
      const dup = this.duplicateOf(c);
      if (dup && c.status.state === 'done') this.setStatus(c, { state: 'error', message: dup.message, count: c.count });
      else if (!dup && c.status.state === 'error' && c.status.message.includes('is defined more than once') && c.lastDone) {
        this.setStatus(c, c.lastDone);
      }
    }
  }

  private duplicateOf(c: CellRun): Diagnostic | undefined {
    return this.graph.diagnostics.find((d) => d.kind === 'duplicate' && d.cellIds.includes(c.id));
  }

  /** Defines (or redefines in place) the cell variable and its per-name variables. */
  private defineCell(cell: CellRun): void {
    if (!cell.cellVar) cell.cellVar = this.main.variable(this.observer(cell), { shadow: cell.shadow() });
    else if (Object.keys(cell.shadow()).some((n) => !(cell.cellVar as unknown as { _shadow: Map<string, unknown> | null })._shadow?.has(n))) {
      // New per-cell builtins referenced: shadows are fixed at creation, so make a new variable.
      cell.cellVar.delete();
      cell.cellVar = this.main.variable(this.observer(cell), { shadow: cell.shadow() });
    }
    const vid = cell.outputs.length ? `cell ${cell.id}` : null;
    cell.cellVar.define(vid, cell.runtimeInputs(), cell.definition());
    this.defineNames(cell);
  }

  private defineNames(cell: CellRun): void {
    const vid = `cell ${cell.id}`;
    for (const [name, v] of cell.nameVars) {
      if (!cell.outputs.includes(name)) { v.delete(); cell.nameVars.delete(name); }
    }
    for (const o of cell.outputs) {
      let v = cell.nameVars.get(o);
      if (!v) cell.nameVars.set(o, (v = this.main.variable(true)));
      if (this.params.has(o)) this.defineParam(v, o, cell);
      else if (this.inputs.has(o)) v.define(o, [], () => this.inputs.get(o));
      else v.define(o, [vid], (exports: Record<string, unknown>) => nameOf(exports[o]));
    }
  }

  /**
   * A parameter overrides the name. For an input (a `view(...)` cell) it is taken in the type of
   * the input's own value: an object given to a form input (`-p topology.ramMiB=2048`) overrides
   * only the fields it names, a number given to a text or select input is its text (`-p kernel=6.1`
   * is "6.1"), a numeric text given to a number input is the number. Other names take it as given.
   */
  private defineParam(v: Variable, name: string, cell: CellRun): void {
    const p = this.params.get(name);
    if (!/\bview\s*\(/.test(cell.source.value)) { v.define(name, [], () => this.params.get(name)); return; }
    v.define(name, [`cell ${cell.id}`], async (exports: Record<string, unknown>) => {
      const own = await firstValue(exports[name]);
      const param = this.params.get(name);
      return paramAs(own, param === undefined ? p : param);
    });
  }

  private defineFree(name: string, value: unknown): void {
    let v = this.freeVars.get(name);
    if (!v) this.freeVars.set(name, (v = this.main.variable(true)));
    v.define(name, [], () => value);
  }

  private dropFree(name: string): void {
    this.freeVars.get(name)?.delete();
    this.freeVars.delete(name);
  }

  private observer(cell: CellRun): Observer {
    return {
      pending: () => {
        if (cell.removed) return;
        cell.abortRun('cell invalidated');
        this.setStatus(cell, { state: 'queued', ...waitingFor(this.graph, this.byId, cell) });
      },
      fulfilled: (value: unknown) => {
        if (cell.removed) return;
        cell.fulfilled(value);
        this.showOverride(cell);
        const dup = this.duplicateOf(cell);
        if (dup) this.setStatus(cell, { state: 'error', message: dup.message, count: cell.count });
      },
      rejected: (error: unknown) => {
        if (cell.removed) return;
        if (cell.displayedRun !== cell.run) { cell.displayedRun = cell.run; if (cell.displays.length) { cell.displays = []; this.emitClear(cell); } }
        const status = classifyRejection(this.graph, this.byId, cell, error);
        // warnings are about a result: a run that failed keeps its own; an upstream stop drops them
        if (!isWaiting(error) && (status.state === 'blocked' || status.state === 'waiting')) {
          if (cell.warnings.length) { cell.warnings = []; this.emitWarnings(cell); }
        } else cell.endWarnings();
        this.setStatus(cell, status);
      },
    };
  }

  /** A view cell whose value is overridden (param/setInput) shows the override in its input element. */
  private showOverride(cell: CellRun): void {
    const name = cell.outputs[0];
    if (cell.views.length !== 1 || cell.outputs.length !== 1 || name === undefined) return;
    const has = this.params.has(name) ? this.params : this.inputs.has(name) ? this.inputs : undefined;
    if (!has) return;
    try {
      (cell.views[0] as { value: unknown }).value = has.get(name);
    } catch { /* an element without a settable value keeps showing its own */ }
  }

  /** After a cell finishes: its dependents' queued/blocked/waiting attribution may change (attribution.ts). */
  private refreshDependents(cell: CellRun, prev: CellStatus): void {
    for (const did of this.graph.dependents(cell.id)) {
      const d = this.byId.get(did);
      const next = d && refreshedStatus(this.graph, this.byId, cell, prev, d);
      if (next) this.setStatus(d!, next);
    }
  }

}
