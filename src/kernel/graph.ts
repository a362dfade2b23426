/**
 * The kernel's own static dependency graph over cells, built from transpiled inputs/outputs.
 * Used for duplicate/cycle diagnostics, blocked/waiting-for attribution, precedents/dependents.
 */
import type { Diagnostic } from './types';

export interface GraphCell { id: number; inputs: readonly string[]; outputs: readonly string[] }

export class DependencyGraph {
  /** name → defining cell ids, in document order */
  readonly definers = new Map<string, number[]>();
  private readonly cells = new Map<number, GraphCell>();
  private readonly users = new Map<string, number[]>();
  readonly diagnostics: Diagnostic[] = [];
  /** cell id → cycle diagnostic it belongs to */
  readonly cycleOf = new Map<number, Diagnostic>();

  constructor(cells: readonly GraphCell[]) {
    for (const c of cells) {
      this.cells.set(c.id, c);
      for (const o of new Set(c.outputs)) push(this.definers, o, c.id);
      for (const i of new Set(c.inputs)) push(this.users, i, c.id);
    }
    for (const [name, ids] of this.definers) {
      if (ids.length < 2) continue;
      const list = ids.map((id) => `cell ${id}`).join(' and ');
      this.diagnostics.push({ kind: 'duplicate', name, cellIds: [...ids], message: `${name} is defined more than once, in ${list}` });
    }
    for (const scc of this.stronglyConnected()) this.addCycle(scc);
  }

  /** The cell defining `name`, if exactly one does. */
  definer(name: string): number | undefined {
    const ids = this.definers.get(name);
    return ids && ids.length === 1 ? ids[0] : undefined;
  }

  private readonly precCache = new Map<number, number[]>();
  private readonly depCache = new Map<number, number[]>();

  /** Direct precedents: cells defining a name this cell reads (memoised; the graph is immutable). */
  precedents(id: number): number[] {
    let r = this.precCache.get(id);
    if (!r) this.precCache.set(id, (r = this.computePrecedents(id)));
    return r;
  }

  /** Direct dependents: cells reading a name this cell defines (memoised). */
  dependents(id: number): number[] {
    let r = this.depCache.get(id);
    if (!r) this.depCache.set(id, (r = this.computeDependents(id)));
    return r;
  }

  private computePrecedents(id: number): number[] {
    const c = this.cells.get(id);
    if (!c) return [];
    const out = new Set<number>();
    for (const i of c.inputs) for (const d of this.definers.get(i) ?? []) if (d !== id) out.add(d);
    return [...out].sort((a, b) => a - b);
  }

  /** Input names of `id` that `from` defines. */
  namesBetween(from: number, id: number): string[] {
    const c = this.cells.get(id);
    const f = this.cells.get(from);
    if (!c || !f) return [];
    return c.inputs.filter((n) => f.outputs.includes(n));
  }

  private computeDependents(id: number): number[] {
    const c = this.cells.get(id);
    if (!c) return [];
    const out = new Set<number>();
    for (const o of c.outputs) for (const u of this.users.get(o) ?? []) if (u !== id) out.add(u);
    return [...out].sort((a, b) => a - b);
  }

  /** Transitive closure of `step` from `id`, excluding `id`. */
  closure(id: number, step: (id: number) => number[]): number[] {
    const seen = new Set<number>([id]);
    const queue = [id];
    for (let q = queue.shift(); q !== undefined; q = queue.shift()) {
      for (const n of step.call(this, q)) if (!seen.has(n)) { seen.add(n); queue.push(n); }
    }
    seen.delete(id);
    return [...seen].sort((a, b) => a - b);
  }

  private addCycle(ids: number[]): void {
    // Walk the cycle from its smallest cell to name each edge.
    const members = new Set(ids);
    const start = Math.min(...ids);
    const path: string[] = [];
    let cur = start;
    const visited = new Set<number>();
    let firstName: string | undefined;
    while (!visited.has(cur)) {
      visited.add(cur);
      const next = this.dependents(cur).find((d) => members.has(d) && (!visited.has(d) || d === start));
      if (next === undefined) break;
      const name = this.namesBetween(cur, next)[0]!;
      firstName ??= name;
      path.push(`${name} (cell ${cur})`);
      cur = next;
    }
    path.push(path[0] ?? `cell ${start}`);
    const cellIds = [...ids].sort((a, b) => a - b);
    const d: Diagnostic = { kind: 'cycle', name: firstName, cellIds, message: `circular definition: ${path.join(' → ')}` };
    this.diagnostics.push(d);
    for (const id of ids) this.cycleOf.set(id, d);
  }

  /** Tarjan's algorithm over cell → dependent edges; returns components with a cycle. */
  private stronglyConnected(): number[][] {
    let index = 0;
    const idx = new Map<number, number>();
    const low = new Map<number, number>();
    const onStack = new Set<number>();
    const stack: number[] = [];
    const result: number[][] = [];
    const visit = (v: number): void => {
      idx.set(v, index); low.set(v, index); index++;
      stack.push(v); onStack.add(v);
      for (const w of this.dependents(v)) {
        if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const comp: number[] = [];
        let w: number;
        do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== v);
        if (comp.length > 1) result.push(comp);
      }
    };
    for (const id of this.cells.keys()) if (!idx.has(id)) visit(id);
    return result;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v); else m.set(k, [v]);
}
