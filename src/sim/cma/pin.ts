/**
 * Pinning a page that is already allocated (mm/gup.c): get_user_pages takes an extra reference,
 * which makes migration of the page fail (the model's PF_PINNED) until it is dropped. A
 * FOLL_LONGTERM pin first moves a page that must not stay pinned where it is: 5.10
 * check_and_migrate_cma_pages migrates a page in a CMA pageblock (GFP_USER | __GFP_MOVABLE |
 * __GFP_NOWARN under PF_MEMALLOC_NOCMA); 6.1 check_and_migrate_movable_pages migrates a page in a
 * CMA or Isolate pageblock or in ZONE_MOVABLE (PF_MEMALLOC_PIN drops __GFP_MOVABLE), with reason
 * MR_LONGTERM_PIN. A page that cannot be moved makes the pin fail.
 */
import { MmError } from '../errors';
import { MIGRATE_CMA, MIGRATE_ISOLATE } from '../types';
import { PS_ALLOC } from '../buddy/page-state';
import { MIGRATE_SYNC, MR_LONGTERM_PIN } from '../compaction/constants';
import { allocPages, REQ_PIN } from '../page_alloc/alloc-pages';
import { GFP_USER, __GFP_MOVABLE, __GFP_NOWARN } from '../page_alloc/gfp';
import { isolateLruPage, migratePages, putbackMovablePages, putRawPage } from '../migrate/migrate';
import { untrackPage } from '../run/page-accounting';
import { KIND_KERNEL, PF_LRU, PF_PINNED } from '../run/page-flags';
import type { RunState } from '../run/run-state';

function headOf(rs: RunState, pfn: number, what: string): number {
  const b = rs.buddy;
  if (!Number.isInteger(pfn) || pfn < b.basePfn || pfn >= b.endPfn) throw new MmError('PIN_BAD_PAGE', `${what}: pfn ${pfn} is outside this machine`, what);
  const i = pfn - b.basePfn;
  if ((b.tag[i] & 0xe0) !== PS_ALLOC) throw new MmError('PIN_BAD_PAGE', `${what}: pfn 0x${pfn.toString(16)} is not the first page of an allocated block`, what);
  return i;
}

/** Must a FOLL_LONGTERM pin move this page first? */
function mustMoveForLongterm(rs: RunState, i: number): boolean {
  const b = rs.buddy;
  const pfn = i + b.basePfn;
  const mt = b.pbType[(pfn >> b.pageblockOrder) - b.pbBase];
  if (rs.rules.pinNoCma === 'PF_MEMALLOC_NOCMA') return mt === MIGRATE_CMA;
  const zi = b.zoneIndexOf(pfn);
  return mt === MIGRATE_CMA || mt === MIGRATE_ISOLATE || rs.names[rs.zoneIdx[zi]] === 'Movable';
}

/**
 * pin_user_pages on the block headed by pfn: returns the pfn the page is pinned at (a long-term
 * pin may have moved it). Throws PIN_FAILED when a long-term pin cannot move the page.
 */
export function pinPage(rs: RunState, pfn: number, longterm: boolean, cpu = 0): number {
  const b = rs.buddy;
  let i = headOf(rs, pfn, 'pin');
  if (longterm && mustMoveForLongterm(rs, i)) {
    if (!(rs.pflags[i] & PF_LRU)) throw new MmError('PIN_FAILED', `pin: pfn 0x${pfn.toString(16)} must leave its pageblock for a long-term pin but is not on an LRU list`, 'pin');
    const zi = b.zoneIndexOf(pfn);
    const nid = rs.zoneNid[zi];
    let target = -1;
    isolateLruPage(rs, i);
    const list = [i];
    const r = migratePages(rs, list, {
      getNewPage: (_src, order) => {
        const p = allocPages(rs, GFP_USER | __GFP_MOVABLE | __GFP_NOWARN, order, nid, cpu, KIND_KERNEL, 0, REQ_PIN);
        if (p < 0) return -1;
        untrackPage(rs, b.zoneIndexOf(p), p - b.basePfn, order);
        return (target = p - b.basePfn);
      },
      putNewPage: null,
      mode: MIGRATE_SYNC,
      reason: MR_LONGTERM_PIN,
      cpu,
      freeOld: (src) => putRawPage(rs, src, cpu),
    });
    if (r.succeeded === 0 || target < 0) {
      putbackMovablePages(rs, list);
      throw new MmError('PIN_FAILED', `pin: pfn 0x${pfn.toString(16)} could not be migrated out of its ${rs.rules.pinNoCma === 'PF_MEMALLOC_NOCMA' ? 'CMA pageblock' : 'CMA or movable memory'} for a long-term pin`, 'pin');
    }
    i = target;
  }
  rs.pflags[i] |= PF_PINNED;
  return i + b.basePfn;
}

/** unpin_user_page: drop the extra reference. */
export function unpinPage(rs: RunState, pfn: number): void {
  const i = headOf(rs, pfn, 'unpin');
  rs.pflags[i] &= ~PF_PINNED;
}
