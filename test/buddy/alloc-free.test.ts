import { describe, expect, it } from 'vitest';
import { Buddy } from '../../src/sim/buddy';
import { MIGRATE_CMA, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE } from '../../src/sim/types';
import { freeBlocks, oneZone } from './helpers';

const M = MIGRATE_MOVABLE;

describe('__rmqueue_smallest and expand', () => {
  it('taking order 0 from an order-3 block at P leaves P+4, P+2, P+1 at the heads and hands out P, then P+1', () => {
    const b = oneZone('6.1', 4096);
    // other blocks already on the lists, so that head placement is visible
    b.freeOnePage(512, 2, M, { toTail: true });
    b.freeOnePage(520, 1, M, { toTail: true });
    b.freeOnePage(530, 0, M, { toTail: true });
    b.freeOnePage(64, 3, M);
    expect(b.freePages(7)).toBe(8 + 4 + 2 + 1);
    expect(b.rmqueueSmallest(7, 0, M)).toBe(530); // order 0 list is not empty: its head
    expect(b.rmqueueSmallest(7, 0, M)).toBe(520); // next: the order-1 block at 520 splits
    expect(b.listPfns(7, 0, M)).toEqual([521]);
    expect(b.rmqueueSmallest(7, 0, M)).toBe(521);
    expect(b.rmqueueSmallest(7, 0, M)).toBe(512); // order-2 block at 512
    expect(b.rmqueueSmallest(7, 0, M)).toBe(513);
    expect(b.rmqueueSmallest(7, 1, M)).toBe(514);
    const P = 64;
    expect(b.rmqueueSmallest(7, 0, M)).toBe(P);
    expect(b.listPfns(7, 2, M)).toEqual([P + 4]);
    expect(b.listPfns(7, 1, M)).toEqual([P + 2]);
    expect(b.listPfns(7, 0, M)).toEqual([P + 1]);
    expect(b.pageState(P)).toBe('inuse');
    expect(b.rmqueueSmallest(7, 0, M)).toBe(P + 1);
    expect(b.freePages(7)).toBe(6);
    b.checkInvariants();
    expect(b.rmqueueSmallest(7, 3, M)).toBe(-1);
    expect(b.rmqueueSmallest(7, 0, MIGRATE_UNMOVABLE)).toBe(-1);
  });

  it('remainders go to the requested list whatever the pageblock type is', () => {
    const b = oneZone('6.1', 4096);
    b.freeOnePage(1024, 10, MIGRATE_RECLAIMABLE); // a Movable pageblock's pages on the Reclaimable list
    expect(b.rmqueueSmallest(7, 0, MIGRATE_RECLAIMABLE)).toBe(1024);
    expect(b.listPfns(7, 9, MIGRATE_RECLAIMABLE)).toEqual([1536]);
    expect(b.getPageblockMigratetype(1536)).toBe(M);
    b.checkInvariants();
  });
});

describe('__free_one_page', () => {
  it('frees merge back to the original block', () => {
    const b = oneZone('5.10', 4096);
    b.freeOnePage(64, 3, M);
    const p0 = b.rmqueueSmallest(7, 0, M);
    const p1 = b.rmqueueSmallest(7, 0, M);
    b.freeOnePage(p0, 0, M);
    b.checkInvariants();
    b.freeOnePage(p1, 0, M);
    b.checkInvariants();
    expect(freeBlocks(b, 7)).toEqual([{ pfn: 64, order: 3, mt: M }]);
    expect(b.freePages(7)).toBe(8);
  });

  it('buddy_merge_likely puts a block at the tail when its order+1 buddy is free', () => {
    const make = (freeHigher: boolean): number[] => {
      const b = oneZone('6.1', 4096);
      b.freeOnePage(10, 1, M); // list [10]
      if (freeHigher) b.freeOnePage(4, 2, M);
      b.freeOnePage(2, 1, M); // combined block 0 (order 1); its order-2 buddy is 4
      b.checkInvariants();
      return b.listPfns(7, 1, M);
    };
    expect(make(false)).toEqual([2, 10]);
    expect(make(true)).toEqual([10, 2]);
  });

  it('buddy_merge_likely never applies at order >= MAX_ORDER-2: order 9 goes to the head', () => {
    const b = oneZone('6.1', 4096);
    b.freeOnePage(2048, 10, M);
    b.freeOnePage(3584, 9, M); // list [3584]
    b.freeOnePage(512, 9, M); // order-10 buddy of block 0 is 1024, not free; head
    b.freeOnePage(1024, 9, M); // its order-10 buddy (2048) is free, but order 9 >= 9: head
    expect(b.listPfns(7, 9, M)).toEqual([1024, 512, 3584]);
  });

  it('FPI_TO_TAIL wins over everything', () => {
    const b = oneZone('6.1', 4096);
    b.freeOnePage(2048, 9, M);
    b.freeOnePage(0, 9, M, { toTail: true });
    expect(b.listPfns(7, 9, M)).toEqual([2048, 0]);
  });

  it('does not merge across a zone boundary', () => {
    const b = new Buddy({
      kernel: '5.10', basePfn: 0, endPfn: 2048, pageblockOrder: 9, maxOrder: 11,
      zones: [{ id: 0, nid: 0, zoneIdx: 0, startPfn: 0, endPfn: 1024 }, { id: 1, nid: 0, zoneIdx: 1, startPfn: 1024, endPfn: 2048 }],
    });
    b.memmapInit([{ start: 0, end: 2048 }]);
    b.freeOnePage(512, 9, M);
    b.freeOnePage(0, 9, M);
    b.freeOnePage(1024, 10, M);
    b.checkInvariants();
    expect(b.listPfns(0, 10, M)).toEqual([0]);
    expect(b.listPfns(1, 10, M)).toEqual([1024]);
  });

  it('validates its arguments', () => {
    const b = oneZone('6.1', 4096);
    expect(() => b.freeOnePage(3, 1, M)).toThrow(expect.objectContaining({ code: 'BUDDY_BAD_PFN' }));
    expect(() => b.freeOnePage(0, 11, M)).toThrow(expect.objectContaining({ code: 'BUDDY_BAD_ORDER' }));
    expect(() => b.freeOnePage(0, 0, 6)).toThrow(expect.objectContaining({ code: 'BUDDY_BAD_MIGRATETYPE' }));
    expect(() => b.freeOnePage(5000, 0, M)).toThrow(expect.objectContaining({ code: 'BUDDY_BAD_PFN' }));
    expect(() => b.rmqueueSmallest(99, 0, M)).toThrow(expect.objectContaining({ code: 'BUDDY_UNKNOWN_ZONE' }));
  });
});

describe('move_freepages_block', () => {
  it('moves every free block of the pageblock to the tail of the new list, in pfn order', () => {
    const b = oneZone('6.1', 4096);
    b.freeOnePage(600, 3, M);
    b.freeOnePage(520, 2, M);
    b.freeOnePage(1000, 0, M);
    b.freeOnePage(100, 2, MIGRATE_UNMOVABLE); // already on Unmovable, another pageblock
    b.freeOnePage(2000, 2, M); // another pageblock, stays
    expect(b.moveFreepagesBlock(7, 777, MIGRATE_UNMOVABLE)).toBe(8 + 4 + 1);
    expect(b.listPfns(7, 2, MIGRATE_UNMOVABLE)).toEqual([100, 520]);
    expect(b.listPfns(7, 3, MIGRATE_UNMOVABLE)).toEqual([600]);
    expect(b.listPfns(7, 0, MIGRATE_UNMOVABLE)).toEqual([1000]);
    expect(b.listPfns(7, 2, M)).toEqual([2000]);
    expect(b.getPageblockMigratetype(777)).toBe(M); // the caller sets the type
    b.checkInvariants();
  });

  it('does not cross zone boundaries', () => {
    const b = new Buddy({
      kernel: '6.1', basePfn: 0, endPfn: 2048, pageblockOrder: 9, maxOrder: 11,
      zones: [{ id: 0, nid: 0, zoneIdx: 0, startPfn: 100, endPfn: 1200 }],
    });
    b.memmapInit([{ start: 0, end: 2048 }]);
    b.freeOnePage(100, 2, M);
    b.freeOnePage(300, 2, M);
    // pageblock 0 starts before the zone: the scan starts at the given pfn
    expect(b.moveFreepagesBlock(0, 200, MIGRATE_UNMOVABLE)).toBe(4);
    expect(b.listPfns(0, 2, MIGRATE_UNMOVABLE)).toEqual([300]);
    // pageblock 2 [1024,1536) ends after the zone: nothing moves
    b.freeOnePage(1100, 2, M);
    expect(b.moveFreepagesBlock(0, 1100, MIGRATE_UNMOVABLE)).toBe(0);
    b.checkInvariants();
  });

  it('does not touch the free counters (the caller does, as in the kernel)', () => {
    const b = oneZone('6.1', 4096);
    b.freeOnePage(512, 9, M);
    b.moveFreepagesBlock(7, 512, MIGRATE_CMA);
    expect(b.freeCma(7)).toBe(0);
    expect(() => b.checkInvariants()).toThrow(/NR_FREE_CMA_PAGES is 0, CMA lists hold 512/);
    b.modZoneFreepageState(7, 512, MIGRATE_CMA);
    expect(() => b.checkInvariants()).toThrow(/NR_FREE_PAGES is 1024/);
    b.modZoneFreepageState(7, -512, M);
    b.checkInvariants();
  });
});

describe('merge rules above pageblock_order for HighAtomic and Isolate', () => {
  const pair = (kernel: '5.10' | '6.1', typeB: number, mtB: number): number[] => {
    const b = oneZone(kernel, 2048);
    b.setPageblockMigratetype(512, typeB);
    b.freeOnePage(0, 9, M);
    b.freeOnePage(512, 9, mtB);
    b.checkInvariants();
    return freeBlocks(b, 7).map((x) => x.order);
  };
  it('5.10 merges HighAtomic with Movable, 6.1 does not', () => {
    expect(pair('5.10', 3, 3)).toEqual([10]);
    expect(pair('6.1', 3, 3)).toEqual([9, 9]);
  });
  it('neither merges across Isolate', () => {
    expect(pair('5.10', 5, 5)).toEqual([9, 9]);
    expect(pair('6.1', 5, 5)).toEqual([9, 9]);
  });
  it('Isolate frees are not counted in NR_FREE_PAGES', () => {
    const b = oneZone('6.1', 2048);
    b.setPageblockMigratetype(512, 5);
    b.freeOnePage(512, 9, 5);
    expect(b.freePages(7)).toBe(0);
    expect(b.rmqueueSmallest(7, 0, 5)).toBe(512);
    expect(b.freePages(7)).toBe(0);
    b.checkInvariants();
  });
});
