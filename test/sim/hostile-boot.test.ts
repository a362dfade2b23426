/**
 * Machines the kernel could not boot, or mmbook cannot simulate, are refused with a code naming
 * the rule; limits the kernel applies silently (COMMAND_LINE_SIZE, NR_CPUS, MAX_NUMNODES) are
 * applied as the kernel applies them.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine, type BootRequest } from '../../src/sim/boot/boot';
import { minTopologyRamMiB } from '../../src/sim/machine/topology-check';
import { buildTopologyFdt } from '../../src/sim/fdt/fdt-topology';
import { MmError } from '../../src/sim/errors';
import type { Arch } from '../../src/sim/types';
import { oracleCases } from '../oracle/cases';

const GiB = 2 ** 30;
const TiB = 2 ** 40;
const BASE = 0x40000000;

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof MmError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'booted';
}
const topo = (arch: Arch, ramMiB: number, extra: Partial<BootRequest['topology']> = {}, req: Partial<BootRequest> = {}) =>
  bootMachine({ arch, kernel: '6.1', topology: { arch, kernel: '6.1', ramMiB, ...extra }, ...req });
const dtb = (arch: Arch, t: Parameters<typeof buildTopologyFdt>[0], req: Partial<BootRequest> = {}) =>
  bootMachine({ arch, kernel: '6.1', dtb: buildTopologyFdt(t), ...req });

describe('RAM that cannot hold the kernel image', () => {
  it.each(['arm64', 'arm', 'x86_64'] as const)('%s: a topology below the image is refused; the smallest that holds it boots', (arch) => {
    const min = minTopologyRamMiB({ arch, kernel: '6.1' });
    expect(codeOf(() => topo(arch, min - 1))).toMatch(/^KERNEL_IMAGE_OUTSIDE_RAM: topology ramMiB \d+ is too small: .* give at least \d+/);
    expect(codeOf(() => topo(arch, 1))).toMatch(/^KERNEL_IMAGE_OUTSIDE_RAM/);
    expect(topo(arch, min).view().nodes[0]!.zones.some((z) => z.managed > 0)).toBe(true);
  });

  it('a device tree whose RAM ends inside the image is refused, naming the image and the RAM', () => {
    expect(codeOf(() => dtb('arm64', { memory: [{ base: BASE, size: 20 * 2 ** 20 }] }))).toBe(
      'KERNEL_IMAGE_OUTSIDE_RAM: the 6.1 arm64 kernel image [0x40210000, 0x42210000) (32 MiB) does not fit in the RAM the firmware describes ([0x40000000, 0x41400000)); it needs at least 35 MiB of RAM from the start of DRAM: no bootloader can load it there (at memory map)',
    );
  });

  it('arm64 mem= below the image is repaired by arm64_memblock_init, arm32 mem= below it is refused', () => {
    expect(dtb('arm64', { memory: [{ base: BASE, size: GiB }] }, { cmdline: 'mem=16M' }).parts.memblock!.memory.length).toBeGreaterThan(0);
    expect(codeOf(() => dtb('arm', { memory: [{ base: BASE, size: GiB }] }, { cmdline: 'mem=16M' }))).toMatch(/^KERNEL_IMAGE_OUTSIDE_RAM: .* the RAM mem= leaves/);
  });
});

describe('machines larger than mmbook boots', () => {
  it('a topology above 256 GiB is refused up front, naming ramMiB', () => {
    expect(codeOf(() => topo('arm64', 8 * 2 ** 20))).toBe('MACHINE_TOO_LARGE: topology ramMiB 8388608 (8 TiB) is more RAM than mmbook boots: at most 262144 (256 GiB) (at ramMiB)');
    expect(codeOf(() => topo('x86_64', 4 * 2 ** 20))).toMatch(/^MACHINE_TOO_LARGE: topology ramMiB 4194304 \(4 TiB\)/);
  });

  it('a device tree bank of petabytes is refused once the kernel has cut it to its address space', () => {
    // arm64_memblock_init keeps [memstart, memstart + 128 TiB) of the linear map
    expect(codeOf(() => dtb('arm64', { memory: [{ base: BASE, size: 2 ** 50 }] }))).toMatch(/^MACHINE_TOO_LARGE: the machine has 128 TiB of RAM; mmbook boots at most 256 GiB/);
    expect(codeOf(() => dtb('arm', { memory: [{ base: BASE, size: 2 * TiB }] }))).toMatch(/^MACHINE_TOO_LARGE/);
  });

  it('RAM far from the rest is refused by its span or its end', () => {
    expect(codeOf(() => dtb('arm64', { memory: [{ base: BASE, size: GiB }, { base: 4 * TiB, size: GiB }] }))).toMatch(/^MACHINE_TOO_LARGE: RAM spans/);
    expect(codeOf(() => dtb('arm64', { memory: [{ base: 16 * TiB, size: 2 * GiB }] }))).toMatch(/^MACHINE_TOO_LARGE: RAM ends at 0x100080000000/);
  });

  it('mem= is applied first: 8 TiB of firmware RAM booted with mem=1G is a 1 GiB machine', () => {
    const m = dtb('arm64', { memory: [{ base: BASE, size: 8 * TiB - 2 * GiB }] }, { cmdline: 'mem=1G' });
    expect(m.parts.memblock!.memory.reduce((n, r) => n + r.size, 0)).toBe(GiB);
  });
});

describe('memory the early reservations leave no room in', () => {
  it.each(['arm64', 'arm'] as const)('%s: /memreserve/ over all RAM makes the first must-succeed allocation panic', (arch) => {
    const t = { memory: [{ base: BASE, size: 512 * 2 ** 20 }], memReserve: [{ address: BASE, size: 512 * 2 ** 20 }] };
    const want = arch === 'arm64' ? /^BOOT_PANIC: the kernel panics in early_pgtable_alloc: "Failed to allocate page table page": no free room for it anywhere in RAM \(0 bytes of RAM is unreserved in all/ : /^BOOT_PANIC: the kernel panics in early_alloc: "early_alloc: Failed to allocate 8192 bytes align=0x2000"/;
    expect(codeOf(() => dtb(arch, t))).toMatch(want);
    // with room left, the allocations land outside the reserved range
    const m = dtb(arch, { ...t, memReserve: [{ address: BASE, size: 256 * 2 ** 20 }] });
    const pt = m.parts.reservations.filter((r) => r.what === 'page table');
    expect(pt.length).toBeGreaterThan(0);
    for (const r of pt) expect(r.base).toBeGreaterThanOrEqual(BASE + 256 * 2 ** 20);
  });
});

describe('limits the kernel applies itself', () => {
  it.each([16, 17, 4096])('arm64 numa-node-id %i (MAX_NUMNODES 16): of_numa_init fails and every bank is node 0', (nid) => {
    const m = dtb('arm64', { memory: [{ base: BASE, size: GiB, nid }], cpus: [{ nid }] });
    expect(m.view().nodes.map((n) => n.nid)).toEqual([0]);
    expect(m.parts.dmesg).toContain(`OF: NUMA: Node id ${nid} exceeds maximum value`);
  });

  it('an x86 SRAT node at or above MAX_NUMNODES (1024) is a bad SRAT: one node, as x86_numa_init falls back', () => {
    const c = oracleCases().find((x) => x.name === 'x64-6g-numa2')!;
    const e820 = c.bootLog.replace(/Node 1\b/g, 'Node 1500');
    const m = bootMachine({ ...c.request, e820 });
    expect(m.view().nodes.map((n) => n.nid)).toEqual([0]);
    expect(m.parts.dmesg).toContain('SRAT: Too many proximity domains.');
  });

  it.each([['arm64', 2048], ['arm', 1024], ['x86_64', 2048]] as const)('%s: a command line keeps COMMAND_LINE_SIZE - 1 = %i - 1 bytes, from --cmdline as from the device tree', (arch, size) => {
    const long = 'x'.repeat(size - 1 - 'cma=32M '.length) + ' cma=32M' + ' cma=128M';
    const m = topo(arch, 1024, {}, { cmdline: long });
    expect(m.parts.cmdline).toHaveLength(size - 1);
    expect(m.parts.cmdline.endsWith(' cma=32M')).toBe(true);
    expect(m.parts.params.tokens.at(-1)).toMatchObject({ param: 'cma', value: '32M' });
    if (arch !== 'x86_64') expect(topo(arch, 1024, { cmdline: long }).parts.cmdline).toBe(m.parts.cmdline);
  });

  it('a topology with more CPUs than CONFIG_NR_CPUS is refused, like --cpus; a device tree\'s extra CPUs are clipped', () => {
    expect(codeOf(() => topo('arm64', 1024, { cpus: 257 }))).toBe('TOPOLOGY_INVALID: topology cpus must be an integer from 1 to 256 (CONFIG_NR_CPUS), got 257 (at cpus)');
    expect(codeOf(() => topo('x86_64', 1024, { cpus: 100000 }))).toMatch(/^TOPOLOGY_INVALID: topology cpus must be an integer from 1 to 8192/);
    const m = dtb('arm64', { memory: [{ base: BASE, size: GiB }], cpus: Array.from({ length: 300 }, () => ({})) });
    expect(m.parts.cpus).toBe(256);
    expect(m.parts.dmesg).toContain('Number of cores (300) exceeds configured maximum of 256 - clipping');
  });

  it('topology fields are refused by name: a fraction of a page, a bad reserved child', () => {
    expect(codeOf(() => topo('arm64', 1048.576))).toBe('TOPOLOGY_INVALID: topology ramMiB must be a whole number of 4 KiB pages (a multiple of 1/256 MiB), got 1048.576 (at ramMiB)');
    expect(codeOf(() => topo('arm64', 1024, { reserved: [{ name: 'r', size: 2 ** 60 }] }))).toMatch(/^TOPOLOGY_INVALID: topology reserved: .* \(at reserved\)$/);
    expect(codeOf(() => topo('arm64', 1024, { nodes: 1000 }))).toMatch(/^TOPOLOGY_INVALID: topology nodes must be an integer from 1 to 16/);
  });
});
