/**
 * Cell compilation: notebook-kit's `transpile` gives the body source, inputs and outputs; this
 * evaluates the body into a function and keeps what is needed to map errors to cell lines.
 */
import { transpile } from '@observablehq/notebook-kit';
import type { Cell } from '@observablehq/notebook-kit';
import { typeScriptPositionMap } from './sourcemap';
import type { CellSource } from './types';

export const SUPPORTED_MODES = new Set(['js', 'ts', 'md', 'html']);

export interface CompiledCell {
  ok: true;
  body: (...args: unknown[]) => unknown;
  inputs: string[];
  outputs: string[];
  autodisplay: boolean;
  /** lines of transpiled body before the cell's first line, and column shift on that line */
  lineOffset: number;
  firstColumnShift: number;
  file: string;
  /** TypeScript cells: the original source, mapped lazily on error */
  tsSource?: string;
}
export interface CompileFailure {
  ok: false;
  message: string;
  line?: number;
  column?: number;
}

/** Transpiles and evaluates one cell. Syntax errors are returned, not thrown. */
export function compileCell(cell: CellSource): CompiledCell | CompileFailure {
  if (!SUPPORTED_MODES.has(cell.mode)) {
    return { ok: false, message: `cell ${cell.id}: unsupported cell mode '${cell.mode}' (expected js, ts, md or html)` };
  }
  let t: ReturnType<typeof transpile>;
  try {
    t = transpile({ id: cell.id, value: cell.value, mode: cell.mode as Cell['mode'], pinned: false, hidden: false });
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const m = /\((\d+):(\d+)\)\s*$/.exec(err.message);
    const line = err.loc?.line ?? (m ? Number(m[1]) : undefined);
    const column = err.loc?.column ?? (m ? Number(m[2]) : undefined);
    return { ok: false, message: err.message.replace(/\s*\(\d+:\d+\)\s*$/, ''), line, column };
  }
  const lines = t.body.split('\n');
  const lineOffset = lines[1] === 'return (' ? 2 : 1;
  const first = lines[lineOffset] ?? '';
  const firstColumnShift = cell.mode === 'md' && first.startsWith('md`') ? 3
    : cell.mode === 'html' && first.startsWith('htl.html`') ? 9 : 0;
  const file = `mmbook-cell-${cell.id}.js`;
  let body: (...args: unknown[]) => unknown;
  try {
    // Indirect eval: global scope, and a sourceURL so stack frames name the cell.
    body = (0, eval)(`(${t.body}\n)\n//# sourceURL=${file}`);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  return {
    ok: true, body, inputs: t.inputs ?? [], outputs: t.outputs ?? [], autodisplay: t.autodisplay ?? false,
    lineOffset, firstColumnShift, file, ...(cell.mode === 'ts' ? { tsSource: cell.value } : {}),
  };
}

/** Finds the first stack frame inside the cell's body and maps it to cell line/column (1-based line, 0-based column). */
export function errorLocation(error: unknown, c: CompiledCell): { line: number; column: number } | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return undefined;
  const re = new RegExp(`${c.file.replace(/[.]/g, '\\.')}:(\\d+):(\\d+)`);
  const m = re.exec(stack);
  if (!m) return undefined;
  // eval'd text starts with "(" + body: body line k is text line k; body line 1 is the arrow header.
  const line = Number(m[1]) - c.lineOffset;
  let column = Number(m[2]) - 1;
  if (line === 1) column -= c.firstColumnShift;
  if (line < 1) return undefined;
  if (c.tsSource !== undefined) return typeScriptPositionMap(c.tsSource)?.(line, Math.max(0, column));
  return { line, column: Math.max(0, column) };
}
