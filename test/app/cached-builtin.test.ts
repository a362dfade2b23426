/**
 * The `cached` builtin on the notebook kernel: a per-cell builtin (OpenOptions.cellBuiltins) whose
 * cache hit tags the cell's `done` status "cached"; the first run computes, a re-open reads back.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { loadNotebook } from '../../src/kernel/index';
import { AppCache } from '../../src/app/result-cache-app';
import { notebookHtml } from '../kernel/helpers';

const html = notebookHtml('cached', [
  { id: 1, value: 'const n = 3' },
  { id: 2, value: 'const result = await cached({n, what: "squares"}, () => { calls.push(n); return {squares: Float64Array.from({length: n}, (_, i) => i * i)}; })' },
  { id: 3, value: 'const total = result.squares.reduce((a, b) => a + b, 0)' },
]);

describe('cached(key, compute) in a notebook', () => {
  it('computes once; a re-open reads the result back and the cell says "cached"', async () => {
    const idb = new IDBFactory();
    const calls: number[] = [];
    const open = async (params = {}) => {
      const app = await AppCache.open(idb);
      return loadNotebook(html, { builtins: { calls }, cellBuiltins: { cached: app.cellBuiltin() }, params });
    };
    const first = await open();
    expect(await first.value('total')).toBe(5);
    const status = (nb: Awaited<ReturnType<typeof open>>, id: number) => nb.cells().find((c) => c.id === id)!.status;
    expect(status(first, 2)).toMatchObject({ state: 'done' });
    expect(status(first, 2)).not.toHaveProperty('tags');
    first.dispose();

    const again = await open();
    expect(await again.value('total')).toBe(5);
    expect((await again.value('result') as { squares: Float64Array }).squares).toBeInstanceOf(Float64Array);
    expect(status(again, 2)).toMatchObject({ state: 'done', tags: ['cached'] });
    expect(status(again, 3)).not.toHaveProperty('tags');
    expect(calls).toEqual([3]);
    // a change of the key computes; going back to it is a hit again
    await again.setInput('n', 4);
    expect(await again.value('total')).toBe(14);
    expect(status(again, 2)).not.toHaveProperty('tags');
    await again.setInput('n', 3);
    expect(status(again, 2)).toMatchObject({ tags: ['cached'] });
    expect(calls).toEqual([3, 4]);
    again.dispose();
  });

  it('a key that is not data, or no compute function, is the cell\'s error', async () => {
    const app = await AppCache.open(new IDBFactory());
    const nb = await loadNotebook(notebookHtml('bad', [
      { id: 1, value: 'const a = await cached({machine: {view() {}}}, () => 1)' },
      { id: 2, value: 'const b = await cached({n: 1}, 42)' },
    ]), { cellBuiltins: { cached: app.cellBuiltin() } });
    await nb.settled();
    const [a, b] = nb.cells().map((c) => c.status);
    expect(a).toMatchObject({ state: 'error', message: 'CACHE_KEY: cached() key.machine.view is a function, not plain data: a cache key is made of the inputs\' values (pass what made it, such as a boot request, not the object)' });
    expect(b).toMatchObject({ state: 'error', message: expect.stringMatching(/^TypeError: cached\(key, compute\): compute must be a function/) });
    nb.dispose();
  });
});
