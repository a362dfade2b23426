/**
 * The workbench's result cache: one ResultCache (src/lib/cache) in its own IndexedDB database for
 * every page, the `cached(key, compute)` builtin cells get (a result read from the cache tags the
 * cell's status "cached"), and the toolbar's cache controls: its size against its cap, the cap,
 * and "Clear cache". The cache's problems (a full disk, a result too large or not data) go to the
 * page's notices.
 */
import type { CellBuiltinFactory } from '../kernel/index';
import { CACHE_DB, openBackend } from '../lib/persist/backend';
import { formatBytes, ResultCache, type CacheProblem, type CacheStats } from '../lib/cache/index';

const CAPS_MIB = [50, 200, 500, 1000, 2000];

export class AppCache {
  private readonly changes = new Set<(s: CacheStats) => void>();
  private readonly problems = new Set<(p: CacheProblem) => void>();
  readonly cache: ResultCache;

  private constructor(backend: Awaited<ReturnType<typeof openBackend>>['backend']) {
    this.cache = new ResultCache(backend, {
      onChange: (s) => { for (const fn of this.changes) fn(s); },
      onProblem: (p) => { for (const fn of this.problems) fn(p); },
    });
  }

  /** Opens the cache's database (an in-memory cache for this tab when IndexedDB cannot be opened). */
  static async open(idb?: IDBFactory): Promise<AppCache> {
    const { backend } = await openBackend(idb ?? globalThis.indexedDB, CACHE_DB);
    const app = new AppCache(backend);
    await app.cache.open();
    return app;
  }

  onChange(fn: (s: CacheStats) => void): () => void { this.changes.add(fn); return () => this.changes.delete(fn); }
  onProblem(fn: (p: CacheProblem) => void): () => void { this.problems.add(fn); return () => this.problems.delete(fn); }

  /** The `cached` builtin: `await cached({machine: request, spec, seed}, () => machine.workload(spec))`. */
  cellBuiltin(): CellBuiltinFactory {
    return (cell) => (parts: unknown, compute: unknown) => {
      if (typeof compute !== 'function') throw new TypeError('cached(key, compute): compute must be a function that computes the result (it runs only when the cache does not have it)');
      return this.cache.cached(parts, compute as () => unknown, { onHit: () => cell.tag('cached') });
    };
  }

  /** The toolbar's cache controls; `say` shows a notice. Returns the element and its cleanup. */
  controls(say: (text: string) => void): { el: HTMLElement; dispose(): void } {
    const el = document.createElement('span');
    el.className = 'cache-controls';
    const size = document.createElement('span');
    size.className = 'cache-size';
    size.title = 'Workload and replay results kept in this browser, keyed by their inputs; the least recently used go first when the cap is reached';
    const cap = document.createElement('select');
    cap.setAttribute('aria-label', 'Result cache size cap');
    const clear = document.createElement('button');
    clear.type = 'button';
    clear.dataset.action = 'clear-cache';
    clear.textContent = 'Clear cache';
    clear.title = 'Delete every cached result (they are computed again when needed)';
    const show = (s: CacheStats) => {
      size.textContent = `cache ${formatBytes(s.bytes)} (${s.entries} result${s.entries === 1 ? '' : 's'})`;
      const mib = Math.round(s.capBytes / 2 ** 20);
      cap.replaceChildren(...[...new Set([...CAPS_MIB, mib])].sort((a, b) => a - b).map((m) => new Option(`cap ${m} MiB`, String(m))));
      cap.value = String(mib);
    };
    cap.onchange = () => { void this.cache.setCap(Number(cap.value) * 2 ** 20); };
    clear.onclick = async () => {
      const before = this.cache.stats();
      await this.cache.clear();
      say(`Cleared the result cache (${before.entries} result${before.entries === 1 ? '' : 's'}, ${formatBytes(before.bytes)}).`);
    };
    show(this.cache.stats());
    const off = this.onChange(show);
    el.append(size, cap, clear);
    return { el, dispose: off };
  }
}
