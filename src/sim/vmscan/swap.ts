/**
 * LRU moves outside reclaim (mm/swap.c): mark_page_accessed (6.1 folio_mark_accessed) with
 * activate_page, deactivate_file_page's lru_deactivate_file_fn, and a page access as the model
 * sees it. The kernel batches these through per-cpu pagevecs; the model moves pages at once.
 */
import { PS_ALLOC, PS_ORDER_MASK } from '../buddy/page-state';
import { allocHeadOf } from '../page_alloc/fallback';
import { KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_SHMEM, PF_ACTIVE, PF_KIND_MASK, PF_LRU, PF_RECLAIM, PF_REFERENCED, PF_WRITEBACK, PF_YOUNG } from '../run/page-flags';
import { lruOf } from '../run/page-accounting';
import type { RunState } from '../run/run-state';

/** activate_page (__activate_page): an inactive LRU page moves to the head of its active list; pgactivate. */
function activatePage(rs: RunState, i: number): void {
  const b = rs.buddy;
  const f = rs.pflags[i];
  if (!(f & PF_LRU) || f & PF_ACTIVE) return;
  const kind = f & PF_KIND_MASK;
  const pages = 1 << (b.tag[i] & PS_ORDER_MASK);
  const zi = b.zoneIndexOf(i + b.basePfn);
  const ni = rs.zoneNode[zi];
  rs.lru.del(b.next, b.prev, i, ni, zi, lruOf(kind, f), pages);
  rs.pflags[i] = f | PF_ACTIVE;
  rs.lru.addHead(b.next, b.prev, i, ni, zi, lruOf(kind, f | PF_ACTIVE), pages);
  rs.vm.count('pgactivate', pages);
}

/**
 * mark_page_accessed: the first access sets PG_referenced; a second one activates an inactive page
 * (and clears PG_referenced).
 */
export function markPageAccessed(rs: RunState, i: number): void {
  const f = rs.pflags[i];
  if (!(f & PF_REFERENCED)) {
    rs.pflags[i] = f | PF_REFERENCED;
    return;
  }
  if (!(f & PF_ACTIVE)) {
    activatePage(rs, i);
    rs.pflags[i] &= ~PF_REFERENCED;
  }
}

/**
 * An access to the page holding pfn, as the model sees it: a mapped (anon) page gets a young PTE;
 * page cache and shmem (unmapped in the model: read/write system calls) go through
 * mark_page_accessed. Other kinds are not on an LRU and nothing changes. Returns false when pfn is
 * not in an allocated block.
 */
export function accessPage(rs: RunState, pfn: number): boolean {
  const b = rs.buddy;
  if (!Number.isInteger(pfn) || pfn < b.basePfn || pfn >= b.endPfn) return false;
  const i = allocHeadOf(rs, pfn - b.basePfn);
  if (i < 0 || !(b.tag[i] & PS_ALLOC)) return false;
  const kind = rs.pflags[i] & PF_KIND_MASK;
  if (kind === KIND_ANON) rs.pflags[i] |= PF_YOUNG;
  else if (kind === KIND_FILE || kind === KIND_FILE_DIRTY || kind === KIND_SHMEM) markPageAccessed(rs, i);
  return true;
}

/**
 * lru_deactivate_file_fn (deactivate_file_page, for a page invalidate_mapping_pages could not drop):
 * off the active list without pgdeactivate unless it was active; a dirty or writeback page goes to
 * the inactive head with PG_reclaim, any other to the inactive tail (pgrotated). PG_referenced clears.
 */
export function deactivateFilePage(rs: RunState, i: number): void {
  const b = rs.buddy;
  const f = rs.pflags[i];
  if (!(f & PF_LRU)) return;
  const kind = f & PF_KIND_MASK;
  const pages = 1 << (b.tag[i] & PS_ORDER_MASK);
  const zi = b.zoneIndexOf(i + b.basePfn);
  const ni = rs.zoneNode[zi];
  rs.lru.del(b.next, b.prev, i, ni, zi, lruOf(kind, f), pages);
  let nf = f & ~(PF_ACTIVE | PF_REFERENCED);
  const dirtyOrWb = kind === KIND_FILE_DIRTY || (kind === KIND_FILE && f & PF_WRITEBACK);
  if (dirtyOrWb) {
    nf |= PF_RECLAIM; // PF_WRITEBACK pages already carry PG_reclaim (the same bit)
    rs.pflags[i] = nf;
    rs.lru.addHead(b.next, b.prev, i, ni, zi, lruOf(kind, nf), pages);
  } else {
    rs.pflags[i] = nf;
    rs.lru.addTail(b.next, b.prev, i, ni, zi, lruOf(kind, nf), pages);
    rs.vm.count('pgrotated', pages);
  }
  if (f & PF_ACTIVE) rs.vm.count('pgdeactivate', pages);
}
