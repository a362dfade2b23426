/**
 * alloc_contig_pages(nr_pages, gfp, nid, nodemask) (mm/page_alloc.c): for each zone of the GFP
 * mask's zonelist (with __GFP_THISNODE: the node's own) up to gfp_zone, candidate ranges start at
 * the zone start rounded up to nr_pages and step by nr_pages while the range ends inside the zone;
 * a candidate must pass pfn_range_valid_contig (online, one zone, nothing PageReserved, no hugetlb
 * page, and on 5.10 every page unused) and then alloc_contig_range(MIGRATE_MOVABLE). The first that
 * succeeds wins. Ranges holding CMA or unmovable pages fail their isolation and are passed over.
 */
import { MIGRATE_MOVABLE } from '../types';
import { PS_BUDDY, PS_HOLE, PS_INUSE, PS_ORDER_MASK, PS_RESERVED } from '../buddy/page-state';
import { allocHeadOf } from '../page_alloc/fallback';
import { __GFP_THISNODE } from '../page_alloc/gfp';
import { KIND_HUGETLB, KIND_KERNEL, PF_KIND_MASK } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { allocContigRange, type ContigResult } from './contig-range';

/** pfn_range_valid_contig over [start, start + n) of zone zi. */
export function pfnRangeValidContig(rs: RunState, zi: number, start: number, n: number): boolean {
  const b = rs.buddy;
  const mustBeFree = rs.rules.hugetlb.contigRangeMustBeFree;
  for (let pfn = start; pfn < start + n; ) {
    const i = pfn - b.basePfn;
    const t = b.tag[i];
    if (t === PS_HOLE || t === PS_RESERVED) return false;
    if (b.zoneIndexOf(pfn) !== zi) return false;
    if (t & PS_BUDDY) {
      pfn += 1 << (t & PS_ORDER_MASK);
      continue;
    }
    const h = (t & 0xe0) === 0x40 ? i : t === PS_INUSE ? allocHeadOf(rs, i) : -1;
    if (h < 0) {
      pfn++; // a page on a per-cpu list: refcount 0
      continue;
    }
    const order = b.tag[h] & PS_ORDER_MASK;
    const kind = rs.pflags[h] & PF_KIND_MASK;
    if (kind === KIND_HUGETLB) return false;
    const compound = order > 0 && kind !== KIND_KERNEL;
    // page_count: the head's count for a compound page's tails, 0 for a plain block's tails
    if (mustBeFree && (h === i || compound)) return false;
    pfn = compound || h === i ? h + b.basePfn + (1 << order) : pfn + 1;
  }
  return true;
}

export interface ContigPagesResult {
  /** the first pfn of the range taken, −1 when none */
  pfn: number;
  /** alloc_contig_range calls and what they moved */
  tried: number;
  migrated: number;
  reclaimed: number;
  /** the first failure's page and reason */
  failedAt?: number;
  reason?: string;
}

/** alloc_contig_pages: the range's pages are raw order-0 allocations on success. */
export function allocContigPages(rs: RunState, nrPages: number, gfp: number, nid: number, cpu = 0): ContigPagesResult {
  const b = rs.buddy;
  const out: ContigPagesResult = { pfn: -1, tried: 0, migrated: 0, reclaimed: 0 };
  const lists = gfp & __GFP_THISNODE ? rs.zonelists.thisnode : rs.zonelists.fallback;
  const zl = lists.get(nid) ?? lists.get(rs.nodeIds[0]!)!;
  const highest = rs.gfpZoneTable[gfp & 0xf];
  for (let k = 0; k < zl.length; k++) {
    const zi = zl[k]!;
    if (rs.zoneIdx[zi] > highest) continue;
    const zs = b.z.start[zi];
    const ze = b.z.end[zi];
    for (let pfn = Math.ceil(zs / nrPages) * nrPages; pfn + nrPages - 1 < ze; pfn += nrPages) {
      if (!pfnRangeValidContig(rs, zi, pfn, nrPages)) continue;
      const r: ContigResult = allocContigRange(rs, pfn, pfn + nrPages, MIGRATE_MOVABLE, gfp, cpu);
      out.tried++;
      out.migrated += r.migrated;
      out.reclaimed += r.reclaimed;
      if (r.ret === 0) {
        out.pfn = pfn;
        return out;
      }
      if (out.failedAt === undefined) {
        out.failedAt = r.failedAt;
        out.reason = r.reason;
      }
    }
  }
  return out;
}
