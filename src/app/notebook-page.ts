/**
 * A notebook page: runs the notebook on the kernel, renders its cells, wires editing, the
 * keyboard, persistence (autosave, revert with undo) and download; the toolbar's actions on input
 * values (reset, scenarios, share links) are input-actions.ts, the A/B comparison ab/, sweeps
 * sweep/, the result cache's builtin and controls result-cache-app.ts.
 */
import { NotebookSession, parseNotebook, serializeNotebook, type CellBuiltinFactory, type CellInfo, type CellSource, type KernelEvent } from '../kernel/index';
import { headlessCached } from '../lib/cache/headless';
import { NotebookStore } from '../lib/persist/notebook-store';
import type { KvBackend } from '../lib/persist/backend';
import type { CatalogEntry } from './catalog';
import { CellView, type CellAction } from './cell-view';
import { AbController } from './ab/ab-controller';
import { InputActions } from './input-actions';
import { InputsBridge, isInputWidget } from './inputs-bridge';
import { enhanceWidget } from './input-widgets';
import { Notices } from './notices';
import { SHORTCUTS, helpPanel, type ShortcutAction } from './shortcuts';
import { buildToolbar, type Toolbar } from './toolbar';
import { UndoStack } from './undo';
import { loadTypeScript } from './typescript-lazy';
import type { AppCache } from './result-cache-app';
import { SweepController } from './sweep/sweep-controller';
import type { WorkerPool } from './worker/pool';
import type { SweepWorkerApi } from './worker/sweep-api';

export interface PageContext {
  backend: KvBackend;
  builtins: () => Record<string, unknown>;
  onProgress?: (fn: (p: { active: boolean; stage: string; fraction: number }) => void) => () => void;
  linkValues: Record<string, unknown>;
  warnings: string[];
  /** the result cache behind the `cached` builtin (without one, `cached` only computes) */
  cache?: AppCache;
  /** a pool of sweep workers (one per core, or `size`) for the sweep panel */
  sweepPool?: (size?: number) => WorkerPool<SweepWorkerApi>;
}

export class NotebookPage {
  readonly el: HTMLElement;
  private readonly cellsEl: HTMLElement;
  private readonly notices = new Notices();
  private readonly toolbar: Toolbar;
  private readonly help = helpPanel();
  private readonly views = new Map<number, CellView>();
  private infos = new Map<number, CellInfo>();
  private session: NotebookSession | undefined;
  private unsubscribe: (() => void) | undefined;
  private store!: NotebookStore;
  private bridge!: InputsBridge;
  private inputs!: InputActions;
  private ab!: AbController;
  private sweepCtl: SweepController | undefined;
  private readonly undo = new UndoStack(this.notices);
  private current: number | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly cleanups: Array<() => void> = [];

  constructor(private readonly entry: CatalogEntry, private readonly ctx: PageContext) {
    this.el = document.createElement('article');
    this.el.className = 'notebook-page';
    this.el.dataset.notebook = entry.slug;
    this.toolbar = buildToolbar(entry.title, {
      revert: () => void this.revert(),
      reset: () => void this.inputs.reset(),
      download: () => this.download(),
      copyLink: () => void this.inputs.copyLink(),
      help: () => { this.help.hidden = !this.help.hidden; },
      saveScenario: (name) => this.inputs.saveScenario(name),
      switchScenario: (name) => this.inputs.switchScenario(name),
      deleteScenario: (name) => this.inputs.deleteScenario(name),
    });
    this.cellsEl = document.createElement('div');
    this.cellsEl.className = 'cells';
    this.el.append(this.toolbar.el, this.notices.el, this.help, this.cellsEl);
  }

  async open(): Promise<void> {
    for (const w of this.ctx.warnings) this.notices.show('warning', w, 'storage');
    this.store = new NotebookStore(this.ctx.backend, this.entry.slug, {
      onProblem: (p) => this.notices.show(p.kind === 'corrupt' || p.kind === 'version' ? 'warning' : 'error', p.message, p.kind),
      onSaved: () => this.notices.clear('quota'),
      syncBackup: localStorageOrUndefined(),
    });
    const loaded = await this.store.load();
    this.toolbar.setScenarios(this.store.scenarioNames());
    this.bridge = new InputsBridge({
      stored: () => this.store.inputValues,
      save: (name, value) => this.store.saveInput(name, value),
      refuse: (message) => this.notices.show('warning', message, 'link'),
    }, { ...this.ctx.linkValues });
    this.inputs = new InputActions(this.store, this.bridge, this.notices, this.undo, this.toolbar, this.entry.slug);
    this.ab = new AbController({
      store: this.store, notices: this.notices, undo: this.undo, fileSource: this.entry.source,
      session: () => this.session, inputs: () => this.bridge.values(),
      builtins: () => this.ctx.builtins(), cellBuiltins: () => this.cellBuiltins(), width: () => this.width(),
    });
    this.toolbar.addControls(...this.ab.controls());
    this.notices.el.after(this.ab.panel);
    const makePool = this.ctx.sweepPool;
    if (makePool) {
      this.sweepCtl = new SweepController({
        store: this.store, title: this.entry.title, session: () => this.session, inputSpec: (name) => this.bridge.get(name)?.spec,
        cache: () => this.ctx.cache?.cache, makePool, width: () => this.width(),
      });
      this.toolbar.addControls(...this.sweepCtl.controls());
      this.ab.panel.after(this.sweepCtl.panel.el);
    }
    if (this.ctx.cache) {
      const controls = this.ctx.cache.controls((text) => this.notices.show('info', text, 'cache'));
      this.toolbar.addControls(controls.el);
      this.cleanups.push(controls.dispose, this.ctx.cache.onProblem((p) => this.notices.show(p.kind === 'quota' || p.kind === 'write' ? 'error' : 'warning', p.message, 'cache')));
    }
    let source = this.entry.source;
    let edited = false;
    if (loaded.source) {
      try { parseNotebook(loaded.source.html); source = loaded.source.html; edited = true; } catch (e) {
        this.notices.show('warning', `The saved edit of “${this.entry.title}” could not be parsed (${(e as Error).message}); the file version loaded. Revert to file discards it.`, 'corrupt');
      }
    }
    this.toolbar.setEdited(edited);
    if (/<script\b[^>]*type="text\/x-typescript"/.test(source)) await loadTypeScript();
    this.start(source);
    this.ab.restore(loaded.pinned);
    this.sweepCtl?.restore(loaded.sweeps);
    const flush = (): void => { this.store.flushSync(); };
    const onVis = (): void => { if (document.visibilityState === 'hidden') flush(); };
    document.addEventListener('visibilitychange', onVis);
    window.addEventListener('pagehide', flush);
    this.cleanups.push(() => document.removeEventListener('visibilitychange', onVis), () => window.removeEventListener('pagehide', flush));
    const onKey = (e: KeyboardEvent): void => this.onKey(e);
    document.addEventListener('keydown', onKey, true);
    this.cleanups.push(() => document.removeEventListener('keydown', onKey, true));
    const onFocus = (e: FocusEvent): void => { const c = (e.target as HTMLElement | null)?.closest?.<HTMLElement>('.cell'); if (c) this.setCurrent(Number(c.dataset.cellId)); };
    this.el.addEventListener('focusin', onFocus);
    this.el.addEventListener('click', (e) => { const c = (e.target as HTMLElement).closest<HTMLElement>('.cell'); if (c) this.setCurrent(Number(c.dataset.cellId)); });
    if (this.ctx.onProgress) this.cleanups.push(this.ctx.onProgress((p) => this.toolbar.setProgress(p)));
    this.ticker = setInterval(() => { for (const v of this.views.values()) v.tick(); }, 100);
    if (Object.keys(this.ctx.linkValues).length) {
      this.session!.settled().then(() => {
        for (const name of this.bridge.unusedLinkValues()) this.notices.show('warning', this.unusedLinkMessage(name), 'link');
      }, () => {});
    }
  }

  /** Why a link value found no input: no cell defines the name, or its cell never showed the input. */
  private unusedLinkMessage(name: string): string {
    const cell = this.session?.cells().find((c) => c.outputs.includes(name));
    if (!cell) return `Link value refused: the notebook has no input named “${name}”.`;
    const s = cell.status;
    const why = s.state === 'blocked' ? `its cell is blocked by ${s.by.name} (cell ${s.by.cellId})`
      : s.state === 'error' ? `its cell failed: ${s.message}`
      : s.state === 'waiting' ? `its cell is waiting for ${s.for.name} (${s.message})`
      : `cell ${cell.id} does not show it as an input`;
    return `Link value for “${name}” not applied: ${why}.`;
  }

  /** The running session (tests and the benchmark use it through window.mmbook). */
  get kernel(): NotebookSession | undefined { return this.session; }
  /** The sweep panel's controller (tests and the benchmark run sweeps through it). */
  get sweeps(): SweepController | undefined { return this.sweepCtl; }
  /** Whether edits or input values wait for the (debounced) write to IndexedDB. */
  get unsaved(): boolean { return this.store?.hasPending ?? false; }

  /** Resolves when the page's cells, scenario A (when pinned) and the A/B panel are all up to date. */
  async settled(): Promise<void> {
    await this.session?.settled();
    await this.ab?.settled();
  }

  private width(): number { return Math.min(880, Math.max(320, (this.cellsEl.clientWidth || 760) - 40)); }

  /** Per-cell builtins: `cached` (a result read from the cache marks the cell "cached"). */
  private cellBuiltins(): Record<string, CellBuiltinFactory> {
    return { cached: this.ctx.cache ? this.ctx.cache.cellBuiltin() : () => headlessCached };
  }

  private start(source: string): void {
    const doc = parseNotebook(source);
    this.session = NotebookSession.open(doc, { builtins: this.ab.builtinsForB(this.ctx.builtins()), cellBuiltins: this.cellBuiltins(), width: this.width() });
    this.unsubscribe = this.session.subscribe((e) => this.onEvent(e));
    this.sync();
    this.ab.attach(this.session);
    this.sweepCtl?.attach(this.session);
  }

  private stop(): void {
    this.unsubscribe?.();
    this.session?.dispose();
    this.session = undefined;
    for (const v of this.views.values()) v.destroy();
    this.views.clear();
  }

  private onEvent(e: KernelEvent): void {
    switch (e.type) {
      case 'structure': this.sync(); break;
      case 'busy': this.toolbar.setBusy(e.busy); break;
      case 'clear': this.views.get(e.cellId)?.clear(); break;
      case 'status': this.views.get(e.cellId)?.setStatus(e.status); break;
      case 'warnings': this.views.get(e.cellId)?.setWarnings(e.warnings); break;
      case 'display': {
        const view = this.views.get(e.cellId);
        if (!view) break;
        try {
          view.display(e.value);
          if (e.value instanceof HTMLElement && e.value.querySelector('input[type=range], input[type=number]')) enhanceWidget(e.value);
          const info = this.infos.get(e.cellId);
          if (info && isInputWidget(e.value) && info.outputs.length === 1 && /\bview\s*\(/.test(info.source.value)) this.bridge.bind(info.outputs[0], e.value);
        } catch (err) {
          view.display(`display failed: ${(err as Error).message}`);
        }
        break;
      }
    }
  }

  /** Reconcile cell views with the kernel's cell list (order, additions, removals). */
  private sync(): void {
    if (!this.session) return;
    const cells = this.session.cells();
    this.infos = new Map(cells.map((c) => [c.id, c]));
    for (const [id, v] of this.views) if (!this.infos.has(id)) { v.destroy(); this.views.delete(id); }
    let prev: Element | null = null;
    for (const info of cells) {
      let v = this.views.get(info.id);
      if (!v) {
        v = new CellView(info, (id, a) => this.act(id, a), (id) => this.reveal(id));
        this.views.set(info.id, v);
      } else {
        v.updateSource(info.source);
      }
      const want: Element | null = prev ? prev.nextElementSibling : this.cellsEl.firstElementChild;
      if (want !== v.el) { this.cellsEl.insertBefore(v.el, want); v.attached(); }
      prev = v.el;
      if (v.status.state !== info.status.state) v.setStatus(info.status);
    }
    for (const d of this.session.diagnostics()) for (const id of d.cellIds) this.views.get(id)?.setStatus({ state: 'error', message: d.message, count: 0 });
  }

  private index(id: number): number { return this.session ? this.session.cells().findIndex((c) => c.id === id) : -1; }

  private act(id: number, action: CellAction): void {
    const s = this.session;
    if (!s) return;
    const view = this.views.get(id);
    this.setCurrent(id);
    switch (action) {
      case 'run':
        if (!view) return;
        if (view.mode === 'ts') void loadTypeScript().then(() => this.session === s && s.redefine(id, view.editorValue, view.mode));
        else s.redefine(id, view.editorValue, view.mode);
        break;
      case 'edit': view?.toggleEditing(); return;
      case 'above':
      case 'below': {
        const at = this.index(id) + (action === 'below' ? 1 : 0);
        const nid = s.define({ mode: 'js', value: '' }, at);
        this.sync();
        this.views.get(nid)?.focusEditor();
        this.setCurrent(nid);
        break;
      }
      case 'delete': {
        const info = this.infos.get(id);
        if (!info) return;
        const at = this.index(id);
        s.remove(id);
        this.sync();
        // the cell that took its place becomes current, so Alt+D again deletes the next one
        const cells = s.cells();
        const next = cells[Math.min(at, cells.length - 1)];
        if (next) { this.setCurrent(next.id); this.views.get(next.id)?.el.focus(); }
        this.undo.push(`Deleted cell ${id}. Undo with Alt+Z or`, 'Undo delete', () => this.restoreCell(info.source, at));
        break;
      }
      case 'up':
      case 'down': {
        const i = this.index(id);
        const j = action === 'up' ? i - 1 : i + 1;
        if (i < 0 || j < 0 || j >= s.cells().length) return;
        s.move(id, j);
        this.sync();
        this.views.get(id)?.el.focus();
        break;
      }
    }
    this.persistSource();
  }

  private restoreCell(source: CellSource, index: number): void {
    if (!this.session) return;
    const { id: _drop, ...rest } = source;
    void _drop;
    const nid = this.session.define(rest, Math.min(index, this.session.cells().length));
    this.sync();
    this.setCurrent(nid);
    this.views.get(nid)?.el.focus();
    this.persistSource();
  }

  private persistSource(): void {
    if (!this.session) return;
    this.store.saveSource(serializeNotebook(this.session.doc));
    this.toolbar.setEdited(true);
  }

  private onKey(e: KeyboardEvent): void {
    const sc = SHORTCUTS.find((s) => s.match(e));
    if (!sc) return;
    const inPage = this.el.contains(document.activeElement) || document.activeElement === document.body;
    if (!inPage) return;
    const action: ShortcutAction = sc.action;
    if (action === 'help') { e.preventDefault(); this.help.hidden = !this.help.hidden; return; }
    if (action === 'undo') { e.preventDefault(); this.undo.undoLast(); return; }
    const focusedCell = (document.activeElement as HTMLElement | null)?.closest?.<HTMLElement>('.cell');
    // Shift+Enter only runs when typing in a cell editor; elsewhere it stays a normal key.
    if (action === 'run' && !focusedCell) return;
    const id = focusedCell ? Number(focusedCell.dataset.cellId) : this.current;
    if (id === undefined || !this.views.has(id)) return;
    e.preventDefault();
    e.stopPropagation();
    this.act(id, action);
  }

  private setCurrent(id: number): void {
    if (this.current !== undefined && this.current !== id) this.views.get(this.current)?.setCurrent(false);
    this.current = id;
    this.views.get(id)?.setCurrent(true);
  }

  private reveal(id: number): void {
    const v = this.views.get(id);
    if (!v) return;
    v.el.scrollIntoView({ block: 'center' });
    v.el.focus();
    this.setCurrent(id);
    v.el.classList.add('flash');
    setTimeout(() => v.el.classList.remove('flash'), 1200);
  }

  /** Load the file version at once; Undo brings the edited version back (and saves it again). */
  private async revert(): Promise<void> {
    const edited = this.session ? serializeNotebook(this.session.doc) : undefined;
    this.load(this.entry.source, false);
    this.undo.clear();
    if (edited !== undefined) {
      this.undo.push('Reverted to the notebook file; your edits are set aside.', 'Undo revert', () => {
        this.load(edited, true);
        this.store.saveSource(edited);
      });
    }
    await this.store.revertSource();
  }

  private load(source: string, edited: boolean): void {
    this.stop();
    this.start(source);
    this.toolbar.setEdited(edited);
  }

  private download(): void {
    if (!this.session) return;
    const blob = new Blob([serializeNotebook(this.session.doc)], { type: 'text/html' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = this.entry.file;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  dispose(): void {
    void this.store?.flush();
    if (this.ticker) clearInterval(this.ticker);
    for (const c of this.cleanups.splice(0)) c();
    this.ab?.dispose();
    this.sweepCtl?.dispose();
    this.stop();
    this.el.remove();
  }
}

function localStorageOrUndefined(): Storage | undefined {
  try { return globalThis.localStorage ?? undefined; } catch { return undefined; }
}
