/**
 * The run invariant checker covers CMA: the bitmaps against the live allocations and the pages,
 * pageblock migratetypes against the areas (CMA inside, only there; Isolate counted), and the
 * hugetlb pools against the page state. Each corruption below must be reported.
 */
import { describe, expect, it } from 'vitest';
import { MIGRATE_CMA, MIGRATE_ISOLATE, MIGRATE_MOVABLE } from '../../src/sim/types';
import { bootArm64 } from './helpers';

function prepared() {
  const run = bootArm64('6.1', 512, 'cma=64M').start();
  const a = run.cma[0]!;
  const r = a.alloc(2048, 9);
  expect(r.ok).toBe(true);
  expect(run.hugetlb.setNrHugepages(2048, 2)).toBe(2);
  run.checkInvariants();
  return { run, a, pfn: r.pfn };
}

describe('CMA invariants', () => {
  it('a set bitmap bit no allocation holds', () => {
    const { run, a } = prepared();
    run.rs.cma.areas[0]!.bitmap[a.count - 1] = 1;
    expect(() => run.checkInvariants()).toThrow(/bitmap bit 16383 is set but no allocation holds it/);
  });

  it('an allocation whose bit is clear, or whose page is free', () => {
    const { run, pfn } = prepared();
    run.rs.cma.areas[0]!.bitmap[pfn - run.cma[0]!.basePfn] = 0;
    expect(() => run.checkInvariants()).toThrow(/has bitmap bit \d+ clear/);
  });

  it('a pageblock of an area that is not CMA, and a CMA pageblock outside every area', () => {
    const a = prepared();
    const b = a.run.rs.buddy;
    b.pbType[(a.a.basePfn >> 9) - b.pbBase] = MIGRATE_MOVABLE;
    expect(() => a.run.checkInvariants()).toThrow(/area reserved: pageblock 0x[0-9a-f]+ has migratetype 1, not CMA/);
    const c = prepared();
    const cb = c.run.rs.buddy;
    cb.pbType[(0x44000 >> 9) - cb.pbBase] = MIGRATE_CMA;
    expect(() => c.run.checkInvariants()).toThrow(/pageblock 0x44000 is CMA outside every area/);
  });

  it('an Isolate pageblock nobody counted', () => {
    const { run, a } = prepared();
    const b = run.rs.buddy;
    b.pbType[((a.basePfn + 4096) >> 9) - b.pbBase] = MIGRATE_ISOLATE;
    expect(() => run.checkInvariants()).toThrow(/nr_isolate_pageblock is 0, 1 pageblocks are Isolate/);
  });

  it('a hugetlb pool whose counts disagree with its free lists', () => {
    const { run } = prepared();
    const p = run.rs.hugetlb.pools[run.rs.hugetlb.poolOfKb(2048)]!;
    p.free++;
    expect(() => run.checkInvariants()).toThrow(/hugetlb 2048 kB: free_huge_pages 3, free lists hold 2/);
  });
});
