/**
 * Page migration (mm/migrate.c): migrate_pages with the caller's get_new_page / put_new_page
 * callbacks, as compaction (compaction_alloc / compaction_free) and alloc_contig_range
 * (alloc_migration_target) use it, and the model's migrate_page: the new page takes the old one's
 * state, goes back on the LRU (putback_lru_page: the head of its list), and the old page is freed
 * through put_page (order 0: free_unref_page, i.e. the per-cpu list).
 *
 * 6.1.20 still has the classic loop (the batched unmap/move came in later stables): up to 10
 * passes while some page returned −EAGAIN; per page in list order (from the head) a target is
 * taken, the page is moved, and the source freed. A page with extra references (the model's
 * PF_PINNED) fails with −EAGAIN in every pass and counts as failed after the last one. A NULL
 * target is −ENOMEM: migrate_pages stops and leaves the rest on the list.
 *
 * The pages on the list are isolated heads (isolate_lru_page: off the LRU, PageLRU clear,
 * NR_ISOLATED_* raised). A "raw" target is a block tagged allocated with no model bookkeeping
 * (no kind, owner, LRU): compaction's split free pages, or allocMigrationTarget's.
 */
import { PS_ALLOC, PS_ORDER_MASK } from '../buddy/page-state';
import { allocPages } from '../page_alloc/alloc-pages';
import { freeThePage } from '../page_alloc/free';
import { lruOf, untrackPage } from '../run/page-accounting';
import { KIND_KERNEL, PF_KIND_MASK, PF_LRU, PF_PINNED, kindIsAnonLru, kindOnLru } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { EAGAIN, ENOMEM, MIGRATE_PASSES } from '../compaction/constants';
import { KIND_HUGETLB } from '../run/page-flags';

export interface MigrateOptions {
  /** get_new_page: a raw target block of `order` for source block `src` (indexes), or −1 (−ENOMEM) */
  getNewPage: (src: number, order: number) => number;
  /** put_new_page: take an unused raw target back; null: free it (put_page) */
  putNewPage: ((page: number) => void) | null;
  /** enum migrate_mode */
  mode: number;
  /** enum migrate_reason */
  reason: number;
  /** the CPU whose per-cpu lists receive the freed pages */
  cpu: number;
  /**
   * How a migrated source leaves: default put_page (free it). Hugetlb pages go back to their pool
   * instead (free_huge_page); alloc_contig_range's caller decides.
   */
  freeOld?: (src: number, order: number) => void;
}

export interface MigrateResult {
  /** 0, the number of pages (5.10) or folios (6.1) that failed, or −ENOMEM */
  rc: number;
  /** pages migrated (pgmigrate_success) and failed (pgmigrate_fail) */
  succeeded: number;
  failed: number;
  thpSucceeded: number;
  thpFailed: number;
}

/** A page is file LRU (page_is_file_lru) unless swap-backed. */
function isFileLru(kind: number): boolean {
  return kindOnLru(kind) && !kindIsAnonLru(kind);
}

/** NR_ISOLATED_ANON/FILE of the page's node, by pages (isolate_lru_page adds, putback and migration subtract). */
export function modIsolated(rs: RunState, i: number, pages: number): void {
  const zi = rs.buddy.zoneIndexOf(i + rs.buddy.basePfn);
  const nd = rs.nodes[rs.zoneNode[zi]]!;
  if (isFileLru(rs.pflags[i] & PF_KIND_MASK)) nd.isolatedFile += pages;
  else nd.isolatedAnon += pages;
}

/** isolate_lru_page's list part: take head i off its LRU list (PageLRU cleared) and count it isolated. */
export function isolateLruPage(rs: RunState, i: number): void {
  const b = rs.buddy;
  const zi = b.zoneIndexOf(i + b.basePfn);
  const f = rs.pflags[i];
  const n = 1 << (b.tag[i] & PS_ORDER_MASK);
  rs.lru.del(b.next, b.prev, i, rs.zoneNode[zi], zi, lruOf(f & PF_KIND_MASK, f), n);
  rs.pflags[i] = f & ~PF_LRU;
  if (kindOnLru(f & PF_KIND_MASK)) modIsolated(rs, i, n);
}

/** putback_lru_page (putback_movable_pages per page): back at the head of its LRU list, no longer isolated. */
export function putbackLruPage(rs: RunState, i: number): void {
  const b = rs.buddy;
  const zi = b.zoneIndexOf(i + b.basePfn);
  const n = 1 << (b.tag[i] & PS_ORDER_MASK);
  const kind = rs.pflags[i] & PF_KIND_MASK;
  if (!kindOnLru(kind)) return; // a hugetlb page goes back to its active list, which the model does not keep
  modIsolated(rs, i, -n);
  const f = rs.pflags[i] | PF_LRU;
  rs.pflags[i] = f;
  rs.lru.addHead(b.next, b.prev, i, rs.zoneNode[zi], zi, lruOf(kind, f), n);
}

/** putback_movable_pages: every page left on the list back on the LRU, from the list head. Empties the list. */
export function putbackMovablePages(rs: RunState, list: number[]): void {
  for (let k = list.length - 1; k >= 0; k--) putbackLruPage(rs, list[k]!);
  list.length = 0;
}

/**
 * The model's move_to_new_page for isolated source `src` and raw target `dst` of the same order:
 * the target takes the kind, flags (PG_active, PG_referenced, pinning) and owner; the per-node
 * kind counts follow it if it is on another node. The source is left raw.
 */
export function migratePageState(rs: RunState, src: number, dst: number): void {
  const b = rs.buddy;
  const f = rs.pflags[src];
  const owner = rs.owner[src];
  rs.pflags[dst] = f & ~PF_LRU;
  rs.owner[dst] = owner;
  rs.pflags[src] = 0;
  rs.owner[src] = 0;
  const zs = b.zoneIndexOf(src + b.basePfn);
  const zd = b.zoneIndexOf(dst + b.basePfn);
  rs.onMigrate?.(src + b.basePfn, dst + b.basePfn);
  if (rs.zoneNode[zs] !== rs.zoneNode[zd]) {
    const n = 1 << (b.tag[src] & PS_ORDER_MASK);
    const kind = f & PF_KIND_MASK;
    rs.nodes[rs.zoneNode[zs]]!.kindPages[kind] -= n;
    rs.nodes[rs.zoneNode[zd]]!.kindPages[kind] += n;
  }
}

/** put_page of a raw page the model holds (a migrated source, an unused target): mm_page_free, then free_the_page. */
export function putRawPage(rs: RunState, i: number, cpu: number): void {
  const b = rs.buddy;
  const order = b.tag[i] & PS_ORDER_MASK;
  rs.pflags[i] = 0;
  rs.owner[i] = 0;
  rs.trace?.emit('mm_page_free', i + b.basePfn, order, 0, 0, 0);
  freeThePage(rs, b.zoneIndexOf(i + b.basePfn), cpu, i, order);
}

/** unmap_and_move (and unmap_and_move_huge_page) for one isolated head: MIGRATEPAGE_SUCCESS (0), −EAGAIN or −ENOMEM. */
function unmapAndMove(rs: RunState, src: number, opts: MigrateOptions): number {
  const b = rs.buddy;
  const order = b.tag[src] & PS_ORDER_MASK;
  const dst = opts.getNewPage(src, order);
  if (dst < 0) return -ENOMEM;
  if (rs.pflags[src] & PF_PINNED) {
    // migrate_folio_move_mapping: the reference count is above the expected one
    if (opts.putNewPage) opts.putNewPage(dst);
    else putRawPage(rs, dst, opts.cpu);
    return -EAGAIN;
  }
  const kind = rs.pflags[src] & PF_KIND_MASK;
  migratePageState(rs, src, dst);
  // the new page: putback_lru_page (a hugetlb page: putback_active_hugepage)
  if (kindOnLru(kind)) {
    const zd = b.zoneIndexOf(dst + b.basePfn);
    const f = rs.pflags[dst] | PF_LRU;
    rs.pflags[dst] = f;
    rs.lru.addHead(b.next, b.prev, dst, rs.zoneNode[zd], zd, lruOf(kind, f), 1 << order);
    // the old page leaves the isolated count (its kind decides the counter)
    const zs = b.zoneIndexOf(src + b.basePfn);
    const nd = rs.nodes[rs.zoneNode[zs]]!;
    if (isFileLru(kind)) nd.isolatedFile -= 1 << order;
    else nd.isolatedAnon -= 1 << order;
  }
  if (opts.freeOld) opts.freeOld(src, order);
  else putRawPage(rs, src, opts.cpu);
  return 0;
}

/**
 * migrate_pages(from, get_new_page, put_new_page, private, mode, reason). `from` holds isolated
 * heads with its END as the list head; pages that migrate or fail for good leave it, pages left
 * after −ENOMEM stay (the caller puts them back). Counts pgmigrate_success/fail and fires
 * mm_migrate_pages.
 */
export function migratePages(rs: RunState, from: number[], opts: MigrateOptions): MigrateResult {
  let retry = 1;
  let retryPages = 0;
  let nrFailed = 0;
  let failedPages = 0;
  let succeeded = 0;
  let thpSucceeded = 0;
  let thpFailed = 0;
  let rc = 0;
  let enomem = false;
  for (let pass = 0; pass < MIGRATE_PASSES && retry; pass++) {
    retry = 0;
    retryPages = 0;
    for (let k = from.length - 1; k >= 0; k--) {
      const src = from[k]!;
      const order = rs.buddy.tag[src] & PS_ORDER_MASK;
      const n = 1 << order;
      const thp = order > 0 && (rs.pflags[src] & PF_KIND_MASK) !== KIND_HUGETLB;
      const r = unmapAndMove(rs, src, opts);
      if (r === -ENOMEM) {
        // the model has no THP split on −ENOMEM: the page counts as failed
        nrFailed++;
        failedPages += n + (rs.rules.compaction.enomemCountsRetries ? retryPages : 0);
        if (thp) thpFailed++;
        enomem = true;
        break;
      }
      if (r === -EAGAIN) {
        retry++;
        retryPages += n;
        continue;
      }
      from.splice(k, 1);
      succeeded += n;
      if (thp) thpSucceeded++;
    }
    if (enomem) break;
  }
  if (enomem) rc = -ENOMEM;
  else {
    nrFailed += retry;
    failedPages += retryPages;
    rc = rs.rules.compaction.migrateTrace === 'return-code' ? failedPages : nrFailed;
    if (retry) for (let k = from.length - 1; k >= 0; k--) if (rs.buddy.tag[from[k]!] & PS_ALLOC && (rs.buddy.tag[from[k]!] & PS_ORDER_MASK) > 0) thpFailed++;
  }
  rs.vm.count('pgmigrate_success', succeeded);
  rs.vm.count('pgmigrate_fail', failedPages);
  rs.trace?.emit('mm_migrate_pages', succeeded, failedPages, thpSucceeded, thpFailed, 0, opts.mode, opts.reason);
  return { rc, succeeded, failed: failedPages, thpSucceeded, thpFailed };
}

/**
 * alloc_migration_target for alloc_contig_range's callers: allocate a block of `order` with the
 * given GFP mask on node `nid` through the allocator (slow path included), and hand it over raw.
 * Returns its index, or −1.
 */
export function allocMigrationTarget(rs: RunState, gfp: number, order: number, nid: number, cpu: number): number {
  const pfn = allocPages(rs, gfp, order, nid, cpu, KIND_KERNEL, 0, 0);
  if (pfn < 0) return -1;
  const i = pfn - rs.buddy.basePfn;
  untrackPage(rs, rs.buddy.zoneIndexOf(pfn), i, order);
  return i;
}
