/**
 * CMA and hugetlb invariants of a run state (what CONFIG_DEBUG_VM and the bitmaps' meaning imply):
 * - every pageblock of an activated area is MIGRATE_CMA, or MIGRATE_ISOLATE (only while an
 *   allocation runs, counted in nr_isolate_pageblock); no pageblock outside the areas is CMA;
 * - every live cma_alloc allocation lies in the area, its bitmap granules are set, and its pages are
 *   allocated (not free, not on a per-cpu list); every set granule belongs to a live allocation;
 * - every hugetlb pool page is an allocated page of its size with KIND_HUGETLB heads, the pool
 *   counts equal the free lists, and a gigantic pool page inside a CMA area is a live allocation.
 * Throws an Error naming the first broken one.
 */
import { MIGRATE_CMA, MIGRATE_ISOLATE } from '../types';
import { PS_ALLOC, PS_INUSE } from '../buddy/page-state';
import { KIND_HUGETLB, PF_KIND_MASK } from '../run/page-flags';
import type { RunState } from '../run/run-state';

function fail(msg: string): never {
  throw new Error(`cma invariant: ${msg}`);
}

const hex = (pfn: number): string => `0x${pfn.toString(16)}`;

function checkAreas(rs: RunState): void {
  const b = rs.buddy;
  const pb = 1 << b.pageblockOrder;
  const inArea = new Uint8Array(b.pbType.length);
  for (const a of rs.cma.areas) {
    if (!a.count) continue;
    for (let p = a.basePfn; p < a.basePfn + a.count; p += pb) {
      const k = (p >> b.pageblockOrder) - b.pbBase;
      inArea[k] = 1;
      const mt = b.pbType[k];
      if (mt !== MIGRATE_CMA && mt !== MIGRATE_ISOLATE) fail(`area ${a.name}: pageblock ${hex(p)} has migratetype ${mt}, not CMA`);
    }
    const covered = new Uint8Array(a.maxno);
    for (const [p, c] of a.allocs) {
      if (p < a.basePfn || p + c > a.basePfn + a.count || c <= 0) fail(`area ${a.name}: allocation [${hex(p)}, +${c}) is outside the area`);
      const no = Math.floor((p - a.basePfn) / 2 ** a.orderPerBit);
      const bits = a.pagesToBits(c);
      for (let k = no; k < no + bits; k++) {
        if (!a.bitmap[k]) fail(`area ${a.name}: allocation at ${hex(p)} has bitmap bit ${k} clear`);
        covered[k] = 1;
      }
      for (let q = p; q < p + c; q++) {
        const t = b.tag[q - b.basePfn];
        if ((t & 0xe0) !== PS_ALLOC && t !== PS_INUSE) fail(`area ${a.name}: page ${hex(q)} of the allocation at ${hex(p)} is not allocated (state 0x${t.toString(16)})`);
      }
    }
    for (let k = 0; k < a.maxno; k++) if (a.bitmap[k] && !covered[k]) fail(`area ${a.name}: bitmap bit ${k} is set but no allocation holds it`);
  }
  for (let k = 0; k < b.pbType.length; k++) {
    if (b.pbType[k] === MIGRATE_CMA && !inArea[k]) fail(`pageblock ${hex((k + b.pbBase) << b.pageblockOrder)} is CMA outside every area`);
  }
}

function checkPools(rs: RunState): void {
  const b = rs.buddy;
  const h = rs.hugetlb;
  h.pools.forEach((p, k) => {
    let free = 0;
    let nr = 0;
    for (const l of p.freeList.values()) free += l.length;
    for (const v of p.nrNode.values()) nr += v;
    if (free !== p.free) fail(`hugetlb ${p.sizeKb} kB: free_huge_pages ${p.free}, free lists hold ${free}`);
    if (nr !== p.nr) fail(`hugetlb ${p.sizeKb} kB: nr_huge_pages ${p.nr}, per-node counts add to ${nr}`);
    const pages = [...h.byPfn].filter(([, i]) => i === k);
    if (pages.length !== p.nr) fail(`hugetlb ${p.sizeKb} kB: nr_huge_pages ${p.nr}, ${pages.length} pages known`);
    const n = 2 ** p.order;
    const step = p.gigantic ? 2 ** (b.maxOrder - 1) : n;
    for (const [pfn] of pages) {
      for (let off = 0; off < n; off += step) {
        const i = pfn + off - b.basePfn;
        if (b.tag[i] !== (PS_ALLOC | Math.log2(step)) || (rs.pflags[i] & PF_KIND_MASK) !== KIND_HUGETLB) fail(`hugetlb ${p.sizeKb} kB: page ${hex(pfn)} block ${hex(pfn + off)} is not an allocated hugetlb block`);
      }
      // a gigantic page in a CMA area came from cma_alloc (alloc_contig_pages cannot isolate CMA
      // pageblocks); buddy-sized pages may borrow CMA like any movable allocation
      const area = p.gigantic ? rs.cma.areas.find((a) => a.contains(pfn)) : undefined;
      if (area && area.allocs.get(pfn) !== n) fail(`hugetlb ${p.sizeKb} kB: page ${hex(pfn)} lies in CMA area ${area.name} but is not a cma_alloc allocation of its size`);
    }
  });
}

export function checkCmaInvariants(rs: RunState): void {
  checkAreas(rs);
  checkPools(rs);
}
