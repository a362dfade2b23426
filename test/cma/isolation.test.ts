/**
 * alloc_contig_range's isolation (mm/page_isolation.c) on both kernels: 5.10 widens the range to
 * max(MAX_ORDER_NR_PAGES, pageblock_nr_pages) = 1024 pfns, 6.1 isolates the range's pageblocks and
 * splits a free page straddling an edge block (isolate_single_pageblock / split_free_page); an
 * unmovable page in an isolated pageblock fails the range; undo puts the pageblocks back to the
 * caller's migratetype and the free pages back on its lists.
 */
import { describe, expect, it } from 'vitest';
import { MIGRATE_CMA, MIGRATE_MOVABLE, MIGRATE_UNMOVABLE } from '../../src/sim/types';
import { GFP_KERNEL } from '../../src/sim/page_alloc/gfp';
import { allocContigRange } from '../../src/sim/cma/contig-range';
import { freeContigRange } from '../../src/sim/cma/cma-alloc';
import { isolationBounds } from '../../src/sim/cma/isolation';
import { bootArm64, KERNELS } from './helpers';

describe.each(KERNELS)('isolation on %s', (kernel) => {
  const six = kernel === '6.1';

  it('start_isolate_page_range covers 1024-pfn units (5.10) or the range\'s pageblocks (6.1)', () => {
    const run = bootArm64(kernel, 512).start();
    // [0x50300, 0x50500): 5.10 align_down/up to 1024 → [0x50000, 0x50800); 6.1 pageblocks → [0x50200, 0x50600)
    expect(isolationBounds(run.rs, 0x50300, 0x50500)).toEqual(six ? [0x50200, 0x50600] : [0x50000, 0x50800]);
  });

  it('an unmovable page in the isolated pageblocks fails the range, naming the page', () => {
    const run = bootArm64(kernel, 512).start();
    const rs = run.rs;
    // the first GFP_KERNEL page of a fresh boot steals the head order-10 Movable block and is its
    // first page P (1024-aligned); both pageblocks become Unmovable
    const k = run.alloc(GFP_KERNEL, 0);
    if (!k.ok) throw new Error('no kernel page');
    const P = k.pfn;
    expect(P % 1024).toBe(0);
    expect(rs.buddy.getPageblockMigratetype(P + 512)).toBe(MIGRATE_UNMOVABLE);
    const freeBefore = rs.buddy.z.free[0]! + rs.pcp.count[0]!;
    // the range is the block's second pageblock, which holds only free pages
    const r = allocContigRange(rs, P + 512, P + 1024, MIGRATE_MOVABLE, GFP_KERNEL);
    if (six) {
      // 6.1 isolates [P + 512, P + 1024) only: has_unmovable_pages finds nothing, the range is taken
      expect(r.ret).toBe(0);
      // undo_isolate_page_range sets the caller's type, MIGRATE_MOVABLE, whatever the block was
      expect(rs.buddy.getPageblockMigratetype(P + 512)).toBe(MIGRATE_MOVABLE);
      expect(rs.buddy.getPageblockMigratetype(P)).toBe(MIGRATE_UNMOVABLE);
      freeContigRange(rs, P + 512, 512, 0, true);
    } else {
      // 5.10 isolates [P, P + 1024): the first pageblock holds the kernel page P
      expect(r.ret).toBe(-16);
      expect(r.failedAt).toBe(P);
      expect(r.reason).toBe(`pfn 0x${P.toString(16)} is a kernel page (unmovable): the pageblock could not be isolated`);
      // set_migratetype_isolate failed on the first block: nothing was isolated, nothing changed
      expect(rs.buddy.getPageblockMigratetype(P + 512)).toBe(MIGRATE_UNMOVABLE);
    }
    expect(rs.nrIsolatePageblock[0]).toBe(0);
    run.drain();
    expect(rs.buddy.z.free[0]).toBe(freeBefore);
    run.checkInvariants();
  });

  it('a range from an odd pageblock of a free order-10 CMA block leaves the other half free at order 9', () => {
    const run = bootArm64(kernel, 512, 'cma=64M').start();
    const rs = run.rs;
    const a = run.cma[0]!;
    // the first 1024-aligned pfn of the area (6.1 aligns areas to 2 MiB only) heads a free order-10 block
    const base = Math.ceil(a.basePfn / 1024) * 1024;
    expect(rs.buddy.freeBlockOrder(base)).toBe(10);
    const cma0 = rs.buddy.z.freeCma[0]!;
    // 6.1: isolate_single_pageblock splits the order-10 block at base + 512 (split_free_page), the
    // isolated half goes to the Isolate list. 5.10: the whole order-10 block is isolated and taken by
    // isolate_freepages_range from outer_start = base; [base, base + 512) is freed back page by page
    // into the isolated block and merges to order 9. Either way: an order-9 free CMA block at base.
    const r = allocContigRange(rs, base + 512, base + 1024, MIGRATE_CMA, GFP_KERNEL);
    expect(r.ret).toBe(0);
    expect(rs.buddy.freeBlockOrder(base)).toBe(9);
    expect(rs.buddy.listPfns(0, 9, MIGRATE_CMA)).toContain(base);
    expect(rs.buddy.z.freeCma[0]).toBe(cma0 - 512);
    expect(rs.buddy.getPageblockMigratetype(base + 512)).toBe(MIGRATE_CMA);
    freeContigRange(rs, base + 512, 512, 0, true);
    run.drain();
    expect(rs.buddy.z.freeCma[0]).toBe(cma0);
  });
});
