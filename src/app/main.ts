/**
 * Workbench entry: opens storage, then routes #/<slug> to a notebook page (the flagship when the
 * hash is empty, which is what `npm start` opens) and #/index to the list of notebooks.
 */
import '@observablehq/inputs/dist/index.css';
// the inspector package does not export its stylesheet; import the file itself
import '../../node_modules/@observablehq/inspector/dist/inspector.css';
import './styles.css';
import { catalog, DEFAULT_SLUG } from './catalog';
import { indexNav, indexPage } from './index-page';
import { NotebookPage } from './notebook-page';
import { browserBuiltins } from './builtins';
import { createRemoteMm, type RemoteMm } from './mm-remote';
import { openBackend, type KvBackend } from '../lib/persist/backend';
import { api } from './worker/api';
import { WorkerPool } from './worker/pool';
import { sweepApi } from './worker/sweep-api';
import { AppCache } from './result-cache-app';
import { decodeShareQueryPacked, parseHash } from '../lib/persist/share';

const makeWorker = (): Worker => new Worker(new URL('./worker/mm.worker.ts', import.meta.url), { type: 'module' });
const makeSweepWorker = (): Worker => new Worker(new URL('./worker/sweep.worker.ts', import.meta.url), { type: 'module' });
const sweepPool = (size?: number): WorkerPool<typeof sweepApi> => new WorkerPool(makeSweepWorker, sweepApi, size === undefined ? {} : { size });

interface AppState { backend: KvBackend; warnings: string[]; page?: NotebookPage; mm?: RemoteMm; cache: AppCache }

/**
 * Hooks for the browser tests and the UI benchmark (read-only use); `pool(size?)` makes a pool of
 * simulator workers (worker/pool.ts), `sweepPool(size?)` one of sweep workers (worker/sweep-api.ts).
 */
declare global {
  interface Window {
    mmbook: {
      page?: NotebookPage; mm?: RemoteMm; cache?: AppCache; ready: boolean; route: string; settled(): Promise<void>;
      pool(size?: number): WorkerPool<typeof api>;
      sweepPool(size?: number): WorkerPool<typeof sweepApi>;
    };
  }
}

async function boot(): Promise<void> {
  const app = document.getElementById('app')!;
  window.mmbook = {
    ready: false, route: '', settled: async () => { await window.mmbook.page?.settled(); },
    pool: (size) => new WorkerPool(makeWorker, api, size === undefined ? {} : { size }),
    sweepPool,
  };
  const [{ backend, warning }, cache] = await Promise.all([openBackend(), AppCache.open()]);
  const state: AppState = { backend, warnings: warning ? [warning] : [], cache };
  window.mmbook.cache = cache;
  const entries = catalog();
  const shell = document.createElement('div');
  shell.className = 'shell';
  const main = document.createElement('main');
  main.className = 'main';
  app.replaceChildren(shell);

  const route = async (): Promise<void> => {
    const { slug, query } = parseHash(location.hash);
    state.page?.dispose();
    state.page = undefined;
    state.mm?.dispose();
    state.mm = undefined;
    const target = slug === '' ? DEFAULT_SLUG : slug;
    shell.replaceChildren(indexNav(entries, target), main);
    window.mmbook.route = target;
    if (target === 'index') { main.replaceChildren(indexPage(entries)); document.title = 'mmbook notebooks'; window.mmbook.ready = true; return; }
    const entry = entries.find((e) => e.slug === target);
    if (!entry) {
      const p = document.createElement('p');
      p.className = 'not-found';
      p.textContent = `No notebook named “${target}”.`;
      main.replaceChildren(p, indexPage(entries));
      return;
    }
    document.title = `${entry.title} · mmbook`;
    const mm = createRemoteMm(makeWorker);
    state.mm = mm;
    const linkValues = query ? await decodeShareQueryPacked(query) : {};
    // the link's values are applied once (and saved); drop them from the URL so a reload keeps later changes
    if (query) history.replaceState(null, '', `#/${entry.slug}`);
    const builtins = await browserBuiltins(mm);
    const page = new NotebookPage(entry, { backend: state.backend, builtins: () => builtins, onProgress: (fn) => mm.onProgress(fn), linkValues, warnings: state.warnings, cache: state.cache, sweepPool });
    state.page = page;
    window.mmbook.page = page;
    window.mmbook.mm = mm;
    main.replaceChildren(page.el);
    try {
      await page.open();
    } catch (e) {
      const p = document.createElement('div');
      p.className = 'notice notice-error';
      p.textContent = `This notebook could not be opened: ${(e as Error).message}`;
      main.prepend(p);
    }
    window.mmbook.ready = true;
  };
  window.addEventListener('hashchange', () => { window.mmbook.ready = false; void route(); });
  await route();
}

void boot();
