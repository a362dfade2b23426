import { describe, expect, it } from 'vitest';
import { readFileSync } from 'fs';
import {
  applyConfigCmdline, buildFdt, buildTopologyFdt, earlyInitDtAddMemoryArch, fdtScan, parseFdt,
  type FdtNodeSpec, type FdtPropValue,
} from '../../src/sim/fdt';
import { reservedMemAllocAlign } from '../../src/sim/mm-init/of-reserved-mem';
import { MmError } from '../../src/sim/errors';
import { parseBootLog } from '../../src/sim/input/boot-log';
import { ORACLE } from '../helpers/oracle-dir';

const c2 = (...v: number[]): FdtPropValue => ({ cells: v, size: 2 });
const mem = (name: string, base: number, size: number, extra: Record<string, FdtPropValue> = {}): FdtNodeSpec => ({
  name, props: { device_type: 'memory', reg: c2(base, size), ...extra },
});
const tree = (children: FdtNodeSpec[], rootProps: Record<string, FdtPropValue> = { '#address-cells': [2], '#size-cells': [2] }) =>
  parseFdt(buildFdt({ root: { name: '', props: rootProps, children } }));
const rmem = (children: FdtNodeSpec[], props: Record<string, FdtPropValue> = { '#address-cells': [2], '#size-cells': [2], ranges: true }): FdtNodeSpec => ({
  name: 'reserved-memory', props, children,
});

describe('fdtScan on the oracle trees', () => {
  it('a64-1g-reserved: one static no-map region and one dynamic CMA pool, in DT order', () => {
    for (const k of ['5.10', '6.1'] as const) {
      const s = fdtScan(parseFdt(new Uint8Array(readFileSync(`${ORACLE}/a64-1g-reserved/modified.dtb`))), k);
      expect(s.rootAddrCells).toBe(2);
      expect(s.memory).toEqual([{ base: 0x40000000, size: 0x40000000, node: '/memory@40000000', hotpluggable: false, nid: null, usableMemory: false }]);
      expect(s.reservedMem.status).toBe('ok');
      expect(s.reservedMem.staticRegs).toEqual([{ name: 'nomap@60000000', path: '/reserved-memory/nomap@60000000', base: 0x60000000, size: 0x300000, noMap: true }]);
      const [st, dyn] = s.reservedMem.entries;
      expect(st).toMatchObject({ name: 'nomap@60000000', base: 0x60000000, size: 0x300000, dynamic: false, noMap: true });
      expect(dyn).toMatchObject({ name: 'oracle-cma', base: 0, size: 0, dynamic: true, reusable: true, compatible: ['shared-dma-pool'], allocSize: 0x2000000, alignment: 0x400000, allocError: null });
      // The pool's alignment is already 4 MiB, above both kernels' CMA minimum.
      expect(reservedMemAllocAlign(dyn!, { kernel: k, cma: true, maxOrder: 11, pageblockOrder: 9 })).toBe(0x400000);
    }
  });
  it('arm64: the page-rounded initrd from /chosen is what arm64_memblock_init reserves in every boot', () => {
    for (const d of ['a64-512m', 'a64-512m-k510', 'a64-2g-cma64', 'a64-1g-nothp', 'a64-1g-tuned', 'a64-1g-reserved']) {
      const s = fdtScan(parseFdt(new Uint8Array(readFileSync(`${ORACLE}/${d}/fdt-from-kernel.dtb`))), d.endsWith('k510') ? '5.10' : '6.1');
      const log = parseBootLog(readFileSync(`${ORACLE}/${d}/kernel-console.txt`, 'utf8'));
      const r = log.memblock.find((o) => o.op === 'memblock_reserve' && o.caller === 'arm64_memblock_init' && o.base === 0x48000000);
      const { start, end } = s.chosen!.initrd!;
      expect(r?.base, d).toBe(start - (start % 4096));
      expect(r!.end! + 1, d).toBe(Math.ceil(end / 4096) * 4096);
    }
  });
  it('a64-1g-reserved: the dynamic region is allocated with the scanned size and the 6.1 alignment', () => {
    const s = fdtScan(parseFdt(new Uint8Array(readFileSync(`${ORACLE}/a64-1g-reserved/modified.dtb`))), '6.1');
    const log = parseBootLog(readFileSync(`${ORACLE}/a64-1g-reserved/kernel-console.txt`, 'utf8'));
    const a = log.memblock.filter((o) => o.caller === 'early_init_dt_alloc_reserved_memory_arch');
    const dyn = s.reservedMem.entries.filter((e) => e.dynamic);
    expect(a.length).toBe(dyn.length);
    expect(a[0]!.size).toBe(dyn[0]!.allocSize);
    expect(a[0]!.align).toBe(reservedMemAllocAlign(dyn[0]!, { kernel: '6.1', cma: true, maxOrder: 11, pageblockOrder: 9 }));
    expect(a[0]!.maxAddr).toBe(Infinity); // no alloc-ranges: [0, MEMBLOCK_ALLOC_ANYWHERE)
  });
  it('reads initrd and bootargs from every arm oracle tree, matching /proc/cmdline', () => {
    for (const d of ['a64-512m', 'a64-512m-k510', 'a64-2g-cma64', 'a32-2g-highmem', 'a64-1g-nothp']) {
      const dts = readFileSync(`${ORACLE}/${d}/virt.dts`, 'utf8');
      const s = fdtScan(parseFdt(new Uint8Array(readFileSync(`${ORACLE}/${d}/virt.dtb`))), d.endsWith('k510') ? '5.10' : '6.1');
      expect(s.chosen?.bootargs).toBe(readFileSync(`${ORACLE}/${d}/cmdline.txt`, 'utf8').trim());
      expect(s.chosen?.initrd?.start).toBe(Number(/linux,initrd-start = <(0x[0-9a-f]+)>/.exec(dts)![1]));
      expect(s.chosen?.initrd?.end).toBe(Number(/linux,initrd-end = <(0x[0-9a-f]+)>/.exec(dts)![1]));
      expect(s.dmaMaxCpuAddress).toBeNull();
      expect(s.cpus.length).toBe((dts.match(/device_type = "cpu"/g) ?? []).length);
    }
  });
});

describe('memory nodes: 5.10 versus 6.1', () => {
  const t = tree([
    mem('memory@40000000', 0x40000000, 0x10000000),
    { name: 'bus', children: [mem('memory@80000000', 0x80000000, 0x1000000)] },
    mem('memory@90000000', 0x90000000, 0x1000000, { status: 'disabled' }),
    mem('memory@a0000000', 0xa0000000, 0x1000000, { 'linux,usable-memory': c2(0xa0100000, 0x100000), hotpluggable: true, 'numa-node-id': [1] }),
    { name: 'memory@b0000000', props: { device_type: 'memory', reg: c2(0xb0000000, 0, 0xc0000000, 0x2000, 0xd0000000) } },
  ]);
  it('5.10 scans every depth and ignores status', () => {
    expect(fdtScan(t, '5.10').memory.map((m) => m.base)).toEqual([0x40000000, 0x80000000, 0x90000000, 0xa0100000, 0xc0000000]);
  });
  it('6.1 scans root children that are available', () => {
    const s = fdtScan(t, '6.1');
    expect(s.memory.map((m) => m.base)).toEqual([0x40000000, 0xa0100000, 0xc0000000]);
    expect(s.memory[1]).toEqual({ base: 0xa0100000, size: 0x100000, node: '/memory@a0000000', hotpluggable: true, nid: 1, usableMemory: true });
  });
  it('root cells default to 1/1', () => {
    const s = fdtScan(tree([{ name: 'memory', props: { device_type: 'memory', reg: [0x1000, 0x2000, 0x8000, 0x1000] } }], {}), '6.1');
    expect([s.rootAddrCells, s.rootSizeCells]).toEqual([1, 1]);
    expect(s.memory.map((m) => [m.base, m.size])).toEqual([[0x1000, 0x2000], [0x8000, 0x1000]]);
  });
  it('zero root cells give no pairs instead of looping', () => {
    expect(fdtScan(tree([mem('memory@0', 0, 0x1000)], { '#address-cells': [0], '#size-cells': [0] }), '5.10').memory).toEqual([]);
  });
});

describe('/chosen', () => {
  it('5.10 takes a depth-1 chosen or chosen@0 only; 6.1 also matches chosen@unit via /chosen', () => {
    const t = tree([{ name: 'chosen@1', props: { bootargs: 'a=1' } }, { name: 'chosen@0', props: { bootargs: 'b=2' } }]);
    expect(fdtScan(t, '5.10').chosen?.bootargs).toBe('b=2');
    expect(fdtScan(t, '6.1').chosen?.bootargs).toBe('a=1');
  });
  it('reads initrd with len/4 cells, not #address-cells', () => {
    const t = tree([{ name: 'chosen', props: { 'linux,initrd-start': c2(0x1_4000_0000), 'linux,initrd-end': [0x48000000] } }]);
    expect(fdtScan(t, '6.1').chosen?.initrd).toEqual({ start: 0x1_4000_0000, end: 0x48000000 });
    expect(fdtScan(t, '6.1').warnings.join()).toMatch(/initrd end/);
  });
  it('bootargs are cut to COMMAND_LINE_SIZE - 1', () => {
    const t = tree([{ name: 'chosen', props: { bootargs: 'x'.repeat(3000) } }]);
    expect(fdtScan(t, '6.1').chosen?.bootargs?.length).toBe(2047);
    expect(fdtScan(t, '6.1', { commandLineSize: 1024 }).chosen?.bootargs?.length).toBe(1023);
  });
  it('usable-memory-range: 5.10 takes one range, 6.1 two, with the kernel length checks', () => {
    const t = tree([{ name: 'chosen', props: { 'linux,usable-memory-range': c2(0x40000000, 0x1000000, 0x50000000, 0x2000000) } }]);
    expect(fdtScan(t, '5.10').chosen?.usableMemoryRanges).toEqual([{ base: 0x40000000, size: 0x1000000 }]);
    expect(fdtScan(t, '6.1').chosen?.usableMemoryRanges).toEqual([{ base: 0x40000000, size: 0x1000000 }, { base: 0x50000000, size: 0x2000000 }]);
    // 6.1 compares the byte length modulo (ac+sc) cells: 12 bytes % 4 != 0 is rejected.
    const bad = tree([{ name: 'chosen', props: { 'linux,usable-memory-range': new Uint8Array(18) } }]);
    expect(fdtScan(bad, '6.1').chosen?.usableMemoryRanges).toEqual([]);
    // 5.10's arm64 scan wants a node named exactly "chosen".
    const at0 = tree([{ name: 'chosen@0', props: { 'linux,usable-memory-range': c2(0x40000000, 0x1000000) } }]);
    expect(fdtScan(at0, '5.10').chosen?.usableMemoryRanges).toEqual([]);
    expect(fdtScan(at0, '6.1').chosen?.usableMemoryRanges).toEqual([{ base: 0x40000000, size: 0x1000000 }]);
  });
  it('CONFIG_CMDLINE modes', () => {
    const cfg = (cmdlineMode: 'default' | 'extend' | 'force') => ({ cmdline: 'quiet', cmdlineMode });
    expect(applyConfigCmdline('a=1', cfg('default'), '6.1', true)).toBe('a=1');
    expect(applyConfigCmdline(null, cfg('default'), '6.1', false)).toBe('quiet');
    expect(applyConfigCmdline(null, cfg('default'), '5.10', false)).toBe('');
    expect(applyConfigCmdline('a=1', cfg('extend'), '6.1', true)).toBe('a=1 quiet');
    expect(applyConfigCmdline('a=1', cfg('force'), '5.10', true)).toBe('quiet');
  });
});

describe('/reserved-memory', () => {
  it('needs #address-cells/#size-cells equal to the root and a ranges property', () => {
    for (const props of [{ '#address-cells': [1], '#size-cells': [2], ranges: true }, { '#address-cells': [2], '#size-cells': [2] }] as Record<string, FdtPropValue>[]) {
      const s = fdtScan(tree([rmem([{ name: 'r@1000', props: { reg: c2(0x1000, 0x1000) } }], props)]), '6.1');
      expect(s.reservedMem.status).toBe('unsupported');
      expect(s.reservedMem.entries).toEqual([]);
      expect(s.warnings).toContain('Reserved memory: unsupported node format, ignoring');
    }
  });
  it('reserves every static pair, saves the first, skips bad reg lengths and disabled nodes', () => {
    const s = fdtScan(tree([rmem([
      { name: 'multi@1000', props: { reg: c2(0x1000, 0x1000, 0x8000, 0, 0x9000, 0x2000) } },
      { name: 'bad@2000', props: { reg: [0, 0x2000, 0] } },
      { name: 'off@3000', props: { reg: c2(0x3000, 0x1000), status: 'disabled' } },
      { name: 'empty', props: { reg: new Uint8Array(0), size: c2(0x1000) } },
      { name: 'dyn', props: { size: c2(0x100000), alignment: c2(0x10000), 'alloc-ranges': c2(0x40000000, 0x10000000), 'no-map': true, phandle: [7] } },
      { name: 'badsize', props: { size: [0x1000] } },
      { name: 'badalign', props: { size: c2(0x1000), alignment: [1] } },
      { name: 'badranges', props: { size: c2(0x1000), 'alloc-ranges': [1, 2, 3] } },
    ])]), '6.1');
    expect(s.reservedMem.staticRegs.map((r) => [r.name, r.base, r.size])).toEqual([['multi@1000', 0x1000, 0x1000], ['multi@1000', 0x9000, 0x2000]]);
    expect(s.reservedMem.entries.map((e) => e.name)).toEqual(['multi@1000', 'dyn', 'badsize', 'badalign', 'badranges']);
    expect(s.warnings.some((w) => w.includes("invalid reg property in 'bad@2000'"))).toBe(true);
    const dyn = s.reservedMem.entries[1]!;
    expect(dyn).toMatchObject({ dynamic: true, allocSize: 0x100000, alignment: 0x10000, allocRanges: [{ start: 0x40000000, size: 0x10000000 }], noMap: true, phandle: 7, allocError: null });
    expect(s.reservedMem.entries.slice(2).map((e) => e.allocError)).toEqual([
      "invalid size property in 'badsize' node",
      "invalid alignment property in 'badalign' node",
      "invalid alloc-ranges property in 'badranges', skipping node",
    ]);
  });
  it('5.10 also visits deeper descendants; 6.1 only children', () => {
    const t = tree([rmem([{ name: 'outer', props: { size: c2(0x1000) }, children: [{ name: 'inner', props: { size: c2(0x2000) } }] }])]);
    expect(fdtScan(t, '5.10').reservedMem.entries.map((e) => e.name)).toEqual(['outer', 'inner']);
    expect(fdtScan(t, '6.1').reservedMem.entries.map((e) => e.name)).toEqual(['outer']);
  });
  it('saves at most 64 entries but still reserves static regions past the cap', () => {
    const kids = Array.from({ length: 66 }, (_, i) => ({ name: `r@${i}`, props: { reg: c2(0x100000 * (i + 1), 0x1000) } }));
    const s = fdtScan(tree([rmem(kids)]), '6.1');
    expect(s.reservedMem.entries.length).toBe(64);
    expect(s.reservedMem.dropped).toBe(2);
    expect(s.reservedMem.staticRegs.length).toBe(66);
  });
  it('CMA alignment is raised to 4 MiB on 5.10 and to the pageblock on 6.1', () => {
    const s = fdtScan(tree([rmem([{ name: 'cma', props: { compatible: 'shared-dma-pool', reusable: true, size: c2(0x1000000) } }, { name: 'plain', props: { size: c2(0x1000) } }])]), '6.1');
    const [cma, plain] = s.reservedMem.entries;
    expect(reservedMemAllocAlign(cma!, { kernel: '5.10', cma: true, maxOrder: 11, pageblockOrder: 9 })).toBe(4 << 20);
    expect(reservedMemAllocAlign(cma!, { kernel: '6.1', cma: true, maxOrder: 11, pageblockOrder: 9 })).toBe(2 << 20);
    expect(reservedMemAllocAlign(cma!, { kernel: '6.1', cma: false, maxOrder: 11, pageblockOrder: 9 })).toBe(64);
    expect(reservedMemAllocAlign(plain!, { kernel: '6.1', cma: true, maxOrder: 11, pageblockOrder: 9 })).toBe(64);
  });
  it('a value above 2^53 in reg is an MmError', () => {
    const t = tree([rmem([{ name: 'big', props: { reg: [0x00400000, 0, 0, 0x1000] } }])]);
    expect(() => fdtScan(t, '6.1')).toThrow(MmError);
  });
});

describe('cpus, distance map, dma-ranges', () => {
  it('reads cpu nodes with numa-node-id and a valid distance matrix', () => {
    const s = fdtScan(parseFdt(buildTopologyFdt({
      memory: [{ base: 0x40000000, size: 0x40000000, nid: 0 }, { base: 0x80000000, size: 0x40000000, nid: 1 }],
      cpus: [{ nid: 0 }, { nid: 1 }],
      distances: [{ from: 0, to: 0, distance: 10 }, { from: 0, to: 1, distance: 20 }, { from: 1, to: 1, distance: 10 }],
    })), '6.1');
    expect(s.cpus.map((c) => [c.reg, c.nid])).toEqual([[0, 0], [1, 1]]);
    expect(s.memory.map((m) => m.nid)).toEqual([0, 1]);
    expect(s.distanceMap).toEqual([{ from: 0, to: 0, distance: 10 }, { from: 0, to: 1, distance: 20 }, { from: 1, to: 1, distance: 10 }]);
  });
  it('rejects an invalid distance matrix as the kernel does', () => {
    const s = fdtScan(parseFdt(buildTopologyFdt({ memory: [{ base: 0, size: 0x1000000 }], distances: [{ from: 0, to: 1, distance: 10 }] })), '6.1');
    expect(s.distanceMap).toBeNull();
    expect(s.warnings.join()).toMatch(/Invalid distance\[node0 -> node1\] = 10/);
  });
  it('of_dma_get_max_cpu_address: minimum over available nodes with dma-ranges', () => {
    const soc = (name: string, dr: number[], status?: string): FdtNodeSpec => ({
      name, props: { '#address-cells': [1], '#size-cells': [1], 'dma-ranges': dr, ...(status ? { status } : {}) },
    });
    const t = tree([
      { name: 'soc', props: { '#address-cells': [1], '#size-cells': [1], 'dma-ranges': [0x0, 0x0, 0x0, 0xc0000000] }, children: [] },
      soc('emmc', [0x0, 0x0, 0x0, 0x40000000]),
      soc('off', [0x0, 0x0, 0x0, 0x1000], 'disabled'),
    ]);
    // soc: child 1 cell, parent (root) 2 cells, size 1 cell.
    expect(fdtScan(t, '6.1').dmaMaxCpuAddress).toBe(0x3fffffff);
    // A range beyond 2^53 does not lower the limit (and does not fail the scan).
    const huge = tree([{ name: 'pcie', props: { '#address-cells': [1], '#size-cells': [1], 'dma-ranges': [0, 0xffffffff, 0, 0x10] } }]);
    expect(fdtScan(huge, '6.1').dmaMaxCpuAddress).toBeNull();
  });
});

describe('earlyInitDtAddMemoryArch', () => {
  it('page-aligns and clips like the generic kernel function', () => {
    expect(earlyInitDtAddMemoryArch(0x40000000, 0x20000000)).toEqual({ base: 0x40000000, size: 0x20000000 });
    expect(earlyInitDtAddMemoryArch(0x40000800, 0x1800)).toEqual({ base: 0x40001000, size: 0x1000 });
    expect(earlyInitDtAddMemoryArch(0x40000800, 0x7ff)).toBeNull();
    expect(earlyInitDtAddMemoryArch(0x40000000, 0x1fff)).toEqual({ base: 0x40000000, size: 0x1000 });
    expect(earlyInitDtAddMemoryArch(0x1000, 0x10000, { minAddr: 0x4000 })).toEqual({ base: 0x4000, size: 0xd000 });
    expect(earlyInitDtAddMemoryArch(0x1000, 0x1000, { minAddr: 0x4000 })).toBeNull();
    expect(earlyInitDtAddMemoryArch(0xf0000000, 0x20000000, { maxAddr: 0xffffffff })).toEqual({ base: 0xf0000000, size: 0x10000000 });
    expect(earlyInitDtAddMemoryArch(0x100000000, 0x1000, { maxAddr: 0xffffffff })).toBeNull();
  });
});
