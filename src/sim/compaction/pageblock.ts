/**
 * Pageblock helpers of mm/compaction.c and include/linux/pageblock-flags.h: block bounds, the
 * validity test pageblock_pfn_to_page, the skip bit (PB_migrate_skip) and compound pages as the
 * scanners see them.
 *
 * Compound pages in the model: an allocated block of order > 0 is a compound page (PageCompound)
 * when it is a folio of an LRU kind (THP, large page cache), a hugetlb page, or slab; a plain
 * kernel block (alloc_pages without __GFP_COMP) is not, and the scanners step through it page
 * by page as the kernel does.
 */
import type { RunState } from '../run/run-state';
import { PS_ALLOC, PS_INUSE, PS_ORDER_MASK } from '../buddy/page-state';
import { allocHeadOf } from '../page_alloc/fallback';
import { KIND_KERNEL, PF_KIND_MASK } from '../run/page-flags';
import type { CompactControl } from './control';

/** pageblock_start_pfn */
export function pageblockStartPfn(rs: RunState, pfn: number): number {
  const pb = 1 << rs.buddy.pageblockOrder;
  return pfn - (pfn & (pb - 1));
}

/** pageblock_end_pfn = ALIGN(pfn + 1, pageblock_nr_pages) (one block further for an aligned pfn). */
export function pageblockEndPfn(rs: RunState, pfn: number): number {
  return blockEndPfn(pfn, rs.buddy.pageblockOrder);
}

/** block_end_pfn(pfn, order) = ALIGN(pfn + 1, 1 << order) */
export function blockEndPfn(pfn: number, order: number): number {
  const n = 2 ** order;
  return Math.floor((pfn + 1 + n - 1) / n) * n;
}

/** block_start_pfn(pfn, order) = round_down(pfn, 1 << order) */
export function blockStartPfn(pfn: number, order: number): number {
  const n = 2 ** order;
  return Math.floor(pfn / n) * n;
}

/** pageblock_pfn_to_page: is [start, end) wholly inside zone zi (first and last pfn valid and in the zone)? */
export function pageblockValid(rs: RunState, start: number, end: number, zi: number): boolean {
  const z = rs.buddy.z;
  return start >= z.start[zi] && end - 1 < z.end[zi] && end > start;
}

/** The skip-bit index of a pfn's pageblock. */
export function pbIndex(rs: RunState, pfn: number): number {
  return (pfn >> rs.buddy.pageblockOrder) - rs.buddy.pbBase;
}

export function getPageblockSkip(rs: RunState, pfn: number): boolean {
  return rs.compaction.skip[pbIndex(rs, pfn)] !== 0;
}

export function setPageblockSkip(rs: RunState, pfn: number): void {
  rs.compaction.skip[pbIndex(rs, pfn)] = 1;
}

export function clearPageblockSkip(rs: RunState, pfn: number): void {
  rs.compaction.skip[pbIndex(rs, pfn)] = 0;
}

/** isolation_suitable: the pageblock may be scanned (skip hints ignored, or its bit is clear). */
export function isolationSuitable(rs: RunState, cc: CompactControl, pfn: number): boolean {
  if (cc.ignoreSkipHint) return true;
  return !getPageblockSkip(rs, pfn);
}

/** The state byte is the head of an allocated block (PS_ALLOC|order; a free block's byte can have the 0x40 bit from its migratetype). */
export function isAllocHead(t: number): boolean {
  return (t & 0xe0) === PS_ALLOC;
}

/** Is the allocated block with head index h a compound page? */
export function isCompoundHead(rs: RunState, h: number): boolean {
  const t = rs.buddy.tag[h];
  return (t & PS_ORDER_MASK) > 0 && (rs.pflags[h] & PF_KIND_MASK) !== KIND_KERNEL;
}

/** pageblock_skip_persistent: the block's first page belongs to a compound page of ≥ pageblock_order. */
export function pageblockSkipPersistent(rs: RunState, pfn: number): boolean {
  const b = rs.buddy;
  const i = pfn - b.basePfn;
  const t = b.tag[i];
  if (!isAllocHead(t) && t !== PS_INUSE) return false;
  const h = allocHeadOf(rs, i);
  if (h < 0 || !isCompoundHead(rs, h)) return false;
  return (b.tag[h] & PS_ORDER_MASK) >= b.pageblockOrder;
}
