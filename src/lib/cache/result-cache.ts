/**
 * The result cache: workload and replay results (any structured-cloneable value, typed arrays
 * included) kept in IndexedDB under the hash of their inputs (cache-key.ts), so that re-opening a
 * notebook or undoing a change reads the result back instead of recomputing it.
 *
 * Layout in its key-value store (its own database, apart from the notebooks' entries):
 *   index       { schema, capBytes, clock, entries: { [hash]: { size, used } } }
 *   r:<hash>    { schema, hash, size, value }
 * `size` is sizeOf(value) (size.ts); the entries' sizes add up to at most `capBytes` (200 MiB by
 * default), and a new result evicts the least recently used ones (`used` is a clock that every
 * read and write advances). Nothing fails silently: an unreadable entry is dropped and recomputed,
 * a result too large for the cap, one that cannot be cloned, and a full disk (after evicting to
 * make room and trying again) are reported through onProblem; the computed value is returned
 * either way.
 */
import { errorText, isQuotaError, type KvBackend } from '../persist/backend';
import { cacheKey } from './cache-key';
import { formatBytes, sizeOf } from './size';

export const CACHE_SCHEMA = 1;
export const DEFAULT_CAP_BYTES = 200 * 1024 * 1024;
const INDEX = 'index';
const entryKey = (hash: string) => `r:${hash}`;

export interface CacheProblem { kind: 'corrupt' | 'quota' | 'too-large' | 'uncloneable' | 'write'; message: string }
export interface CacheStats { entries: number; bytes: number; capBytes: number }
interface Meta { size: number; used: number }
interface Index { schema: number; capBytes: number; clock: number; entries: Record<string, Meta> }

export interface ResultCacheOptions {
  /** the cap of a new cache (a cap set with setCap() is kept in the cache) */
  capBytes?: number;
  onProblem?(p: CacheProblem): void;
  /** after every change of the entries (a result added, evicted, cleared) */
  onChange?(stats: CacheStats): void;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const validMeta = (m: unknown): m is Meta => isRecord(m) && Number.isFinite(m.size) && (m.size as number) >= 0 && Number.isFinite(m.used);

export class ResultCache {
  private index: Index;
  private opened: Promise<void> | undefined;
  /** writes of the index, in order */
  private writing: Promise<void> = Promise.resolve();
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(private readonly backend: KvBackend, private readonly opts: ResultCacheOptions = {}) {
    this.index = { schema: CACHE_SCHEMA, capBytes: opts.capBytes ?? DEFAULT_CAP_BYTES, clock: 0, entries: {} };
  }

  get persistent(): boolean { return this.backend.persistent; }

  /** Reads the index; an unreadable one clears the cache (its results are recomputed), with a message. */
  open(): Promise<void> {
    this.opened ??= this.load();
    return this.opened;
  }

  private async load(): Promise<void> {
    let raw: unknown;
    try { raw = await this.backend.get(INDEX); } catch (e) { raw = e; }
    if (raw === undefined) return this.dropOrphans();
    if (isRecord(raw) && raw.schema === CACHE_SCHEMA && Number.isFinite(raw.capBytes) && (raw.capBytes as number) > 0 && Number.isFinite(raw.clock)
      && isRecord(raw.entries) && Object.values(raw.entries).every(validMeta)) {
      this.index = { schema: CACHE_SCHEMA, capBytes: raw.capBytes as number, clock: raw.clock as number, entries: { ...(raw.entries as Record<string, Meta>) } };
      return this.dropOrphans();
    }
    const why = raw instanceof Error ? errorText(raw) : isRecord(raw) && raw.schema !== CACHE_SCHEMA ? `schema ${String(raw.schema)}, this app reads ${CACHE_SCHEMA}` : 'unexpected content';
    await this.dropAll();
    this.problem({ kind: 'corrupt', message: `The result cache's index was unreadable (${why}); the cache was emptied and results are computed again.` });
  }

  stats(): CacheStats {
    const metas = Object.values(this.index.entries);
    return { entries: metas.length, bytes: metas.reduce((n, m) => n + m.size, 0), capBytes: this.index.capBytes };
  }

  /** The cached value of `hash`, or { hit: false }. An unreadable entry is dropped (and reported). */
  async get(hash: string): Promise<{ hit: true; value: unknown } | { hit: false }> {
    await this.open();
    if (!this.index.entries[hash]) return { hit: false };
    let raw: unknown;
    try { raw = await this.backend.get(entryKey(hash)); } catch (e) { raw = e; }
    if (isRecord(raw) && raw.schema === CACHE_SCHEMA && raw.hash === hash && 'value' in raw) {
      this.index.entries[hash]!.used = ++this.index.clock;
      void this.saveIndex();
      return { hit: true, value: raw.value };
    }
    if (raw !== undefined) this.problem({ kind: 'corrupt', message: `A cached result was unreadable (${raw instanceof Error ? errorText(raw) : 'unexpected content'}); it was dropped and is computed again.` });
    await this.remove([hash]);
    return { hit: false };
  }

  /** Stores `value` under `hash`, evicting least recently used results to stay under the cap. */
  async put(hash: string, value: unknown): Promise<boolean> {
    await this.open();
    const size = sizeOf(value);
    if (size > this.index.capBytes) {
      this.problem({ kind: 'too-large', message: `A result of ${formatBytes(size)} is larger than the result cache's cap (${formatBytes(this.index.capBytes)}): it was not cached.` });
      return false;
    }
    for (let attempt = 0; ; attempt++) {
      // a full disk (the browser's quota, not the cap): the older half of the results makes room
      if (attempt === 0) await this.evictFor(size);
      else await this.remove(this.lru().slice(0, Math.ceil(Object.keys(this.index.entries).length / 2)));
      try {
        await this.backend.set(entryKey(hash), { schema: CACHE_SCHEMA, hash, size, value });
        break;
      } catch (e) {
        if (isQuotaError(e) && attempt === 0 && Object.keys(this.index.entries).length) continue;
        const name = (e as { name?: string } | null)?.name;
        if (name === 'DataCloneError') {
          this.problem({ kind: 'uncloneable', message: `This result cannot be cached (${errorText(e)}): it holds something that is not data (a function, a machine handle, a DOM node).` });
        } else if (isQuotaError(e)) {
          this.problem({ kind: 'quota', message: `Storage is full: a result of ${formatBytes(size)} was not cached (${errorText(e)}). Clear the cache or lower its cap; the result itself is shown.` });
        } else {
          this.problem({ kind: 'write', message: `A result could not be cached (${errorText(e)}).` });
        }
        return false;
      }
    }
    this.index.entries[hash] = { size, used: ++this.index.clock };
    await this.saveIndex();
    this.changed();
    return true;
  }

  /**
   * The value for `parts` from the cache, else compute() (stored for next time). `onHit` is called
   * when it came from the cache. Concurrent calls with the same parts share one computation.
   */
  async cached<T>(parts: unknown, compute: () => T | Promise<T>, opts: { onHit?: () => void } = {}): Promise<T> {
    const hash = await cacheKey(parts);
    const running = this.inflight.get(hash);
    if (running) return running as Promise<T>;
    const work = (async () => {
      const got = await this.get(hash);
      if (got.hit) { opts.onHit?.(); return got.value as T; }
      const value = await compute();
      await this.put(hash, value);
      return value;
    })();
    this.inflight.set(hash, work);
    try { return await work; } finally { this.inflight.delete(hash); }
  }

  /** Sets the cap (kept with the cache) and evicts down to it. */
  async setCap(bytes: number): Promise<void> {
    if (!Number.isFinite(bytes) || bytes <= 0) throw new RangeError(`the cache cap must be a positive number of bytes, got ${bytes}`);
    await this.open();
    this.index.capBytes = bytes;
    await this.evictFor(0);
    await this.saveIndex();
    this.changed();
  }

  /** Removes every cached result. */
  async clear(): Promise<void> {
    await this.open();
    await this.dropAll();
    this.changed();
  }

  /** Resolves when the index writes started so far are done. */
  flush(): Promise<void> { return this.writing; }

  /** The cached hashes, least recently used first. */
  private lru(): string[] {
    return Object.entries(this.index.entries).sort((a, b) => a[1].used - b[1].used).map(([h]) => h);
  }

  /** Evicts least recently used results until `size` more bytes fit under the cap. */
  private async evictFor(size: number): Promise<void> {
    let bytes = this.stats().bytes;
    if (bytes + size <= this.index.capBytes) return;
    const victims: string[] = [];
    for (const hash of this.lru()) {
      if (bytes + size <= this.index.capBytes) break;
      victims.push(hash);
      bytes -= this.index.entries[hash]!.size;
    }
    await this.remove(victims);
  }

  private async remove(hashes: string[]): Promise<void> {
    if (!hashes.length) return;
    for (const h of hashes) {
      delete this.index.entries[h];
      try { await this.backend.del(entryKey(h)); } catch { /* gone already, or unreachable: the index no longer lists it */ }
    }
    await this.saveIndex();
    this.changed();
  }

  /**
   * Results the index does not list (another tab's index was saved over this one's, or the index
   * was lost) would take room the cap does not count: they are deleted.
   */
  private async dropOrphans(): Promise<void> {
    let keys: string[];
    try { keys = await this.backend.keys(); } catch { return; }
    for (const k of keys) if (k.startsWith('r:') && !this.index.entries[k.slice(2)]) await this.backend.del(k).catch(() => {});
  }

  private async dropAll(): Promise<void> {
    let keys: string[] = [];
    try { keys = await this.backend.keys(); } catch { /* nothing listed: drop what the index names */ }
    for (const k of new Set([...keys, ...Object.keys(this.index.entries).map(entryKey)])) {
      if (k === INDEX || k.startsWith('r:')) await this.backend.del(k).catch(() => {});
    }
    this.index = { schema: CACHE_SCHEMA, capBytes: this.index.capBytes, clock: 0, entries: {} };
    await this.saveIndex();
  }

  private saveIndex(): Promise<void> {
    const snapshot = structuredClone(this.index);
    this.writing = this.writing.then(() => this.backend.set(INDEX, snapshot)).catch((e: unknown) => {
      this.problem({ kind: isQuotaError(e) ? 'quota' : 'write', message: `The result cache's index could not be saved (${errorText(e)}); cached results may be computed again after a reload.` });
    });
    return this.writing;
  }

  private changed(): void { this.opts.onChange?.(this.stats()); }
  private problem(p: CacheProblem): void { this.opts.onProblem?.(p); }
}
