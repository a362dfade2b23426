/**
 * /reserved-memory processing (drivers/of/of_reserved_mem.c, drivers/of/fdt.c): static regions
 * (__reserved_mem_reserve_reg), then fdt_init_reserved_mem: the kernel's heapsort, dynamic
 * allocation (__reserved_mem_alloc_size) and the init functions for shared-dma-pool
 * (rmem_cma_setup in kernel/dma/contiguous.c, rmem_dma_setup in kernel/dma/coherent.c).
 */
import type { Memblock } from '../memblock/memblock';
import { MEMBLOCK_ALLOC_ANYWHERE } from '../memblock/memblock';
import { cmaInitReservedMem, cmaMinAlignment, type CmaContext } from './cma-reserve';
import { fmtPa } from '../memblock/format';
import { SZ_1M } from '../sizes';
import type { ReservedMemEntry, ReservedMemScan } from '../fdt/fdt-reserved-mem';
import { sortReservedMem } from '../fdt/reserved-mem-sort';
import { versionRules } from '../kernel-behaviour';
import type { KernelVersion } from '../types';

export interface RmemEntry {
  name: string;
  entry: ReservedMemEntry;
  base: number;
  size: number;
}

export interface RmemResult {
  entries: RmemEntry[];
  /** the linux,cma-default area was created from the DT */
  dtDefaultCma: boolean;
}

export interface RmemContext extends CmaContext {
  arch: 'arm64' | 'arm' | 'x86_64';
  smpCacheBytes: number;
  /** cma= was given on the command line */
  cmaCmdline: boolean;
}

/** Pass 1 (__reserved_mem_reserve_reg for every static child): reserve or mark NOMAP each pair. */
export function reservedMemReserveStatic(ctx: RmemContext, scan: ReservedMemScan): void {
  if (scan.status === 'unsupported') {
    ctx.dmesg.push('Reserved memory: unsupported node format, ignoring');
    return;
  }
  for (const op of scan.staticRegs) {
    if (earlyInitDtReserveMemory(ctx, op.base, op.size, op.noMap)) {
      ctx.dmesg.push(`OF: reserved mem: reserved region for node '${op.name}': base ${fmtPa(op.base, ctx.mb.physAddrBytes)}, size ${Math.floor(op.size / SZ_1M)} MiB`);
    } else {
      ctx.dmesg.push(`OF: reserved mem: failed to reserve memory for node '${op.name}': base ${fmtPa(op.base, ctx.mb.physAddrBytes)}, size ${Math.floor(op.size / SZ_1M)} MiB`);
    }
  }
}

/** Pass 2, fdt_init_reserved_mem: heapsort, allocate dynamic regions, run the init functions. */
export function fdtInitReservedMem(ctx: RmemContext, scan: ReservedMemScan): RmemResult {
  if (scan.status !== 'ok') return { entries: [], dtDefaultCma: false };
  const saved: RmemEntry[] = scan.entries.map((entry) => ({ name: entry.name, entry, base: entry.base, size: entry.size }));
  const sorted = saved.length >= 2 ? sortReservedMem(saved) : saved;
  let dtDefaultCma = false;
  const entries: RmemEntry[] = [];
  for (const e of sorted) {
    if (e.size === 0) {
      if (!e.entry.dynamic) continue;
      if (e.entry.allocError) {
        ctx.dmesg.push(`OF: reserved mem: ${e.entry.allocError}`);
        continue;
      }
      const got = reservedMemAllocSize(ctx, e.entry);
      if (!got) continue;
      e.base = got.base;
      e.size = got.size;
    }
    const rc = reservedMemInitNode(ctx, e);
    if (rc === 'cma-default') dtDefaultCma = true;
    if (rc === 'fail') {
      ctx.dmesg.push(`OF: reserved mem: node ${e.name} compatible matching fail`);
      giveBack(ctx, e);
      continue;
    }
    entries.push(e);
  }
  return { entries, dtDefaultCma };
}

/** early_init_dt_reserve_memory (6.1) / early_init_dt_reserve_memory_arch (5.10.44+). */
function earlyInitDtReserveMemory(ctx: RmemContext, base: number, size: number, nomap: boolean): boolean {
  const mb: Memblock = ctx.mb;
  if (nomap) {
    if (ctx.rules.noMap.staticBusy === 'memory-and-reserved') {
      if (mb.overlapsMemory(base, size) && mb.overlapsReserved(base, size)) return false;
    } else if (mb.overlapsReserved(base, size)) {
      return false;
    }
    mb.markNomap(base, size);
    return true;
  }
  mb.reserve(base, size, '__fdt_scan_reserved_mem+0x0/0x0');
  return true;
}

/**
 * The alignment `__reserved_mem_alloc_size` allocates a dynamic region with: the `alignment`
 * property (0 when absent), raised for a CMA pool (`shared-dma-pool` + `reusable`, no `no-map`,
 * CONFIG_CMA) to the CMA minimum (cmaMinAlignment: PAGE_SIZE << max(MAX_ORDER-1, pageblock_order)
 * in 5.10, CMA_MIN_ALIGNMENT_BYTES in 6.1); 0 becomes SMP_CACHE_BYTES.
 */
export function reservedMemAllocAlign(
  e: ReservedMemEntry,
  p: { kernel: KernelVersion; cma: boolean; maxOrder: number; pageblockOrder: number; smpCacheBytes?: number },
): number {
  let align = e.alignment ?? 0;
  if (p.cma && e.compatible.includes('shared-dma-pool') && e.reusable && !e.noMap) {
    align = Math.max(align, cmaMinAlignment(versionRules(p.kernel), p.pageblockOrder, p.maxOrder));
  }
  return align === 0 ? p.smpCacheBytes ?? 64 : align;
}

/** __reserved_mem_alloc_size (drivers/of/of_reserved_mem.c). */
function reservedMemAllocSize(ctx: RmemContext, node: ReservedMemEntry): { base: number; size: number } | null {
  const size = node.allocSize ?? 0;
  const align = reservedMemAllocAlign(node, { kernel: ctx.rules.kernel, cma: ctx.config.cma, maxOrder: ctx.maxOrder, pageblockOrder: ctx.pageblockOrder, smpCacheBytes: ctx.smpCacheBytes });
  const ranges = node.allocRanges.length ? node.allocRanges.map((r) => ({ start: r.start, end: r.start + r.size })) : [{ start: 0, end: MEMBLOCK_ALLOC_ANYWHERE }];
  let base = 0;
  for (const r of ranges) {
    base = allocReserved(ctx, size, align, r.start, r.end, node.noMap);
    if (base) break;
  }
  if (!base) {
    ctx.dmesg.push(`OF: reserved mem: failed to allocate memory for node '${node.name}'`);
    return null;
  }
  return { base, size };
}

/** early_init_dt_alloc_reserved_memory_arch: 6.1 allocates then marks NOMAP; 5.10 finds then reserves or removes. */
function allocReserved(ctx: RmemContext, size: number, align: number, start: number, end: number, nomap: boolean): number {
  const mb = ctx.mb;
  if (ctx.rules.noMap.dynamic === 'reserve-nomap') {
    const base = mb.physAllocRange(size, align || ctx.smpCacheBytes, start, end, 'early_init_dt_alloc_reserved_memory_arch+0x0/0x0');
    if (base && nomap) mb.markNomap(base, size);
    return base;
  }
  const base = mb.findInRangeNode(size, align || ctx.smpCacheBytes, start, end, -1, 0);
  if (!base) return 0;
  if (nomap) mb.remove(base, size, 'early_init_dt_alloc_reserved_memory_arch+0x0/0x0');
  else mb.reserve(base, size, 'early_init_dt_alloc_reserved_memory_arch+0x0/0x0');
  return base;
}

type InitResult = 'ok' | 'cma-default' | 'fail' | 'none';

/** __reserved_mem_init_node: the first matching init function that succeeds wins. */
function reservedMemInitNode(ctx: RmemContext, e: RmemEntry): InitResult {
  if (!e.entry.compatible.includes('shared-dma-pool')) return 'none';
  // Both rmem_cma_setup and rmem_dma_setup match "shared-dma-pool"; link order puts CMA first.
  const cma = ctx.config.cma ? rmemCmaSetup(ctx, e) : 'enoent';
  if (cma === 'ok') return e.entry.cmaDefault ? 'cma-default' : 'ok';
  const dma = rmemDmaSetup(ctx, e);
  if (dma === 'ok') return 'ok';
  return 'fail';
}

/** rmem_cma_setup (kernel/dma/contiguous.c). */
function rmemCmaSetup(ctx: RmemContext, e: RmemEntry): 'ok' | 'einval' | 'ebusy' | 'enoent' {
  const n = e.entry;
  if (ctx.cmaCmdline && n.cmaDefault) {
    ctx.dmesg.push(`Reserved memory: bypass ${e.name} node, using cmdline CMA params instead`);
    return 'ebusy';
  }
  if (!n.reusable || n.noMap) return 'einval';
  const align = cmaMinAlignment(ctx.rules, ctx.pageblockOrder, ctx.maxOrder);
  if (e.base % align || e.size % align) {
    ctx.dmesg.push('Reserved memory: incorrect alignment of CMA region');
    return 'einval';
  }
  cmaInitReservedMem(ctx, e.base, e.size, e.name, true);
  ctx.dmesg.push(`Reserved memory: created CMA memory pool at ${fmtPa(e.base, ctx.mb.physAddrBytes)}, size ${Math.floor(e.size / SZ_1M)} MiB`);
  return 'ok';
}

/** rmem_dma_setup (kernel/dma/coherent.c). */
function rmemDmaSetup(ctx: RmemContext, e: RmemEntry): 'ok' | 'einval' {
  if (e.entry.reusable) return 'einval';
  if (ctx.arch === 'arm' && !e.entry.noMap) {
    ctx.dmesg.push('Reserved memory: regions without no-map are not yet supported');
    return 'einval';
  }
  ctx.dmesg.push(`Reserved memory: created DMA memory pool at ${fmtPa(e.base, ctx.mb.physAddrBytes)}, size ${Math.floor(e.size / SZ_1M)} MiB`);
  return 'ok';
}

/** The give-back after every init function failed (fdt_init_reserved_mem). */
function giveBack(ctx: RmemContext, e: RmemEntry): void {
  const mb = ctx.mb;
  if (ctx.rules.noMap.giveBack === 'clear-nomap-or-free') {
    if (e.entry.noMap) mb.clearNomap(e.base, e.size);
    else mb.free(e.base, e.size, 'fdt_init_reserved_mem+0x0/0x0');
  } else {
    mb.free(e.base, e.size, 'fdt_init_reserved_mem+0x0/0x0');
    if (e.entry.noMap) mb.add(e.base, e.size, 'fdt_init_reserved_mem+0x0/0x0');
  }
}
