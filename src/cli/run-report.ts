/**
 * What `mmbook run` prints for each cell of a settled notebook, and what it writes to --json:
 * its state, a one-line rendering of its values and displays, the full text of a text block it
 * displays (a `<pre>`, such as /proc/zoneinfo), its warnings, and for a cell that waits for input,
 * which input. The outcome decides the exit status: 0 every cell ran, 1 a cell failed (or did not
 * finish in time), 3 nothing failed but cells wait for input the run did not give.
 */
import type { CellInfo, HeadlessNotebook } from '../kernel/index';

export interface CellReport {
  id: number; state: string; durationMs: number | null; outputs: string[];
  error?: string; blockedBy?: { name: string; cellId: number };
  waitingFor?: { name: string; cellId: number }; message?: string;
  warnings?: string[];
}
export type Outcome = 'ok' | 'failed' | 'waiting';
export interface CellLines { lines: string[]; report: CellReport; outcome: Outcome }

type Kernel = Pick<typeof import('../kernel/index'), 'renderValue' | 'toJSONValue'>;

export async function describeCell(nb: HeadlessNotebook, c: CellInfo, values: Record<string, unknown>, kernel: Kernel, timeoutSec: number): Promise<CellLines> {
  const s = c.status;
  const report: CellReport = { id: c.id, state: s.state, durationMs: s.state === 'done' ? round(s.durationMs) : null, outputs: [...c.outputs] };
  if (c.warnings.length) report.warnings = [...c.warnings];
  const head = `cell ${c.id}`;
  switch (s.state) {
    case 'done': {
      const shown: string[] = [];
      const blocks: string[] = [];
      for (const name of c.outputs) {
        const v = nb.session ? await valueNow(nb, name) : undefined;
        const j = kernel.toJSONValue(v);
        if (j !== undefined) values[name] = j;
        shown.push(`${name} = ${kernel.renderValue(v, 80)}`);
      }
      for (const d of nb.displays(c.id)) {
        const text = textBlock(d);
        if (text === null) { shown.push(kernel.renderValue(d, 80)); continue; }
        const lines = text.replace(/\n$/, '').split('\n');
        blocks.push(...lines);
        shown.push(`<pre> ${lines.length} line${lines.length === 1 ? '' : 's'}, below`);
      }
      const line = `ok      ${head} (${fmtMs(s.durationMs)})${shown.length ? '  ' + shown.join('; ') : ''}`;
      return { outcome: 'ok', report, lines: [line, ...blocks.map((l) => `    ${l}`)] };
    }
    case 'error': {
      const where = s.line !== undefined ? ` (line ${s.line}, column ${s.column})` : '';
      report.error = `${s.message}${where}`;
      return { outcome: 'failed', report, lines: [`error   ${head}: ${s.message}${where}`] };
    }
    case 'blocked':
      report.blockedBy = { ...s.by };
      return { outcome: 'failed', report, lines: [`blocked ${head}: blocked by ${s.by.name} (cell ${s.by.cellId})`] };
    case 'waiting': {
      report.waitingFor = { ...s.for };
      report.message = s.message;
      const own = s.askedBy === c.id ? `: ${s.message}` : '';
      return { outcome: 'waiting', report, lines: [`waiting ${head}: waiting for ${s.for.name} (cell ${s.for.cellId})${own}`] };
    }
    default: {
      const why = timeoutSec ? `did not finish within ${timeoutSec} s` : `never ran`;
      const wait = s.state === 'queued' && s.waitingFor ? `, waiting for ${s.waitingFor.name} (cell ${s.waitingFor.cellId})` : '';
      report.error = `${why}${wait}`;
      return { outcome: 'failed', report, lines: [`${s.state.padEnd(7)} ${head}: ${why}${wait}`] };
    }
  }
}

/** The last line of the run and its exit status. */
export function summary(cells: readonly CellInfo[], outcomes: readonly Outcome[]): { line: string; code: number } {
  const failed = outcomes.filter((o) => o === 'failed').length;
  if (failed) return { line: `${failed} of ${cells.length} cells failed`, code: 1 };
  const waiting = cells.filter((c) => c.status.state === 'waiting');
  if (!waiting.length) return { line: `${cells.length} cells ok`, code: 0 };
  const asks = new Map<string, string>();
  for (const c of waiting) if (c.status.state === 'waiting') asks.set(`${c.status.for.name} (cell ${c.status.for.cellId})`, c.status.message);
  const what = [...asks].map(([input, message]) => `${input}: ${message}`).join('; ');
  const names = [...new Set(waiting.map((c) => (c.status.state === 'waiting' ? c.status.for.name : '')))];
  return { line: `${waiting.length} of ${cells.length} cells wait for input: ${what} (give it with ${names.map((n) => `-p ${n}=…`).join(' ')})`, code: 3 };
}

/** The text of a displayed <pre> (a /proc file, a diff), printed in full under the cell's line. */
function textBlock(d: unknown): string | null {
  const el = d as { nodeType?: unknown; tagName?: unknown; textContent?: unknown } | null;
  if (!el || typeof el !== 'object' || el.nodeType !== 1 || String(el.tagName).toUpperCase() !== 'PRE') return null;
  return typeof el.textContent === 'string' && el.textContent ? el.textContent : null;
}

/** The current value of a settled name (no waiting: generators may still be running). */
async function valueNow(nb: HeadlessNotebook, name: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), 1000); });
  try {
    return await Promise.race([nb.value(name).catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
const fmtMs = (ms: number) => (ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`);
