import { describe, expect, it } from 'vitest';
import { TraceRecorder } from '../../src/sim/run/trace';
import { GFP_KERNEL, GFP_NOIO } from '../../src/sim/page_alloc/gfp';
import { prepareAllocPages } from '../../src/sim/page_alloc/alloc-pages';
import { compactionDeferReset, compactionDeferred, compactionRestarting, deferCompaction } from '../../src/sim/compaction/defer';
import { compactionZonelistSuitable } from '../../src/sim/compaction/suitable';
import { boot, eatLargeBlocks, fill, freeBlocksAtLeast, freeWhere, KERNEL_NOWAIT, MOVABLE_NOWAIT, vm } from './helpers';

/**
 * A zone full of movable anon pages with every odd pfn freed, and every free block of order ≥ 3
 * taken by order-3 folios: the zone has ~half its memory free, all of it in order-0..2 blocks.
 */
function fragmentedMovable(kernel: '5.10' | '6.1') {
  const run = boot('arm64', kernel, 256);
  freeWhere(run, fill(run, MOVABLE_NOWAIT, 1e9), 1);
  eatLargeBlocks(run, 0);
  return run;
}

/** The same with unmovable kernel pages: nothing in the zone can migrate. */
function fragmentedUnmovable(kernel: '5.10' | '6.1') {
  const run = boot('x86_64', kernel, 256);
  freeWhere(run, fill(run, KERNEL_NOWAIT, 1e9, 'kernel'), 1);
  for (let zi = 0; zi < run.rs.zones; zi++) eatLargeBlocks(run, zi);
  return run;
}

describe('direct compaction in the slow path (__alloc_pages_direct_compact → try_to_compact_pages)', () => {
  it.each(['5.10', '6.1'] as const)('%s: an order-4 GFP_KERNEL request on a fragmented zone succeeds through compaction', (kernel) => {
    const run = fragmentedMovable(kernel);
    expect(freeBlocksAtLeast(run, 0, 3)).toBe(0);
    const rec = new TraceRecorder(new Set(['mm_compaction_try_to_compact_pages', 'mm_compaction_end', 'mm_compaction_defer_reset']));
    run.setTrace(rec);
    const r = run.alloc('GFP_KERNEL', 4);
    run.setTrace(null);
    expect(r.ok).toBe(true);
    // The slow path's first compaction is async (INIT_COMPACT_PRIORITY, order 4 > costly): an async
    // direct compactor for an Unmovable request only takes Unmovable source blocks
    // (suitable_migration_source), and all the anon pages sit in Movable blocks: the scanners meet
    // without migrating — PARTIAL_SKIPPED (not a whole-zone run), no deferral for async —
    // compact_stall 1, compact_fail 1. Direct reclaim frees nothing (anon without swap), and the
    // second compaction runs at DEF_COMPACT_PRIORITY (sync light): it migrates the first
    // pageblock's 256 anon pages into free targets at the zone's top; the per-cpu drain at the
    // order-aligned boundary merges the block, and at the pageblock boundary __compact_finished
    // sees a Movable block it may steal (find_suitable_fallback, order ≥ pageblock_order/2):
    // SUCCESS; get_page_from_freelist steals it: compact_stall 2, compact_success 1.
    expect(vm(run, 'compact_stall', 'compact_success', 'compact_fail', 'pgmigrate_success')).toEqual({ compact_stall: 2, compact_success: 1, compact_fail: 1, pgmigrate_success: 256 });
    const tries = rec.events.filter((e) => e.event === 'mm_compaction_try_to_compact_pages');
    expect(tries.map((e) => [e.args[0], e.args[1], e.args[2]])).toEqual([[4, GFP_KERNEL, 2], [4, GFP_KERNEL, 1]]);
    expect(rec.events.filter((e) => e.event === 'mm_compaction_end').map((e) => [e.args[4], e.args[5]])).toEqual([[0, 6], [1, 8]]);
    // the page comes from the block compaction freed: the zone's first pageblock
    expect(r.ok && r.pfn).toBe(run.rs.buddy.z.start[0]);
    // success: compaction_defer_reset(zone, 4, false) in try_to_compact_pages, then (zone, 4, true) after the allocation
    expect(rec.events.filter((e) => e.event === 'mm_compaction_defer_reset')).toHaveLength(2);
    expect(run.rs.compaction.orderFailed[0]).toBe(5);
    run.checkInvariants();
  });

  it.each(['5.10', '6.1'] as const)('%s: a failed sync compaction defers the zone; the next request is DEFERRED (compact_considered / defer_shift)', (kernel) => {
    const run = fragmentedUnmovable(kernel);
    const c = run.rs.compaction;
    const rec = new TraceRecorder(new Set(['mm_compaction_deferred', 'mm_compaction_defer_compaction']));
    run.setTrace(rec);
    // Request 1: async (no deferral for async) then sync light: nothing can migrate, the scanners
    // meet → PARTIAL_SKIPPED → defer_compaction: considered 0, defer_shift 1, order_failed
    // min(0, 4) = 0 (zero-initialised), in both zones of the zonelist (DMA32, DMA).
    expect(run.alloc('GFP_KERNEL', 4).ok).toBe(false);
    expect(Array.from(c.deferShift)).toEqual([1, 1]);
    expect(Array.from(c.considered)).toEqual([0, 0]);
    expect(vm(run, 'compact_stall', 'compact_fail')).toEqual({ compact_stall: 2, compact_fail: 2 });
    // Request 2: async: compaction_deferred: ++considered = 1 < 1 << 1 → deferred (DEFERRED, still a
    // stall); sync light: ++considered = 2 ≥ 2 → runs, fails again → defer_shift 2
    expect(run.alloc('GFP_KERNEL', 4).ok).toBe(false);
    expect(rec.events.filter((e) => e.event === 'mm_compaction_deferred').map((e) => [e.args[2], e.args[4], e.args[5]])).toEqual([[4, 1, 2], [4, 1, 2]]);
    expect(Array.from(c.deferShift)).toEqual([2, 2]);
    expect(vm(run, 'compact_stall', 'compact_fail', 'compact_success')).toEqual({ compact_stall: 4, compact_fail: 4, compact_success: 0 });
    run.checkInvariants();
  });

  it('defer_compaction / compaction_deferred / compaction_defer_reset by hand', () => {
    const rs = boot('arm64', '6.1', 128).rs;
    const c = rs.compaction;
    // zero-initialised: order 4 ≥ order_failed 0, ++considered = 1 ≥ 1 << 0 → not deferred
    expect(compactionDeferred(rs, 0, 4)).toBe(false);
    expect(c.considered[0]).toBe(1);
    deferCompaction(rs, 0, 4);
    expect([c.considered[0], c.deferShift[0], c.orderFailed[0]]).toEqual([0, 1, 0]);
    expect(compactionDeferred(rs, 0, 4)).toBe(true); // 1 < 2
    expect(compactionDeferred(rs, 0, 4)).toBe(false); // 2 ≥ 2, clamped
    for (let k = 0; k < 8; k++) deferCompaction(rs, 0, 4);
    expect(c.deferShift[0]).toBe(6); // COMPACT_MAX_DEFER_SHIFT
    for (let k = 0; k < 63; k++) expect(compactionDeferred(rs, 0, 4)).toBe(true);
    expect(compactionRestarting(rs, 0, 4)).toBe(false);
    expect(compactionDeferred(rs, 0, 4)).toBe(false); // the 64th
    expect(compactionRestarting(rs, 0, 4)).toBe(true);
    compactionDeferReset(rs, 0, 4, true);
    expect([c.considered[0], c.deferShift[0], c.orderFailed[0]]).toEqual([0, 0, 5]);
    // orders below order_failed are never deferred and do not count
    deferCompaction(rs, 0, 6);
    expect(c.orderFailed[0]).toBe(5);
    expect(compactionDeferred(rs, 0, 4)).toBe(false);
    expect(c.considered[0]).toBe(0);
  });

  it('5.10 counts compact_stall when every zone was skipped; 6.1 does not (GFP_NOIO has no __GFP_IO: SKIPPED)', () => {
    for (const kernel of ['5.10', '6.1'] as const) {
      const run = fragmentedMovable(kernel);
      expect(run.alloc(GFP_NOIO, 4).ok).toBe(false);
      // two __alloc_pages_direct_compact calls (async, then sync light), each SKIPPED
      const expected = kernel === '5.10' ? { compact_stall: 2, compact_fail: 2, pgmigrate_success: 0 } : { compact_stall: 0, compact_fail: 0, pgmigrate_success: 0 };
      expect(vm(run, 'compact_stall', 'compact_fail', 'pgmigrate_success')).toEqual(expected);
    }
  });

  it('compaction_zonelist_suitable: a zone already at its watermark (SUCCESS) counts in 5.10, not in 6.1', () => {
    for (const kernel of ['5.10', '6.1'] as const) {
      const rs = boot('arm64', kernel, 256).rs;
      prepareAllocPages(rs, rs.ac, GFP_KERNEL, 4, rs.nodeIds[0]!);
      // fresh: an order-4 block is free above the min watermark → __compaction_suitable SUCCESS
      expect(compactionZonelistSuitable(rs, rs.ac, 4, 0)).toBe(kernel === '5.10');
    }
  });
});
