import { describe, expect, it } from 'vitest';
import { Buddy } from '../../src/sim/buddy';
import { MIGRATE_CMA, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE } from '../../src/sim/types';
import { freeBlocks, rng } from './helpers';

interface Alloc {
  pfn: number;
  order: number;
  mt: number;
  zone: number;
}

/** Two zones (boundary at 3584, not order-10 aligned), holes, a CMA area, everything handed over. */
function machine(kernel: '5.10' | '6.1'): Buddy {
  const b = new Buddy({
    kernel, basePfn: 0, endPfn: 8192, pageblockOrder: 9, maxOrder: 11,
    zones: [{ id: 0, nid: 0, zoneIdx: 0, startPfn: 1, endPfn: 3584 }, { id: 1, nid: 0, zoneIdx: 2, startPfn: 3584, endPfn: 8192 }],
  });
  const mem = [{ start: 1, end: 159 }, { start: 256, end: 5000 }, { start: 5003, end: 8192 }];
  b.memmapInit(mem);
  // reserved: [1000,1010) and the CMA area [6656, 8192) = 3 pageblocks
  b.memblockFreeAll([{ start: 1, end: 159 }, { start: 256, end: 1000 }, { start: 1010, end: 5000 }, { start: 5003, end: 6656 }], Infinity);
  expect(b.cmaActivateArea(6656, 1536)).toBe(true);
  return b;
}

function run(kernel: '5.10' | '6.1', seed: number, steps: number): void {
  const b = machine(kernel);
  b.checkInvariants();
  const rand = rng(seed);
  const live: Alloc[] = [];
  const types = [MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_CMA];
  const totalFree = (): number => b.freePages(0) + b.freePages(1);
  let allocated = 0;
  for (let step = 0; step < steps; step++) {
    const r = rand();
    const before = totalFree();
    let expectedDelta = 0;
    if (r < 0.5 || live.length === 0) {
      const zone = rand() < 0.4 ? 0 : 1;
      const order = rand() < 0.7 ? Math.floor(rand() * 3) : Math.floor(rand() * 11);
      const mt = types[Math.floor(rand() * types.length)];
      const pfn = b.rmqueueSmallest(zone, order, mt);
      if (pfn >= 0) {
        expect(pfn % (1 << order)).toBe(0);
        expect(b.pageState(pfn)).toBe('inuse');
        live.push({ pfn, order, mt, zone });
        allocated += 1 << order;
        expectedDelta = -(1 << order);
      } else {
        // nothing of that type at or above the order
        for (let o = order; o < 11; o++) expect(b.listPfns(zone, o, mt)).toEqual([]);
      }
    } else if (r < 0.92) {
      const a = live.splice(Math.floor(rand() * live.length), 1)[0];
      // pcp frees use the stored type (the list it came from); __free_pages_ok uses the pageblock's type
      const mt = rand() < 0.5 ? a.mt : b.getPageblockMigratetype(a.pfn);
      b.freeOnePage(a.pfn, a.order, mt, { toTail: rand() < 0.2 });
      allocated -= 1 << a.order;
      expectedDelta = 1 << a.order;
    } else {
      // steal_suitable_fallback-like: retype a non-CMA pageblock among the mergeable types and move its free pages
      const zone = rand() < 0.4 ? 0 : 1;
      const pfn = 3584 * zone + Math.floor(rand() * (zone ? 8192 - 3584 : 3583)) + (zone ? 0 : 1);
      if (b.getPageblockMigratetype(pfn) !== MIGRATE_CMA) {
        const mt = types[Math.floor(rand() * 3)];
        b.moveFreepagesBlock(zone, pfn, mt);
        b.setPageblockMigratetype(pfn, mt);
      }
    }
    b.checkInvariants();
    expect(totalFree() - before).toBe(expectedDelta);
  }
  // pages are conserved: every managed page is free or held by a live allocation
  const held = live.reduce((s, a) => s + (1 << a.order), 0);
  expect(totalFree() + held).toBe(b.managed(0) + b.managed(1));
  expect(allocated).toBe(held);
  // give everything back: the machine returns to fully free memory
  for (const a of live) b.freeOnePage(a.pfn, a.order, a.mt);
  b.checkInvariants();
  expect(totalFree()).toBe(b.managed(0) + b.managed(1));
}

describe('property: random alloc/free sequences keep every invariant', () => {
  for (const kernel of ['5.10', '6.1'] as const) {
    for (const seed of [1, 2, 3]) {
      it(`${kernel} seed ${seed}`, () => run(kernel, seed, 1500));
    }
  }

  it('6.1: after freeing everything, CMA and non-CMA are still separate above pageblock order', () => {
    const b = machine('6.1');
    const got: Alloc[] = [];
    for (;;) {
      const pfn = b.rmqueueSmallest(1, 0, MIGRATE_CMA);
      if (pfn < 0) break;
      got.push({ pfn, order: 0, mt: MIGRATE_CMA, zone: 1 });
    }
    expect(got.length).toBe(1536);
    expect(b.freeCma(1)).toBe(0);
    for (const a of got.reverse()) b.freeOnePage(a.pfn, 0, MIGRATE_CMA);
    b.checkInvariants();
    expect(freeBlocks(b, 1).filter((x) => x.mt === MIGRATE_CMA).map((x) => [x.pfn, x.order])).toEqual([[6656, 9], [7168, 10]]);
    expect(b.freeCma(1)).toBe(1536);
  });
});

describe('checkInvariants detects corruption', () => {
  const booted = (): Buddy => machine('6.1');
  it('a broken prev link', () => {
    const b = booted();
    const second = b.listPfns(0, 10, MIGRATE_MOVABLE)[1];
    expect(second).toBeGreaterThan(0);
    b.prev[second] = 5;
    expect(() => b.checkInvariants()).toThrow(/has prev/);
  });
  it('a wrong nr_free', () => {
    const b = booted();
    b.nrFree[b.listIndex(0, 10, MIGRATE_MOVABLE)]++;
    expect(() => b.checkInvariants()).toThrow(/nr_free is/);
  });
  it('a free-tail page outside any block', () => {
    const b = booted();
    b.tag[1005] = 3;
    expect(() => b.checkInvariants()).toThrow(/pfn 1005 is marked free-tail/);
  });
  it('an unmerged buddy pair', () => {
    const b = booted();
    // take the order-10 block at 1024 (zone 0) and put its halves back without merging
    const pfn = b.listPfns(0, 10, MIGRATE_MOVABLE).find((p) => p === 1024)!;
    expect(pfn).toBe(1024);
    b.unlink(1024, b.listIndex(0, 10, MIGRATE_MOVABLE));
    b.tag[1024] = 0x80 | (MIGRATE_MOVABLE << 4) | 9;
    b.tag[1536] = 0x80 | (MIGRATE_MOVABLE << 4) | 9;
    b.linkHead(1024, b.listIndex(0, 9, MIGRATE_MOVABLE));
    b.linkHead(1536, b.listIndex(0, 9, MIGRATE_MOVABLE));
    expect(() => b.checkInvariants()).toThrow(/order-9 buddies at pfn 1024 and 1536/);
  });
  it('a free counter that disagrees with the lists', () => {
    const b = booted();
    b.modZoneFreepageState(1, -1, MIGRATE_MOVABLE);
    expect(() => b.checkInvariants()).toThrow(/NR_FREE_PAGES/);
  });
});

describe('clone and state size', () => {
  it('clone copies the state; later changes do not leak between the two', () => {
    const a = machine('5.10');
    const c = a.clone();
    const pfn = a.rmqueueSmallest(1, 3, MIGRATE_MOVABLE);
    expect(a.pageState(pfn)).toBe('inuse');
    expect(c.pageState(pfn)).not.toBe('inuse');
    expect(c.freePages(1)).toBe(a.freePages(1) + 8);
    c.checkInvariants();
    a.checkInvariants();
    expect(c.rmqueueSmallest(1, 3, MIGRATE_MOVABLE)).toBe(pfn); // same inputs, same pfn
  });
  it('keeps at most 12 bytes of state per page', () => {
    const b = new Buddy({ kernel: '6.1', basePfn: 0x40000, endPfn: 0x40000 + (1 << 20), pageblockOrder: 9, maxOrder: 11,
      zones: [{ id: 0, nid: 0, zoneIdx: 0, startPfn: 0x40000, endPfn: 0x40000 + (1 << 20) }] });
    expect(b.stateBytes() / (1 << 20)).toBeLessThanOrEqual(12);
    expect(b.stateBytes() / (1 << 20)).toBeGreaterThanOrEqual(9);
  });
});

describe('checkInvariants strictMerge option', () => {
  it('6.1: a HighAtomic block retyped back to Movable leaves an unmerged pair the kernel keeps', () => {
    const b = new Buddy({ kernel: '6.1', basePfn: 0, endPfn: 2048, pageblockOrder: 9, maxOrder: 11,
      zones: [{ id: 0, nid: 0, zoneIdx: 0, startPfn: 0, endPfn: 2048 }] });
    b.memmapInit([{ start: 0, end: 2048 }]);
    b.setPageblockMigratetype(512, 3); // reserve_highatomic_pageblock
    b.freeOnePage(0, 9, MIGRATE_MOVABLE);
    b.freeOnePage(512, 9, 3); // HighAtomic does not merge with Movable on 6.1
    b.checkInvariants();
    expect(b.listPfns(0, 9, 3)).toEqual([512]);
    b.moveFreepagesBlock(0, 512, MIGRATE_MOVABLE); // unreserve_highatomic_pageblock
    b.setPageblockMigratetype(512, MIGRATE_MOVABLE);
    expect(() => b.checkInvariants()).toThrow(/order-9 buddies at pfn 0 and 512/);
    b.checkInvariants({ strictMerge: false });
  });
});
