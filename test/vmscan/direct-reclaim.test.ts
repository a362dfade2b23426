/**
 * Direct reclaim (mm/vmscan.c try_to_free_pages → do_try_to_free_pages → shrink_zones →
 * shrink_node → shrink_lruvec) when kswapd does not get to run (daemons 'manual'), on a 256 MiB
 * arm64 machine without swap.
 */
import { describe, expect, it } from 'vitest';
import { KIND_FILE } from '../../src/sim/run/page-flags';
import { KERNELS, allocatedAs, fillNowait, record, start, vm, wmarks } from './helpers';

const NORMAL_IDX = 2; // gfp_zone(GFP_KERNEL) in ['DMA', 'DMA32', 'Normal', 'Movable']

describe.each(KERNELS)('direct reclaim on %s', (kernel) => {
  it('a GFP_KERNEL request below min with kswapd not keeping up: allocstall_normal, ≥ SWAP_CLUSTER_MAX reclaimed, the request served', () => {
    const run = start(kernel, { daemons: 'manual' });
    run.sysctl('vm.watermark_boost_factor', 0);
    const rs = run.rs;
    // page cache, then unmovable kernel memory (no CMA) until GFP_NOWAIT fails at the min watermark:
    // the next GFP_KERNEL request fails min too, and kswapd has been woken but does not run
    const pages = fillNowait(run, 'file', 30000);
    while (run.alloc('GFP_NOWAIT', 0).ok);
    expect(rs.nodes[0]!.kswapdAwake).toBe(true);
    const fileLru = run.view().nodes[0]!.stats.nr_inactive_file!;
    expect(fileLru).toBe(pages.length);
    const tr = record(run, ['mm_vmscan_direct_reclaim_begin', 'mm_vmscan_direct_reclaim_end']);
    const r = run.alloc('GFP_KERNEL', 0);
    expect(r.ok).toBe(true);
    // try_to_free_pages: nr_to_reclaim = SWAP_CLUSTER_MAX (32), priority 12 down; no swap → SCAN_FILE,
    // each pass scans inactive_file >> priority pages from the tail, all clean, all freed.
    // At DEF_PRIORITY direct reclaim scans its whole target (proportional_reclaim); below it
    // shrink_lruvec stops after the 32-page round that reaches 32. do_try_to_free_pages stops once
    // sc->nr_reclaimed ≥ 32.
    let file = fileLru;
    let want = 0;
    for (let prio = 12; want < 32; prio--) {
      const target = Math.floor(file / 2 ** prio);
      const got = prio === 12 ? target : Math.min(target, 32);
      want += got;
      file -= got;
    }
    expect(want).toBeGreaterThanOrEqual(32);
    expect(tr.events.map((e) => e.event)).toEqual(['mm_vmscan_direct_reclaim_begin', 'mm_vmscan_direct_reclaim_end']);
    expect(tr.events[0]!.args.slice(0, 2)).toEqual([0, 0xcc0]); // order 0, GFP_KERNEL
    expect(tr.events[1]!.args[0]).toBe(want);
    // do_try_to_free_pages counts allocstall on the zone index of gfp_zone(gfp)
    expect(vm(run, 'allocstall_normal')).toBe(1);
    expect(vm(run, 'allocstall_dma') + vm(run, 'allocstall_movable')).toBe(0);
    expect(vm(run, 'pgsteal_direct')).toBe(want);
    expect(vm(run, 'pgscan_direct')).toBe(want);
    expect(vm(run, 'pgsteal_kswapd')).toBe(0);
    expect(pages.slice(0, want).some((p) => allocatedAs(run, p, KIND_FILE))).toBe(false);
    expect(pages.slice(want).every((p) => allocatedAs(run, p, KIND_FILE))).toBe(true);
    // a successful direct reclaim resets kswapd_failures (shrink_node)
    expect(rs.nodes[0]!.kswapdFailures).toBe(0);
    run.checkInvariants();
    // the request was woken kswapd's too: it balances when it gets to run
    run.daemons();
    expect(rs.buddy.z.free[0] - rs.buddy.z.freeCma[0]).toBeGreaterThan(wmarks(run).high);
    run.checkInvariants();
  });

  it('a request that cannot reclaim directly (GFP_NOWAIT) only wakes kswapd', () => {
    const run = start(kernel, { daemons: 'manual' });
    run.sysctl('vm.watermark_boost_factor', 0);
    fillNowait(run, 'file');
    expect(run.alloc('GFP_NOWAIT', 0).ok).toBe(false);
    expect(vm(run, 'allocstall_normal')).toBe(0);
    expect(vm(run, 'pgscan_direct')).toBe(0);
    run.checkInvariants();
  });

  it('with nothing reclaimable direct reclaim returns 0 every time and the request fails', () => {
    const run = start(kernel, { daemons: 'manual' });
    run.sysctl('vm.watermark_boost_factor', 0);
    fillNowait(run, 'anon');
    const tr = record(run, ['mm_vmscan_direct_reclaim_end']);
    expect(run.alloc('GFP_KERNEL', 0).ok).toBe(false);
    // should_reclaim_retry gives up (no zone would pass min with its reclaimable pages, none without
    // swap), the OOM killer is not the reclaim model's: each try_to_free_pages reclaimed 0
    expect(tr.events.length).toBeGreaterThan(0);
    expect(tr.events.every((e) => e.args[0] === 0)).toBe(true);
    expect(vm(run, 'allocstall_normal')).toBe(tr.events.length);
    run.checkInvariants();
  });
});

it('direct reclaim gives its pages to the requesting CPU\'s per-cpu list (free_unref_page_list)', () => {
  const run = start('6.1', { daemons: 'manual' });
  run.sysctl('vm.watermark_boost_factor', 0);
  fillNowait(run, 'file');
  run.drain();
  const tr = record(run, ['mm_page_free', 'mm_page_free_batched']);
  expect(run.alloc('GFP_KERNEL', 0).ok).toBe(true);
  // pass 1 fires mm_page_free for every page of the batch, pass 2 mm_page_free_batched for each,
  // in the same (reversed) order
  const frees = tr.events.filter((e) => e.event === 'mm_page_free').map((e) => e.args[0]);
  const batched = tr.events.filter((e) => e.event === 'mm_page_free_batched').map((e) => e.args[0]);
  expect(frees.length).toBe(vm(run, 'pgsteal_direct'));
  expect(batched).toEqual(frees);
  const firstBatched = tr.events.findIndex((e) => e.event === 'mm_page_free_batched');
  expect(tr.events.slice(0, firstBatched).every((e) => e.event === 'mm_page_free')).toBe(true);
  run.checkInvariants();
});

it('allocstall is counted on the request\'s zone: a GFP_HIGHUSER_MOVABLE request counts allocstall_movable', () => {
  const run = start('5.10', { daemons: 'manual' });
  run.sysctl('vm.watermark_boost_factor', 0);
  fillNowait(run, 'file');
  expect(run.alloc('GFP_HIGHUSER_MOVABLE', 0, { kind: 'anon' }).ok).toBe(true);
  expect(vm(run, 'allocstall_movable')).toBe(1);
  expect(vm(run, 'allocstall_normal')).toBe(0);
  expect(NORMAL_IDX).toBe(run.rs.names.indexOf('Normal'));
  run.checkInvariants();
});
