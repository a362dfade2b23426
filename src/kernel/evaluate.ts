/**
 * Named numbers of a notebook, computed off the page: a session of only the given cells (usually
 * closure.ts's cellsFor: what the names need), with parameters, run to the end. It needs no DOM, so
 * it runs in a Web Worker (a sweep point: src/app/worker/sweep-impl.ts) as well as in Node. A value
 * that is not a finite number (VALUE_NOT_NUMBER), or that a failing cell kept from being computed
 * (VALUE_NOT_COMPUTED, naming the cell that failed and why), is an error.
 */
import { KernelError } from './errors';
import { NotebookSession } from './session';
import type { CellBuiltinFactory } from './cell';
import type { CellInfo, CellSource } from './types';

export interface NumbersJob {
  /** the notebook's title (it seeds the `random` builtin, as on the page) */
  title: string;
  /** the cells to run, in document order */
  cells: CellSource[];
  /** values of named inputs; they win over the cells defining them */
  params: Record<string, unknown>;
  /** the named values to answer with */
  names: string[];
}

export interface NumbersAnswer {
  values: Record<string, number>;
  /** what the cells passed to warn(...), `cell N: text` */
  warnings: string[];
}

export interface EvaluateHost {
  builtins: Record<string, unknown>;
  cellBuiltins?: Record<string, CellBuiltinFactory>;
}

/** Why cell `id` did not give its value: its own failure, or the failure upstream that blocked it. */
function why(cells: ReadonlyMap<number, CellInfo>, id: number): string {
  const seen = new Set<number>();
  let cur = cells.get(id);
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    const s = cur.status;
    if (s.state === 'error') return `cell ${cur.id} failed: ${s.message}`;
    if (s.state === 'waiting') return `cell ${cur.id} is waiting for ${s.for.name}: ${s.message}`;
    if (s.state !== 'blocked') return `cell ${cur.id} did not finish (${s.state})`;
    cur = cells.get(s.by.cellId);
  }
  return `cell ${id} did not finish`;
}

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

export async function evaluateNumbers(job: NumbersJob, host: EvaluateHost): Promise<NumbersAnswer> {
  const session = NotebookSession.open({ title: job.title, cells: job.cells }, { builtins: host.builtins, cellBuiltins: host.cellBuiltins, params: job.params });
  try {
    await session.settled();
    const cells = new Map(session.cells().map((c) => [c.id, c]));
    const values: Record<string, number> = {};
    for (const name of job.names) {
      let v: unknown;
      try {
        v = await session.value(name);
      } catch (e) {
        const cell = [...cells.values()].find((c) => c.outputs.includes(name));
        throw new KernelError('VALUE_NOT_COMPUTED', `${name} was not computed: ${cell ? why(cells, cell.id) : (e as Error).message}`);
      }
      if (typeof v === 'bigint' && Number.isSafeInteger(Number(v))) v = Number(v);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new KernelError('VALUE_NOT_NUMBER', `${name} is ${describe(v)}, not a finite number`);
      values[name] = v;
    }
    const warnings = [...cells.values()].flatMap((c) => c.warnings.map((w) => `cell ${c.id}: ${w}`));
    return { values, warnings };
  } finally {
    session.dispose();
  }
}
