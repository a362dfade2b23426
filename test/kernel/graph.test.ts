import { afterEach, describe, expect, it } from 'vitest';
import type { HeadlessNotebook } from '../../src/kernel/index';
import { open, status } from './helpers';

let nb: HeadlessNotebook | undefined;
afterEach(() => nb?.dispose());

describe('recomputation', () => {
  it('a diamond recomputes each cell once per change, in topological order', async () => {
    const r = await open('diamond', [
      { id: 1, value: 'const a = 1; log.push("a");' },
      { id: 2, value: 'const b = a + 1; log.push("b");' },
      { id: 3, value: 'const c = a * 10; log.push("c");' },
      { id: 4, value: 'const d = b + c; log.push("d");' },
    ]);
    nb = r.nb;
    expect(await nb.value('d')).toBe(12);
    expect([...r.log].sort()).toEqual(['a', 'b', 'c', 'd']);
    r.log.length = 0;
    await nb.redefine(1, 'const a = 2; log.push("a");');
    expect(await nb.value('d')).toBe(23);
    expect(r.log).toHaveLength(4);
    expect(r.log[0]).toBe('a');
    expect(r.log[3]).toBe('d');
    expect(new Set(r.log).size).toBe(4);
    expect(status(nb, 4)).toMatchObject({ state: 'done', count: 2 });
  });

  it('a chain recomputes in order and an unrelated cell does not re-run', async () => {
    const r = await open('chain', [
      { id: 1, value: 'const x0 = 1; log.push("x0");' },
      { id: 2, value: 'const x1 = x0 + 1; log.push("x1");' },
      { id: 3, value: 'const x2 = x1 + 1; log.push("x2");' },
      { id: 4, value: 'const x3 = x2 + 1; log.push("x3");' },
      { id: 5, value: 'const other = 42; log.push("other");' },
    ]);
    nb = r.nb;
    r.log.length = 0;
    await nb.redefine(1, 'const x0 = 100; log.push("x0");');
    expect(await nb.value('x3')).toBe(103);
    expect(r.log).toEqual(['x0', 'x1', 'x2', 'x3']);
    expect(status(nb, 5)).toMatchObject({ state: 'done', count: 1 });
    r.log.length = 0;
    await nb.redefine(3, 'const x2 = x1 * 2; log.push("x2");');
    expect(r.log).toEqual(['x2', 'x3']);
    expect(status(nb, 1)).toMatchObject({ count: 2 });
    expect(status(nb, 2)).toMatchObject({ count: 2 });
  });

  it('lists precedents and dependents', async () => {
    ({ nb } = await open('deps', [
      { id: 1, value: 'const a = 1;' },
      { id: 2, value: 'const b = a + 1;' },
      { id: 3, value: 'const c = a + b;' },
    ]));
    expect(nb.session.precedents(3)).toEqual([1, 2]);
    expect(nb.session.dependents(1)).toEqual([2, 3]);
    expect(nb.session.dependents(3)).toEqual([]);
  });
});

describe('errors', () => {
  it('a throwing cell blocks exactly its dependents and recovers when fixed', async () => {
    ({ nb } = await open('errors', [
      { id: 1, value: 'const a = 1;' },
      { id: 2, value: 'const b = a + 1;\nif (b > 1) throw new Error("too big");' },
      { id: 3, value: 'const c = b * 2;' },
      { id: 4, value: 'const d = c + 1;' },
      { id: 5, value: 'const e = a + 5;' },
    ]));
    expect(status(nb, 2)).toMatchObject({ state: 'error', message: 'Error: too big', line: 2, column: 'if (b > 1) throw '.length });
    expect(status(nb, 3)).toEqual({ state: 'blocked', by: { name: 'b', cellId: 2 } });
    expect(status(nb, 4)).toEqual({ state: 'blocked', by: { name: 'b', cellId: 2 } });
    expect(status(nb, 5)).toMatchObject({ state: 'done' });
    expect(status(nb, 1)).toMatchObject({ state: 'done' });
    await expect(nb.value('d')).rejects.toThrow(/blocked by b \(cell 2\)/);
    await nb.redefine(2, 'const b = a + 1;');
    expect(await nb.value('d')).toBe(5);
    for (const id of [2, 3, 4]) expect(status(nb, id)).toMatchObject({ state: 'done' });
    expect(status(nb, 5)).toMatchObject({ count: 1 });
  });

  it('reports syntax errors with line and column, and dependents stay blocked', async () => {
    ({ nb } = await open('syntax', [
      { id: 1, value: 'const a = 1;' },
      { id: 2, value: 'const b = a;' },
      { id: 3, value: 'const c = b + 1;' },
    ]));
    await nb.redefine(2, 'const b = a +;');
    expect(status(nb, 2)).toMatchObject({ state: 'error', line: 1, column: 13 });
    expect(status(nb, 3)).toEqual({ state: 'blocked', by: { name: 'b', cellId: 2 } });
    expect(nb.session.diagnostics()).toEqual([expect.objectContaining({ kind: 'syntax', cellIds: [2] })]);
  });

  it('reports a duplicate definition naming both cells, and recovers when one goes', async () => {
    ({ nb } = await open('dup', [
      { id: 1, value: 'const x = 1;' },
      { id: 2, value: 'const x = 2;' },
      { id: 3, value: 'const y = x + 1;' },
    ]));
    const d = nb.session.diagnostics();
    expect(d).toEqual([{ kind: 'duplicate', name: 'x', cellIds: [1, 2], message: 'x is defined more than once, in cell 1 and cell 2' }]);
    expect(status(nb, 1)).toMatchObject({ state: 'error', message: expect.stringContaining('cell 1 and cell 2') });
    expect(status(nb, 2)).toMatchObject({ state: 'error' });
    expect(status(nb, 3)).toEqual({ state: 'blocked', by: { name: 'x', cellId: 1 } });
    nb.session.remove(2);
    expect(await nb.value('y')).toBe(2);
    expect(status(nb, 1)).toMatchObject({ state: 'done' });
    expect(nb.session.diagnostics()).toEqual([]);
  });

  it('reports a cycle naming both cells and the names', async () => {
    ({ nb } = await open('cycle', [
      { id: 1, value: 'const a = b + 1;' },
      { id: 2, value: 'const b = a + 1;' },
      { id: 3, value: 'const c = a;' },
      { id: 4, value: 'const z = 1;' },
    ]));
    const [d] = nb.session.diagnostics();
    expect(d).toMatchObject({ kind: 'cycle', cellIds: [1, 2], name: 'a' });
    expect(d!.message).toBe('circular definition: a (cell 1) → b (cell 2) → a (cell 1)');
    expect(status(nb, 1)).toMatchObject({ state: 'error', message: d!.message });
    expect(status(nb, 2)).toMatchObject({ state: 'error', message: d!.message });
    expect(status(nb, 3)).toMatchObject({ state: 'blocked', by: { name: 'a', cellId: 1 } });
    expect(status(nb, 4)).toMatchObject({ state: 'done' });
    await nb.redefine(1, 'const a = 1;');
    expect(await nb.value('c')).toBe(1);
    expect(nb.session.diagnostics()).toEqual([]);
  });
});
