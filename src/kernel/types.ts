/**
 * Public types of the notebook kernel (src/kernel/index.ts is the entry point).
 * The workbench and the CLI code against these; keep changes backward-compatible.
 */

/** One notebook cell as stored in the file (`<script id type pinned hidden …>`). */
export interface CellSource {
  id: number;
  mode: 'js' | 'ts' | 'md' | 'html' | string;
  value: string;
  pinned?: boolean;
  hidden?: boolean;
  /** notebook-kit's own optional attributes, kept so that round-trips are lossless */
  output?: string;
  format?: string;
  database?: string;
  /** extra `<script>` attributes mmbook keeps (notebook-kit drops them), in document order */
  attrs?: Record<string, string>;
}

export interface NotebookDoc {
  title: string;
  cells: CellSource[];
  /** `<notebook theme>`; notebook-kit's default "air" when absent */
  theme?: string;
  /** `<notebook readonly>` */
  readOnly?: boolean;
  /** extra `<notebook>` attributes mmbook keeps, in document order */
  attrs?: Record<string, string>;
}

export type CellStatus =
  | { state: 'idle' }
  | { state: 'queued'; waitingFor?: { name: string; cellId: number } }
  | { state: 'running'; startedAt: number }
  /** `tags`: what the host's per-cell builtins marked the run with (e.g. "cached"), when any */
  | { state: 'done'; durationMs: number; count: number; tags?: string[] }
  | { state: 'error'; message: string; line?: number; column?: number; count: number }
  | { state: 'blocked'; by: { name: string; cellId: number } }
  /**
   * The cell (or a cell it depends on) called `waiting(message, {input})`: it needs input the reader
   * has not given yet. `for` is that input (its defining cell), or the waiting cell itself when it
   * named none; `message` is what the waiting cell (`askedBy`) asked for. Not a failure.
   */
  | { state: 'waiting'; message: string; for: { name: string; cellId: number }; askedBy: number };

export interface CellInfo {
  id: number;
  /** free names the cell reads (after transpilation), excluding kernel-provided display/view */
  inputs: string[];
  /** names the cell declares */
  outputs: string[];
  status: CellStatus;
  source: CellSource;
  /** what the cell's latest run passed to `warn(...)`, in order */
  warnings: string[];
}

export type KernelEvent =
  | { type: 'status'; cellId: number; status: CellStatus }
  | { type: 'display'; cellId: number; value: unknown }
  | { type: 'clear'; cellId: number }
  /** the cell's warnings changed (a new run's first warn(), or a run that ended without any) */
  | { type: 'warnings'; cellId: number; warnings: string[] }
  | { type: 'busy'; busy: boolean }
  | { type: 'structure' };

export interface Diagnostic {
  kind: 'duplicate' | 'cycle' | 'syntax';
  message: string;
  cellIds: number[];
  name?: string;
}

export interface OpenOptions {
  /** host libraries: Plot, Inputs, html, md, mm, … — values, not definitions */
  builtins?: Record<string, unknown>;
  /** override named values (papermill-style); wins over the defining cell, even a view(...) */
  params?: Record<string, unknown>;
  /** seed of the `random` builtin (default: the notebook title) */
  seed?: string;
  /** value of the `width` builtin (default 640) */
  width?: number;
  /**
   * Per-cell builtins of the host: for each run of a cell that reads the name, the factory gets
   * the cell's context (its id, and `tag(label)` to mark the run's `done` status) and returns the
   * value the cell sees. The browser's `cached` is one (it tags a result read from the cache).
   */
  cellBuiltins?: Record<string, import('./cell').CellBuiltinFactory>;
}

/** What `loadNotebook` returns: a session plus headless conveniences. */
export interface HeadlessNotebook {
  readonly session: import('./session').NotebookSession;
  value(name: string): Promise<unknown>;
  /** settles, then returns every cell's status by id */
  status(): Promise<Map<number, CellStatus>>;
  cells(): CellInfo[];
  redefine(id: number, value: string, mode?: string): Promise<void>;
  setInput(name: string, value: unknown): Promise<void>;
  settled(): Promise<void>;
  /** the values a cell displayed in its latest run (display(...) calls and the implicit display) */
  displays(id: number): unknown[];
  dispose(): void;
}
