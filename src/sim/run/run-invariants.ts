/**
 * The run state's invariants, as CONFIG_DEBUG_VM would check them, on top of the buddy's own
 * (buddy/invariants.ts: free-list membership, order and alignment, no overlap, nr_free equal to the
 * lists, NR_FREE_PAGES equal to the non-Isolate lists, no unmerged buddies):
 * - every per-cpu list is a consistent chain of PS_PCP blocks of the list's order, and pcp->count
 *   equals the pages on the CPU's lists; a list never holds more than high plus one refill;
 * - managed is conserved per zone: NR_FREE_PAGES + free pages on Isolate lists + per-cpu pages +
 *   allocated pages = managed;
 * - nr_isolate_pageblock equals the Isolate pageblocks, and the highatomic reserve covers the
 *   HighAtomic pageblocks;
 * - every LRU list is a consistent chain of allocated heads flagged PageLRU of that list's kind, its
 *   page counts equal the node and zone sizes; the per-kind and per-task page counts equal the pages;
 * - between operations every LRU-kind page is on its LRU (none left isolated), every reclaimable slab
 *   page is on its node's slab list (a consistent chain of that size), bit 7 (PF_YOUNG /
 *   PF_WRITEBACK / PF_RECLAIM) is set only on anon and file pages, NR_WRITEBACK equals the pages
 *   under writeback and each of them is queued for completion; no zone is left ZONE_RECLAIM_ACTIVE.
 * - the CMA bitmaps, allocations and pageblock types, and the hugetlb pools (cma/invariants.ts).
 * Throws an Error naming the first broken invariant.
 */
import { MIGRATE_HIGHATOMIC, MIGRATE_ISOLATE, MIGRATE_TYPES } from '../types';
import { PS_ALLOC, PS_ORDER_MASK, PS_PCP } from '../buddy/page-state';
import { NR_LRU_LISTS } from '../vmscan/lru';
import { KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_SLAB_RECLAIMABLE, PF_KIND_MASK, PF_LRU, PF_WRITEBACK, kindOnLru } from './page-flags';
import { ZONE_RECLAIM_ACTIVE } from './run-state';
import { lruOf } from './page-accounting';
import type { RunState } from './run-state';
import { checkCompactionInvariants } from '../compaction/invariants';
import { checkCmaInvariants } from '../cma/invariants';

function fail(msg: string): never {
  throw new Error(`run invariant: ${msg}`);
}

function checkPcp(rs: RunState): void {
  const { next, prev, tag } = rs.buddy;
  const p = rs.pcp;
  for (let zi = 0; zi < rs.zones; zi++) {
    for (let cpu = 0; cpu < rs.cpus; cpu++) {
      const pc = zi * rs.cpus + cpu;
      let pages = 0;
      for (let pi = 0; pi < p.nrLists; pi++) {
        const li = pc * p.nrLists + pi;
        const order = p.pindexOrder[pi];
        let len = 0;
        let last = -1;
        for (let i = p.head[li]; i >= 0; i = next[i]) {
          if (prev[i] !== last) fail(`zone ${rs.zoneId[zi]} cpu ${cpu} pcp list ${pi}: broken prev link at pfn ${i + rs.buddy.basePfn}`);
          if (tag[i] !== (PS_PCP | order)) fail(`zone ${rs.zoneId[zi]} cpu ${cpu} pcp list ${pi}: pfn ${i + rs.buddy.basePfn} is not a per-cpu order-${order} block (state 0x${tag[i].toString(16)})`);
          if (rs.buddy.zoneIndexOf(i + rs.buddy.basePfn) !== zi) fail(`pcp list of zone ${rs.zoneId[zi]} holds pfn ${i + rs.buddy.basePfn} of another zone`);
          if (++len > p.len[li]) fail(`zone ${rs.zoneId[zi]} cpu ${cpu} pcp list ${pi}: longer than its length ${p.len[li]}`);
          pages += 1 << order;
          last = i;
        }
        if (len !== p.len[li] || p.tail[li] !== last) fail(`zone ${rs.zoneId[zi]} cpu ${cpu} pcp list ${pi}: length or tail does not match the chain`);
      }
      if (pages !== p.count[pc]) fail(`zone ${rs.zoneId[zi]} cpu ${cpu}: pcp->count is ${p.count[pc]}, the lists hold ${pages} pages`);
      const refill = Math.max(p.batch[pc], 2) << rs.buddy.pageblockOrder;
      if (p.high[pc] > 0 && p.count[pc] > p.high[pc] + refill) fail(`zone ${rs.zoneId[zi]} cpu ${cpu}: pcp->count ${p.count[pc]} is beyond high ${p.high[pc]} plus a refill`);
    }
  }
}

function checkPages(rs: RunState): void {
  const b = rs.buddy;
  const n = b.endPfn - b.basePfn;
  const allocated = new Float64Array(rs.zones);
  const pcpPages = new Float64Array(rs.zones);
  const kindPages = rs.nodes.map(() => new Float64Array(8));
  const taskPages = new Float64Array(rs.tasks.pages.length);
  const lruPages = new Float64Array(rs.nodes.length * NR_LRU_LISTS);
  const writeback = new Float64Array(rs.nodes.length);
  const queued = rs.nodes.map((nd) => new Set(nd.wbQueue));
  for (let i = 0; i < n; i++) {
    const t = b.tag[i];
    if (!(t & (PS_ALLOC | PS_PCP)) || t & 0x80) continue;
    const o = t & PS_ORDER_MASK;
    const zi = b.zoneIndexOf(i + b.basePfn);
    if (zi < 0) fail(`pfn ${i + b.basePfn} is a block head outside every zone`);
    if (t & PS_PCP) {
      pcpPages[zi] += 1 << o;
      continue;
    }
    allocated[zi] += 1 << o;
    const f = rs.pflags[i];
    const kind = f & PF_KIND_MASK;
    const ni = rs.zoneNode[zi];
    kindPages[ni]![kind] += 1 << o;
    taskPages[rs.owner[i]] += 1 << o;
    if (f & PF_LRU) lruPages[ni * NR_LRU_LISTS + lruOf(kind, f)] += 1 << o;
    else if (kindOnLru(kind)) fail(`pfn ${i + b.basePfn}: a ${kind === KIND_ANON ? 'anon' : 'file or shmem'} page off its LRU (left isolated)`);
    if (f & 0x80 && kind !== KIND_ANON && kind !== KIND_FILE && kind !== KIND_FILE_DIRTY) fail(`pfn ${i + b.basePfn}: flag bit 7 set on a page of kind ${kind}`);
    if (kind === KIND_FILE && f & PF_WRITEBACK) {
      writeback[ni] += 1 << o;
      if (!queued[ni]!.has(i)) fail(`pfn ${i + b.basePfn}: under writeback but not queued for completion`);
    }
  }
  rs.nodes.forEach((nd, ni) => {
    if (nd.writeback !== writeback[ni]) fail(`node ${nd.nid}: NR_WRITEBACK is ${nd.writeback}, ${writeback[ni]} pages are under writeback`);
  });
  for (let zi = 0; zi < rs.zones; zi++) if (rs.zoneFlags[zi] & ZONE_RECLAIM_ACTIVE) fail(`zone ${rs.zoneId[zi]}: ZONE_RECLAIM_ACTIVE left set outside balance_pgdat`);
  for (let zi = 0; zi < rs.zones; zi++) {
    let isolated = 0;
    for (let o = 0; o < b.maxOrder; o++) isolated += b.nrFree[(zi * b.maxOrder + o) * MIGRATE_TYPES + MIGRATE_ISOLATE] << o;
    const total = b.z.free[zi] + isolated + pcpPages[zi] + allocated[zi];
    if (total !== b.z.managed[zi]) fail(`zone ${rs.zoneId[zi]}: free ${b.z.free[zi]} + isolated ${isolated} + per-cpu ${pcpPages[zi]} + allocated ${allocated[zi]} = ${total}, managed is ${b.z.managed[zi]}`);
  }
  rs.nodes.forEach((nd, ni) => {
    for (let k = 0; k < 8; k++) if (nd.kindPages[k] !== kindPages[ni]![k]) fail(`node ${nd.nid}: ${nd.kindPages[k]} pages counted of kind ${k}, ${kindPages[ni]![k]} allocated`);
    for (let l = 0; l < NR_LRU_LISTS; l++) if (rs.lru.nodePages[ni * NR_LRU_LISTS + l] !== lruPages[ni * NR_LRU_LISTS + l]) fail(`node ${nd.nid} LRU list ${l}: size ${rs.lru.nodePages[ni * NR_LRU_LISTS + l]}, flagged pages ${lruPages[ni * NR_LRU_LISTS + l]}`);
  });
  for (let t = 1; t < rs.tasks.list.length; t++) if (rs.tasks.pages[t] !== taskPages[t]) fail(`task ${t}: ${rs.tasks.pages[t]} pages charged, ${taskPages[t]} owned`);
}

function checkLru(rs: RunState): void {
  const { next, prev, tag } = rs.buddy;
  for (let ni = 0; ni < rs.nodes.length; ni++) {
    for (let l = 0; l < NR_LRU_LISTS; l++) {
      const li = ni * NR_LRU_LISTS + l;
      let last = -1;
      let pages = 0;
      for (let i = rs.lru.head[li]; i >= 0; i = next[i]) {
        if (prev[i] !== last) fail(`node ${rs.nodeIds[ni]} LRU list ${l}: broken prev link at pfn ${i + rs.buddy.basePfn}`);
        if (!(tag[i] & PS_ALLOC) || !(rs.pflags[i] & PF_LRU)) fail(`node ${rs.nodeIds[ni]} LRU list ${l}: pfn ${i + rs.buddy.basePfn} is not an allocated PageLRU head`);
        if (lruOf(rs.pflags[i] & PF_KIND_MASK, rs.pflags[i]) !== l) fail(`node ${rs.nodeIds[ni]} LRU list ${l}: pfn ${i + rs.buddy.basePfn} belongs on list ${lruOf(rs.pflags[i] & PF_KIND_MASK, rs.pflags[i])}`);
        pages += 1 << (tag[i] & PS_ORDER_MASK);
        if (pages > rs.lru.nodePages[li]) fail(`node ${rs.nodeIds[ni]} LRU list ${l}: longer than its size`);
        last = i;
      }
      if (rs.lru.tail[li] !== last || pages !== rs.lru.nodePages[li]) fail(`node ${rs.nodeIds[ni]} LRU list ${l}: tail or size does not match the chain`);
    }
  }
}

function checkSlabLists(rs: RunState): void {
  const { next, prev, tag } = rs.buddy;
  for (let ni = 0; ni < rs.nodes.length; ni++) {
    let last = -1;
    let pages = 0;
    for (let i = rs.lru.slabHead[ni]; i >= 0; i = next[i]) {
      if (prev[i] !== last) fail(`node ${rs.nodeIds[ni]} slab list: broken prev link at pfn ${i + rs.buddy.basePfn}`);
      if (!(tag[i] & PS_ALLOC) || (rs.pflags[i] & PF_KIND_MASK) !== KIND_SLAB_RECLAIMABLE) fail(`node ${rs.nodeIds[ni]} slab list: pfn ${i + rs.buddy.basePfn} is not an allocated reclaimable slab head`);
      if (rs.zoneNode[rs.buddy.zoneIndexOf(i + rs.buddy.basePfn)] !== ni) fail(`node ${rs.nodeIds[ni]} slab list: pfn ${i + rs.buddy.basePfn} is on another node`);
      pages += 1 << (tag[i] & PS_ORDER_MASK);
      if (pages > rs.lru.slabPages[ni]) fail(`node ${rs.nodeIds[ni]} slab list: longer than its size`);
      last = i;
    }
    if (rs.lru.slabTail[ni] !== last || pages !== rs.lru.slabPages[ni]) fail(`node ${rs.nodeIds[ni]} slab list: tail or size does not match the chain`);
    if (pages !== rs.nodes[ni]!.kindPages[KIND_SLAB_RECLAIMABLE]) fail(`node ${rs.nodeIds[ni]}: ${rs.nodes[ni]!.kindPages[KIND_SLAB_RECLAIMABLE]} reclaimable slab pages, ${pages} on the slab list`);
  }
}

function checkPageblocks(rs: RunState): void {
  const b = rs.buddy;
  const isolate = new Int32Array(rs.zones);
  const highatomic = new Float64Array(rs.zones);
  for (let k = 0; k < b.pbType.length; k++) {
    const pfn = (k + b.pbBase) << b.pageblockOrder;
    const zi = b.pbZone[k] !== 0xff ? b.pbZone[k] : b.z.indexOfPfn(Math.max(pfn, b.basePfn));
    if (zi < 0) continue;
    if (b.pbType[k] === MIGRATE_ISOLATE) isolate[zi]++;
    if (b.pbType[k] === MIGRATE_HIGHATOMIC) highatomic[zi] += 1 << b.pageblockOrder;
  }
  for (let zi = 0; zi < rs.zones; zi++) {
    if (isolate[zi] !== rs.nrIsolatePageblock[zi]) fail(`zone ${rs.zoneId[zi]}: nr_isolate_pageblock is ${rs.nrIsolatePageblock[zi]}, ${isolate[zi]} pageblocks are Isolate`);
    if (highatomic[zi] > rs.nrReservedHighatomic[zi]) fail(`zone ${rs.zoneId[zi]}: ${highatomic[zi]} pages of HighAtomic pageblocks, nr_reserved_highatomic is ${rs.nrReservedHighatomic[zi]}`);
  }
}

export function checkRunInvariants(rs: RunState): void {
  // pageblock retyping at run time (steals, the highatomic reserve) can leave free buddies above
  // pageblock_order that the kernel never re-merges: skip that check
  rs.buddy.checkInvariants({ strictMerge: false });
  checkPcp(rs);
  checkLru(rs);
  checkSlabLists(rs);
  checkPages(rs);
  checkPageblocks(rs);
  checkCompactionInvariants(rs);
  checkCmaInvariants(rs);
}
