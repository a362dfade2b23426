/**
 * arm64 NUMA from the device tree (arch_numa_init → numa_init(of_numa_init), drivers/base/arch_numa.c):
 * memory a node does not cover makes numa_register_nodes fail, and the kernel falls back to
 * dummy_numa_init (one node); nodes whose memory interleaves are refused by name. x86 falls back
 * the same way when SRAT leaves e820 RAM uncovered.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/boot/boot';
import { MmError } from '../../src/sim/errors';
import { buildTopologyFdt } from '../../src/sim/fdt';

const GiB = 2 ** 30;
const boot = (memory: Array<{ base: number; size: number; nid?: number }>, cmdline = '') =>
  bootMachine({ arch: 'arm64', kernel: '6.1', dtb: buildTopologyFdt({ memory, cpus: [{ nid: memory[0].nid }, { nid: memory.at(-1)!.nid }], bootargs: cmdline }) });

describe('arm64 NUMA from the device tree', () => {
  it('two /memory nodes with numa-node-id: two nodes', () => {
    const m = boot([{ base: 0x40000000, size: GiB, nid: 0 }, { base: 0x80000000, size: GiB, nid: 1 }]);
    expect(m.view().nodes.map((n) => n.nid)).toEqual([0, 1]);
  });

  it('a /memory node without numa-node-id: "invalid memblk node", then one node with all memory', () => {
    const m = boot([{ base: 0x40000000, size: GiB, nid: 0 }, { base: 0x80000000, size: GiB }]);
    expect(m.view().nodes.map((n) => n.nid)).toEqual([0]);
    expect(m.view().nodes[0].zones.reduce((s, z) => s + z.present, 0)).toBe((2 * GiB) / 4096);
    expect(m.parts.dmesg.join('\n')).toMatch(/NUMA: Warning: invalid memblk node 16 \[mem 0x80000000-0xbfffffff\]/);
  });

  it('node 1 inside node 0\'s span: NUMA_INTERLEAVED naming both nodes', () => {
    let err: unknown;
    try { boot([{ base: 0x40000000, size: GiB, nid: 0 }, { base: 0x60000000, size: 0x1000000, nid: 1 }, { base: 0x80000000, size: GiB, nid: 0 }]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MmError);
    expect((err as MmError).code).toBe('NUMA_INTERLEAVED');
    expect((err as MmError).message).toMatch(/NUMA nodes 0 and 1 interleaves/);
  });
});

describe('x86_64 SRAT that does not cover the e820 RAM (numa_meminfo_cover_memory)', () => {
  const e820 = (srat: string) => [
    'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
    'BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable',
    'BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable',
    srat,
  ].join('\n') + '\n';
  it('nodes that cover it all: two nodes', () => {
    const m = bootMachine({ arch: 'x86_64', kernel: '6.1', e820: e820('ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x7fffffff]\nACPI: SRAT: Node 1 PXM 1 [mem 0x80000000-0x13fffffff]') });
    expect(m.view().nodes.map((n) => n.nid)).toEqual([0, 1]);
  });
  it('1 GiB left out: "nodes only cover … Not used." and one node', () => {
    const m = bootMachine({ arch: 'x86_64', kernel: '6.1', e820: e820('ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x7fffffff]\nACPI: SRAT: Node 1 PXM 1 [mem 0x80000000-0xffffffff]') });
    expect(m.view().nodes.map((n) => n.nid)).toEqual([0]);
    expect(m.parts.dmesg).toContain('NUMA: nodes only cover 3071MB of your 4095MB e820 RAM. Not used.');
  });
});
