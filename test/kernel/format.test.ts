import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDom, parseNotebook, serializeNotebook } from '../../src/kernel/index';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/notebooks/${name}`, import.meta.url), 'utf8');

beforeAll(() => ensureDom());

describe('notebook format', () => {
  it('round-trips losslessly, keeping mmbook attributes on <notebook> and <script>', () => {
    const html = fixture('attrs.html');
    const doc = parseNotebook(html);
    expect(doc.title).toBe('Round trip & attributes');
    expect(doc.theme).toBe('slate');
    expect(doc.attrs).toEqual({ 'data-mmbook-version': '1', 'data-profile': 'arm64-6.1' });
    expect(doc.cells.map((c) => [c.id, c.mode, !!c.pinned, !!c.hidden])).toEqual([
      [1, 'md', false, false], [3, 'js', true, false], [7, 'ts', true, true], [8, 'html', false, false],
    ]);
    expect(doc.cells[1]!.attrs).toEqual({ 'data-mmbook-height': '240', 'data-note': 'a "quoted" note & more' });
    expect(doc.cells[1]!.value).toBe('const a = 1;\nif (a < 2) console.log("</script>");');
    expect(doc.cells[0]!.attrs).toEqual({ 'data-mmbook-collapsed': '' });
    expect(serializeNotebook(doc)).toBe(html);
  });

  it('round-trips every fixture notebook', () => {
    for (const f of ['ok.html', 'fails.html', 'attrs.html']) expect(serializeNotebook(parseNotebook(fixture(f)))).toBe(fixture(f));
  });

  it('keeps edits and new attributes when serialising', () => {
    const doc = parseNotebook(fixture('attrs.html'));
    doc.cells[2]!.value = 'const b: number = a + 2;';
    doc.cells[2]!.attrs = { 'data-x': 'y' };
    const again = parseNotebook(serializeNotebook(doc));
    expect(again.cells[2]).toMatchObject({ value: 'const b: number = a + 2;', attrs: { 'data-x': 'y' }, hidden: true });
  });

  it('rejects HTML without a <notebook>', () => {
    expect(() => parseNotebook('<html><body><p>hi</p></body></html>')).toThrow(/no <notebook> element/);
  });
});
