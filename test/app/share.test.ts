import { describe, it, expect } from 'vitest';
import { decodeShareQuery, encodeShareQuery, parseHash, validateInputValue } from '../../src/lib/persist/share';

describe('share links', () => {
  it('round-trips values through the query', () => {
    const v = { watermark_scale_factor: 200, machine: 'a64-1g', on: true };
    expect(decodeShareQuery(encodeShareQuery(v))).toEqual(v);
  });
  it('keeps non-JSON text as a string', () => {
    expect(decodeShareQuery('cmdline=cma%3D64M')).toEqual({ cmdline: 'cma=64M' });
  });
  it('validates ranges, steps, options and types', () => {
    const r = { kind: 'range' as const, min: 10, max: 3000, step: 1 };
    expect(validateInputValue('wsf', r, 200)).toBeNull();
    expect(validateInputValue('wsf', r, 5000)).toMatch(/outside the input's range 10…3000/);
    expect(validateInputValue('wsf', r, 'abc')).toMatch(/not a number/);
    expect(validateInputValue('wsf', r, 10.5)).toMatch(/step/);
    expect(validateInputValue('m', { kind: 'select', options: ['a', 'b'] }, 'c')).toMatch(/not one of/);
    expect(validateInputValue('m', { kind: 'select', options: ['a', 'b'] }, 'b')).toBeNull();
    expect(validateInputValue('c', { kind: 'checkbox' }, 'yes')).toMatch(/true or false/);
  });
  it('parses hashes', () => {
    expect(parseHash('#/watermarks?a=1')).toEqual({ slug: 'watermarks', query: 'a=1' });
    expect(parseHash('')).toEqual({ slug: '', query: '' });
  });
});
