/**
 * arm64 boot, setup_arch → bootmem_init → start_kernel up to memblock_free_all
 * (arch/arm64/kernel/setup.c, arch/arm64/mm/init.c, arch/arm64/mm/mmu.c), for the 5.10.223 and
 * 6.1 profiles. Reservations the kernel derives from the machine are computed; sizes that are
 * facts of the kernel build come from kernel-build.ts.
 */
import { fls } from '../tunables/int-math';
import { SZ_1G, SZ_2M } from '../sizes';
import { MEMBLOCK_ALLOC_ANYWHERE } from '../memblock/memblock';
import type { ArchBoot, RmemBase } from '../boot/context';
import { cmaCmdline, dmaContiguousReserve } from '../mm-init/cma-reserve';
import { hugetlbCmaReserve } from '../mm-init/hugetlb-cma';
import { sparseGeometry, sparseInit } from '../mm-init/sparse';
import { fdtInitReservedMem, reservedMemReserveStatic, type RmemContext } from '../mm-init/of-reserved-mem';
import { commonStartKernel } from '../mm-init/start-kernel';
import { addFirmwareMemory } from '../fdt/dt-add-memory';
import type { UnflattenNode } from '../machine/firmware';
import { checkKernelImageInRam } from './kernel-image';
import { panicIfFailed } from '../boot/early-panic';
import { checkMachineSize, machineLimits } from '../limits';

const PHYS_MASK_SHIFT = 48;
/** 48-bit VA: PAGE_END - PAGE_OFFSET */
const LINEAR_REGION_SIZE = 2 ** 47;

/** max_zone_phys (arch/arm64/mm/init.c). */
export function maxZonePhys(bits: number, dramStart: number, dramEnd: number): number {
  let mask = bits >= 64 ? Number.MAX_SAFE_INTEGER : 2 ** bits - 1;
  if (dramStart > 2 ** 32 - 1) mask = Number.MAX_SAFE_INTEGER;
  else if (dramStart > mask) mask = 2 ** 32 - 1;
  return Math.min(mask, dramEnd - 1) + 1;
}


export function arm64Boot(b: ArchBoot, rmem: RmemBase): void {
  const { mb, build, fw, profile } = b;
  const rules = profile.behaviour;
  const cfg = profile.config;
  const res = (what: string, base: number, size: number) => {
    if (base) b.reservations.push({ what, base, size });
  };

  // setup_machine_fdt: the DTB is reserved, then early_init_dt_scan adds /memory (before memblock=debug).
  const preParse = mb.log.length;
  if (fw.dtb) {
    mb.reserve(fw.dtb.base, fw.dtb.size, 'setup_machine_fdt+0x0/0x0');
    res('device tree blob', fw.dtb.base, fw.dtb.size);
  }
  addFirmwareMemory(b);
  // parse_early_param: memblock=debug only takes effect from here on
  mb.log.splice(preParse);

  // arm64_memblock_init
  const dramStart0 = mb.startOfDram();
  mb.remove(2 ** PHYS_MASK_SHIFT, MEMBLOCK_ALLOC_ANYWHERE, 'arm64_memblock_init+0x38/0x260');
  const memstart = dramStart0 - (dramStart0 % SZ_1G);
  mb.remove(memstart + LINEAR_REGION_SIZE, MEMBLOCK_ALLOC_ANYWHERE, 'arm64_memblock_init+0x9c/0x260');
  const image = { base: dramStart0 + build.imageOffset, size: build.imageSize };
  checkKernelImageInRam(mb.memory, image, 'arm64', profile.kernel, 'firmware');
  if (b.params.mem?.kind === 'size-limit') {
    mb.memLimitRemoveMap(b.params.mem.limit);
    mb.add(image.base - (image.base % SZ_2M), image.size + (image.base % SZ_2M), 'arm64_memblock_init+0x100/0x260');
  }
  if (fw.initrd && fw.initrd.size) {
    const base = fw.initrd.start - (fw.initrd.start % 4096);
    const size = Math.ceil((fw.initrd.start + fw.initrd.size) / 4096) * 4096 - base;
    if (base < mb.startOfDram() || base + size > mb.endOfDram()) {
      b.dmesg.push(`initrd not fully accessible via the linear mapping -- please check your bootloader ...`);
    } else {
      // 5.10 removes and re-adds the range to clear its flags; 6.1 adds it and clears NOMAP
      if (!rules.arm64.initrdClearsNomap) mb.remove(base, size, build.callers.initrdRemove ?? '');
      mb.add(base, size, build.callers.initrdAdd ?? '');
      if (rules.arm64.initrdClearsNomap) mb.clearNomap(base, size);
      mb.reserve(base, size, build.callers.initrdReserve ?? '');
      res('initrd', base, size);
    }
  }
  mb.reserve(image.base, image.size, build.callers.imageReserve ?? '');
  res('kernel image', image.base, image.size);

  // mmbook's limit, before anything that costs per page of RAM (paging_init's tables, the memmap)
  checkMachineSize(mb.memory, machineLimits('arm64', cfg));

  // early_init_fdt_scan_reserved_mem
  b.highmemStart = mb.endOfDram();
  const rctx: RmemContext = { ...rmem, mb, areas: b.cmaAreas, highmemStart: b.highmemStart, dmesg: b.dmesg };
  if (rules.arm64.memreserveFirst) reserveMemreserve(b);
  reservedMemReserveStatic(rctx, fw.reservedMem);
  if (!rules.arm64.memreserveFirst) reserveMemreserve(b);
  const rm = fdtInitReservedMem(rctx, fw.reservedMem);
  for (const e of rm.entries) res(`reserved-memory ${e.name}`, e.base, e.size);

  // paging_init: map_kernel, map_mem (rodata=full: PTE level), 6.1 create_idmap; then init_pg_dir is freed.
  const ptPages = mapMemTablePages(b, image.base, image.base + (build.textAliasSize ?? 0)) + (build.imagePageTables ?? 0);
  for (let i = 0; i < ptPages; i++) {
    const a = rules.arm64.pgtableAllocNoLeakTrace
      ? mb.physAllocRange(4096, 4096, 0, 1, 'early_pgtable_alloc+0x2c/0xb0')
      : mb.allocRangeNid(4096, 4096, 0, mb.currentLimit, -1, false, 'early_pgtable_alloc+0x0/0x0');
    res('page table', panicIfFailed(mb, a, 'early_pgtable_alloc', 'Failed to allocate page table page'), 4096);
  }
  if (build.pagingInitFree) {
    const end = image.base + image.size - (build.pagingInitFreeEndGap ?? 0);
    mb.free(end - build.pagingInitFree, build.pagingInitFree, 'paging_init+0x534/0x610');
  }
  // paging_init ends with memblock_allow_resize (arch/arm64/mm/mmu.c): the linear map is up
  mb.allowResize();

  // unflatten_device_tree
  if (fw.dtb) {
    const size = unflattenDtSize(fw.dtb.tree, build.dtNodeSize, build.dtPropSize, 8);
    res('unflattened device tree', mb.allocTryNid(size, 8, 0, 0, -1, { caller: 'early_init_dt_alloc_memory_arch+0x30/0x60' }), size);
  }

  // bootmem_init: NUMA, sparse, zones, CMA
  b.maxPfn = b.maxLowPfn = Math.floor(mb.endOfDram() / 4096);
  const pgdatPa = numaInit(b);
  // after NUMA init (hugetlb_cma_reserve splits the size over the online nodes), before sparse_init:
  // 6.1 arm64_hugetlb_cma_reserve passes the PUD order when pud_sect_supported() (4K pages: yes)
  hugetlbCmaReserve(b, rctx, 18);
  sparseInit({ mb, g: sparseGeometry(profile, build), structPageSize: cfg.structPageSize, memmapFrom: memstart, pgdatPa, vmemmapBasePfn: memstart / 4096, reservations: b.reservations });
  const dramStart = mb.startOfDram();
  const dramEnd = mb.endOfDram();
  const dmaBits = Math.min(32, fls(fw.dmaMaxCpuAddr ?? Number.MAX_SAFE_INTEGER));
  const dmaLimit = cfg.zoneDma ? maxZonePhys(dmaBits, dramStart, dramEnd) : cfg.zoneDma32 ? maxZonePhys(32, dramStart, dramEnd) : 2 ** PHYS_MASK_SHIFT;
  b.maxZonePfn = arm64MaxZonePfn(b, dmaLimit, dramStart, dramEnd);
  const cma = dmaContiguousReserve(rctx, { cmdline: cmaCmdline(b), dtDefaultExists: rm.dtDefaultCma, archLimit: dmaLimit });
  if (cma) res('CMA (default area)', cma.base, cma.size);
  mb.logDumpAll();

  // setup_arch tail: request_standard_resources (struct resource per memory region)
  res('resources', mb.allocTryNid(64 * mb.memory.length, 64, 0, 0, -1, { caller: 'setup_arch+0x31c/0x5e4' }), 64 * mb.memory.length);
  // __pa(MAX_DMA_ADDRESS) is PAGE_OFFSET's physical address, memstart_addr
  commonStartKernel(b, { swiotlb: b.maxPfn > Math.floor(dmaLimit / 4096) || /force/.test(b.params.swiotlb ?? ''), swiotlbLimit: dmaLimit, pcpuGoal: memstart });
}

/** /memreserve/ entries of the FDT header: memblock_reserve each. */
function reserveMemreserve(b: ArchBoot): void {
  for (const r of b.fw.memreserve) {
    b.mb.reserve(r.base, r.size, 'early_init_fdt_scan_reserved_mem+0x0/0x0');
    b.reservations.push({ what: '/memreserve/', base: r.base, size: r.size });
  }
}

/** zone_sizes_init (arch/arm64/mm/init.c): max_zone_pfn per zone index. */
function arm64MaxZonePfn(b: ArchBoot, dmaLimit: number, dramStart: number, dramEnd: number): number[] {
  const cfg = b.profile.config;
  const out: number[] = [];
  if (cfg.zoneDma) out.push(Math.floor(dmaLimit / 4096));
  if (cfg.zoneDma32) out.push(Math.floor(maxZonePhys(32, dramStart, dramEnd) / 4096));
  out.push(b.maxPfn); // Normal
  out.push(0); // Movable
  if (cfg.zoneDevice) out.push(0);
  return out;
}

/**
 * map_mem (arch/arm64/mm/mmu.c) with rodata=full (Debian: can_set_direct_map): the linear map of
 * every mapped (non-NOMAP) region uses PTE tables, one table page per 2 MiB block, one PMD page
 * per GiB and one PUD page per 512 GiB. The linear alias of the kernel text [kernel_start,
 * __init_begin) is NOMAP during that pass and mapped afterwards with block mappings allowed, so a
 * 2 MiB block it covers entirely needs no PTE table.
 */
function mapMemTablePages(b: ArchBoot, textStart: number, textEnd: number): number {
  const pte = new Set<number>();
  const pmd = new Set<number>();
  const pud = new Set<number>();
  for (const r of b.mb.memory) {
    if (r.flags & 0x4) continue;
    const end = r.base + r.size;
    for (let a = r.base - (r.base % SZ_2M); a < end; a += SZ_2M) {
      if (!(a >= textStart && a + SZ_2M <= textEnd)) pte.add(a / SZ_2M);
    }
    for (let a = r.base - (r.base % SZ_1G); a < end; a += SZ_1G) pmd.add(a / SZ_1G);
    for (let a = r.base - (r.base % 2 ** 39); a < end; a += 2 ** 39) pud.add(Math.floor(a / 2 ** 39));
  }
  return pte.size + pmd.size + pud.size;
}

/**
 * __unflatten_device_tree's single allocation (drivers/of/fdt.c): unflatten_dt_nodes' dry run
 * from address 0. populate_node allocates a struct device_node plus the name (with '\0'),
 * populate_properties a struct property per property and, without a "name" property, one more
 * with the unit name appended; each aligned to the struct's alignment (the pointer size). The
 * size is rounded to 4 and gets 4 bytes for the 0xdeadbeef end marker.
 */
export function unflattenDtSize(tree: readonly UnflattenNode[], nodeSize: number, propSize: number, align: number): number {
  const al = (x: number) => Math.ceil(x / align) * align;
  let mem = 0;
  for (const n of tree) {
    mem = al(mem) + nodeSize + n.nameLen + 1;
    for (let i = 0; i < n.props; i++) mem = al(mem) + propSize;
    if (!n.hasName) mem = al(mem) + propSize + n.unitNameLen + 1;
  }
  return Math.ceil(mem / 4) * 4 + 4;
}

/** arch_numa_init → numa_init (drivers/base/arch_numa.c): distance table and NODE_DATA per node. */
function numaInit(b: ArchBoot): Map<number, number> {
  const { mb } = b;
  const out = new Map<number, number>();
  if (!b.profile.config.numa) return out;
  const dist = 256;
  let numaFromDt = b.fw.banks.some((x) => x.nidGiven ?? x.nid !== 0) || b.nids.length > 1;
  let d = mb.allocTryNid(dist, 4096, 0, 0, -1, { caller: 'numa_init+0x80/0x3c8' });
  // of_numa_parse_memory_nodes (drivers/of/of_numa.c): a numa-node-id at or above MAX_NUMNODES
  // fails of_numa_init before any numa_add_memblk
  const over = numaFromDt ? b.fw.banks.find((r) => r.nidGiven !== false && r.nid >= mb.maxNumnodes) : undefined;
  if (over) {
    b.dmesg.push(`OF: NUMA: Node id ${over.nid} exceeds maximum value`, 'OF: NUMA: bad property in memory node');
    numaFromDt = false;
  }
  if (numaFromDt) {
    // of_numa_init → numa_add_memblk per /memory node; numa_register_nodes then refuses a memory
    // region no node covers (such as the kernel image that arm64_memblock_init re-adds after mem=)
    for (const r of b.fw.banks) if (r.nidGiven !== false) mb.setNode(r.base, r.size, r.nid);
    const stray = mb.memory.find((r) => r.size > 0 && r.nid >= mb.maxNumnodes);
    if (stray) {
      b.dmesg.push(`NUMA: Warning: invalid memblk node ${stray.nid} [mem 0x${stray.base.toString(16).padStart(8, '0')}-0x${(stray.base + stray.size - 1).toString(16).padStart(8, '0')}]`);
      numaFromDt = false;
    }
  }
  if (!numaFromDt) {
    // of_numa_init found nothing (or numa_register_nodes failed): numa_free_distance, then
    // dummy_numa_init allocates it again and puts all memory and every CPU on node 0.
    mb.free(d, dist, 'numa_free_distance+0x38/0x50');
    d = mb.allocTryNid(dist, 4096, 0, 0, -1, { caller: 'numa_init+0x80/0x3c8' });
    mb.setNode(0, Number.MAX_SAFE_INTEGER, 0);
    b.nids = [0];
    b.fw = { ...b.fw, banks: b.fw.banks.map((x) => ({ ...x, nid: 0 })), cpuNodes: b.fw.cpuNodes.map(() => 0) };
  }
  b.reservations.push({ what: 'numa distance table', base: d, size: dist });
  const ndSize = b.build.pgdatSize;
  for (const nid of b.nids) {
    const pa = panicIfFailed(mb, mb.allocTryNid(ndSize, 64, 0, 0, nid, { caller: 'setup_node_data+0x0/0x0' }), 'setup_node_data', `Cannot allocate ${ndSize} bytes for node ${nid} data`);
    b.reservations.push({ what: `NODE_DATA(${nid})`, base: pa, size: ndSize });
    b.dmesg.push(`NUMA: NODE_DATA [mem 0x${pa.toString(16)}-0x${(pa + ndSize - 1).toString(16)}]`);
    out.set(nid, pa);
  }
  return out;
}
