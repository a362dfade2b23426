import { describe, expect, it } from 'vitest';
import { parseZoneinfo } from '../../src/sim/format/zoneinfo-parse';
import { diffZoneinfo } from '../../src/sim/format/zoneinfo-diff';
import { oracleFiles } from './oracle';

const tuned = oracleFiles('zoneinfo').filter((f) => f.folder === 'a64-1g-tuned');

describe('diffZoneinfo', () => {
  it('a text against itself has no difference', () => {
    const p = parseZoneinfo(tuned[0]!.text);
    expect(diffZoneinfo(p, p)).toEqual([]);
  });
  it('the sysctl writes of a64-1g-tuned change watermarks and protection, not the layout', () => {
    const boot = parseZoneinfo(tuned.find((f) => f.name.endsWith('/zoneinfo.txt'))!.text);
    const after = parseZoneinfo(tuned.find((f) => f.name.endsWith('after_sysctl.txt'))!.text);
    const d = diffZoneinfo(boot, after, ['min', 'low', 'high', 'spanned', 'present', 'managed', 'protection', 'startPfn']);
    const fields = new Set(d.map((x) => x.field));
    expect(fields.has('min')).toBe(true);
    expect(fields.has('protection')).toBe(true);
    for (const f of ['spanned', 'present', 'managed', 'startPfn']) expect(fields.has(f as never)).toBe(false);
    const dmaMin = d.find((x) => x.zone === 'DMA' && x.field === 'min')!;
    expect(Number(dmaMin.b)).toBeGreaterThan(Number(dmaMin.a));
  });
  it('reports zones present in one text only', () => {
    const p = parseZoneinfo(tuned[0]!.text);
    const fewer = { ...p, zones: p.zones.slice(1) };
    expect(diffZoneinfo(p, fewer)).toEqual([{ nid: 0, zone: 'DMA', field: 'zone', a: 'present', b: 'missing' }]);
  });
});
