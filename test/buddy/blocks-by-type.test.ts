import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Buddy } from '../../src/sim/buddy';
import { MIGRATE_MOVABLE, MIGRATE_UNMOVABLE } from '../../src/sim/types';
import { X64_MEMORY, x64Buddy } from './helpers';
import { ORACLE } from '../helpers/oracle-dir';

/** "Number of blocks type" rows of an oracle pagetypeinfo: "node zone" -> counts per printed type. */
function oracleBlockRows(folder: string): Map<string, number[]> {
  const text = readFileSync(`${ORACLE}/${folder}/pagetypeinfo.txt`, 'utf8');
  const rows = new Map<string, number[]>();
  const tail = text.slice(text.indexOf('Number of blocks type'));
  for (const m of tail.matchAll(/^Node (\d+), zone\s+(\S+)\s+([\d\s]+)$/gm)) {
    rows.set(`${m[1]} ${m[2]}`, m[3].trim().split(/\s+/).map(Number));
  }
  return rows;
}

describe('blocksByType (pagetypeinfo "Number of blocks")', () => {
  it('counts ceil(spanned/512) blocks for a zone that starts off-alignment, typed by the containing pageblock', () => {
    const b = new Buddy({
      kernel: '6.1', basePfn: 0, endPfn: 2048, pageblockOrder: 9, maxOrder: 11,
      zones: [{ id: 3, nid: 0, zoneIdx: 1, startPfn: 100, endPfn: 1300 }],
    });
    b.memmapInit([{ start: 0, end: 2048 }]);
    // walk 100, 612, 1124: pageblock 0's first pfn is outside the zone (Unmovable), 512 and 1024 are Movable
    expect(b.blocksByType(3)).toEqual([1, 2, 0, 0, 0, 0]);
    expect(b.getPageblockMigratetype(100)).toBe(MIGRATE_UNMOVABLE);
    expect(b.getPageblockMigratetype(1299)).toBe(MIGRATE_MOVABLE);
  });

  it('a bank that starts mid-pageblock leaves that pageblock Unmovable (memmap_init_range); hole pfns count only in present sections', () => {
    const opts = {
      kernel: '6.1' as const, basePfn: 0, endPfn: 4096, pageblockOrder: 9, maxOrder: 11,
      zones: [{ id: 0, nid: 0, zoneIdx: 0, startPfn: 0, endPfn: 4096 }],
    };
    const mem = [{ start: 700, end: 4096 }];
    const flat = new Buddy(opts);
    flat.memmapInit(mem);
    // walk 0 and 512 land in the hole (no struct page), 1024.. are Movable
    expect(flat.blocksByType(0)).toEqual([0, 6, 0, 0, 0, 0]);
    expect(flat.getPageblockMigratetype(700)).toBe(MIGRATE_UNMOVABLE);
    const sparse = new Buddy({ ...opts, sectionShift: 15 });
    sparse.memmapInit(mem);
    // one present section covers the hole: pfn 0 and 512 exist, their blocks are Unmovable
    expect(sparse.blocksByType(0)).toEqual([2, 6, 0, 0, 0, 0]);
  });

  it('matches the block totals of oracle x64-1g, and the fresh-boot DMA row exactly', () => {
    const b = x64Buddy();
    b.memmapInit(X64_MEMORY);
    b.memblockFreeAll(X64_MEMORY, 262112);
    const rows = oracleBlockRows('x64-1g');
    // printed types: Unmovable Movable Reclaimable HighAtomic Isolate (no CMA on this kernel)
    const dma = b.blocksByType(0);
    expect([dma[0], dma[1], dma[2], dma[3], dma[5]]).toEqual(rows.get('0 DMA'));
    const dma32 = b.blocksByType(1);
    const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
    expect(sum(dma32)).toBe(sum(rows.get('0 DMA32')!));
  });

  it('matches the per-zone block totals of oracle x64-6g-numa2 (two nodes)', () => {
    const b = new Buddy({
      kernel: '6.1', basePfn: 0, endPfn: 1835008, pageblockOrder: 9, maxOrder: 11, sectionShift: 15,
      zones: [
        { id: 0, nid: 0, zoneIdx: 0, startPfn: 1, endPfn: 4096 },
        { id: 1, nid: 0, zoneIdx: 1, startPfn: 4096, endPfn: 786400 },
        { id: 2, nid: 1, zoneIdx: 2, startPfn: 1048576, endPfn: 1835008 },
      ],
    });
    const mem = [{ start: 1, end: 159 }, { start: 256, end: 786400 }, { start: 1048576, end: 1835008 }];
    b.memmapInit(mem);
    b.memblockFreeAll(mem, 1835008);
    b.checkInvariants();
    const rows = oracleBlockRows('x64-6g-numa2');
    const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
    expect(sum(b.blocksByType(0))).toBe(sum(rows.get('0 DMA')!));
    expect(sum(b.blocksByType(1))).toBe(sum(rows.get('0 DMA32')!));
    expect(sum(b.blocksByType(2))).toBe(sum(rows.get('1 Normal')!));
    expect(b.blocksByType(0)[MIGRATE_UNMOVABLE]).toBe(1);
  });
});
