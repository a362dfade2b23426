/**
 * x86_64 boot, setup_arch up to memblock_free_all (arch/x86/kernel/setup.c, arch/x86/kernel/e820.c,
 * arch/x86/mm/init.c, arch/x86/mm/numa.c): e820 → memblock, the fixed low-memory and kernel-image
 * reservations, NUMA node data, sparse memmap, and start_kernel's allocations.
 */
import { SZ_16M, SZ_1M, SZ_4G } from '../sizes';
import { MmError } from '../errors';
import { parseE820Text } from '../input/e820';
import { e820AddKernelRange, e820ApplyMemLimit, e820MemblockRanges, e820UpdateTable, x86E820Setup } from '../input/e820-table';
import type { ArchBoot, FirmwareDesc, MemoryBank } from '../boot/context';
import { cmaCmdline, dmaContiguousReserve } from '../mm-init/cma-reserve';
import { sparseGeometry, sparseInit } from '../mm-init/sparse';
import { commonStartKernel } from '../mm-init/start-kernel';
import { checkMachineSize, machineLimits } from '../limits';
import { checkKernelImageInRam } from './kernel-image';


/** The e820 text (a /sys/firmware/memmap listing or a boot log) as a FirmwareDesc; SRAT gives the nodes. */
export function firmwareFromE820(text: string): FirmwareDesc {
  const inp = parseE820Text(text);
  if (!inp.entries.length) throw new MmError('E820_EMPTY', 'no e820 entries found: expected BIOS-e820 lines or a /sys/firmware/memmap listing');
  const setup = x86E820Setup(inp.entries);
  const cpuNodes: number[] = [];
  for (const m of text.matchAll(/SRAT: PXM \d+ -> APIC 0x[0-9a-f]+ -> Node (\d+)/g)) cpuNodes.push(Number(m[1]));
  // numa_init fails when SRAT leaves RAM uncovered, and x86_numa_init falls back to
  // dummy_numa_init: one node, every CPU on it
  const cover = inp.srat.length ? numaMeminfoCoverMemory(setup.memblock.adds, inp.srat) : null;
  const notes = cover ? [cover, 'No NUMA configuration found'] : [];
  const banks = splitBanksBySrat(setup.memblock.adds, cover ? [] : inp.srat);
  if (cover) cpuNodes.fill(0);
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
    e820Table: setup.table,
    e820FirmwareEntries: setup.firmware.length,
    notes,
  };
}

/**
 * numa_meminfo_cover_memory (arch/x86/mm/numa.c): the SRAT nodes must cover the e820 RAM to within
 * 1 MiB; otherwise the kernel prints this and does not use them. Returns that line, or null.
 */
export function numaMeminfoCoverMemory(adds: ReadonlyArray<{ base: number; size: number }>, srat: ReadonlyArray<{ start: number; end: number }>): string | null {
  const pages = (a: number, b: number) => Math.max(0, Math.floor(b / 4096) - Math.ceil(a / 4096));
  let ram = 0;
  let numa = 0;
  for (const a of adds) {
    ram += pages(a.base, a.base + a.size);
    for (const s of srat) numa += pages(Math.max(a.base, s.start), Math.min(a.base + a.size, s.end + 1));
  }
  if (ram - numa < 256) return null;
  return `NUMA: nodes only cover ${Math.floor(numa / 256)}MB of your ${Math.floor(ram / 256)}MB e820 RAM. Not used.`;
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
  const rules = profile.behaviour;
  const cfg = profile.config;
  const res = (what: string, base: number, size: number) => {
    if (base) b.reservations.push({ what, base, size });
  };
  b.dmesg.push(...(b.fw.notes ?? []));
  // the bootloader put the image at 16 MiB (nokaslr): the firmware's map must have RAM there
  checkKernelImageInRam(b.fw.e820Ram ?? b.fw.banks, { base: build.imageOffset, size: build.imageSize }, 'x86_64', profile.kernel, 'firmware');
  if (b.params.mem?.kind === 'address-limit') parseMemopt(b, b.params.mem.limit);
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
  if (rules.x86.lowMemory === 'bios-regions') {
    // reserve_bios_regions: EBDA up to 1 MiB
    mb.reserve(0x9f000, SZ_1M - 0x9f000, 'reserve_bios_regions+0x0/0x0');
    res('BIOS regions (EBDA..1 MiB)', 0x9f000, SZ_1M - 0x9f000);
  }
  mb.log.splice(preParse);

  // e820__memblock_setup (arch/x86/kernel/e820.c): memblock_allow_resize (EFI may pass more than
  // INIT_MEMBLOCK_REGIONS entries), RAM entries are added, then memblock_trim_memory(PAGE_SIZE)
  mb.allowResize();
  for (const r of b.fw.e820Ram ?? b.fw.banks) mb.add(r.base, r.size, 'e820__memblock_setup+0x65/0x7d');
  mb.trimMemory(4096);
  if (!mb.physMemSize()) {
    const why = !(b.fw.e820Ram ?? b.fw.banks).length ? 'the e820 map has no "usable" (System RAM) entry'
      : b.params.mem?.kind === 'address-limit' ? `mem= (a limit of 0x${b.params.mem.limit.toString(16)}) leaves no whole page of the e820 "usable" RAM`
      : 'no e820 "usable" entry holds a whole page';
    throw new MmError('NO_MEMORY', `no usable memory: ${why}`, 'e820');
  }
  // mmbook's limit, before anything that costs per page of RAM (the direct map's tables, the memmap)
  checkMachineSize(mb.memory, machineLimits('x86_64', cfg));
  mb.logDumpAll();
  // acpi_numa_memory_affinity_init (arch/x86/mm/srat.c): a node at or above MAX_NUMNODES is a bad
  // SRAT, and x86_numa_init falls back to dummy_numa_init (one node, every CPU on it)
  if (b.fw.banks.some((x) => x.nid >= mb.maxNumnodes)) {
    b.dmesg.push('SRAT: Too many proximity domains.', 'No NUMA configuration found');
    b.fw = { ...b.fw, banks: b.fw.banks.map((x) => ({ ...x, nid: 0 })), cpuNodes: b.fw.cpuNodes.map(() => 0) };
    b.nids = [0];
  }
  for (const bank of b.fw.banks) mb.setNode(bank.base, bank.size, bank.nid);
  b.maxPfn = b.maxLowPfn = Math.floor(mb.endOfDram() / 4096);

  if (rules.x86.lowMemory === 'first-1mib') {
    // setup_arch: the first 1 MiB is never handed to the buddy (BIOS corruption, real-mode trampoline)
    mb.reserve(0, SZ_1M, 'setup_arch+0x7e0/0xd4f');
    res('first 1 MiB', 0, SZ_1M);
  } else {
    const rm = mb.allocRangeNid(0x6000, 4096, 0, SZ_1M, -1, false, 'reserve_real_mode+0x6f/0x90');
    res('real-mode trampoline', rm, 0x6000);
    mb.reserve(0, 0x10000, 'setup_arch+0x6ce/0xc6e');
    res('low 64 KiB (X86_RESERVE_LOW)', 0, 0x10000);
  }
  initMemMapping(b);

  // initmem_init → NUMA: NODE_DATA per node, top-down in the node
  const ndSize = build.pgdatSize;
  const pgdatPa = new Map<number, number>();
  for (const nid of b.nids) {
    const nodeEnd = Math.max(...b.fw.banks.filter((x) => x.nid === nid).map((x) => x.base + x.size));
    const nodeStart = Math.min(...b.fw.banks.filter((x) => x.nid === nid).map((x) => x.base));
    const pa = mb.allocRangeNid(ndSize, 4096, nodeStart, nodeEnd, nid, false, 'alloc_node_data+0x0/0x0');
    res(`NODE_DATA(${nid})`, pa, ndSize);
    pgdatPa.set(nid, pa);
    b.dmesg.push(`NODE_DATA(${nid}) allocated [mem 0x${pa.toString(16).padStart(8, '0')}-0x${(pa + ndSize - 1).toString(16).padStart(8, '0')}]`);
  }
  mb.logDumpAll();

  // dma_contiguous_reserve(max_pfn_mapped << PAGE_SHIFT)
  b.highmemStart = mb.endOfDram();
  const cmaCtx = { rules: profile.behaviour, config: cfg, pageblockOrder: cfg.pageblockOrder, maxOrder: cfg.maxOrder, mb, areas: b.cmaAreas, highmemStart: b.highmemStart, dmesg: b.dmesg };
  const cma = dmaContiguousReserve(cmaCtx, { cmdline: cmaCmdline(b), dtDefaultExists: false, archLimit: mb.endOfDram() });
  if (cma) res('CMA (default area)', cma.base, cma.size);

  // paging_init → sparse_init (memmap above MAX_DMA_ADDRESS = 16 MiB), zone_sizes_init
  sparseInit({ mb, g: sparseGeometry(b.profile, build), structPageSize: cfg.structPageSize, memmapFrom: SZ_16M, pgdatPa, vmemmapBasePfn: 0, reservations: b.reservations });
  const maxLow = b.maxLowPfn;
  b.maxZonePfn = [];
  if (cfg.zoneDma) b.maxZonePfn.push(Math.min(SZ_16M / 4096, maxLow));
  if (cfg.zoneDma32) b.maxZonePfn.push(Math.min(SZ_4G / 4096, maxLow));
  b.maxZonePfn.push(maxLow, 0);
  if (cfg.zoneDevice) b.maxZonePfn.push(0);

  acpiBootInitAndResources(b);
  commonStartKernel(b, { swiotlb: b.maxPfn > SZ_4G / 4096 || /force/.test(b.params.swiotlb ?? ''), swiotlbLimit: SZ_4G, pcpuGoal: SZ_16M });
}

/**
 * mem= on x86: parse_memopt's e820__range_remove(mem_size, ULLONG_MAX - mem_size, E820_TYPE_RAM)
 * and e820__finish_early_params' sanitise and "user-defined physical RAM map" (arch/x86/kernel/e820.c),
 * then e820_add_kernel_range, which puts the kernel image back as RAM if mem= cut it off, and
 * trim_bios_range's sanitise (arch/x86/kernel/setup.c). The RAM never reaches memblock: the table
 * shrinks, and with it max_pfn (e820__end_of_ram_pfn), the e820 resources and the nosave regions.
 * (The firmware's table was already through trim_bios_range, whose other edits are idempotent.)
 */
function parseMemopt(b: ArchBoot, limit: number): void {
  const table = b.fw.e820Table;
  if (!table) return;
  const m = e820ApplyMemLimit(table, limit);
  const k = e820AddKernelRange(m.table, b.build.imageOffset, b.build.imageSize);
  const out = e820UpdateTable(k.table) ?? k.table;
  b.dmesg.push(...m.log, ...k.log);
  b.fw = { ...b.fw, e820Table: out, e820Ram: e820MemblockRanges(out).adds };
}

const SIZEOF_RESOURCE = 64;
const E820_TYPE_RAM = 1;
const E820_TYPE_RESERVED_KERN = 128;

/**
 * The memblock allocations of setup_arch after paging_init (arch/x86/kernel/setup.c), for the
 * QEMU pc/q35 firmware (an HPET and one I/O APIC): acpi_parse_hpet's resource (plus its 9-byte
 * name), io_apic_init_mappings' resource per I/O APIC (plus an 11-byte name),
 * e820__reserve_resources' resource per e820_table entry and firmware_map_add_early's struct
 * firmware_map_entry (104 bytes) per e820_table_firmware entry, then
 * e820__register_nosave_regions (arch/x86/kernel/e820.c).
 */
function acpiBootInitAndResources(b: ArchBoot): void {
  const { mb } = b;
  const alloc = (what: string, size: number, caller: string) => {
    const base = mb.allocTryNid(size, 64, 0, 0, -1, { caller });
    if (base) b.reservations.push({ what, base, size });
  };
  alloc('HPET resource', SIZEOF_RESOURCE + 9, 'acpi_parse_hpet+0x0/0x0');
  alloc('I/O APIC resources', SIZEOF_RESOURCE + 11, 'io_apic_init_mappings+0x0/0x0');
  const table = b.fw.e820Table ?? [];
  if (table.length) alloc('e820 resources', SIZEOF_RESOURCE * table.length, 'e820__reserve_resources+0x0/0x0');
  for (let i = 0; i < (b.fw.e820FirmwareEntries ?? 0); i++) alloc('firmware memmap entry', 104, 'firmware_map_add_early+0x0/0x0');
  e820RegisterNosaveRegions(b, table, b.maxPfn);
}

/**
 * e820__register_nosave_regions (arch/x86/kernel/e820.c): every gap and non-RAM entry below
 * limit_pfn is a nosave region; register_nosave_region (kernel/power/snapshot.c) extends the last
 * region when the new one starts where it ends, else allocates a struct nosave_region (32 bytes).
 */
function e820RegisterNosaveRegions(b: ArchBoot, table: ReadonlyArray<{ addr: number; size: number; type: number }>, limitPfn: number): void {
  let lastEnd = -1;
  const register = (start: number, end: number) => {
    if (start >= end) return;
    if (lastEnd === start) {
      lastEnd = end;
      return;
    }
    lastEnd = end;
    const base = b.mb.allocTryNid(32, 64, 0, 0, -1, { caller: 'register_nosave_region+0x0/0x0' });
    if (base) b.reservations.push({ what: 'nosave region', base, size: 32 });
  };
  let pfn = 0;
  for (const e of table) {
    if (pfn < Math.ceil(e.addr / 4096)) register(pfn, Math.ceil(e.addr / 4096));
    pfn = Math.floor((e.addr + e.size) / 4096);
    if (e.type !== E820_TYPE_RAM && e.type !== E820_TYPE_RESERVED_KERN) register(Math.ceil(e.addr / 4096), pfn);
    if (pfn >= limitPfn) break;
  }
}

const PMD_SIZE = 2 ** 21;
/** INIT_PGT_BUF_SIZE in pages: INIT_PGD_PAGE_COUNT 12 with CONFIG_RANDOMIZE_MEMORY (Debian) */
const INIT_PGT_BUF_PAGES = 12;

/**
 * init_mem_mapping (arch/x86/mm/init.c): the direct map's page tables. The ISA range is mapped
 * first, then memory_map_top_down maps RAM from the top in growing steps. Each
 * init_memory_mapping splits its range into 4K head/tail and 2M middle parts (no 1G pages: QEMU's
 * default CPU has no pdpe1gb) and kernel_physical_mapping_init takes a PUD table per 512 GiB, a
 * PMD table per GiB and a PTE table per 2 MiB mapped with 4K pages. alloc_low_pages takes them
 * from the brk pgt_buf, unless the range overlaps the buffer or it ran out: then from memblock,
 * within [min_pfn_mapped, max_pfn_mapped).
 */
function initMemMapping(b: ArchBoot): void {
  const { mb, build } = b;
  const tables = new Set<string>();
  let brkLeft = INIT_PGT_BUF_PAGES;
  // the pgt_buf sits in the brk area at the end of the image reservation
  const brk = build.imageOffset + build.imageSize - 1;
  let minMapped = 0;
  let maxMapped = 0;
  let canUseBrk = true;
  const table = (key: string) => {
    if (tables.has(key)) return;
    tables.add(key);
    if (canUseBrk && brkLeft > 0) {
      brkLeft--;
      return;
    }
    const pa = minMapped < maxMapped ? mb.physAllocRange(4096, 4096, minMapped, maxMapped, 'alloc_low_pages+0x0/0x0') : 0;
    if (pa) b.reservations.push({ what: 'direct map page table', base: pa, size: 4096 });
  };
  // init_memory_mapping → split_mem_range → kernel_physical_mapping_init
  const initMemoryMapping = (start: number, end: number) => {
    const mid0 = Math.min(end, Math.ceil(start / PMD_SIZE) * PMD_SIZE);
    const mid1 = Math.max(mid0, Math.floor(end / PMD_SIZE) * PMD_SIZE);
    const parts: Array<[number, number, boolean]> = [[start, mid0, true], [mid0, mid1, false], [mid1, end, true]];
    for (const [s, e, small] of parts) {
      if (s >= e) continue;
      for (let a = s - (s % PMD_SIZE); a < e; a += PMD_SIZE) {
        table(`pud ${Math.floor(a / 2 ** 39)}`);
        table(`pmd ${Math.floor(a / 2 ** 30)}`);
        if (small) table(`pte ${a / PMD_SIZE}`);
      }
    }
    maxMapped = Math.max(maxMapped, end);
  };
  // init_range_memory_mapping: every RAM range inside [rStart, rEnd)
  const initRangeMemoryMapping = (rStart: number, rEnd: number) => {
    for (const r of mb.memory) {
      const start = Math.min(Math.max(r.base, rStart), rEnd);
      const end = Math.min(Math.max(r.base + r.size, rStart), rEnd);
      if (start >= end) continue;
      canUseBrk = !(start <= brk && brk < end);
      initMemoryMapping(start, end);
      canUseBrk = true;
    }
  };
  // the ISA range is always mapped
  initMemoryMapping(0, SZ_1M);
  // memory_map_top_down(ISA_END_ADDRESS, max_pfn << PAGE_SHIFT)
  const mapEnd = mb.endOfDram();
  const probe = mb.physAllocRange(PMD_SIZE, PMD_SIZE, SZ_1M, mapEnd, 'init_mem_mapping+0x0/0x0');
  const realEnd = probe + PMD_SIZE;
  mb.free(probe, PMD_SIZE, 'init_mem_mapping+0x0/0x0');
  let step = PMD_SIZE;
  maxMapped = 0;
  minMapped = realEnd;
  let lastStart = realEnd;
  let mapped = 0;
  while (lastStart > SZ_1M) {
    const start = lastStart > step ? Math.max(SZ_1M, Math.floor((lastStart - 1) / step) * step) : SZ_1M;
    mapped += ramIn(b, start, lastStart);
    initRangeMemoryMapping(start, lastStart);
    lastStart = start;
    minMapped = lastStart;
    // get_new_step_size: step << (PMD_SHIFT - PAGE_SHIFT - 1)
    if (mapped >= step) step *= 2 ** 8;
  }
  if (realEnd < mapEnd) initRangeMemoryMapping(realEnd, mapEnd);
}

/** The RAM bytes of memblock.memory inside [start, end) (init_range_memory_mapping's return value). */
function ramIn(b: ArchBoot, start: number, end: number): number {
  let n = 0;
  for (const r of b.mb.memory) n += Math.max(0, Math.min(end, r.base + r.size) - Math.max(start, r.base));
  return n;
}
