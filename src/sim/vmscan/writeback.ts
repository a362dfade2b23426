/**
 * The model's writeback of dirty page cache (mm/page-writeback.c, mm/filemap.c end_page_writeback,
 * mm/swap.c rotate_reclaimable_page, fs/fs-writeback.c wakeup_flusher_threads).
 *
 * A dirty file page (KIND_FILE_DIRTY) becomes clean when its writeback I/O is started — by kswapd's
 * pageout, or by the flusher that reclaim wakes when it finds only unqueued dirty pages — and stays
 * under writeback (KIND_FILE with PF_WRITEBACK, counted in NR_WRITEBACK) until the next writeback
 * tick, when the I/O completes: the page is rotated to the tail of the inactive file list (every
 * page under writeback in the model carries PG_reclaim), so reclaim finds it next. Ticks happen when
 * time passes in the model: at each daemons step, between kswapd's balance_pgdat runs, when kswapd
 * throttles on pages under writeback, and when a task enters direct reclaim.
 */
import { PS_ALLOC, PS_ORDER_MASK } from '../buddy/page-state';
import { KIND_FILE, KIND_FILE_DIRTY, PF_ACTIVE, PF_KIND_MASK, PF_LRU, PF_WRITEBACK } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { LRU_ACTIVE_FILE, LRU_INACTIVE_FILE, NR_LRU_LISTS } from './lru';

/** KiB per page: /proc/vmstat's pgpgout counts KiB written (sectors / 2) */
const PAGE_KB = 4;

/**
 * Start writeback of a dirty file page (clear_page_dirty_for_io + set_page_writeback): it leaves
 * NR_FILE_DIRTY for NR_WRITEBACK and completes at the next writeback tick. The caller keeps the page
 * where it is on the LRU. Counts the block I/O (pgpgout).
 */
export function startWriteback(rs: RunState, ni: number, i: number): void {
  const n = rs.nodes[ni]!;
  const pages = 1 << (rs.buddy.tag[i] & PS_ORDER_MASK);
  rs.pflags[i] = (rs.pflags[i] & ~PF_KIND_MASK) | KIND_FILE | PF_WRITEBACK;
  n.kindPages[KIND_FILE_DIRTY] -= pages;
  n.kindPages[KIND_FILE] += pages;
  n.writeback += pages;
  n.wbQueue.push(i);
  rs.vm.count('pgpgout', pages * PAGE_KB);
}

/**
 * end_page_writeback for every page whose I/O was started before this tick: PG_writeback and
 * PG_reclaim clear, and rotate_reclaimable_page moves a page still on an LRU to the tail of the
 * inactive file list, deactivating it (lru_move_tail_fn / pagevec_move_tail_fn), counting pgrotated.
 */
function completeWriteback(rs: RunState, ni: number): void {
  const n = rs.nodes[ni]!;
  if (n.wbQueue.length === 0) return;
  const q = n.wbQueue;
  n.wbQueue = [];
  const b = rs.buddy;
  for (const i of q) {
    const f = rs.pflags[i];
    // a page freed (or freed and reused) since its I/O started has no I/O left to complete
    if (!(b.tag[i] & PS_ALLOC) || (f & PF_KIND_MASK) !== KIND_FILE || !(f & PF_WRITEBACK)) continue;
    const pages = 1 << (b.tag[i] & PS_ORDER_MASK);
    n.writeback -= pages;
    if (!(f & PF_LRU)) {
      rs.pflags[i] = f & ~PF_WRITEBACK;
      continue;
    }
    const zi = b.zoneIndexOf(i + b.basePfn);
    rs.lru.del(b.next, b.prev, i, ni, zi, f & PF_ACTIVE ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE, pages);
    rs.pflags[i] = f & ~(PF_WRITEBACK | PF_ACTIVE);
    rs.lru.addTail(b.next, b.prev, i, ni, zi, LRU_INACTIVE_FILE, pages);
    rs.vm.count('pgrotated', pages);
  }
}

/**
 * The flusher (wb_workfn for WB_REASON_VMSCAN): start writeback of every dirty file page of the
 * node. The model has no files: it walks the file LRU lists, inactive then active, oldest first.
 */
function flushNode(rs: RunState, ni: number): void {
  const n = rs.nodes[ni]!;
  let left = n.kindPages[KIND_FILE_DIRTY];
  const b = rs.buddy;
  for (const lru of [LRU_INACTIVE_FILE, LRU_ACTIVE_FILE]) {
    for (let i = rs.lru.tail[ni * NR_LRU_LISTS + lru]; i >= 0 && left > 0; i = b.prev[i]) {
      if ((rs.pflags[i] & PF_KIND_MASK) !== KIND_FILE_DIRTY) continue;
      left -= 1 << (b.tag[i] & PS_ORDER_MASK);
      startWriteback(rs, ni, i);
    }
  }
}

/** wakeup_flusher_threads(WB_REASON_VMSCAN): the flusher writes at the next writeback tick. */
export function wakeupFlusherThreads(rs: RunState, ni: number): void {
  rs.nodes[ni]!.flusherWoken = true;
}

/** Time passes: in-flight writeback completes, then a woken flusher writes every node's dirty pages. */
export function writebackTick(rs: RunState): void {
  let flush = false;
  for (let ni = 0; ni < rs.nodes.length; ni++) {
    completeWriteback(rs, ni);
    if (rs.nodes[ni]!.flusherWoken) flush = true;
  }
  if (!flush) return;
  for (let ni = 0; ni < rs.nodes.length; ni++) {
    rs.nodes[ni]!.flusherWoken = false;
    flushNode(rs, ni);
  }
}
