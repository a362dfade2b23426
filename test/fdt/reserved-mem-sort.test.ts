import { describe, expect, it } from 'vitest';
import { kernelHeapSort, rmemCmp, sortReservedMem } from '../../src/sim/fdt';
import { rng } from '../helpers/prng';

const dyn = (name: string) => ({ name, base: 0, size: 0 });


describe('sortReservedMem (lib/sort.c heapsort)', () => {
  it('reference example: [d0, d1] → [d1, d0]', () => {
    expect(sortReservedMem([dyn('d0'), dyn('d1')]).map((e) => e.name)).toEqual(['d1', 'd0']);
  });
  it('reference example: [d0, d1, d2] → [d1, d2, d0]', () => {
    expect(sortReservedMem([dyn('d0'), dyn('d1'), dyn('d2')]).map((e) => e.name)).toEqual(['d1', 'd2', 'd0']);
  });
  it('leaves a single entry alone and does not mutate its input', () => {
    const input = [dyn('a'), dyn('b')];
    expect(sortReservedMem([dyn('only')]).map((e) => e.name)).toEqual(['only']);
    sortReservedMem(input);
    expect(input.map((e) => e.name)).toEqual(['a', 'b']);
  });
  it('puts dynamic (0,0) entries before static ones and orders statics by base then size', () => {
    const out = sortReservedMem([
      { name: 's2', base: 0x2000, size: 0x1000 },
      dyn('d0'),
      { name: 's0b', base: 0, size: 0x2000 },
      { name: 's1', base: 0x1000, size: 0x1000 },
      { name: 's0a', base: 0, size: 0x1000 },
    ]);
    expect(out.map((e) => e.name)).toEqual(['d0', 's0a', 's0b', 's1', 's2']);
  });
  it('is a permutation sorted by the comparator for random inputs (seeded)', () => {
    const r = rng(12345);
    for (let iter = 0; iter < 2000; iter++) {
      const n = Math.floor(r() * 20);
      const items = Array.from({ length: n }, (_, i) => ({ id: i, base: Math.floor(r() * 4) * 0x1000, size: Math.floor(r() * 3) * 0x1000 }));
      const out = kernelHeapSort(items, rmemCmp);
      expect(out.map((x) => x.id).sort((a, b) => a - b)).toEqual(items.map((x) => x.id));
      for (let i = 1; i < out.length; i++) expect(rmemCmp(out[i - 1]!, out[i]!)).toBeLessThanOrEqual(0);
    }
  });
  it('is not stable: equal keys come out in the heapsort order, not input order', () => {
    const out = sortReservedMem(['a', 'b', 'c', 'd', 'e'].map(dyn)).map((e) => e.name);
    expect(out).not.toEqual(['a', 'b', 'c', 'd', 'e']);
    expect([...out].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
