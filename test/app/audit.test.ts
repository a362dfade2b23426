/** Helpers added by the UI audit: readable ticks, a legend of present zones, packed share links. */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sqrtTicks, symlogTicks } from '../../src/lib/plots/data';
import { ZONE_COLORS, zoneColorScale } from '../../src/lib/plots/colors';
import { decodeShareQuery, decodeShareQueryPacked, encodeShareQuery, encodeShareQueryPacked } from '../../src/lib/persist/share';
import { ORACLE } from '../helpers/oracle-dir';

describe('axis ticks', () => {
  it('symlog ticks are 0, 1, 2, 5, 10, … up to the largest value', () => {
    expect(symlogTicks(493)).toEqual([0, 1, 2, 5, 10, 20, 50, 100, 200]);
    expect(symlogTicks(0)).toEqual([0, 1]);
    expect(symlogTicks(1000)).toEqual([0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
  });
  it('√ ticks are round, increasing, within range, and spread out', () => {
    const t = sqrtTicks(61440);
    expect(t[0]).toBe(0);
    expect(t.every((v, i) => i === 0 || v > t[i - 1])).toBe(true);
    expect(Math.max(...t)).toBeLessThanOrEqual(61440);
    expect(t.length).toBeLessThanOrEqual(7);
    for (const v of t.slice(1)) expect(Number(v.toPrecision(1))).toBe(v);
    expect(sqrtTicks(0)).toEqual([0]);
  });
});

describe('zone colour legend', () => {
  it('lists only the zones present, in zone order, with their fixed colours', () => {
    const s = zoneColorScale(['Normal', 'DMA', 'Normal']);
    expect(s.domain).toEqual(['DMA', 'Normal']);
    expect(s.range).toEqual([ZONE_COLORS.DMA, ZONE_COLORS.Normal]);
    expect(zoneColorScale([]).domain).toEqual(Object.keys(ZONE_COLORS));
  });
});

describe('packed share links', () => {
  it('a pasted boot log rides deflated and round-trips exactly', async () => {
    const text = readFileSync(resolve(ORACLE, 'x64-6g-numa2/kernel-console.txt'), 'utf8');
    const values = { machine_name: 'your own machine', own: { from: 'e820 map or boot log', arch: 'x86_64', kernel: '6.1', text, cmdline: '' }, watermark_scale_factor: 200 };
    const packed = await encodeShareQueryPacked(values);
    expect(packed.length).toBeLessThan(encodeShareQuery(values).length / 3);
    expect(packed.length).toBeLessThan(20_000);
    expect(packed).toContain('watermark_scale_factor=200');
    expect(await decodeShareQueryPacked(packed)).toEqual(values);
  });
  it('short values stay readable JSON, and old links decode the same', async () => {
    const values = { cmdline: 'cma=64M', watermark_scale_factor: 200 };
    expect(await encodeShareQueryPacked(values)).toBe(encodeShareQuery(values));
    expect(await decodeShareQueryPacked('cmdline=cma%3D64M')).toEqual(decodeShareQuery('cmdline=cma%3D64M'));
  });
  it('a z: value that is not packed stays the raw text', async () => {
    expect(await decodeShareQueryPacked('note=z:hello')).toEqual({ note: 'z:hello' });
  });
});
