/**
 * 32-bit arm (LPAE) boot, setup_arch up to free_highpages (arch/arm/kernel/setup.c,
 * arch/arm/mm/mmu.c adjust_lowmem_bounds, arch/arm/mm/init.c): DTB and `mem=` banks, lowmem limit,
 * kernel image and swapper page tables, reserved-memory, CMA (highmem first), FLATMEM memmap.
 */
import type { ArchBoot, RmemBase } from './context';
import { cmaCmdline, dmaContiguousReserve } from './cma';
import { addFirmwareMemory } from './firmware-memory';
import { fdtInitReservedMem, reservedMemReserveStatic, type RmemContext } from './reserved-mem';
import { commonStartKernel } from './start-kernel';
import { unflattenSize } from './arm64';

const SZ_1M = 2 ** 20;
const PMD_SIZE = 2 * SZ_1M;
const VMALLOC_END = 0xff800000;
const VMALLOC_OFFSET = 8 * SZ_1M;
const VMALLOC_DEFAULT = 240 * SZ_1M;

/** adjust_lowmem_bounds: arm_lowmem_limit, the end of lowmem, from vmalloc= and the PAGE_OFFSET split. */
export function armLowmemLimit(b: ArchBoot): number {
  const cfg = b.profile.config;
  const physOffset = b.mb.startOfDram();
  let vsize = b.params.vmalloc ?? VMALLOC_DEFAULT;
  vsize = Math.max(16 * SZ_1M, Math.min(vsize, VMALLOC_END - (cfg.pageOffset + 32 * SZ_1M)));
  const vmallocMin = VMALLOC_END - vsize - VMALLOC_OFFSET;
  const vmallocLimit = vmallocMin - cfg.pageOffset + physOffset;
  let lowmem = 0;
  for (const r of b.mb.memory) {
    if (r.base >= vmallocLimit) continue;
    lowmem = Math.max(lowmem, Math.min(r.base + r.size, vmallocLimit));
  }
  return lowmem;
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
  // early_mem: the first mem= drops all memory, each adds a bank (arm_add_memory)
  if (b.params.mem?.kind === 'banks') {
    const physOffset = mb.startOfDram();
    for (const r of [...mb.memory]) mb.remove(r.base, r.size);
    for (const bank of b.params.mem.banks) {
      const start = bank.start ?? physOffset;
      const aligned = Math.ceil(start / 4096) * 4096;
      const size = Math.floor((bank.size - (aligned - start)) / 4096) * 4096;
      if (size > 0 && aligned >= physOffset) mb.add(aligned, size, 'arm_add_memory+0x0/0x0');
    }
  }
  const dramStart = mb.startOfDram();
  const lowmemLimit = armLowmemLimit(b);
  const limit = lowmemLimit - (lowmemLimit % PMD_SIZE);
  mb.currentLimit = limit;
  if (!cfg.highmem) mb.remove(lowmemLimit, Number.MAX_SAFE_INTEGER - lowmemLimit, 'adjust_lowmem_bounds+0x0/0x0');

  // arm_memblock_init: kernel, initrd, swapper_pg_dir, reserved-memory, CMA
  const image = { base: dramStart + build.imageOffset, size: build.imageSize };
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
  reservedMemReserveStatic(rctx, fw.reservedMem);
  for (const r of fw.memreserve) mb.reserve(r.base, r.size, 'early_init_fdt_scan_reserved_mem+0x0/0x0');
  const rm = fdtInitReservedMem(rctx, fw.reservedMem);
  for (const e of rm.entries) res(`reserved-memory ${e.name}`, e.base, e.size);
  // dma_contiguous_reserve(arm_dma_limit): no dma_zone_size on DT boards → 0xffffffff
  const cma = dmaContiguousReserve(rctx, { cmdline: cmaCmdline(b), dtDefaultExists: rm.dtDefaultCma, archLimit: 0xffffffff + 1 });
  if (cma) res('CMA (default area)', cma.base, cma.size);
  mb.logDumpAll();

  // paging_init → bootmem_init: find_limits, FLATMEM memmap (alloc_node_mem_map) below the lowmem limit
  b.maxLowPfn = Math.floor(lowmemLimit / 4096);
  b.maxPfn = Math.floor(mb.endOfDram() / 4096);
  for (let i = 0; i < 5; i++) res('page table', mb.allocTryNid(4096, 4096, 0, 0, -1, { caller: 'early_alloc+0x3c/0x68' }), 4096);
  mb.currentLimit = lowmemLimit;
  const startPfn = Math.floor(dramStart / 4096);
  const memmapPages = Math.ceil(b.maxPfn / 1024) * 1024 - (startPfn - (startPfn % 1024));
  const memmap = memmapPages * cfg.structPageSize;
  res('memmap (FLATMEM)', mb.allocTryNid(memmap, 64, 0, 0, 0, { raw: true, caller: 'memmap_alloc+0x44/0x4c' }), memmap);
  const usemap = Math.ceil((memmapPages >> cfg.pageblockOrder) * 4 / 8 / 8) * 8;
  res('usemap', mb.allocTryNid(usemap, 64, 0, 0, 0, { caller: 'setup_usemap+0x70/0x9c' }), usemap);
  if (fw.dtb) {
    mb.reserve(fw.dtb.base, fw.dtb.size, 'arm_memblock_init+0x0/0x0');
    res('device tree blob', fw.dtb.base, fw.dtb.size);
  }
  const dtSize = fw.dtb ? unflattenSize(fw.dtb, { node: 64, prop: 56 }) : 0;
  if (dtSize) res('unflattened device tree', mb.allocTryNid(dtSize, 4, 0, 0, -1, { caller: 'early_init_dt_alloc_memory_arch+0x3c/0x70' }), dtSize);
  b.maxZonePfn = [];
  if (cfg.zoneDma) b.maxZonePfn.push(b.maxLowPfn);
  b.maxZonePfn.push(b.maxLowPfn);
  if (cfg.highmem) b.maxZonePfn.push(b.maxPfn);
  b.maxZonePfn.push(0);
  if (cfg.zoneDevice) b.maxZonePfn.push(0);
  commonStartKernel(b, { swiotlb: false, swiotlbLimit: lowmemLimit });
}
