/**
 * Status attribution from the kernel's dependency graph: whether a rejected cell failed itself,
 * is in a cycle, or is blocked by an upstream failure (and which one), and which upstream cell a
 * pending cell waits for.
 */
import type { CellRun } from './cell';
import type { DependencyGraph } from './graph';
import type { CellStatus } from './types';

type Cells = ReadonlyMap<number, CellRun>;

/** Own error, cycle, or blocked by the upstream cell that failed first. */
export function classifyRejection(graph: DependencyGraph, cells: Cells, cell: CellRun, error: unknown): CellStatus {
  const cycle = graph.cycleOf.get(cell.id);
  if (cycle) return { state: 'error', message: cycle.message, count: cell.count };
  if (cell.failure) return cell.ownError(error);
  // The runtime wraps a rejected input as RuntimeError(message, inputName).
  const input = (error as { input?: unknown } | null)?.input;
  if ((error as Error)?.name === 'RuntimeError' && typeof input === 'string' && cell.inputs.includes(input)) {
    const defs = graph.definers.get(input);
    if (defs?.length) return { state: 'blocked', by: rootCause(cells, input, defs[0]!) };
  }
  return cell.ownError(error);
}

/** The failed cell behind `name` of cell `upId`: the cell itself, or what blocks it. */
export function rootCause(cells: Cells, name: string, upId: number): { name: string; cellId: number } {
  const up = cells.get(upId);
  if (up?.status.state === 'blocked') return up.status.by;
  return { name, cellId: upId };
}

/** The first direct precedent of a pending cell that has not finished. */
export function waitingFor(graph: DependencyGraph, cells: Cells, cell: CellRun): { waitingFor?: { name: string; cellId: number } } {
  for (const pid of graph.precedents(cell.id)) {
    const p = cells.get(pid);
    if (p && (p.status.state === 'queued' || p.status.state === 'running')) {
      return { waitingFor: { name: graph.namesBetween(pid, cell.id)[0]!, cellId: pid } };
    }
  }
  return {};
}
