import { describe, expect, it } from 'vitest';
import { Buddy } from '../../src/sim/buddy';
import { MIGRATE_MOVABLE, MIGRATE_UNMOVABLE } from '../../src/sim/types';
import { X64_MEMORY, chunks, freeBlocks, oneZone, x64Buddy } from './helpers';

describe('boot hand-over (__free_pages_memory chunking)', () => {
  it('x86 1 GiB: pfn-1 start and the 640K hole give the odd low orders in DMA', () => {
    const b = x64Buddy();
    b.memmapInit(X64_MEMORY);
    b.memblockFreeAll(X64_MEMORY, 262112);
    b.checkInvariants();
    const dma = freeBlocks(b, 0).map((x) => [x.pfn, x.order]);
    // [1,159): 1/0 2/1 4/2 8/3 16/4 32/5 64/6 128/4 144/3 152/2 156/1 158/0; [256,4096): 256/8 512/9 then order 10
    expect(dma).toEqual([
      [1, 0], [2, 1], [4, 2], [8, 3], [16, 4], [32, 5], [64, 6], [128, 4], [144, 3], [152, 2], [156, 1], [158, 0],
      [256, 8], [512, 9], [1024, 10], [2048, 10], [3072, 10],
    ]);
    // buddyinfo row of DMA
    expect(b.freeArea(0).map((r) => r.reduce((a, c) => a + c, 0))).toEqual([2, 2, 2, 2, 2, 1, 1, 0, 1, 1, 3]);
    // pfn 1..511 lie in pageblock 0, whose first pfn is a hole: Unmovable list; the rest Movable
    expect(freeBlocks(b, 0).filter((x) => x.pfn < 512).every((x) => x.mt === MIGRATE_UNMOVABLE)).toBe(true);
    expect(freeBlocks(b, 0).filter((x) => x.pfn >= 512).every((x) => x.mt === MIGRATE_MOVABLE)).toBe(true);
    // DMA32 = [4096, 262112): 4096 is 1024-aligned, 262112 = 255*1024 + 992
    expect(freeBlocks(b, 1).map((x) => [x.pfn, x.order])).toEqual(chunks(4096, 262112));
    expect(b.managed(0)).toBe(158 + (4096 - 256));
    expect(b.managed(1)).toBe(262112 - 4096);
    expect(b.freePages(0)).toBe(b.managed(0));
  });

  it('blocks go to the tail: every list is in ascending pfn order after boot', () => {
    const b = oneZone('6.1', 1 << 15);
    const ranges = [{ start: 3, end: 5000 }, { start: 5001, end: 9000 }, { start: 9100, end: 32000 }];
    b.memblockFreeAll(ranges, Infinity);
    b.checkInvariants();
    let seen = 0;
    for (let o = 0; o < 11; o++) {
      const l = b.listPfns(7, o, MIGRATE_MOVABLE);
      expect(l).toEqual([...l].sort((x, y) => x - y));
      seen += l.length;
    }
    const expected = ranges.flatMap((r) => chunks(r.start, r.end));
    // pageblock 0 (pfns 0..511) is Movable here: memory starts at pfn 0
    expect(seen + b.listPfns(7, 0, MIGRATE_UNMOVABLE).length).toBe(expected.length);
    expect(freeBlocks(b, 7).map((x) => [x.pfn, x.order])).toEqual(expected);
  });

  it('touching free ranges merge (adjacent memory regions that differ only in flags), still at the tail', () => {
    const b = oneZone('6.1', 4096);
    // [0,1536) gives 0/10 1024/9; [1536,2048) then merges 1024/9 + 1536/9 into 1024/10
    b.memblockFreeAll([{ start: 0, end: 1536 }, { start: 1536, end: 2048 }], Infinity);
    b.checkInvariants();
    expect(b.listPfns(7, 10, MIGRATE_MOVABLE)).toEqual([0, 1024]);
    expect(b.listPfns(7, 9, MIGRATE_MOVABLE)).toEqual([]);
  });

  it('a node boundary blocks merging of touching ranges', () => {
    const b = new Buddy({
      kernel: '6.1', basePfn: 0, endPfn: 4096, pageblockOrder: 9, maxOrder: 11,
      zones: [{ id: 0, nid: 0, zoneIdx: 2, startPfn: 0, endPfn: 1536 }, { id: 1, nid: 1, zoneIdx: 2, startPfn: 1536, endPfn: 4096 }],
    });
    b.memmapInit([{ start: 0, end: 4096 }]);
    b.memblockFreeAll([{ start: 0, end: 1536 }, { start: 1536, end: 2048 }], Infinity);
    b.checkInvariants();
    expect(freeBlocks(b, 0).map((x) => [x.pfn, x.order])).toEqual([[0, 10], [1024, 9]]);
    expect(freeBlocks(b, 1).map((x) => [x.pfn, x.order])).toEqual([[1536, 9]]);
  });

  it('memblockFreeAll resets managed, clamps at max_low_pfn and leaves pages above it reserved', () => {
    const b = oneZone('5.10', 8192);
    b.adjustManagedPageCount(7, 12345); // the free_area_init_core estimate
    b.memblockFreeAll([{ start: 0, end: 8192 }], 5000);
    b.checkInvariants();
    expect(b.managed(7)).toBe(5000);
    expect(b.pageState(4999)).toBe('free-tail');
    expect(b.pageState(5000)).toBe('reserved');
    expect(freeBlocks(b, 7).map((x) => [x.pfn, x.order])).toEqual(chunks(0, 5000));
  });

  it('freeHighpages: page by page, same blocks as the chunking, head-inserted positions', () => {
    const b = oneZone('5.10', 8192);
    const r = { start: 1000, end: 7000 };
    b.freeHighpages([r]);
    b.checkInvariants();
    expect(b.managed(7)).toBe(6000);
    expect(freeBlocks(b, 7).map((x) => [x.pfn, x.order])).toEqual(chunks(r.start, r.end));
    // order-10 blocks at 1024..5120: 2048 completes last of all of them? each completes when its last
    // page is freed, in ascending order, and each goes to the head: the list is descending.
    expect(b.listPfns(7, 10, MIGRATE_MOVABLE)).toEqual([5120, 4096, 3072, 2048, 1024]);
    const boot = oneZone('5.10', 8192);
    boot.memblockFreeAll([r], Infinity);
    expect(boot.listPfns(7, 10, MIGRATE_MOVABLE)).toEqual([1024, 2048, 3072, 4096, 5120]);
  });

  it('rejects freeing holes, double frees and bad ranges with MmError codes', () => {
    const b = x64Buddy();
    b.memmapInit(X64_MEMORY);
    expect(() => b.memblockFreeAll([{ start: 150, end: 300 }], 262112)).toThrow(expect.objectContaining({ code: 'BUDDY_FREE_HOLE' }));
    // nothing was changed by the failed call
    expect(b.pageState(150)).toBe('reserved');
    b.freePagesMemory(256, 1024);
    expect(() => b.freePagesMemory(1000, 1100)).toThrow(expect.objectContaining({ code: 'BUDDY_NOT_RESERVED' }));
    expect(() => b.freeOnePage(512, 9, MIGRATE_MOVABLE)).toThrow(expect.objectContaining({ code: 'BUDDY_DOUBLE_FREE' }));
    expect(() => b.memblockFreeAll([{ start: 2000, end: 1000 }], 262112)).toThrow(expect.objectContaining({ code: 'BUDDY_BAD_RANGE' }));
    expect(() => b.memblockFreeAll([{ start: 2000, end: 3000 }, { start: 2500, end: 2600 }], 262112)).toThrow(expect.objectContaining({ code: 'BUDDY_BAD_RANGE' }));
    b.checkInvariants();
  });
});

describe('hand-over details', () => {
  it('chunks are cut at a zone boundary that is not MAX_ORDER-aligned, so no block spans two zones', () => {
    const b = new Buddy({
      kernel: '5.10', basePfn: 0, endPfn: 8192, pageblockOrder: 9, maxOrder: 11,
      zones: [{ id: 0, nid: 0, zoneIdx: 0, startPfn: 0, endPfn: 3584 }, { id: 1, nid: 0, zoneIdx: 1, startPfn: 3584, endPfn: 8192 }],
    });
    b.memmapInit([{ start: 0, end: 8192 }]);
    b.memblockFreeAll([{ start: 0, end: 8192 }], Infinity);
    b.checkInvariants();
    expect(freeBlocks(b, 0).map((x) => [x.pfn, x.order])).toEqual(chunks(0, 3584));
    expect(freeBlocks(b, 1).map((x) => [x.pfn, x.order])).toEqual(chunks(3584, 8192));
    expect(b.managed(0)).toBe(3584);
    expect(() => b.freeOnePage(3072, 10, MIGRATE_MOVABLE)).toThrow(expect.objectContaining({ code: 'BUDDY_CROSSES_ZONE' }));
  });

  it('deferredFreeRange: whole pageblocks at order 9 to the tail, partial pieces page by page; they merge to order 10', () => {
    const b = oneZone('6.1', 4096);
    b.memblockFreeAll([{ start: 0, end: 1024 }], Infinity);
    b.deferredFreeRange(2048, 512);
    b.deferredFreeRange(1024, 512);
    b.deferredFreeRange(1536, 512); // merges with 1024 into an order-10 block, to the tail
    b.deferredFreeRange(2600, 100); // partial: page by page
    b.checkInvariants();
    expect(b.listPfns(7, 10, MIGRATE_MOVABLE)).toEqual([0, 1024]);
    expect(b.listPfns(7, 9, MIGRATE_MOVABLE)).toEqual([2048]);
    expect(freeBlocks(b, 7).filter((x) => x.pfn >= 2600).map((x) => [x.pfn, x.order])).toEqual(chunks(2600, 2700));
    expect(b.managed(7)).toBe(1024 + 1536 + 100);
    expect(() => b.deferredFreeRange(3000, 600)).toThrow(expect.objectContaining({ code: 'BUDDY_BAD_ARGUMENT' }));
  });
});
