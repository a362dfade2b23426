/**
 * kswapd (mm/vmscan.c wakeup_kswapd, kswapd, kswapd_try_to_sleep, balance_pgdat) on a 256 MiB
 * arm64 machine: one populated zone (DMA, zone index 0), one CPU, 64 MiB of CMA, no lowmem_reserve
 * against higher zones (they are empty).
 */
import { describe, expect, it } from 'vitest';
import { KIND_FILE, KIND_FILE_DIRTY } from '../../src/sim/run/page-flags';
import { pgdatBalanced } from '../../src/sim/vmscan/kswapd-wake';
import { MAX_RECLAIM_RETRIES } from '../../src/sim/vmscan/kswapd-wake';
import { bootMachine } from '../../src/sim/boot/boot';
import { boostWatermark } from '../../src/sim/page_alloc/fallback';
import { ZONE_BOOSTED_WATERMARK } from '../../src/sim/run/run-state';
import type { RunningMachine } from '../../src/sim/run/running-machine';
import { pcpPages } from '../../src/sim/page_alloc/pcp';
import { KERNELS, allocMany, allocatedAs, fillNowait, follow, record, start, vm, wmarks } from './helpers';

/**
 * The state a fallback steal below pageblock_order leaves (steal_suitable_fallback: boost_watermark,
 * ZONE_BOOSTED_WATERMARK with ALLOC_KSWAPD), then the next allocation from the zone, whose rmqueue
 * wakes kswapd (wakeup_kswapd(zone, 0, 0, zone_idx)).
 */
function fallbackSteal(run: RunningMachine): void {
  expect(boostWatermark(run.rs, 0)).toBe(true);
  run.rs.zoneFlags[0] |= ZONE_BOOSTED_WATERMARK;
  expect(run.alloc('GFP_KERNEL', 0).ok).toBe(true);
}

const MOVABLE_IDX = 3; // gfp_zone(GFP_HIGHUSER_MOVABLE) = ZONE_MOVABLE in ['DMA', 'DMA32', 'Normal', 'Movable']

describe.each(KERNELS)('kswapd on %s', (kernel) => {
  it('is woken by the first allocation that finds the zone at or below its low watermark, balances above high, naps, then sleeps', () => {
    const run = start(kernel, { daemons: 'manual' });
    const rs = run.rs;
    run.sysctl('vm.watermark_boost_factor', 0); // no fallback boosts: only the watermark wakes kswapd
    const tr = record(run, ['mm_vmscan_wakeup_kswapd', 'mm_vmscan_kswapd_wake', 'mm_vmscan_kswapd_sleep']);
    const { low, high } = wmarks(run);
    // get_page_from_freelist's first try is at the low watermark: zone_watermark_fast passes for
    // order 0 while free − unusable > low (GFP_HIGHUSER_MOVABLE has ALLOC_CMA, so no pages are
    // unusable here). The first request that fails it enters the slow path, whose
    // wake_all_kswapds → wakeup_kswapd finds the node unbalanced (free ≤ low < high) and wakes it.
    let woken = -1;
    for (let k = 0; woken < 0; k++) {
      const before = rs.buddy.z.free[0];
      const r = run.alloc('GFP_HIGHUSER_MOVABLE', 0, { kind: 'file' });
      expect(r.ok).toBe(true);
      if (tr.events.length) {
        expect(before).toBeLessThanOrEqual(low);
        woken = k;
      } else expect(before).toBeGreaterThan(low);
    }
    expect(tr.events.map((e) => e.event)).toEqual(['mm_vmscan_wakeup_kswapd']);
    // mm_vmscan_wakeup_kswapd(nid 0, zid = highest_zoneidx of the request, order 0, gfp_flags)
    expect(tr.events[0]!.args.slice(0, 3)).toEqual([0, MOVABLE_IDX, 0]);
    expect(rs.nodes[0]!.kswapdAwake).toBe(true);
    run.checkInvariants();

    run.daemons();
    // kswapd: mm_vmscan_kswapd_wake(nid, highest_zoneidx, order), then balance_pgdat until
    // pgdat_balanced: zone_watermark_ok_safe(high) with alloc_flags 0, so free CMA pages do not count
    expect(tr.events.map((e) => e.event)).toEqual(['mm_vmscan_wakeup_kswapd', 'mm_vmscan_kswapd_wake']);
    expect(tr.events[1]!.args.slice(0, 3)).toEqual([0, MOVABLE_IDX, 0]);
    expect(rs.buddy.z.free[0] - rs.buddy.z.freeCma[0]).toBeGreaterThan(high);
    expect(vm(run, 'pageoutrun')).toBe(1);
    expect(vm(run, 'pgsteal_kswapd')).toBeGreaterThan(0);
    // the HZ/10 nap of kswapd_try_to_sleep: asleep for wakeup_kswapd, the pressure vmstat threshold
    // still set: max(1, (low − min) / num_online_cpus), at most 125
    expect(rs.nodes[0]!.kswapdAwake).toBe(false);
    expect(rs.nodes[0]!.kswapdNap).toBe(true);
    const w = wmarks(run);
    expect(run.view().nodes[0]!.zones[0]!.statThreshold).toBe(Math.min(125, Math.max(1, w.low - w.min)));
    run.checkInvariants();

    // the nap runs to its end with the node still balanced: mm_vmscan_kswapd_sleep and the full sleep
    run.daemons();
    expect(tr.events.map((e) => e.event)).toEqual(['mm_vmscan_wakeup_kswapd', 'mm_vmscan_kswapd_wake', 'mm_vmscan_kswapd_sleep']);
    expect(rs.nodes[0]!.kswapdNap).toBe(false);
    expect(run.view().nodes[0]!.zones[0]!.statThreshold).toBe(run.rs.machine.view().nodes[0]!.zones[0]!.statThreshold);
    expect(vm(run, 'kswapd_low_wmark_hit_quickly') + vm(run, 'kswapd_high_wmark_hit_quickly')).toBe(0);
    run.checkInvariants();
  });

  it('a wakeup during the nap cuts it short: kswapd_low_wmark_hit_quickly, and it runs again without sleeping', () => {
    const run = start(kernel, { daemons: 'manual' });
    const rs = run.rs;
    run.sysctl('vm.watermark_boost_factor', 0);
    const tr = record(run, ['mm_vmscan_wakeup_kswapd', 'mm_vmscan_kswapd_wake', 'mm_vmscan_kswapd_sleep']);
    const { low } = wmarks(run);
    allocMany(run, rs.buddy.z.free[0] - low + 1, 'file');
    run.daemons(); // balanced, napping
    expect(rs.nodes[0]!.kswapdNap).toBe(true);
    // allocations down to the low watermark again wake it during the nap (manual daemons: no step between)
    for (let k = 0; tr.events.length < 3; k++) {
      expect(k).toBeLessThan(5000);
      expect(run.alloc('GFP_HIGHUSER_MOVABLE', 0, { kind: 'file' }).ok).toBe(true);
    }
    expect(tr.events.map((e) => e.event)).toEqual(['mm_vmscan_wakeup_kswapd', 'mm_vmscan_kswapd_wake', 'mm_vmscan_wakeup_kswapd']);
    run.daemons();
    // kswapd_try_to_sleep: remaining > 0 → kswapd_low_wmark_hit_quickly; no mm_vmscan_kswapd_sleep
    expect(vm(run, 'kswapd_low_wmark_hit_quickly')).toBe(1);
    expect(vm(run, 'kswapd_high_wmark_hit_quickly')).toBe(0);
    expect(vm(run, 'pageoutrun')).toBe(2);
    expect(tr.events.map((e) => e.event)).toEqual(['mm_vmscan_wakeup_kswapd', 'mm_vmscan_kswapd_wake', 'mm_vmscan_wakeup_kswapd', 'mm_vmscan_kswapd_wake']);
    run.checkInvariants();
  });

  it('reclaims a watermark boost without writeback or swap, then clears the boost and asks kcompactd for pageblock_order', () => {
    const run = start(kernel, { daemons: 'manual', swap: true });
    const rs = run.rs;
    // oldest first: clean page cache, then dirty page cache and anon pages; memory stays plentiful
    const clean = allocMany(run, 20000, 'file');
    const dirty = allocMany(run, 2000, 'file-dirty');
    allocMany(run, 2000, 'anon');
    // what a fallback steal below pageblock_order does: boost_watermark raises watermark_boost by
    // pageblock_nr_pages (capped at 1.5 × high, at least a pageblock) and sets
    // ZONE_BOOSTED_WATERMARK; the next rmqueue from the zone wakes kswapd for it with gfp 0
    const tr = record(run, ['mm_vmscan_wakeup_kswapd']);
    fallbackSteal(run);
    const boost = rs.boost[0];
    expect(boost).toBe(512);
    expect(tr.events.map((e) => e.args.slice(0, 4))).toEqual([[0, 0, 0, 0]]);
    const { high } = wmarks(run);
    expect(rs.buddy.z.free[0] - rs.buddy.z.freeCma[0]).toBeGreaterThan(high); // balanced even with the boost
    const kc = record(run, ['mm_compaction_kcompactd_wake']);
    run.daemons();
    // balance_pgdat with nr_boost_reclaim = 512: boosted passes have may_writepage = may_swap = 0,
    // so get_scan_count scans the file LRU only; each pass at priority p scans inactive_file >> p
    // clean pages from the tail and frees them all; the priority stops rising at DEF_PRIORITY − 2.
    // Once nr_boost_reclaim is used up the node is balanced: out, and the boost is subtracted.
    let file = clean.length + dirty.length;
    let want = 0;
    for (let prio = 12; want < boost; ) {
      const n = Math.floor(file / 2 ** prio);
      want += n;
      file -= n;
      if (prio > 10) prio--;
    }
    expect(vm(run, 'pgsteal_kswapd')).toBe(want);
    expect(rs.boost[0]).toBe(0);
    expect(vm(run, 'pswpout') + vm(run, 'nr_vmscan_write') + vm(run, 'pgscan_anon')).toBe(0);
    expect(rs.nodes[0]!.writeback).toBe(0);
    expect(dirty.every((p) => allocatedAs(run, p, KIND_FILE_DIRTY))).toBe(true);
    // oldest first: the first `want` clean pages are gone, the rest are there
    expect(clean.slice(0, want).some((p) => allocatedAs(run, p, KIND_FILE))).toBe(false);
    expect(clean.slice(want).every((p) => allocatedAs(run, p, KIND_FILE))).toBe(true);
    expect(rs.nodes[0]!.kswapdFailures).toBe(0);
    // wakeup_kcompactd(pgdat, pageblock_order, highest_zoneidx) at the end of a boosted run; kcompactd,
    // which runs after kswapd in the same daemons step, does that work (its wait times out: the
    // zone is not worth waking it for) and clears the request
    expect(kc.events.map((e) => e.args[1])).toEqual([rs.buddy.pageblockOrder]);
    expect(rs.nodes[0]!.kcompactdOrder).toBe(0);
    run.checkInvariants();
  });

  it('boosted runs that reclaim nothing each count a kswapd failure: after 16, node_unreclaimable and no more wakeups', () => {
    // what rt-a64-1g-highorder shows on a real 6.1 kernel: 16 pageoutrun, pgsteal 0, node_unreclaimable 1
    const run = start(kernel); // daemons after every operation
    const rs = run.rs;
    allocMany(run, 10000, 'anon'); // no swap: nothing is reclaimable
    const tr = record(run, ['mm_vmscan_wakeup_kswapd']);
    for (let k = 0; k < MAX_RECLAIM_RETRIES; k++) {
      fallbackSteal(run);
      expect(vm(run, 'pageoutrun')).toBe(k + 1);
      expect(rs.boost[0]).toBe(0);
    }
    // each run: balanced (plenty free) but boosted; the first pass reclaims nothing, so
    // "if (nr_boost_reclaim && !nr_reclaimed) break", kswapd_failures++, the boost is cleared
    expect(rs.nodes[0]!.kswapdFailures).toBe(MAX_RECLAIM_RETRIES);
    expect(vm(run, 'pgsteal_kswapd')).toBe(0);
    expect(tr.events.length).toBe(MAX_RECLAIM_RETRIES);
    expect(run.render('zoneinfo')).toMatch(/node_unreclaimable:\s+1/);
    // wakeup_kswapd now returns before waking (kswapd_failures ≥ MAX_RECLAIM_RETRIES), boost or not
    fallbackSteal(run);
    expect(rs.boost[0]).toBe(512);
    expect(tr.events.length).toBe(MAX_RECLAIM_RETRIES);
    expect(vm(run, 'pageoutrun')).toBe(MAX_RECLAIM_RETRIES);
    run.checkInvariants();
  });

  it('pgdat_balanced does not count free CMA pages: a zone whose free pages are CMA looks unbalanced', () => {
    const run = start(kernel, { daemons: 'manual' });
    const rs = run.rs;
    run.sysctl('vm.watermark_boost_factor', 0); // unmovable requests steal pageblocks: no boosts here
    const cma = rs.buddy.z.freeCma[0];
    expect(cma).toBe(16384); // the arm64 default 64 MiB CMA area
    allocMany(run, 20000, 'file');
    const { low, high } = wmarks(run);
    // unmovable requests cannot use CMA: their watermark check counts free − free CMA; the one that
    // fails the low watermark wakes kswapd, while the zone's free pages (CMA included) are far above high
    const tr = record(run, ['mm_vmscan_wakeup_kswapd']);
    let freeAtWake = -1;
    for (let k = 0; !tr.events.length; k++) {
      expect(k).toBeLessThan(60000);
      freeAtWake = rs.buddy.z.free[0];
      expect(run.alloc('GFP_KERNEL', 0).ok).toBe(true);
    }
    expect(freeAtWake - rs.buddy.z.freeCma[0]).toBeLessThanOrEqual(low);
    expect(freeAtWake).toBeGreaterThan(high + cma / 2);
    expect(pgdatBalanced(rs, 0, 0, 2)).toBe(false);
    run.daemons();
    // balanced means free − free CMA > high (zone_watermark_ok_safe without ALLOC_CMA)
    expect(rs.buddy.z.free[0] - rs.buddy.z.freeCma[0]).toBeGreaterThan(high);
    expect(pgdatBalanced(rs, 0, 0, 2)).toBe(true);
    run.checkInvariants();
  });

  it('swapless anon and shmem are never reclaimed: 16 failed runs, then node_unreclaimable and sleep', () => {
    // as rt-a64-2g-hugetlb-cma shows on a real 6.1 kernel (tmpfs without swap): pageoutrun 16,
    // kswapd_high_wmark_hit_quickly 15, pgscan/pgsteal 0, node_unreclaimable 1
    const run = start(kernel, { daemons: 'manual' });
    const rs = run.rs;
    const pages = [...fillNowait(run, 'anon', 20000), ...fillNowait(run, 'shmem')];
    expect(rs.nodes[0]!.kswapdAwake).toBe(true);
    run.daemons();
    // get_scan_count: no swap → SCAN_FILE, and there is no file LRU: every balance_pgdat reclaims 0,
    // kswapd_failures++; prepare_kswapd_sleep fails (not balanced) until failures reach 16, each time
    // counting kswapd_high_wmark_hit_quickly; the 16th holds (hopeless node) and kswapd naps
    expect(vm(run, 'pageoutrun')).toBe(16);
    expect(vm(run, 'kswapd_high_wmark_hit_quickly')).toBe(15);
    expect(vm(run, 'pgscan_kswapd') + vm(run, 'pgsteal_kswapd') + vm(run, 'pgscan_anon')).toBe(0);
    expect(rs.nodes[0]!.kswapdFailures).toBe(16);
    expect(run.view().nodes[0]!.zones[0]!.nodeUnreclaimable).toBe(1);
    expect(run.render('zoneinfo')).toMatch(/node_unreclaimable:\s+1/);
    const tr = record(run, ['mm_vmscan_kswapd_sleep', 'mm_vmscan_wakeup_kswapd']);
    run.daemons();
    expect(tr.events.map((e) => e.event)).toEqual(['mm_vmscan_kswapd_sleep']);
    expect(pages.every((p) => run.rs.buddy.tag[p - rs.buddy.basePfn] & 0x40)).toBe(true);
    run.checkInvariants();
  });

  it('with swap the same anon and shmem are swapped out and the node balances', () => {
    const run = start(kernel, { daemons: 'manual', swap: true });
    const rs = run.rs;
    fillNowait(run, 'anon', 20000);
    fillNowait(run, 'shmem');
    run.daemons();
    const { high } = wmarks(run);
    // kswapd left the node balanced (it naps); kcompactd, which ran after it in the same step,
    // migrated pages and left the sources it freed on its CPU's per-cpu lists, which NR_FREE_PAGES
    // does not count
    expect(rs.nodes[0]!.kswapdNap).toBe(true);
    expect(rs.buddy.z.free[0] - rs.buddy.z.freeCma[0] + pcpPages(rs, 0)).toBeGreaterThan(high);
    expect(rs.nodes[0]!.kswapdFailures).toBe(0);
    // every reclaimed swap-backed page was written to swap: pswpout = pgsteal_anon = nr_vmscan_write,
    // and pgpgout counts the KiB written
    expect(vm(run, 'pswpout')).toBeGreaterThan(0);
    expect(vm(run, 'pswpout')).toBe(vm(run, 'pgsteal_anon'));
    expect(vm(run, 'nr_vmscan_write')).toBe(vm(run, 'pswpout'));
    expect(vm(run, 'pgpgout')).toBe(4 * vm(run, 'pswpout'));
    run.checkInvariants();
  });

  it('a freshly faulted anon page gets a second trip: kept once (young PTE), swapped the next time', () => {
    const run = start(kernel, { daemons: 'manual', swap: true });
    const anon = follow(run, fillNowait(run, 'anon'));
    run.daemons();
    // page_check_references: the young PTE the fault left → PG_referenced set, PAGEREF_KEEP (back to
    // the inactive head); next time no young PTE → PAGEREF_RECLAIM. So every reclaimed page was
    // isolated twice, and pages go oldest first.
    expect(vm(run, 'pgsteal_anon')).toBeGreaterThan(0);
    expect(vm(run, 'pgscan_anon')).toBeGreaterThanOrEqual(2 * vm(run, 'pgsteal_anon'));
    const gone = anon.filter((p) => !(run.rs.buddy.tag[p - run.rs.buddy.basePfn] & 0x40)).length;
    expect(gone).toBe(vm(run, 'pgsteal_anon'));
    expect(anon.slice(0, gone).every((p) => !(run.rs.buddy.tag[p - run.rs.buddy.basePfn] & 0x40))).toBe(true);
    run.checkInvariants();
  });
});

describe('kswapd per node', () => {
  it('only the short node\'s kswapd runs, and its frees go to that node\'s first CPU', () => {
    // two nodes of 256 MiB, CPUs 0-1 on node 0 and 2-3 on node 1; kswapd1 is bound to node 1's CPUs
    const run = bootMachine({ arch: 'arm64', kernel: '6.1', topology: { arch: 'arm64', kernel: '6.1', ramMiB: 512, nodes: 2, cpus: 4 } }).start({ daemons: 'manual' });
    const rs = run.rs;
    expect(rs.nodeIds).toEqual([0, 1]);
    run.sysctl('vm.watermark_boost_factor', 0);
    const tr = record(run, ['mm_vmscan_wakeup_kswapd', 'mm_vmscan_kswapd_wake']);
    for (;;) {
      const r = run.alloc('GFP_NOWAIT|__GFP_MOVABLE|__GFP_THISNODE', 0, { kind: 'file', node: 1, cpu: 2 });
      if (!r.ok) break;
    }
    // wake_all_kswapds wakes the first eligible zone's node for each node of the zonelist; with
    // __GFP_THISNODE the zonelist is node 1's alone
    expect(rs.nodes[0]!.kswapdAwake).toBe(false);
    expect(rs.nodes[1]!.kswapdAwake).toBe(true);
    run.drain();
    run.daemons();
    expect(tr.events.filter((e) => e.event === 'mm_vmscan_kswapd_wake').map((e) => e.args[0])).toEqual([1]);
    expect(vm(run, 'pgsteal_kswapd')).toBeGreaterThan(0);
    const zi1 = rs.nodeZone[1 * rs.nz + 0];
    expect(rs.pcp.count[zi1 * rs.cpus + 2]).toBeGreaterThan(0);
    expect(rs.pcp.count[zi1 * rs.cpus + 0] + rs.pcp.count[zi1 * rs.cpus + 1] + rs.pcp.count[zi1 * rs.cpus + 3]).toBe(0);
    expect(rs.nodes[0]!.kswapdNap || rs.nodes[0]!.kswapdAwake).toBe(false);
    run.checkInvariants();
  });
});
