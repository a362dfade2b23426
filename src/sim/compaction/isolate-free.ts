/**
 * The free scanner (mm/compaction.c, mm/page_alloc.c): __isolate_free_page, isolate_freepages_block,
 * isolate_freepages (from the zone end downwards, one pageblock at a time, only into Movable and
 * CMA pageblocks), split_map_pages, compaction_alloc / compaction_free, release_freepages, and
 * isolate_freepages_range for alloc_contig_range.
 *
 * An isolated free page leaves the buddy (NR_FREE_PAGES drops, no mm_page_alloc event) and is
 * held by compaction as a raw allocated order-0 page until migration uses it or
 * release_freepages frees it (__free_page: the per-cpu list).
 */
import { MIGRATE_CMA, MIGRATE_ISOLATE, MIGRATE_MOVABLE, MIGRATE_PCPTYPES } from '../types';
import { PS_ALLOC, PS_BUDDY, PS_INUSE, PS_MT_MASK, PS_MT_SHIFT, PS_ORDER_MASK } from '../buddy/page-state';
import { ALLOC_CMA } from '../page_alloc/alloc-flags';
import { zoneWatermarkOkFree } from '../page_alloc/watermark';
import { NR_WMARK, WMARK_MIN, type RunState } from '../run/run-state';
import { putRawPage } from '../migrate/migrate';
import { COMPACT_CLUSTER_MAX, MIGRATE_ASYNC } from './constants';
import type { CompactControl } from './control';
import { isAllocHead, isCompoundHead, isolationSuitable, pageblockEndPfn, pageblockStartPfn, pageblockValid, setPageblockSkip } from './pageblock';
import { fastIsolateFreepages } from './fast-search';

/**
 * __isolate_free_page: take free block i (head index) of `order` off its list, as an allocation
 * would, unless that would bring the zone below its unboosted min watermark + 2^order (order-0
 * check, ALLOC_CMA, classzone 0). A block of at least half a pageblock makes its mergeable
 * pageblocks Movable. Returns the pages taken, or 0.
 */
export function isolateFreePage(rs: RunState, zi: number, i: number, order: number): number {
  const b = rs.buddy;
  const pfn = i + b.basePfn;
  const pbo = b.pageblockOrder;
  const mt = b.pbType[(pfn >> pbo) - b.pbBase];
  if (mt !== MIGRATE_ISOLATE) {
    const watermark = rs.wmark[zi * NR_WMARK + WMARK_MIN] + 2 ** order;
    if (!zoneWatermarkOkFree(rs, zi, 0, watermark, 0, ALLOC_CMA, b.z.free[zi])) return 0;
    // __mod_zone_freepage_state by the pageblock's type
    b.z.free[zi] -= 2 ** order;
    if (mt === MIGRATE_CMA) b.z.freeCma[zi] -= 2 ** order;
  }
  const t = b.tag[i];
  b.unlink(i, b.listIndex(zi, order, (t >> PS_MT_SHIFT) & PS_MT_MASK));
  if (order >= pbo - 1) {
    const end = pfn + 2 ** order - 1;
    for (let p = pfn; p < end; p += 1 << pbo) {
      const k = (p >> pbo) - b.pbBase;
      if (b.pbType[k] < MIGRATE_PCPTYPES) b.pbType[k] = MIGRATE_MOVABLE;
    }
  }
  // the block is no longer PageBuddy; split_map_pages makes its pages order-0 pages
  b.tag[i] = PS_ALLOC | order;
  b.tag.fill(PS_INUSE, i + 1, i + 2 ** order);
  return 2 ** order;
}

/** Where the last isolateFreepagesBlock stopped (its *start_pfn out-parameter). */
let blockPfnOut = 0;
export function lastBlockPfn(): number {
  return blockPfnOut;
}

/**
 * isolate_freepages_block(cc, &start_pfn, end_pfn, freelist, stride, strict): visit
 * start_pfn, +stride, … below end_pfn; take every free buddy found whole (appended to the
 * isolated-block list); skip compound pages whole. Non-strict stops once enough targets are
 * isolated; strict (alloc_contig) stops at the first page it cannot take and then reports 0.
 * A failed watermark check ends the scan. Returns the pages isolated; lastBlockPfn() is where it
 * stopped.
 */
export function isolateFreepagesBlock(rs: RunState, cc: CompactControl, startPfn: number, endPfn: number, stride: number, strict: boolean): number {
  const b = rs.buddy;
  const tag = b.tag;
  let nrScanned = 0;
  let totalIsolated = 0;
  if (strict) stride = 1;
  let blockpfn = startPfn;
  for (; blockpfn < endPfn; blockpfn += stride) {
    nrScanned++;
    const i = blockpfn - b.basePfn;
    const t = tag[i];
    if (isAllocHead(t) && isCompoundHead(rs, i)) {
      blockpfn += (1 << (t & PS_ORDER_MASK)) - 1;
      if (strict) break;
      continue;
    }
    if (!(t & PS_BUDDY)) {
      if (strict) break;
      continue;
    }
    const order = t & PS_ORDER_MASK;
    const isolated = isolateFreePage(rs, cc.zi, i, order);
    if (!isolated) break;
    if (rs.rules.compaction.scannedCountsWholeBlock) nrScanned += isolated - 1;
    totalIsolated += isolated;
    cc.nrFreepages += isolated;
    cc.isoHeads.push(i);
    cc.isoOrders.push(order);
    if (!strict && cc.nrMigratepages <= cc.nrFreepages) {
      blockpfn += isolated;
      break;
    }
    blockpfn += isolated - 1;
  }
  if (blockpfn > endPfn) blockpfn = endPfn;
  rs.trace?.emit('mm_compaction_isolate_freepages', startPfn, blockpfn, nrScanned, totalIsolated, 0);
  blockPfnOut = blockpfn;
  if (strict && blockpfn < endPfn) totalIsolated = 0;
  cc.totalFreeScanned += nrScanned;
  if (totalIsolated) {
    rs.vm.count('compact_isolated', totalIsolated);
    cc.nrIsolatedFree += totalIsolated;
  }
  return totalIsolated;
}

/**
 * suitable_migration_target: not a block whose first page is a free buddy of ≥ pageblock_order;
 * any block when ignore_block_suitable (sync full direct compaction); else Movable or CMA only.
 */
export function suitableMigrationTarget(rs: RunState, cc: CompactControl, pfn: number): boolean {
  const b = rs.buddy;
  const t = b.tag[pfn - b.basePfn];
  if (t & PS_BUDDY && (t & PS_ORDER_MASK) >= b.pageblockOrder) return false;
  if (cc.ignoreBlockSuitable) return true;
  const mt = b.pbType[(pfn >> b.pageblockOrder) - b.pbBase];
  return mt === MIGRATE_MOVABLE || mt === MIGRATE_CMA;
}

/** update_pageblock_skip: the free scanner finished a block: mark it and pull the cached free pfn down to it. */
function updatePageblockSkip(rs: RunState, cc: CompactControl, pfn: number): void {
  if (cc.noSetSkipHint) return;
  setPageblockSkip(rs, pfn);
  const c = rs.compaction;
  if (pfn < c.cachedFreePfn[cc.zi]) c.cachedFreePfn[cc.zi] = pfn;
}

/**
 * split_map_pages: every isolated block becomes 2^order order-0 pages, each pushed onto the head
 * of a temporary list that becomes cc->freepages: the list starts with the highest pfn of the
 * last (lowest) block isolated and runs down from there.
 */
export function splitMapPages(rs: RunState, cc: CompactControl): void {
  const b = rs.buddy;
  for (let k = 0; k < cc.isoHeads.length; k++) {
    const h = cc.isoHeads[k]!;
    const n = 2 ** cc.isoOrders[k]!;
    for (let j = 0; j < n; j++) {
      b.tag[h + j] = PS_ALLOC;
      rs.pflags[h + j] = 0;
      rs.owner[h + j] = 0;
      cc.freepages.push(h + j);
    }
  }
  cc.isoHeads.length = 0;
  cc.isoOrders.length = 0;
}

/**
 * isolate_freepages: after the fast search (order > 0 only), scan pageblocks from cc->free_pfn's
 * block downwards while the block starts at or above the end of the migrate scanner's block.
 * Async compaction samples every 32nd pfn; sync starts at stride 1, doubling (to 32) after blocks
 * that gave nothing. Records where the scanner will restart in cc->free_pfn, then splits.
 */
export function isolateFreepages(rs: RunState, cc: CompactControl): void {
  const b = rs.buddy;
  const pb = 1 << b.pageblockOrder;
  const zoneEnd = b.z.end[cc.zi];
  fastIsolateFreepages(rs, cc);
  if (cc.nrFreepages) {
    splitMapPages(rs, cc);
    return;
  }
  let isolateStartPfn = cc.freePfn;
  let blockStartPfn = pageblockStartPfn(rs, isolateStartPfn);
  let blockEndPfn = Math.min(blockStartPfn + pb, zoneEnd);
  const lowPfn = pageblockEndPfn(rs, cc.migratePfn);
  let stride = cc.mode === MIGRATE_ASYNC ? COMPACT_CLUSTER_MAX : 1;
  for (; blockStartPfn >= lowPfn; blockEndPfn = blockStartPfn, blockStartPfn -= pb, isolateStartPfn = blockStartPfn) {
    if (!pageblockValid(rs, blockStartPfn, blockEndPfn, cc.zi)) continue;
    if (!suitableMigrationTarget(rs, cc, blockStartPfn)) continue;
    if (!isolationSuitable(rs, cc, blockStartPfn)) continue;
    const nrIsolated = isolateFreepagesBlock(rs, cc, isolateStartPfn, blockEndPfn, stride, false);
    isolateStartPfn = blockPfnOut;
    if (isolateStartPfn === blockEndPfn) updatePageblockSkip(rs, cc, blockStartPfn);
    if (cc.nrFreepages >= cc.nrMigratepages) {
      if (isolateStartPfn >= blockEndPfn) isolateStartPfn = blockStartPfn - pb;
      break;
    } else if (isolateStartPfn < blockEndPfn) {
      break;
    }
    if (nrIsolated) {
      stride = 1;
      continue;
    }
    stride = Math.min(COMPACT_CLUSTER_MAX, stride << 1);
  }
  cc.freePfn = isolateStartPfn;
  splitMapPages(rs, cc);
}

/** compaction_alloc: the head of cc->freepages, refilling it when empty; −1 when no target is left (−ENOMEM). */
export function compactionAlloc(rs: RunState, cc: CompactControl): number {
  if (cc.freepages.length === 0) {
    isolateFreepages(rs, cc);
    if (cc.freepages.length === 0) return -1;
  }
  cc.nrFreepages--;
  return cc.freepages.pop()!;
}

/** compaction_free: an unused target goes back to the head of cc->freepages. */
export function compactionFree(cc: CompactControl, page: number): void {
  cc.freepages.push(page);
  cc.nrFreepages++;
}

/** release_freepages: __free_page every unused target, from the list head; returns the highest pfn freed (0 if none). */
export function releaseFreepages(rs: RunState, cc: CompactControl): number {
  let high = 0;
  const base = rs.buddy.basePfn;
  for (let k = cc.freepages.length - 1; k >= 0; k--) {
    const i = cc.freepages[k]!;
    putRawPage(rs, i, cc.cpu);
    if (i + base > high) high = i + base;
  }
  cc.freepages.length = 0;
  return high;
}

/**
 * isolate_freepages_range (alloc_contig_range): isolate every free page of [startPfn, endPfn)
 * strictly, pageblock by pageblock; on any hole, busy page or watermark refusal undo everything and
 * return 0. On success the pages are split into cc.freepages (order 0, raw) and the function
 * returns one past the last pfn isolated (which may pass endPfn when a free block runs past it).
 */
export function isolateFreepagesRange(rs: RunState, cc: CompactControl, startPfn: number, endPfn: number): number {
  const pb = 1 << rs.buddy.pageblockOrder;
  let pfn = startPfn;
  let blockStartPfn = Math.max(pageblockStartPfn(rs, pfn), rs.buddy.z.start[cc.zi]);
  let blockEndPfn = pageblockStartPfn(rs, pfn) + pb;
  let isolated = 0;
  for (; pfn < endPfn; pfn += isolated, blockStartPfn = blockEndPfn, blockEndPfn += pb) {
    const isolateStartPfn = pfn;
    blockEndPfn = Math.min(blockEndPfn, endPfn);
    if (pfn >= blockEndPfn) {
      blockStartPfn = pageblockStartPfn(rs, pfn);
      blockEndPfn = Math.min(pageblockStartPfn(rs, pfn) + pb, endPfn);
    }
    if (!pageblockValid(rs, blockStartPfn, blockEndPfn, cc.zi)) break;
    isolated = isolateFreepagesBlock(rs, cc, isolateStartPfn, blockEndPfn, 0, true);
    if (!isolated) break;
  }
  splitMapPages(rs, cc);
  if (pfn < endPfn) {
    releaseFreepages(rs, cc);
    cc.nrFreepages = 0;
    return 0;
  }
  return pfn;
}
