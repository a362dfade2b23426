/**
 * Movable borrowers of CMA pageblocks and where migration targets come from, on both kernels:
 * - __rmqueue takes CMA first for an ALLOC_CMA request while NR_FREE_CMA_PAGES > NR_FREE_PAGES / 2
 *   (both kernels), and after its own lists before stealing;
 * - unmovable requests never get CMA (no fallback to it);
 * - a FOLL_LONGTERM pin keeps pages out of CMA: 5.10 PF_MEMALLOC_NOCMA (no ALLOC_CMA, still a
 *   Movable request), 6.1 PF_MEMALLOC_PIN (drops __GFP_MOVABLE: an Unmovable request); pinning an
 *   existing CMA page migrates it out first;
 * - alloc_migration_target asks GFP_USER | __GFP_MOVABLE: its targets may come from another CMA
 *   area when the kernel would take CMA, never from the isolated range.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/index';
import { MIGRATE_MOVABLE, MIGRATE_UNMOVABLE } from '../../src/sim/types';
import { GFP_HIGHUSER_MOVABLE, GFP_KERNEL, __GFP_DIRECT_RECLAIM } from '../../src/sim/page_alloc/gfp';
import { allocLabelled, bootArm64, inRange, KERNELS, MOVABLE_NOWAIT } from './helpers';

describe.each(KERNELS)('the CMA borrow rule on %s', (kernel) => {
  it('Movable requests take CMA first while free CMA is more than half the free pages, else their own lists', () => {
    // cma=256M of 512 MiB: 65536 free CMA pages > about 60500 = free / 2: CMA first
    const big = bootArm64(kernel, 512, 'cma=256M').start();
    const a = big.cma[0]!;
    const r1 = big.alloc(GFP_HIGHUSER_MOVABLE, 0, { kind: 'anon' });
    expect(r1.ok && inRange(r1.pfn, a.basePfn, a.count)).toBe(true);
    // cma=32M: 8192 < free / 2: the Movable lists serve, CMA stays untouched
    const small = bootArm64(kernel, 512, 'cma=32M').start();
    const s = small.cma[0]!;
    const pfns = allocLabelled(small, GFP_HIGHUSER_MOVABLE, 2000, 'anon', 'm');
    expect(pfns.filter((p) => inRange(p, s.basePfn, s.count))).toEqual([]);
    expect(s.occupancy().borrowed).toBe(0);
  });

  it('unmovable requests never take CMA pages, even when nothing else is left', () => {
    const run = bootArm64(kernel, 512, 'cma=128M').start();
    const a = run.cma[0]!;
    const got: number[] = [];
    for (;;) {
      const r = run.alloc(GFP_KERNEL & ~__GFP_DIRECT_RECLAIM, 0);
      if (!r.ok) break;
      got.push(r.pfn);
    }
    expect(got.length).toBeGreaterThan(60000);
    expect(got.filter((p) => inRange(p, a.basePfn, a.count))).toEqual([]);
    expect(a.occupancy().borrowed).toBe(0);
  });

  it('a long-term pinned allocation is not placed in CMA (5.10 NOCMA keeps Movable, 6.1 PIN makes it Unmovable)', () => {
    const run = bootArm64(kernel, 512, 'cma=256M').start();
    const a = run.cma[0]!;
    const r = run.alloc(GFP_HIGHUSER_MOVABLE, 0, { kind: 'anon', pin: true });
    expect(r.ok && !inRange(r.pfn, a.basePfn, a.count)).toBe(true);
    if (!r.ok) return;
    // 5.10: still a Movable request, from a Movable pageblock; 6.1: Unmovable, which steals a block
    expect(run.rs.buddy.getPageblockMigratetype(r.pfn)).toBe(kernel === '5.10' ? MIGRATE_MOVABLE : MIGRATE_UNMOVABLE);
  });

  it('pinning a CMA page long-term migrates it out first; a short-term pin leaves it', () => {
    const run = bootArm64(kernel, 512, 'cma=256M').start();
    const a = run.cma[0]!;
    const [p1, p2] = allocLabelled(run, GFP_HIGHUSER_MOVABLE, 2, 'anon', 'a');
    expect(inRange(p1!, a.basePfn, a.count) && inRange(p2!, a.basePfn, a.count)).toBe(true);
    expect(run.pin(p1!)).toBe(p1);
    const moved = run.pin(p2!, { longterm: true });
    expect(inRange(moved, a.basePfn, a.count)).toBe(false);
    expect(run.rs.vm.get('pgmigrate_success')).toBe(1);
    // the labels follow: p2's label names the new page
    expect(run.run([]).refs.a).toEqual([p1, moved]);
    run.checkInvariants();
  });
});

describe.each(KERNELS)('migration targets of cma_alloc with two DT areas on %s', (kernel) => {
  // two reusable shared-dma-pool areas, no default area (cma=0). cma_areas[] order: camera, isp;
  // activation frees isp's blocks last, to the list heads, so Movable borrowers take isp first
  const m = bootMachine({
    arch: 'arm64', kernel, cmdline: 'cma=0',
    topology: { arch: 'arm64', kernel, ramMiB: 512, reserved: [
      { name: 'camera@50000000', compatible: 'shared-dma-pool', reusable: true, reg: [{ base: 0x50000000, size: 0x2000000 }] },
      { name: 'isp@52000000', compatible: 'shared-dma-pool', reusable: true, reg: [{ base: 0x52000000, size: 0x2000000 }] },
    ] },
  });

  it('both DT areas are CMA areas named after their nodes', () => {
    const run = m.start();
    expect(run.cma.map((a) => [a.name, a.basePfn, a.count])).toEqual([['camera@50000000', 0x50000, 8192], ['isp@52000000', 0x52000, 8192]]);
  });

  it('with Movable memory to spare, the targets come from outside CMA', () => {
    const run = m.start();
    const [cam, isp] = run.cma as [typeof run.cma[0], typeof run.cma[0]];
    let inIsp = 0;
    while (inIsp < 3000) {
      const r = run.alloc(MOVABLE_NOWAIT, 0, { kind: 'anon' });
      if (r.ok && inRange(r.pfn, isp!.basePfn, isp!.count)) inIsp++;
    }
    expect(isp!.occupancy().borrowed).toBe(3000);
    expect(cam!.occupancy().borrowed).toBe(0);
    const targets: number[] = [];
    run.addMigrateListener((_o, n) => targets.push(n));
    const r = isp!.alloc(isp!.count);
    // with isp isolated, free ≈ 21500 and camera's free CMA 8192 < free / 2 (and stays below it for
    // the 3000 targets): __rmqueue serves the targets from the Movable lists
    expect([r.ok, r.migrated, targets.length]).toEqual([true, 3000, 3000]);
    expect(targets.filter((p) => inRange(p, cam!.basePfn, cam!.count) || inRange(p, isp!.basePfn, isp!.count))).toEqual([]);
    run.checkInvariants();
  });

  it('when Movable memory is gone, the targets come from the other CMA area (the kernel would use CMA)', () => {
    const run = m.start();
    const [cam, isp] = run.cma as [typeof run.cma[0], typeof run.cma[0]];
    const all: number[] = [];
    for (;;) {
      const r = run.alloc(MOVABLE_NOWAIT, 0, { kind: 'anon' });
      if (!r.ok) break;
      all.push(r.pfn);
    }
    // give camera's pages back: camera is free CMA, the Movable lists are (nearly) empty, isp is borrowed
    for (const p of all) if (inRange(p, cam!.basePfn, cam!.count)) run.free(p);
    run.drain();
    expect(isp!.occupancy().borrowed).toBe(isp!.count);
    const targets: number[] = [];
    run.addMigrateListener((_o, n) => targets.push(n));
    const r = isp!.alloc(2048);
    // free CMA (camera's ~8192) > free / 2 for every target: each comes from camera, none from the
    // isolated range
    expect([r.ok, r.pfn, r.migrated]).toEqual([true, isp!.basePfn, 2048]);
    expect(targets.length).toBe(2048);
    expect(targets.every((p) => inRange(p, cam!.basePfn, cam!.count))).toBe(true);
    run.checkInvariants();
  });
});
