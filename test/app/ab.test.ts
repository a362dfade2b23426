/**
 * A/B scenarios (src/app/ab): what the diff lists, boots shared by the two sessions, and the
 * controller on the watermarks notebook headless (jsdom): pin, compare, overlay, unpin and undo,
 * restore from the store.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { installGlobalDom } from '../../src/cli/run';
import { diffNamed, isPlainData, leafChanges, shortText } from '../../src/app/ab/value-diff';
import { SharedBoots } from '../../src/app/ab/shared-boots';
import type { NotebookSession } from '../../src/kernel/index';

const WATERMARKS = readFileSync(resolve(import.meta.dirname, '../../notebooks/watermarks.html'), 'utf8');

describe('what differs between A and B', () => {
  it('plain data only: numbers, texts, arrays, plain objects, typed arrays', () => {
    expect(isPlainData({ a: [1, 'x', null, true], b: new Float64Array(3), c: { d: 5n } })).toBe(true);
    expect(isPlainData({ machine: { view() {} } })).toBe(false);
    expect(isPlainData(new (class Machine {})())).toBe(false);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(isPlainData(loop)).toBe(false);
  });

  it('a structured value by its changed leaves, a text by its changed lines', () => {
    const a = { nodes: [{ zones: [{ name: 'DMA', low: 10 }, { name: 'Normal', low: 100, arr: new Uint8Array([1, 2]) }] }] };
    const b = { nodes: [{ zones: [{ name: 'DMA', low: 12 }, { name: 'Normal', low: 100, arr: new Uint8Array([1, 3]) }] }] };
    expect(leafChanges(a, b)).toEqual({ total: 2, changes: [
      { path: 'nodes[0].zones[0].low', a: 10, b: 12 },
      { path: 'nodes[0].zones[1].arr', a: new Uint8Array([1, 2]), b: new Uint8Array([1, 3]) },
    ] });
    expect(leafChanges('one\ntwo\nthree', 'one\n2\nthree\nfour')).toEqual({ total: 2, changes: [{ path: 'line 2', a: 'two', b: '2' }, { path: 'line 4', a: undefined, b: 'four' }] });
    expect(leafChanges(a, structuredClone(a)).total).toBe(0);
    expect(leafChanges(Array.from({ length: 20 }, (_, i) => i), Array.from({ length: 20 }, (_, i) => -i), 3).changes).toHaveLength(3);
  });

  it('lists every differing plain named value in document order, inputs marked, absent sides as —', () => {
    const fn = () => 1;
    const diffs = diffNamed(
      { wsf: 10, view: { low: 5 }, same: [1, 2], machine: { fn }, onlyA: 'x' },
      { wsf: 200, view: { low: 9 }, same: [1, 2], machine: { fn }, onlyB: 7 },
      { order: ['onlyB', 'wsf', 'view'], inputs: new Set(['wsf']) },
    );
    expect(diffs.map((d) => [d.name, d.kind, d.a, d.b])).toEqual([
      ['onlyB', 'output', undefined, 7], ['wsf', 'input', 10, 200], ['view', 'output', { low: 5 }, { low: 9 }], ['onlyA', 'output', 'x', undefined],
    ]);
    expect(diffs[2]!.changes).toEqual([{ path: 'low', a: 5, b: 9 }]);
    expect(shortText(undefined)).toBe('—');
    expect(shortText('x'.repeat(200), 10)).toBe('"xxxxxxxx…');
    expect(shortText(new Float64Array(4))).toBe('Float64Array(4)');
  });
});

describe('boots shared by A and B', () => {
  const fakeMm = () => {
    const calls: Array<{ req: unknown; key?: string }> = [];
    let fail = false;
    const mm = {
      fixtures: () => ['f'],
      boot: async (req: unknown, opts?: { key?: string }) => {
        calls.push({ req, key: opts?.key });
        if (fail && !opts?.key) throw Object.assign(new Error('superseded'), { code: 'CANCELLED' });
        return { req, alive: true };
      },
    };
    return { mm, calls, setFail: (v: boolean) => { fail = v; } };
  };

  it('the same request boots once for both sessions, under each session\'s own key', async () => {
    const { mm, calls } = fakeMm();
    const shared = new SharedBoots();
    const b = shared.wrap({ mm, other: 1 }, 'B').mm as typeof mm;
    const a = shared.wrap({ mm }, 'A').mm as typeof mm;
    expect(b.fixtures()).toEqual(['f']);
    const mb = await b.boot({ fixture: 'x64-1g', dtb: new Uint8Array([1]) });
    const ma = await a.boot({ dtb: new Uint8Array([1]), fixture: 'x64-1g' });
    expect(ma).toBe(mb);
    expect(calls).toEqual([{ req: { fixture: 'x64-1g', dtb: new Uint8Array([1]) }, key: undefined }]);
    await a.boot({ fixture: 'a64-512m' });
    expect(calls.at(-1)).toEqual({ req: { fixture: 'a64-512m' }, key: 'A:default' });
    // a machine whose worker is gone is booted again
    (mb as { alive: boolean }).alive = false;
    await a.boot({ fixture: 'x64-1g', dtb: new Uint8Array([1]) });
    expect(calls).toHaveLength(3);
  });

  it('a shared boot that failed is made again by the session that needs it', async () => {
    const { mm, calls, setFail } = fakeMm();
    const shared = new SharedBoots();
    const b = shared.wrap({ mm }, 'B').mm as typeof mm;
    const a = shared.wrap({ mm }, 'A').mm as typeof mm;
    setFail(true); // B's boots are cancelled (by a newer one of B's); A's are not
    const stale = b.boot({ fixture: 'x' });
    const waiting = a.boot({ fixture: 'x' });
    await expect(stale).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await waiting).toEqual({ req: { fixture: 'x' }, alive: true });
    expect(calls.map((c) => c.key)).toEqual([undefined, 'A:default']);
  });
});

describe('the A/B controller on the watermarks notebook', () => {
  let builtins: Record<string, unknown>;
  let kernel: typeof import('../../src/kernel/index');
  let boots = 0;
  beforeAll(async () => {
    await installGlobalDom();
    kernel = await import('../../src/kernel/index');
    const { standardLibrary } = await import('../../src/kernel/stdlib');
    const { plots } = await import('../../src/lib/plots/builtin');
    const { mm } = await import('../../src/lib/mm');
    const counting = { ...mm, boot: async (req: Parameters<typeof mm.boot>[0]) => { boots++; return mm.boot(req); } };
    builtins = { ...(await standardLibrary()), plots, mm: counting };
  });

  async function page(store: import('../../src/lib/persist/notebook-store').NotebookStore, inputs: () => Record<string, unknown>) {
    const { AbController } = await import('../../src/app/ab/ab-controller');
    const { Notices } = await import('../../src/app/notices');
    const { UndoStack } = await import('../../src/app/undo');
    const notices = new Notices();
    const undo = new UndoStack(notices);
    let session: NotebookSession | undefined;
    const ab = new AbController({ store, notices, undo, fileSource: WATERMARKS, session: () => session, inputs, builtins: () => builtins, cellBuiltins: () => ({}), width: () => 640 });
    session = kernel.NotebookSession.open(kernel.parseNotebook(WATERMARKS), { builtins: ab.builtinsForB(builtins), width: 640 });
    ab.attach(session);
    await session.settled();
    return { ab, session, notices, undo };
  }
  const rows = (panel: HTMLElement) => [...panel.querySelectorAll<HTMLElement>('tbody tr')].map((tr) => ({
    name: tr.dataset.name, kind: tr.dataset.kind, a: tr.querySelector('.ab-a')!.textContent, b: tr.querySelector('.ab-b')!.textContent,
  }));
  const levelsPlot = (s: NotebookSession) => s.displays(23)[0] as HTMLElement;

  it('pins A, overlays it in the plots, lists what differs; unpin and its undo; a reload restores A', async () => {
    const { MemoryBackend } = await import('../../src/lib/persist/backend');
    const { NotebookStore } = await import('../../src/lib/persist/notebook-store');
    const backend = new MemoryBackend();
    const store = new NotebookStore(backend, 'watermarks', { debounceMs: 1 });
    await store.load();
    let wsf = 10;
    const { ab, session, undo, notices } = await page(store, () => ({ watermark_scale_factor: wsf, machine_name: 'x64-1g' }));
    expect(ab.panel.hidden).toBe(true);
    expect(levelsPlot(session).dataset.scenarios).toBeUndefined();
    const bootsBefore = boots;
    ab.pin();
    await ab.settled();
    expect(boots).toBe(bootsBefore); // A booted nothing: B's machine is the same request
    expect(store.pinned).toMatchObject({ inputs: { watermark_scale_factor: 10, machine_name: 'x64-1g' } });
    expect(store.pinned!.source).toBeUndefined(); // the notebook was not edited
    expect(ab.panel.hidden).toBe(false);
    expect(ab.panel.querySelector('.ab-status')!.textContent).toBe('no named value differs');
    expect(levelsPlot(session).dataset.scenarios).toBe('A B');
    expect(notices.el.textContent).toMatch(/Pinned the current inputs as scenario A/);

    wsf = 200;
    session.setInput('watermark_scale_factor', 200);
    await ab.settled();
    const diff = rows(ab.panel);
    expect(diff[0]).toEqual({ name: 'watermark_scale_factor', kind: 'input', a: '10', b: '200' });
    expect(diff.map((r) => r.name)).toEqual(expect.arrayContaining(['tunedView', 'zoneinfo', 'writes']));
    expect(diff.map((r) => r.name)).not.toContain('machine'); // a machine is not data
    expect(diff.map((r) => r.name)).not.toContain('fixtures'); // equal in both
    const tuned = diff.find((r) => r.name === 'tunedView')!;
    expect(tuned.a).toMatch(/nodes\[0\]\.zones\[\d\]\.low: \d+/);
    expect(ab.panel.querySelector('.ab-status')!.textContent).toBe(`${diff.length} named values differ`);
    const label = levelsPlot(session).getAttribute('aria-label')!;
    expect(label).toMatch(/; scenario A: /);
    expect([...levelsPlot(session).querySelectorAll('.ab-legend [data-scenario]')].map((e) => e.getAttribute('data-scenario'))).toEqual(['A', 'B']);

    ab.unpin();
    await ab.settled();
    expect(ab.panel.hidden).toBe(true);
    expect(store.pinned).toBeUndefined();
    expect(levelsPlot(session).dataset.scenarios).toBeUndefined();
    expect(undo.undoLast()).toBe(true);
    await ab.settled();
    expect(store.pinned).toMatchObject({ inputs: { watermark_scale_factor: 10 } });
    expect(rows(ab.panel)[0]).toEqual({ name: 'watermark_scale_factor', kind: 'input', a: '10', b: '200' });
    await store.flush();
    ab.dispose();
    session.dispose();

    // a new visit: A comes back from the store
    const again = new NotebookStore(backend, 'watermarks', { debounceMs: 1 });
    const loaded = await again.load();
    const second = await page(again, () => ({}));
    second.ab.restore(loaded.pinned);
    await second.ab.settled();
    expect(second.ab.isPinned).toBe(true);
    expect(second.ab.panel.querySelector('.ab-status')!.textContent).toBe('no named value differs');
    expect(levelsPlot(second.session).dataset.scenarios).toBe('A B');
    second.session.setInput('watermark_scale_factor', 300);
    await second.ab.settled();
    expect(rows(second.ab.panel)[0]).toEqual({ name: 'watermark_scale_factor', kind: 'input', a: '10', b: '300' });
    second.ab.dispose();
    second.session.dispose();
  });

  it('an edited notebook pins its source; A keeps it while B changes again; A\'s unfinished cells are listed', async () => {
    const { MemoryBackend } = await import('../../src/lib/persist/backend');
    const { NotebookStore } = await import('../../src/lib/persist/notebook-store');
    const store = new NotebookStore(new MemoryBackend(), 'watermarks', { debounceMs: 1 });
    await store.load();
    const { ab, session } = await page(store, () => ({ machine_name: 'your own machine' }));
    session.setInput('machine_name', 'your own machine');
    await session.settled();
    session.redefine(21, '## Edited heading');
    await session.settled();
    ab.pin();
    await ab.settled();
    expect(store.pinned!.source).toMatch(/## Edited heading/);
    expect([...ab.panel.querySelectorAll('.ab-unfinished li')].map((l) => l.textContent)[0]).toMatch(/^A: cell 6 is waiting for own: paste the machine's \/proc\/zoneinfo above$/);
    session.redefine(21, '## Edited again');
    await ab.settled();
    expect(rows(ab.panel)).toEqual([]);
    ab.dispose();
    session.dispose();
  });
});
