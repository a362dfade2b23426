import { describe, expect, it } from 'vitest';
import { extfragForOrderOf, fillContigPageInfo, fragIndices, fragmentationIndex, fragmentationIndexOf, unusableFreeIndex, unusableFreeIndexOf, zoneNrFree } from '../../src/sim/compaction/frag-index';
import { renderExtfragIndex, renderUnusableIndex } from '../../src/sim/format/extfrag';
import { boot, fill, freeWhere, MOVABLE_NOWAIT } from './helpers';

/**
 * A hand-made free-list shape: nr_free per order 0..10 = [10, 4, 2, 0, 1, 0, 0, 0, 0, 0, 0].
 * fill_contig_page_info (mm/vmstat.c): free_pages = 10 + 4·2 + 2·4 + 1·16 = 42,
 * free_blocks_total = 10 + 4 + 2 + 1 = 17, free_blocks_suitable(o) = Σ_{k≥o} nr_free[k]·2^(k−o).
 */
const SHAPE = [10, 4, 2, 0, 1, 0, 0, 0, 0, 0, 0];

describe('fragmentation indices (mm/vmstat.c), worked by hand', () => {
  it('fill_contig_page_info', () => {
    expect(fillContigPageInfo(SHAPE, 0)).toEqual({ freePages: 42, freeBlocksTotal: 17, freeBlocksSuitable: 42 });
    // order 2: 2·1 + 1·4 = 6 blocks of 4 pages
    expect(fillContigPageInfo(SHAPE, 2)).toEqual({ freePages: 42, freeBlocksTotal: 17, freeBlocksSuitable: 6 });
    expect(fillContigPageInfo(SHAPE, 5).freeBlocksSuitable).toBe(0);
  });

  it('__fragmentation_index: −1000 while a block is free; else 1000 − (1000 + free·1000/2^o)/total', () => {
    const fi = (o: number) => fragmentationIndexOf(fillContigPageInfo(SHAPE, o), o);
    for (const o of [0, 1, 2, 3, 4]) expect(fi(o)).toBe(-1000);
    // order 5: 42000/32 = 1312 (integer), (1000 + 1312)/17 = 136, 1000 − 136 = 864
    expect(fi(5)).toBe(864);
    // order 6: 42000/64 = 656, 1656/17 = 97 → 903; order 7: 328, 1328/17 = 78 → 922
    expect(fi(6)).toBe(903);
    expect(fi(7)).toBe(922);
    // order 8: 164, 1164/17 = 68 → 932; order 9: 82, 1082/17 = 63 → 937; order 10: 41, 1041/17 = 61 → 939
    expect([fi(8), fi(9), fi(10)]).toEqual([932, 937, 939]);
    // nothing free: 0
    expect(fragmentationIndexOf(fillContigPageInfo(new Array(11).fill(0), 4), 4)).toBe(0);
  });

  it('unusable_free_index: (free − suitable·2^o)·1000/free; 1000 with nothing free', () => {
    const ui = (o: number) => unusableFreeIndexOf(fillContigPageInfo(SHAPE, o), o);
    // order 0: all usable → 0; order 1: suitable 4 + 2·2 + 1·8 = 16 → (42 − 32)·1000/42 = 238
    expect(ui(0)).toBe(0);
    expect(ui(1)).toBe(238);
    // order 2: (42 − 24)·1000/42 = 428; orders 3 and 4: suitable 2 and 1 → (42 − 16)·1000/42 = 619
    expect([ui(2), ui(3), ui(4)]).toEqual([428, 619, 619]);
    for (let o = 5; o <= 10; o++) expect(ui(o)).toBe(1000);
    expect(unusableFreeIndexOf(fillContigPageInfo(new Array(11).fill(0), 0), 0)).toBe(1000);
    // extfrag_for_order(9) (proactive compaction's score): (42 − 0)·100/42 = 100
    expect(extfragForOrderOf(fillContigPageInfo(SHAPE, 9), 9)).toBe(100);
    expect(extfragForOrderOf(fillContigPageInfo(SHAPE, 2), 2)).toBe(42); // (42 − 24)·100/42 = 42
  });

  it('debugfs extfrag_index and unusable_index lines: "%d.%03d " (5.10) and "%2d.%03d " (6.1) for extfrag', () => {
    for (const kernel of ['5.10', '6.1'] as const) {
      const v = boot('x86_64', kernel, 512).view();
      const z = v.nodes[0]!.zones.find((zz) => zz.name === 'DMA32')!;
      // put the shape on the Movable lists of DMA32
      z.freeArea = SHAPE.map((n) => z.freeArea[0]!.map((_, mt) => (mt === 1 ? n : 0)));
      const ex = renderExtfragIndex(v).split('\n').find((l) => l.includes('DMA32'))!;
      const un = renderUnusableIndex(v).split('\n').find((l) => l.includes('DMA32'))!;
      if (kernel === '5.10') expect(ex).toBe('Node 0, zone    DMA32 -1.000 -1.000 -1.000 -1.000 -1.000 0.864 0.903 0.922 0.932 0.937 0.939 ');
      else expect(ex).toBe('Node 0, zone    DMA32 -1.000 -1.000 -1.000 -1.000 -1.000  0.864  0.903  0.922  0.932  0.937  0.939 ');
      expect(un).toBe('Node 0, zone    DMA32 0.000 0.238 0.428 0.619 0.619 1.000 1.000 1.000 1.000 1.000 1.000 ');
      // only populated zones print: x86_64 has DMA, DMA32 (Normal is empty below 4 GiB; Movable is empty)
      expect(renderExtfragIndex(v).split('\n').filter(Boolean).map((l) => l.slice(0, 22))).toEqual(['Node 0, zone      DMA ', 'Node 0, zone    DMA32 ']);
    }
  });

  it('the run state and its view give the same indices, before and after fragmenting', () => {
    const run = boot('arm64', '6.1', 256);
    const check = () => {
      const rs = run.rs;
      const rows = fragIndices(rs);
      for (let zi = 0; zi < rs.zones; zi++) {
        const nrFree = Array.from(zoneNrFree(rs, zi));
        for (let o = 0; o < rs.buddy.maxOrder; o++) {
          const info = fillContigPageInfo(nrFree, o);
          expect(fragmentationIndex(rs, zi, o)).toBe(fragmentationIndexOf(info, o));
          expect(unusableFreeIndex(rs, zi, o)).toBe(unusableFreeIndexOf(info, o));
          expect(rows[zi]!.extfrag[o]).toBe(fragmentationIndexOf(info, o));
        }
      }
      expect(run.render('unusable_index').split('\n').filter(Boolean)).toHaveLength(1);
    };
    check();
    freeWhere(run, fill(run, MOVABLE_NOWAIT, 30000), 1);
    check();
    run.checkInvariants();
  });
});
