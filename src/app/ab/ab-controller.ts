/**
 * A/B scenarios on a notebook page. "Pin as A" keeps the current input values (and the notebook's
 * source, when it is edited) as scenario A, with the named scenarios (NotebookStore.setPinned).
 * While A is pinned, a second session runs A (scenario-a.ts) once; its named values become the
 * page session's `scenarioA` builtin, so plot cells that use it (plots.ab, `{a: scenarioA?.x}`)
 * overlay A and B and re-run only when A changes. After every settle of the page's session, the
 * panel lists what differs (value-diff.ts). "Unpin A" (and pinning over an A) can be undone.
 * Both sessions share a boot of the same machine (shared-boots.ts).
 */
import { parseNotebook, serializeNotebook, type CellBuiltinFactory, type NotebookSession } from '../../kernel/index';
import type { NotebookStore, PinnedScenario } from '../../lib/persist/notebook-store';
import type { Notices } from '../notices';
import { toolbarButton } from '../toolbar';
import type { UndoStack } from '../undo';
import { abPanel, renderAbPanel, type AbPanelState } from './diff-panel';
import { ScenarioA, inputNames, type ScenarioAValues } from './scenario-a';
import { SharedBoots } from './shared-boots';
import { diffNamed } from './value-diff';

export interface AbHost {
  readonly store: NotebookStore;
  readonly notices: Notices;
  readonly undo: UndoStack;
  /** the notebook file's source (A's source when the notebook was not edited) */
  readonly fileSource: string;
  /** the page's session (B) */
  session(): NotebookSession | undefined;
  /** the values of the inputs on the page */
  inputs(): Record<string, unknown>;
  builtins(): Record<string, unknown>;
  cellBuiltins(): Record<string, CellBuiltinFactory>;
  width(): number;
}

export class AbController {
  readonly panel = abPanel();
  private readonly boots = new SharedBoots();
  private a: ScenarioA | undefined;
  private pinned: PinnedScenario | undefined;
  private result: ScenarioAValues | undefined;
  private state: AbPanelState | undefined;
  private generation = 0;
  private work: Promise<void> = Promise.resolve();
  private attached: { session: NotebookSession; off: () => void } | undefined;
  private readonly listeners = new Set<(pinned: boolean) => void>();

  constructor(private readonly host: AbHost) {}

  /** The toolbar's "Pin as A" and "Unpin A" buttons (the latter shown while A is pinned). */
  controls(): HTMLElement[] {
    const pin = toolbarButton('Pin as A', 'pin-a', () => this.pin(), 'Keep the current inputs as scenario A: plots overlay A and B, and the A/B panel lists what differs');
    const unpin = toolbarButton('Unpin A', 'unpin-a', () => this.unpin(), 'Stop comparing with scenario A (undo with Alt+Z)');
    unpin.hidden = !this.isPinned;
    this.onPinned((on) => { unpin.hidden = !on; pin.textContent = on ? 'Pin again as A' : 'Pin as A'; });
    return [pin, unpin];
  }

  /** The page's builtins for its own session, sharing boots with A. */
  builtinsForB(builtins: Record<string, unknown>): Record<string, unknown> { return this.boots.wrap(builtins, 'B'); }

  /** Called with whether A is pinned, whenever that changes. */
  onPinned(fn: (pinned: boolean) => void): () => void { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  get isPinned(): boolean { return this.pinned !== undefined; }

  /** The page started a session (open, revert, undo of a revert): it gets A's values and is compared after each settle. */
  attach(session: NotebookSession): void {
    this.attached?.off();
    const off = session.subscribe((e) => { if (e.type === 'busy' && !e.busy) this.compare(); });
    this.attached = { session, off };
    if (this.result) this.setScenarioA(Object.freeze({ ...this.result.values }));
    this.compare();
  }

  /** A pinned in an earlier visit (NotebookStore.load). */
  restore(pinned: PinnedScenario | undefined): void {
    if (pinned) this.start(pinned);
  }

  pin(): void {
    const session = this.host.session();
    if (!session) return;
    const previous = this.pinned;
    const source = serializeNotebook(session.doc);
    const edited = source !== serializeNotebook(parseNotebook(this.host.fileSource));
    const a: PinnedScenario = { inputs: structuredClone(this.host.inputs()), ...(edited ? { source } : {}), pinnedAt: Date.now() };
    this.host.store.setPinned(a);
    this.start(a);
    if (!previous) {
      this.host.notices.show('info', 'Pinned the current inputs as scenario A. Change any input: the plots that support it overlay A (dashed) and B, and the A/B panel lists every named value that differs.', 'ab');
      return;
    }
    this.host.undo.push('Pinned the current inputs as scenario A, replacing the earlier A.', 'Undo pin', () => this.repin(previous));
  }

  unpin(): void {
    const previous = this.pinned;
    if (!previous) return;
    this.host.store.setPinned(null);
    this.stop();
    this.host.notices.clear('ab');
    this.host.undo.push('Unpinned scenario A.', 'Undo unpin', () => this.repin(previous));
  }

  /** Resolves when A has run, the page's session has settled with it, and the panel is up to date. */
  async settled(): Promise<void> {
    for (;;) {
      const work = this.work;
      await work;
      await this.attached?.session.settled();
      if (work === this.work) return;
    }
  }

  dispose(): void {
    this.generation++;
    this.attached?.off();
    this.attached = undefined;
    this.a?.dispose();
    this.a = undefined;
    this.boots.clear();
  }

  private repin(a: PinnedScenario): void {
    this.host.store.setPinned(a);
    this.start(a);
  }

  private start(a: PinnedScenario): void {
    this.a?.dispose();
    this.a = undefined;
    this.pinned = a;
    this.result = undefined;
    const gen = ++this.generation;
    this.show({ pinnedAt: a.pinnedAt, phase: 'computing', unfinished: [] });
    this.emitPinned();
    let scenario: ScenarioA;
    try {
      scenario = ScenarioA.open({
        source: a.source ?? this.host.fileSource, inputs: a.inputs, width: this.host.width(),
        builtins: this.boots.wrap(this.host.builtins(), 'A'), cellBuiltins: this.host.cellBuiltins(),
      });
    } catch (e) {
      this.show({ pinnedAt: a.pinnedAt, phase: 'failed', message: `its notebook source does not parse (${(e as Error).message})`, unfinished: [] });
      this.setScenarioA(null);
      return;
    }
    this.a = scenario;
    this.work = this.work.then(async () => {
      let result: ScenarioAValues;
      try {
        result = await scenario.evaluate();
      } catch (e) {
        if (gen === this.generation) this.show({ pinnedAt: a.pinnedAt, phase: 'failed', message: (e as Error).message, unfinished: [] });
        return;
      }
      if (gen !== this.generation) return;
      this.result = result;
      this.state = { pinnedAt: a.pinnedAt, phase: 'ready', unfinished: result.unfinished };
      this.setScenarioA(Object.freeze({ ...result.values }));
      await this.diff(gen);
    });
  }

  private stop(): void {
    this.generation++;
    this.a?.dispose();
    this.a = undefined;
    this.pinned = undefined;
    this.result = undefined;
    this.show(undefined);
    this.setScenarioA(null);
    this.emitPinned();
  }

  private setScenarioA(values: Readonly<Record<string, unknown>> | null): void {
    const session = this.attached?.session;
    // a notebook with a cell of its own named scenarioA keeps it
    if (!session || session.cells().some((c) => c.outputs.includes('scenarioA'))) return;
    try { session.setInput('scenarioA', values); } catch { /* the session was disposed: the next attach sets it */ }
  }

  /** After the page's session settled: compare again (queued behind A's run). */
  private compare(): void {
    if (!this.result) return;
    const gen = this.generation;
    this.work = this.work.then(() => this.diff(gen));
  }

  private async diff(gen: number): Promise<void> {
    const session = this.attached?.session;
    const result = this.result;
    if (!session || !result || !this.state) return;
    await session.settled();
    const cells = session.cells();
    const b: Record<string, unknown> = {};
    const order: string[] = [];
    for (const c of cells) for (const name of c.outputs) {
      order.push(name);
      try { b[name] = await session.value(name); } catch { /* not computed in B */ }
    }
    if (gen !== this.generation) return;
    const inputs = new Set([...result.inputs, ...inputNames(cells)]);
    this.show({ ...this.state, diffs: diffNamed(result.values, b, { order: [...order, ...result.order], inputs }) });
  }

  private show(state: AbPanelState | undefined): void {
    this.state = state;
    renderAbPanel(this.panel, state);
  }

  private emitPinned(): void { for (const fn of this.listeners) fn(this.isPinned); }
}
