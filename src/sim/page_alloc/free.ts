/**
 * Freeing pages (mm/page_alloc.c): __free_pages → free_the_page → free_unref_page (pcp orders:
 * the pageblock's migratetype is stored with the page, ISOLATE goes straight to the buddy) or
 * __free_pages_ok (other orders) → free_one_page / __free_one_page. The model's own bookkeeping of
 * the block (its kind, LRU membership, owner) is undone first, as the page's last reference drops.
 */
import { MmError } from '../errors';
import { MIGRATE_ISOLATE } from '../types';
import { PS_ALLOC, PS_FREE_TAIL, PS_ORDER_MASK, pageStateName, setTags } from '../buddy/page-state';
import { freeUnrefPageCommit } from './pcp';
import { type RunState } from '../run/run-state';
import { untrackPage } from '../run/page-accounting';

/** free_one_page / __free_pages_ok's core: __free_one_page with the pageblock's migratetype. */
export function freeOnePageToBuddy(rs: RunState, zi: number, i: number, order: number, mt: number): void {
  const b = rs.buddy;
  setTags(b.tag, i, 1 << order, PS_FREE_TAIL);
  b.freeOneCore(zi, i + b.basePfn, order, mt, false);
}

/**
 * free_the_page for an allocated block whose bookkeeping is already undone: pcp-allowed orders
 * through free_unref_page, others through __free_pages_ok.
 */
export function freeThePage(rs: RunState, zi: number, cpu: number, i: number, order: number): void {
  const b = rs.buddy;
  const pfn = i + b.basePfn;
  const mt = b.pbType[(pfn >> b.pageblockOrder) - b.pbBase];
  if (rs.pcp.orderBase[order] >= 0) {
    // free_unref_page: ISOLATE pages go to the buddy
    if (mt === MIGRATE_ISOLATE) {
      freeOnePageToBuddy(rs, zi, i, order, mt);
      if (rs.rules.pcp.isolateFreeCountsPgfree) rs.vm.v[rs.vm.PGFREE] += 1 << order;
      return;
    }
    freeUnrefPageCommit(rs, zi, cpu, i, order, mt);
    return;
  }
  freeOnePageToBuddy(rs, zi, i, order, mt);
  rs.vm.v[rs.vm.PGFREE] += 1 << order;
}

/** Describe a page that cannot be freed, as the kernel's bad_page would ("Bad page state"). */
function badPage(rs: RunState, pfn: number, why: string): MmError {
  return new MmError('BAD_PAGE_STATE', `Bad page state: pfn 0x${pfn.toString(16)}: ${why}`, `pfn 0x${pfn.toString(16)}`);
}

/**
 * __free_pages(page, order) of a block the model allocated: checks that pfn is the first page of
 * an allocated block (not free, not on a per-cpu list, not reserved), emits mm_page_free, undoes
 * the page's accounting and frees it. Returns the order freed.
 */
export function freePages(rs: RunState, pfn: number, cpu = 0): number {
  const b = rs.buddy;
  if (typeof pfn !== 'number' || (pfn | 0) !== pfn || pfn < b.basePfn || pfn >= b.endPfn) throw badPage(rs, Number(pfn) >>> 0, `outside this machine's pfns [0x${b.basePfn.toString(16)}, 0x${b.endPfn.toString(16)})`);
  const i = pfn - b.basePfn;
  const t = b.tag[i];
  if (!(t & PS_ALLOC)) {
    const state = pageStateName(t);
    const why = state === 'free' || state === 'free-tail' || state === 'pcp' || state === 'pcp-tail' ? 'it is already free (double free)'
      : state === 'inuse' ? 'it is inside an allocated block, not its first page'
      : state === 'reserved' ? 'it is reserved memory (PageReserved), never allocated'
      : 'it is not memory in a zone';
    throw badPage(rs, pfn, why);
  }
  const order = t & PS_ORDER_MASK;
  const zi = b.zoneIndexOf(pfn);
  rs.trace?.emit('mm_page_free', pfn, order, 0, 0, 0);
  untrackPage(rs, zi, i, order);
  freeThePage(rs, zi, cpu, i, order);
  return order;
}
