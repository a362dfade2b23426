/**
 * Per-cpu list operations (mm/page_alloc.c): adding and taking list entries, free_pcppages_bulk
 * (5.10's batch_free rotation, 6.1's whole-list round robin), nr_pcp_high and nr_pcp_free (6.1),
 * free_unref_page_commit, and draining (drain_pages_zone, drain_all_pages).
 *
 * A block on a list has PS_PCP|order on its head (PS_PCP_TAIL on the rest) and the migratetype the
 * kernel stores with set_pcppage_migratetype in its flags byte.
 */
import { MIGRATE_PCPTYPES } from '../types';
import { PS_FREE_TAIL, PS_ORDER_MASK, PS_PCP, PS_PCP_TAIL, setTags } from '../buddy/page-state';
import { ZONE_RECLAIM_ACTIVE, type RunState } from '../run/run-state';

/** The list index of (zone, cpu, pindex) in PcpLists' arrays. */
export function pcpList(rs: RunState, zi: number, cpu: number, pindex: number): number {
  return (zi * rs.cpus + cpu) * rs.pcp.nrLists + pindex;
}

/** list_add: put block head i (order, stored migratetype mt) at the head of list li. */
export function pcpAddHead(rs: RunState, li: number, i: number, order: number, mt: number): void {
  const { next, prev } = rs.buddy;
  const p = rs.pcp;
  markPcp(rs, i, order, mt);
  const h = p.head[li];
  next[i] = h;
  prev[i] = -1;
  if (h >= 0) prev[h] = i;
  else p.tail[li] = i;
  p.head[li] = i;
  p.len[li]++;
}

/** list_add_tail */
export function pcpAddTail(rs: RunState, li: number, i: number, order: number, mt: number): void {
  const { next, prev } = rs.buddy;
  const p = rs.pcp;
  markPcp(rs, i, order, mt);
  const t = p.tail[li];
  prev[i] = t;
  next[i] = -1;
  if (t >= 0) next[t] = i;
  else p.head[li] = i;
  p.tail[li] = i;
  p.len[li]++;
}

function markPcp(rs: RunState, i: number, order: number, mt: number): void {
  const tag = rs.buddy.tag;
  tag[i] = PS_PCP | order;
  for (let k = 1; k < 1 << order; k++) tag[i + k] = PS_PCP_TAIL;
  rs.pflags[i] = mt;
}

/** list_del of entry i from list li (the caller retags the block). */
export function pcpUnlink(rs: RunState, li: number, i: number): void {
  const { next, prev } = rs.buddy;
  const p = rs.pcp;
  const pv = prev[i];
  const nx = next[i];
  if (pv >= 0) next[pv] = nx;
  else p.head[li] = nx;
  if (nx >= 0) prev[nx] = pv;
  else p.tail[li] = pv;
  p.len[li]--;
}

/** __free_one_page of a block leaving a pcp list, with its stored (or, with isolated pageblocks, current) migratetype. */
function freeToBuddy(rs: RunState, zi: number, i: number, order: number, storedMt: number): number {
  const b = rs.buddy;
  const pfn = i + b.basePfn;
  const mt = rs.nrIsolatePageblock[zi] > 0 ? b.pbType[(pfn >> b.pageblockOrder) - b.pbBase] : storedMt;
  setTags(b.tag, i, 1 << order, PS_FREE_TAIL);
  b.freeOneCore(zi, pfn, order, mt, false);
  rs.trace?.emit('mm_page_pcpu_drain', pfn, order, mt, 0, 0);
  return mt;
}

/**
 * free_pcppages_bulk: give `count` pages of one CPU's lists back to the buddy, oldest (tail)
 * first. 5.10 rotates over the three lists starting after the last one, taking batch_free entries
 * from each (all of the only non-empty list); 6.1 starts with the list just freed to (pindex) and
 * drains whole lists round robin.
 */
export function freePcppagesBulk(rs: RunState, zi: number, cpu: number, count: number, pindex: number): void {
  const p = rs.pcp;
  const pc = zi * rs.cpus + cpu;
  count = Math.min(p.count[pc], count);
  if (!rs.hotFreeFactor) {
    let mt = 0;
    let batchFree = 0;
    const base = pc * p.nrLists;
    while (count > 0) {
      do {
        batchFree++;
        if (++mt === MIGRATE_PCPTYPES) mt = 0;
      } while (p.len[base + mt] === 0);
      if (batchFree === MIGRATE_PCPTYPES) batchFree = count;
      // collect from the tail, then free in the collected order (the kernel's local list)
      const li = base + mt;
      do {
        const i = p.tail[li];
        pcpUnlink(rs, li, i);
        p.count[pc]--;
        freeToBuddy(rs, zi, i, 0, rs.pflags[i]);
      } while (--count && --batchFree && p.len[li] > 0);
    }
    return;
  }
  let minP = 0;
  let maxP = p.nrLists - 1;
  let pi = pindex - 1;
  const base = pc * p.nrLists;
  while (count > 0) {
    for (;;) {
      if (++pi > maxP) pi = minP;
      if (p.len[base + pi] > 0) break;
      if (pi === maxP) maxP--;
      if (pi === minP) minP++;
    }
    const order = p.pindexOrder[pi];
    const nr = 1 << order;
    const li = base + pi;
    do {
      const i = p.tail[li];
      pcpUnlink(rs, li, i);
      count -= nr;
      p.count[pc] -= nr;
      freeToBuddy(rs, zi, i, order, rs.pflags[i]);
    } while (count > 0 && p.len[li] > 0);
  }
}

/** nr_pcp_high (6.1): 0 when freeing high orders without allocations; capped at 4 × batch while kswapd reclaims the zone. */
export function nrPcpHigh(rs: RunState, zi: number, pc: number, freeHigh: boolean): number {
  const high = rs.pcp.high[pc];
  if (!high || freeHigh) return 0;
  if (!(rs.zoneFlags[zi] & ZONE_RECLAIM_ACTIVE) || !rs.hotReclaimCap) return high;
  return Math.min(rs.pcp.batch[pc] << 2, high);
}

/** nr_pcp_free (6.1): how many pages to drain, doubling with free_factor while frees come without allocations. */
export function nrPcpFree(rs: RunState, pc: number, high: number, batch: number, freeHigh: boolean): number {
  const p = rs.pcp;
  if (freeHigh) return p.count[pc];
  if (high < batch) return 1;
  const minNr = batch;
  const maxNr = high - batch;
  batch = batch * 2 ** p.freeFactor[pc];
  // 6.1.y "restrict the pcp batch scale factor": free_factor stops at CONFIG_PCP_BATCH_SCALE_MAX
  if (batch < maxNr && p.freeFactor[pc] < rs.pcpBatchScaleMax) p.freeFactor[pc]++;
  return Math.min(Math.max(batch, minNr), maxNr);
}

/**
 * free_unref_page_commit: the block goes to the head of its list (types ≥ MIGRATE_PCPTYPES on the
 * Movable list, the stored type kept); past pcp high, a bulk free.
 */
export function freeUnrefPageCommit(rs: RunState, zi: number, cpu: number, i: number, order: number, storedMt: number): void {
  const p = rs.pcp;
  const pc = zi * rs.cpus + cpu;
  const listMt = storedMt >= MIGRATE_PCPTYPES ? 1 : storedMt;
  const pindex = p.pindex(order, listMt);
  pcpAddHead(rs, pc * p.nrLists + pindex, i, order, storedMt);
  p.count[pc] += 1 << order;
  rs.vm.v[rs.vm.PGFREE] += 1 << order;
  if (!rs.hotFreeFactor) {
    if (p.count[pc] >= p.high[pc]) freePcppagesBulk(rs, zi, cpu, p.batch[pc], pindex);
    return;
  }
  const freeHigh = p.freeFactor[pc] > 0 && order > 0 && order <= rs.hotPcpMaxOrder;
  const high = nrPcpHigh(rs, zi, pc, freeHigh);
  if (p.count[pc] >= high) freePcppagesBulk(rs, zi, cpu, nrPcpFree(rs, pc, high, p.batch[pc], freeHigh), pindex);
}

/**
 * drain_pages_zone: every page of one CPU's lists in a zone back to the buddy; 6.1.170+ in chunks
 * of batch << CONFIG_PCP_BATCH_SCALE_MAX, each chunk's round robin starting at list 0.
 */
export function drainPagesZone(rs: RunState, zi: number, cpu: number): void {
  const pc = zi * rs.cpus + cpu;
  let count = rs.pcp.count[pc];
  while (count > 0) {
    const chunk = rs.rules.pcp.drainInChunks ? Math.min(count, rs.pcp.batch[pc] * 2 ** rs.pcpBatchScaleMax) : count;
    freePcppagesBulk(rs, zi, cpu, chunk, 0);
    count = rs.pcp.count[pc];
  }
}

/** drain_all_pages(zone) (zi ≥ 0) or drain_all_pages(NULL) (zi < 0): every CPU's lists. */
export function drainAllPages(rs: RunState, zi = -1): void {
  for (let cpu = 0; cpu < rs.cpus; cpu++) {
    for (let z = 0; z < rs.zones; z++) if (zi < 0 || z === zi) drainPagesZone(rs, z, cpu);
  }
}

/** Pages on the per-cpu lists of a zone (all CPUs). */
export function pcpPages(rs: RunState, zi: number): number {
  let n = 0;
  for (let cpu = 0; cpu < rs.cpus; cpu++) n += rs.pcp.count[zi * rs.cpus + cpu];
  return n;
}

/** The order of the pcp block whose head is i. */
export function pcpOrderOf(rs: RunState, i: number): number {
  return rs.buddy.tag[i] & PS_ORDER_MASK;
}
