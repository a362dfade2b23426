/**
 * 32-bit arm (LPAE) boot, setup_arch up to free_highpages (arch/arm/kernel/setup.c,
 * arch/arm/mm/mmu.c adjust_lowmem_bounds, arch/arm/mm/init.c): DTB and `mem=` banks, lowmem limit,
 * kernel image and swapper page tables, reserved-memory, CMA (highmem first), FLATMEM memmap.
 */
import { SZ_1M } from '../sizes';
import { MmError } from '../errors';
import type { VersionRules } from '../kernel-behaviour';
import type { ArchBoot, RmemBase } from '../boot/context';
import { cmaCmdline, dmaContiguousReserve } from '../mm-init/cma-reserve';
import { addFirmwareMemory } from '../fdt/dt-add-memory';
import { fdtInitReservedMem, reservedMemReserveStatic, type RmemContext } from '../mm-init/of-reserved-mem';
import { commonStartKernel } from '../mm-init/start-kernel';
import { unflattenDtSize } from './arm64';
import { checkKernelImageInRam } from './kernel-image';
import { panicIfFailed } from '../boot/early-panic';
import { checkMachineSize, machineLimits } from '../limits';

const PMD_SIZE = 2 * SZ_1M;
const VMALLOC_END = 0xff800000;
const VMALLOC_OFFSET = 8 * SZ_1M;
const VMALLOC_DEFAULT = 240 * SZ_1M;

/**
 * vmalloc_min, the lowest vmalloc address (early_vmalloc and adjust_lowmem_bounds, arch/arm/mm/mmu.c).
 * 6.1 (since 5.14) keeps the size and always subtracts VMALLOC_OFFSET, clamping the size to
 * VMALLOC_END − (PAGE_OFFSET + 32 MiB + VMALLOC_OFFSET). 5.10 stores VMALLOC_END − size for a
 * vmalloc= value (only the 240 MiB default subtracts VMALLOC_OFFSET) and clamps to
 * VMALLOC_END − (PAGE_OFFSET + 32 MiB). Both raise a size below 16 MiB to 16 MiB.
 */
export function armVmallocMin(rules: Pick<VersionRules, 'arm'>, pageOffset: number, vmalloc: number | undefined): number {
  if (vmalloc === undefined) return VMALLOC_END - VMALLOC_DEFAULT - VMALLOC_OFFSET;
  const always = rules.arm.vmallocOffsetAlways;
  const max = VMALLOC_END - (pageOffset + 32 * SZ_1M + (always ? VMALLOC_OFFSET : 0));
  const size = Math.min(Math.max(vmalloc, 16 * SZ_1M), max);
  return always ? VMALLOC_END - size - VMALLOC_OFFSET : VMALLOC_END - size;
}

const MEMBLOCK_NOMAP = 0x4;

/**
 * adjust_lowmem_bounds (arch/arm/mm/mmu.c): marks a non-PMD-aligned start of the first mapped
 * region NOMAP, computes arm_lowmem_limit (the end of lowmem) from vmalloc= and the PAGE_OFFSET
 * split, and the memblock limit: the first non-PMD-aligned bank boundary below it (or the lowmem
 * limit), rounded down to 2 MiB. Without HIGHMEM the RAM above that limit is removed. The ranges
 * walked are for_each_mem_range's: NOMAP regions are skipped.
 */
export function adjustLowmemBounds(b: ArchBoot, physOffset: number): { lowmem: number; memblockLimit: number } {
  const { mb } = b;
  const cfg = b.profile.config;
  const vmallocLimit = armVmallocMin(b.profile.behaviour, cfg.pageOffset, b.params.vmalloc) - cfg.pageOffset + physOffset;
  const mapped = () => mb.memory.filter((r) => r.size > 0 && !(r.flags & MEMBLOCK_NOMAP)).map((r) => ({ start: r.base, end: r.base + r.size }));
  const first = mapped()[0];
  if (first && first.start % PMD_SIZE) mb.markNomap(first.start, Math.min(first.end, first.start - (first.start % PMD_SIZE) + PMD_SIZE) - first.start);
  let lowmem = 0;
  let memblockLimit = 0;
  for (const r of mapped()) {
    if (r.start >= vmallocLimit) continue;
    if (r.end > lowmem) lowmem = Math.min(vmallocLimit, r.end);
    if (!memblockLimit) {
      if (r.start % PMD_SIZE) memblockLimit = r.start;
      else if (r.end % PMD_SIZE) memblockLimit = lowmem;
    }
  }
  if (!memblockLimit) memblockLimit = lowmem;
  memblockLimit -= memblockLimit % PMD_SIZE;
  if (!cfg.highmem && lowmem && mb.endOfDram() > lowmem) {
    mb.remove(memblockLimit, mb.endOfDram() - memblockLimit, 'adjust_lowmem_bounds+0x0/0x0');
    lowmem = memblockLimit;
  }
  mb.currentLimit = memblockLimit;
  return { lowmem, memblockLimit };
}

export function armBoot(b: ArchBoot, rmem: RmemBase): void {
  const { mb, build, fw, profile } = b;
  const cfg = profile.config;
  const res = (what: string, base: number, size: number) => {
    if (base) b.reservations.push({ what, base, size });
  };
  const preParse = mb.log.length;
  addFirmwareMemory(b);
  mb.log.splice(preParse);
  // PHYS_OFFSET: where the kernel was loaded, the start of the firmware's DRAM; mem= does not move it
  const physOffset = mb.startOfDram();
  checkKernelImageInRam(mb.memory, { base: physOffset + build.imageOffset, size: build.imageSize }, 'arm', profile.kernel, 'firmware');
  // early_mem: the first mem= drops all memory, each adds a bank (arm_add_memory)
  if (b.params.mem?.kind === 'banks') {
    for (const r of [...mb.memory]) mb.remove(r.base, r.size);
    for (const bank of b.params.mem.banks) {
      // arm_add_memory: page-align the start, clip what lies below PHYS_OFFSET, round the size down
      const start = bank.start ?? physOffset;
      let aligned = Math.ceil(start / 4096) * 4096;
      let size = aligned > start + bank.size ? 0 : bank.size - (aligned - start);
      if (aligned < physOffset) {
        size = aligned + size <= physOffset ? 0 : size - (physOffset - aligned);
        aligned = physOffset;
      }
      size = Math.floor(size / 4096) * 4096;
      if (size > 0) mb.add(aligned, size, 'arm_add_memory+0x0/0x0');
    }
  }
  if (!mb.physMemSize())
    throw new MmError('MEM_EMPTY', `mem= leaves no memory: every bank is empty or lies below PHYS_OFFSET 0x${physOffset.toString(16)}`, 'mem=');
  // mmbook's limit, before anything that costs per page of RAM
  checkMachineSize(mb.memory, machineLimits('arm', cfg));
  const dramStart = mb.startOfDram();
  // setup_arch: adjust_lowmem_bounds before arm_memblock_init
  let lowmemLimit = adjustLowmemBounds(b, physOffset).lowmem;
  if (!lowmemLimit)
    throw new MmError('MEM_NO_LOWMEM', `no lowmem: the lowest memory bank starts at 0x${dramStart.toString(16)}, at or above the vmalloc limit 0x${(armVmallocMin(b.profile.behaviour, cfg.pageOffset, b.params.vmalloc) - cfg.pageOffset + physOffset).toString(16)} (PHYS_OFFSET 0x${physOffset.toString(16)})`, 'mem=');

  // arm_memblock_init: kernel, initrd, swapper_pg_dir, reserved-memory, CMA
  const image = { base: dramStart + build.imageOffset, size: build.imageSize };
  checkKernelImageInRam(mb.memory, image, 'arm', profile.kernel, 'mem=');
  mb.reserve(image.base, image.size, 'arm_memblock_init+0x44/0x88');
  res('kernel image', image.base, image.size);
  if (fw.initrd && fw.initrd.size) {
    const base = fw.initrd.start - (fw.initrd.start % 4096);
    const end = Math.ceil((fw.initrd.start + fw.initrd.size) / 4096) * 4096;
    if (mb.isRegionMemory(base, end - base) && !mb.overlapsReserved(base, end - base)) {
      mb.reserve(base, end - base, 'reserve_initrd_mem+0xf0/0x190');
      res('initrd', base, end - base);
    }
  }
  if (build.swapperPgDir) {
    mb.reserve(dramStart + build.swapperPgDir.offset, build.swapperPgDir.size, 'arm_memblock_init+0x4c/0x88');
    res('swapper_pg_dir', dramStart + build.swapperPgDir.offset, build.swapperPgDir.size);
  }
  const highmemStart = lowmemLimit;
  b.highmemStart = highmemStart;
  const rctx: RmemContext = { ...rmem, mb, areas: b.cmaAreas, highmemStart, dmesg: b.dmesg };
  // early_init_fdt_reserve_self: the DTB's fdt_totalsize
  if (fw.dtb) {
    mb.reserve(fw.dtb.base, fw.dtb.size, 'early_init_fdt_reserve_self+0x0/0x0');
    res('device tree blob', fw.dtb.base, fw.dtb.size);
  }
  reservedMemReserveStatic(rctx, fw.reservedMem);
  for (const r of fw.memreserve) mb.reserve(r.base, r.size, 'early_init_fdt_scan_reserved_mem+0x0/0x0');
  const rm = fdtInitReservedMem(rctx, fw.reservedMem);
  for (const e of rm.entries) res(`reserved-memory ${e.name}`, e.base, e.size);
  // dma_contiguous_reserve(arm_dma_limit): setup_dma_zone sets 0xffffffff (an inclusive limit: no
  // dma_zone_size on DT boards); without ZONE_DMA it is (phys_addr_t)~0. cma_declare_contiguous_nid
  // then aligns it down, so the top 4 MiB below 4 GiB are never the default area.
  const armDmaLimit = cfg.zoneDma ? 0xffffffff : Number.MAX_SAFE_INTEGER;
  const cma = dmaContiguousReserve(rctx, { cmdline: cmaCmdline(b), dtDefaultExists: rm.dtDefaultCma, archLimit: armDmaLimit });
  if (cma) res('CMA (default area)', cma.base, cma.size);
  // setup_arch: memory may have been removed (no-map), so adjust_lowmem_bounds again
  lowmemLimit = adjustLowmemBounds(b, physOffset).lowmem;
  mb.logDumpAll();

  // paging_init → bootmem_init: find_limits, FLATMEM memmap (alloc_node_mem_map) below the lowmem limit
  b.maxLowPfn = Math.floor(lowmemLimit / 4096);
  b.maxPfn = Math.floor(mb.endOfDram() / 4096);
  armPagingInitAllocs(b);
  mb.currentLimit = lowmemLimit;
  const startPfn = Math.floor(dramStart / 4096);
  const memmapPages = Math.ceil(b.maxPfn / 1024) * 1024 - (startPfn - (startPfn % 1024));
  const memmap = memmapPages * cfg.structPageSize;
  const memmapPa = mb.allocTryNid(memmap, 64, 0, 0, 0, { raw: true, caller: 'memmap_alloc+0x44/0x4c' });
  res('memmap (FLATMEM)', panicIfFailed(mb, memmapPa, 'alloc_node_mem_map', `Failed to allocate ${memmap} bytes for node 0 memory map`), memmap);
  // free_area_init_core → setup_usemap for every zone that spans pages (lowmem zone, then HighMem)
  const lowZone: [number, number] = [startPfn, b.maxLowPfn];
  for (const [zs, ze] of [lowZone, ...(cfg.highmem ? [[b.maxLowPfn, b.maxPfn] as [number, number]] : [])]) {
    const size = usemapSize(zs, ze - zs, cfg.pageblockOrder);
    if (size) res('usemap', mb.allocTryNid(size, 64, 0, 0, 0, { caller: 'setup_usemap+0x70/0x9c' }), size);
  }
  // request_standard_resources: a struct resource (40 bytes with LPAE) per mapped memory range
  const resSize = cfg.armLpae ? 40 : 32;
  for (const r of mb.memory) {
    if (r.flags & MEMBLOCK_NOMAP) continue;
    res('resources', mb.allocTryNid(resSize, 64, 0, 0, -1, { caller: 'request_standard_resources+0x0/0x0' }), resSize);
  }
  const dtSize = fw.dtb ? unflattenDtSize(fw.dtb.tree, build.dtNodeSize, build.dtPropSize, 4) : 0;
  if (dtSize) res('unflattened device tree', mb.allocTryNid(dtSize, 4, 0, 0, -1, { caller: 'early_init_dt_alloc_memory_arch+0x3c/0x70' }), dtSize);
  b.maxZonePfn = [];
  if (cfg.zoneDma) b.maxZonePfn.push(b.maxLowPfn);
  b.maxZonePfn.push(b.maxLowPfn);
  if (cfg.highmem) b.maxZonePfn.push(b.maxPfn);
  b.maxZonePfn.push(0);
  if (cfg.zoneDevice) b.maxZonePfn.push(0);
  // mem_init (LPAE): swiotlb_init(max_pfn > arm_dma_pfn_limit) (5.10.y has the same test since the
  // "only initialize swiotlb when needed" fix); memblock_alloc_low is capped by current_limit = lowmem.
  const armDmaPfnLimit = Math.floor(armDmaLimit / 4096);
  const swiotlb = cfg.armLpae && (b.maxPfn > armDmaPfnLimit || /force/.test(b.params.swiotlb ?? ''));
  // __pa(MAX_DMA_ADDRESS): MAX_DMA_ADDRESS is 0xffffffff on arm, far above lowmem, so pcpu_fc_alloc's
  // goal is never met and memblock_alloc_from retries from 0
  commonStartKernel(b, { swiotlb, swiotlbLimit: 2 ** 32, pcpuGoal: 0xffffffff - cfg.pageOffset + physOffset });
}

/**
 * The early_alloc (memblock_alloc(sz, sz)) calls of paging_init (arch/arm/mm/mmu.c) after the
 * lowmem map: devicemaps_init's two vector pages and the PTE table mapping them at 0xffff0000,
 * pci_reserve_io's struct static_vm (vm_reserve_area_early, 48 bytes with LPAE, CONFIG_PCI),
 * kmap_init's PTE tables for PKMAP_BASE (HIGHMEM) and FIXADDR_START, and the zero page.
 */
function armPagingInitAllocs(b: ArchBoot): void {
  const { mb } = b;
  const earlyAlloc = (what: string, sz: number) => {
    const base = mb.allocTryNid(sz, sz, 0, 0, -1, { caller: 'early_alloc+0x3c/0x68' });
    b.reservations.push({ what, base: panicIfFailed(mb, base, 'early_alloc', `early_alloc: Failed to allocate ${sz} bytes align=0x${sz.toString(16)}`), size: sz });
  };
  earlyAlloc('vectors', 8192);
  earlyAlloc('page table', 4096);
  const vm = b.profile.config.armLpae ? 48 : 40;
  const base = mb.allocTryNid(vm, b.profile.config.armLpae ? 8 : 4, 0, 0, -1, { caller: 'vm_reserve_area_early+0x48/0x8c' });
  if (base) b.reservations.push({ what: 'static_vm (PCI I/O)', base, size: vm });
  if (b.profile.config.highmem) earlyAlloc('page table', 4096);
  earlyAlloc('page table', 4096);
  earlyAlloc('zero page', 4096);
}

/** usemap_size (mm/page_alloc.c): NR_PAGEBLOCK_BITS per pageblock, in whole unsigned longs. */
function usemapSize(zoneStartPfn: number, zoneSize: number, pageblockOrder: number): number {
  const pb = 2 ** pageblockOrder;
  const size = Math.ceil((zoneSize + (zoneStartPfn & (pb - 1))) / pb) * pb;
  const bits = Math.ceil(((size >> pageblockOrder) * 4) / 32) * 32;
  return bits / 8;
}
