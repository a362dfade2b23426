/**
 * x86_64 boot, setup_arch up to memblock_free_all (arch/x86/kernel/setup.c, arch/x86/kernel/e820.c,
 * arch/x86/mm/init.c, arch/x86/mm/numa.c): e820 → memblock, the fixed low-memory and kernel-image
 * reservations, NUMA node data, sparse memmap, and start_kernel's allocations.
 */
import { MmError } from '../errors';
import { parseE820Text } from '../input/e820';
import { x86E820Setup } from '../input/e820-table';
import type { ArchBoot, FirmwareDesc, MemoryBank } from './context';
import { cmaCmdline, dmaContiguousReserve } from './cma';
import { sparseGeometry, sparseInit } from './sparse';
import { commonStartKernel } from './start-kernel';

const SZ_1M = 2 ** 20;
const SZ_16M = 16 * SZ_1M;
const SZ_4G = 2 ** 32;

/** The e820 text (a /sys/firmware/memmap listing or a boot log) as a FirmwareDesc; SRAT gives the nodes. */
export function firmwareFromE820(text: string): FirmwareDesc {
  const inp = parseE820Text(text);
  if (!inp.entries.length) throw new MmError('E820_EMPTY', 'no e820 entries found: expected BIOS-e820 lines or a /sys/firmware/memmap listing');
  const setup = x86E820Setup(inp.entries);
  const banks = splitBanksBySrat(setup.memblock.adds, inp.srat);
  const cpuNodes: number[] = [];
  for (const m of text.matchAll(/SRAT: PXM \d+ -> APIC 0x[0-9a-f]+ -> Node (\d+)/g)) cpuNodes.push(Number(m[1]));
  // boot_params' ramdisk (a boot log prints it as "RAMDISK: [mem …]"), reserved by early_reserve_initrd
  const rd = /RAMDISK: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]/.exec(text);
  const initrd = rd ? { start: Number(BigInt(rd[1])), size: Number(BigInt(rd[2]) - BigInt(rd[1])) + 1 } : undefined;
  return {
    kind: 'e820',
    initrd,
    banks,
    memreserve: [],
    reservedMem: { status: 'absent', path: null, staticRegs: [], entries: [], dropped: 0 },
    cpuNodes,
    dmaMaxCpuAddr: null,
    e820Ram: setup.memblock.adds,
  };
}

/**
 * numa_init → numa_register_memblks → memblock_set_node (arch/x86/mm/numa.c): each SRAT memory
 * affinity range gives its node to the RAM it covers, so an e820 RAM entry that an SRAT range
 * boundary crosses is split between nodes. RAM outside every SRAT range stays on node 0.
 */
export function splitBanksBySrat(adds: ReadonlyArray<{ base: number; size: number }>, srat: ReadonlyArray<{ node: number; start: number; end: number }>): MemoryBank[] {
  const ranges = srat.map((s) => ({ start: s.start, end: s.end + 1, node: s.node })).sort((a, b) => a.start - b.start);
  const banks: MemoryBank[] = [];
  for (const a of adds) {
    const end = a.base + a.size;
    let cur = a.base;
    while (cur < end) {
      const hit = ranges.find((r) => cur >= r.start && cur < r.end);
      const next = hit ? Math.min(end, hit.end) : Math.min(end, ...ranges.filter((r) => r.start > cur).map((r) => r.start));
      banks.push({ base: cur, size: next - cur, nid: hit?.node ?? 0, hotplug: false });
      cur = next;
    }
  }
  return banks;
}

export function x86Boot(b: ArchBoot): void {
  const { mb, build, profile } = b;
  const kernel = profile.kernel;
  const cfg = profile.config;
  const res = (what: string, base: number, size: number) => {
    if (base) b.reservations.push({ what, base, size });
  };
  const preParse = mb.log.length;
  // early_reserve_memory: the kernel image (_text.._end, including brk), before parse_early_param.
  mb.reserve(build.imageOffset, build.imageSize, 'early_reserve_memory+0x0/0x0');
  res('kernel image', build.imageOffset, build.imageSize);
  if (b.fw.initrd) {
    const base = b.fw.initrd.start - (b.fw.initrd.start % 4096);
    const size = Math.ceil((b.fw.initrd.start + b.fw.initrd.size) / 4096) * 4096 - base;
    mb.reserve(base, size, 'early_reserve_initrd+0x0/0x0');
    res('initrd', base, size);
  }
  if (kernel === '5.10') {
    // reserve_bios_regions: EBDA up to 1 MiB
    mb.reserve(0x9f000, SZ_1M - 0x9f000, 'reserve_bios_regions+0x0/0x0');
    res('BIOS regions (EBDA..1 MiB)', 0x9f000, SZ_1M - 0x9f000);
  }
  mb.log.splice(preParse);

  // e820__memblock_setup: RAM entries are added, then memblock_trim_memory(PAGE_SIZE)
  for (const r of b.fw.e820Ram ?? b.fw.banks) mb.add(r.base, r.size, 'e820__memblock_setup+0x65/0x7d');
  if (b.params.mem?.kind === 'address-limit') {
    const lim = b.params.mem.limit;
    mb.remove(lim, Number.MAX_SAFE_INTEGER - lim, 'e820__memblock_setup+0x0/0x0');
  }
  mb.trimMemory(4096);
  mb.logDumpAll();
  for (const bank of b.fw.banks) mb.setNode(bank.base, bank.size, bank.nid);
  b.maxPfn = b.maxLowPfn = Math.floor(mb.endOfDram() / 4096);

  if (kernel === '6.1') {
    // setup_arch: the first 1 MiB is never handed to the buddy (BIOS corruption, real-mode trampoline)
    mb.reserve(0, SZ_1M, 'setup_arch+0x7e0/0xd4f');
    res('first 1 MiB', 0, SZ_1M);
  } else {
    const rm = mb.allocRangeNid(0x6000, 4096, 0, SZ_1M, -1, false, 'reserve_real_mode+0x6f/0x90');
    res('real-mode trampoline', rm, 0x6000);
    mb.reserve(0, 0x10000, 'setup_arch+0x6ce/0xc6e');
    res('low 64 KiB (X86_RESERVE_LOW)', 0, 0x10000);
  }
  // ACPI tables copied/reserved by acpi_reserve_initial_tables (a few KiB at the top of low RAM)
  const lowTop = Math.min(mb.endOfDram(), SZ_4G);

  // initmem_init → NUMA: NODE_DATA per node, top-down in the node
  const ndSize = kernel === '6.1' ? 0x2b000 : 0x2a000;
  for (const nid of b.nids) {
    const nodeEnd = Math.max(...b.fw.banks.filter((x) => x.nid === nid).map((x) => x.base + x.size));
    const nodeStart = Math.min(...b.fw.banks.filter((x) => x.nid === nid).map((x) => x.base));
    const pa = mb.allocRangeNid(ndSize, 4096, nodeStart, nodeEnd, nid, false, 'alloc_node_data+0x0/0x0');
    res(`NODE_DATA(${nid})`, pa, ndSize);
    b.dmesg.push(`NODE_DATA(${nid}) allocated [mem 0x${pa.toString(16).padStart(8, '0')}-0x${(pa + ndSize - 1).toString(16).padStart(8, '0')}]`);
  }
  void lowTop;
  mb.logDumpAll();

  // dma_contiguous_reserve(max_pfn_mapped << PAGE_SHIFT)
  b.highmemStart = mb.endOfDram();
  const cmaCtx = { kernel, config: cfg, pageblockOrder: cfg.pageblockOrder, maxOrder: cfg.maxOrder, mb, areas: b.cmaAreas, highmemStart: b.highmemStart, dmesg: b.dmesg };
  const cma = dmaContiguousReserve(cmaCtx, { cmdline: cmaCmdline(b), dtDefaultExists: false, archLimit: mb.endOfDram() });
  if (cma) res('CMA (default area)', cma.base, cma.size);

  // paging_init → sparse_init (memmap above MAX_DMA_ADDRESS = 16 MiB), zone_sizes_init
  sparseInit({ mb, g: sparseGeometry('x86_64', kernel), structPageSize: cfg.structPageSize, memmapFrom: SZ_16M, pgdatPa: new Map(), reservations: b.reservations });
  const maxLow = b.maxLowPfn;
  b.maxZonePfn = [];
  if (cfg.zoneDma) b.maxZonePfn.push(Math.min(SZ_16M / 4096, maxLow));
  if (cfg.zoneDma32) b.maxZonePfn.push(Math.min(SZ_4G / 4096, maxLow));
  b.maxZonePfn.push(maxLow, 0);
  if (cfg.zoneDevice) b.maxZonePfn.push(0);

  commonStartKernel(b, { swiotlb: b.maxPfn > SZ_4G / 4096 || /force/.test(b.params.swiotlb ?? ''), swiotlbLimit: SZ_4G });
}
