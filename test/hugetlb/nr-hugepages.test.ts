/**
 * Writes of nr_hugepages (set_max_huge_pages, mm/hugetlb.c) on both kernels: buddy-sized pools
 * (alloc_buddy_huge_page with __GFP_RETRY_MAYFAIL, the htlb_buddy_alloc_* events, stop at the first
 * failure), gigantic pages through alloc_contig_pages without hugetlb_cma, the shrink order, per-node
 * writes, the vm.nr_hugepages sysctl, run ops, and refusing to free pool pages directly.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine, MmError, TraceRecorder } from '../../src/sim/index';
import { PS_RESERVED, PS_HOLE } from '../../src/sim/buddy/page-state';
import { MIGRATE_CMA } from '../../src/sim/types';
import { bootArm64, KERNELS } from '../cma/helpers';

describe.each(KERNELS)('nr_hugepages on %s', (kernel) => {
  it('2 MiB pages: partial success is what the allocator could give, and the write stops at the first failure', () => {
    const run = bootArm64(kernel, 512).start();
    const got = run.hugetlb.setNrHugepages(2048, 1000);
    // 512 MiB cannot hold 1000 × 2 MiB: the pool grows until alloc_pool_huge_page fails once on the
    // only node (alloc_buddy_huge_page counts htlb_buddy_alloc_fail once) and the write stops there
    expect(got).toBeLessThan(1000);
    expect(got).toBeGreaterThan(200);
    expect(run.hugetlb.nrHugepages(2048)).toBe(got);
    expect([run.rs.vm.get('htlb_buddy_alloc_success'), run.rs.vm.get('htlb_buddy_alloc_fail')]).toEqual([got, 1]);
    const pool = run.hugetlb.pools().find((p) => p.sizeKb === 2048)!;
    expect([pool.nrHugepages, pool.free, pool.isDefault, pool.gigantic]).toEqual([got, got, true, false]);
    expect(new Set(pool.pages).size).toBe(got);
    expect(pool.pages.every((p) => p % 512 === 0)).toBe(true);
    // meminfo: the default size's counts and Hugetlb over every size
    const mi = run.render('meminfo');
    expect(mi).toMatch(new RegExp(`^HugePages_Total:\\s+${got}$`, 'm'));
    expect(mi).toMatch(new RegExp(`^HugePages_Free:\\s+${got}$`, 'm'));
    expect(mi).toMatch(new RegExp(`^Hugetlb:\\s+${got * 2048} kB$`, 'm'));
    run.checkInvariants();
    // vm.nr_hugepages writes the default size: shrinking frees pool pages back to the buddy
    run.sysctl('vm.nr_hugepages', 10);
    expect(run.hugetlb.nrHugepages(2048)).toBe(10);
    expect(run.rs.vm.get('htlb_buddy_alloc_success')).toBe(got);
    run.checkInvariants();
  });

  it('the shrink order: 5.10 frees newest first as it removes them, 6.1 collects them and frees oldest first', () => {
    const run = bootArm64(kernel, 512).start();
    expect(run.hugetlb.setNrHugepages(2048, 4)).toBe(4);
    // the free list head is the page enqueued last; remove_pool_huge_page takes the head
    const order = run.rs.hugetlb.pools[run.rs.hugetlb.poolOfKb(2048)]!.freeList.get(0)!.slice();
    const rec = new TraceRecorder(new Set(['mm_page_free']));
    run.setTrace(rec);
    expect(run.hugetlb.setNrHugepages(2048, 2)).toBe(2);
    const freed = rec.events.map((e) => e.args[0]);
    const [newest, second] = [order[3]!, order[2]!];
    expect(freed).toEqual(kernel === '5.10' ? [newest, second] : [second, newest]);
    run.checkInvariants();
  });

  it('gigantic pages without hugetlb_cma come from alloc_contig_pages: the first free 32 MiB windows', () => {
    const m = bootArm64(kernel, 1024);
    const run = m.start();
    // alloc_contig_pages: windows of 8192 pfns from the zone start rounded up to 8192; a window with a
    // reserved page or a hole fails pfn_range_valid_contig, one with a CMA pageblock fails isolation
    // (MIGRATE_MOVABLE cannot isolate CMA); on a fresh machine every other window is free
    const b = m.parts.buddy!;
    const ok = (w: number): boolean => {
      for (let p = w; p < w + 8192; p++) {
        const t = b.tag[p - b.basePfn]!;
        if (t === PS_RESERVED || t === PS_HOLE) return false;
        if (b.pbType[(p >> 9) - b.pbBase] === MIGRATE_CMA) return false;
      }
      return true;
    };
    const want: number[] = [];
    for (let w = Math.ceil(b.basePfn / 8192) * 8192; want.length < 3 && w + 8192 <= b.endPfn; w += 8192) if (ok(w)) want.push(w);
    expect(run.hugetlb.setNrHugepages(32768, 3)).toBe(3);
    expect(run.hugetlb.last).toMatchObject({ fromCma: 0, fromContig: 3, migrated: 0 });
    expect(run.hugetlb.pools().find((p) => p.sizeKb === 32768)!.pages).toEqual(want);
    run.checkInvariants();
    // freed with free_contig_range: the pages are free again, through the per-cpu lists
    expect(run.hugetlb.setNrHugepages(32768, 0)).toBe(0);
    run.drain();
    expect(run.rs.buddy.z.free[0]).toBe(m.parts.buddy!.z.free[0]);
    run.checkInvariants();
  });

  it('a per-node write allocates on that node only', () => {
    const run = bootMachine({ arch: 'arm64', kernel, topology: { arch: 'arm64', kernel, ramMiB: 2048, nodes: 2 } }).start();
    expect(run.hugetlb.setNrHugepages(2048, 3, 1)).toBe(3);
    const pool = run.hugetlb.pools().find((p) => p.sizeKb === 2048)!;
    expect(pool.nodes).toEqual({ 0: { total: 0, free: 0 }, 1: { total: 3, free: 3 } });
    expect(pool.pages.every((p) => run.rs.zoneNid[run.rs.buddy.zoneIndexOf(p)] === 1)).toBe(true);
    // the node's file counts only its own pages: writing 1 to node 0's adds one there
    expect(run.hugetlb.setNrHugepages(2048, 1, 0)).toBe(4);
    run.checkInvariants();
  });

  it('bad writes are refused with a reason', () => {
    const run = bootArm64(kernel, 512).start();
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return e instanceof MmError ? `${e.code}: ${e.message}` : String(e);
      }
      return 'no error';
    };
    expect(code(() => run.hugetlb.setNrHugepages(4096, 1))).toBe('HUGETLB_BAD_SIZE: no huge page size of 4096 kB on this machine; sizes: 1048576 kB, 32768 kB, 2048 kB, 64 kB (at hugepages-4096kB/nr_hugepages)');
    expect(code(() => run.hugetlb.setNrHugepages(2048, -1))).toMatch(/^SYSCTL_INVALID: hugepages-2048kB\/nr_hugepages: "-1" is not a non-negative integer/);
    expect(code(() => run.hugetlb.setNrHugepages(2048, 1, 3))).toBe('HUGETLB_BAD_NODE: node 3 has no memory; nodes: 0 (at nr_hugepages)');
    run.hugetlb.setNrHugepages(2048, 1);
    const page = run.hugetlb.pools().find((p) => p.sizeKb === 2048)!.pages[0]!;
    expect(code(() => run.free(page))).toBe(`FREE_HUGETLB_PAGE: pfn 0x${page.toString(16)} is a hugetlb pool page: shrink the pool with nr_hugepages (at free)`);
  });
});

describe('run ops for CMA and hugetlb', () => {
  it('cma_alloc with a label, cma_release by label, nr_hugepages; a cma page cannot be freed directly', () => {
    const run = bootArm64('6.1', 512, 'cma=64M').start();
    const s = run.run([
      { op: 'cma_alloc', area: 'reserved', count: 300, align: 4, as: 'buf' },
      { op: 'cma_alloc', area: 0, count: 100, as: 'buf' },
      { op: 'nr_hugepages', sizeKb: 2048, value: 2 },
    ]);
    const a = run.cma[0]!;
    // first fit: [base, base + 300), then the next free bit 300 (align 0): [base + 300, base + 400)
    expect(s.refs.buf).toEqual([a.basePfn, a.basePfn + 300]);
    expect([s.allocated, s.failed]).toEqual([4, 0]);
    expect(() => run.free(a.basePfn + 10)).toThrow(/belongs to a cma_alloc allocation of area reserved/);
    const t = run.run([{ op: 'cma_release', ref: 'buf' }, { op: 'nr_hugepages', sizeKb: 2048, value: 0 }]);
    expect(t.freed).toBe(4);
    expect(a.debugfs('used')).toBe('0\n');
    expect(() => run.run([{ op: 'cma_alloc', area: 'nope', count: 1 }])).toThrow(/no CMA area "nope"; areas: reserved/);
    run.checkInvariants();
  });
});
