/**
 * Pageblock isolation (mm/page_isolation.c): has_unmovable_pages, set_migratetype_isolate,
 * unset_migratetype_isolate, start_isolate_page_range (5.10: the range widened to
 * max(MAX_ORDER_NR_PAGES, pageblock_nr_pages); 6.1: its pageblocks, isolate_single_pageblock at
 * both ends splitting free pages that straddle them) and undo_isolate_page_range.
 *
 * An isolated pageblock has type MIGRATE_ISOLATE, its free pages sit on the Isolate lists and are
 * out of NR_FREE_PAGES (and NR_FREE_CMA_PAGES), and pages freed into it go straight to those lists.
 */
import { MIGRATE_CMA, MIGRATE_ISOLATE } from '../types';
import { PS_ALLOC, PS_BUDDY, PS_FREE_TAIL, PS_HOLE, PS_INUSE, PS_ORDER_MASK, PS_PCP, PS_PCP_TAIL, PS_RESERVED } from '../buddy/page-state';
import { moveFreepagesBlock } from '../buddy/move-freepages';
import { allocHeadOf } from '../page_alloc/fallback';
import { drainAllPages } from '../page_alloc/pcp';
import { isolateFreePage } from '../compaction/isolate-free';
import { KIND_HUGETLB, KIND_KERNEL, PF_KIND_MASK, PF_LRU } from '../run/page-flags';
import type { RunState } from '../run/run-state';

export const EBUSY = 16;

/** Why has_unmovable_pages refused a pageblock: the first unmovable pfn and what it is. */
export interface Unmovable {
  pfn: number;
  what: string;
}

/** The last has_unmovable_pages verdict that refused a block (set_migratetype_isolate's dump_page). */
export let lastUnmovable: Unmovable | null = null;

function describeHead(rs: RunState, h: number): string {
  const f = rs.pflags[h];
  const kind = f & PF_KIND_MASK;
  const order = rs.buddy.tag[h] & PS_ORDER_MASK;
  if (kind === KIND_KERNEL) return order ? `part of an order-${order} kernel allocation (unmovable)` : 'a kernel page (unmovable)';
  const names = ['kernel', 'anon', 'file', 'dirty file', 'shmem', 'reclaimable slab', 'slab', 'hugetlb'];
  if (!(f & PF_LRU) && kind !== KIND_HUGETLB) return `a ${names[kind]} page that is not on an LRU list (unmovable)`;
  return `a ${names[kind]} page`;
}

/**
 * has_unmovable_pages over [start, end) of one pageblock: the first page that isolation treats as
 * unmovable, or null. A CMA pageblock counts as movable only for a MIGRATE_CMA caller. Reserved
 * pages and holes are unmovable; in ZONE_MOVABLE everything else is movable; hugetlb pages (every
 * size migrates on the profiles' arches) and LRU compound pages are skipped whole; free pages and
 * pages on per-cpu lists (refcount 0), and the tails of non-compound blocks, are passed; LRU pages
 * are movable (a pinned one is not noticed here: its migration fails later); anything else —
 * kernel allocations, slab — is unmovable.
 */
export function hasUnmovablePages(rs: RunState, start: number, end: number, migratetype: number): Unmovable | null {
  const b = rs.buddy;
  if (b.pbType[(start >> b.pageblockOrder) - b.pbBase] === MIGRATE_CMA) {
    return migratetype === MIGRATE_CMA ? null : { pfn: start, what: 'in a CMA pageblock (only cma_alloc may take those)' };
  }
  const zi = b.zoneIndexOf(start);
  const movableZone = zi >= 0 && rs.names[rs.zoneIdx[zi]] === 'Movable';
  for (let pfn = start; pfn < end; pfn++) {
    const i = pfn - b.basePfn;
    const t = b.tag[i];
    if (t === PS_RESERVED || t === PS_HOLE) return { pfn, what: t === PS_HOLE ? 'a memory hole' : 'reserved memory (PageReserved)' };
    if (movableZone) continue;
    if (t & PS_BUDDY) {
      pfn += (1 << (t & PS_ORDER_MASK)) - 1;
      continue;
    }
    if (t === PS_FREE_TAIL || t === PS_PCP_TAIL || (t & 0xe0) === PS_PCP) continue;
    const h = (t & 0xe0) === PS_ALLOC ? i : t === PS_INUSE ? allocHeadOf(rs, i) : -1;
    if (h < 0) return { pfn, what: 'a page of unknown state' };
    const order = b.tag[h] & PS_ORDER_MASK;
    const kind = rs.pflags[h] & PF_KIND_MASK;
    const compound = order > 0 && kind !== KIND_KERNEL;
    if (compound) {
      if (kind !== KIND_HUGETLB && !(rs.pflags[h] & PF_LRU)) return { pfn, what: describeHead(rs, h) };
      pfn = h + b.basePfn + (1 << order) - 1;
      continue;
    }
    if (h !== i) continue; // a tail of a non-compound block has refcount 0
    if (rs.pflags[h] & PF_LRU) continue;
    return { pfn, what: describeHead(rs, h) };
  }
  return null;
}

/** set_migratetype_isolate on the pageblock of pfn: 0, or −EBUSY (already isolated, or an unmovable page). */
export function setMigratetypeIsolate(rs: RunState, pfn: number, migratetype: number): number {
  const b = rs.buddy;
  const pbs = pfn - (pfn & ((1 << b.pageblockOrder) - 1));
  const k = (pbs >> b.pageblockOrder) - b.pbBase;
  if (b.pbType[k] === MIGRATE_ISOLATE) {
    lastUnmovable = { pfn: pbs, what: 'in a pageblock that is already isolated' };
    return -EBUSY;
  }
  const zi = b.zoneIndexOf(pbs);
  const unmovable = hasUnmovablePages(rs, Math.max(pbs, b.z.start[zi]), Math.min(pbs + (1 << b.pageblockOrder), b.z.end[zi]), migratetype);
  if (unmovable) {
    lastUnmovable = unmovable;
    return -EBUSY;
  }
  const mt = b.pbType[k];
  b.pbType[k] = MIGRATE_ISOLATE;
  rs.nrIsolatePageblock[zi]++;
  const moved = moveFreepagesBlock(b, zi, pbs, MIGRATE_ISOLATE);
  // __mod_zone_freepage_state(zone, -nr_pages, mt)
  b.z.free[zi] -= moved;
  if (mt === MIGRATE_CMA) b.z.freeCma[zi] -= moved;
  if (rs.rules.cma.drainPerBlock) drainAllPages(rs, zi);
  rs.onIsolate?.(pbs);
  return 0;
}

/**
 * unset_migratetype_isolate: back to `migratetype`. A free block of at least pageblock_order
 * heading the pageblock whose buddy block is not isolated is taken off and freed again
 * (__putback_isolated_page, to the tail) so that it merges (6.1: only below MAX_ORDER − 1, and
 * only when the buddy is a free block); otherwise the free pages move back to the type's lists.
 */
export function unsetMigratetypeIsolate(rs: RunState, pfn: number, migratetype: number): void {
  const b = rs.buddy;
  const k = (pfn >> b.pageblockOrder) - b.pbBase;
  if (b.pbType[k] !== MIGRATE_ISOLATE) return;
  const zi = b.zoneIndexOf(pfn);
  const i = pfn - b.basePfn;
  const t = b.tag[i];
  let putback = -1;
  if (t & PS_BUDDY) {
    const order = t & PS_ORDER_MASK;
    const cap = rs.rules.cma.undoMergeBelowMaxOrder ? b.maxOrder - 1 : b.maxOrder;
    if (order >= b.pageblockOrder && order < cap) {
      const buddyPfn = pfn ^ (1 << order);
      const inZone = buddyPfn >= b.z.start[zi] && buddyPfn < b.z.end[zi];
      const bt = inZone ? b.tag[buddyPfn - b.basePfn] : 0;
      const buddyFree = (bt & PS_BUDDY) !== 0 && (bt & PS_ORDER_MASK) === order;
      const buddyIsolated = inZone && b.pbType[(buddyPfn >> b.pageblockOrder) - b.pbBase] === MIGRATE_ISOLATE;
      // 6.1 find_buddy_page_pfn wants a free buddy; 5.10 only a valid, non-isolated one
      if (inZone && !buddyIsolated && (buddyFree || !rs.rules.cma.undoMergeBelowMaxOrder)) {
        isolateFreePage(rs, zi, i, order);
        putback = order;
      }
    }
  }
  if (putback < 0) {
    const moved = moveFreepagesBlock(b, zi, pfn, migratetype);
    b.z.free[zi] += moved;
    if (migratetype === MIGRATE_CMA) b.z.freeCma[zi] += moved;
  }
  b.pbType[k] = migratetype;
  if (putback >= 0) {
    // __putback_isolated_page: __free_one_page(FPI_TO_TAIL) with the restored type
    b.tag.fill(PS_FREE_TAIL, i, i + (1 << putback));
    b.freeOneCore(zi, pfn, putback, migratetype, true);
  }
  rs.nrIsolatePageblock[zi]--;
}

/** split_free_page (6.1): split free block i of `order` at offset `split` into aligned pieces freed with their pageblocks' types. */
function splitFreePage(rs: RunState, zi: number, i: number, order: number, split: number): void {
  const b = rs.buddy;
  const head = i + b.basePfn;
  const mt = b.pbType[(head >> b.pageblockOrder) - b.pbBase];
  if (mt !== MIGRATE_ISOLATE) {
    b.z.free[zi] -= 1 << order;
    if (mt === MIGRATE_CMA) b.z.freeCma[zi] -= 1 << order;
  }
  b.unlink(i, b.listIndex(zi, order, (b.tag[i] >> 4) & 0x7));
  b.tag.fill(PS_FREE_TAIL, i, i + (1 << order));
  let left = split;
  for (let pfn = head; pfn < head + (1 << order); ) {
    const pmt = b.pbType[(pfn >> b.pageblockOrder) - b.pbBase];
    const low = pfn ? Math.min(31 - Math.clz32(pfn & -pfn), order) : order;
    const o = Math.min(low, 31 - Math.clz32(left));
    b.freeOneCore(zi, pfn, o, pmt, false);
    pfn += 1 << o;
    left -= 1 << o;
    if (left === 0) left = (1 << order) - (pfn - head);
  }
}

/**
 * isolate_single_pageblock (6.1): isolate the pageblock at (isolateBefore: just below) the
 * pageblock-aligned boundary, then split a free page that straddles the boundary. A compound page
 * straddling it cannot occur in the model (compound pages are at most a pageblock, gigantic ones
 * never straddle an allocation's range), so it fails the isolation.
 */
function isolateSinglePageblock(rs: RunState, boundary: number, isolateBefore: boolean, skipIsolation: boolean, migratetype: number): number {
  const b = rs.buddy;
  const pb = 1 << b.pageblockOrder;
  const block = isolateBefore ? boundary - pb : boundary;
  const zi = b.zoneIndexOf(block);
  const start = Math.max(block - (block % 2 ** (b.maxOrder - 1)), b.z.start[zi]);
  if (!skipIsolation) {
    const r = setMigratetypeIsolate(rs, block, migratetype);
    if (r) return r;
  }
  const probe = isolateBefore ? boundary : boundary - 1;
  if (probe < b.basePfn || probe >= b.endPfn || b.tag[probe - b.basePfn] === PS_HOLE || b.zoneIndexOf(probe) < 0) return 0;
  for (let pfn = start; pfn < boundary; ) {
    const i = pfn - b.basePfn;
    const t = b.tag[i];
    if (t & PS_BUDDY) {
      const order = t & PS_ORDER_MASK;
      // split_free_page, then on past the old block whatever the split made of it: where MAX_ORDER − 1
      // exceeds pageblock_order + 1 (arm: 11 and 9) the pieces can merge back into a block that
      // still straddles, and test_pages_isolated later fails the range, as in the kernel
      if (pfn + (1 << order) > boundary) splitFreePage(rs, zi, i, order, boundary - pfn);
      pfn += 1 << order;
      continue;
    }
    if ((t & 0xe0) === PS_ALLOC) {
      const order = t & PS_ORDER_MASK;
      if (order > 0 && (rs.pflags[i] & PF_KIND_MASK) !== KIND_KERNEL && pfn + (1 << order) > boundary) {
        lastUnmovable = { pfn, what: `${describeHead(rs, i)} across the range's edge` };
        if (!skipIsolation) unsetMigratetypeIsolate(rs, block, migratetype);
        return -EBUSY;
      }
    }
    pfn++;
  }
  return 0;
}

/** The pageblock range start_isolate_page_range works on (and undo_isolate_page_range undoes). */
export function isolationBounds(rs: RunState, start: number, end: number): [number, number] {
  const b = rs.buddy;
  const unit = rs.rules.cma.isolateRange === 'max-order' ? Math.max(2 ** (b.maxOrder - 1), 1 << b.pageblockOrder) : 1 << b.pageblockOrder;
  return [start - (start % unit), Math.ceil(end / unit) * unit];
}

/** start_isolate_page_range(start, end, migratetype): 0 or −EBUSY, every block undone on failure. */
export function startIsolatePageRange(rs: RunState, start: number, end: number, migratetype: number): number {
  const b = rs.buddy;
  const pb = 1 << b.pageblockOrder;
  const [s, e] = isolationBounds(rs, start, end);
  const valid = (pfn: number): boolean => pfn >= b.basePfn && pfn < b.endPfn && b.zoneIndexOf(pfn) >= 0 && b.tag[pfn - b.basePfn] !== PS_HOLE;
  if (rs.rules.cma.isolateRange === 'max-order') {
    for (let pfn = s; pfn < e; pfn += pb) {
      if (!valid(pfn)) continue;
      if (setMigratetypeIsolate(rs, pfn, migratetype)) {
        undoIsolatePageRange(rs, s, pfn, migratetype);
        return -EBUSY;
      }
    }
    return 0;
  }
  let r = isolateSinglePageblock(rs, s, false, false, migratetype);
  if (r) return r;
  r = isolateSinglePageblock(rs, e, true, s === e - pb, migratetype);
  if (r) {
    unsetMigratetypeIsolate(rs, s, migratetype);
    return r;
  }
  for (let pfn = s + pb; pfn < e - pb; pfn += pb) {
    if (!valid(pfn)) continue;
    if (setMigratetypeIsolate(rs, pfn, migratetype)) {
      undoIsolatePageRange(rs, s, pfn, migratetype);
      unsetMigratetypeIsolate(rs, e - pb, migratetype);
      return -EBUSY;
    }
  }
  return 0;
}

/** undo_isolate_page_range over [start, end) (already in isolation bounds). */
export function undoIsolatePageRange(rs: RunState, start: number, end: number, migratetype: number): void {
  const b = rs.buddy;
  const pb = 1 << b.pageblockOrder;
  for (let pfn = start; pfn < end; pfn += pb) {
    if (pfn < b.basePfn || pfn >= b.endPfn) continue;
    if (b.pbType[(pfn >> b.pageblockOrder) - b.pbBase] !== MIGRATE_ISOLATE) continue;
    unsetMigratetypeIsolate(rs, pfn, migratetype);
  }
}
