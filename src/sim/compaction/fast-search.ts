/**
 * The fast searches of mm/compaction.c that pick where the scanners work next from the Movable
 * free lists instead of walking the zone: fast_isolate_freepages (+ fast_isolate_around) for the
 * free scanner and fast_find_migrateblock for the migrate scanner. Both only run for a goal order
 * (direct compaction and kcompactd; never for compact_memory or proactive compaction) and both
 * rotate the free list they looked at (move_freelist_head / move_freelist_tail), so that the next
 * search starts with entries not yet seen — which changes the order later allocations take blocks in.
 */
import { PAGE_ALLOC_COSTLY_ORDER } from '../types';
import { MIGRATE_MOVABLE, MIGRATE_TYPES } from '../types';
import type { RunState } from '../run/run-state';
import { COMPACT_CLUSTER_MAX, MIGRATE_ASYNC } from './constants';
import type { CompactControl } from './control';
import { getPageblockSkip, pageblockEndPfn, pageblockStartPfn, pageblockValid, setPageblockSkip } from './pageblock';
import { isolateFreePage, isolateFreepagesBlock } from './isolate-free';

/** freelist_scan_limit: (COMPACT_CLUSTER_MAX >> fast_search_fail) + 1 */
function freelistScanLimit(cc: CompactControl): number {
  return (COMPACT_CLUSTER_MAX >> Math.min(63, cc.fastSearchFail)) + 1;
}

/** move_freelist_head: rotate list li so that entry i comes first (the entries before it go to the tail). */
function moveFreelistHead(rs: RunState, li: number, i: number): void {
  const b = rs.buddy;
  const h = b.head[li];
  if (h === i) return;
  const t = b.tail[li];
  const p = b.prev[i];
  b.next[t] = h;
  b.prev[h] = t;
  b.next[p] = -1;
  b.prev[i] = -1;
  b.head[li] = i;
  b.tail[li] = p;
}

/** move_freelist_tail: rotate list li so that entry i comes last (the entries after it come first). */
function moveFreelistTail(rs: RunState, li: number, i: number): void {
  const b = rs.buddy;
  const t = b.tail[li];
  if (t === i) return;
  const h = b.head[li];
  const n = b.next[i];
  b.next[t] = h;
  b.prev[h] = t;
  b.next[i] = -1;
  b.prev[n] = -1;
  b.head[li] = n;
  b.tail[li] = i;
}

function nrFreeAt(rs: RunState, zi: number, order: number): number {
  const b = rs.buddy;
  const base = (zi * b.maxOrder + order) * MIGRATE_TYPES;
  let n = 0;
  for (let mt = 0; mt < MIGRATE_TYPES; mt++) n += b.nrFree[base + mt];
  return n;
}

/** next_search_order: the orders below the last successful one, round robin, −1 when back at the start. */
function nextSearchOrder(cc: CompactControl, order: number): number {
  order--;
  if (order < 0) order = cc.order - 1;
  if (order === cc.searchOrder) {
    cc.searchOrder--;
    if (cc.searchOrder < 0) cc.searchOrder = cc.order - 1;
    return -1;
  }
  return order;
}

/** fast_isolate_around: isolate the rest of the pageblock of a block the fast search took (not for async direct compaction). */
function fastIsolateAround(rs: RunState, cc: CompactControl, pfn: number): void {
  if (cc.nrFreepages >= cc.nrMigratepages) return;
  if (cc.directCompaction && cc.mode === MIGRATE_ASYNC) return;
  const z = rs.buddy.z;
  const startPfn = Math.max(pageblockStartPfn(rs, pfn), z.start[cc.zi]);
  const endPfn = Math.min(pageblockEndPfn(rs, pfn), z.end[cc.zi]);
  if (!pageblockValid(rs, startPfn, endPfn, cc.zi)) return;
  isolateFreepagesBlock(rs, cc, startPfn, endPfn, 1, false);
  if (cc.nrFreepages < cc.nrMigratepages) setPageblockSkip(rs, startPfn);
}

/**
 * fast_isolate_freepages: search the Movable free lists of orders below cc->order (starting at
 * the last successful order) from the tail for a free block in the top quarter of the remaining
 * scan space (or, failing that, the highest one in the top half), isolate it and the rest of its
 * pageblock. On a failed search at the scan start it moves cc->free_pfn to the highest candidate.
 */
export function fastIsolateFreepages(rs: RunState, cc: CompactControl): number {
  if (cc.order <= 0) return cc.freePfn;
  const b = rs.buddy;
  const pb = 1 << b.pageblockOrder;
  const half = freelistScanLimit(cc) >> 1;
  let limit = rs.rules.compaction.fastIsolateLimitMax ? Math.max(1, half) : Math.min(1, half);
  let nrScanned = 0;
  let highest = 0;
  let scanStart = false;
  let page = -1;
  let pageOrder = -1;
  const c = rs.compaction;
  if (cc.freePfn >= c.initFreePfn[cc.zi]) {
    limit = pb >> 1;
    scanStart = true;
  }
  const distance = cc.freePfn - cc.migratePfn;
  let lowPfn = pageblockStartPfn(rs, cc.freePfn - (distance >> 2));
  const minPfn = pageblockStartPfn(rs, cc.freePfn - (distance >> 1));
  if (minPfn > lowPfn) lowPfn = minPfn;
  cc.searchOrder = Math.min(cc.order - 1, cc.searchOrder < 0 ? Infinity : cc.searchOrder);
  for (let order = cc.searchOrder; page < 0 && order >= 0; order = nextSearchOrder(cc, order)) {
    if (!nrFreeAt(rs, cc.zi, order)) continue;
    const li = b.listIndex(cc.zi, order, MIGRATE_MOVABLE);
    let orderScanned = 0;
    let highPfn = 0;
    let freepage = -1;
    for (let i = b.tail[li]; i >= 0; i = b.prev[i]) {
      orderScanned++;
      nrScanned++;
      freepage = i;
      const pfn = i + b.basePfn;
      if (pfn >= highest) highest = Math.max(pageblockStartPfn(rs, pfn), b.z.start[cc.zi]);
      if (pfn >= lowPfn) {
        cc.fastSearchFail = 0;
        cc.searchOrder = order;
        page = i;
        break;
      }
      if (pfn >= minPfn && pfn > highPfn) {
        highPfn = pfn;
        limit >>= 1;
      }
      if (orderScanned >= limit) break;
      if (b.prev[i] < 0) freepage = -1; // the walk runs off the list: the kernel's cursor is the list head
    }
    if (page < 0 && highPfn) {
      page = highPfn - b.basePfn;
      freepage = page;
    }
    if (freepage >= 0) moveFreelistHead(rs, li, freepage);
    if (page >= 0) {
      const n = isolateFreePage(rs, cc.zi, page, order);
      if (n) {
        pageOrder = order;
        if (rs.rules.compaction.scannedCountsWholeBlock) nrScanned += n - 1;
        cc.nrFreepages += n;
        cc.isoHeads.push(page);
        cc.isoOrders.push(order);
        rs.vm.count('compact_isolated', n);
        cc.nrIsolatedFree += n;
      } else {
        order = cc.searchOrder + 1;
        page = -1;
      }
    }
    if (orderScanned >= limit) limit = Math.max(1, limit >> 1);
  }
  let aroundPfn = -1;
  if (page >= 0) aroundPfn = page + b.basePfn;
  else {
    cc.fastSearchFail++;
    if (scanStart) {
      if (rs.rules.compaction.fastIsolateHighestAboveMin ? highest >= minPfn && highest > 0 : highest > 0) {
        aroundPfn = highest;
        cc.freePfn = highest;
      } else if (cc.directCompaction && minPfn >= b.z.start[cc.zi] && minPfn < b.z.end[cc.zi]) {
        if (pageblockValid(rs, minPfn, Math.min(pageblockEndPfn(rs, minPfn), b.z.end[cc.zi]), cc.zi)) aroundPfn = minPfn;
        cc.freePfn = minPfn;
      }
    }
  }
  if (highest && highest >= c.cachedFreePfn[cc.zi]) {
    highest -= pb;
    c.cachedFreePfn[cc.zi] = highest;
  }
  cc.totalFreeScanned += nrScanned;
  void pageOrder;
  if (aroundPfn < 0) return cc.freePfn;
  fastIsolateAround(rs, cc, aroundPfn);
  return aroundPfn;
}

/** update_fast_start_pfn (−1 stands for ULONG_MAX: already used) */
function updateFastStartPfn(cc: CompactControl, pfn: number): void {
  if (cc.fastStartPfn === -1) return;
  if (!cc.fastStartPfn) cc.fastStartPfn = pfn;
  cc.fastStartPfn = Math.min(cc.fastStartPfn, pfn);
}

/** reinit_migrate_pfn: after a failed fast search, restart the linear scan at the lowest block a fast search found. */
function reinitMigratePfn(cc: CompactControl): number {
  if (!cc.fastStartPfn || cc.fastStartPfn === -1) return cc.migratePfn;
  cc.migratePfn = cc.fastStartPfn;
  cc.fastStartPfn = -1;
  return cc.migratePfn;
}

/**
 * fast_find_migrateblock: at a pageblock start, for costly orders (and, in direct compaction,
 * Movable requests only), take as the next migration source a pageblock that already holds a
 * free block of order cc->order−1..3 on the Movable lists, in the first half (first eighth after
 * the start) of the remaining space, not marked skip; mark it skip.
 */
export function fastFindMigrateblock(rs: RunState, cc: CompactControl): number {
  const b = rs.buddy;
  const limit = freelistScanLimit(cc);
  let nrScanned = 0;
  let pfn = cc.migratePfn;
  let found = false;
  const zoneStart = b.z.start[cc.zi];
  if (cc.ignoreSkipHint) return pfn;
  if (pfn !== zoneStart && pfn !== pageblockStartPfn(rs, pfn)) return pfn;
  if (cc.order <= PAGE_ALLOC_COSTLY_ORDER) return pfn;
  if (cc.directCompaction && cc.migratetype !== MIGRATE_MOVABLE) return pfn;
  let distance = Math.floor((cc.freePfn - cc.migratePfn) / 2);
  if (cc.migratePfn !== zoneStart) distance >>= 2;
  const highPfn = pageblockStartPfn(rs, cc.migratePfn + distance);
  for (let order = cc.order - 1; order >= PAGE_ALLOC_COSTLY_ORDER && !found && nrScanned < limit; order--) {
    if (!nrFreeAt(rs, cc.zi, order)) continue;
    const li = b.listIndex(cc.zi, order, MIGRATE_MOVABLE);
    for (let i = b.head[li]; i >= 0; ) {
      const nx = b.next[i];
      if (nrScanned++ >= limit) {
        moveFreelistTail(rs, li, i);
        break;
      }
      const freePfn = i + b.basePfn;
      if (freePfn < highPfn) {
        if (getPageblockSkip(rs, freePfn)) {
          i = nx;
          continue;
        }
        moveFreelistTail(rs, li, i);
        updateFastStartPfn(cc, freePfn);
        pfn = Math.max(pageblockStartPfn(rs, freePfn), zoneStart);
        cc.fastSearchFail = 0;
        found = true;
        setPageblockSkip(rs, freePfn);
        break;
      }
      i = nx;
    }
  }
  cc.totalMigrateScanned += nrScanned;
  if (!found) {
    cc.fastSearchFail++;
    pfn = reinitMigratePfn(cc);
  }
  return pfn;
}
