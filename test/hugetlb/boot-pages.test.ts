/**
 * hugepagesz= / hugepages= / default_hugepagesz= at boot (mm/hugetlb.c __setup handlers, parse_args
 * in start_kernel; hugetlb_init): gigantic pages from memblock (top-down, size-aligned), gathered
 * into the pool by gather_bootmem_prealloc, which adds them to managed pages; buddy-sized pages
 * from the page allocator in hugetlb_init; the handlers' warnings.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/index';
import { bootArm64, KERNELS } from '../cma/helpers';

const kb = (m: { render(f: 'meminfo'): string }, key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(m.render('meminfo'))![1]);
const hugeLines = (m: { parts: { dmesg: string[] } }): string[] => m.parts.dmesg.filter((l) => /^HugeTLB/.test(l) && !/vmemmap/.test(l));

describe.each(KERNELS)('boot-time huge pages on %s', (kernel) => {
  it('hugepagesz=32M hugepages=3: three pages from memblock, highest first, below the default CMA area', () => {
    const plain = bootArm64(kernel, 2048);
    const m = bootArm64(kernel, 2048, 'hugepagesz=32M hugepages=3');
    const cma = m.parts.cmaAreas.find((a) => a.name === 'reserved')!;
    // memblock_alloc_try_nid_raw(32 MiB, align 32 MiB) top-down: above the default CMA area
    // (64 MiB at 0xb9a00000 / 0xb9000000) the top of DRAM is reserved; the highest free 32 MiB-aligned
    // ranges are then the three below the one the area overlaps
    const top = Math.floor(cma.base / 2 ** 25) * 2 ** 25;
    const want = [top - 2 ** 25, top - 2 * 2 ** 25, top - 3 * 2 ** 25];
    expect(m.parts.hugetlb!.bootmem.map((b) => b.pa)).toEqual(want);
    for (const pa of want) expect(m.parts.memblock!.reserved.some((r) => r.base <= pa && r.base + r.size >= pa + 2 ** 25)).toBe(true);
    // gather_bootmem_prealloc adds them to managed: MemTotal is what it would be without them,
    // MemFree is 3 × 32 MiB lower
    expect(kb(m, 'MemTotal')).toBe(kb(plain, 'MemTotal'));
    expect(kb(plain, 'MemFree') - kb(m, 'MemFree')).toBe(3 * 32768);
    expect(kb(m, 'Hugetlb')).toBe(98304);
    // the command line's hstate registers first; report_hugepages prints the pool
    expect(hugeLines(m)[0]).toBe(kernel === '5.10' ? 'HugeTLB registered 32.0 MiB page size, pre-allocated 3 pages' : 'HugeTLB: registered 32.0 MiB page size, pre-allocated 3 pages');
    const run = m.start();
    expect(run.hugetlb.pools()[0]).toMatchObject({ sizeKb: 32768, nrHugepages: 3, free: 3, pages: want.map((pa) => pa / 4096).sort((a, b) => a - b) });
    run.checkInvariants();
    // a boot page is freed with free_contig_range (it is in no CMA area): managed stays
    expect(run.hugetlb.setNrHugepages(32768, 0)).toBe(0);
    run.drain();
    expect(kb(run, 'MemTotal')).toBe(kb(plain, 'MemTotal'));
    expect(kb(run, 'MemFree')).toBe(kb(plain, 'MemFree'));
    run.checkInvariants();
  });

  it('hugepages=16 (the default 2 MiB size) comes from the page allocator at hugetlb_init', () => {
    const m = bootArm64(kernel, 1024, 'hugepages=16');
    expect([kb(m, 'HugePages_Total'), kb(m, 'HugePages_Free'), kb(m, 'Hugetlb')]).toEqual([16, 16, 32768]);
    expect(hugeLines(m)[2]).toMatch(/registered 2\.00 MiB page size, pre-allocated 16 pages$/);
    const run = m.start();
    expect(run.rs.vm.get('htlb_buddy_alloc_success')).toBe(16);
    expect(run.render('meminfo')).toMatch(/^HugePages_Total:\s+16$/m);
    run.checkInvariants();
  });

  it('default_hugepagesz=32M hugepages=2: the default size is 32 MiB and its pages are gigantic boot pages', () => {
    const m = bootArm64(kernel, 2048, 'default_hugepagesz=32M hugepages=2');
    expect([kb(m, 'HugePages_Total'), kb(m, 'Hugepagesize'), kb(m, 'Hugetlb')]).toEqual([2, 32768, 65536]);
    const run = m.start();
    run.sysctl('nr_hugepages', 1);
    expect(run.hugetlb.nrHugepages(32768)).toBe(1);
    run.checkInvariants();
  });

  it('the handlers\' warnings: unsupported size, no valid size before hugepages=, twice, hugetlb_cma', () => {
    const m = bootArm64(kernel, 2048, 'hugepagesz=4M hugepages=2 hugepagesz=2M hugepages=1 hugepages=5');
    expect(m.parts.dmesg.filter((l) => /^HugeTLB: (unsupported|hugepages=)/.test(l))).toEqual([
      'HugeTLB: unsupported hugepagesz=4M',
      'HugeTLB: hugepages=2 does not follow a valid hugepagesz, ignoring',
      'HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=5',
    ]);
    expect(kb(m, 'HugePages_Total')).toBe(1);
    // with hugetlb_cma set, hugetlb_hstate_alloc_pages skips gigantic boot pages (pr_warn_once)
    const c = bootArm64(kernel, 4096, 'hugetlb_cma=1G hugepagesz=32M hugepages=2');
    expect(c.parts.dmesg).toContain('HugeTLB: hugetlb_cma is enabled, skip boot time allocation');
    expect(kb(c, 'Hugetlb')).toBe(0);
  });

  it('x86 has no 1 GiB pages without GBPAGES', () => {
    const m = bootMachine({ arch: 'x86_64', kernel, topology: { arch: 'x86_64', kernel, ramMiB: 2048 }, cmdline: 'hugepagesz=1G hugepages=1' });
    expect(m.parts.dmesg).toContain('HugeTLB: unsupported hugepagesz=1G');
    expect(m.start().hugetlb.sizesKb).toEqual([2048]);
  });
});
