/**
 * The key-value backend the store writes to: idb-keyval in the browser (and under fake-indexeddb
 * in Node tests), or an in-memory map when IndexedDB cannot be opened (the app then warns that
 * nothing survives a reload).
 */
import { createStore, get, set, del, keys, type UseStore } from 'idb-keyval';

export interface KvBackend {
  readonly persistent: boolean;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

export class IdbBackend implements KvBackend {
  readonly persistent = true;
  constructor(private readonly store: UseStore) {}
  get(key: string): Promise<unknown> { return get(key, this.store); }
  set(key: string, value: unknown): Promise<void> { return set(key, value, this.store); }
  del(key: string): Promise<void> { return del(key, this.store); }
  async keys(): Promise<string[]> { return (await keys(this.store)).map(String); }
}

export class MemoryBackend implements KvBackend {
  readonly persistent = false;
  private readonly map = new Map<string, unknown>();
  async get(key: string): Promise<unknown> { return structuredClone(this.map.get(key)); }
  async set(key: string, value: unknown): Promise<void> { this.map.set(key, structuredClone(value)); }
  async del(key: string): Promise<void> { this.map.delete(key); }
  async keys(): Promise<string[]> { return [...this.map.keys()]; }
}

export const DB_NAME = 'mmbook';
export const STORE_NAME = 'kv';
/** The result cache (src/lib/cache) has a database of its own: its many entries stay out of the notebooks' key listing. */
export const CACHE_DB = { db: 'mmbook-cache', store: 'results' } as const;

/**
 * Open IndexedDB and prove it works with a round trip; on any failure (no indexedDB, private
 * mode, blocked) return a MemoryBackend and the reason, so the caller can warn the user.
 */
export async function openBackend(idb: IDBFactory | undefined = globalThis.indexedDB, names: { db: string; store: string } = { db: DB_NAME, store: STORE_NAME }): Promise<{ backend: KvBackend; warning?: string }> {
  if (!idb) return { backend: new MemoryBackend(), warning: 'IndexedDB is not available in this browser: edits and input values will not survive a reload.' };
  try {
    const store = createStoreWith(idb, names);
    const backend = new IdbBackend(store);
    await withTimeout(backend.get('mmbook:probe'), 3000);
    return { backend };
  } catch (e) {
    return { backend: new MemoryBackend(), warning: `IndexedDB could not be opened (${errorText(e)}): edits and input values will not survive a reload.` };
  }
}

function createStoreWith(idb: IDBFactory, names: { db: string; store: string }): UseStore {
  if (idb === globalThis.indexedDB) return createStore(names.db, names.store);
  // idb-keyval's createStore uses the global indexedDB; open through the given factory instead.
  const request = idb.open(names.db);
  request.onupgradeneeded = () => request.result.createObjectStore(names.store);
  const dbp = new Promise<IDBDatabase>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return (txMode, callback) => dbp.then((db) => callback(db.transaction(names.store, txMode).objectStore(names.store)));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

export function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'name' in e && 'message' in e) return `${String((e as Error).name)}: ${String((e as Error).message)}`;
  return String(e);
}

export function isQuotaError(e: unknown): boolean {
  const name = e && typeof e === 'object' && 'name' in e ? String((e as Error).name) : '';
  return name === 'QuotaExceededError' || /quota/i.test(errorText(e));
}
