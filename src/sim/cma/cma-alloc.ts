/**
 * cma_alloc and cma_release (mm/cma.c). cma_alloc searches the area's bitmap from its start for the
 * first free run of granules at the requested physical alignment (bitmap_find_next_zero_area_off),
 * marks it, and asks alloc_contig_range(pfn, pfn + count, MIGRATE_CMA, GFP_KERNEL) for it; on
 * −EBUSY it unmarks the run and tries again past it, on any other error it gives up. 5.10 fires one
 * cma_alloc tracepoint; 6.1 fires cma_alloc_start, cma_alloc_busy_retry per busy range and
 * cma_alloc_finish, and counts the cma_alloc_success / cma_alloc_fail vm events and the area's
 * sysfs page counters. A failure without no_warn prints the kernel's two lines ("alloc failed",
 * then cma_debug_show_areas).
 *
 * cma_release frees the pages one by one (free_contig_range: __free_page, so through the per-cpu
 * lists), clears the bitmap and fires cma_release.
 */
import { MmError } from '../errors';
import { MIGRATE_CMA } from '../types';
import { PS_ALLOC } from '../buddy/page-state';
import { GFP_KERNEL, __GFP_NOWARN } from '../page_alloc/gfp';
import { freeThePage } from '../page_alloc/free';
import { untrackPage } from '../run/page-accounting';
import type { RunState } from '../run/run-state';
import { allocContigRange } from './contig-range';
import type { CmaAreaRun } from './cma-state';
import { EBUSY } from './isolation';

const ENOMEM = 12;

export interface CmaAllocResult {
  ok: boolean;
  /** the first pfn of the allocation, −1 on failure */
  pfn: number;
  /** pages migrated out of the ranges tried, and clean page cache reclaimed instead of migrated */
  migrated: number;
  reclaimed: number;
  /** candidate ranges tried (alloc_contig_range calls) */
  tried: number;
  /** 0 or the error cma_alloc ended with (−ENOMEM when no range was free in the bitmap) */
  ret: number;
  /** on failure: the first page that kept a range from being taken, and why */
  failedAt?: number;
  reason?: string;
}

/**
 * cma_alloc(cma, count, align, no_warn). On success the pages are raw order-0 allocations
 * (account them with accountCmaPages, or make them a huge page).
 */
export function cmaAlloc(rs: RunState, area: CmaAreaRun, count: number, align: number, noWarn: boolean, cpu = 0): CmaAllocResult {
  const six = rs.rules.cma.allocEvents === 'start-finish';
  const out: CmaAllocResult = { ok: false, pfn: -1, migrated: 0, reclaimed: 0, tried: 0, ret: -ENOMEM };
  const done = (): CmaAllocResult => {
    if (six) {
      rs.vm.count(out.ok ? 'cma_alloc_success' : 'cma_alloc_fail');
      if (out.ok) area.allocPagesSuccess += count;
      else area.allocPagesFail += count;
    }
    return out;
  };
  if (!area.count || !area.bitmap.length || !count) {
    out.reason = !count ? 'a request for 0 pages' : `CMA area ${area.name} has no pages (it was not activated)`;
    return done();
  }
  if (six) rs.trace?.emit('cma_alloc_start', area.index, count, align, 0, 0);
  const mask = area.alignedMask(align);
  const offset = area.alignedOffset(align);
  const bits = area.pagesToBits(count);
  if (bits > area.maxno) {
    out.reason = `${count} pages do not fit in CMA area ${area.name} (${area.count} pages)`;
    return done();
  }
  let start = 0;
  let pfn = -1;
  for (;;) {
    const no = area.findNextZeroArea(start, bits, mask, offset);
    if (no >= area.maxno) break;
    area.bitmap.fill(1, no, no + bits);
    pfn = area.basePfn + no * 2 ** area.orderPerBit;
    const r = allocContigRange(rs, pfn, pfn + count, MIGRATE_CMA, GFP_KERNEL | (noWarn ? __GFP_NOWARN : 0), cpu);
    out.tried++;
    out.migrated += r.migrated;
    out.reclaimed += r.reclaimed;
    out.ret = r.ret;
    if (r.ret === 0) {
      out.ok = true;
      out.pfn = pfn;
      break;
    }
    area.mark(pfn, count, 0);
    if (out.failedAt === undefined) {
      out.failedAt = r.failedAt;
      out.reason = r.reason;
    }
    if (r.ret !== -EBUSY) break;
    if (six) rs.trace?.emit('cma_alloc_busy_retry', area.index, pfn, count, align, 0);
    start = no + mask + 1;
  }
  if (six) rs.trace?.emit('cma_alloc_finish', area.index, pfn, count, align, out.ok ? 0 : out.ret);
  else rs.trace?.emit('cma_alloc', pfn, count, align, out.ok ? 0 : out.ret, area.index);
  if (out.ok) area.allocs.set(out.pfn, count);
  else {
    if (out.tried === 0) out.reason ??= `no free range of ${count} pages${align > area.orderPerBit ? ` aligned to ${2 ** align} pages` : ''} in CMA area ${area.name}'s bitmap`;
    if (!noWarn) cmaAllocFailMessage(rs, area, count, out.ret);
  }
  return done();
}

/** The pr_err of a failed cma_alloc and cma_debug_show_areas' line, into the CMA log. */
function cmaAllocFailMessage(rs: RunState, area: CmaAreaRun, count: number, ret: number): void {
  const log = rs.cma.log;
  // 5.10 pr_err; 6.1 pr_err_ratelimited
  if (rs.rules.cma.failMessageName) rs.cma.printRatelimited(`cma: cma_alloc: ${area.name}: alloc failed, req-size: ${count} pages, ret: ${ret}`);
  else log.push(`cma: cma_alloc: alloc failed, req-size: ${count} pages, ret: ${ret}`);
  let total = 0;
  let line = 'cma: number of available pages: ';
  for (const r of area.freeRuns()) {
    line += `${total ? '+' : ''}${r.pages}@${r.bit}`;
    total += r.pages;
  }
  log.push(`${line}=> ${total} free of ${area.count} total pages`);
}

/** The model's accounting of a cma_alloc'd range used as plain pages (a driver's buffer): kind and owner per page. */
export function accountCmaPages(rs: RunState, pfn: number, count: number, kind: number, owner: number): void {
  const b = rs.buddy;
  const i = pfn - b.basePfn;
  rs.pflags.fill(kind, i, i + count);
  rs.owner.fill(owner, i, i + count);
  const ni = rs.zoneNode[b.zoneIndexOf(pfn)];
  rs.nodes[ni]!.kindPages[kind] += count;
  if (owner) rs.tasks.pages[owner] += count;
}

/**
 * free_contig_range(pfn, count): __free_page of every page (order-0 allocated pages). `raw`: the
 * pages carry no accounting (a gigantic page the caller already took out of its counts).
 */
export function freeContigRange(rs: RunState, pfn: number, count: number, cpu = 0, raw = false): void {
  const b = rs.buddy;
  for (let p = pfn; p < pfn + count; p++) {
    const i = p - b.basePfn;
    if (b.tag[i] !== PS_ALLOC) throw new MmError('CMA_BAD_RELEASE', `pfn 0x${p.toString(16)} is not an allocated order-0 page: free_contig_range would free a page that is not in use`, `pfn 0x${p.toString(16)}`);
    const zi = b.zoneIndexOf(p);
    if (!raw) untrackPage(rs, zi, i, 0);
    rs.trace?.emit('mm_page_free', p, 0, 0, 0, 0);
    freeThePage(rs, zi, cpu, i, 0);
  }
}

/** cma_release(cma, pages, count): false when pfn is outside the area. */
export function cmaRelease(rs: RunState, area: CmaAreaRun, pfn: number, count: number, cpu = 0, raw = false): boolean {
  if (!area.count || pfn < area.basePfn || pfn >= area.basePfn + area.count) return false;
  if (pfn + count > area.basePfn + area.count) throw new MmError('CMA_BAD_RELEASE', `[0x${pfn.toString(16)}, 0x${(pfn + count).toString(16)}) runs past the end of CMA area ${area.name}`, area.name);
  freeContigRange(rs, pfn, count, cpu, raw);
  area.mark(pfn, count, 0);
  const live = area.allocs.get(pfn);
  if (live !== undefined) {
    if (live > count) area.allocs.set(pfn + count, live - count);
    area.allocs.delete(pfn);
  } else {
    // a release of part of an allocation: split what remains around it
    for (const [p, c] of [...area.allocs]) {
      if (pfn < p || pfn >= p + c) continue;
      area.allocs.set(p, pfn - p);
      if (pfn + count < p + c) area.allocs.set(pfn + count, p + c - pfn - count);
    }
  }
  rs.trace?.emit('cma_release', area.index, pfn, count, 0, 0);
  return true;
}
