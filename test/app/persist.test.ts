import 'fake-indexeddb/auto';
import { describe, it, expect, beforeEach } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openBackend, MemoryBackend, type KvBackend } from '../../src/lib/persist/backend';
import { NotebookStore, type Problem } from '../../src/lib/persist/notebook-store';
import { entryKey, parseKey } from '../../src/lib/persist/keys';

const HTML = '<!doctype html>\n<notebook theme="air">\n  <title>T</title>\n</notebook>\n';

async function fresh(): Promise<KvBackend> {
  (globalThis as { indexedDB: IDBFactory }).indexedDB = new IDBFactory();
  const { backend, warning } = await openBackend();
  expect(warning).toBeUndefined();
  expect(backend.persistent).toBe(true);
  return backend;
}

describe('NotebookStore', () => {
  let backend: KvBackend;
  beforeEach(async () => { backend = await fresh(); });

  it('saves source, inputs and scenarios under versioned keys and loads them back', async () => {
    const s = new NotebookStore(backend, 'watermarks', { debounceMs: 5 });
    await s.load();
    s.saveSource(HTML);
    s.saveInput('watermark_scale_factor', 200);
    s.saveScenario('prod', { watermark_scale_factor: 150 });
    await s.flush();
    expect(await backend.keys()).toEqual(expect.arrayContaining([
      'mmbook:v1:source:watermarks', 'mmbook:v1:inputs:watermarks', 'mmbook:v2:scenarios:watermarks']));
    const again = await new NotebookStore(backend, 'watermarks').load();
    expect(again.source?.html).toBe(HTML);
    expect(again.inputs).toEqual({ watermark_scale_factor: 200 });
    expect(again.scenarios).toEqual({ prod: { watermark_scale_factor: 150 } });
  });

  it('debounces: many input changes produce one write of the latest values', async () => {
    let sets = 0;
    const counting: KvBackend = { ...backend, persistent: true, get: (k) => backend.get(k), keys: () => backend.keys(), del: (k) => backend.del(k), set: (k, v) => { sets++; return backend.set(k, v); } };
    const s = new NotebookStore(counting, 'nb', { debounceMs: 20 });
    for (let i = 0; i < 10; i++) s.saveInput('x', i);
    expect(sets).toBe(0);
    await new Promise((r) => setTimeout(r, 60));
    await s.flush();
    expect(sets).toBe(1);
    expect(await backend.get(entryKey('inputs', 'nb'))).toMatchObject({ values: { x: 9 } });
  });

  it('sets aside a corrupt entry, reports it, and loads nothing for it', async () => {
    await backend.set(entryKey('source', 'nb'), { schema: 1, html: 42 });
    await backend.set(entryKey('inputs', 'nb'), 'garbage');
    const problems: Problem[] = [];
    const loaded = await new NotebookStore(backend, 'nb', { onProblem: (p) => problems.push(p) }).load();
    expect(loaded.source).toBeUndefined();
    expect(loaded.inputs).toEqual({});
    expect(problems.map((p) => p.kind)).toEqual(['corrupt', 'corrupt']);
    expect(problems[0].message).toMatch(/set aside/);
    const keys = await backend.keys();
    expect(keys).not.toContain(entryKey('source', 'nb'));
    expect(keys.filter((k) => k.startsWith('mmbook:aside:'))).toHaveLength(2);
  });

  it('sets aside entries from another schema version', async () => {
    await backend.set('mmbook:v0:source:nb', { html: HTML });
    await backend.set('mmbook:v0:source:other', { html: HTML });
    const problems: Problem[] = [];
    await new NotebookStore(backend, 'nb', { onProblem: (p) => problems.push(p) }).load();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'version', key: 'mmbook:v0:source:nb' });
    const keys = await backend.keys();
    expect(keys).toContain('mmbook:v0:source:other');
    expect(keys).not.toContain('mmbook:v0:source:nb');
  });

  it('a quota failure is reported and the edit stays pending until a later flush succeeds', async () => {
    let fail = true;
    const flaky: KvBackend = { persistent: true, get: (k) => backend.get(k), keys: () => backend.keys(), del: (k) => backend.del(k),
      set: (k, v) => fail ? Promise.reject(Object.assign(new Error('quota exceeded'), { name: 'QuotaExceededError' })) : backend.set(k, v) };
    const problems: Problem[] = [];
    const s = new NotebookStore(flaky, 'nb', { debounceMs: 1000, onProblem: (p) => problems.push(p) });
    s.saveSource(HTML);
    await s.flush();
    expect(problems[0].kind).toBe('quota');
    expect(problems[0].message).toMatch(/NOT saved/);
    expect(s.hasPending).toBe(true);
    fail = false;
    await s.flush();
    expect(s.hasPending).toBe(false);
    expect(await backend.get(entryKey('source', 'nb'))).toMatchObject({ html: HTML });
  });

  it('revert and reset delete the stored entries', async () => {
    const s = new NotebookStore(backend, 'nb', { debounceMs: 1 });
    s.saveSource(HTML); s.saveInput('a', 1);
    await s.flush();
    await s.revertSource(); await s.resetInputs();
    expect(await backend.keys()).toEqual([]);
    expect(s.inputValues).toEqual({});
  });

  it('scenario delete persists', async () => {
    const s = new NotebookStore(backend, 'nb', { debounceMs: 1 });
    s.saveScenario('a', { x: 1 }); s.saveScenario('b', { x: 2 }); s.deleteScenario('a');
    await s.flush();
    expect(s.scenarioNames()).toEqual(['b']);
    expect((await new NotebookStore(backend, 'nb').load()).scenarios).toEqual({ b: { x: 2 } });
  });
});

describe('openBackend', () => {
  it('falls back to memory with a warning when IndexedDB is missing', async () => {
    const { backend, warning } = await openBackend(undefined as unknown as IDBFactory);
    // undefined means "use the global"; pass an explicit broken factory instead
    expect(backend).toBeDefined();
    const broken = { open() { throw new Error('SecurityError: blocked'); } } as unknown as IDBFactory;
    const r = await openBackend(broken);
    expect(r.backend).toBeInstanceOf(MemoryBackend);
    expect(r.warning).toMatch(/will not survive a reload/);
    void warning;
  });
  it('parseKey reads versioned keys', () => {
    expect(parseKey('mmbook:v1:inputs:watermarks')).toEqual({ version: 1, kind: 'inputs', notebook: 'watermarks' });
    expect(parseKey('mmbook:aside:1:x')).toBeNull();
  });
});

describe('flushSync backup (pagehide)', () => {
  class MapStorage { m = new Map<string, string>(); getItem(k: string) { return this.m.get(k) ?? null; } setItem(k: string, v: string) { this.m.set(k, v); } removeItem(k: string) { this.m.delete(k); } }

  it('keeps pending entries when the IndexedDB write never lands, and the next load writes them through', async () => {
    (globalThis as { indexedDB: IDBFactory }).indexedDB = new IDBFactory();
    const { backend } = await openBackend();
    const ls = new MapStorage();
    let t = 1000;
    const s = new NotebookStore(backend, 'nb', { debounceMs: 10_000, syncBackup: ls, now: () => t++ });
    s.saveInput('wsf', 321);
    // simulate the page dying: the backup is written synchronously, the async flush is lost
    const lost: KvBackend = { persistent: true, get: (k) => backend.get(k), keys: () => backend.keys(), del: (k) => backend.del(k), set: () => new Promise(() => {}) };
    (s as unknown as { backend: KvBackend }).backend = lost;
    s.flushSync();
    expect(ls.m.size).toBe(1);
    const again = new NotebookStore(backend, 'nb', { syncBackup: ls, now: () => t++ });
    expect((await again.load()).inputs).toEqual({ wsf: 321 });
    expect(ls.m.size).toBe(0);
    expect(await backend.get(entryKey('inputs', 'nb'))).toMatchObject({ values: { wsf: 321 } });
  });

  it('an older backup does not override newer IndexedDB data, and a corrupt backup is reported and dropped', async () => {
    (globalThis as { indexedDB: IDBFactory }).indexedDB = new IDBFactory();
    const { backend } = await openBackend();
    const ls = new MapStorage();
    await backend.set(entryKey('inputs', 'nb'), { schema: 1, values: { wsf: 500 }, savedAt: 2000 });
    ls.setItem('mmbook:v1:pending:nb', JSON.stringify({ schema: 1, entries: { inputs: { schema: 1, values: { wsf: 1 }, savedAt: 1000 } } }));
    expect((await new NotebookStore(backend, 'nb', { syncBackup: ls }).load()).inputs).toEqual({ wsf: 500 });
    ls.setItem('mmbook:v1:pending:nb', '{not json');
    const problems: Problem[] = [];
    expect((await new NotebookStore(backend, 'nb', { syncBackup: ls, onProblem: (p) => problems.push(p) }).load()).inputs).toEqual({ wsf: 500 });
    expect(problems[0]).toMatchObject({ kind: 'corrupt' });
    expect(ls.m.size).toBe(0);
  });
});
