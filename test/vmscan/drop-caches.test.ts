/**
 * vm.drop_caches (fs/drop_caches.c, mm/truncate.c invalidate_mapping_pages, mm/vmscan.c drop_slab)
 * and vm.swappiness (get_scan_count), on a 256 MiB arm64 machine.
 */
import { describe, expect, it } from 'vitest';
import { MmError } from '../../src/sim/errors';
import { KIND_FILE, KIND_FILE_DIRTY, KIND_SLAB_RECLAIMABLE, KIND_ANON, KIND_SHMEM } from '../../src/sim/run/page-flags';
import { ScanControl } from '../../src/sim/vmscan/scan-control';
import { getScanCount } from '../../src/sim/vmscan/shrink';
import { KERNELS, allocMany, allocatedAs, record, start, vm } from './helpers';

function slabPages(run: ReturnType<typeof start>, n: number): number[] {
  return allocMany(run, n, 'slab-reclaimable', 'GFP_KERNEL|__GFP_RECLAIMABLE');
}

describe.each(KERNELS)('drop_caches on %s', (kernel) => {
  it('1 frees the clean page cache, not dirty or pinned pages, not slab, anon or shmem', () => {
    const run = start(kernel, { daemons: 'manual' });
    const clean = allocMany(run, 3000, 'file');
    const dirty = allocMany(run, 1000, 'file-dirty');
    const pinned = allocMany(run, 100, 'file', 'GFP_HIGHUSER_MOVABLE', { pin: true });
    const slab = slabPages(run, 300);
    const anon = allocMany(run, 500, 'anon');
    const shmem = allocMany(run, 500, 'shmem');
    const before = run.rs.buddy.z.free[0];
    const tr = record(run, ['mm_page_free', 'mm_page_free_batched']);
    run.run([{ op: 'drop_caches', value: 1 }]);
    // invalidate_mapping_pages drops pages that are clean, not under writeback, unmapped and without
    // extra references; release_pages frees them through free_unref_page_list
    expect(clean.some((p) => allocatedAs(run, p, KIND_FILE))).toBe(false);
    expect(dirty.every((p) => allocatedAs(run, p, KIND_FILE_DIRTY))).toBe(true);
    expect(pinned.every((p) => allocatedAs(run, p, KIND_FILE))).toBe(true);
    expect(slab.every((p) => allocatedAs(run, p, KIND_SLAB_RECLAIMABLE))).toBe(true);
    expect(anon.every((p) => allocatedAs(run, p, KIND_ANON))).toBe(true);
    expect(shmem.every((p) => allocatedAs(run, p, KIND_SHMEM))).toBe(true);
    expect(tr.events.filter((e) => e.event === 'mm_page_free').length).toBe(3000);
    expect(tr.events.filter((e) => e.event === 'mm_page_free_batched').length).toBe(3000);
    expect(vm(run, 'drop_pagecache')).toBe(1);
    expect(vm(run, 'drop_slab')).toBe(0);
    // the pages it could not drop were deactivated (deactivate_file_page): the clean pinned ones to
    // the inactive tail (pgrotated), the dirty ones to the head with PG_reclaim
    expect(vm(run, 'pgrotated')).toBe(100);
    expect(vm(run, 'pgdeactivate')).toBe(0);
    const s = run.view().nodes[0]!.stats;
    expect(s.nr_dirty).toBe(1000);
    expect(s.nr_inactive_file).toBe(1100);
    // free pages come back through the per-cpu lists: buddy plus pcp grew by what was dropped
    const pcp = run.view().nodes[0]!.zones[0]!.pcp.reduce((t, p) => t + p.count, 0);
    expect(run.rs.buddy.z.free[0] + pcp).toBeGreaterThanOrEqual(before + 3000);
    run.checkInvariants();
  });

  it('2 runs drop_slab: the shrinker at priority 0 frees every reclaimable slab page', () => {
    const run = start(kernel, { daemons: 'manual' });
    const slab = slabPages(run, 300);
    const clean = allocMany(run, 100, 'file');
    run.sysctl('vm.drop_caches', 2);
    // do_shrink_slab at priority 0: delta = freeable × 4 / seeks = 600, total_scan = min(600, 2 ×
    // freeable); batches of 128 while total_scan ≥ 128 or ≥ freeable: 4 batches (512) free all 300
    // objects, then 88 < 128 and < 300 stops it. The second round finds nothing (5.10: freed ≤ 10;
    // 6.1: 0 >> 1 ≤ 1) and ends drop_slab.
    expect(slab.some((p) => allocatedAs(run, p, KIND_SLAB_RECLAIMABLE))).toBe(false);
    expect(vm(run, 'slabs_scanned')).toBe(512);
    expect(vm(run, 'drop_slab')).toBe(1);
    expect(vm(run, 'drop_pagecache')).toBe(0);
    expect(clean.every((p) => allocatedAs(run, p, KIND_FILE))).toBe(true);
    run.checkInvariants();
  });

  it('3 does both and counts both events; 4 alone drops nothing; out of range is refused', () => {
    const run = start(kernel, { daemons: 'manual' });
    slabPages(run, 50);
    allocMany(run, 50, 'file');
    run.sysctl('vm.drop_caches', 3);
    expect(vm(run, 'drop_pagecache')).toBe(1);
    expect(vm(run, 'drop_slab')).toBe(1);
    expect(run.view().nodes[0]!.stats.nr_slab_reclaimable).toBe(0);
    expect(run.view().nodes[0]!.stats.nr_inactive_file).toBe(0);
    run.sysctl('vm.drop_caches', 4);
    expect(vm(run, 'drop_pagecache') + vm(run, 'drop_slab')).toBe(2);
    for (const bad of [0, 5, -1]) {
      expect(() => run.sysctl('vm.drop_caches', bad)).toThrow(MmError);
    }
    expect(() => run.run([{ op: 'drop_caches', value: 7 }])).toThrow(MmError);
    run.checkInvariants();
  });
});

describe('vm.swappiness', () => {
  it('is writable at run time within 0..200 and steers get_scan_count', () => {
    const run = start('6.1', { daemons: 'manual', swap: true });
    const rs = run.rs;
    allocMany(run, 4000, 'anon');
    allocMany(run, 6000, 'file');
    expect(rs.swappiness).toBe(60);
    const sc = new ScanControl();
    sc.priority = 4;
    sc.reclaimIdx = 3;
    const nr = new Float64Array(4);
    // SCAN_FRACT with no recorded reclaim cost: ap = swappiness, fp = 200 − swappiness;
    // nr = (lru_size >> priority) × fraction / (ap + fp), truncated
    for (const s of [60, 100, 0, 200]) {
      run.sysctl('vm.swappiness', s);
      expect(rs.swappiness).toBe(s);
      getScanCount(rs, 0, sc, nr);
      expect([...nr]).toEqual([Math.floor((250 * s) / 200), 0, Math.floor((375 * (200 - s)) / 200), 0]);
    }
    expect(() => run.sysctl('vm.swappiness', 201)).toThrow(MmError);
    expect(() => run.sysctl('vm.swappiness', -1)).toThrow(MmError);
    // may_swap off (boosted kswapd) or no swap: SCAN_FILE
    sc.maySwap = false;
    getScanCount(rs, 0, sc, nr);
    expect([...nr]).toEqual([0, 0, 375, 0]);
    // priority 0 with swappiness ≠ 0: SCAN_EQUAL
    sc.maySwap = true;
    sc.priority = 0;
    getScanCount(rs, 0, sc, nr);
    expect([...nr]).toEqual([4000, 0, 6000, 0]);
    // the tunables calculator still handles its own sysctls
    run.sysctl('vm.watermark_scale_factor', 20);
    expect(rs.tunables.watermarkScaleFactor).toBe(20);
  });
});
