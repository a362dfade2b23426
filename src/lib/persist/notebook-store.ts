/**
 * Per-notebook persistence: edited source, input values, named scenarios, the pinned scenario A
 * and the sweeps (src/lib/sweep/result.ts).
 * Writes are debounced; flush() writes everything pending (the app calls it on visibilitychange
 * and pagehide). A failed write keeps the pending data, reports the failure through onProblem and
 * is retried on the next flush, so an edit is never dropped silently. Entries that are corrupt or
 * from another schema version are moved aside and reported (unless migrate.ts upgrades them); the
 * caller then loads the file version.
 *
 * IndexedDB writes started while a page unloads can be aborted, so flushSync() (called on pagehide)
 * also copies what is still pending into a synchronous backup (localStorage in the browser); the next
 * load() takes entries from it when they are newer than IndexedDB's and writes them through.
 */
import { asideKey, entryKey, entryVersion, isEntryKind, parseKey, SCHEMA_VERSION, KEY_PREFIX, ENTRY_KINDS, ENTRY_VERSIONS, type EntryKind } from './keys';
import { errorText, isQuotaError, type KvBackend } from './backend';
import { migrateEntry } from './migrate';
import { isSavedSweep, MAX_SAVED_SWEEPS, type SavedSweep } from '../sweep/result';

export type InputValues = Record<string, unknown>;
/**
 * Scenario A of an A/B comparison (src/app/ab): the input values when it was pinned and, when the
 * notebook was edited then, its source; it is kept with the named scenarios.
 */
export interface PinnedScenario { inputs: InputValues; source?: string; pinnedAt: number }
export interface Problem { kind: 'corrupt' | 'version' | 'write' | 'quota'; message: string; key?: string }
export interface StoredSource { html: string; savedAt: number }

export interface NotebookStoreOptions {
  debounceMs?: number;
  onProblem?: (p: Problem) => void;
  /** called after every successful write with the kinds written */
  onSaved?: (kinds: EntryKind[]) => void;
  now?: () => number;
  /** synchronous storage for flushSync (localStorage); absent = no backup */
  syncBackup?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

export class NotebookStore {
  private readonly debounceMs: number;
  private readonly pending = new Map<EntryKind, unknown>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private inputs: InputValues = {};
  private scenarios: Record<string, InputValues> = {};
  private pinnedA: PinnedScenario | null = null;
  private sweepList: SavedSweep[] = [];
  private readonly now: () => number;

  constructor(readonly backend: KvBackend, readonly notebook: string, private readonly opts: NotebookStoreOptions = {}) {
    this.debounceMs = opts.debounceMs ?? 400;
    this.now = opts.now ?? Date.now;
  }

  /** Read all entries of this notebook; set aside those that are corrupt or from another schema version. */
  async load(): Promise<{ source?: StoredSource; inputs: InputValues; scenarios: Record<string, InputValues>; pinned?: PinnedScenario; sweeps: SavedSweep[] }> {
    await this.setAsideForeignVersions();
    const backup = this.readBackup();
    let source = await this.read('source', VALID.source);
    let inputs = await this.read('inputs', VALID.inputs);
    let scenarios = await this.read('scenarios', VALID.scenarios);
    let sweeps = await this.read('sweeps', VALID.sweeps);
    const newer = (kind: EntryKind, cur: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
      const b = backup[kind];
      if (!b || (cur && (cur.savedAt as number) >= (b.savedAt as number))) return cur;
      this.pending.set(kind, b);
      return b;
    };
    source = newer('source', source);
    inputs = newer('inputs', inputs);
    scenarios = newer('scenarios', scenarios);
    sweeps = newer('sweeps', sweeps);
    if (this.pending.size) await this.flush();
    else this.opts.syncBackup?.removeItem(this.backupKey);
    this.inputs = inputs ? { ...(inputs.values as InputValues) } : {};
    this.scenarios = scenarios ? { ...(scenarios.scenarios as Record<string, InputValues>) } : {};
    this.pinnedA = (scenarios?.pinned as PinnedScenario | null | undefined) ?? null;
    this.sweepList = sweeps ? [...(sweeps.sweeps as SavedSweep[])] : [];
    return {
      source: source ? { html: source.html as string, savedAt: source.savedAt as number } : undefined,
      inputs: { ...this.inputs },
      scenarios: structuredClone(this.scenarios),
      ...(this.pinnedA ? { pinned: structuredClone(this.pinnedA) } : {}),
      sweeps: structuredClone(this.sweepList),
    };
  }

  private async read(kind: EntryKind, valid: (v: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | undefined> {
    const key = entryKey(kind, this.notebook);
    let value: unknown;
    try {
      value = await this.backend.get(key);
    } catch (e) {
      this.problem({ kind: 'corrupt', key, message: `Could not read the saved ${kind} of “${this.notebook}” (${errorText(e)}); using the file version.` });
      return undefined;
    }
    if (value === undefined) return undefined;
    if (isRecord(value) && value.schema === ENTRY_VERSIONS[kind] && valid(value)) return value;
    await this.setAside(key, value);
    this.problem({ kind: 'corrupt', key, message: `The saved ${kind} of “${this.notebook}” was unreadable; it was set aside and the file version loaded.` });
    return undefined;
  }

  private async setAsideForeignVersions(): Promise<void> {
    let all: string[];
    try { all = await this.backend.keys(); } catch { return; }
    for (const key of all) {
      if (!key.startsWith(KEY_PREFIX)) continue;
      const parsed = parseKey(key);
      const current = parsed ? entryVersion(parsed.kind) : SCHEMA_VERSION;
      if (!parsed || parsed.notebook !== this.notebook || parsed.version === current) continue;
      const value = await this.backend.get(key).catch(() => undefined);
      if (isEntryKind(parsed.kind) && await this.migrate(parsed.kind, parsed.version, key, value)) continue;
      await this.setAside(key, value);
      this.problem({ kind: 'version', key, message: `A saved ${parsed.kind} of “${this.notebook}” from schema v${parsed.version} (this app reads v${current}) was set aside; the file version loaded.` });
    }
  }

  /** An entry of an earlier schema that migrate.ts upgrades takes the current key (unless one is there already). */
  private async migrate(kind: EntryKind, version: number, key: string, value: unknown): Promise<boolean> {
    const upgraded = migrateEntry(kind, version, value);
    if (!upgraded || !VALID[kind](upgraded)) return false;
    const target = entryKey(kind, this.notebook);
    try {
      if (await this.backend.get(target) !== undefined) return false;
      await this.backend.set(target, upgraded);
      await this.backend.del(key);
      return true;
    } catch (e) {
      this.problem({ kind: 'write', key, message: `Could not upgrade the saved ${kind} of “${this.notebook}” to schema v${ENTRY_VERSIONS[kind]}: ${errorText(e)}` });
      return false;
    }
  }

  private async setAside(key: string, value: unknown): Promise<void> {
    try {
      await this.backend.set(asideKey(key, this.now()), { key, value: safeClone(value) });
      await this.backend.del(key);
    } catch (e) {
      this.problem({ kind: 'write', key, message: `Could not set aside ${key}: ${errorText(e)}` });
    }
  }

  // ---- source ----
  saveSource(html: string): void { this.schedule('source', { schema: ENTRY_VERSIONS.source, html, savedAt: this.now() }); }
  async revertSource(): Promise<void> {
    this.pending.delete('source');
    this.rewriteBackup();
    await this.guard(() => this.backend.del(entryKey('source', this.notebook)));
  }

  // ---- inputs ----
  get inputValues(): InputValues { return { ...this.inputs }; }
  saveInput(name: string, value: unknown): void {
    this.inputs[name] = value;
    this.schedule('inputs', { schema: ENTRY_VERSIONS.inputs, values: { ...this.inputs }, savedAt: this.now() });
  }
  setInputs(values: InputValues): void {
    this.inputs = { ...values };
    this.schedule('inputs', { schema: ENTRY_VERSIONS.inputs, values: { ...this.inputs }, savedAt: this.now() });
  }
  async resetInputs(): Promise<void> {
    this.inputs = {};
    this.pending.delete('inputs');
    this.rewriteBackup();
    await this.guard(() => this.backend.del(entryKey('inputs', this.notebook)));
  }

  // ---- scenarios ----
  scenarioNames(): string[] { return Object.keys(this.scenarios).sort(); }
  scenario(name: string): InputValues | undefined { return this.scenarios[name] ? { ...this.scenarios[name] } : undefined; }
  saveScenario(name: string, values: InputValues): void {
    this.scenarios[name] = { ...values };
    this.scheduleScenarios();
  }
  deleteScenario(name: string): void {
    delete this.scenarios[name];
    this.scheduleScenarios();
  }

  // ---- the pinned scenario A ----
  get pinned(): PinnedScenario | undefined { return this.pinnedA ? structuredClone(this.pinnedA) : undefined; }
  /** Pins `a` as scenario A (replacing any), or unpins with null. */
  setPinned(a: PinnedScenario | null): void {
    this.pinnedA = a ? structuredClone(a) : null;
    this.scheduleScenarios();
  }

  private scheduleScenarios(): void {
    this.schedule('scenarios', { schema: ENTRY_VERSIONS.scenarios, scenarios: structuredClone(this.scenarios), pinned: structuredClone(this.pinnedA), savedAt: this.now() });
  }

  // ---- sweeps ----
  get sweeps(): SavedSweep[] { return structuredClone(this.sweepList); }
  /** Saves `sweep` (replacing the one with its id, else as the newest; the oldest beyond MAX_SAVED_SWEEPS go). */
  saveSweep(sweep: SavedSweep): void {
    const i = this.sweepList.findIndex((s) => s.id === sweep.id);
    if (i >= 0) this.sweepList[i] = structuredClone(sweep);
    else this.sweepList.push(structuredClone(sweep));
    if (this.sweepList.length > MAX_SAVED_SWEEPS) this.sweepList.splice(0, this.sweepList.length - MAX_SAVED_SWEEPS);
    this.scheduleSweeps();
  }
  deleteSweep(id: string): void {
    this.sweepList = this.sweepList.filter((s) => s.id !== id);
    this.scheduleSweeps();
  }
  private scheduleSweeps(): void {
    this.schedule('sweeps', { schema: ENTRY_VERSIONS.sweeps, sweeps: structuredClone(this.sweepList), savedAt: this.now() });
  }

  // ---- writing ----
  get hasPending(): boolean { return this.pending.size > 0; }

  private get backupKey(): string { return `${KEY_PREFIX}v${SCHEMA_VERSION}:pending:${this.notebook}`; }

  /** Copy what is pending into the synchronous backup, then start the asynchronous flush. */
  flushSync(): void {
    if (this.pending.size && this.opts.syncBackup) {
      try {
        this.opts.syncBackup.setItem(this.backupKey, JSON.stringify({ schema: SCHEMA_VERSION, entries: Object.fromEntries(this.pending) }));
      } catch (e) {
        this.problem({ kind: isQuotaError(e) ? 'quota' : 'write', message: `Could not keep unsaved changes of “${this.notebook}” while leaving the page (${errorText(e)}).` });
      }
    }
    void this.flush();
  }

  /** A discarded entry must not come back from an older backup. */
  private rewriteBackup(): void {
    const b = this.opts.syncBackup;
    if (!b || b.getItem(this.backupKey) === null) return;
    try {
      if (this.pending.size) b.setItem(this.backupKey, JSON.stringify({ schema: SCHEMA_VERSION, entries: Object.fromEntries(this.pending) }));
      else b.removeItem(this.backupKey);
    } catch { b.removeItem(this.backupKey); }
  }

  private readBackup(): Partial<Record<EntryKind, Record<string, unknown>>> {
    const raw = this.opts.syncBackup?.getItem(this.backupKey);
    if (!raw) return {};
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (!isRecord(parsed) || parsed.schema !== SCHEMA_VERSION || !isRecord(parsed.entries)) throw new Error('unexpected shape');
      const out: Partial<Record<EntryKind, Record<string, unknown>>> = {};
      for (const kind of ENTRY_KINDS) {
        const e = parsed.entries[kind];
        if (e === undefined) continue;
        // a backup kept by an earlier version of the app holds entries of the schema of that time
        const current = isRecord(e) && typeof e.schema === 'number' && e.schema !== ENTRY_VERSIONS[kind] ? migrateEntry(kind, e.schema, e) : e;
        if (!isRecord(current) || current.schema !== ENTRY_VERSIONS[kind] || typeof current.savedAt !== 'number' || !VALID[kind](current)) throw new Error(`bad ${kind} entry`);
        out[kind] = current;
      }
      return out;
    } catch (e) {
      this.opts.syncBackup?.removeItem(this.backupKey);
      this.problem({ kind: 'corrupt', message: `Unsaved changes of “${this.notebook}” kept at the last page exit were unreadable (${errorText(e)}) and were dropped.` });
      return {};
    }
  }

  private schedule(kind: EntryKind, entry: unknown): void {
    this.pending.set(kind, entry);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.flush(); }, this.debounceMs);
  }

  /** Write everything pending now. Failed entries stay pending (and are reported). */
  flush(): Promise<void> {
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined; }
    this.writing = this.writing.then(() => this.writePending());
    return this.writing;
  }

  private async writePending(): Promise<void> {
    const batch = [...this.pending.entries()];
    const written: EntryKind[] = [];
    for (const [kind, entry] of batch) {
      try {
        await this.backend.set(entryKey(kind, this.notebook), entry);
        if (this.pending.get(kind) === entry) this.pending.delete(kind);
        written.push(kind);
      } catch (e) {
        const quota = isQuotaError(e);
        this.problem({
          kind: quota ? 'quota' : 'write', key: entryKey(kind, this.notebook),
          message: `${quota ? 'Storage is full' : 'Saving failed'}: the ${kind} of “${this.notebook}” is NOT saved yet (${errorText(e)}). It stays in this tab and is retried on the next save; use Download to keep a copy.`,
        });
      }
    }
    if (written.length) this.opts.onSaved?.(written);
    if (this.pending.size === 0) {
      try { this.opts.syncBackup?.removeItem(this.backupKey); } catch { /* nothing to drop */ }
    }
  }

  private async guard(op: () => Promise<void>): Promise<void> {
    try { await op(); } catch (e) { this.problem({ kind: 'write', message: `Storage operation failed: ${errorText(e)}` }); }
  }

  private problem(p: Problem): void { this.opts.onProblem?.(p); }
}

const VALID: Record<EntryKind, (v: Record<string, unknown>) => boolean> = {
  source: (v) => typeof v.html === 'string' && typeof v.savedAt === 'number' && v.html.includes('<notebook'),
  inputs: (v) => isRecord(v.values),
  scenarios: (v) => isRecord(v.scenarios) && Object.values(v.scenarios).every(isRecord) && (v.pinned === undefined || v.pinned === null || validPinned(v.pinned)),
  sweeps: (v) => Array.isArray(v.sweeps) && v.sweeps.every(isSavedSweep),
};

function validPinned(p: unknown): p is PinnedScenario {
  return isRecord(p) && isRecord(p.inputs) && typeof p.pinnedAt === 'number' && (p.source === undefined || (typeof p.source === 'string' && p.source.includes('<notebook')));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function safeClone(v: unknown): unknown {
  try { return structuredClone(v); } catch { return String(v); }
}
