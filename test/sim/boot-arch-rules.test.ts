/**
 * Per-arch boot rules found wrong in review, each checked against the kernel source it models:
 * x86 SRAT node ranges split e820 RAM (memblock_set_node), QEMU-style SRAT for an x86 topology,
 * 6.1's bottom-up CMA try from SZ_4G (cma_declare_contiguous_nid), arm32 vmalloc= per version
 * (early_vmalloc / adjust_lowmem_bounds) and arm32 mem= banks (arm_add_memory).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORACLE } from '../oracle/cases';
import { bootMachine, type BootRequest } from '../../src/sim/boot/boot';
import type { Machine } from '../../src/sim/machine/machine';
import { MmError } from '../../src/sim/errors';
import { cmaMinAlignment } from '../../src/sim/mm-init/cma-reserve';
import { versionRules } from '../../src/sim/kernel-behaviour';
import type { ZoneView } from '../../src/sim/view';

const zones = (m: Machine): ZoneView[] => m.view().nodes.flatMap((n) => n.zones);
const zone = (m: Machine, name: string, nid = 0): ZoneView => zones(m).find((z) => z.name === name && z.nid === nid)!;
const span = (z: ZoneView) => [z.startPfn, z.spanned, z.present];

function topo(arch: BootRequest['arch'], kernel: BootRequest['kernel'], ramMiB: number, extra: Partial<BootRequest> & { nodes?: number; cpus?: number } = {}): Machine {
  const { nodes, cpus, ...rest } = extra;
  return bootMachine({ arch, kernel, topology: { arch, kernel, ramMiB, nodes, cpus }, ...rest });
}

// QEMU pc, 5 GiB: 3 GiB below the PCI hole, 2 GiB above 4 GiB.
const E820 = `BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved
BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable
BIOS-e820: [mem 0x00000000bffe0000-0x00000000bfffffff] reserved
BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved
BIOS-e820: [mem 0x0000000100000000-0x000000017fffffff] usable
`;

describe.each(['5.10', '6.1'] as const)('x86_64 NUMA %s', (kernel) => {
  it('an SRAT node boundary inside an e820 RAM entry splits it between the nodes', () => {
    const srat = `ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]
ACPI: SRAT: Node 0 PXM 0 [mem 0x00100000-0x7fffffff]
ACPI: SRAT: Node 1 PXM 1 [mem 0x80000000-0xbfffffff]
ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x17fffffff]
`;
    const m = bootMachine({ arch: 'x86_64', kernel, e820: E820 + srat });
    // node 0 ends at 2 GiB; node 1 holds the rest of DMA32 and all of Normal
    expect(span(zone(m, 'DMA32', 0))).toEqual([0x1000, 0x80000 - 0x1000, 0x80000 - 0x1000]);
    expect(span(zone(m, 'DMA32', 1))).toEqual([0x80000, 0x100000 - 0x80000, 0xbffe0 - 0x80000]);
    expect(span(zone(m, 'Normal', 1))).toEqual([0x100000, 0x80000, 0x80000]);
    expect(zone(m, 'Normal', 0).spanned).toBe(0);
    // memblock.memory: the e820 entry is one memblock_add, split by memblock_set_node
    expect(m.view().memblock.memory.map((r) => [r.base, r.size, r.nid])).toEqual([
      [0x1000, 0x9e000, 0],
      [0x100000, 0x80000000 - 0x100000, 0],
      [0x80000000, 0xbffe0000 - 0x80000000, 1],
      [0x100000000, 0x80000000, 1],
    ]);
    m.parts.buddy!.checkInvariants();
  });

  it('a topology with nodes gets QEMU build_srat ranges: each node the next share of RAM, past the PCI hole', () => {
    const m = topo('x86_64', kernel, 16384, { nodes: 4, cpus: 8 });
    expect(m.view().nodes.map((n) => n.nid)).toEqual([0, 1, 2, 3]);
    // node 0: 4 GiB of RAM = [0, 3 GiB) minus holes, then [4 GiB, 5 GiB)
    expect(span(zone(m, 'Normal', 0))).toEqual([0x100000, 0x40000, 0x40000]);
    for (const nid of [1, 2, 3]) expect(span(zone(m, 'Normal', nid))).toEqual([0x140000 + (nid - 1) * 0x100000, 0x100000, 0x100000]);
    expect(zone(m, 'DMA32', 1).spanned).toBe(0);
  });
});

describe('CMA placement (cma_declare_contiguous_nid)', () => {
  // x86_64 with CONFIG_CMA=y (Debian's amd64 has none): the generic placement rules on a machine above 4 GiB
  const req = (kernel: '5.10' | '6.1', cmdline: string) => topo('x86_64', kernel, 8192, { cmdline, kconfig: 'CONFIG_CMA=y\nCONFIG_DMA_CMA=y\n' });
  it('6.1 tries bottom-up from SZ_4G whatever the requested base; 5.10 goes top-down in [base, limit)', () => {
    expect(req('6.1', 'cma=64M@0x180000000-0x200000000').parts.cmaAreas[0]!.base).toBe(0x100000000);
    expect(req('5.10', 'cma=64M@0x180000000-0x200000000').parts.cmaAreas[0]!.base).toBe(0x200000000 - 64 * 2 ** 20);
    // cma=S@B is fixed: no allocation at all
    expect(req('6.1', 'cma=64M@0x180000000').parts.cmaAreas[0]!.base).toBe(0x180000000);
  });

  it('a cma= range that the arm64 DMA limit cuts off says that the arch limit did it', () => {
    expect(() => topo('arm64', '6.1', 8192, { cmdline: 'cma=64M@0x140000000-0x200000000' })).toThrow(/CMA area of 64 MiB at 0x140000000 does not fit below limit 0x100000000.*arch DMA limit 0x100000000/);
  });
});

describe('arm32 default CMA limit (dma_contiguous_reserve(arm_dma_limit))', () => {
  it('arm_dma_limit is 0xffffffff, aligned down: with RAM up to 4 GiB the area ends below it', () => {
    for (const kernel of ['5.10', '6.1'] as const) {
      const m = topo('arm', kernel, 3072);
      const c = m.parts.profile.config;
      const align = cmaMinAlignment(versionRules(kernel), c.pageblockOrder, c.maxOrder);
      const a = m.parts.cmaAreas[0]!;
      // highmem first, top-down below limit & ~(align - 1), not below 4 GiB
      expect(a.base + a.size).toBe(Math.floor(0xffffffff / align) * align);
    }
  });
});

describe('arm32 LPAE swiotlb (mem_init: swiotlb_init(max_pfn > arm_dma_pfn_limit))', () => {
  it('RAM reaching 4 GiB gets a 64 MiB bounce buffer in lowmem; 2 GiB at 0x40000000 gets none', () => {
    for (const kernel of ['5.10', '6.1'] as const) {
      const bounce = (ramMiB: number) => topo('arm', kernel, ramMiB).parts.reservations.filter((r) => r.what === 'swiotlb bounce buffer');
      expect(bounce(2048)).toEqual([]);
      const [b] = bounce(3072);
      expect(b!.size).toBe(64 * 2 ** 20);
      // memblock_alloc_low is capped by current_limit: the end of lowmem (768 MiB above PHYS_OFFSET)
      expect(b!.base + b!.size).toBeLessThanOrEqual(0x40000000 + 768 * 2 ** 20);
      // and it is gone from the DMA zone's managed pages
      expect(zone(topo('arm', kernel, 3072), 'DMA').managed).toBeLessThan(zone(topo('arm', kernel, 2048), 'DMA').managed - 16384);
    }
  });
});

describe('arm32 lowmem and mem= banks', () => {
  it('vmalloc=512M: 5.10 does not subtract VMALLOC_OFFSET from a given size, 6.1 does', () => {
    // 5.10: vmalloc_min = VMALLOC_END - 512M = 0xdf800000 → lowmem ends at PHYS_OFFSET + 0x1f800000
    expect(zone(topo('arm', '5.10', 2048, { cmdline: 'vmalloc=512M' }), 'DMA').spanned).toBe(0x1f800000 / 4096);
    // 6.1: vmalloc_limit = VMALLOC_END - 512M - 8M - PAGE_OFFSET + PHYS_OFFSET
    expect(zone(topo('arm', '6.1', 2048, { cmdline: 'vmalloc=512M' }), 'DMA').spanned).toBe(0x1f000000 / 4096);
    // the default (240 MiB) subtracts VMALLOC_OFFSET in both: 768 MiB of lowmem
    for (const k of ['5.10', '6.1'] as const) expect(zone(topo('arm', k, 2048), 'DMA').spanned).toBe(768 * 256);
  });

  it('a huge vmalloc= is clamped: 6.1 keeps VMALLOC_OFFSET + 32 MiB of lowmem', () => {
    // 6.1: size ≤ VMALLOC_END - (PAGE_OFFSET + 32M + 8M) → 32 MiB of lowmem; 5.10: size ≤ VMALLOC_END - (PAGE_OFFSET + 32M) → 32 MiB too
    for (const k of ['5.10', '6.1'] as const) expect(zone(topo('arm', k, 512, { cmdline: 'vmalloc=1G' }), 'DMA').spanned).toBe(32 * 256);
    // with 2 GiB, the FLATMEM memmap (18 MiB) does not fit in what the 20 MiB image leaves of 32 MiB of
    // lowmem: alloc_node_mem_map panics
    expect(() => topo('arm', '6.1', 2048, { cmdline: 'vmalloc=1G' })).toThrow(/panics in alloc_node_mem_map: "Failed to allocate 18874368 bytes for node 0 memory map"/);
  });

  it('mem=size@start below PHYS_OFFSET is clipped to PHYS_OFFSET (arm_add_memory), not dropped', () => {
    const m = topo('arm', '6.1', 2048, { cmdline: 'mem=512M@0x3ff00000' });
    expect(span(zone(m, 'DMA'))).toEqual([0x40000, 0x1ff00, 0x1ff00]);
  });

  it('adjust_lowmem_bounds: a non-PMD-aligned first bank start becomes NOMAP; an unaligned bank end caps the memblock limit', () => {
    const m = topo('arm', '6.1', 2048, { cmdline: 'mem=512M@0x40100000' });
    expect(m.view().memblock.memory.map((r) => [r.base, r.size, r.flags])).toEqual([
      [0x40100000, 0x100000, 4],
      [0x40200000, 0x1ff00000, 0],
    ]);
    // NOMAP pages are present but never managed
    const z = zone(m, 'DMA');
    expect([z.startPfn, z.present]).toEqual([0x40100, 0x20000]);
    expect(z.managed).toBeLessThanOrEqual(0x20000 - 0x100);
    // bank 0 ends at 0x4ff00000: memblock_limit = round_down(0x4ff00000, 2M), so the early page
    // tables (before paging_init raises the limit) go below 0x4fe00000, not to the top of lowmem
    const two = topo('arm', '6.1', 2048, { cmdline: 'mem=255M@0x40000000 mem=256M@0x50000000' });
    const pt = two.parts.reservations.filter((r) => r.what === 'page table');
    expect(pt.length).toBeGreaterThan(0);
    for (const r of pt) expect(r.base + r.size).toBeLessThanOrEqual(0x4fe00000);
  });

  it('mem= banks that leave no memory, or no lowmem, are a clear MmError', () => {
    const err = (cmdline: string) => {
      try {
        topo('arm', '6.1', 2048, { cmdline });
      } catch (e) {
        expect(e).toBeInstanceOf(MmError);
        return (e as MmError).code;
      }
      return 'booted';
    };
    expect(err('mem=1M@0x10000000')).toBe('MEM_EMPTY');
    expect(err('mem=0')).toBe('MEM_EMPTY');
    expect(err('mem=256M@0x90000000')).toBe('MEM_NO_LOWMEM');
  });
});

describe('topology node count', () => {
  it('more nodes than MAX_NUMNODES is a TOPOLOGY_INVALID error, not a memblock internal one', () => {
    expect(() => topo('arm64', '6.1', 8192, { nodes: 70 })).toThrow(/MAX_NUMNODES/);
    try {
      topo('arm64', '6.1', 8192, { nodes: 70 });
    } catch (e) {
      expect((e as MmError).code).toBe('TOPOLOGY_INVALID');
    }
    // a kernel without CONFIG_NUMA ignores numa-node-id (of memory and of CPUs): arm32 boots one node
    const m = topo('arm', '6.1', 2048, { nodes: 3, cpus: 3 });
    expect(m.view().nodes).toHaveLength(1);
    expect(zone(m, 'DMA').pcp).toHaveLength(3);
  });
});

describe('--cpus above the firmware CPU count', () => {
  it('CPUs the DT does not describe are spread over the nodes, like DT CPUs without numa-node-id', () => {
    for (const kernel of ['5.10', '6.1'] as const) {
      const viaFlag = bootMachine({ arch: 'arm64', kernel, topology: { arch: 'arm64', kernel, ramMiB: 8192, nodes: 2, cpus: 2 }, cpus: 6 });
      const viaDt = bootMachine({ arch: 'arm64', kernel, topology: { arch: 'arm64', kernel, ramMiB: 8192, nodes: 2, cpus: 6 } });
      // (managed differs by the unflattened DT size: the DT with 6 /cpus nodes is bigger)
      const pcp = (m: Machine) => zones(m).map((z) => [z.nid, z.name, z.pcp.map((p) => [p.high, p.batch])]);
      expect(pcp(viaFlag)).toEqual(pcp(viaDt));
    }
  });
});

describe('--boot-log of another machine', () => {
  const read = (f: string) => readFileSync(join(ORACLE, f), 'utf8');
  it('is a BOOTLOG_MISMATCH error naming both memory sizes, not silently replayed', () => {
    const dtb = new Uint8Array(readFileSync(join(ORACLE, 'a64-512m/virt.dtb')));
    for (const other of ['a64-1g-reserved/kernel-console.txt', 'a64-2g-cma64/kernel-console.txt']) {
      let err: unknown;
      try {
        bootMachine({ arch: 'arm64', kernel: '6.1', dtb, bootLog: read(other) });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MmError);
      expect((err as MmError).code).toBe('BOOTLOG_MISMATCH');
      expect((err as MmError).message).toMatch(/memory size 0x[0-9a-f]+, this boot has 0x20000000/);
    }
    // another arch's log is refused before its memory is compared
    expect(() => bootMachine({ arch: 'arm64', kernel: '6.1', dtb, bootLog: read('x64-1g/kernel-console.txt') })).toThrow(/an x86_64 kernel, but the arch is arm64/);
    // its own log still replays
    expect(bootMachine({ arch: 'arm64', kernel: '6.1', dtb, bootLog: read('a64-512m/kernel-console.txt') }).parts.source).toBe('boot-log');
  });
});
