/**
 * Property: random sequences of page allocations and frees (movable, kernel, page cache), pins,
 * cma_alloc / cma_release of random sizes and alignments, and nr_hugepages writes keep every run
 * invariant (buddy, pcp, LRU, accounting, CMA bitmaps against the pages and pageblock types,
 * hugetlb pools), on both kernels and on arm64 and 32-bit arm (CMA in HighMem). Every successful
 * cma_alloc's range is aligned as asked, inside its area, and its pages belong to it until released.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/index';
import { GFP_HIGHUSER_MOVABLE, GFP_KERNEL, __GFP_DIRECT_RECLAIM } from '../../src/sim/page_alloc/gfp';
import { rng } from '../helpers/prng';
import { KERNELS } from './helpers';

const MOVABLE = GFP_HIGHUSER_MOVABLE & ~__GFP_DIRECT_RECLAIM;
const KERNEL = GFP_KERNEL & ~__GFP_DIRECT_RECLAIM;

describe.each(KERNELS.flatMap((k) => [['arm64', k, 512, 'cma=128M'], ['arm', k, 1024, 'cma=64M']] as const))('random CMA operations on %s %s', (arch, kernel, ramMiB, cmdline) => {
  const machine = bootMachine({ arch, kernel, topology: { arch, kernel, ramMiB }, cmdline });

  it.each([1, 2, 3])('seed %i keeps the invariants', (seed) => {
    const run = machine.start();
    const r = rng(seed * 7919 + (kernel === '6.1' ? 1 : 0));
    const pick = (n: number): number => Math.floor(r() * n);
    const a = run.cma[0]!;
    // the pages this test holds, following migration; dropped when freed by anyone (reclaim,
    // alloc_contig_range reclaiming clean page cache)
    const held = new Set<number>();
    run.addMigrateListener((o, n) => {
      if (held.delete(o)) held.add(n);
    });
    run.addReleaseListener((p) => held.delete(p));
    const allocs: Array<{ pfn: number; count: number }> = [];
    for (let op = 0; op < 300; op++) {
      const x = r();
      if (x < 0.45) {
        const n = 1 + pick(400);
        const kind = r() < 0.5 ? 'anon' : r() < 0.5 ? 'file' : 'shmem';
        for (let k = 0; k < n; k++) {
          const res = run.alloc(r() < 0.85 ? MOVABLE : KERNEL, r() < 0.9 ? 0 : pick(4), { kind });
          if (res.ok) held.add(res.pfn);
        }
      } else if (x < 0.65 && held.size) {
        for (const p of [...held]) {
          if (r() < 0.5) continue;
          held.delete(p);
          run.free(p);
        }
      } else if (x < 0.7 && held.size) {
        const p = [...held][pick(held.size)]!;
        if (r() < 0.5) run.pin(p);
        else run.unpin(p);
      } else if (x < 0.85) {
        const count = 1 + pick(4096);
        const align = pick(10);
        const res = a.alloc(count, align, { noWarn: true });
        if (res.ok) {
          expect(res.pfn % 2 ** align).toBe(0);
          expect(res.pfn >= a.basePfn && res.pfn + count <= a.basePfn + a.count).toBe(true);
          allocs.push({ pfn: res.pfn, count });
        }
      } else if (x < 0.95 && allocs.length) {
        const [c] = allocs.splice(pick(allocs.length), 1);
        expect(a.release(c!.pfn, c!.count)).toBe(true);
      } else {
        run.hugetlb.setNrHugepages(2048, pick(20));
      }
      if (op % 25 === 24) run.checkInvariants();
    }
    for (const c of allocs) a.release(c.pfn, c.count);
    run.hugetlb.setNrHugepages(2048, 0);
    run.checkInvariants();
    expect(a.occupancy().allocated).toBe(0);
  });
});
