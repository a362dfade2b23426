/**
 * hugetlb_cma_reserve at boot, against the real 6.1 boot of rt-a64-2g-hugetlb-cma and the kernels'
 * rules, and report_hugepages against every boot oracle.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/index';
import { parseZoneinfo } from '../../src/sim/format';
import { oracleCases } from '../oracle/cases';
import { bootArm64, bootHugetlbRt, HUGETLB_RT } from '../cma/helpers';

const console_ = readFileSync(`${HUGETLB_RT}/kernel-console.txt`, 'utf8');
const logLines = (re: RegExp): string[] => console_.split('\n').map((l) => l.replace(/^\[[^\]]*\] /, '')).filter((l) => re.test(l));
const PLACEMENT = /^(hugetlb_cma: |cma: Reserved )/;

describe('hugetlb_cma=1G on the real 6.1 2 GiB arm64 machine (rt-a64-2g-hugetlb-cma)', () => {
  const m = bootHugetlbRt();

  it('prints the kernel\'s placement lines: hugetlb0 at 0x7fa00000 before the default area at 0x79a00000', () => {
    // arm64 bootmem_init: hugetlb_cma_reserve(PUD order) right after NUMA init; 6.1 aligns to 2 MiB and,
    // with DRAM ending below 4 GiB + 1 GiB, places top-down: the highest 2 MiB-aligned 1 GiB below
    // NODE_DATA at 0xbfbef380 ends at 0xbfa00000. The default area comes after sparse_init's memmap.
    expect(logLines(PLACEMENT)).toEqual([
      'hugetlb_cma: reserve 1024 MiB, up to 1024 MiB per node',
      'cma: Reserved 1024 MiB at 0x000000007fa00000',
      'hugetlb_cma: reserved 1024 MiB on node 0',
      'cma: Reserved 64 MiB at 0x0000000079a00000',
    ]);
    expect(m.parts.dmesg.filter((l) => PLACEMENT.test(l))).toEqual(logLines(PLACEMENT));
    expect(m.parts.cmaAreas.map((a) => [a.name, a.base, a.size, a.orderPerBit ?? 0, a.nid ?? -1])).toEqual([
      ['hugetlb0', 0x7fa00000, 2 ** 30, 9, 0],
      ['reserved', 0x79a00000, 2 ** 26, 0, -1],
    ]);
  });

  it('memblock.reserved, managed, cma and the watermarks are the kernel\'s', () => {
    const mine = m.render('memblock').split('==> memblock/reserved <==\n')[1]!;
    expect(mine).toBe(readFileSync(`${HUGETLB_RT}/memblock_reserved.txt`, 'utf8'));
    const real = parseZoneinfo(readFileSync(`${HUGETLB_RT}/zoneinfo.txt`, 'utf8')).zones[0]!;
    const sim = parseZoneinfo(m.render('zoneinfo')).zones[0]!;
    expect([sim.managed, sim.present, sim.min, sim.low, sim.high]).toEqual([real.managed, real.present, real.min, real.low, real.high]);
    expect([sim.managed, sim.cma]).toEqual([507392, 278528]);
    expect(m.readSysctl('min_free_kbytes')).toBe(readFileSync(`${HUGETLB_RT}/min_free_kbytes.txt`, 'utf8'));
    // CmaTotal = totalcma_pages: 262144 + 16384 pages
    expect(m.render('meminfo')).toMatch(/^CmaTotal:\s+1114112 kB$/m);
  });

  it('with the boot log, the log\'s areas keep the model\'s names and order_per_bit', () => {
    const w = bootHugetlbRt({ bootLog: true });
    expect(w.parts.cmaAreas.map((a) => [a.name, a.base, a.orderPerBit ?? 0])).toEqual([['hugetlb0', 0x7fa00000, 9], ['reserved', 0x79a00000, 0]]);
  });
});

describe('hugetlb_cma_reserve by kernel', () => {
  it('5.10 aligns the area to the gigantic size (1 GiB): on 4 GiB it lands at 0xc0000000', () => {
    // 5.10: cma_declare_contiguous_nid(…, alignment = PAGE_SIZE << 18, order_per_bit 0): the highest
    // 1 GiB-aligned free GiB below the end of DRAM 0x140000000 whose top is not reserved: 0xc0000000
    const m = bootArm64('5.10', 4096, 'hugetlb_cma=1G');
    expect(m.parts.dmesg.filter((l) => PLACEMENT.test(l)).slice(0, 3)).toEqual([
      'hugetlb_cma: reserve 1024 MiB, up to 1024 MiB per node',
      'cma: Reserved 1024 MiB at 0x00000000c0000000',
      'hugetlb_cma: reserved 1024 MiB on node 0',
    ]);
    expect(m.parts.cmaAreas[0]!.orderPerBit ?? 0).toBe(0);
  });

  it('5.10 finds no 1 GiB-aligned free GiB on the 2 GiB machine: reservation failed, err -ENOMEM', () => {
    // [0x80000000, 0xc0000000) holds the early page tables at its top, [0x40000000, 0x80000000) the kernel
    const m = bootArm64('5.10', 2048, 'hugetlb_cma=1G');
    expect(m.parts.dmesg.filter((l) => l.startsWith('hugetlb_cma'))).toEqual(['hugetlb_cma: reserve 1024 MiB, up to 1024 MiB per node', 'hugetlb_cma: reservation failed: err -12, node 0']);
    expect(m.parts.cmaAreas.map((a) => a.name)).toEqual(['reserved']);
  });

  it('a size below one gigantic page is refused with the kernel\'s warning', () => {
    for (const kernel of ['5.10', '6.1'] as const) {
      const m = bootArm64(kernel, 2048, 'hugetlb_cma=512M');
      expect(m.parts.dmesg.filter((l) => l.startsWith('hugetlb_cma'))).toEqual(['hugetlb_cma: cma area should be at least 1024 MiB']);
      expect(m.parts.cmaAreas.map((a) => a.name)).toEqual(['reserved']);
    }
  });

  it('6.1 per-node sizes: hugetlb_cma=<nid>:<size>, an offline node is warned about', () => {
    const m = bootMachine({ arch: 'arm64', kernel: '6.1', topology: { arch: 'arm64', kernel: '6.1', ramMiB: 8192, nodes: 2 }, cmdline: 'hugetlb_cma=1:1G,3:1G' });
    // node 3 is not online: dropped; node 1 gets its own area; no "reserve … per node" line (node-specific)
    const lines = m.parts.dmesg.filter((l) => l.startsWith('hugetlb_cma'));
    expect(lines).toEqual(['hugetlb_cma: invalid node 3 specified', 'hugetlb_cma: reserved 1024 MiB on node 1']);
    const a = m.parts.cmaAreas.find((x) => x.name === 'hugetlb1')!;
    expect([a.nid, a.size]).toEqual([1, 2 ** 30]);
    const node1 = m.parts.layout.nodes.find((n) => n.nid === 1)!;
    const start = Math.min(...node1.zones.filter((z) => z.present).map((z) => z.startPfn)) * 4096;
    expect(a.base).toBeGreaterThanOrEqual(start);
  });

  it('32-bit arm never calls hugetlb_cma_reserve: hugetlb_init says so; x86 without CONFIG_CMA ignores it', () => {
    const arm = bootMachine({ arch: 'arm', kernel: '6.1', topology: { arch: 'arm', kernel: '6.1', ramMiB: 1024 }, cmdline: 'hugetlb_cma=1G' });
    expect(arm.parts.dmesg).toContain("hugetlb_cma: the option isn't supported by current arch");
    const x86 = bootMachine({ arch: 'x86_64', kernel: '6.1', topology: { arch: 'x86_64', kernel: '6.1', ramMiB: 2048 }, cmdline: 'hugetlb_cma=1G' });
    expect(x86.parts.dmesg.filter((l) => /hugetlb_cma/.test(l))).toEqual([]);
  });
});

describe.each(oracleCases().map((c) => [c.name, c] as const))('report_hugepages of %s', (_name, c) => {
  it('registers the sizes the real kernel registered, in its order and format', () => {
    const real = c.bootLog.split('\n').map((l) => l.replace(/^\[[^\]]*\] /, '')).filter((l) => /^HugeTLB/.test(l));
    const m = bootMachine(c.request);
    expect(m.parts.dmesg.filter((l) => /^HugeTLB/.test(l))).toEqual(real);
  });
});
