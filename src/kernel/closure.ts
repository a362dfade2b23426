/**
 * The cells that compute some named values, and nothing else: for a run off the page (a sweep
 * point in a pool worker, without a DOM), where the plots, tables and input widgets are not
 * needed and the inputs come in as parameters, so the cells that show them are left out too.
 */
import { KernelError } from './errors';
import type { CellSource } from './types';

export interface CellShape { id: number; inputs: readonly string[]; outputs: readonly string[]; source: CellSource }

/**
 * The cells (in document order) that compute `names` when the names in `given` are parameters:
 * the cells defining each name, the cells defining what those read, and so on, stopping at a
 * given name. A name asked for that no cell defines (and no parameter gives) is UNKNOWN_VALUE.
 */
export function cellsFor(cells: readonly CellShape[], names: readonly string[], given: ReadonlySet<string>): CellSource[] {
  const definers = new Map<string, CellShape[]>();
  for (const c of cells) for (const o of c.outputs) definers.set(o, [...(definers.get(o) ?? []), c]);
  const needed = new Set<number>();
  const seen = new Set<string>();
  const visit = (name: string, asked: boolean): void => {
    if (seen.has(name) || given.has(name)) return;
    seen.add(name);
    const ds = definers.get(name);
    if (!ds) {
      // a name read but defined by no cell is a builtin (mm, Plot, …); one asked for is a mistake
      if (asked) throw new KernelError('UNKNOWN_VALUE', `no cell of the notebook defines '${name}'; its named values are: ${[...definers.keys()].join(', ')}`);
      return;
    }
    for (const d of ds) {
      if (needed.has(d.id)) continue;
      needed.add(d.id);
      for (const i of d.inputs) visit(i, false);
    }
  };
  for (const n of names) visit(n, true);
  return cells.filter((c) => needed.has(c.id)).map((c) => ({ ...c.source }));
}
