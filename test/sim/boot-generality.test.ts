/**
 * Boot checks on configurations that are not in the oracle: other RAM sizes, NUMA layouts, mem=,
 * CMA sizes and positions, 32-bit HighMem, ZONE_MOVABLE, both kernels and tuned sysctls. The
 * expected values come from the kernel's rules (mm/page_alloc.c, mm/khugepaged.c, arch/<arch>/mm/init.c), not from fixtures.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine, type BootRequest } from '../../src/sim/boot/boot';
import type { Machine } from '../../src/sim/machine/machine';
import { MmError } from '../../src/sim/errors';
import type { ZoneView } from '../../src/sim/view';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function boot(r: Partial<BootRequest> & { ramMiB?: number; nodes?: number }): Machine {
  const { ramMiB, nodes, ...rest } = r;
  const arch = rest.arch ?? 'arm64';
  const kernel = rest.kernel ?? '6.1';
  return bootMachine({ arch, kernel, ...(ramMiB ? { topology: { arch, kernel, ramMiB, nodes, cpus: rest.cpus } } : {}), ...rest } as BootRequest);
}

const zones = (m: Machine): ZoneView[] => m.view().nodes.flatMap((n) => n.zones);
const zone = (m: Machine, name: string, nid = 0): ZoneView => zones(m).find((z) => z.name === name && z.nid === nid)!;

describe.each(['5.10', '6.1'] as const)('arm64 %s', (kernel) => {
  it.each([256, 768, 3072, 6144, 16384])('%i MiB: DMA holds RAM below 4 GiB, Normal the rest; present = RAM', (ramMiB) => {
    const m = boot({ kernel, ramMiB });
    const base = 0x40000000 / 4096;
    const end = base + (ramMiB * MiB) / 4096;
    const dmaEnd = Math.min(end, (4 * GiB) / 4096);
    expect([zone(m, 'DMA').startPfn, zone(m, 'DMA').spanned, zone(m, 'DMA').present]).toEqual([base, dmaEnd - base, dmaEnd - base]);
    expect(zone(m, 'DMA32').spanned).toBe(0);
    expect(zone(m, 'Normal').present).toBe(end - dmaEnd);
    m.parts.buddy!.checkInvariants();
  });

  // The managed counts come from mmbook's model of the boot reservations (checked page-exact on
  // every oracle boot); the watermarks, min_free_kbytes and protection below follow from them by
  // the kernel's arithmetic, worked out by hand in each comment.
  const expected = {
    '5.10': { dma: 764548, normal: 755567, wm: [[5665, 20955, 36245], [5598, 20709, 35820]], small: 86920, smallMin: 2358, normal8g: 1270637, prot8g: 4963 },
    '6.1': { dma: 763476, normal: 755440, wm: [[5661, 20930, 36199], [5602, 20710, 35818]], small: 88122, smallMin: 2374, normal8g: 1270510, prot8g: 4962 },
  }[kernel];

  it('a run-time watermark_scale_factor write recomputes __setup_per_zone_wmarks from the current managed', () => {
    const m = boot({ kernel, ramMiB: 6144, sysctls: [['vm.watermark_scale_factor', '200']] });
    // min_free_kbytes = the THP raise 45056 (two zones): pages_min = 11264; lowmem = DMA + Normal.
    // 6.1 DMA: tmp = 11264 * 763476 / 1518916 = 5661; dist = max(5661 >> 2, mult_frac(763476, 200, 10000)
    // = 76 * 200 + 3476 * 200 / 10000 = 15269) → low 20930, high 36199. Normal: tmp = 5602, dist =
    // 75 * 200 + 5440 * 200 / 10000 = 15108 → 20710, 35818. (5.10: the same with its managed counts.)
    expect(m.readSysctl('min_free_kbytes').trim()).toBe('45056');
    expect([zone(m, 'DMA').managed, zone(m, 'Normal').managed]).toEqual([expected.dma, expected.normal]);
    expect([zone(m, 'DMA'), zone(m, 'Normal')].map((z) => [z.min, z.low, z.high])).toEqual(expected.wm);
  });

  it('the THP raise gives 11 pageblocks per populated zone up to Normal (RAM ≥ 512 MiB)', () => {
    expect(boot({ kernel, ramMiB: 2048 }).readSysctl('min_free_kbytes').trim()).toBe(String(512 * 11 * 1 * 4));
    expect(boot({ kernel, ramMiB: 8192 }).readSysctl('min_free_kbytes').trim()).toBe(String(512 * 11 * 2 * 4));
    // below 512 MiB THP is off: int_sqrt(lowmem_kbytes * 16) with lowmem = the managed pages at
    // postcore time: 6.1 int_sqrt(88122 * 4 * 16) = int_sqrt(5639808) = 2374; 5.10 int_sqrt(5562880) = 2358
    const small = boot({ kernel, ramMiB: 384 });
    expect([...small.parts.managedAtWmark.values()].reduce((a, b) => a + b, 0)).toBe(expected.small);
    expect(Number(small.readSysctl('min_free_kbytes'))).toBe(expected.smallMin);
  });

  it('protection uses lowmem_reserve_ratio over the higher zones (256 for DMA)', () => {
    const m = boot({ kernel, ramMiB: 8192 });
    // DMA's entries for Normal and Movable: Normal's managed at postcore / 256 (1270510 / 256 = 4962 on 6.1)
    expect(m.parts.managedAtWmark.get(2)).toBe(expected.normal8g);
    expect(zone(m, 'DMA').protection).toEqual([0, 0, expected.prot8g, expected.prot8g]);
  });

  it('mem= is a total size: mem=768M keeps 768 MiB from the start of DRAM', () => {
    const m = boot({ kernel, ramMiB: 2048, cmdline: 'mem=768M' });
    expect(zone(m, 'DMA').present).toBe((768 * MiB) / 4096);
  });

  it('cma=128M goes top-down below the DMA limit and becomes MIGRATE_CMA pageblocks', () => {
    const m = boot({ kernel, ramMiB: 2048, cmdline: 'cma=128M' });
    const [a] = m.parts.cmaAreas;
    expect(a.size).toBe(128 * MiB);
    expect(a.base + a.size).toBeLessThanOrEqual(0x40000000 + 2048 * MiB);
    expect(a.base % (kernel === '6.1' ? 2 * MiB : 4 * MiB)).toBe(0);
    const dma = zone(m, 'DMA');
    expect(dma.freeCma).toBe((128 * MiB) / 4096);
    expect(dma.blocksByType[4]).toBe((128 * MiB) / 4096 / 512);
    m.parts.buddy!.checkInvariants();
  });

  it('cma=size@base is fixed at that base', () => {
    const m = boot({ kernel, ramMiB: 1024, cmdline: 'cma=32M@0x50000000' });
    expect(m.parts.cmaAreas.map((a) => [a.base, a.size])).toEqual([[0x50000000, 32 * MiB]]);
  });

  it('two NUMA nodes: each node has its own zones and pcp high uses its own CPUs (6.1)', () => {
    const m = boot({ kernel, ramMiB: 8192, nodes: 2, cpus: 4 });
    expect(m.view().nodes.map((n) => n.nid)).toEqual([0, 1]);
    const n1 = zone(m, 'Normal', 1);
    expect(n1.present).toBe((4 * GiB) / 4096);
    if (kernel === '6.1') expect(n1.pcp[0].high).toBe(Math.max(Math.floor(n1.low / 2), 4 * n1.pcp[0].batch));
    else expect(n1.pcp[0].high).toBe(6 * n1.pcp[0].batch);
  });

  it('movablecore= carves a ZONE_MOVABLE that starts on a MAX_ORDER boundary', () => {
    const m = boot({ kernel, ramMiB: 8192, cmdline: 'movablecore=2G' });
    const mov = zone(m, 'Movable');
    expect(mov.present).toBe((2 * GiB) / 4096);
    expect(mov.startPfn % 1024).toBe(0);
    expect(zone(m, 'Normal').present + zone(m, 'DMA').present + mov.present).toBe((8 * GiB) / 4096);
  });
});

describe('sysctl ranges follow the profile', () => {
  it('watermark_scale_factor: at most 3000 on both (5.10.186 backported the 30% limit)', () => {
    expect(() => boot({ kernel: '5.10', ramMiB: 1024 }).sysctl('vm.watermark_scale_factor', 3001)).toThrow(MmError);
    expect(boot({ kernel: '5.10', ramMiB: 1024 }).sysctl('vm.watermark_scale_factor', 2000).readSysctl('watermark_scale_factor').trim()).toBe('2000');
    const m = boot({ kernel: '6.1', ramMiB: 1024 }).sysctl('vm.watermark_scale_factor', 2000);
    expect(m.readSysctl('watermark_scale_factor').trim()).toBe('2000');
  });
  it('a sysctl write does not re-boot: the buddy state is shared', () => {
    const m = boot({ ramMiB: 1024 });
    expect(m.sysctl('vm.min_free_kbytes', 16384).parts.buddy).toBe(m.parts.buddy);
  });
});

describe('x86_64', () => {
  it.each(['5.10', '6.1'] as const)('%s: DMA below 16 MiB from pfn 1, DMA32 below 4 GiB, Normal above', (kernel) => {
    const m = boot({ arch: 'x86_64', kernel, ramMiB: 8192 });
    expect([zone(m, 'DMA').startPfn, zone(m, 'DMA').spanned]).toEqual([1, 4095]);
    expect(zone(m, 'DMA32').startPfn).toBe(4096);
    expect(zone(m, 'Normal').startPfn).toBe(GiB * 4 / 4096);
    expect(zone(m, 'Normal').present).toBe(((8192 - 3072) * MiB) / 4096);
    // the pageblock at pfn 0 is not memory: it stays Unmovable
    expect(zone(m, 'DMA').blocksByType[0]).toBeGreaterThanOrEqual(1);
    m.parts.buddy!.checkInvariants();
  });
  it('mem= is an address limit', () => {
    const m = boot({ arch: 'x86_64', ramMiB: 8192, cmdline: 'mem=2G' });
    expect(zone(m, 'Normal').present).toBe(0);
    expect(zone(m, 'DMA32').startPfn + zone(m, 'DMA32').spanned).toBe((2 * GiB) / 4096);
  });
  it('Debian amd64 has no CONFIG_CMA: cma= is ignored, and no CMA migratetype is printed', () => {
    const m = boot({ arch: 'x86_64', kernel: '6.1', ramMiB: 8192, cmdline: 'cma=256M' });
    expect(m.parts.cmaAreas).toEqual([]);
    expect(m.render('pagetypeinfo')).not.toMatch(/\bCMA\b/);
    expect(m.render('meminfo')).not.toMatch(/^Cma/m);
    expect(zone(m, 'Normal').managed).toBe(zone(boot({ arch: 'x86_64', kernel: '6.1', ramMiB: 8192 }), 'Normal').managed);
  });
  it('with CONFIG_CMA=y, cma=256M on a big machine: 6.1 bottom-up from 4 GiB, 5.10 top of RAM', () => {
    const kconfig = 'CONFIG_CMA=y\nCONFIG_DMA_CMA=y\n';
    const m61 = boot({ arch: 'x86_64', kernel: '6.1', ramMiB: 8192, cmdline: 'cma=256M', kconfig });
    expect(m61.parts.cmaAreas[0].base).toBe(4 * GiB);
    expect(m61.render('pagetypeinfo')).toMatch(/type +CMA /);
    const m510 = boot({ arch: 'x86_64', kernel: '5.10', ramMiB: 8192, cmdline: 'cma=256M', kconfig });
    const top = m510.parts.memblock!.endOfDram();
    expect(m510.parts.cmaAreas[0].base + 256 * MiB).toBeLessThanOrEqual(top);
    expect(m510.parts.cmaAreas[0].base).toBeGreaterThan(top - 512 * MiB);
  });
});

describe('32-bit arm with HighMem', () => {
  it.each([1024, 3072])('%i MiB: lowmem is the first 768 MiB (3G/1G split), the rest HighMem', (ramMiB) => {
    const m = boot({ arch: 'arm', kernel: '6.1', ramMiB });
    const low = Math.min(ramMiB, 768) * MiB / 4096;
    expect(zone(m, 'DMA').present).toBe(low);
    expect(zone(m, 'Normal').present).toBe(0);
    const high = zone(m, 'HighMem');
    expect(high.present).toBe(ramMiB * MiB / 4096 - low);
    // is_highmem: min = clamp(managed / 1024, 32, 128): 1 GiB leaves 65536 HighMem pages → 64;
    // 3 GiB leaves 589824 → 576, clamped to 128
    expect(high.min).toBe(ramMiB === 1024 ? 64 : 128);
    expect(zone(m, 'Movable').min).toBe(32);
    m.parts.buddy!.checkInvariants();
  });
  it('default CMA goes into highmem first', () => {
    const m = boot({ arch: 'arm', kernel: '6.1', ramMiB: 2048 });
    expect(m.parts.cmaAreas[0].base).toBeGreaterThanOrEqual(0x40000000 + 768 * MiB);
    expect(zone(m, 'HighMem').cma).toBe(16 * MiB / 4096);
  });
});

describe('bad input gets an MmError naming the problem', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(MmError);
      return (e as MmError).code;
    }
    return 'no error';
  };
  it('an impossible cma=', () => {
    expect(code(() => boot({ ramMiB: 512, cmdline: 'cma=2G' }))).toBe('CMA_NO_SPACE');
    expect(code(() => boot({ ramMiB: 512, cmdline: 'cma=32M@0x50100000' }))).toBe('CMA_UNALIGNED');
  });
  it('a malformed command line value', () => {
    expect(code(() => boot({ ramMiB: 512, cmdline: 'cma=lots' }))).toBe('CMDLINE_BAD_VALUE');
  });
  it('a truncated DTB', () => {
    expect(code(() => bootMachine({ arch: 'arm64', kernel: '6.1', dtb: new Uint8Array(64) }))).toMatch(/^FDT_/);
  });
  it('a wrong input kind or arch', () => {
    expect(code(() => bootMachine({ arch: 'x86_64', kernel: '6.1', dtb: new Uint8Array(64) }))).toBe('BOOT_INPUT');
    expect(code(() => bootMachine({ arch: 'mips' as never, kernel: '6.1', topology: { arch: 'arm64', kernel: '6.1', ramMiB: 64 } }))).toBe('BAD_ARCH');
    expect(code(() => bootMachine({ arch: 'arm64', kernel: '6.1', topology: { arch: 'arm64', kernel: '6.1', ramMiB: 0 } }))).toBe('TOPOLOGY_INVALID');
  });
  it('an unknown or out-of-range sysctl', () => {
    const m = boot({ ramMiB: 512 });
    expect(code(() => m.sysctl('vm.nonsense', 1))).toBe('SYSCTL_UNKNOWN');
    expect(code(() => m.sysctl('vm.watermark_scale_factor', 0))).toBe('SYSCTL_INVALID');
  });
});
