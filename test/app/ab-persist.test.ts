/**
 * Scenario A of an A/B comparison is kept with the named scenarios (schema v2 of the scenarios
 * entry); entries of schema v1 are upgraded on load, from IndexedDB and from the page-exit backup.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openBackend, type KvBackend } from '../../src/lib/persist/backend';
import { NotebookStore, type Problem } from '../../src/lib/persist/notebook-store';
import { entryKey } from '../../src/lib/persist/keys';
import { migrateEntry } from '../../src/lib/persist/migrate';

const HTML = '<!doctype html>\n<notebook theme="air">\n  <title>T</title>\n</notebook>\n';
let backend: KvBackend;
beforeEach(async () => { backend = (await openBackend(new IDBFactory())).backend; });

describe('the pinned scenario A', () => {
  it('is saved with the scenarios and comes back after a reload; unpinning persists too', async () => {
    const s = new NotebookStore(backend, 'nb', { debounceMs: 1 });
    await s.load();
    s.saveScenario('prod', { wsf: 150 });
    s.setPinned({ inputs: { wsf: 10, own: { text: 'Node 0, zone DMA' } }, source: HTML, pinnedAt: 5 });
    await s.flush();
    expect(await backend.get('mmbook:v2:scenarios:nb')).toMatchObject({ schema: 2, scenarios: { prod: { wsf: 150 } }, pinned: { inputs: { wsf: 10 }, source: HTML, pinnedAt: 5 } });
    const again = new NotebookStore(backend, 'nb', { debounceMs: 1 });
    const loaded = await again.load();
    expect(loaded.pinned).toEqual({ inputs: { wsf: 10, own: { text: 'Node 0, zone DMA' } }, source: HTML, pinnedAt: 5 });
    expect(again.pinned).toEqual(loaded.pinned);
    again.setPinned(null);
    await again.flush();
    const third = await new NotebookStore(backend, 'nb').load();
    expect(third.pinned).toBeUndefined();
    expect(third.scenarios).toEqual({ prod: { wsf: 150 } });
  });

  it('a scenarios entry of schema v1 is upgraded in place: same scenarios, nothing pinned, no warning', async () => {
    await backend.set('mmbook:v1:scenarios:nb', { schema: 1, scenarios: { prod: { wsf: 150 } }, savedAt: 1 });
    await backend.set('mmbook:v1:scenarios:other', { schema: 1, scenarios: {}, savedAt: 1 });
    const problems: Problem[] = [];
    const loaded = await new NotebookStore(backend, 'nb', { onProblem: (p) => problems.push(p) }).load();
    expect(problems).toEqual([]);
    expect(loaded.scenarios).toEqual({ prod: { wsf: 150 } });
    expect(loaded.pinned).toBeUndefined();
    const keys = await backend.keys();
    expect(keys).toContain(entryKey('scenarios', 'nb'));
    expect(keys).not.toContain('mmbook:v1:scenarios:nb');
    expect(keys).toContain('mmbook:v1:scenarios:other'); // another notebook's entry waits for that notebook
    expect(await backend.get(entryKey('scenarios', 'nb'))).toEqual({ schema: 2, scenarios: { prod: { wsf: 150 } }, pinned: null, savedAt: 1 });
  });

  it('an old entry beside a current one, or one that cannot be upgraded, is set aside and reported', async () => {
    await backend.set(entryKey('scenarios', 'nb'), { schema: 2, scenarios: { now: { wsf: 1 } }, pinned: null, savedAt: 2 });
    await backend.set('mmbook:v1:scenarios:nb', { schema: 1, scenarios: { old: { wsf: 2 } }, savedAt: 1 });
    await backend.set('mmbook:v1:scenarios:nb2', { schema: 1, scenarios: 'not scenarios' });
    const problems: Problem[] = [];
    expect((await new NotebookStore(backend, 'nb', { onProblem: (p) => problems.push(p) }).load()).scenarios).toEqual({ now: { wsf: 1 } });
    expect((await new NotebookStore(backend, 'nb2', { onProblem: (p) => problems.push(p) }).load()).scenarios).toEqual({});
    expect(problems.map((p) => [p.kind, p.key])).toEqual([['version', 'mmbook:v1:scenarios:nb'], ['version', 'mmbook:v1:scenarios:nb2']]);
    expect((await backend.keys()).filter((k) => k.startsWith('mmbook:aside:'))).toHaveLength(2);
  });

  it('a pinned scenario that is not one makes the entry corrupt (set aside, reported)', async () => {
    await backend.set(entryKey('scenarios', 'nb'), { schema: 2, scenarios: {}, pinned: { inputs: 5, pinnedAt: 1 }, savedAt: 2 });
    const problems: Problem[] = [];
    const loaded = await new NotebookStore(backend, 'nb', { onProblem: (p) => problems.push(p) }).load();
    expect(loaded.pinned).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ kind: 'corrupt', key: entryKey('scenarios', 'nb') })]);
  });

  it('the page-exit backup of an older app (scenarios v1) is upgraded too', async () => {
    const m = new Map<string, string>();
    const ls = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
    ls.setItem('mmbook:v1:pending:nb', JSON.stringify({ schema: 1, entries: { scenarios: { schema: 1, scenarios: { kept: { wsf: 7 } }, savedAt: 9 } } }));
    const loaded = await new NotebookStore(backend, 'nb', { syncBackup: ls }).load();
    expect(loaded.scenarios).toEqual({ kept: { wsf: 7 } });
    expect(await backend.get(entryKey('scenarios', 'nb'))).toMatchObject({ schema: 2, pinned: null });
  });

  it('migrateEntry refuses what it does not know', () => {
    expect(migrateEntry('scenarios', 1, { schema: 1, scenarios: [] })).toBeUndefined();
    expect(migrateEntry('scenarios', 0, { schema: 0, scenarios: {} })).toBeUndefined();
    expect(migrateEntry('source', 0, { schema: 0, html: HTML })).toBeUndefined();
    expect(migrateEntry('scenarios', 1, { schema: 1, scenarios: {}, savedAt: 3 })).toEqual({ schema: 2, scenarios: {}, pinned: null, savedAt: 3 });
  });
});
