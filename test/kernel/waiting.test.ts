/**
 * The `waiting` state (a cell needs input the reader has not given: calm, not an error; its
 * dependents wait for the same input) and the per-cell `warn` builtin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HeadlessNotebook, KernelEvent } from '../../src/kernel/index';
import { open, status } from './helpers';

let nb: HeadlessNotebook | undefined;
afterEach(() => { nb?.dispose(); nb = undefined; });

const cells = [
  { id: 1, value: 'const text = "";' },
  { id: 2, value: 'const parsed = await Promise.resolve(text.trim() ? text.split(",") : waiting("paste a comma-separated list above", {input: "text"}));' },
  { id: 3, value: 'const count = parsed.length;' },
  { id: 4, value: 'const doubled = count * 2;' },
  { id: 5, value: 'const other = 7;' },
];

describe('waiting for input', () => {
  it('the waiting cell says what it needs; its dependents wait for the same input; the rest runs', async () => {
    ({ nb } = await open('wait', cells));
    for (const id of [2, 3, 4]) expect(status(nb, id)).toEqual({ state: 'waiting', message: 'paste a comma-separated list above', for: { name: 'text', cellId: 1 }, askedBy: 2 });
    expect(status(nb, 1).state).toBe('done');
    expect(status(nb, 5).state).toBe('done');
    await expect(nb.value('doubled')).rejects.toThrow(/doubled \(cell 4\) is waiting for text \(cell 1\): paste a comma-separated list above/);
    // giving the input runs them
    await nb.setInput('text', 'a,b,c');
    expect(await nb.value('doubled')).toBe(6);
    for (const id of [2, 3, 4]) expect(status(nb, id).state).toBe('done');
  });

  it('without an input name, the dependents wait for the waiting cell itself', async () => {
    ({ nb } = await open('wait-self', [
      { id: 1, value: 'const file = null;' },
      { id: 2, value: 'const blob = file ?? waiting("open a file above");' },
      { id: 3, value: 'const size = blob.length;' },
    ]));
    for (const id of [2, 3]) expect(status(nb, id)).toEqual({ state: 'waiting', message: 'open a file above', for: { name: 'blob', cellId: 2 }, askedBy: 2 });
  });

  it('an error upstream still blocks; a waiting cell downstream of it is blocked, not waiting', async () => {
    ({ nb } = await open('wait-err', [
      { id: 1, value: 'const a = (() => { throw new Error("broken") })();' },
      { id: 2, value: 'const b = a ?? waiting("never reached");' },
      { id: 3, value: 'const c = b;' },
    ]));
    expect(status(nb, 1).state).toBe('error');
    expect(status(nb, 2)).toEqual({ state: 'blocked', by: { name: 'a', cellId: 1 } });
    expect(status(nb, 3)).toEqual({ state: 'blocked', by: { name: 'a', cellId: 1 } });
  });

  it('waiting(...) without a message is the cell\'s own error', async () => {
    ({ nb } = await open('wait-bad', [{ id: 1, value: 'const x = waiting("");' }]));
    const s = status(nb, 1);
    expect(s.state).toBe('error');
    expect(s.state === 'error' && s.message).toMatch(/waiting\(message\): message must say what input is missing/);
  });

  it('a long chain of async cells: every cell below the waiting one waits for its input', async () => {
    const chain = [{ id: 1, value: 'const src = "";' }, { id: 2, value: 'const v0 = src || waiting("give src", {input: "src"});' }];
    for (let i = 1; i <= 12; i++) chain.push({ id: i + 2, value: `const v${i} = await Promise.resolve(v${i - 1} + 1);` });
    ({ nb } = await open('wait-chain', chain));
    for (let id = 2; id <= 14; id++) expect(status(nb, id).state).toBe('waiting');
  });
});

describe('warn', () => {
  it('a cell\'s warnings are listed with it and reported as events; a later run without any clears them', async () => {
    const events: KernelEvent[] = [];
    ({ nb } = await open('warn', [
      { id: 1, value: 'const limit = 5;' },
      { id: 2, value: 'const asked = 99;' },
      { id: 3, value: 'if (asked > limit) { warn(`asked ${asked} is above the limit ${limit}`); warn("second"); }\nconst taken = Math.min(asked, limit);' },
    ], {}, false));
    nb.session.subscribe((e) => events.push(e));
    await nb.settled();
    expect(nb.cells().find((c) => c.id === 3)!.warnings).toEqual(['asked 99 is above the limit 5', 'second']);
    expect(status(nb, 3).state).toBe('done');
    expect(await nb.value('taken')).toBe(5);
    expect(events.filter((e) => e.type === 'warnings').at(-1)).toEqual({ type: 'warnings', cellId: 3, warnings: ['asked 99 is above the limit 5', 'second'] });
    await nb.setInput('asked', 3);
    expect(nb.cells().find((c) => c.id === 3)!.warnings).toEqual([]);
    expect(events.filter((e) => e.type === 'warnings').at(-1)).toEqual({ type: 'warnings', cellId: 3, warnings: [] });
  });

  it('a cell blocked by an upstream error drops the warnings of its earlier result', async () => {
    ({ nb } = await open('warn-blocked', [
      { id: 1, value: 'const n = 1;' },
      { id: 2, value: 'warn("about n");\nconst m = n;' },
    ]));
    expect(nb.cells().find((c) => c.id === 2)!.warnings).toEqual(['about n']);
    await nb.redefine(1, 'const n = (() => { throw new Error("x") })();');
    expect(status(nb, 2).state).toBe('blocked');
    expect(nb.cells().find((c) => c.id === 2)!.warnings).toEqual([]);
  });
});
