import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessNotebook } from '../../src/kernel/index';
import { installGlobalDom } from '../../src/cli/run';
import { standardLibrary } from '../../src/kernel/stdlib';
import { open, status, tick } from './helpers';

let nb: HeadlessNotebook | undefined;
afterEach(() => { nb?.dispose(); nb = undefined; });
let lib: Record<string, unknown>;
beforeAll(async () => {
  await installGlobalDom();
  lib = await standardLibrary();
});

describe('invalidation', () => {
  it('a redefined cell invalidates its old run and aborts its signal', async () => {
    const hooks = { invalidated: 0, aborted: [] as string[], signals: [] as AbortSignal[] };
    ({ nb } = await open('inval', [
      { id: 1, value: 'const a = 1;' },
      { id: 2, value: 'invalidation.then(() => hooks.invalidated++);\nsignal.addEventListener("abort", () => hooks.aborted.push(String(a)));\nhooks.signals.push(signal);\nconst b = a;' },
    ], { builtins: { hooks } }));
    expect(hooks.signals).toHaveLength(1);
    expect(hooks.signals[0]!.aborted).toBe(false);
    await nb.redefine(2, 'hooks.signals.push(signal);\nconst b = a * 2;');
    await tick();
    expect(hooks.invalidated).toBe(1);
    expect(hooks.aborted).toEqual(['1']);
    expect(hooks.signals[0]!.aborted).toBe(true);
    expect(hooks.signals[1]!.aborted).toBe(false);
    expect(await nb.value('b')).toBe(2);
    // an upstream change invalidates the current run too
    await nb.redefine(1, 'const a = 5;');
    expect(hooks.signals[1]!.aborted).toBe(true);
    expect(await nb.value('b')).toBe(10);
  });

  it('an infinite generator is stopped on dispose', async () => {
    const hooks = { stopped: false, pulled: 0 };
    ({ nb } = await open('gen', [
      { id: 1, value: 'const g = (function* () {\n  try { for (let i = 0; ; i++) { hooks.pulled++; yield i; } }\n  finally { hooks.stopped = true; }\n})();' },
      { id: 2, value: 'const h = g * 2;' },
    ], { builtins: { hooks } }, false));
    for (let i = 0; i < 50 && hooks.pulled < 5; i++) await tick(5);
    expect(hooks.pulled).toBeGreaterThanOrEqual(5);
    nb.dispose();
    await tick(5);
    expect(hooks.stopped).toBe(true);
    const pulled = hooks.pulled;
    await tick(20);
    expect(hooks.pulled).toBe(pulled);
  });

  it("an async generator suspended in an await is returned without hanging (runtime#376)", async () => {
    const hooks = { started: 0 };
    ({ nb } = await open('gen376', [
      { id: 1, value: 'const k = 1;' },
      { id: 2, value: 'const s = (async function* () {\n  hooks.started++;\n  yield k;\n  await new Promise(() => {});\n})();' },
      { id: 3, value: 'const t = s + 1;' },
    ], { builtins: { hooks } }));
    expect(await nb.value('t')).toBe(2);
    await nb.redefine(1, 'const k = 10;');
    expect(await nb.value('t')).toBe(11);
    expect(hooks.started).toBe(2);
    expect(status(nb, 3)).toMatchObject({ state: 'done', count: 2 });
  });
});

describe('cell kinds and builtins', () => {
  it('runs TypeScript cells', async () => {
    ({ nb } = await open('ts', [
      { id: 1, value: 'interface P { x: number }\nconst p: P = { x: 20 };', type: 'text/x-typescript' },
      { id: 2, value: 'const q = (p.x as number) + 1;', type: 'text/x-typescript' },
    ]));
    expect(await nb.value('q')).toBe(21);
    await nb.redefine(2, 'type N = number;\nconst n: N = 1;\nconst q = (null as any).x as number;', 'ts');
    expect(status(nb, 2)).toMatchObject({ state: 'error', line: 3, column: expect.any(Number) });
    await nb.redefine(2, 'interface Q {\n  a: number;\n}\n\nconst q: Q = { a: 1 };\nif (q.a) throw new RangeError("six");', 'ts');
    expect(status(nb, 2)).toMatchObject({ state: 'error', message: 'RangeError: six', line: 6, column: 'if (q.a) throw '.length });
  });

  it('Markdown and HTML interpolation updates', async () => {
    ({ nb } = await open('md', [
      { id: 1, value: 'const n = 3;' },
      { id: 2, value: '# Count: ${n * 2}', type: 'text/markdown' },
      { id: 3, value: '<i>${n}</i>', type: 'text/html' },
    ], { builtins: lib }));
    const text = (id: number) => (nb!.displays(id)[0] as Element).textContent!.trim();
    expect(text(2)).toBe('Count: 6');
    expect((nb.displays(3)[0] as Element).outerHTML).toBe('<i>3</i>');
    await nb.redefine(1, 'const n = 21;');
    expect(text(2)).toBe('Count: 42');
    expect(nb.displays(2)).toHaveLength(1);
    expect((nb.displays(3)[0] as Element).outerHTML).toBe('<i>21</i>');
  });

  it('params override a view(Inputs.range…) cell, parsed like the CLI', async () => {
    const cells = [
      { id: 1, value: 'const watermark_scale_factor = view(Inputs.range([10, 3000], {value: 10, step: 1}));' },
      { id: 2, value: 'const gap = watermark_scale_factor * 4;' },
    ];
    ({ nb } = await open('params', cells, { builtins: lib }));
    expect(await nb.value('gap')).toBe(40);
    nb.dispose();
    ({ nb } = await open('params', cells, { builtins: lib, params: { watermark_scale_factor: 200 } }));
    expect(await nb.value('watermark_scale_factor')).toBe(200);
    expect(await nb.value('gap')).toBe(800);
    expect(status(nb, 1)).toMatchObject({ state: 'done' });
    expect((nb.displays(1)[0] as { value: number }).value).toBe(200); // the slider shows the parameter
  });

  it('an object param overrides only the fields it names of a form input', async () => {
    const cells = [
      { id: 1, value: 'const topo = view(Inputs.form({arch: Inputs.select(["arm64", "x86_64"]), ramMiB: Inputs.number({value: 1024}), cpus: Inputs.number({value: 4})}));' },
      { id: 2, value: 'const label = `${topo.arch} ${topo.ramMiB} ${topo.cpus}`;' },
    ];
    ({ nb } = await open('formparam', cells, { builtins: lib, params: { topo: { ramMiB: 2048 } } }));
    expect(await nb.value('topo')).toEqual({ arch: 'arm64', ramMiB: 2048, cpus: 4 });
    expect(await nb.value('label')).toBe('arm64 2048 4');
    nb.dispose();
    ({ nb } = await open('formparam2', cells, { builtins: lib, params: { topo: 'not an object' } }));
    expect(await nb.value('topo')).toBe('not an object'); // anything else replaces the value
  });

  it('a param takes the type of the input it sets: a number for a text or select is its text, a numeric text for a range its number', async () => {
    const cells = [
      { id: 1, value: 'const kernel = view(Inputs.select(["5.10", "6.1"], {value: "6.1"}));' },
      { id: 2, value: 'const wsf = view(Inputs.range([10, 3000], {value: 10, step: 1}));' },
      { id: 3, value: 'const both = `${typeof kernel}:${kernel} ${typeof wsf}:${wsf}`;' },
    ];
    ({ nb } = await open('typedparam', cells, { builtins: lib, params: { kernel: 6.1, wsf: '200' } }));
    expect(await nb.value('both')).toBe('string:6.1 number:200');
    nb.dispose();
    ({ nb } = await open('typedparam2', cells, { builtins: lib, params: { kernel: '5.10' } }));
    expect(await nb.value('kernel')).toBe('5.10');
  });

  it('setInput drives a view through its element, and overrides plain names', async () => {
    ({ nb } = await open('setinput', [
      { id: 1, value: 'const k = view(Inputs.range([0, 100], {value: 5, step: 1}));' },
      { id: 2, value: 'const k2 = k * k;' },
      { id: 3, value: 'const base = 1;' },
      { id: 4, value: 'const plus = base + 1;' },
    ], { builtins: lib }));
    expect(await nb.value('k2')).toBe(25);
    await nb.setInput('k', 7);
    expect(await nb.value('k2')).toBe(49);
    expect(status(nb, 1)).toMatchObject({ count: 1 });
    await nb.setInput('base', 10);
    expect(await nb.value('plus')).toBe(11);
    await nb.redefine(3, 'const base = 100;');
    expect(await nb.value('plus')).toBe(101);
  });

  it('random is seeded per notebook and cell, and repeatable', async () => {
    const cells = [{ id: 1, value: 'const r = [random(), random()];' }, { id: 2, value: 'const s = random();' }];
    ({ nb } = await open('seeded', cells));
    const r1 = await nb.value('r') as number[];
    const s1 = await nb.value('s');
    nb.dispose();
    ({ nb } = await open('seeded', cells));
    expect(await nb.value('r')).toEqual(r1);
    expect(await nb.value('s')).toBe(s1);
    expect(r1[0]).not.toBe(r1[1]);
    expect(r1[0]).not.toBe(s1);
    nb.dispose();
    ({ nb } = await open('other title', cells));
    expect(await nb.value('r')).not.toEqual(r1);
  });

  it('supplies now and width; host builtins are plain values (functions are not called)', async () => {
    const double = (x: number) => x * 2;
    ({ nb } = await open('now', [
      { id: 1, value: 'const t = now;' },
      { id: 2, value: 'const w = width;' },
      { id: 3, value: 'const d = double(21);' },
    ], { width: 800, builtins: { double } }, false));
    expect(await nb.value('w')).toBe(800);
    expect(await nb.value('d')).toBe(42);
    const t = await nb.value('t') as number;
    expect(Math.abs(t - Date.now())).toBeLessThan(60_000);
  });

  it('display() calls are delivered and cleared on re-run', async () => {
    ({ nb } = await open('display', [
      { id: 1, value: 'const m = 2;' },
      { id: 2, value: 'display(m); display(m + 1);' },
    ]));
    expect(nb.displays(2)).toEqual([2, 3]);
    const events: string[] = [];
    nb.session.subscribe((e) => { if (e.type === 'display' || e.type === 'clear') events.push(`${e.type}${e.type === 'display' ? `:${e.value}` : ''}`); });
    await nb.redefine(1, 'const m = 5;');
    expect(events).toEqual(['clear', 'display:5', 'display:6']);
    expect(nb.displays(2)).toEqual([5, 6]);
  });
});

describe('scheduler', () => {
  it('runs without requestAnimationFrame or setImmediate (MessageChannel turns, as in a background tab)', async () => {
    const g = globalThis as { setImmediate?: unknown; requestAnimationFrame?: unknown };
    const saved = g.setImmediate;
    const savedRaf = g.requestAnimationFrame;
    g.setImmediate = undefined;
    g.requestAnimationFrame = () => { throw new Error('requestAnimationFrame must not be used'); };
    try {
      ({ nb } = await open('turns', [
        { id: 1, value: 'const a = 2;' },
        { id: 2, value: 'const b = a * 3;' },
        { id: 3, value: 'const ticks = (function* () { for (let i = 0; i < 5; i++) yield i; })();' },
        { id: 4, value: 'const seen = ticks;' },
      ]));
      expect(await nb.value('b')).toBe(6);
      await nb.redefine(1, 'const a = 5;');
      expect(await nb.value('b')).toBe(15);
      for (let i = 0; i < 100 && (await nb.value('seen')) !== 4; i++) await tick(1);
      expect(await nb.value('seen')).toBe(4);
    } finally {
      g.setImmediate = saved;
      g.requestAnimationFrame = savedRaf;
    }
  });
});

describe('statuses and editing', () => {
  it('reports queued cells waiting for their upstream, running, then done with durations and busy events', async () => {
    ({ nb } = await open('status', [
      { id: 1, value: 'const slow = await new Promise((r) => setTimeout(() => r(1), 30));' },
      { id: 2, value: 'const fast = slow + 1;' },
    ]));
    const seen: string[] = [];
    nb.session.subscribe((e) => {
      if (e.type === 'status') seen.push(`${e.cellId}:${e.status.state}${e.status.state === 'queued' && e.status.waitingFor ? `<${e.status.waitingFor.name}@${e.status.waitingFor.cellId}` : ''}`);
      if (e.type === 'busy') seen.push(`busy:${e.busy}`);
    });
    await nb.redefine(1, 'const slow = await new Promise((r) => setTimeout(() => r(2), 30));');
    expect(seen).toEqual(['busy:true', '1:queued', '2:queued<slow@1', '1:running', '1:done', '2:queued', '2:running', '2:done', 'busy:false']);
    const s = status(nb, 1);
    expect(s.state === 'done' && s.durationMs).toBeGreaterThanOrEqual(20);
    expect(await nb.value('fast')).toBe(3);
  });

  it('define, move and remove edit the document; removal makes dependents fail', async () => {
    ({ nb } = await open('edit', [{ id: 1, value: 'const a = 1;' }]));
    const id = nb.session.define({ mode: 'js', value: 'const b = a + 1;' }, 0);
    expect(id).toBe(2);
    expect(await nb.value('b')).toBe(2);
    expect(nb.session.doc.cells.map((c) => c.id)).toEqual([2, 1]);
    nb.session.move(2, 1);
    expect(nb.session.doc.cells.map((c) => c.id)).toEqual([1, 2]);
    nb.session.remove(1);
    await nb.settled();
    expect(status(nb, 2)).toMatchObject({ state: 'error', message: expect.stringContaining('a is not defined') });
    expect(() => nb!.session.redefine(99, 'x')).toThrow(/no cell with id 99/);
  });
});
