/**
 * The parts of an imported state that do not depend on where the page state came from
 * (kpageflags or the counts): free lists, per-cpu lists, page kinds and LRU lists, the zone fields
 * zoneinfo prints, and the vm event counters.
 *
 * Documented choices (the kernel's order is not observable from /proc):
 * - free lists: ascending pfn from head to tail, as a fresh boot's memblock_free_all leaves them
 *   (the fill trace's first refills after rt_before took the lowest order-10 Movable blocks first);
 * - a free block goes on its pageblock's list, except where pagetypeinfo's count of a list at an
 *   order is short: then blocks of that order move from lists with a surplus (Unmovable, Movable,
 *   Reclaimable, HighAtomic, and on 5.10 CMA; the kernel has such blocks: pages freed with the
 *   type they were allocated under, after their pageblock changed type), the blocks in pageblocks
 *   with the most content of the short type first, then the lowest pfn;
 * - per-cpu lists: order-0 pages, stored migratetype = their pageblock's type (a CMA page on the
 *   Movable list keeps MIGRATE_CMA), from head to tail in descending pfn (what freeing a range in
 *   ascending order, free_reserved_area or a release, leaves);
 * - LRU lists: oldest (tail) to newest (head) in ascending pfn.
 */
import type { Buddy } from '../buddy/buddy';
import { PS_ALLOC, PS_FREE_TAIL, PS_INUSE, PS_ORDER_MASK, buddyTag } from '../buddy/page-state';
import { pcpAddTail } from '../page_alloc/pcp';
import { KIND_NAMES, KIND_SLAB, KIND_SLAB_RECLAIMABLE, PF_LRU, kindOnLru } from '../run/page-flags';
import { lruOf } from '../run/page-accounting';
import { NR_WMARK, WMARK_HIGH, WMARK_LOW, WMARK_MIN, WMARK_PROMO, type RunState } from '../run/run-state';
import { MIGRATE_CMA, MIGRATE_HIGHATOMIC, MIGRATE_ISOLATE, MIGRATE_MOVABLE, MIGRATE_PCPTYPES, MIGRATE_RECLAIMABLE, MIGRATE_TYPES, MIGRATE_UNMOVABLE, MIGRATETYPE_NAMES } from '../types';
import type { FreeBlock } from './free-blocks';
import type { ZoneSnap } from './match';
import type { ParsedSnapshot } from './types';

/**
 * The pageblocks pagetypeinfo counts for zone zi (pagetypeinfo_showblockcount_print, as
 * buddy/blocks-by-type.ts walks them), by index into pbType; `hole(i)` is the boot's HOLE test.
 */
export function countedPageblocks(b: Buddy, zi: number, hole: (i: number) => boolean): number[] {
  const zs = b.z.start[zi]!;
  const ze = b.z.end[zi]!;
  const pbo = b.pageblockOrder;
  const shift = b.sectionShift ?? 0;
  const out: number[] = [];
  let last = -1;
  for (let pfn = zs; pfn < ze; pfn += 2 ** pbo) {
    const exists = b.sectionPresent ? b.sectionPresent[Math.floor(pfn / 2 ** shift) - Math.floor(b.basePfn / 2 ** shift)] === 1 : !hole(pfn - b.basePfn);
    const pb = (pfn >> pbo) - b.pbBase;
    if (!exists || pb === last) continue;
    out.push(pb);
    last = pb;
  }
  return out;
}

/** MAX_RECLAIM_RETRIES: kswapd_failures at which the node is "unreclaimable" */
const MAX_RECLAIM_RETRIES = 16;

/** Empty free lists and free counters; every page keeps its tag for the caller to rewrite. */
export function resetBuddy(rs: RunState): void {
  const b = rs.buddy;
  b.head.fill(-1);
  b.tail.fill(-1);
  b.nrFree.fill(0);
  b.next.fill(-1);
  b.prev.fill(-1);
  b.z.free.fill(0);
  b.z.freeCma.fill(0);
}

export interface ListAssignment {
  /** list migratetype per block (index as the blocks) */
  listMt: Uint8Array;
  /** Σ |blocks − pagetypeinfo's| × 2^order per migratetype: with pageblock types only, and after moving */
  errPageblocks: number[];
  errFinal: number[];
  /** blocks put on a list other than their pageblock's type, per list migratetype */
  offType: number[];
}

/**
 * Each block's list: its pageblock's type, then per order the moves from surplus to short lists
 * (Unmovable, Movable, Reclaimable) that bring the counts to pagetypeinfo's.
 * `affinity(pfn, mt)`: how much the block's pageblock looks like type mt (larger first).
 */
export function assignListTypes(rs: RunState, blocks: readonly FreeBlock[], want: number[][], affinity: (pfn: number, mt: number) => number): ListAssignment {
  const b = rs.buddy;
  const mo = b.maxOrder;
  const listMt = new Uint8Array(blocks.length);
  const have = Array.from({ length: MIGRATE_TYPES }, () => new Array<number>(mo).fill(0));
  blocks.forEach((x, k) => {
    const mt = b.pbType[(x.pfn >> b.pageblockOrder) - b.pbBase]!;
    listMt[k] = mt;
    have[mt]![x.order]++;
  });
  const err = (h: number[][]) => h.map((row, mt) => row.reduce((s, c, o) => s + Math.abs(c - want[mt]![o]!) * 2 ** o, 0));
  const errPageblocks = err(have);
  const offType = new Array<number>(MIGRATE_TYPES).fill(0);
  // lists a block can sit on outside its pageblock's type: a page keeps the type it was allocated
  // under (the pcp's stored migratetype) and is freed to that list, also a HighAtomic page after
  // its pageblock was unreserved; CMA only where CMA merges with other types (5.10)
  const movable = [MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC];
  if (b.rules.freeMerge !== 'mergeable-only') movable.push(MIGRATE_CMA);
  for (let o = 0; o < mo; o++) {
    for (const to of movable) {
      let short = want[to]![o]! - have[to]![o]!;
      if (short <= 0) continue;
      for (const from of movable) {
        if (from === to || short <= 0) continue;
        let surplus = have[from]![o]! - want[from]![o]!;
        if (surplus <= 0) continue;
        const cand = blocks.map((_, k) => k).filter((k) => blocks[k]!.order === o && listMt[k] === from);
        cand.sort((p, q) => affinity(blocks[q]!.pfn, to) - affinity(blocks[p]!.pfn, to) || blocks[p]!.pfn - blocks[q]!.pfn);
        for (const k of cand) {
          if (short <= 0 || surplus <= 0) break;
          listMt[k] = to;
          have[from]![o]--;
          have[to]![o]++;
          offType[to]++;
          short--;
          surplus--;
        }
      }
    }
  }
  return { listMt, errPageblocks, errFinal: err(have), offType };
}

/** Put the blocks on their free lists (ascending pfn, each at the tail) and count them. */
export function linkFreeBlocks(rs: RunState, zi: number, blocks: readonly FreeBlock[], listMt: Uint8Array): void {
  const b = rs.buddy;
  const order = blocks.map((_, k) => k).sort((p, q) => blocks[p]!.pfn - blocks[q]!.pfn);
  for (const k of order) {
    const { pfn, order: o } = blocks[k]!;
    const mt = listMt[k]!;
    const i = pfn - b.basePfn;
    b.tag.fill(PS_FREE_TAIL, i + 1, i + 2 ** o);
    b.tag[i] = buddyTag(o, mt);
    b.linkTail(i, b.listIndex(zi, o, mt));
    if (mt !== MIGRATE_ISOLATE) b.z.free[zi] += 2 ** o;
    if (mt === MIGRATE_CMA) b.z.freeCma[zi] += 2 ** o;
  }
}

/**
 * Order-0 pages onto one CPU's per-cpu lists, `pfns` from head to tail, each with its pageblock's
 * type stored (types ≥ MIGRATE_PCPTYPES on the Movable list, as free_unref_page puts them).
 */
function placePcp(rs: RunState, zi: number, cpu: number, pfns: readonly number[]): void {
  const b = rs.buddy;
  const p = rs.pcp;
  const pc = zi * rs.cpus + cpu;
  for (const pfn of pfns) {
    const i = pfn - b.basePfn;
    const stored = b.pbType[(pfn >> b.pageblockOrder) - b.pbBase]!;
    const listMt = stored >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : stored;
    rs.pflags[i] = 0;
    pcpAddTail(rs, pc * p.nrLists + p.pindex(0, listMt), i, 0, stored === MIGRATE_ISOLATE ? MIGRATE_MOVABLE : stored);
    p.count[pc] += 1;
  }
}

/**
 * The per-cpu pages `pfns` of zone zi onto the CPUs' lists: zoneinfo's count of cpu 0 first, then
 * cpu 1's, …; on each CPU's lists in descending pfn from head to tail. Sorts `pfns`' slices.
 */
export function placePcpLists(rs: RunState, zi: number, pfns: readonly number[], counts: readonly number[]): void {
  let at = 0;
  for (let cpu = 0; cpu < rs.cpus; cpu++) {
    const mine = pfns.slice(at, at + counts[cpu]!);
    at += mine.length;
    placePcp(rs, zi, cpu, mine.sort((p, q) => q - p));
  }
}

/**
 * Reclaimable or unreclaimable slab, which kpageflags cannot tell: `isSlab(i)` marks the slab
 * block heads. Per node, the blocks in Reclaimable pageblocks become reclaimable first (ascending
 * pfn: __GFP_RECLAIMABLE slab is allocated there), then those in Unmovable pageblocks from the
 * highest pfn, then the rest, until the node's reclaimable slab pages reach the snapshot's
 * nr_slab_reclaimable (zoneinfo's per-node stats, else meminfo's SReclaimable); the others are
 * unreclaimable. Without either counter, the blocks in Reclaimable pageblocks are reclaimable.
 */
export function splitSlab(rs: RunState, isSlab: (i: number) => boolean, target: Array<number | undefined>): Array<{ reclaimable: number; unreclaimable: number }> {
  const b = rs.buddy;
  const n = b.endPfn - b.basePfn;
  const perNode: Array<{ rec: number[]; un: number[]; other: number[] }> = rs.nodes.map(() => ({ rec: [], un: [], other: [] }));
  const ALLOC = PS_ALLOC;
  for (let i = 0; i < n; i++) {
    const t = b.tag[i]!;
    if (!(t & ALLOC) || t & 0x80 || !isSlab(i)) continue;
    const zi = b.zoneIndexOf(i + b.basePfn);
    const mt = b.pbType[((i + b.basePfn) >> b.pageblockOrder) - b.pbBase]!;
    const g = perNode[rs.zoneNode[zi]]!;
    (mt === MIGRATE_RECLAIMABLE ? g.rec : mt === MIGRATE_UNMOVABLE ? g.un : g.other).push(i);
  }
  return perNode.map((g, ni) => {
    const order = [...g.rec, ...g.un.reverse(), ...g.other];
    const want = target[ni] ?? g.rec.reduce((s, i) => s + 2 ** (b.tag[i]! & PS_ORDER_MASK), 0);
    let rec = 0;
    let un = 0;
    // in that order, each block that still fits under the target (so the count lands on it when block sizes allow)
    for (const i of order) {
      const pages = 2 ** (b.tag[i]! & PS_ORDER_MASK);
      if (rec + pages <= want) {
        rs.pflags[i] = (rs.pflags[i]! & ~7) | KIND_SLAB_RECLAIMABLE;
        rec += pages;
      } else {
        rs.pflags[i] = (rs.pflags[i]! & ~7) | KIND_SLAB;
        un += pages;
      }
    }
    return { reclaimable: rec, unreclaimable: un };
  });
}

/** Per-kind counts and the LRU lists, from the allocated block heads (ascending pfn: the lowest is the oldest). */
export function finishAllocated(rs: RunState): Array<Record<string, number>> {
  const b = rs.buddy;
  const n = b.endPfn - b.basePfn;
  const ALLOC = PS_ALLOC;
  const tags = b.tag;
  for (let i = 0; i < n; i++) {
    const t = tags[i]!;
    if (!(t & ALLOC) || t & 0x80) continue;
    const zi = b.zoneIndexOf(i + b.basePfn);
    const ni = rs.zoneNode[zi];
    const pages = 2 ** (t & PS_ORDER_MASK);
    let f = rs.pflags[i]!;
    const kind = f & 7;
    rs.nodes[ni]!.kindPages[kind] += pages;
    if (kindOnLru(kind)) {
      f |= PF_LRU;
      rs.pflags[i] = f;
      rs.lru.addHead(b.next, b.prev, i, ni, zi, lruOf(kind, f), pages);
    } else if (kind === KIND_SLAB_RECLAIMABLE) rs.lru.slabAdd(b.next, b.prev, i, ni, pages); // the shrinkers' list (page-accounting.ts trackPage)
  }
  return rs.nodes.map((nd) => Object.fromEntries(KIND_NAMES.map((k, j) => [k, nd.kindPages[j]!])));
}

const ALLOC = PS_ALLOC;
const INUSE = PS_INUSE;

/** Mark block i allocated (order, kind and PF_ACTIVE/PF_REFERENCED bits), its other pages in use. */
export function markAllocated(rs: RunState, i: number, order: number, flags: number): void {
  const tag = rs.buddy.tag;
  tag[i] = ALLOC | order;
  if (order) tag.fill(INUSE, i + 1, i + 2 ** order);
  rs.pflags[i] = flags;
}

/**
 * The zone fields zoneinfo prints, taken from the snapshot where the kernel's value could differ
 * from the fresh boot's (a sysctl written since boot, the THP raise, boost): watermarks (without
 * boost), boost, protection, pcp high and batch; nr_reserved_highatomic from the HighAtomic
 * pageblocks; a node_unreclaimable node has kswapd_failures at MAX_RECLAIM_RETRIES.
 */
export function applyZoneFields(rs: RunState, zones: readonly ZoneSnap[], warnings: string[]): void {
  for (const z of zones) {
    const { zi, pz } = z;
    const k = `node ${z.nid} zone ${z.name}`;
    const boost = pz.boost ?? 0;
    rs.boost[zi] = boost;
    const w = zi * NR_WMARK;
    const diffs: string[] = [];
    for (const [slot, name, v] of [[WMARK_MIN, 'min', pz.min], [WMARK_LOW, 'low', pz.low], [WMARK_HIGH, 'high', pz.high], [WMARK_PROMO, 'promo', pz.promo]] as const) {
      if (v === undefined) continue;
      const base = v - boost;
      if (rs.wmark[w + slot] !== base) diffs.push(`${name} ${base} (boot ${rs.wmark[w + slot]})`);
      rs.wmark[w + slot] = base;
    }
    if (diffs.length) warnings.push(`SNAPSHOT_WATERMARKS: ${k}: the snapshot's watermarks without boost are ${diffs.join(', ')}: a sysctl written since boot; the snapshot's are used`);
    if (pz.protection && pz.protection.length === rs.nz) {
      const boot = Array.from({ length: rs.nz }, (_, j) => rs.lowmemReserve[zi * rs.nz + j]);
      if (pz.protection.some((v, j) => v !== boot[j])) warnings.push(`SNAPSHOT_PROTECTION: ${k}: protection (${pz.protection.join(', ')}) differs from the boot's (${boot.join(', ')}); the snapshot's is used`);
      pz.protection.forEach((v, j) => { rs.lowmemReserve[zi * rs.nz + j] = v; });
    }
    for (let cpu = 0; cpu < rs.cpus; cpu++) {
      const pc = zi * rs.cpus + cpu;
      const hi = z.pcpHigh[cpu];
      const ba = z.pcpBatch[cpu];
      if ((hi !== undefined && hi !== rs.pcp.high[pc]) || (ba !== undefined && ba !== rs.pcp.batch[pc])) {
        warnings.push(`SNAPSHOT_PCP: ${k} cpu ${cpu}: pcp high ${hi} batch ${ba}, the boot's ${rs.pcp.high[pc]} ${rs.pcp.batch[pc]}; the snapshot's are used`);
      }
      if (hi !== undefined) rs.pcp.high[pc] = hi;
      if (ba !== undefined) rs.pcp.batch[pc] = ba;
    }
    if (pz.nodeUnreclaimable) rs.nodes[rs.zoneNode[zi]]!.kswapdFailures = MAX_RECLAIM_RETRIES;
  }
  const b = rs.buddy;
  rs.nrReservedHighatomic.fill(0);
  for (let k = 0; k < b.pbType.length; k++) {
    if (b.pbType[k] !== MIGRATE_HIGHATOMIC) continue;
    const zi = b.pbZone[k] !== 0xff ? b.pbZone[k]! : b.z.indexOfPfn(Math.max((k + b.pbBase) << b.pageblockOrder, b.basePfn));
    if (zi >= 0) rs.nrReservedHighatomic[zi] += 2 ** b.pageblockOrder;
  }
  rs.nrIsolatePageblock.fill(0);
  for (let k = 0; k < b.pbType.length; k++) {
    if (b.pbType[k] !== MIGRATE_ISOLATE) continue;
    const zi = b.pbZone[k] !== 0xff ? b.pbZone[k]! : b.z.indexOfPfn(Math.max((k + b.pbBase) << b.pageblockOrder, b.basePfn));
    if (zi >= 0) rs.nrIsolatePageblock[zi]++;
  }
}

/** The vm event counters the model moves start at the snapshot's values, so that deltas over a replay are the kernel's. */
export function applyVmstat(rs: RunState, s: ParsedSnapshot): void {
  if (!s.vmstat) return;
  rs.vm.names.forEach((name, i) => {
    const v = s.vmstat![name];
    if (v !== undefined) rs.vm.v[i] = v;
  });
}

/** The snapshot's per-node nr_slab_reclaimable (pages): zoneinfo's node stats, else (one node) meminfo's SReclaimable. */
export function slabTargets(rs: RunState, s: ParsedSnapshot): { reclaimable: Array<number | undefined>; unreclaimable: Array<number | undefined> } {
  const rec: Array<number | undefined> = rs.nodeIds.map((nid) => s.zoneinfo.nodes.find((n) => n.nid === nid)?.stats.nr_slab_reclaimable);
  const un: Array<number | undefined> = rs.nodeIds.map((nid) => s.zoneinfo.nodes.find((n) => n.nid === nid)?.stats.nr_slab_unreclaimable);
  if (rs.nodeIds.length === 1 && rec[0] === undefined && s.meminfo?.SReclaimable !== undefined) {
    rec[0] = Math.floor(s.meminfo.SReclaimable / 4);
    un[0] = s.meminfo.SUnreclaim !== undefined ? Math.floor(s.meminfo.SUnreclaim / 4) : undefined;
  }
  return { reclaimable: rec, unreclaimable: un };
}

const mtName = (mt: number): string => MIGRATETYPE_NAMES[mt]!;

/** A row per migratetype as a record keyed by the type's name (the import report's form). */
export const typeRecord = (row: readonly number[]): Record<string, number> => Object.fromEntries(row.map((v, mt) => [mtName(mt), v]));

/** How many pages the free blocks per order `got` and buddyinfo's row `bi` differ by: Σ |got − bi| × 2^order. */
export function buddyinfoDiffPages(got: readonly number[], bi: readonly number[]): number {
  let diff = 0;
  got.forEach((c, o) => { diff += Math.abs(c - bi[o]!) * 2 ** o; });
  return diff;
}
