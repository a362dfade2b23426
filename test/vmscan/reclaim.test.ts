/**
 * What reclaim takes and in which order (mm/vmscan.c shrink_inactive_list, shrink_page_list,
 * page_check_references, isolate_lru_pages; mm/swap.c mark_page_accessed), on a 256 MiB arm64
 * machine (one zone) and a 1 GiB arm machine (DMA and HighMem).
 */
import { describe, expect, it } from 'vitest';
import { KIND_FILE, KIND_FILE_DIRTY, KIND_SLAB_RECLAIMABLE } from '../../src/sim/run/page-flags';
import { ScanControl } from '../../src/sim/vmscan/scan-control';
import { shrinkNode } from '../../src/sim/vmscan/shrink';
import { KERNELS, allocMany, allocatedAs, fillNowait, follow, record, start, vm, wmarks } from './helpers';

describe.each(KERNELS)('reclaim on %s', (kernel) => {
  it('takes clean page cache oldest first', () => {
    const run = start(kernel, { daemons: 'manual' });
    run.sysctl('vm.watermark_boost_factor', 0);
    const pages = follow(run, fillNowait(run, 'file'));
    run.daemons();
    // isolate_lru_pages takes from the tail of the inactive list, where the oldest pages are; a clean
    // unmapped page is freed (PAGEREF_RECLAIM): what is gone is exactly a prefix of the allocation order
    const gone = vm(run, 'pgsteal_kswapd');
    expect(gone).toBeGreaterThan(0);
    expect(pages.slice(0, gone).some((p) => allocatedAs(run, p, KIND_FILE))).toBe(false);
    expect(pages.slice(gone).every((p) => allocatedAs(run, p, KIND_FILE))).toBe(true);
    expect(vm(run, 'pgscan_kswapd')).toBe(gone);
    expect(vm(run, 'pgsteal_file')).toBe(gone);
    run.checkInvariants();
  });

  it('a page accessed twice is activated and survives; accessed once it is reclaimed like the rest', () => {
    const run = start(kernel, { daemons: 'manual' });
    run.sysctl('vm.watermark_boost_factor', 0);
    const a = follow(run, allocMany(run, 1000, 'file'));
    // mark_page_accessed: first access sets PG_referenced, the second activates (pgactivate)
    for (const p of a.slice(0, 100)) {
      run.access(p);
      run.access(p);
    }
    for (const p of a.slice(100, 200)) run.access(p);
    expect(vm(run, 'pgactivate')).toBe(100);
    expect(run.view().nodes[0]!.stats.nr_active_file).toBe(100);
    fillNowait(run, 'file');
    run.daemons();
    // the active list is not aged (inactive_is_low: inactive × 1 < active is false), and an unmapped
    // page's PG_referenced alone means PAGEREF_RECLAIM_CLEAN, which frees a clean page: the pages
    // accessed once go in allocation order with the rest, from a[100] on; the active ones stay
    const gone = vm(run, 'pgsteal_kswapd');
    expect(gone).toBeGreaterThan(100);
    expect(gone).toBeLessThan(900);
    expect(a.slice(0, 100).every((p) => allocatedAs(run, p, KIND_FILE))).toBe(true);
    expect(a.slice(100, 100 + gone).some((p) => allocatedAs(run, p, KIND_FILE))).toBe(false);
    expect(a.slice(100 + gone).every((p) => allocatedAs(run, p, KIND_FILE))).toBe(true);
    run.checkInvariants();
  });

  it('dirty page cache is written before it is reclaimed: activated with PG_reclaim, flushed, rotated when clean', () => {
    const run = start(kernel, { daemons: 'manual' });
    run.sysctl('vm.watermark_boost_factor', 0);
    const dirty = fillNowait(run, 'file-dirty');
    const tr = record(run, ['mm_vmscan_lru_shrink_inactive']);
    run.daemons();
    const rs = run.rs;
    // kswapd's first pass finds only unqueued dirty pages: each is activated with PG_reclaim
    // (nr_vmscan_immediate_reclaim) and, all isolated pages being unqueued dirty, the flusher is woken;
    // nothing is freed before its writeback completes, and every freed page was written first
    expect(tr.events[0]!.args[2]).toBe(0); // nr_reclaimed of the first shrink_inactive_list
    expect(rs.nodes[0]!.vmscanImmediate).toBeGreaterThan(0);
    const written = vm(run, 'pgpgout') / 4;
    expect(vm(run, 'pgsteal_kswapd')).toBeGreaterThan(0);
    expect(written).toBeGreaterThanOrEqual(vm(run, 'pgsteal_kswapd'));
    expect(vm(run, 'pgrotated')).toBeGreaterThan(0);
    expect(vm(run, 'pswpout')).toBe(0);
    // the flusher (WB_REASON_VMSCAN) wrote every dirty page: none is left dirty
    expect(run.view().nodes[0]!.stats.nr_dirty).toBe(0);
    expect(dirty.some((p) => allocatedAs(run, p, KIND_FILE_DIRTY))).toBe(false);
    const { high } = wmarks(run);
    expect(rs.buddy.z.free[0] - rs.buddy.z.freeCma[0]).toBeGreaterThan(high);
    expect(run.view().nodes[0]!.stats.nr_vmscan_write).toBe(vm(run, 'nr_vmscan_write'));
    run.checkInvariants();
    // the next step completes the writeback still in flight
    run.daemons();
    expect(run.view().nodes[0]!.stats.nr_writeback).toBe(0);
    run.checkInvariants();
  });

  it('pinned pages are scanned but never freed', () => {
    const run = start(kernel, { daemons: 'manual' });
    run.sysctl('vm.watermark_boost_factor', 0);
    const pinned: number[] = [];
    for (;;) {
      const r = run.alloc('GFP_NOWAIT|__GFP_MOVABLE', 0, { kind: 'file', pin: true });
      if (!r.ok) break;
      pinned.push(r.pfn);
    }
    run.daemons();
    // the extra reference of a FOLL_LONGTERM pin makes __remove_mapping fail: keep_locked, every run
    // reclaims nothing, and after MAX_RECLAIM_RETRIES runs the node is left to direct reclaim
    expect(vm(run, 'pgscan_kswapd')).toBeGreaterThan(0);
    expect(vm(run, 'pgsteal_kswapd')).toBe(0);
    expect(run.rs.nodes[0]!.kswapdFailures).toBe(16);
    expect(pinned.every((p) => allocatedAs(run, p, KIND_FILE))).toBe(true);
    run.checkInvariants();
  });

  it('reclaimable slab is freed by the shrinker, oldest first, and counts as reclaimed but not as pgsteal', () => {
    const run = start(kernel, { daemons: 'manual' });
    run.sysctl('vm.watermark_boost_factor', 0);
    const slab: number[] = [];
    for (;;) {
      const r = run.alloc('GFP_NOWAIT|__GFP_RECLAIMABLE', 0, { kind: 'slab-reclaimable' });
      if (!r.ok) break;
      slab.push(r.pfn);
    }
    run.daemons();
    // shrink_node → shrink_slab: do_shrink_slab scans (freeable >> priority) × 4 / seeks objects in
    // batches of 128, the freed slab pages go to reclaim_state->reclaimed_slab, so balance_pgdat sees
    // progress (no kswapd failure); pgsteal_* count LRU pages only
    expect(vm(run, 'slabs_scanned')).toBeGreaterThan(0);
    expect(vm(run, 'slabs_scanned') % 128).toBe(0);
    expect(vm(run, 'pgsteal_kswapd')).toBe(0);
    expect(run.rs.nodes[0]!.kswapdFailures).toBe(0);
    const { high } = wmarks(run);
    expect(run.rs.buddy.z.free[0] - run.rs.buddy.z.freeCma[0]).toBeGreaterThan(high);
    const gone = slab.findIndex((p) => allocatedAs(run, p, KIND_SLAB_RECLAIMABLE));
    expect(gone).toBeGreaterThan(0);
    expect(slab.slice(gone).every((p) => allocatedAs(run, p, KIND_SLAB_RECLAIMABLE))).toBe(true);
    run.checkInvariants();
  });

  it('direct reclaim for lowmem skips HighMem pages (pgskip_high) and counts them as scanned', () => {
    const run = start(kernel, { daemons: 'manual' }, 'arm', 1024);
    const rs = run.rs;
    run.sysctl('vm.watermark_boost_factor', 0);
    expect(rs.names).toEqual(['DMA', 'Normal', 'HighMem', 'Movable']);
    // movable highmem requests fill HighMem down to its low watermark, then DMA down to low plus its
    // lowmem_reserve for HighMem requests, then (slow path, min watermark) HighMem down to min;
    // lowmem requests then fill DMA down to its min watermark. The oldest file pages are HighMem.
    const pages: number[] = [];
    for (const gfp of ['GFP_NOWAIT|__GFP_MOVABLE|__GFP_HIGHMEM', 'GFP_NOWAIT|__GFP_MOVABLE']) {
      for (;;) {
        const r = run.alloc(gfp, 0, { kind: 'file' });
        if (!r.ok) break;
        pages.push(r.pfn);
      }
    }
    const isHigh = (p: number) => rs.names[rs.zoneIdx[rs.buddy.zoneIndexOf(p)]] === 'HighMem';
    const high = pages.filter(isHigh);
    const oldestHigh = pages.findIndex((p) => !isHigh(p)); // the HighMem pages older than every DMA page
    expect(oldestHigh).toBeGreaterThan(0);
    expect(run.alloc('GFP_KERNEL', 0).ok).toBe(true);
    // GFP_KERNEL: reclaim_idx = gfp_zone = ZONE_NORMAL (1). The first isolate_lru_pages walks every
    // HighMem page older than the oldest DMA page (skipped: spliced to the head, pgskip_high) before
    // it takes DMA pages; the scan count includes the skipped pages. Nothing is taken from HighMem.
    expect(vm(run, 'allocstall_normal')).toBeGreaterThanOrEqual(1);
    expect(vm(run, 'pgskip_high')).toBe(oldestHigh);
    expect(vm(run, 'pgscan_direct')).toBe(oldestHigh + vm(run, 'pgsteal_direct'));
    expect(vm(run, 'pgsteal_direct')).toBeGreaterThanOrEqual(32);
    expect(high.every((p) => allocatedAs(run, p, KIND_FILE))).toBe(true);
    run.checkInvariants();
  });
});

describe('shrink_lruvec once nr_to_reclaim is met', () => {
  // 20000 shmem pages (inactive anon; swap on), 4000 clean inactive and 20000 active page cache.
  // shrink_node for kswapd at priority 2 with nr_to_reclaim 100: the file lists are unbalanced
  // (inactive_is_low) so no cache_trim_mode, and get_scan_count is SCAN_FRACT with no reclaim cost
  // yet: ap = 60, fp = 140 → targets inactive_anon 5000 × 60 / 200 = 1500, inactive_file
  // 1000 × 140 / 200 = 700, active_file 5000 × 140 / 200 = 3500. Two rounds of 32 per list reclaim
  // 128 ≥ 100: anon has less left (1436 < 4072), so anon stops; percentage = 1436 × 100 / 1501 = 95,
  // so the file targets shrink to 5 %: inactive 35 − 64 scanned → 0, active 175 − 64 → 111.
  // 5.10.89 (scan_adjusted) scans those 111 to the end: 64 + 111 = 175 deactivated; 6.1 cuts again
  // after one more round of 32 and stops: 96 deactivated.
  it.each([['5.10', 175], ['6.1', 96]] as const)('%s deactivates %d active file pages', (kernel, deactivated) => {
    const run = start(kernel, { daemons: 'manual', swap: true });
    allocMany(run, 20000, 'shmem');
    const active = allocMany(run, 20000, 'file');
    for (const p of active) {
      run.access(p);
      run.access(p);
    }
    allocMany(run, 4000, 'file');
    const base = { deact: vm(run, 'pgdeactivate'), act: vm(run, 'pgactivate') };
    expect(base.act).toBe(20000);
    const sc = new ScanControl();
    sc.kswapd = true;
    sc.priority = 2;
    sc.nrToReclaim = 100;
    sc.reclaimIdx = 3;
    shrinkNode(run.rs, 0, sc);
    expect(vm(run, 'pgscan_anon')).toBe(64);
    expect(vm(run, 'pgscan_file')).toBe(64);
    expect(sc.nrReclaimed).toBe(128);
    expect(vm(run, 'pswpout')).toBe(64);
    expect(vm(run, 'pgdeactivate') - base.deact).toBe(deactivated);
    expect(vm(run, 'pgrefill')).toBe(deactivated);
    run.checkInvariants();
  });
});
