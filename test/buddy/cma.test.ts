import { describe, expect, it } from 'vitest';
import { Buddy } from '../../src/sim/buddy';
import { MIGRATE_CMA, MIGRATE_MOVABLE } from '../../src/sim/types';
import { freeBlocks, oneZone } from './helpers';

const M = MIGRATE_MOVABLE;
const C = MIGRATE_CMA;

/** 4096-page zone; CMA reserved at [1024, 2560) (3 pageblocks), the rest handed over. */
function bootWithCma(kernel: '5.10' | '6.1'): Buddy {
  const b = oneZone(kernel, 4096);
  b.memblockFreeAll([{ start: 0, end: 1024 }, { start: 2560, end: 4096 }], Infinity);
  expect(b.cmaActivateArea(1024, 1536)).toBe(true);
  return b;
}

describe('CMA activation (cma_activate_area) and merging around CMA (__free_one_page)', () => {
  it('6.1: pageblocks pair into order 10 inside the area; the leftover stays order 9 beside a free Movable buddy', () => {
    const b = bootWithCma('6.1');
    b.checkInvariants();
    expect(b.listPfns(7, 10, C)).toEqual([1024]);
    expect(b.listPfns(7, 9, C)).toEqual([2048]);
    expect(b.listPfns(7, 9, M)).toEqual([2560]);
    expect(b.listPfns(7, 10, M)).toEqual([0, 3072]);
    expect(b.freeCma(7)).toBe(1536);
    expect(b.cmaPages(7)).toBe(1536);
    expect(b.managed(7)).toBe(4096);
    expect(b.freePages(7)).toBe(4096);
    expect(b.blocksByType(7)).toEqual([0, 5, 0, 0, 3, 0]);
    // freeing the Movable neighbour again does not merge with CMA either
    expect(b.rmqueueSmallest(7, 9, M)).toBe(2560);
    b.freeOnePage(2560, 9, M);
    expect(b.listPfns(7, 9, M)).toEqual([2560]);
    b.checkInvariants();
  });

  it('5.10: CMA merges with the Movable buddy above pageblock order, onto the CMA list, and NR_FREE_CMA follows the freer', () => {
    const b = bootWithCma('5.10');
    b.checkInvariants();
    // 1024 (order 9, head), 1536 merges into 1024/10 (head), 2048 merges with Movable 2560 into 2048/10 (head)
    expect(b.listPfns(7, 10, C)).toEqual([2048, 1024]);
    expect(b.listPfns(7, 9, C)).toEqual([]);
    expect(b.listPfns(7, 9, M)).toEqual([]);
    expect(b.listPfns(7, 10, M)).toEqual([0, 3072]);
    expect(b.freeCma(7)).toBe(1536); // the kernel counter, although 2048 pages sit on the CMA list
    expect(b.freePages(7)).toBe(4096);
    expect(b.getPageblockMigratetype(2560)).toBe(M);
  });

  it('4 MiB-aligned areas give order-10 CMA blocks on both kernels', () => {
    for (const kernel of ['5.10', '6.1'] as const) {
      const b = oneZone(kernel, 8192);
      b.memblockFreeAll([{ start: 0, end: 2048 }, { start: 6144, end: 8192 }], Infinity);
      expect(b.cmaActivateArea(2048, 4096)).toBe(true);
      b.checkInvariants();
      expect(b.listPfns(7, 10, C)).toEqual([5120, 4096, 3072, 2048]); // each completes at the head
      expect(b.freeArea(7)[9]).toEqual([0, 0, 0, 0, 0, 0]);
      expect(b.managed(7)).toBe(8192);
    }
  });

  const twoZones = (kernel: '5.10' | '6.1'): Buddy => {
    const b = new Buddy({
      kernel, basePfn: 0, endPfn: 4096, pageblockOrder: 9, maxOrder: 11,
      zones: [{ id: 0, nid: 0, zoneIdx: 0, startPfn: 0, endPfn: 2048 }, { id: 1, nid: 0, zoneIdx: 2, startPfn: 2048, endPfn: 4096 }],
    });
    b.memmapInit([{ start: 0, end: 4096 }]);
    b.memblockFreeAll([{ start: 0, end: 1024 }, { start: 3072, end: 4096 }], Infinity);
    return b;
  };

  it('5.10: an area that crosses a zone is activated pageblock by pageblock up to the crossing, the rest stays reserved', () => {
    const b = twoZones('5.10');
    expect(b.cmaActivateArea(1024, 2048)).toBe(false);
    b.checkInvariants();
    expect(b.listPfns(0, 10, C)).toEqual([1024]);
    expect(b.cmaPages(0)).toBe(1024);
    expect(b.managed(0)).toBe(2048);
    expect(b.managed(1)).toBe(1024);
    expect(b.pageState(2048)).toBe('reserved');
    expect(b.getPageblockMigratetype(2048)).toBe(M);
  });

  it('6.1: a failed area goes to the buddy as ordinary pages, nothing becomes CMA', () => {
    const b = twoZones('6.1');
    expect(b.cmaActivateArea(1024, 2048)).toBe(false);
    b.checkInvariants();
    expect(freeBlocks(b, 0)).toEqual([{ pfn: 0, order: 10, mt: M }, { pfn: 1024, order: 10, mt: M }]);
    expect(freeBlocks(b, 1)).toEqual([{ pfn: 2048, order: 10, mt: M }, { pfn: 3072, order: 10, mt: M }]);
    expect(b.managed(0)).toBe(2048);
    expect(b.managed(1)).toBe(2048);
    expect(b.cmaPages(0) + b.cmaPages(1)).toBe(0);
    expect(b.freeCma(0)).toBe(0);
  });

  it('rejects areas that are not reserved or not pageblock-aligned', () => {
    const b = oneZone('6.1', 4096);
    b.memblockFreeAll([{ start: 0, end: 1024 }], Infinity);
    expect(() => b.cmaActivateArea(512, 1024)).toThrow(expect.objectContaining({ code: 'BUDDY_NOT_RESERVED' }));
    expect(() => b.cmaActivateArea(1100, 512)).toThrow(expect.objectContaining({ code: 'BUDDY_BAD_ARGUMENT' }));
    expect(() => b.cmaActivateArea(3584, 1024)).toThrow(expect.objectContaining({ code: 'BUDDY_BAD_RANGE' }));
    b.checkInvariants();
  });
});
