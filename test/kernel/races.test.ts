/** Redefinition races: edits that arrive while a cell's previous run is still pending. */
import { describe, it, expect } from 'vitest';
import { open, status, tick } from './helpers';

describe('redefinition races', () => {
  it('a slow run overtaken by a redefinition never reaches its dependents', async () => {
    const { nb, log } = await open('race-slow', [
      { id: 1, value: 'const x = await new Promise((r) => setTimeout(() => r("slow"), 150))' },
      { id: 2, value: 'log.push(x), x' },
    ], {}, false);
    await tick(20);
    nb.session!.redefine(1, 'const x = "fast"');
    await nb.settled();
    await tick(200); // past the slow run's timer
    await nb.settled();
    expect(log).toEqual(['fast']);
    expect(await nb.value('x')).toBe('fast');
    expect(nb.displays(2)).toEqual(['fast']);
    // two redefinitions in a row: only the last one's value flows downstream
    nb.session!.redefine(1, 'const x = await new Promise((r) => setTimeout(() => r("second"), 100))');
    nb.session!.redefine(1, 'const x = "third"');
    await nb.settled();
    await tick(150);
    await nb.settled();
    expect(log).toEqual(['fast', 'third']);
    expect(status(nb, 1)).toMatchObject({ state: 'done' });
    nb.dispose();
  });

  it('removing a running cell blocks nothing stale, and a new cell defining the name replaces a setInput override', async () => {
    const { nb, log } = await open('race-remove', [
      { id: 1, value: 'const x = await new Promise((r) => setTimeout(() => r("gone"), 100))' },
      { id: 2, value: 'log.push(x), x' },
    ], {}, false);
    await tick(10);
    nb.session!.remove(1);
    await nb.settled();
    await tick(150);
    await nb.settled();
    expect(log).toEqual([]);
    expect(status(nb, 2)).toMatchObject({ state: 'error', message: expect.stringMatching(/x is not defined/) });
    nb.session!.setInput('x', 'override');
    await nb.settled();
    expect(log).toEqual(['override']);
    nb.session!.define({ mode: 'js', value: 'const x = "defined"' });
    await nb.settled();
    expect(log).toEqual(['override', 'defined']);
    expect(await nb.value('x')).toBe('defined');
    nb.dispose();
  });
});
