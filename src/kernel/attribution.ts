/**
 * Status attribution from the kernel's dependency graph: whether a rejected cell failed itself,
 * is in a cycle, or is blocked by an upstream failure (and which one), and which upstream cell a
 * pending cell waits for.
 */
import type { CellRun } from './cell';
import type { DependencyGraph } from './graph';
import type { CellStatus } from './types';
import { isWaiting } from './waiting';

type Cells = ReadonlyMap<number, CellRun>;

/** Own error, cycle, waiting for input, or blocked by the upstream cell that failed first. */
export function classifyRejection(graph: DependencyGraph, cells: Cells, cell: CellRun, error: unknown): CellStatus {
  const cycle = graph.cycleOf.get(cell.id);
  if (cycle) return { state: 'error', message: cycle.message, count: cell.count };
  if (cell.failure) return cell.ownError(error);
  if (isWaiting(error)) return ownWaiting(graph, cell, error.message, error.input);
  // The runtime wraps a rejected input as RuntimeError(message, inputName).
  const input = (error as { input?: unknown } | null)?.input;
  if ((error as Error)?.name === 'RuntimeError' && typeof input === 'string' && cell.inputs.includes(input)) {
    const defs = graph.definers.get(input);
    if (defs?.length) return upstream(cells, input, defs[0]!);
  }
  return cell.ownError(error);
}

/** The cell's own waiting status: for the input it named (when a cell defines it), else for itself. */
function ownWaiting(graph: DependencyGraph, cell: CellRun, message: string, input: string | undefined): CellStatus {
  const definer = input === undefined ? undefined : graph.definer(input);
  const self = { name: cell.outputs[0] ?? `cell ${cell.id}`, cellId: cell.id };
  return { state: 'waiting', message, for: definer !== undefined ? { name: input!, cellId: definer } : self, askedBy: cell.id };
}

/** A dependent of the rejected cell `upId` (read as `name`): waiting with it, or blocked by its root cause. */
export function upstream(cells: Cells, name: string, upId: number): CellStatus {
  const up = cells.get(upId)?.status;
  if (up?.state === 'waiting') return { ...up };
  if (up?.state === 'blocked') return { state: 'blocked', by: up.by };
  return { state: 'blocked', by: { name, cellId: upId } };
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

/**
 * The new status of dependent `d` after `cell` (previously `prev`) finished, or null to keep it:
 * a queued dependent re-points what it waits for; one rejected before this cell's own status
 * arrived (it says "blocked by" this cell, or by what this cell was blocked by before) takes this
 * cell's blocked or waiting state.
 */
export function refreshedStatus(graph: DependencyGraph, cells: Cells, cell: CellRun, prev: CellStatus, d: CellRun): CellStatus | null {
  const s = cell.status;
  const ds = d.status;
  if (ds.state === 'queued' && ds.waitingFor?.cellId === cell.id) return { state: 'queued', ...waitingFor(graph, cells, d) };
  if (ds.state !== 'blocked') return null;
  const viaCell = ds.by.cellId === cell.id || (prev.state === 'blocked' && prev.by.cellId === ds.by.cellId && prev.by.name === ds.by.name);
  if (!viaCell) return null;
  if (s.state === 'waiting') return { ...s };
  if (s.state === 'blocked' && (s.by.cellId !== ds.by.cellId || s.by.name !== ds.by.name)) return { state: 'blocked', by: s.by };
  return null;
}
