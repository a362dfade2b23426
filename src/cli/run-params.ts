/**
 * `mmbook run -p` names checked against the notebook: a parameter no cell defines (a typo, or an
 * input of another notebook) is a user error naming the notebook's inputs, and a field of a form
 * input (`-p own.nosuch=1`) that the form does not have is one too.
 */
import { MmError } from '../sim/index';
import type { CellInfo, HeadlessNotebook } from '../kernel/index';

/** The notebook's inputs: names defined by a `view(...)` cell, in document order. */
export function inputNames(cells: readonly CellInfo[]): string[] {
  return cells.filter((c) => c.outputs.length === 1 && /\bview\s*\(/.test(c.source.value)).map((c) => c.outputs[0]!);
}

/** UNKNOWN_PARAM unless every parameter names something a cell defines. */
export function checkParamNames(cells: readonly CellInfo[], params: Record<string, unknown>, notebook: string): void {
  const defined = new Set(cells.flatMap((c) => c.outputs));
  const unknown = Object.keys(params).filter((p) => !defined.has(p));
  if (!unknown.length) return;
  const inputs = inputNames(cells);
  const list = unknown.map((p) => `'${p}'`).join(', ');
  throw new MmError('UNKNOWN_PARAM', `${notebook} has no input named ${list}; its inputs are: ${inputs.join(', ') || '(none)'}`, 'mmbook run -p');
}

/**
 * After the run: an object parameter given to a form input (Inputs.form) may only name the form's
 * fields. The form the cell displayed tells which they are (the notebook's own defaults fill the rest).
 */
export function checkParamFields(nb: HeadlessNotebook, params: Record<string, unknown>, notebook: string): void {
  for (const [name, value] of Object.entries(params)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const cell = nb.cells().find((c) => c.outputs.length === 1 && c.outputs[0] === name && /\bview\s*\(/.test(c.source.value));
    if (!cell) continue;
    // Inputs.form is an element whose value is an object keyed by its fields
    const fields = nb.displays(cell.id).map(formFields).find((f) => f !== null);
    if (!fields) continue;
    const extra = Object.keys(value).filter((k) => !fields.includes(k));
    if (extra.length) {
      throw new MmError('UNKNOWN_PARAM', `the input ${name} of ${notebook} has no field ${extra.map((k) => `'${k}'`).join(', ')}; its fields are: ${fields.join(', ')}`, 'mmbook run -p');
    }
  }
}

/** The field names of a displayed form input, or null for anything else. */
function formFields(d: unknown): string[] | null {
  if (!d || typeof d !== 'object' || typeof (d as { nodeType?: unknown }).nodeType !== 'number') return null;
  let v: unknown;
  try { v = (d as { value?: unknown }).value; } catch { return null; }
  return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : null;
}
