import { describe, it, expect } from 'vitest';
import type { MachineView, ZoneView } from '../../src/sim/view';
import { addressRows, buddyRows, protectionCells, reserveRows, watermarkRows, zoneSpanRows, fmtSize } from '../../src/lib/plots/data';
import { ZONE_COLORS, zoneColorScale } from '../../src/lib/plots/colors';

// numbers from the oracle a64-1g-tuned zoneinfo.txt (6.1, arm64 virt 1 GiB): DMA is populated, DMA32/Normal/Movable empty
function zone(p: Partial<ZoneView> & Pick<ZoneView, 'name' | 'idx'>): ZoneView {
  return { nid: 0, free: 0, boost: 0, min: 0, low: 0, high: 0, promo: 0, spanned: 0, present: 0, managed: 0, cma: 0, protection: [0, 0, 0, 0],
    freeCma: 0, freeArea: Array.from({ length: 11 }, () => [0, 0, 0, 0, 0, 0]), blocksByType: [], pcp: [], statThreshold: 0, nodeUnreclaimable: 0, startPfn: 0, stats: {}, ...p };
}
const fa = Array.from({ length: 11 }, (_, o) => [o === 10 ? 2 : 1, o, 0, 0, 0, 0]);
const view: MachineView = {
  arch: 'arm64', kernel: '6.1', pageblockOrder: 9, maxOrder: 11, migratetypeNames: ['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', 'CMA', 'Isolate'],
  zoneNames: ['DMA', 'DMA32', 'Normal', 'Movable'], numa: false, zsmalloc: true, highmem: false, thpBuilt: true, totalram: 0, totalreserve: 0, totalcma: 0, totalhigh: 0, physAddrBytes: 8,
  nodes: [{ nid: 0, stats: {}, zones: [
    zone({ name: 'DMA', idx: 0, free: 200000, min: 5632, low: 7040, high: 8448, boost: 0, spanned: 262144, present: 262144, managed: 236922, startPfn: 0x40000, protection: [0, 3701, 3701, 3701], freeArea: fa }),
    zone({ name: 'DMA32', idx: 1 }), zone({ name: 'Normal', idx: 2 }), zone({ name: 'Movable', idx: 3 }),
  ] }],
  memblock: { memory: [{ base: 0x40000000, size: 0x40000000, flags: 0, nid: 0 }], reserved: [{ base: 0x40210000, size: 0x1a0000, flags: 0, nid: 0 }] }, counters: {},
};

describe('plot data', () => {
  it('watermark rows keep the pages and convert to MiB, skipping empty zones', () => {
    const rows = watermarkRows(view);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'Node 0 DMA', min: 5632, low: 7040, high: 8448, minMiB: 22, highMiB: 33 });
  });
  it('protection cells are one per (zone, target zone)', () => {
    const cells = protectionCells(view);
    expect(cells.map((c) => [c.against, c.pages])).toEqual([['DMA', 0], ['DMA32', 3701], ['Normal', 3701], ['Movable', 3701]]);
  });
  it('reserve rows split min, the low/high band, boost and lowmem reserve', () => {
    const r = Object.fromEntries(reserveRows(view).map((x) => [x.setting.split(' ')[0], x.pages]));
    expect(r).toEqual({ min_free_kbytes: 5632, watermark_scale_factor: 8448 - 5632, watermark_boost_factor: 0, lowmem_reserve_ratio: 3701 });
  });
  it('buddy rows sum migratetypes and weigh MiB by order', () => {
    const rows = buddyRows(view);
    expect(rows).toHaveLength(11);
    expect(rows[3]).toMatchObject({ order: 3, blocks: 4, MiB: (4 * 8 * 4) / 1024 });
    expect(rows[10].blocks).toBe(12);
  });
  it('address rows and zone spans are in MiB of physical address', () => {
    const rows = addressRows(view.memblock);
    expect(rows[0]).toMatchObject({ set: 'memory', startMiB: 1024, endMiB: 2048 });
    expect(rows[1].label).toBe('reserved [0x040210000-0x0403affff] 1.63 MiB');
    expect(zoneSpanRows(view)).toEqual([expect.objectContaining({ zone: 'DMA', startMiB: 1024, endMiB: 2048 })]);
    expect(fmtSize(2 ** 30)).toBe('1 GiB');
  });
  it('every zone has a fixed colour in the shared scale', () => {
    const s = zoneColorScale();
    expect(s.domain.map((d, i) => [d, s.range[i]])).toEqual(Object.entries(ZONE_COLORS));
  });
});

import { diffLines } from '../../src/lib/plots/zoneinfo-diff';
describe('diffLines', () => {
  it('marks changed watermark lines and keeps the rest', () => {
    const a = 'Node 0, zone DMA\n  pages free 1\n        min 5632\n        low 7040\n        high 8448\n  end';
    const b = 'Node 0, zone DMA\n  pages free 1\n        min 5632\n        low 52418\n        high 99204\n  end';
    const d = diffLines(a, b);
    expect(d.filter((o) => o.op !== ' ')).toEqual([
      { op: '-', line: '        low 7040' }, { op: '-', line: '        high 8448' },
      { op: '+', line: '        low 52418' }, { op: '+', line: '        high 99204' }]);
    expect(d.filter((o) => o.op !== '+').map((o) => o.line).join('\n')).toBe(a);
    expect(d.filter((o) => o.op !== '-').map((o) => o.line).join('\n')).toBe(b);
  });
  it('handles insertions and identical input', () => {
    expect(diffLines('a\nc', 'a\nb\nc')).toEqual([{ op: ' ', line: 'a' }, { op: '+', line: 'b' }, { op: ' ', line: 'c' }]);
    expect(diffLines('x', 'x').every((o) => o.op === ' ')).toBe(true);
  });
});

describe('maxBoostRows (boost_watermark)', () => {
  it('max(pageblock_nr_pages, mult_frac(high, factor, 10000)) per populated zone', async () => {
    const { maxBoostRows } = await import('../../src/lib/plots/boost');
    // high 8448: 15000/10000 of it is 12672 pages (49.5 MiB)
    expect(maxBoostRows(view, 15000)).toEqual([{ node: 0, zone: 'DMA', key: 'Node 0 DMA', high: 8448, maxBoost: 12672, maxBoostMiB: 49.5 }]);
    // a small factor is raised to one pageblock (512 pages with pageblock_order 9):
    // mult_frac(8448, 3, 10000) = 2
    expect(maxBoostRows(view, 3)[0]).toMatchObject({ maxBoost: 512 });
    // … unless it truncates to 0 (8448 * 1 / 10000): then boost_watermark boosts nothing
    expect(maxBoostRows(view, 1)[0]).toMatchObject({ maxBoost: 0, never: 'high watermark too small' });
    expect(maxBoostRows(view, 0)[0]).toMatchObject({ maxBoost: 0, never: 'factor is 0' });
    // the printed high includes the current boost; the ceiling comes from _watermark[HIGH]
    const boosted = structuredClone(view);
    boosted.nodes[0]!.zones[0]!.boost = 1000;
    boosted.nodes[0]!.zones[0]!.high = 8448 + 1000;
    expect(maxBoostRows(boosted, 15000)[0]).toMatchObject({ high: 8448, maxBoost: 12672 });
    // a zone under 4 pageblocks is never boosted
    const tiny = structuredClone(view);
    tiny.nodes[0]!.zones[0]!.managed = 2000;
    expect(maxBoostRows(tiny, 15000)[0]).toMatchObject({ maxBoost: 0, never: 'zone smaller than 4 pageblocks' });
  });
});
