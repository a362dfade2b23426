/**
 * cma_alloc / alloc_contig_range / cma_release against mm/cma.c and mm/page_alloc.c, on both
 * kernels. Each expectation is derived in a comment from the kernel's rules.
 *
 * The machine: arm64, 512 MiB, cma=256M: one area "reserved" of 65536 pages (5.10: 4 MiB aligned,
 * 6.1: 2 MiB aligned, order_per_bit 0 either way, as dma_contiguous_reserve declares it).
 */
import { describe, expect, it } from 'vitest';
import { TraceRecorder } from '../../src/sim/index';
import { MIGRATE_CMA } from '../../src/sim/types';
import { GFP_HIGHUSER_MOVABLE } from '../../src/sim/page_alloc/gfp';
import { allocLabelled, bootArm64, inRange, KERNELS } from './helpers';

describe.each(KERNELS)('cma_alloc on %s', (kernel) => {
  const machine = bootArm64(kernel, 512, 'cma=256M');
  const six = kernel === '6.1';

  it('a clean area: the first fit from the bitmap start, nothing to migrate', () => {
    const run = machine.start();
    const a = run.cma[0]!;
    expect([a.name, a.count, a.orderPerBit]).toEqual(['reserved', 65536, 0]);
    const rec = new TraceRecorder(new Set(['cma_alloc_start', 'cma_alloc_finish', 'cma_alloc', 'cma_release']));
    run.setTrace(rec);
    const z = run.rs.buddy.z;
    const [free0, cma0] = [z.free[0]!, z.freeCma[0]!];
    // align 8: mask = (1 << (8 − 0)) − 1 = 255; offset = (base_pfn & 255) >> 0 = 0 (the base is at
    // least 2 MiB aligned); bitmap_find_next_zero_area_off from bit 0 gives bit 0: pfn = base_pfn
    const r = a.alloc(1000, 8);
    expect(r).toEqual({ ok: true, pfn: a.basePfn, count: 1000, migrated: 0, reclaimed: 0, tried: 1 });
    // isolate_freepages_range takes the order-10 block at the base whole and gives the 24 pages past
    // the range back to the Isolate list; undo_isolate_page_range counts them free again: exactly
    // the 1000 pages leave NR_FREE_PAGES and NR_FREE_CMA_PAGES, none passes through the pcp lists
    expect([z.free[0], z.freeCma[0], run.rs.pcp.count[0]]).toEqual([free0 - 1000, cma0 - 1000, 0]);
    // debugfs: used = 1000 set bits << 0; maxchunk = the clear run after them; bitmap: 31 full
    // words (992 bits), then bits 992..999 = 0xff
    expect(a.debugfs('used')).toBe('1000\n');
    expect(a.debugfs('maxchunk')).toBe(`${65536 - 1000}\n`);
    expect(a.debugfs('count')).toBe('65536\n');
    expect(a.debugfs('order_per_bit')).toBe('0\n');
    expect(a.debugfs('base_pfn')).toBe(`${a.basePfn}\n`);
    const words = a.debugfs('bitmap').trimEnd().split(' ');
    expect(words.length).toBe(65536 / 32);
    expect(words.slice(0, 33)).toEqual([...Array(31).fill('4294967295'), '255', '0']);
    // 5.10: "cma-" + name in a 16-byte buffer; 6.1: the name
    expect(a.debugfsDir).toBe(six ? 'reserved' : 'cma-reserved');
    // 6.1 fires cma_alloc_start/finish and counts cma_alloc_success; 5.10 one cma_alloc event, no counter
    const ev = rec.events.map((e) => [e.event, ...e.args]);
    expect(ev).toEqual(six ? [['cma_alloc_start', 0, 1000, 8, 0, 0], ['cma_alloc_finish', 0, a.basePfn, 1000, 8, 0]] : [['cma_alloc', a.basePfn, 1000, 8, 0, 0]]);
    expect(run.rs.vm.get('cma_alloc_success')).toBe(six ? 1 : 0);
    const occ = a.occupancy();
    expect([occ.allocated, occ.free, occ.borrowed, occ.isolated]).toEqual([1000, 64536, 0, 0]);
    expect(occ.map.slice(0, 3)).toBe('Am.');
    run.checkInvariants();
    // cma_release: free_contig_range frees page by page (order 0, through the per-cpu lists), then
    // clears the bitmap and fires cma_release
    expect(a.release(r.pfn, 1000)).toBe(true);
    expect(a.debugfs('used')).toBe('0\n');
    expect(a.allocations).toEqual([]);
    expect(a.occupancy().free).toBe(65536);
    expect(z.free[0]! + run.rs.pcp.count[0]!).toBe(free0);
    expect(rec.events.at(-1)!.event).toBe('cma_release');
    run.checkInvariants();
  });

  it('success after migration: every movable page in the range moves once, out of the range', () => {
    const run = machine.start();
    const a = run.cma[0]!;
    // free_cma (65536) > free / 2 (about 60500): __rmqueue takes CMA first for Movable requests, and
    // keeps doing so for the first ~10000 pages; all 1000 anon pages land in the area
    const pfns = allocLabelled(run, GFP_HIGHUSER_MOVABLE, 1000, 'anon', 'a');
    expect(pfns.filter((p) => inRange(p, a.basePfn, a.count)).length).toBe(1000);
    const r = a.alloc(a.count);
    // the whole area is isolated, its free pages are off NR_FREE_CMA_PAGES: every target comes from
    // the Movable lists outside; migrate_pages moves each page once
    expect(r).toEqual({ ok: true, pfn: a.basePfn, count: 65536, migrated: 1000, reclaimed: 0, tried: 1 });
    expect(run.rs.vm.get('pgmigrate_success')).toBe(1000);
    // the labelled pages followed their migration: all outside the area now
    const after = run.run([]).refs.a!;
    expect(after.filter((p) => inRange(p, a.basePfn, a.count))).toEqual([]);
    expect(run.view().nodes[0]!.stats.nr_anon_pages).toBe(1000);
    expect(a.occupancy().allocated).toBe(65536);
    run.checkInvariants();
  });

  it('clean page cache in the range is reclaimed instead of migrated; dirty page cache is migrated', () => {
    const run = machine.start();
    const a = run.cma[0]!;
    // reclaim_clean_pages_from_list takes file-LRU pages that are not dirty: shrink_page_list drops them
    allocLabelled(run, GFP_HIGHUSER_MOVABLE, 600, 'file', 'clean');
    allocLabelled(run, GFP_HIGHUSER_MOVABLE, 400, 'file-dirty', 'dirty');
    const r = a.alloc(a.count);
    expect([r.ok, r.reclaimed, r.migrated]).toEqual([true, 600, 400]);
    const refs = run.run([]).refs;
    // a reclaimed page's label becomes −1: the page is gone
    expect(refs.clean!.every((p) => p === -1)).toBe(true);
    expect(refs.dirty!.filter((p) => inRange(p, a.basePfn, a.count))).toEqual([]);
    const st = run.view().nodes[0]!.stats;
    expect([st.nr_file_pages, st.nr_dirty]).toEqual([400, 400]);
    run.checkInvariants();
  });

  it('failure on a pinned page: the range fails at its pfn, with the kernel\'s messages', () => {
    const run = machine.start();
    const a = run.cma[0]!;
    const pfns = allocLabelled(run, GFP_HIGHUSER_MOVABLE, 1000, 'anon', 'a').sort((x, y) => x - y);
    const pinned = pfns[500]!;
    expect(inRange(pinned, a.basePfn, a.count)).toBe(true);
    run.pin(pinned);
    const r = a.alloc(a.count);
    // isolate_migratepages_block never isolates an anon page whose refcount exceeds its mapcount:
    // the other 999 pages migrate, test_pages_isolated stops at the pinned page (every page before
    // it is free now). Only one range fits a request of the whole area: cma_alloc gives up, -EBUSY.
    expect(r.ok).toBe(false);
    expect(r.failedAt).toBe(pinned);
    expect(r.migrated).toBe(999);
    expect(r.tried).toBe(1);
    expect(r.reason).toMatch(new RegExp(`^pfn 0x${pinned.toString(16)} holds an anon page that is pinned`));
    const end = a.basePfn + a.count;
    // 5.10 prints "PFNs busy" (hex, no 0x; outer_start = start, a free buddy head) and its pr_err;
    // 6.1 is silent in alloc_contig_range and names the area; cma_debug_show_areas after both
    const avail = 'cma: number of available pages: 65536@0=> 65536 free of 65536 total pages';
    expect(run.cmaLog).toEqual(six
      ? ['cma: cma_alloc: reserved: alloc failed, req-size: 65536 pages, ret: -16', avail]
      : [`alloc_contig_range: [${a.basePfn.toString(16)}, ${end.toString(16)}) PFNs busy`, 'cma: cma_alloc: alloc failed, req-size: 65536 pages, ret: -16', avail]);
    expect(run.rs.vm.get('cma_alloc_fail')).toBe(six ? 1 : 0);
    // undo_isolate_page_range restored every pageblock to CMA; the bitmap is clear again
    const b = run.rs.buddy;
    for (let p = a.basePfn; p < end; p += 512) expect(b.getPageblockMigratetype(p)).toBe(MIGRATE_CMA);
    expect(run.rs.nrIsolatePageblock[0]).toBe(0);
    expect(a.debugfs('used')).toBe('0\n');
    run.checkInvariants();
    // once unpinned, the page migrates like the others
    run.unpin(pinned);
    const again = a.alloc(a.count);
    expect([again.ok, again.migrated]).toEqual([true, 1]);
    run.checkInvariants();
  });

  it('a request larger than the area fails before any range is tried', () => {
    const run = machine.start();
    const rec = new TraceRecorder();
    run.setTrace(rec);
    const r = run.cma[0]!.alloc(65537);
    // bitmap_count 65537 > bitmap_maxno 65536: 6.1 "goto out" after cma_alloc_start (no finish
    // event), counts cma_alloc_fail; 5.10 returns NULL before any event
    expect([r.ok, r.tried]).toEqual([false, 0]);
    expect(rec.events.filter((e) => e.event.startsWith('cma_')).map((e) => e.event)).toEqual(six ? ['cma_alloc_start'] : []);
    expect(run.rs.vm.get('cma_alloc_fail')).toBe(six ? 1 : 0);
  });
});
