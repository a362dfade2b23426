/**
 * CMA declaration at boot: dma_contiguous_reserve (kernel/dma/contiguous.c) and
 * cma_declare_contiguous_nid / cma_init_reserved_mem (mm/cma.c). Placement only; activation
 * (MIGRATE_CMA pageblocks) is done by the buddy at core_initcall time.
 */
import { SZ_1M, SZ_4G } from '../sizes';
import { fmtPa } from '../memblock/format';
import { MmError } from '../errors';
import type { Memblock } from '../memblock/memblock';
import { PAGE_SIZE, type KernelConfig } from '../types';
import type { VersionRules } from '../kernel-behaviour';

export interface CmaArea {
  name: string;
  base: number;
  size: number;
  /** from the device tree (reserved-memory) rather than cma= / Kconfig */
  fromDt: boolean;
  /** set at core_initcall: false when cma_activate_area failed ("could not be activated") */
  activated?: boolean;
  /** cma->order_per_bit: one bitmap bit per 2^orderPerBit pages (0 when absent) */
  orderPerBit?: number;
  /** the node the area was declared on (hugetlb_cma); absent: NUMA_NO_NODE */
  nid?: number;
}

export interface CmaCmdline {
  size: number;
  base: number;
  limit: number;
  /** token text and index, for error messages */
  token?: string;
}

export interface CmaContext {
  rules: VersionRules;
  config: KernelConfig;
  pageblockOrder: number;
  maxOrder: number;
  mb: Memblock;
  areas: CmaArea[];
  /** __pa(high_memory - 1) + 1: end of lowmem (all of RAM on 64-bit) */
  highmemStart: number;
  dmesg: string[];
}

/** CMA_MIN_ALIGNMENT_BYTES (6.1) or PAGE_SIZE << max(MAX_ORDER-1, pageblock_order) (5.10). */
export function cmaMinAlignment(rules: Pick<VersionRules, 'cma'>, pageblockOrder: number, maxOrder: number): number {
  if (rules.cma.alignment === 'pageblock') return PAGE_SIZE * 2 ** pageblockOrder;
  return PAGE_SIZE * 2 ** Math.max(maxOrder - 1, pageblockOrder);
}


/** cma_declare_contiguous_nid (mm/cma.c): returns the area or throws MmError for an impossible request. */
export function cmaDeclareContiguousNid(
  ctx: CmaContext,
  baseIn: number,
  sizeIn: number,
  limitIn: number,
  alignmentIn: number,
  fixed: boolean,
  name: string,
  where: string,
  opts: { nid?: number; orderPerBit?: number } = {},
): CmaArea {
  const nid = opts.nid ?? -1;
  const maxAreas = 1 + ctx.config.cmaAreas;
  if (ctx.areas.length >= maxAreas) throw new MmError('CMA_TOO_MANY', `too many CMA areas (at most ${maxAreas})`, where);
  if (!sizeIn) throw new MmError('CMA_INVALID', 'CMA area size is 0', where);
  if (alignmentIn && (alignmentIn & (alignmentIn - 1)) !== 0)
    throw new MmError('CMA_INVALID', `CMA alignment 0x${alignmentIn.toString(16)} is not a power of 2`, where);
  const minAlign = cmaMinAlignment(ctx.rules, ctx.pageblockOrder, ctx.maxOrder);
  const alignment = Math.max(alignmentIn, minAlign);
  if (fixed && baseIn % alignment)
    throw new MmError('CMA_UNALIGNED', `CMA base 0x${baseIn.toString(16)} must be aligned to 0x${alignment.toString(16)}`, where);
  let base = alignUp(baseIn, alignment);
  const size = alignUp(sizeIn, alignment);
  let limit = limitIn - (limitIn % alignment);
  if (!base) fixed = false;
  const highmemStart = ctx.highmemStart;
  if (fixed && base < highmemStart && base + size > highmemStart)
    throw new MmError('CMA_INVALID', `CMA region [0x${base.toString(16)}-0x${(base + size - 1).toString(16)}] straddles the end of lowmem 0x${highmemStart.toString(16)}`, where);
  const endOfDram = ctx.mb.endOfDram();
  if (limit === 0 || limit > endOfDram) limit = endOfDram;
  if (base + size > limit)
    throw new MmError(
      'CMA_NO_SPACE',
      `CMA area of ${mib(size)} at 0x${base.toString(16)} does not fit below limit 0x${limit.toString(16)} (end of RAM 0x${endOfDram.toString(16)})`,
      where,
    );
  if (fixed) {
    if (!ctx.mb.isRegionMemory(base, size))
      throw new MmError('CMA_NOT_RAM', `CMA region [0x${base.toString(16)}-0x${(base + size - 1).toString(16)}] is not all RAM (memory ends at 0x${endOfDram.toString(16)}); the area could not be activated`, where);
    if (ctx.mb.overlapsReserved(base, size))
      throw new MmError('CMA_BUSY', `CMA region [0x${base.toString(16)}-0x${(base + size - 1).toString(16)}] overlaps a reserved region`, where);
    ctx.mb.reserve(base, size, 'cma_declare_contiguous_nid+0x0/0x0');
  } else {
    let addr = 0;
    // 6.1 (CONFIG_PHYS_ADDR_T_64BIT): with enough memory, first try bottom-up from 4 GiB to keep
    // DMA/DMA32 free. The kernel starts this try at SZ_4G whatever the requested base.
    if (ctx.rules.cma.bottomUpAbove4G && !ctx.mb.bottomUp && endOfDram >= SZ_4G + size) {
      ctx.mb.bottomUp = true;
      addr = ctx.mb.allocRangeNid(size, alignment, SZ_4G, limit, nid, true, 'cma_declare_contiguous_nid');
      ctx.mb.bottomUp = false;
    }
    // all pages of the area must be in one zone: try highmem first when the range crosses it
    if (!addr && base < highmemStart && limit > highmemStart) {
      addr = ctx.mb.allocRangeNid(size, alignment, highmemStart, limit, nid, true, 'cma_declare_contiguous_nid');
      limit = highmemStart;
    }
    if (!addr) addr = ctx.mb.allocRangeNid(size, alignment, base, limit, nid, true, 'cma_declare_contiguous_nid');
    if (!addr)
      throw new MmError('CMA_NO_SPACE', `no free ${mib(size)} range aligned to ${mib(alignment)} in [0x${base.toString(16)}, 0x${limit.toString(16)}) for CMA area '${name}'`, where);
    base = addr;
  }
  const area = cmaInitReservedMem(ctx, base, size, name, false);
  if (opts.orderPerBit) area.orderPerBit = opts.orderPerBit;
  if (nid >= 0) area.nid = nid;
  ctx.dmesg.push(`cma: Reserved ${Math.floor(size / SZ_1M)} MiB at ${fmtPa(base, ctx.mb.physAddrBytes)}`);
  return area;
}

/** cma_init_reserved_mem (mm/cma.c): registers an already reserved, aligned region. */
export function cmaInitReservedMem(ctx: CmaContext, base: number, size: number, name: string, fromDt: boolean): CmaArea {
  const area: CmaArea = { name, base, size, fromDt };
  ctx.areas.push(area);
  return area;
}

export interface DefaultCmaInput {
  cmdline?: CmaCmdline;
  /** an area with linux,cma-default already came from the device tree */
  dtDefaultExists: boolean;
  /** the arch limit passed to dma_contiguous_reserve */
  archLimit: number;
}

/** dma_contiguous_reserve (kernel/dma/contiguous.c): the default area from cma= or Kconfig. */
export function dmaContiguousReserve(ctx: CmaContext, inp: DefaultCmaInput): CmaArea | null {
  // Without CONFIG_CMA (Debian amd64) there is no DMA_CMA: dma_contiguous_reserve is an empty stub
  // and "cma=" is not an early_param, so the kernel passes it on as an unknown parameter.
  if (!ctx.config.cma) return null;
  let size: number;
  let base = 0;
  let limit = inp.archLimit;
  let fixed = false;
  const where = inp.cmdline?.token ? `command line ${inp.cmdline.token}` : 'CONFIG_CMA_SIZE_MBYTES';
  if (inp.cmdline) {
    size = inp.cmdline.size;
    base = inp.cmdline.base;
    limit = minNotZero(inp.cmdline.limit, inp.archLimit);
    fixed = inp.cmdline.limit !== 0 && base + size === inp.cmdline.limit;
  } else {
    const c = ctx.config;
    const bySize = c.cmaSizeMbytes * 2 ** 20;
    const byPct = Math.floor(Math.floor(ctx.mb.physMemSize() / PAGE_SIZE) * c.cmaSizePercentage / 100) * PAGE_SIZE;
    size =
      c.cmaSizeSel === 'mbytes' ? bySize : c.cmaSizeSel === 'percentage' ? byPct : c.cmaSizeSel === 'min' ? Math.min(bySize, byPct) : Math.max(bySize, byPct);
  }
  if (!size || inp.dtDefaultExists) return null;
  if (inp.cmdline) {
    // The user's limit is capped by the arch's DMA limit: say so when that is what made it fail.
    const capped = inp.cmdline.limit !== 0 && limit < inp.cmdline.limit;
    const archWhere = capped ? `${where}; the limit is min_not_zero(cma= limit, the arch DMA limit 0x${inp.archLimit.toString(16)})` : where;
    return cmaDeclareContiguousNid(ctx, base, size, limit, 0, fixed, 'reserved', archWhere);
  }
  // The Kconfig default is not the user's request: like the kernel, warn and boot without it.
  try {
    return cmaDeclareContiguousNid(ctx, base, size, limit, 0, fixed, 'reserved', where);
  } catch (e) {
    if (!(e instanceof MmError)) throw e;
    ctx.dmesg.push(`cma: Failed to reserve ${Math.floor(size / 2 ** 20)} MiB (${e.message})`);
    return null;
  }
}

function minNotZero(a: number, b: number): number {
  if (!a) return b;
  if (!b) return a;
  return Math.min(a, b);
}

function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

function mib(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20} MiB` : `${bytes} bytes`;
}


/** The cma= parameter as dma_contiguous_reserve sees it, with its token for error messages. */
export function cmaCmdline(b: { params: { cma?: { size: number; base: number; limit: number }; tokens: Array<{ param: string; value: string | null; index: number }> } }): CmaCmdline | undefined {
  const c = b.params.cma;
  if (!c) return undefined;
  const tok = [...b.params.tokens].reverse().find((t) => t.param === 'cma');
  return { size: c.size, base: c.base, limit: c.limit, token: tok ? `cma=${tok.value} (token ${tok.index})` : 'cma=' };
}
