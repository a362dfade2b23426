/**
 * Scenario A's copy of the notebook: a second kernel session, off the page, that runs A's source
 * with A's input values as parameters (they win over the input cells, as `mmbook run -p` does).
 * A is fixed once pinned, so this session computes once; its named values become the `scenarioA`
 * builtin of the page's session (B) and the A side of the A/B panel.
 */
import { NotebookSession, parseNotebook, type CellBuiltinFactory, type CellInfo, type CellStatus } from '../../kernel/index';

export interface ScenarioAOptions {
  /** the notebook as it was pinned (its edited source, or the file) */
  source: string;
  inputs: Record<string, unknown>;
  builtins: Record<string, unknown>;
  cellBuiltins?: Record<string, CellBuiltinFactory>;
  width: number;
}

export interface ScenarioAValues {
  /** every named value A computed, by name */
  values: Record<string, unknown>;
  /** A's cells that did not finish, one line each (`cell 34 is waiting for own_dtb: …`) */
  unfinished: string[];
  /** names in document order, and those defined by input widgets */
  order: string[];
  inputs: Set<string>;
}

/** Names defined by an input cell (`view(...)`), as the CLI's parameter check reads them. */
export function inputNames(cells: readonly CellInfo[]): Set<string> {
  return new Set(cells.filter((c) => c.outputs.length === 1 && /\bview\s*\(/.test(c.source.value)).map((c) => c.outputs[0]!));
}

export function statusLine(id: number, s: CellStatus): string | undefined {
  switch (s.state) {
    case 'error': return `cell ${id} failed: ${s.message}`;
    case 'blocked': return `cell ${id} is blocked by ${s.by.name} (cell ${s.by.cellId})`;
    case 'waiting': return `cell ${id} is waiting for ${s.for.name}: ${s.message}`;
    case 'done': case 'idle': return undefined;
    default: return `cell ${id} did not finish (${s.state})`;
  }
}

export class ScenarioA {
  private constructor(readonly session: NotebookSession) {}

  /** Opens A's session; a source that does not parse throws (the caller says so). */
  static open(opts: ScenarioAOptions): ScenarioA {
    const doc = parseNotebook(opts.source);
    return new ScenarioA(NotebookSession.open(doc, { builtins: opts.builtins, cellBuiltins: opts.cellBuiltins, params: opts.inputs, width: opts.width }));
  }

  /** Runs A to the end and collects its named values. */
  async evaluate(): Promise<ScenarioAValues> {
    await this.session.settled();
    const cells = this.session.cells();
    const values: Record<string, unknown> = {};
    const order: string[] = [];
    for (const c of cells) {
      for (const name of c.outputs) {
        order.push(name);
        try { values[name] = await this.session.value(name); } catch { /* not computed in A: listed in unfinished */ }
      }
    }
    const unfinished = cells.map((c) => statusLine(c.id, c.status)).filter((l): l is string => l !== undefined);
    return { values, unfinished, order, inputs: inputNames(cells) };
  }

  dispose(): void { this.session.dispose(); }
}
