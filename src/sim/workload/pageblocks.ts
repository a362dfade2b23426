/**
 * A per-pageblock map of each zone at one moment (Mel Gorman's fragmentation maps): the block's
 * migratetype (get_pageblock_migratetype), its free and allocated pages, the migratetypes its
 * allocated pages were allocated with, and whether it is "mixed" as pagetypeinfo's "Number of
 * mixed blocks" counts it (pagetypeinfo_showmixedcount_print, mm/page_owner.c): a block holding an
 * allocated page whose gfp_migratetype differs from the block's type. page_owner skips free
 * pages (buddy and per-cpu lists) and PageReserved pages; so does this map.
 *
 * The allocation's migratetype is what page_owner would record: the GFP mask the workload
 * allocated the block with (its pool's), else the usual mask of the page's kind (kernel and
 * unreclaimable slab Unmovable, reclaimable slab Reclaimable, the rest Movable).
 */
import { PS_ALLOC, PS_BUDDY, PS_FREE_TAIL, PS_HOLE, PS_INUSE, PS_ORDER_MASK, PS_PCP, PS_PCP_TAIL } from '../buddy/page-state';
import { allocHeadOf } from '../page_alloc/fallback';
import { KIND_KERNEL, KIND_SLAB, KIND_SLAB_RECLAIMABLE, PF_KIND_MASK } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE } from '../types';

/** `type` of a pageblock with no page of the zone (a hole in its span) */
export const PAGEBLOCK_HOLE = 0xff;

export interface PageblockMap {
  nid: number;
  zone: string;
  /** the first pfn of the first pageblock (the zone start aligned down to pageblock_nr_pages) */
  startPfn: number;
  /** pageblock_nr_pages, and how many pageblocks the zone's span touches */
  pageblockPages: number;
  count: number;
  /** per pageblock: its migratetype (MIGRATETYPE_NAMES index), PAGEBLOCK_HOLE when none of its pfns is a page of the zone */
  type: Uint8Array;
  /** per pageblock: pages of the zone in it (a zone edge or a hole makes fewer than pageblockPages) */
  pages: Uint16Array;
  /** per pageblock: free pages (in the buddy or on a per-cpu list) and allocated pages */
  free: Uint16Array;
  used: Uint16Array;
  /** per pageblock: bit mt is set when an allocated page in it was allocated with migratetype mt */
  allocTypes: Uint8Array;
  /** per pageblock: 1 when an allocated page's migratetype differs from the block's (pagetypeinfo's mixed blocks) */
  mixed: Uint8Array;
}

/** The migratetype of the usual GFP mask of a page kind (validate.ts defaultGfp). */
function kindMigratetype(kind: number): number {
  if (kind === KIND_SLAB_RECLAIMABLE) return MIGRATE_RECLAIMABLE;
  return kind === KIND_KERNEL || kind === KIND_SLAB ? MIGRATE_UNMOVABLE : MIGRATE_MOVABLE;
}

/**
 * The pageblock map of every zone the run state holds. `allocMt(pfn)` gives the migratetype an
 * allocated block (by its head pfn) was allocated with, or −1 when the caller does not know it
 * (the page's kind decides then).
 */
export function pageblockMaps(rs: RunState, allocMt: (headPfn: number) => number = () => -1): PageblockMap[] {
  const out: PageblockMap[] = [];
  for (let zi = 0; zi < rs.zones; zi++) out.push(zoneMap(rs, zi, allocMt));
  return out;
}

function zoneMap(rs: RunState, zi: number, allocMt: (headPfn: number) => number): PageblockMap {
  const b = rs.buddy;
  const pbo = b.pageblockOrder;
  const pb = 1 << pbo;
  const zs = b.z.start[zi]!;
  const ze = b.z.end[zi]!;
  const startPfn = ze > zs ? zs - (zs % pb) : zs;
  const count = ze > zs ? Math.ceil((ze - startPfn) / pb) : 0;
  const m: PageblockMap = {
    nid: rs.zoneNid[zi]!, zone: rs.names[rs.zoneIdx[zi]!]!, startPfn, pageblockPages: pb, count,
    type: new Uint8Array(count), pages: new Uint16Array(count), free: new Uint16Array(count), used: new Uint16Array(count),
    allocTypes: new Uint8Array(count), mixed: new Uint8Array(count),
  };
  const tag = b.tag;
  const base = b.basePfn;
  const mobility = !rs.mobilityDisabled;
  let pfn = zs;
  while (pfn < ze) {
    const i = pfn - base;
    const t = tag[i]!;
    let n = 1;
    let kindOfRange = -2; // −2 not allocated; else the allocation's migratetype
    let freeRange = false;
    if (t & (PS_BUDDY | PS_PCP)) { n = 1 << (t & PS_ORDER_MASK); freeRange = true; }
    else if (t & PS_ALLOC) { n = 1 << (t & PS_ORDER_MASK); kindOfRange = allocType(rs, pfn, allocMt, mobility); }
    else if (t === PS_FREE_TAIL || t === PS_PCP_TAIL) freeRange = true;
    else if (t === PS_INUSE) {
      // the zone starts inside an allocated block: its head (before the zone) says how it was allocated
      const h = allocHeadOf(rs, i);
      if (h >= 0) kindOfRange = allocType(rs, h + base, allocMt, mobility);
    }
    const last = Math.min(pfn + n, ze);
    if (t !== PS_HOLE) addRange(m, pfn, last, freeRange, kindOfRange);
    pfn = last;
  }
  for (let j = 0; j < count; j++) {
    if (m.pages[j] === 0) { m.type[j] = PAGEBLOCK_HOLE; continue; }
    const mt = b.pbType[((startPfn + j * pb) >> pbo) - b.pbBase]!;
    m.type[j] = mt;
    m.mixed[j] = m.allocTypes[j]! & ~(1 << mt) ? 1 : 0;
  }
  return m;
}

function allocType(rs: RunState, head: number, allocMt: (headPfn: number) => number, mobility: boolean): number {
  if (!mobility) return MIGRATE_UNMOVABLE;
  const mt = allocMt(head);
  return mt >= 0 ? mt : kindMigratetype(rs.pflags[head - rs.buddy.basePfn]! & PF_KIND_MASK);
}

/** Count [from, to) (pages of one state) into the pageblocks it covers. */
function addRange(m: PageblockMap, from: number, to: number, free: boolean, mt: number): void {
  const pb = m.pageblockPages;
  let p = from;
  while (p < to) {
    const j = Math.floor((p - m.startPfn) / pb);
    const end = Math.min(to, m.startPfn + (j + 1) * pb);
    const n = end - p;
    m.pages[j] += n;
    if (free) m.free[j] += n;
    else if (mt >= 0) { m.used[j] += n; m.allocTypes[j] |= 1 << mt; }
    p = end;
  }
}
