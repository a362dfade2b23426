/**
 * A sweep's declaration and results as the workbench keeps them (with the notebook's scenarios in
 * IndexedDB, src/lib/persist/notebook-store.ts) and plots them (src/lib/plots/sweep.ts): the range
 * of one input, the response (a named number of the notebook), and per point its value or why it
 * has none.
 */
import { MmError } from '../../sim/errors';
import { sweepProblem, type SweepPoint, type SweepSpec } from './spec';

export interface SweepDecl extends SweepSpec {
  /** the named value plotted against the parameter */
  response: string;
}

export interface SweepPointResult {
  point: SweepPoint;
  /** the response at this point; absent when the point failed or did not run */
  value?: number;
  /** why the point has no value (`kswapd_wakes was not computed: cell 3 failed: …`) */
  error?: string;
  /** read back from the result cache */
  cached?: boolean;
}

export type SweepState = 'running' | 'done' | 'cancelled';

export interface SavedSweep {
  id: string;
  decl: SweepDecl;
  state: SweepState;
  /** one per point, in the points' order (a cancelled sweep's points that did not run have neither value nor error) */
  points: SweepPointResult[];
  startedAt: number;
  finishedAt?: number;
}

/** The most sweeps kept per notebook; saving another drops the oldest. */
export const MAX_SAVED_SWEEPS = 20;

/** The declaration, or SWEEP_RANGE saying what is wrong with it. */
export function checkSweepDecl(d: SweepDecl): SweepDecl {
  const problem = sweepProblem(d);
  if (problem) throw new MmError('SWEEP_RANGE', `this sweep cannot run: ${problem}`);
  if (!/^[A-Za-z_$][\w$]*$/.test(d.response)) throw new MmError('SWEEP_RANGE', `this sweep cannot run: the response '${d.response}' is not a name`);
  if (d.response === d.name || (d.seeds !== undefined && d.response === 'seed')) throw new MmError('SWEEP_RANGE', `this sweep cannot run: the response ${d.response} is an input it sets; choose a value the notebook computes`);
  return d;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `v` is a SavedSweep (a stored entry read back). */
export function isSavedSweep(v: unknown): v is SavedSweep {
  if (!isRecord(v) || typeof v.id !== 'string' || !isRecord(v.decl) || !Array.isArray(v.points) || typeof v.startedAt !== 'number') return false;
  const d = v.decl;
  if (typeof d.name !== 'string' || typeof d.response !== 'string' || typeof d.from !== 'number' || typeof d.to !== 'number' || typeof d.steps !== 'number' || typeof d.integers !== 'boolean') return false;
  if (!['running', 'done', 'cancelled'].includes(v.state as string)) return false;
  return v.points.every((p) => isRecord(p) && isRecord(p.point) && (p.value === undefined || typeof p.value === 'number') && (p.error === undefined || typeof p.error === 'string'));
}

export interface SweepRow { x: number; seed?: number; value: number }
export interface SweepMean { x: number; mean: number; n: number }

/** The points that have a value, as plot rows (x is the swept parameter's value). */
export function sweepRows(s: Pick<SavedSweep, 'decl' | 'points'>): SweepRow[] {
  return s.points.filter((p) => p.value !== undefined).map((p) => ({ x: p.point[s.decl.name]!, ...(p.point.seed !== undefined ? { seed: p.point.seed } : {}), value: p.value! }));
}

/** The mean response over the seeds at each value of the parameter (values without any result left out). */
export function sweepMeans(rows: readonly SweepRow[]): SweepMean[] {
  const by = new Map<number, { sum: number; n: number }>();
  for (const r of rows) {
    const m = by.get(r.x) ?? { sum: 0, n: 0 };
    m.sum += r.value;
    m.n++;
    by.set(r.x, m);
  }
  return [...by].sort((a, b) => a[0] - b[0]).map(([x, m]) => ({ x, mean: m.sum / m.n, n: m.n }));
}
