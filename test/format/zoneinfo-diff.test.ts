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
  it('the sysctl writes of a64-1g-tuned change the DMA watermarks only', () => {
    const boot = parseZoneinfo(tuned.find((f) => f.name.endsWith('/zoneinfo.txt'))!.text);
    const after = parseZoneinfo(tuned.find((f) => f.name.endsWith('after_sysctl.txt'))!.text);
    const d = diffZoneinfo(boot, after, ['min', 'low', 'high', 'spanned', 'present', 'managed', 'protection', 'startPfn']);
    // min_free_kbytes 22528 -> 16384 lowers min; watermark_scale_factor 200 widens low and high;
    // the only populated zone has no higher zone, so its protection stays 0
    expect(d).toEqual([
      { nid: 0, zone: 'DMA', field: 'min', a: '5632', b: '4096' },
      { nid: 0, zone: 'DMA', field: 'low', a: '7040', b: '9100' },
      { nid: 0, zone: 'DMA', field: 'high', a: '8448', b: '14104' },
    ]);
  });
  it('reports zones present in one text only', () => {
    const p = parseZoneinfo(tuned[0]!.text);
    const fewer = { ...p, zones: p.zones.slice(1) };
    expect(diffZoneinfo(p, fewer)).toEqual([{ nid: 0, zone: 'DMA', field: 'zone', a: 'present', b: 'missing' }]);
  });
});
