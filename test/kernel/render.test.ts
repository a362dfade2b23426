// @vitest-environment jsdom
import { describe, it, expect } from 'vitest';
import { renderValue, toJSONValue } from '../../src/kernel/render';
import { reportJSON } from '../../src/cli/run';

describe('host value rendering', () => {
  it('writes plain data and typed arrays, but not the private state of class instances', () => {
    class Machine { readonly pages = new Uint8Array(1 << 20); view() { return { zones: 2 }; } }
    class WithJSON { toJSON() { return { arch: 'arm64' }; } }
    const value = toJSONValue({ m: new Machine(), j: new WithJSON(), t: new Uint16Array([1, 2]), n: Object.create(null), list: [new Machine(), 3] });
    expect(value).toEqual({ j: { arch: 'arm64' }, t: [1, 2], n: {}, list: [null, 3] });
    expect(toJSONValue(new Machine())).toBeUndefined();
  });

  it('renders a picture by its aria-label, anything else by its text without <style> bodies', () => {
    const fig = document.createElement('figure');
    fig.innerHTML = '<style>:where(.plot) { display: block }</style><svg></svg>';
    expect(renderValue(fig)).toBe('<figure>');
    fig.setAttribute('aria-label', 'Watermarks per zone');
    expect(renderValue(fig)).toBe('<figure> “Watermarks per zone”');
    const div = document.createElement('div');
    div.innerHTML = '<style>p { color: red }</style><p>Hello</p>';
    expect(renderValue(div)).toBe('<div> Hello');
    // text is its text, even with an aria-label
    const pre = document.createElement('pre');
    pre.setAttribute('aria-label', 'zoneinfo');
    pre.textContent = 'Node 0, zone      DMA\n  pages free     3\n';
    expect(renderValue(pre)).toBe('<pre> Node 0, zone      DMA pages free     3');
  });

  it('keeps arrays of scalars on one line in the --json report', () => {
    const text = reportJSON({ values: { pages: [1, 2, 3], rows: [{ a: [4, 5] }], empty: [], none: {} } });
    expect(text).toBe('{\n  "values": {\n    "pages": [1,2,3],\n    "rows": [\n      {\n        "a": [4,5]\n      }\n    ],\n    "empty": [],\n    "none": {}\n  }\n}');
    expect(JSON.parse(text)).toEqual({ values: { pages: [1, 2, 3], rows: [{ a: [4, 5] }], empty: [], none: {} } });
  });
});
