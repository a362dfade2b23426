/**
 * alloc_contig_range (mm/page_alloc.c) and its helpers: __alloc_contig_migrate_range (isolate the
 * range's movable pages 32 at a time, reclaim the clean page cache among them, migrate the rest
 * with alloc_migration_target; five rounds without progress are −EBUSY, and 6.1 stops at
 * −ENOMEM), test_pages_isolated, isolate_freepages_range and free_contig_range.
 *
 * The pages of [start, end) come back as raw order-0 allocated pages (PS_ALLOC|0, no kind, owner or
 * accounting): the caller (cma_alloc, alloc_contig_pages) takes them over. The range's pageblocks
 * are isolated for the duration and restored to `migratetype` at the end, success or not.
 */
import { MIGRATE_ISOLATE } from '../types';
import { PS_ALLOC, PS_BUDDY, PS_HOLE, PS_ORDER_MASK } from '../buddy/page-state';
import { newCompactControl, type CompactControl } from '../compaction/control';
import { ENOMEM, MIGRATE_SYNC, MR_CONTIG_RANGE } from '../compaction/constants';
import { isolateMigratepagesRange } from '../compaction/isolate-migrate';
import { isolateFreepagesRange } from '../compaction/isolate-free';
import { allocHeadOf } from '../page_alloc/fallback';
import { drainAllPages } from '../page_alloc/pcp';
import { freeThePage } from '../page_alloc/free';
import { GFP_TRANSHUGE, GFP_USER, __GFP_COMP, __GFP_HIGHMEM, __GFP_MOVABLE, __GFP_RETRY_MAYFAIL } from '../page_alloc/gfp';
import { allocMigrationTarget, migratePages, modIsolated, putbackMovablePages, putRawPage } from '../migrate/migrate';
import { untrackPage } from '../run/page-accounting';
import { GFP_HIGHUSER_MOVABLE, __GFP_NOWARN, __GFP_THISNODE } from '../page_alloc/gfp';
import { KIND_FILE, KIND_HUGETLB, PF_KIND_MASK, PF_PINNED, kindOnLru } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { EBUSY, isolationBounds, lastUnmovable, startIsolatePageRange, undoIsolatePageRange } from './isolation';

/** The outcome of one alloc_contig_range. */
export interface ContigResult {
  /** 0, −EBUSY or −ENOMEM */
  ret: number;
  /** pages migrated out of the range (pgmigrate_success) and clean page cache reclaimed instead */
  migrated: number;
  reclaimed: number;
  /** the first page that kept the range from being taken, and why (plain words) */
  failedAt?: number;
  reason?: string;
}

const hex = (pfn: number): string => `0x${pfn.toString(16)}`;

/** Plain words for what page pfn is, as a reason it could not be taken. */
export function describeBusyPage(rs: RunState, pfn: number, enomem: boolean): string {
  const b = rs.buddy;
  const i = pfn - b.basePfn;
  const t = b.tag[i];
  if (t === PS_HOLE) return `pfn ${hex(pfn)} is a memory hole`;
  const h = allocHeadOf(rs, i);
  if (h < 0 || !(b.tag[h] & PS_ALLOC) || b.tag[h] & PS_BUDDY) return `pfn ${hex(pfn)} is not free (${(t & 0xe0) === 0x20 ? 'on a per-cpu list' : 'reserved or in use'})`;
  const f = rs.pflags[h];
  const kind = f & PF_KIND_MASK;
  const names = ['kernel', 'anon', 'file', 'dirty file', 'shmem', 'reclaimable slab', 'slab', 'hugetlb'];
  const what = `pfn ${hex(pfn)} holds ${names[kind] === 'anon' ? 'an' : 'a'} ${names[kind]} page`;
  if (f & PF_PINNED) return `${what} that is pinned (an extra reference such as a get_user_pages pin): migrate_pages could not move it`;
  if (enomem) return `${what} that could not be migrated: no free page outside the range to move it to (the migration target allocation failed)`;
  if (kind === KIND_HUGETLB) return `${what} that alloc_contig_range cannot migrate on this kernel`;
  if (!kindOnLru(kind)) return `${what}, which cannot be migrated (not on an LRU list)`;
  return `${what} that could not be migrated`;
}

/**
 * alloc_migration_target's GFP mask for source page i: mtc.gfp_mask = GFP_USER | __GFP_MOVABLE |
 * __GFP_RETRY_MAYFAIL (6.1.y: __folio_alloc adds __GFP_COMP), __GFP_HIGHMEM for a source in
 * HighMem or Movable, GFP_TRANSHUGE for a THP. A hugetlb pool page is replaced by a fresh one from
 * the buddy (6.1 alloc_and_dissolve_huge_page: htlb_alloc_mask | __GFP_THISNODE, as
 * alloc_buddy_huge_page asks).
 */
const MTC_GFP = GFP_USER | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL;
const HUGETLB_TARGET_GFP = GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_COMP | __GFP_NOWARN | __GFP_RETRY_MAYFAIL;

function targetGfp(rs: RunState, i: number): number {
  const b = rs.buddy;
  const order = b.tag[i] & PS_ORDER_MASK;
  if ((rs.pflags[i] & PF_KIND_MASK) === KIND_HUGETLB) return HUGETLB_TARGET_GFP;
  let gfp = MTC_GFP;
  if (rs.rules.cma.targetGfpComp) gfp |= __GFP_COMP;
  if (order > 0) gfp |= GFP_TRANSHUGE;
  const zi = b.zoneIndexOf(i + b.basePfn);
  const name = rs.names[rs.zoneIdx[zi]];
  if (name === 'HighMem' || name === 'Movable') gfp |= __GFP_HIGHMEM;
  return gfp;
}

/**
 * reclaim_clean_pages_from_list: clean page-cache pages (file LRU, not dirty, not hugetlb) on the
 * list are reclaimed by shrink_page_list instead of migrated: freed, here into the isolated range.
 * A pinned page keeps its extra reference and stays. Returns the pages reclaimed.
 */
function reclaimCleanPagesFromList(rs: RunState, cc: CompactControl): number {
  const b = rs.buddy;
  let reclaimed = 0;
  for (let k = cc.migratepages.length - 1; k >= 0; k--) {
    const i = cc.migratepages[k]!;
    const f = rs.pflags[i];
    if ((f & PF_KIND_MASK) !== KIND_FILE || f & PF_PINNED) continue;
    const order = b.tag[i] & PS_ORDER_MASK;
    const n = 1 << order;
    cc.migratepages.splice(k, 1);
    cc.nrMigratepages -= n;
    modIsolated(rs, i, -n);
    const zi = b.zoneIndexOf(i + b.basePfn);
    untrackPage(rs, zi, i, order); // RunState.onRelease tells the page's holders
    rs.trace?.emit('mm_page_free', i + b.basePfn, order, 0, 0, 0);
    freeThePage(rs, zi, cc.cpu, i, order);
    reclaimed += n;
  }
  return reclaimed;
}

/** __alloc_contig_migrate_range: 0, −EBUSY (five rounds without progress) or −ENOMEM (6.1: a target failed). */
function allocContigMigrateRange(rs: RunState, cc: CompactControl, start: number, end: number, out: ContigResult): number {
  const nid = rs.zoneNid[cc.zi];
  let pfn = start;
  let tries = 0;
  let ret = 0;
  let lastTarget = -1;
  const opts = {
    getNewPage: (src: number, order: number) => (lastTarget = allocMigrationTarget(rs, targetGfp(rs, src), order, nid, cc.cpu)),
    putNewPage: null,
    mode: MIGRATE_SYNC,
    reason: MR_CONTIG_RANGE,
    cpu: cc.cpu,
    // the old page is put; a hugetlb pool page's place in its pool goes to the new one
    freeOld: (src: number) => {
      rs.hugetlb.followMigration(rs, src, lastTarget);
      putRawPage(rs, src, cc.cpu);
    },
  };
  while (pfn < end || cc.migratepages.length > 0) {
    if (cc.migratepages.length === 0) {
      cc.nrMigratepages = 0;
      isolateMigratepagesRange(rs, cc, pfn, end);
      pfn = cc.migratePfn;
      tries = 0;
    } else if (++tries === 5) {
      ret = -EBUSY;
      break;
    }
    out.reclaimed += reclaimCleanPagesFromList(rs, cc);
    const r = migratePages(rs, cc.migratepages, opts);
    out.migrated += r.succeeded;
    ret = r.rc;
    if (ret === -ENOMEM) {
      out.failedAt ??= cc.migratepages.length ? cc.migratepages[cc.migratepages.length - 1]! + rs.buddy.basePfn : undefined;
      if (rs.rules.cma.migrateStopsOnEnomem) break;
    }
  }
  if (ret < 0) putbackMovablePages(rs, cc.migratepages);
  cc.nrMigratepages = 0;
  return ret;
}

/** test_pages_isolated: every pageblock Isolate and every page a free buddy; returns the first pfn that is not (end: all). */
export function testPagesIsolated(rs: RunState, start: number, end: number): number {
  const b = rs.buddy;
  const pb = 1 << b.pageblockOrder;
  let pfn = start;
  for (let p = start - (start % pb); p < end; p += pb) {
    if (b.pbType[(p >> b.pageblockOrder) - b.pbBase] !== MIGRATE_ISOLATE) {
      pfn = Math.max(p, start);
      rs.trace?.emit('test_pages_isolated', start, end, pfn, 0, 0);
      return pfn;
    }
  }
  while (pfn < end) {
    const t = b.tag[pfn - b.basePfn];
    if (!(t & PS_BUDDY)) break;
    pfn += 1 << (t & PS_ORDER_MASK);
  }
  rs.trace?.emit('test_pages_isolated', start, end, pfn, 0, 0);
  return pfn;
}

/**
 * alloc_contig_range(start, end, migratetype, gfp): take [start, end). On success the range's
 * pages are raw order-0 allocations the caller owns; on failure, the first page that kept the
 * range from being taken and why, in plain words.
 */
export function allocContigRange(rs: RunState, start: number, end: number, migratetype: number, gfp: number, cpu = 0): ContigResult {
  const b = rs.buddy;
  const out: ContigResult = { ret: 0, migrated: 0, reclaimed: 0 };
  const zi = b.zoneIndexOf(start);
  const cc = newCompactControl({ order: -1, zi, mode: MIGRATE_SYNC, ignoreSkipHint: true, noSetSkipHint: true, gfp, allocContig: true, cpu });
  const [is, ie] = isolationBounds(rs, start, end);
  const fail = (ret: number, pfn: number, reason: string): ContigResult => {
    undoIsolatePageRange(rs, is, ie, migratetype);
    return { ...out, ret, failedAt: pfn, reason };
  };
  if (startIsolatePageRange(rs, start, end, migratetype)) {
    const u = lastUnmovable;
    return fail(-EBUSY, u?.pfn ?? start, u ? `pfn ${hex(u.pfn)} is ${u.what}: the pageblock could not be isolated` : 'the range could not be isolated');
  }
  if (!rs.rules.cma.drainPerBlock) drainAllPages(rs, zi);
  const ret = allocContigMigrateRange(rs, cc, start, end, out);
  if (ret && ret !== -EBUSY) {
    const at = out.failedAt ?? start;
    return fail(ret, at, describeBusyPage(rs, at, true));
  }
  // outer_start: the free buddy block that contains start
  let outerStart = start;
  for (let order = 0; !(b.tag[outerStart - b.basePfn] & PS_BUDDY); ) {
    if (++order >= b.maxOrder) {
      outerStart = start;
      break;
    }
    outerStart = start - (start % 2 ** order);
    if (outerStart < b.basePfn) {
      outerStart = start;
      break;
    }
  }
  if (outerStart !== start) {
    const o = b.tag[outerStart - b.basePfn] & PS_ORDER_MASK;
    if (outerStart + 2 ** o <= start) outerStart = start;
  }
  const fin = testPagesIsolated(rs, outerStart, end);
  if (fin < end) {
    if (rs.rules.cma.pfnsBusyMessage) rs.cma.printRatelimited(`alloc_contig_range: [${outerStart.toString(16)}, ${end.toString(16)}) PFNs busy`);
    const enomem = out.failedAt !== undefined && ret === -EBUSY && !rs.rules.cma.migrateStopsOnEnomem;
    return fail(-EBUSY, fin, describeBusyPage(rs, fin, enomem));
  }
  const outerEnd = isolateFreepagesRange(rs, cc, outerStart, end);
  if (!outerEnd) return fail(-EBUSY, outerStart, `the free pages of [${hex(outerStart)}, ${hex(end)}) could not be taken`);
  // the taken pages are cc.freepages (order 0, raw); give back the head and tail beyond [start, end)
  for (const i of cc.freepages) {
    const pfn = i + b.basePfn;
    if (pfn < start || pfn >= end) putRawPage(rs, i, cpu);
  }
  cc.freepages.length = 0;
  cc.nrFreepages = 0;
  undoIsolatePageRange(rs, is, ie, migratetype);
  return out;
}
