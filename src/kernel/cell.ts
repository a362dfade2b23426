/**
 * Per-cell run state and the pieces of a cell's runtime definition: the wrapped body (which
 * substitutes the per-cell builtins display/view/signal/random for each run) and the status
 * bookkeeping. The session (session.ts) owns the runtime and the graph.
 */
import type { Variable } from '@observablehq/runtime';
import { compileCell, errorLocation } from './compile';
import type { CompiledCell, CompileFailure } from './compile';
import { inputGenerator, isGeneratorish, settlingGenerator } from './generators';
import { seededRandom } from './random';
import type { CellSource, CellStatus } from './types';

/** Builtins the kernel supplies per cell (shadowing any global of the same name). */
export const CELL_BUILTINS = new Set(['display', 'view', 'signal', 'random', 'warn']);

/**
 * What a host's per-cell builtin (OpenOptions.cellBuiltins) is made from, once per run of a cell
 * that reads it: the cell's id and `tag(label)`, which marks this run's result (a `done` status
 * carries the run's tags, such as "cached").
 */
export interface CellContext {
  readonly id: number;
  tag(label: string): void;
}
export type CellBuiltinFactory = (cell: CellContext) => unknown;

export interface CellHost {
  readonly seed: string;
  /** the host's per-cell builtins, by name (substituted per run like display and warn) */
  readonly cellBuiltins: ReadonlyMap<string, CellBuiltinFactory>;
  emitDisplay(cell: CellRun, value: unknown): void;
  emitClear(cell: CellRun): void;
  emitWarnings(cell: CellRun): void;
  setStatus(cell: CellRun, status: CellStatus): void;
}

export class CellRun {
  source: CellSource;
  compiled: CompiledCell | null = null;
  failure: CompileFailure | null = null;
  /** names read / declared, for the graph; outputs survive a syntax error so dependents stay blocked */
  inputs: string[] = [];
  outputs: string[] = [];
  cellVar: Variable | null = null;
  readonly nameVars = new Map<string, Variable>();
  status: CellStatus = { state: 'idle' };
  /** last successful status, restored when a duplicate definition elsewhere goes away */
  lastDone: CellStatus | null = null;
  count = 0;
  /** bumped each time the body starts */
  run = 0;
  private t0 = 0;
  displayedRun = -1;
  displays: unknown[] = [];
  views: unknown[] = [];
  /** what warn() was given, and in which run (the previous run's stay until this one warns or ends) */
  warnings: string[] = [];
  private warnedRun = -1;
  /** what the host's per-cell builtins tagged this run with (CellContext.tag) */
  tags: string[] = [];
  abort: AbortController | null = null;
  removed = false;
  lastValue: unknown = undefined;

  constructor(source: CellSource, private readonly host: CellHost) {
    this.source = { ...source };
    this.compile();
  }

  get id(): number {
    return this.source.id;
  }

  /** Compiles the current source; on a syntax error keeps the previous outputs. */
  compile(): void {
    const r = compileCell(this.source);
    if (r.ok) {
      this.compiled = r;
      this.failure = null;
      this.inputs = r.inputs;
      this.outputs = r.outputs;
    } else {
      this.compiled = null;
      this.failure = r;
      this.inputs = [];
    }
  }

  /** Inputs the runtime must resolve (per-cell builtins become shadow variables). */
  runtimeInputs(): string[] {
    return this.compiled ? this.compiled.inputs : [];
  }

  shadow(): Record<string, unknown> {
    const s: Record<string, unknown> = {};
    for (const n of this.runtimeInputs()) if (this.isCellBuiltin(n)) s[n] = () => null;
    return s;
  }

  private isCellBuiltin(name: string): boolean {
    return CELL_BUILTINS.has(name) || this.host.cellBuiltins.has(name);
  }

  /** Aborts the signal of the current run (invalidation, redefinition, removal, dispose). */
  abortRun(reason: string): void {
    if (this.abort && !this.abort.signal.aborted) this.abort.abort(new Error(reason));
    this.abort = null;
  }

  private get usesSignal(): boolean {
    return !!this.compiled && this.compiled.inputs.includes('signal');
  }

  /** The definition given to the runtime: runs the compiled body with this run's builtins. */
  definition(): (...args: unknown[]) => unknown {
    const compiled = this.compiled;
    const failure = this.failure;
    const names = this.runtimeInputs();
    const slots = names.map((n) => (this.isCellBuiltin(n) ? n : null));
    const cell = this;
    return function (this: unknown, ...args: unknown[]) {
      if (!compiled) {
        cell.beginRun();
        const e = new SyntaxError(failure!.message);
        throw e;
      }
      const run = cell.beginRun();
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i];
        if (s === null) continue;
        args[i] = s === 'display' ? cell.displayFn(run) : s === 'view' ? cell.viewFn(run)
          : s === 'signal' ? cell.abort!.signal : s === 'warn' ? cell.warnFn(run) : s === 'random' ? seededRandom(cell.host.seed, cell.id)
          : cell.host.cellBuiltins.get(s)!(cell.contextFor(run));
      }
      const value = compiled.body.apply(this, args);
      return isGeneratorish(value) ? settlingGenerator(value) : value;
    };
  }

  private beginRun(): number {
    this.abortRun('cell re-run');
    // AbortControllers are costly in Node: only cells that read `signal` get one.
    this.abort = this.usesSignal ? new AbortController() : null;
    this.views = [];
    this.tags = [];
    this.count++;
    this.run++;
    this.t0 = performance.now();
    this.host.setStatus(this, { state: 'running', startedAt: Date.now() });
    return this.run;
  }

  private beginDisplay(run: number): void {
    if (this.displayedRun === run) return;
    this.displayedRun = run;
    if (!this.displays.length) return;
    this.displays = [];
    this.host.emitClear(this);
  }

  displayFn(run: number): (value: unknown) => unknown {
    return (value: unknown) => {
      if (run !== this.run || this.removed) throw new Error('stale display');
      this.beginDisplay(run);
      this.displays.push(value);
      this.host.emitDisplay(this, value);
      return value;
    };
  }

  viewFn(run: number): (element: unknown) => unknown {
    const display = this.displayFn(run);
    return (element: unknown) => {
      display(element);
      this.views.push(element);
      return inputGenerator(element);
    };
  }

  /** The context a host's per-cell builtin gets for one run: tags given after the run ended are dropped. */
  contextFor(run: number): CellContext {
    return {
      id: this.id,
      tag: (label: string) => {
        if (run !== this.run || this.removed || this.tags.includes(label)) return;
        this.tags.push(String(label));
      },
    };
  }

  /** `warn(message)`: a warning about this run's result, shown with the cell (not an error). */
  warnFn(run: number): (message: unknown) => void {
    return (message: unknown) => {
      if (run !== this.run || this.removed) return;
      if (this.warnedRun !== run) { this.warnedRun = run; this.warnings = []; }
      this.warnings.push(typeof message === 'string' ? message : message instanceof Error ? message.message : String(message));
      this.host.emitWarnings(this);
    };
  }

  /** A run ended (value or error): the warnings of an earlier run go if this one gave none. */
  endWarnings(): void {
    if (this.warnedRun === this.run || !this.warnings.length) return;
    this.warnings = [];
    this.host.emitWarnings(this);
  }

  /** Observer callback: the value (or a generator's next value) arrived. */
  fulfilled(value: unknown): void {
    this.lastValue = value;
    this.endWarnings();
    if (this.compiled?.autodisplay && !this.source.hidden) {
      this.displayedRun = -1;
      this.beginDisplay(this.run);
      this.displays.push(value);
      this.host.emitDisplay(this, value);
    } else {
      this.beginDisplay(this.run);
    }
    const done: CellStatus = { state: 'done', durationMs: performance.now() - this.t0, count: this.count, ...(this.tags.length ? { tags: [...this.tags] } : {}) };
    if (this.status.state === 'done') return; // a later generator value: keep the first duration
    this.lastDone = done;
    this.host.setStatus(this, done);
  }

  /** The error status for this cell's own failure (not an upstream one). */
  ownError(error: unknown): CellStatus {
    if (this.failure) {
      return { state: 'error', message: `SyntaxError: ${this.failure.message}`, line: this.failure.line, column: this.failure.column, count: this.count };
    }
    // an error with a stable upper-case code (a library's error class, a Node system error) leads with it
    const code = (error as { code?: unknown } | null)?.code;
    const label = error instanceof Error ? (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) ? code : error.name) : '';
    const message = error instanceof Error ? `${label}: ${error.message}` : String(error);
    const loc = this.compiled ? errorLocation(error, this.compiled) : undefined;
    const s: CellStatus = { state: 'error', message, count: this.count };
    if (loc) { s.line = loc.line; s.column = loc.column; }
    return s;
  }
}
