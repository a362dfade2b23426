/**
 * Named numbers off the page (src/kernel/closure.ts, src/kernel/evaluate.ts): only the cells the
 * names need run, the inputs come in as parameters (their widget cells are left out), and a value
 * that is not a number, or that a failing cell kept from being computed, is an error naming why.
 */
import { describe, expect, it } from 'vitest';
import { cellsFor, evaluateNumbers, NotebookSession, type CellInfo, type CellSource } from '../../src/kernel/index';

const cell = (id: number, value: string): CellSource => ({ id, mode: 'js', value });

/** The compiled cells of `sources` (a session opened and closed before anything runs). */
function compiled(sources: CellSource[]): CellInfo[] {
  const s = NotebookSession.open({ title: 't', cells: sources });
  const cells = s.cells();
  s.dispose();
  return cells;
}

const SOURCES = [
  cell(1, 'const x = view(Inputs.range([0, 10], {value: 1}))'),
  cell(2, 'const a = x * 2'),
  cell(3, 'const b = a + 1'),
  cell(4, 'const c = 100'),
  cell(5, 'display(html`<p>${b}</p>`)'),
  cell(6, 'const d = b + c'),
  cell(7, 'const ratio = a / 0; const text = "t"; const nothing = null'),
  cell(8, 'const boom = (() => { if (x > 5) throw new Error(`x=${x} is too large`); return 1; })()'),
  cell(9, 'const after = boom + 1'),
  cell(10, 'const drawing = Plot.plot({}); const wb = b + 1'),
];

describe('cellsFor', () => {
  it('keeps the cells the names need, in document order, stopping at the given inputs', () => {
    const cells = compiled(SOURCES);
    expect(cellsFor(cells, ['d'], new Set(['x'])).map((c) => c.id)).toEqual([2, 3, 4, 6]);
    expect(cellsFor(cells, ['a'], new Set(['x'])).map((c) => c.id)).toEqual([2]);
    // without x given, the input's own cell is needed (off the page it cannot show its widget)
    expect(cellsFor(cells, ['a'], new Set()).map((c) => c.id)).toEqual([1, 2]);
    expect(cellsFor(cells, ['c', 'a'], new Set(['x'])).map((c) => c.id)).toEqual([2, 4]);
    expect(() => cellsFor(cells, ['nosuch'], new Set(['x']))).toThrow(expect.objectContaining({ code: 'UNKNOWN_VALUE', message: expect.stringMatching(/^no cell of the notebook defines 'nosuch'; its named values are: x, a, b, c, d, ratio/) }));
  });
});

describe('evaluateNumbers', () => {
  const cells = compiled(SOURCES);
  const run = (names: string[], x: number) => evaluateNumbers({ title: 't', cells: cellsFor(cells, names, new Set(['x'])), params: { x }, names }, { builtins: {} });

  it('computes the numbers without the DOM builtins (the cells that draw are not run)', async () => {
    expect(await run(['d', 'a'], 3)).toEqual({ values: { d: 107, a: 6 }, warnings: [] });
    expect((await run(['d'], 4)).values).toEqual({ d: 109 });
  });

  it('a value that is not a finite number, or one a failing cell blocked, is an error saying why', async () => {
    await expect(run(['ratio'], 1)).rejects.toMatchObject({ code: 'VALUE_NOT_NUMBER', message: 'ratio is Infinity, not a finite number' });
    await expect(run(['text'], 1)).rejects.toMatchObject({ code: 'VALUE_NOT_NUMBER', message: 'text is a string, not a finite number' });
    await expect(run(['nothing'], 1)).rejects.toMatchObject({ message: 'nothing is null, not a finite number' });
    expect((await run(['after'], 5)).values).toEqual({ after: 2 });
    await expect(run(['after'], 6)).rejects.toMatchObject({ code: 'VALUE_NOT_COMPUTED', message: expect.stringMatching(/^after was not computed: cell 8 failed: .*x=6 is too large/) });
    // a cell that uses a builtin the host does not give fails, named
    expect(cellsFor(cells, ['wb'], new Set(['x'])).map((c) => c.id)).toEqual([2, 3, 10]);
    await expect(run(['wb'], 1)).rejects.toMatchObject({ code: 'VALUE_NOT_COMPUTED', message: expect.stringMatching(/^wb was not computed: cell 10 failed: .*Plot is not defined/) });
  });
});
