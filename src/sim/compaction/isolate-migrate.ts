/**
 * The migrate scanner (mm/compaction.c): isolate_migratepages (pageblock by pageblock upwards
 * from cc->migrate_pfn, never past the free scanner), suitable_migration_source,
 * isolate_migratepages_block and isolate_migratepages_range (alloc_contig_range's entry).
 *
 * Which pages it takes, in the model: order-0 heads on an LRU list (anon, file, file-dirty,
 * shmem). Compound pages (THP and large folios, hugetlb, slab) are skipped whole unless the caller
 * is alloc_contig_range. Pinned pages: an anon page with extra references (page_count − 1 >
 * mapcount) is never isolated; a pinned page with a mapping (file, shmem) is isolated and then
 * fails migration. Without __GFP_FS only anon pages (no mapping) are taken. Kernel and slab pages
 * are never movable (no non-LRU movable pages in the model).
 */
import { MIGRATE_CMA, MIGRATE_MOVABLE } from '../types';
import { PS_BUDDY, PS_ORDER_MASK } from '../buddy/page-state';
import { __GFP_FS } from '../page_alloc/gfp';
import { KIND_ANON, KIND_HUGETLB, PF_KIND_MASK, PF_LRU, PF_PINNED } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { isolateLruPage, putbackMovablePages } from '../migrate/migrate';
import { COMPACT_CLUSTER_MAX, MIGRATE_ASYNC } from './constants';
import type { CompactControl } from './control';
import { blockEndPfn, isAllocHead, isCompoundHead, isolationSuitable, pageblockEndPfn, pageblockSkipPersistent, pageblockStartPfn, pageblockValid, setPageblockSkip } from './pageblock';
import { fastFindMigrateblock } from './fast-search';

export const ISOLATE_ABORT = 0;
export const ISOLATE_NONE = 1;
export const ISOLATE_SUCCESS = 2;

/** update_cached_migrate: raise the cached migrate pfns (async, and sync for sync modes) to pageblock_end_pfn(pfn). */
export function updateCachedMigrate(rs: RunState, cc: CompactControl, pfn: number): void {
  pfn = pageblockEndPfn(rs, pfn);
  if (cc.noSetSkipHint) return;
  const c = rs.compaction;
  if (pfn > c.cachedMigratePfn[cc.zi * 2]) c.cachedMigratePfn[cc.zi * 2] = pfn;
  if (cc.mode !== MIGRATE_ASYNC && pfn > c.cachedMigratePfn[cc.zi * 2 + 1]) c.cachedMigratePfn[cc.zi * 2 + 1] = pfn;
}

/** test_and_set_skip: at a pageblock-aligned pfn, set the block's skip bit; true if it was set already. */
function testAndSetSkip(rs: RunState, cc: CompactControl, pfn: number): boolean {
  if (cc.ignoreSkipHint) return false;
  if (pfn & ((1 << rs.buddy.pageblockOrder) - 1)) return false;
  const k = (pfn >> rs.buddy.pageblockOrder) - rs.buddy.pbBase;
  const skip = rs.compaction.skip[k] !== 0;
  if (!skip && !cc.noSetSkipHint) rs.compaction.skip[k] = 1;
  return skip;
}

/** The page has a mapping (page_mapping != NULL): page cache and shmem; anon pages have none. */
function hasMapping(kind: number): boolean {
  return kind !== KIND_ANON;
}

/**
 * isolate_migratepages_block(cc, low_pfn, end_pfn): isolate the movable pages of [low_pfn,
 * end_pfn) (within one pageblock) onto cc->migratepages, stopping after COMPACT_CLUSTER_MAX pages
 * unless rescanning. Async direct compaction works in cc->order-aligned chunks and gives up a
 * chunk (putting back what it took there) at the first page it cannot take. Sets cc->migrate_pfn
 * to where it stopped; marks the block skip and raises the cached pfns when it scanned the block
 * to its end without isolating anything (or on a rescan). Returns 0 (the model is never
 * contended and has no fatal signals).
 */
export function isolateMigratepagesBlock(rs: RunState, cc: CompactControl, lowPfn: number, endPfn: number): number {
  const b = rs.buddy;
  const tag = b.tag;
  const pbMask = (1 << b.pageblockOrder) - 1;
  let nrScanned = 0;
  let nrIsolated = 0;
  let validPage = -1;
  const startPfn = lowPfn;
  let skipOnFailure = false;
  let nextSkipPfn = 0;
  let skipUpdated = false;
  cc.migratePfn = lowPfn;
  if (cc.directCompaction && cc.mode === MIGRATE_ASYNC) {
    skipOnFailure = true;
    nextSkipPfn = blockEndPfn(lowPfn, cc.order);
  }
  const isolateMode = { unevictable: rs.compaction.unevictableAllowed !== 0 };
  void isolateMode;
  let aborted = false;
  for (; lowPfn < endPfn; lowPfn++) {
    if (skipOnFailure && lowPfn >= nextSkipPfn) {
      if (nrIsolated) break;
      nextSkipPfn = blockEndPfn(lowPfn, cc.order);
    }
    nrScanned++;
    const i = lowPfn - b.basePfn;
    if (validPage < 0 && (lowPfn & pbMask) === 0) {
      if (!isolationSuitable(rs, cc, lowPfn)) {
        lowPfn = endPfn;
        aborted = true;
        break;
      }
      validPage = lowPfn;
    }
    const t = tag[i];
    let fail = false;
    if (t & PS_BUDDY) {
      const o = t & PS_ORDER_MASK;
      if (o > 0) lowPfn += (1 << o) - 1;
      continue;
    }
    if (!isAllocHead(t)) {
      fail = true; // a tail page, a page on a per-cpu list, reserved memory, a hole
    } else {
      const order = t & PS_ORDER_MASK;
      const f = rs.pflags[i];
      const kind = f & PF_KIND_MASK;
      const compound = order > 0 && isCompoundHead(rs, i);
      let isolated = false;
      if (kind === KIND_HUGETLB && cc.allocContig && rs.rules.compaction.contigIsolatesHugetlb && order < rs.buddy.maxOrder - 1) {
        // isolate_or_dissolve_huge_page: an in-use hugetlb page is isolated whole (a gigantic one,
        // a run of MAX_ORDER − 1 blocks here, is fenced off: it stays and fails the range)
        isolated = true;
      } else if (compound && !cc.allocContig) {
        lowPfn += (1 << order) - 1;
        fail = true;
      } else if (!(f & PF_LRU)) {
        fail = true; // not on an LRU list, and no non-LRU movable pages in the model
      } else if (!hasMapping(kind) && f & PF_PINNED) {
        fail = true; // anon with extra references: migration would fail
      } else if (!(cc.gfp & __GFP_FS) && hasMapping(kind)) {
        fail = true;
      } else {
        // the LRU lock is taken: the first time in this call, test_and_set_skip at this pfn
        if (!skipUpdated) {
          skipUpdated = true;
          if (testAndSetSkip(rs, cc, lowPfn)) {
            aborted = true;
            break;
          }
        }
        isolateLruPage(rs, i);
        isolated = true;
      }
      if (isolated) {
        // isolate_success: the whole block goes on cc->migratepages
        lowPfn += (1 << order) - 1;
        cc.migratepages.push(i);
        cc.nrMigratepages += 1 << order;
        nrIsolated += 1 << order;
        if (rs.rules.compaction.scannedCountsWholeBlock) nrScanned += (1 << order) - 1;
        if (cc.nrMigratepages >= COMPACT_CLUSTER_MAX && !cc.rescan && !cc.contended) {
          ++lowPfn;
          break;
        }
        continue;
      }
    }
    if (!fail || !skipOnFailure) continue;
    if (nrIsolated) {
      putbackMovablePages(rs, cc.migratepages);
      cc.nrMigratepages = 0;
      nrIsolated = 0;
    }
    if (lowPfn < nextSkipPfn) {
      lowPfn = nextSkipPfn - 1;
      nextSkipPfn += 2 ** cc.order;
    }
  }
  if (!aborted && lowPfn > endPfn) lowPfn = endPfn;
  // isolate_abort:
  if (lowPfn === endPfn && (!nrIsolated || cc.rescan)) {
    if (validPage >= 0 && !skipUpdated) setPageblockSkip(rs, validPage);
    updateCachedMigrate(rs, cc, lowPfn);
  }
  rs.trace?.emit('mm_compaction_isolate_migratepages', startPfn, lowPfn, nrScanned, nrIsolated, 0);
  cc.totalMigrateScanned += nrScanned;
  if (nrIsolated) {
    rs.vm.count('compact_isolated', nrIsolated);
    cc.nrIsolatedMigrate += nrIsolated;
  }
  cc.migratePfn = lowPfn;
  return 0;
}

/**
 * suitable_migration_source: never a block inside a compound page of ≥ pageblock_order; any
 * block for sync or non-direct compaction; async direct compaction only takes blocks of the
 * request's own migratetype (Movable requests: Movable and CMA).
 */
export function suitableMigrationSource(rs: RunState, cc: CompactControl, pfn: number): boolean {
  if (pageblockSkipPersistent(rs, pfn)) return false;
  if (cc.mode !== MIGRATE_ASYNC || !cc.directCompaction) return true;
  const b = rs.buddy;
  const blockMt = b.pbType[(pfn >> b.pageblockOrder) - b.pbBase];
  if (cc.migratetype === MIGRATE_MOVABLE) return blockMt === MIGRATE_MOVABLE || blockMt === MIGRATE_CMA;
  return blockMt === cc.migratetype;
}

/**
 * isolate_migratepages: from the fast search's block (or cc->migrate_pfn), find the first suitable
 * pageblock that ends at or below cc->free_pfn and isolate from it. Unsuitable blocks raise the
 * cached migrate pfn; skip-marked blocks are passed over.
 */
export function isolateMigratepages(rs: RunState, cc: CompactControl): number {
  const b = rs.buddy;
  const pb = 1 << b.pageblockOrder;
  const zoneStart = b.z.start[cc.zi];
  let lowPfn = fastFindMigrateblock(rs, cc);
  let blockStartPfn = pageblockStartPfn(rs, lowPfn);
  if (blockStartPfn < zoneStart) blockStartPfn = zoneStart;
  let fastFindBlock = lowPfn !== cc.migratePfn && !cc.fastSearchFail;
  let blockEnd = pageblockEndPfn(rs, lowPfn);
  for (; blockEnd <= cc.freePfn; fastFindBlock = false, cc.migratePfn = lowPfn = blockEnd, blockStartPfn = blockEnd, blockEnd += pb) {
    if (!pageblockValid(rs, blockStartPfn, blockEnd, cc.zi)) continue;
    if ((lowPfn & (pb - 1)) === 0 && !fastFindBlock && !isolationSuitable(rs, cc, blockStartPfn)) continue;
    if (!suitableMigrationSource(rs, cc, blockStartPfn)) {
      updateCachedMigrate(rs, cc, blockEnd);
      continue;
    }
    if (isolateMigratepagesBlock(rs, cc, lowPfn, blockEnd)) return ISOLATE_ABORT;
    break;
  }
  return cc.nrMigratepages ? ISOLATE_SUCCESS : ISOLATE_NONE;
}

/**
 * isolate_migratepages_range (alloc_contig_range and CMA): isolate movable pages of
 * [startPfn, endPfn) block by block until COMPACT_CLUSTER_MAX pages are isolated; cc.migratePfn
 * is where it stopped. Set cc.allocContig (compound and, in 6.1, hugetlb pages are taken) and
 * cc.zi before calling. Returns 0.
 */
export function isolateMigratepagesRange(rs: RunState, cc: CompactControl, startPfn: number, endPfn: number): number {
  const pb = 1 << rs.buddy.pageblockOrder;
  let pfn = startPfn;
  let blockStartPfn = Math.max(pageblockStartPfn(rs, pfn), rs.buddy.z.start[cc.zi]);
  let blockEnd = pageblockStartPfn(rs, pfn) + pb;
  for (; pfn < endPfn; pfn = blockEnd, blockStartPfn = blockEnd, blockEnd += pb) {
    blockEnd = Math.min(blockEnd, endPfn);
    if (!pageblockValid(rs, blockStartPfn, blockEnd, cc.zi)) continue;
    const ret = isolateMigratepagesBlock(rs, cc, pfn, blockEnd);
    if (ret) return ret;
    if (cc.nrMigratepages >= COMPACT_CLUSTER_MAX) break;
  }
  return 0;
}
