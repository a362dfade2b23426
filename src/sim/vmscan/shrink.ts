/**
 * Node reclaim (mm/vmscan.c): shrink_node with its scan-balance set-up (5.10 inline, 6.1
 * prepare_scan_count), get_scan_count, shrink_lruvec, shrink_list, shrink_active_list,
 * shrink_inactive_list, isolate_lru_pages (6.1 isolate_lru_folios), shrink_page_list (6.1
 * shrink_folio_list) with page_check_references, lru_note_cost, inactive_is_low and
 * should_continue_reclaim. One root memcg, no MGLRU (CONFIG_LRU_GEN_ENABLED is off in both
 * kernels' defaults).
 *
 * What a page's fate is in shrink_page_list, as far as the model's page state goes:
 * - under writeback: activated (PG_reclaim set; nr_immediate for kswapd once the node is flagged
 *   PGDAT_WRITEBACK, else nr_writeback);
 * - page_check_references: an anon page with a young PTE is kept once (PG_referenced set) or, if
 *   also PG_referenced, activated; an unmapped page (file, shmem) has no PTE references, so
 *   PG_referenced alone only makes a dirty file page stay (PAGEREF_RECLAIM_CLEAN);
 * - anon and shmem need swap (without it they are activated, which only happens if asked to scan
 *   them), __GFP_IO (anon) or __GFP_FS (shmem) and may_writepage; then they are "swapped out": the
 *   swap write is counted (pswpout, pgpgout, nr_vmscan_write) and completes at once, and the page is
 *   freed;
 * - a dirty file page is activated with PG_reclaim (nr_vmscan_immediate_reclaim) unless kswapd meets
 *   it again with PG_reclaim while the node is flagged PGDAT_DIRTY: then, if may_writepage, kswapd
 *   starts its writeback (pageout, nr_vmscan_write) and keeps it on the inactive list;
 * - a pinned page (FOLL_LONGTERM) is kept: its extra reference makes the unmap/removal fail;
 * - a clean file page is freed.
 * Freed order-0 pages go back through free_unref_page_list (the reclaimer's per-cpu list), in the
 * reverse of the order they were processed, as the kernel's free_pages list is built.
 */
import { PS_ORDER_MASK } from '../buddy/page-state';
import { __GFP_FS, __GFP_IO } from '../page_alloc/gfp';
import {
  KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_SHMEM, PF_ACTIVE, PF_KIND_MASK, PF_LRU, PF_PINNED, PF_RECLAIM,
  PF_REFERENCED, PF_WRITEBACK, PF_YOUNG,
} from '../run/page-flags';
import { lruOf } from '../run/page-accounting';
import { NR_WMARK, WMARK_HIGH, type RunState } from '../run/run-state';
import { COMPACT_CONTINUE, COMPACT_SUCCESS } from '../compaction/compact-result';
import { LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, NR_LRU_LISTS } from './lru';
import {
  DEACTIVATE_ANON, DEACTIVATE_FILE, DEF_PRIORITY, PGDAT_DIRTY, PGDAT_WRITEBACK, RECLAIM_WB_ANON, RECLAIM_WB_ASYNC,
  RECLAIM_WB_FILE, SWAP_CLUSTER_MAX, type ScanControl,
} from './scan-control';
import { freeBlock, freeUnrefPageList } from './reclaim-free';
import { shrinkSlab } from './shrinker';
import { startWriteback, wakeupFlusherThreads, writebackTick } from './writeback';
import { compactionSuitable } from '../compaction/suitable';
import { compactGap } from '../compaction/constants';
import { PAGE_ALLOC_COSTLY_ORDER } from '../types';

/** KiB per page (pgpgout counts KiB) */
const PAGE_KB = 4;

// enum scan_balance
const SCAN_EQUAL = 0;
const SCAN_FRACT = 1;
const SCAN_ANON = 2;
const SCAN_FILE = 3;

// enum page_references
const PAGEREF_RECLAIM = 0;
const PAGEREF_RECLAIM_CLEAN = 1;
const PAGEREF_KEEP = 2;
const PAGEREF_ACTIVATE = 3;

// the fate of a page in shrink_page_list
const KEEP = 0;
const ACTIVATE = 1;
const FREE = 2;

/** the blocks isolate_lru_pages took (at most SWAP_CLUSTER_MAX: every isolated block scans ≥ 1 page) */
const isolated = new Int32Array(SWAP_CLUSTER_MAX);
let nrIsolated = 0;
/** isolate_lru_pages' *nr_scanned: pages looked at, the skipped ones included */
let lastScanned = 0;
const skipped: number[] = [];
const freeList = new Int32Array(SWAP_CLUSTER_MAX);

/** struct reclaim_stat of the last shrink_page_list */
const stat = { nrDirty: 0, nrUnqueuedDirty: 0, nrWriteback: 0, nrImmediate: 0, nrPageout: 0, nrActivateAnon: 0, nrActivateFile: 0, nrRefKeep: 0 };

/** node_page_state of an LRU list */
function nodeLru(rs: RunState, ni: number, lru: number): number {
  return rs.lru.nodePages[ni * NR_LRU_LISTS + lru];
}

/** lruvec_lru_size: an LRU's pages in the node's managed zones up to zone index idx. */
export function lruvecLruSize(rs: RunState, ni: number, lru: number, idx: number): number {
  let size = 0;
  for (let z = 0; z <= idx && z < rs.nz; z++) {
    const zi = rs.nodeZone[ni * rs.nz + z];
    if (zi < 0 || rs.buddy.z.managed[zi] === 0) continue;
    size += rs.lru.zonePages[zi * NR_LRU_LISTS + lru];
  }
  return size;
}

/** inactive_is_low: inactive × int_sqrt(10 × size in GiB) < active (ratio 1 under 1 GiB). */
export function inactiveIsLow(rs: RunState, ni: number, inactiveLru: number): boolean {
  const inactive = nodeLru(rs, ni, inactiveLru);
  const active = nodeLru(rs, ni, inactiveLru + 1);
  const gb = Math.floor((inactive + active) / 2 ** 18); // >> (30 − PAGE_SHIFT)
  const ratio = gb ? Math.floor(Math.sqrt(10 * gb)) : 1;
  return inactive * ratio < active;
}

/** lru_note_cost: the pages reclaim wrote cost I/O; the costs halve once they exceed a quarter of the LRU. */
function lruNoteCost(rs: RunState, ni: number, file: boolean, pages: number): void {
  const n = rs.nodes[ni]!;
  if (file) n.fileCost += pages;
  else n.anonCost += pages;
  const lrusize = nodeLru(rs, ni, LRU_INACTIVE_ANON) + nodeLru(rs, ni, LRU_ACTIVE_ANON) + nodeLru(rs, ni, LRU_INACTIVE_FILE) + nodeLru(rs, ni, LRU_ACTIVE_FILE);
  if (n.fileCost + n.anonCost > Math.floor(lrusize / 4)) {
    n.fileCost = Math.floor(n.fileCost / 2);
    n.anonCost = Math.floor(n.anonCost / 2);
  }
}

/**
 * isolate_lru_pages: take up to nr_to_scan pages from the tail (the oldest end) of an LRU list.
 * Pages of zones above reclaim_idx are skipped (pgskip_<zone>) and spliced back at the head; they
 * count in the returned scan (lastScanned) but not toward nr_to_scan. Returns the pages taken; the
 * blocks are in isolated[0..nrIsolated), oldest first, off the list with PageLRU clear.
 */
function isolateLruPages(rs: RunState, ni: number, lru: number, nrToScan: number, sc: ScanControl): number {
  const b = rs.buddy;
  const li = ni * NR_LRU_LISTS + lru;
  let scan = 0;
  let total = 0;
  let taken = 0;
  nrIsolated = 0;
  skipped.length = 0;
  let i = rs.lru.tail[li];
  while (scan < nrToScan && i >= 0) {
    const prev = b.prev[i];
    const pages = 1 << (b.tag[i] & PS_ORDER_MASK);
    const zi = b.zoneIndexOf(i + b.basePfn);
    total += pages;
    rs.lru.del(b.next, b.prev, i, ni, zi, lru, pages);
    if (rs.zoneIdx[zi] > sc.reclaimIdx) {
      skipped.push(i);
      rs.vm.v[rs.vm.pgskipBase + rs.zoneIdx[zi]] += pages;
    } else {
      scan += pages;
      taken += pages;
      rs.pflags[i] &= ~PF_LRU;
      isolated[nrIsolated++] = i;
    }
    i = prev;
  }
  for (const s of skipped) rs.lru.addHead(b.next, b.prev, s, ni, b.zoneIndexOf(s + b.basePfn), lru, 1 << (b.tag[s] & PS_ORDER_MASK));
  lastScanned = total;
  return taken;
}

/** move_pages_to_lru for one page: back on the head of the list its flags say. */
function putback(rs: RunState, ni: number, i: number, f: number): void {
  const b = rs.buddy;
  rs.pflags[i] = f | PF_LRU;
  rs.lru.addHead(b.next, b.prev, i, ni, b.zoneIndexOf(i + b.basePfn), lruOf(f & PF_KIND_MASK, f), 1 << (b.tag[i] & PS_ORDER_MASK));
}

/**
 * shrink_page_list over the isolated blocks (oldest first). Returns the pages reclaimed; fills stat.
 */
function shrinkPageList(rs: RunState, ni: number, sc: ScanControl): number {
  const b = rs.buddy;
  const node = rs.nodes[ni]!;
  stat.nrDirty = stat.nrUnqueuedDirty = stat.nrWriteback = stat.nrImmediate = stat.nrPageout = 0;
  stat.nrActivateAnon = stat.nrActivateFile = stat.nrRefKeep = 0;
  let nFree = 0;
  let reclaimed = 0;
  for (let k = 0; k < nrIsolated; k++) {
    const i = isolated[k]!;
    const order = b.tag[i] & PS_ORDER_MASK;
    const pages = 1 << order;
    let f = rs.pflags[i];
    const kind = f & PF_KIND_MASK;
    sc.nrScanned += pages;
    const swapBacked = kind === KIND_ANON || kind === KIND_SHMEM;
    const dirty = kind === KIND_FILE_DIRTY;
    const writeback = kind === KIND_FILE && (f & PF_WRITEBACK) !== 0;
    // page_check_dirty_writeback: only file pages count (anon is written from reclaim itself)
    if (dirty || writeback) stat.nrDirty += pages;
    if (dirty) stat.nrUnqueuedDirty += pages;
    let fate: number;
    if (writeback) {
      // PG_reclaim is already set on every page under writeback in the model
      if (sc.kswapd && node.pgdatFlags & PGDAT_WRITEBACK) stat.nrImmediate += pages;
      else stat.nrWriteback += pages;
      fate = ACTIVATE;
    } else {
      // page_check_references
      let refPtes = 0;
      if (kind === KIND_ANON && f & PF_YOUNG) {
        refPtes = 1;
        f &= ~PF_YOUNG;
      }
      const refPage = (f & PF_REFERENCED) !== 0;
      f &= ~PF_REFERENCED;
      let refs: number;
      if (refPtes) {
        f |= PF_REFERENCED;
        refs = refPage ? PAGEREF_ACTIVATE : PAGEREF_KEEP;
      } else refs = refPage && !swapBacked ? PAGEREF_RECLAIM_CLEAN : PAGEREF_RECLAIM;
      if (refs === PAGEREF_ACTIVATE) fate = ACTIVATE;
      else if (refs === PAGEREF_KEEP) {
        stat.nrRefKeep += pages;
        fate = KEEP;
      } else if (swapBacked) {
        if (!rs.swap) fate = ACTIVATE; // add_to_swap / shmem_writepage fail without swap space
        else if (kind === KIND_ANON && !(sc.gfp & __GFP_IO)) fate = KEEP;
        else if (f & PF_PINNED) fate = KEEP;
        else if (kind === KIND_SHMEM && !(sc.gfp & __GFP_FS)) fate = KEEP; // may_enter_fs
        else if (!sc.mayWritepage) fate = KEEP;
        else {
          // pageout to swap, completing at once
          stat.nrPageout += pages;
          node.vmscanWrite += pages;
          rs.vm.count('nr_vmscan_write', pages);
          rs.vm.count('pswpout', pages);
          rs.vm.count('pgpgout', pages * PAGE_KB);
          fate = FREE;
        }
      } else if (dirty) {
        if (!sc.kswapd || !(f & PF_RECLAIM) || !(node.pgdatFlags & PGDAT_DIRTY)) {
          // immediately reclaim when written back: PG_reclaim, out of the way on the active list
          node.vmscanImmediate += pages;
          f |= PF_RECLAIM;
          fate = ACTIVATE;
        } else if (refs === PAGEREF_RECLAIM_CLEAN || !(sc.gfp & __GFP_FS) || !sc.mayWritepage) fate = KEEP;
        else {
          // pageout: the page goes under writeback and stays on the inactive list
          rs.pflags[i] = f;
          startWriteback(rs, ni, i);
          f = rs.pflags[i];
          stat.nrPageout += pages;
          node.vmscanWrite += pages;
          rs.vm.count('nr_vmscan_write', pages);
          fate = KEEP;
        }
      } else if (f & PF_PINNED) fate = KEEP;
      else fate = FREE;
    }
    if (fate === FREE) {
      reclaimed += pages;
      rs.pflags[i] = f;
      if (order === 0) freeList[nFree++] = i;
      else freeBlock(rs, sc.cpu, i, order);
      continue;
    }
    if (fate === ACTIVATE) {
      f |= PF_ACTIVE;
      if (swapBacked) stat.nrActivateAnon += pages;
      else stat.nrActivateFile += pages;
    }
    putback(rs, ni, i, f);
  }
  rs.vm.count('pgactivate', stat.nrActivateAnon + stat.nrActivateFile);
  // free_pages was built with list_add: it is freed newest-processed first
  freeList.subarray(0, nFree).reverse();
  freeUnrefPageList(rs, sc.cpu, freeList, nFree);
  return reclaimed;
}

/** shrink_inactive_list: isolate, shrink_page_list, count, and wake the flusher when only unqueued dirty pages were found. */
function shrinkInactiveList(rs: RunState, ni: number, nrToScan: number, lru: number, sc: ScanControl): number {
  const file = lru === LRU_INACTIVE_FILE;
  const taken = isolateLruPages(rs, ni, lru, nrToScan, sc);
  const scanned = lastScanned;
  rs.vm.count(sc.kswapd ? 'pgscan_kswapd' : 'pgscan_direct', scanned);
  rs.vm.count(file ? 'pgscan_file' : 'pgscan_anon', scanned);
  if (taken === 0) return 0;
  const reclaimed = shrinkPageList(rs, ni, sc);
  lruNoteCost(rs, ni, file, stat.nrPageout);
  rs.vm.count(sc.kswapd ? 'pgsteal_kswapd' : 'pgsteal_direct', reclaimed);
  rs.vm.count(file ? 'pgsteal_file' : 'pgsteal_anon', reclaimed);
  if (stat.nrUnqueuedDirty === taken) wakeupFlusherThreads(rs, ni);
  sc.nrDirty += stat.nrDirty;
  sc.nrUnqueuedDirty += stat.nrUnqueuedDirty;
  sc.nrWriteback += stat.nrWriteback;
  sc.nrImmediate += stat.nrImmediate;
  sc.nrTaken += taken;
  if (file) sc.nrFileTaken += taken;
  rs.trace?.emit('mm_vmscan_lru_shrink_inactive', rs.nodes[ni]!.nid, scanned, reclaimed, sc.priority, (file ? RECLAIM_WB_FILE : RECLAIM_WB_ANON) | RECLAIM_WB_ASYNC);
  return reclaimed;
}

/**
 * shrink_active_list: isolate from the active tail (pgrefill) and deactivate every page to the
 * inactive head, oldest deepest (pgdeactivate). page_referenced clears an anon page's young PTE;
 * only referenced executable file pages would stay active, and the model has none.
 */
export function shrinkActiveList(rs: RunState, ni: number, nrToScan: number, lru: number, sc: ScanControl): void {
  isolateLruPages(rs, ni, lru, nrToScan, sc);
  rs.vm.count('pgrefill', lastScanned);
  const b = rs.buddy;
  let deactivated = 0;
  for (let k = 0; k < nrIsolated; k++) {
    const i = isolated[k]!;
    let f = rs.pflags[i];
    if ((f & PF_KIND_MASK) === KIND_ANON) f &= ~PF_YOUNG;
    f &= ~PF_ACTIVE;
    putback(rs, ni, i, f);
    deactivated += 1 << (b.tag[i] & PS_ORDER_MASK);
  }
  rs.vm.count('pgdeactivate', deactivated);
}

/** shrink_list: active lists are aged only when their kind may be deactivated. */
function shrinkList(rs: RunState, ni: number, lru: number, nrToScan: number, sc: ScanControl): number {
  if (lru === LRU_ACTIVE_ANON || lru === LRU_ACTIVE_FILE) {
    if (sc.mayDeactivate & (lru === LRU_ACTIVE_FILE ? DEACTIVATE_FILE : DEACTIVATE_ANON)) shrinkActiveList(rs, ni, nrToScan, lru, sc);
    else sc.skippedDeactivate = true;
    return 0;
  }
  return shrinkInactiveList(rs, ni, nrToScan, lru, sc);
}

/** scan × num / den, truncating, exact beyond 2^53 */
function mulDiv(scan: number, num: number, den: number): number {
  const p = scan * num;
  if (p <= Number.MAX_SAFE_INTEGER) return Math.floor(p / den);
  return Number((BigInt(scan) * BigInt(num)) / BigInt(den));
}

/** get_scan_count: how many pages of each evictable LRU to scan at this priority (nr[0..3]). */
export function getScanCount(rs: RunState, ni: number, sc: ScanControl, nr: Float64Array): void {
  const swappiness = rs.swappiness;
  let balance: number;
  let ap = 0;
  let fp = 0;
  if (!sc.maySwap || !rs.swap) balance = SCAN_FILE;
  else if (!sc.priority && swappiness) balance = SCAN_EQUAL;
  else if (sc.fileIsTiny) balance = SCAN_ANON;
  else if (sc.cacheTrimMode) balance = SCAN_FILE;
  else {
    balance = SCAN_FRACT;
    let total = sc.anonCost + sc.fileCost;
    const anonCost = total + sc.anonCost;
    const fileCost = total + sc.fileCost;
    total = anonCost + fileCost;
    ap = Math.floor((swappiness * (total + 1)) / (anonCost + 1));
    fp = Math.floor(((200 - swappiness) * (total + 1)) / (fileCost + 1));
  }
  for (let lru = 0; lru <= LRU_ACTIVE_FILE; lru++) {
    const file = lru >= LRU_INACTIVE_FILE;
    let scan = Math.floor(lruvecLruSize(rs, ni, lru, sc.reclaimIdx) / 2 ** sc.priority);
    if (balance === SCAN_FRACT) scan = mulDiv(scan, file ? fp : ap, ap + fp);
    else if ((balance === SCAN_FILE && !file) || (balance === SCAN_ANON && file)) scan = 0;
    nr[lru] = scan;
  }
}

const nrScan = new Float64Array(4);
const targets = new Float64Array(4);

/**
 * shrink_lruvec: scan the four lists in rounds of up to SWAP_CLUSTER_MAX each; once nr_to_reclaim
 * pages are reclaimed (not for direct reclaim at DEF_PRIORITY), stop the kind with less left and
 * cut the other to its proportional share. Then rebalance the anon lists if swap exists.
 */
function shrinkLruvec(rs: RunState, ni: number, sc: ScanControl): void {
  const nr = nrScan;
  getScanCount(rs, ni, sc, nr);
  targets.set(nr);
  const proportional = !sc.kswapd && sc.priority === DEF_PRIORITY;
  const recut = rs.rules.vmscan.lruvecRecutEachRound;
  let scanAdjusted = proportional;
  let reclaimed = 0;
  while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
    for (let lru = 0; lru <= LRU_ACTIVE_FILE; lru++) {
      if (!nr[lru]) continue;
      const n = Math.min(nr[lru], SWAP_CLUSTER_MAX);
      nr[lru] -= n;
      reclaimed += shrinkList(rs, ni, lru, n, sc);
    }
    if (reclaimed < sc.nrToReclaim || (recut ? proportional : scanAdjusted)) continue;
    const nrFile = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
    const nrAnon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
    if (!nrFile || !nrAnon) break;
    let stop: number;
    let percentage: number;
    if (nrFile > nrAnon) {
      stop = LRU_INACTIVE_ANON;
      percentage = Math.floor((nrAnon * 100) / (targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1));
    } else {
      stop = LRU_INACTIVE_FILE;
      percentage = Math.floor((nrFile * 100) / (targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1));
    }
    nr[stop] = 0;
    nr[stop + 1] = 0;
    const other = stop === LRU_INACTIVE_FILE ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
    for (const lru of [other, other + 1]) {
      const done = targets[lru] - nr[lru];
      nr[lru] = Math.floor((targets[lru] * (100 - percentage)) / 100);
      nr[lru] -= Math.min(nr[lru], done);
    }
    scanAdjusted = true;
  }
  sc.nrReclaimed += reclaimed;
  if (rs.swap && inactiveIsLow(rs, ni, LRU_INACTIVE_ANON)) shrinkActiveList(rs, ni, SWAP_CLUSTER_MAX, LRU_ACTIVE_ANON, sc);
}

/** shrink_node's scan-balance set-up (6.1 prepare_scan_count): may_deactivate, cache_trim_mode, file_is_tiny. */
function prepareScanCount(rs: RunState, ni: number, sc: ScanControl): void {
  const node = rs.nodes[ni]!;
  sc.anonCost = node.anonCost;
  sc.fileCost = node.fileCost;
  // the model has no refaults: only inactive_is_low decides
  if (!sc.forceDeactivate) {
    sc.mayDeactivate = (inactiveIsLow(rs, ni, LRU_INACTIVE_ANON) ? DEACTIVATE_ANON : 0) | (inactiveIsLow(rs, ni, LRU_INACTIVE_FILE) ? DEACTIVATE_FILE : 0);
  } else sc.mayDeactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
  const inactiveFile = nodeLru(rs, ni, LRU_INACTIVE_FILE);
  sc.cacheTrimMode = Math.floor(inactiveFile / 2 ** sc.priority) !== 0 && !(sc.mayDeactivate & DEACTIVATE_FILE);
  let free = 0;
  let totalHigh = 0;
  for (let z = 0; z < rs.nz; z++) {
    const zi = rs.nodeZone[ni * rs.nz + z];
    if (zi < 0) continue;
    free += rs.buddy.z.free[zi];
    if (rs.buddy.z.managed[zi] > 0) totalHigh += rs.wmark[zi * NR_WMARK + WMARK_HIGH] + rs.boost[zi];
  }
  const file = nodeLru(rs, ni, LRU_ACTIVE_FILE) + inactiveFile;
  const anon = nodeLru(rs, ni, LRU_INACTIVE_ANON);
  sc.fileIsTiny = file + free <= totalHigh && !(sc.mayDeactivate & DEACTIVATE_ANON) && Math.floor(anon / 2 ** sc.priority) !== 0;
}

/**
 * should_continue_reclaim: only reclaim/compaction for a high order (order > 3, or priority below
 * DEF_PRIORITY − 2) goes on, while the pass reclaimed something, no eligible zone is ready for
 * compaction, and the inactive lists still hold more than compact_gap pages.
 */
function shouldContinueReclaim(rs: RunState, ni: number, passReclaimed: number, sc: ScanControl): boolean {
  if (!(sc.order && (sc.order > PAGE_ALLOC_COSTLY_ORDER || sc.priority < DEF_PRIORITY - 2))) return false;
  if (!passReclaimed) return false;
  for (let z = 0; z <= sc.reclaimIdx && z < rs.nz; z++) {
    const zi = rs.nodeZone[ni * rs.nz + z];
    if (zi < 0 || rs.buddy.z.managed[zi] === 0) continue;
    const r = compactionSuitable(rs, zi, sc.order, 0, sc.reclaimIdx);
    if (r === COMPACT_SUCCESS || r === COMPACT_CONTINUE) return false;
  }
  let inactive = nodeLru(rs, ni, LRU_INACTIVE_FILE);
  if (rs.swap) inactive += nodeLru(rs, ni, LRU_INACTIVE_ANON);
  return inactive > compactGap(sc.order);
}

/**
 * shrink_node: shrink_lruvec and the shrinker (reclaimed slab pages count as reclaimed), kswapd's
 * PGDAT_WRITEBACK / PGDAT_DIRTY flags and its throttle on pages under writeback (time passes: a
 * writeback tick), repeated while should_continue_reclaim; any progress resets kswapd_failures.
 */
export function shrinkNode(rs: RunState, ni: number, sc: ScanControl): void {
  const node = rs.nodes[ni]!;
  let reclaimable = false;
  let passReclaimed: number;
  do {
    sc.resetNr();
    const before = sc.nrReclaimed;
    prepareScanCount(rs, ni, sc);
    shrinkLruvec(rs, ni, sc);
    sc.nrReclaimed += shrinkSlab(rs, sc.gfp, ni, sc.priority, sc.cpu);
    passReclaimed = sc.nrReclaimed - before;
    if (passReclaimed) reclaimable = true;
    if (sc.kswapd) {
      if (sc.nrWriteback && sc.nrWriteback === sc.nrTaken) node.pgdatFlags |= PGDAT_WRITEBACK;
      if (sc.nrUnqueuedDirty === sc.nrFileTaken) node.pgdatFlags |= PGDAT_DIRTY;
      // 5.10 congestion_wait(HZ/10), 6.1 reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK)
      if (sc.nrImmediate) writebackTick(rs);
    }
  } while (shouldContinueReclaim(rs, ni, passReclaimed, sc));
  if (reclaimable) node.kswapdFailures = 0;
}
