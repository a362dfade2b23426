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

  // The shape of Inputs.form({arch: Inputs.select, nodes: Inputs.range}): its parts take only what they accept.
  function topologyForm(): W {
    const sel = select(['arm64', 'x86_64']);
    const nodes = range([1, 4], { value: 1, step: 1 });
    const form = document.createElement('div'); // jsdom's <form> refuses accessor properties
    form.append(sel, nodes);
    Object.defineProperty(form, 'value', {
      get: () => ({ arch: sel.value || null, nodes: nodes.value }),
      set: (v: { arch?: string; nodes?: number }) => { (sel as unknown as HTMLSelectElement).value = v.arch ?? ''; nodes.value = v.nodes; },
    });
    return form as unknown as W;
  }

  it('refuses a composite link value whose fields the form does not take, and reports what the input kept', () => {
    const { refused, saved, h } = host({ topo: { arch: 'x86_64', nodes: 2 } });
    const b = new InputsBridge(h, { topo: { arch: 'mips', nodes: 99 } });
    const form = topologyForm();
    b.bind('topo', form);
    // the stored value is valid and restored; the message names it as what was kept
    expect(form.value).toEqual({ arch: 'x86_64', nodes: 2 });
    expect(saved).toEqual({});
    expect(refused).toEqual([expect.stringMatching(/^Link value refused: topo: arch="mips" is not accepted, nodes=99 is not accepted; kept \{"arch":"x86_64","nodes":2\}/)]);
    b.apply({ topo: { arch: 'arm64', nodes: 3 } }, true);
    expect(form.value).toEqual({ arch: 'arm64', nodes: 3 });
    b.apply({ topo: { arch: 'arm64' } }, true);
    expect(refused.at(-1)).toMatch(/nodes is missing/);
    expect(form.value).toEqual({ arch: 'arm64', nodes: 3 });
  });

  it('a range with a transform (min_free_kbytes uses Math.log) is checked against its own bounds, not the slider\'s', () => {
    // Inputs.range([128, 262144], {step: 1, transform: Math.log}): number box min=128 max=262144 step=1, slider min=log(128) max=log(262144)
    const el = document.createElement('div');
    const number = Object.assign(document.createElement('input'), { type: 'number', min: '128', max: '262144', step: '1', value: '45056' });
    const slider = Object.assign(document.createElement('input'), { type: 'range', min: String(Math.log(128)), max: String(Math.log(262144)), step: 'any', value: String(Math.log(45056)) });
    el.append(number, slider);
    Object.defineProperty(el, 'value', { get: () => number.valueAsNumber, set: (v: number) => { number.value = String(v); slider.value = String(Math.log(v)); } });
    expect(specOf(el)).toEqual({ kind: 'range', min: 128, max: 262144, step: 1 });
    const { refused, h } = host({ mfk: 2048 });
    new InputsBridge(h).bind('mfk', el as unknown as W);
    expect((el as unknown as W).value).toBe(2048);
    expect(refused).toEqual([]);
  });
});

describe('InputsBridge values', () => {
  it('lists only the inputs still on the page (a link or scenario does not carry an input its cell stopped showing)', () => {
    const { h } = host();
    const b = new InputsBridge(h);
    const shown = Inputs.range([1, 3000], { value: 10, step: 1 });
    const gone = Inputs.range([0, 9], { value: 5, step: 1 });
    document.body.append(shown, gone);
    b.bind('wsf', shown);
    b.bind('extra', gone);
    expect(b.values()).toEqual({ wsf: 10, extra: 5 });
    gone.remove();
    expect(b.values()).toEqual({ wsf: 10 });
    shown.remove();
  });
});
