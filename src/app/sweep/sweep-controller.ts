/**
 * Sweeps on a notebook page: the toolbar's "Sweep" button shows the panel (sweep-panel.ts), whose
 * choices come from the page's session (its numeric inputs, whether it has a `seed` input, its
 * named numbers); Run runs the sweep on a pool of sweep workers, one per core (sweep-runner.ts),
 * with the result cache, drawing the points as they arrive; Cancel stops it. Every finished or
 * cancelled sweep is saved with the notebook (NotebookStore.saveSweep) and listed to reopen; the
 * newest is shown when the notebook opens again. The pool starts (and warms, sweep-impl.ts) when
 * the Sweep button opens the panel, or at the first Run, and lives as long as the page.
 */
import type { NotebookSession } from '../../kernel/index';
import type { ResultCache } from '../../lib/cache/index';
import type { NotebookStore } from '../../lib/persist/notebook-store';
import type { InputSpec } from '../../lib/persist/share';
import { MAX_SAVED_SWEEPS, type SavedSweep, type SweepDecl, type SweepPointResult } from '../../lib/sweep/result';
import { inputNames } from '../ab/scenario-a';
import { toolbarButton } from '../toolbar';
import type { WorkerPool } from '../worker/pool';
import type { SweepWorkerApi } from '../worker/sweep-api';
import { SweepPanel, type ParamChoice, type PanelChoices } from './sweep-panel';
import { planSweep, runSweep, type PointPool, type SweepNotebook, type SweepProgress } from './sweep-runner';

export interface SweepHost {
  readonly store: NotebookStore;
  readonly title: string;
  session(): NotebookSession | undefined;
  /** what an input widget accepts (its range), when the page shows one */
  inputSpec(name: string): InputSpec | undefined;
  cache(): ResultCache | undefined;
  /** a pool of sweep workers (one per core, or `size`) */
  makePool(size?: number): WorkerPool<SweepWorkerApi>;
  width(): number;
}

export interface RunOverrides {
  /** a pool of this size for this sweep alone */
  poolSize?: number;
  /** a pool the caller made (and warmed) for this sweep: the benchmark's pool and serial baseline */
  pool?: PointPool;
  /** false: neither read nor write the result cache */
  cache?: boolean;
}

/**
 * While a sweep runs, the plot is drawn again at most every REDRAW_MS and the progress at most
 * every PROGRESS_MS: each drawing is work for the page's thread and the compositor, on the cores
 * the workers run on.
 */
const REDRAW_MS = 1000;
const PROGRESS_MS = 250;

export class SweepController {
  readonly panel: SweepPanel;
  private pool: WorkerPool<SweepWorkerApi> | undefined;
  private list: SavedSweep[] = [];
  private running: { abort: AbortController; done: Promise<SavedSweep | undefined> } | undefined;
  private attached: { session: NotebookSession; off: () => void } | undefined;
  private disposed = false;

  constructor(private readonly host: SweepHost) {
    this.panel = new SweepPanel({
      run: (decl) => { void this.run(decl); },
      cancel: () => this.cancel(),
      open: (id) => this.open(id),
      remove: (id) => this.remove(id),
    }, () => Math.min(880, host.width()));
  }

  /** The toolbar's "Sweep" button. */
  controls(): HTMLElement[] {
    return [toolbarButton('Sweep', 'sweep', () => this.toggle(!this.panel.shown), 'Run the notebook over a range of one input (× seeds) on every core and plot a named value against it')];
  }

  /** The page started a session: the panel's choices follow it. */
  attach(session: NotebookSession): void {
    this.attached?.off();
    const off = session.subscribe((e) => { if (e.type === 'busy' && !e.busy && this.panel.shown) void this.refresh(); });
    this.attached = { session, off };
    if (this.panel.shown) void this.refresh();
  }

  /** The sweeps saved in an earlier visit: the newest is shown. */
  restore(saved: readonly SavedSweep[]): void {
    this.list = [...saved];
    const newest = this.list.at(-1);
    this.panel.setSaved(this.list, newest?.id);
    // shown without starting the workers: opening the notebook is busy enough
    if (newest) { this.panel.show(true); this.show(newest); void this.refresh(); }
  }

  get sweeps(): readonly SavedSweep[] { return this.list; }

  toggle(on: boolean): void {
    this.panel.show(on);
    if (!on) return;
    void this.refresh();
    // start the workers (and load the kernel and the simulator in them) before the first Run
    this.pool ??= this.host.makePool();
    void this.pool.map(Array.from({ length: this.pool.size }, (_, i) => i), 'warm', () => []).catch(() => {});
  }

  /** Runs `decl`; resolves with the saved sweep (undefined when it could not start: the panel says why). */
  async run(decl: SweepDecl, overrides: RunOverrides = {}): Promise<SavedSweep | undefined> {
    if (this.running) { this.running.abort.abort(); await this.running.done; }
    const abort = new AbortController();
    const done = this.execute(decl, overrides, abort.signal);
    this.running = { abort, done };
    try { return await done; } finally { if (this.running?.done === done) this.running = undefined; }
  }

  cancel(): void { this.running?.abort.abort(); }

  /** Resolves when no sweep is running. */
  async settled(): Promise<void> { while (this.running) await this.running.done; }

  dispose(): void {
    this.disposed = true;
    this.cancel();
    this.attached?.off();
    this.pool?.dispose();
  }

  private async execute(decl: SweepDecl, overrides: RunOverrides, signal: AbortSignal): Promise<SavedSweep | undefined> {
    const session = this.host.session();
    if (!session) return undefined;
    this.panel.setProblem(undefined);
    let nb: SweepNotebook;
    let points;
    try {
      await session.settled();
      nb = await this.notebook(session);
      ({ points } = planSweep(nb, decl));
    } catch (e) {
      this.panel.setProblem((e as Error).message);
      return undefined;
    }
    const sweep: SavedSweep = { id: `sweep-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`, decl, state: 'running', points: points.map((point): SweepPointResult => ({ point })), startedAt: Date.now() };
    this.panel.setDecl(decl);
    this.panel.setRunning(true);
    this.panel.showSweep(sweep);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const redraw = () => { timer ??= setTimeout(() => { timer = undefined; if (sweep.state === 'running' && !this.disposed) this.panel.showSweep(sweep); }, REDRAW_MS); };
    let shownAt = 0;
    const progress = (p: SweepProgress) => {
      const now = performance.now();
      if (now - shownAt < PROGRESS_MS && p.done < p.total) return;
      shownAt = now;
      this.panel.setProgress(p);
    };
    const own = overrides.poolSize !== undefined ? this.host.makePool(overrides.poolSize) : undefined;
    const pool = overrides.pool ?? own ?? (this.pool ??= this.host.makePool());
    try {
      const cache = overrides.cache === false ? undefined : this.host.cache();
      const out = await runSweep(nb, decl, {
        pool, cache, signal,
        onProgress: progress,
        onPoint: (i, r) => { sweep.points[i] = r; redraw(); },
      });
      sweep.points = out.results;
      sweep.state = out.cancelled ? 'cancelled' : 'done';
    } catch (e) {
      sweep.state = 'cancelled';
      this.panel.setProblem(`The sweep stopped: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
      own?.dispose();
      this.panel.setRunning(false);
    }
    sweep.finishedAt = Date.now();
    this.list = [...this.list, sweep].slice(-MAX_SAVED_SWEEPS);
    this.host.store.saveSweep(sweep);
    if (!this.disposed) {
      this.panel.setSaved(this.list, sweep.id);
      this.panel.showSweep(sweep);
    }
    return sweep;
  }

  private open(id: string): void {
    const s = this.list.find((x) => x.id === id);
    if (s) this.show(s);
  }

  private show(s: SavedSweep): void {
    this.panel.setDecl(s.decl);
    this.panel.showSweep(s);
  }

  private remove(id: string): void {
    this.list = this.list.filter((s) => s.id !== id);
    this.host.store.deleteSweep(id);
    const newest = this.list.at(-1);
    this.panel.setSaved(this.list, newest?.id);
    if (newest) this.show(newest); else this.panel.clearResult();
  }

  /** The notebook as a sweep sees it: its cells, its inputs and their values now. */
  private async notebook(session: NotebookSession): Promise<SweepNotebook> {
    const cells = session.cells();
    const inputs = inputNames(cells);
    const values: Record<string, unknown> = {};
    for (const name of inputs) {
      try { values[name] = structuredClone(await session.value(name)); } catch { /* no value (waiting) or not data: the point computes it, or says why it cannot */ }
    }
    return { title: session.doc.title, cells, inputs, values };
  }

  /** The form's choices: numeric inputs, a seed input, named numbers. */
  private async refresh(): Promise<void> {
    const session = this.attached?.session;
    if (!session) return;
    await session.settled();
    if (session !== this.attached?.session) return;
    const cells = session.cells();
    const inputs = inputNames(cells);
    const params: ParamChoice[] = [];
    const responses: string[] = [];
    for (const c of cells) for (const name of c.outputs) {
      let v: unknown;
      try { v = await session.value(name); } catch { continue; }
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (!inputs.has(name)) { responses.push(name); continue; }
      if (name === 'seed') continue;
      const spec = this.host.inputSpec(name);
      params.push({ name, value: v, ...(spec?.kind === 'range' ? { min: Number.isFinite(spec.min) ? spec.min : undefined, max: Number.isFinite(spec.max) ? spec.max : undefined, step: spec.step } : {}) });
    }
    const choices: PanelChoices = { params, responses, hasSeed: cells.some((c) => c.outputs.includes('seed')) };
    if (session === this.attached?.session) this.panel.setChoices(choices);
  }
}
