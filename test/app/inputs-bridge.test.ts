// @vitest-environment jsdom
import { describe, it, expect } from 'vitest';
import { InputsBridge, specOf, isInputWidget } from '../../src/app/inputs-bridge';

function host(stored: Record<string, unknown> = {}) {
  const saved: Record<string, unknown> = {};
  const refused: string[] = [];
  return { saved, refused, h: { stored: () => stored, save: (n: string, v: unknown) => { saved[n] = v; }, refuse: (m: string) => refused.push(m) } };
}
type W = HTMLElement & { value: unknown };

// A stand-in with the shape of Inputs.range (an element with a numeric `value` around a range input):
// jsdom's <form> proxy refuses Inputs' own value accessor, so the real widget is exercised in the browser tests.
function range([min, max]: [number, number], { value, step }: { value: number; step?: number }): W {
  const form = document.createElement('div');
  const input = document.createElement('input');
  Object.assign(input, { type: 'range', min: String(min), max: String(max), step: String(step ?? 'any'), value: String(value) });
  form.append(input);
  Object.defineProperty(form, 'value', { get: () => input.valueAsNumber, set: (v: number) => { input.value = String(v); } });
  return form as unknown as W;
}
function select(options: string[]): W {
  const sel = document.createElement('select');
  for (const o of options) sel.append(new Option(o, o));
  return sel as unknown as W;
}
const Inputs = { range, select };

describe('InputsBridge', () => {
  it('reads the spec of Inputs widgets from their DOM', () => {
    expect(specOf(Inputs.range([1, 3000], { value: 10, step: 1 }) as W)).toEqual({ kind: 'range', min: 1, max: 3000, step: 1 });
    expect(specOf(Inputs.select(['a64-1g', 'x64-1g']) as W)).toEqual({ kind: 'select', options: ['a64-1g', 'x64-1g'] });
    const composite = document.createElement('form');
    Object.defineProperty(composite, 'value', { get: () => ({ a: 1 }) });
    expect(specOf(composite)).toEqual({ kind: 'unknown' });
    expect(isInputWidget(Inputs.range([0, 1], { value: 0 }))).toBe(true);
    expect(isInputWidget(document.createElement('div'))).toBe(false);
  });

  it('applies a stored value on bind, saves user changes, and resets to the cell default', () => {
    const { saved, h } = host({ wsf: 200 });
    const b = new InputsBridge(h);
    const el = Inputs.range([1, 3000], { value: 10, step: 1 }) as W;
    let events = 0;
    el.addEventListener('input', () => events++);
    b.bind('wsf', el);
    expect(el.value).toBe(200);
    expect(events).toBe(1); // downstream cells hear about it
    expect(saved).toEqual({}); // restoring is not a user change
    el.value = 300; el.dispatchEvent(new Event('input', { bubbles: true }));
    expect(saved).toEqual({ wsf: 300 });
    b.reset();
    expect(el.value).toBe(10);
  });

  it('applies a valid link value (and saves it), refuses an out-of-range one, and reports unknown names', () => {
    const { saved, refused, h } = host({ wsf: 50 });
    const b = new InputsBridge(h, { wsf: 250, boost: 99999999, nope: 1 });
    const wsf = Inputs.range([1, 3000], { value: 10, step: 1 }) as W;
    const boost = Inputs.range([0, 30000], { value: 15000, step: 1 }) as W;
    b.bind('wsf', wsf); b.bind('boost', boost);
    expect(wsf.value).toBe(250);
    expect(saved.wsf).toBe(250);
    expect(boost.value).toBe(15000);
    expect(refused).toEqual([expect.stringMatching(/boost=99999999 is outside the input's range 0…30000/)]);
    expect(b.unusedLinkValues()).toEqual(['nope']);
  });

  it('scenario switch applies valid values and refuses the rest', () => {
    const { refused, saved, h } = host();
    const b = new InputsBridge(h);
    const el = Inputs.range([1, 3000], { value: 10, step: 1 }) as W;
    b.bind('wsf', el);
    b.apply({ wsf: 123 }, true);
    expect(el.value).toBe(123);
    expect(saved.wsf).toBe(123);
    b.apply({ wsf: 0 }, true);
    expect(el.value).toBe(123);
    expect(refused[0]).toMatch(/outside/);
  });
});
