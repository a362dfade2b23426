/**
 * The notebook kernel's public API: the types in src/kernel/types.ts and the functions below.
 *
 * Details worth knowing, all backward-compatible:
 * - CellSource gains optional `output`, `format`, `database` (notebook-kit attributes kept for
 *   lossless round-trips); NotebookDoc gains optional `theme` and `readOnly` for the same reason.
 * - CellStatus 'error': `line` is 1-based, `column` 0-based (acorn/CodeMirror convention), both
 *   relative to the cell's own source.
 * - NotebookSession also has `displays(id)` (values displayed by the latest run).
 * - `ensureDom()` must be awaited once in Node before parseNotebook/serializeNotebook
 *   (loadNotebook does it); browsers need nothing.
 * - HeadlessNotebook (loadNotebook's result) also has `session`, `settled()`, `setInput()`, `displays()`;
 *   its `status()` and `redefine()` are async (they settle first).
 * - `renderValue` (one-line text rendering) and `toJSONValue` (JSON-safe copy) for hosts.
 * - A `waiting` status: a cell that calls the `waiting(message, {input})` builtin needs input the
 *   reader has not given; its dependents wait for the same input (not `blocked`). CellInfo has
 *   `warnings`: what the per-cell `warn(message)` builtin was given in the latest run.
 * - `OpenOptions.cellBuiltins`: the host's own per-cell builtins (the workbench's `cached`); a
 *   run they `tag(...)` ends in a `done` status with those `tags`.
 * - The `scenarioA` builtin is null unless the host sets it (`setInput('scenarioA', values)`): the
 *   workbench gives it the named values of the pinned scenario A (src/app/ab).
 * - `cellsFor(cells, names, given)` picks the cells some named values need, and
 *   `evaluateNumbers(job, host)` runs only those, off the page and without a DOM, for their numbers
 *   (a sweep point in a pool worker: src/app/worker/sweep-impl.ts).
 */
export type {
  CellSource, NotebookDoc, CellStatus, CellInfo, KernelEvent, Diagnostic, OpenOptions, HeadlessNotebook,
} from './types';
export { parseNotebook, serializeNotebook } from './format';
export { ensureDom, setDomParser } from './dom';
export { NotebookSession } from './session';
export { loadNotebook } from './headless';
export { KernelError } from './errors';
export { renderValue, toJSONValue } from './render';
export { isWaiting, WaitingForInput } from './waiting';
export type { CellContext, CellBuiltinFactory } from './cell';
export { cellsFor, type CellShape } from './closure';
export { evaluateNumbers, type NumbersJob, type NumbersAnswer, type EvaluateHost } from './evaluate';
