/**
 * checkInvariants for the buddy state. Throws an Error naming the first violation:
 * - list links: every list is a consistent doubly linked chain from head to tail, its length equals
 *   nr_free of that (zone, order, migratetype), each element is a free block head of that order on
 *   that list, aligned to its order, whose first pfn is in the zone;
 * - page states: every pfn is in exactly one state: a free block covers exactly its first page
 *   (BUDDY) and its other pages (FREE_TAIL); no FREE_TAIL or BUDDY page lies outside a listed block;
 *   HOLE pages are outside every zone or not memory;
 * - counters: NR_FREE_PAGES equals the pages on the non-Isolate lists; on 6.1 NR_FREE_CMA_PAGES
 *   equals the pages on the CMA lists (5.10 merges CMA with other types above pageblock order and
 *   the kernel's counter then follows the freeing migratetype, so it is not a list sum there);
 * - merging: no two free buddies of the same order in the same zone are left unmerged, unless the
 *   profile's rule above pageblock_order forbids the merge (5.10: across Isolate; 6.1: different
 *   types where one is not mergeable), judged with either block as the one freed last.
 */
import { MIGRATE_CMA, MIGRATE_ISOLATE, MIGRATE_PCPTYPES, MIGRATE_TYPES, MIGRATETYPE_NAMES } from '../types';
import type { Buddy } from './buddy';
import type { VersionRules } from '../kernel-behaviour';
import { PS_ALLOC, PS_BUDDY, PS_FREE_TAIL, PS_HOLE, PS_INUSE, PS_MT_MASK, PS_MT_SHIFT, PS_ORDER_MASK, PS_PCP, PS_PCP_TAIL, PS_RESERVED, buddyTag } from './page-state';

function fail(msg: string): never {
  throw new Error(`buddy invariant: ${msg}`);
}

/** Would __free_one_page refuse to merge a block freed with mt into a buddy whose pageblock has type bmt? */
function mergeBlocked(rules: Pick<VersionRules, 'freeMerge'>, mt: number, bmt: number): boolean {
  if (mt === bmt) return false;
  if (rules.freeMerge === 'mergeable-only') return mt >= MIGRATE_PCPTYPES || bmt >= MIGRATE_PCPTYPES;
  return mt === MIGRATE_ISOLATE || bmt === MIGRATE_ISOLATE;
}

export function checkBuddyInvariants(b: Buddy, strictMerge = true): void {
  const { tag, next, prev, basePfn } = b;
  const n = b.endPfn - basePfn;
  const covered = new Uint8Array(n);
  const zoneName = (zi: number): string => `zone ${b.z.ids[zi]}`;
  for (let zi = 0; zi < b.z.count; zi++) {
    let freePages = 0;
    let cmaPages = 0;
    const zs = b.z.start[zi];
    const ze = b.z.end[zi];
    for (let o = 0; o < b.maxOrder; o++) {
      for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
        const li = b.listIndex(zi, o, mt);
        const what = `${zoneName(zi)} order ${o} ${MIGRATETYPE_NAMES[mt]}`;
        let len = 0;
        let last = -1;
        for (let i = b.head[li]; i >= 0; i = next[i]) {
          const pfn = i + basePfn;
          if (i >= n) fail(`${what}: link to index ${i} beyond the pfn range`);
          if (prev[i] !== last) fail(`${what}: pfn ${pfn} has prev ${prev[i] + basePfn}, expected ${last < 0 ? 'none' : last + basePfn}`);
          if (++len > n) fail(`${what}: list does not terminate (cycle)`);
          if (tag[i] !== buddyTag(o, mt)) fail(`${what}: listed pfn ${pfn} has state 0x${tag[i].toString(16)}, expected a free order-${o} ${MIGRATETYPE_NAMES[mt]} head`);
          if (pfn & ((1 << o) - 1)) fail(`${what}: pfn ${pfn} is not aligned to its order`);
          if (pfn < zs || pfn + (1 << o) > ze) fail(`${what}: block [${pfn}, ${pfn + (1 << o)}) is not inside the zone span [${zs}, ${ze})`);
          if (i + (1 << o) > n) fail(`${what}: block at pfn ${pfn} runs past endPfn`);
          if (covered[i]) fail(`pfn ${pfn} is in two free blocks`);
          covered[i] = 1;
          for (let k = i + 1; k < i + (1 << o); k++) {
            if (covered[k]) fail(`pfn ${k + basePfn} is in two free blocks`);
            if (tag[k] !== PS_FREE_TAIL) fail(`pfn ${k + basePfn} inside the free order-${o} block at ${pfn} has state 0x${tag[k].toString(16)}, expected free-tail`);
            covered[k] = 1;
          }
          if (mt !== MIGRATE_ISOLATE) freePages += 1 << o;
          if (mt === MIGRATE_CMA) cmaPages += 1 << o;
          last = i;
        }
        if (b.tail[li] !== last) fail(`${what}: tail is ${b.tail[li] < 0 ? 'none' : b.tail[li] + basePfn}, last element is ${last < 0 ? 'none' : last + basePfn}`);
        if (b.nrFree[li] !== len) fail(`${what}: nr_free is ${b.nrFree[li]}, list holds ${len}`);
      }
    }
    if (b.z.free[zi] !== freePages) fail(`${zoneName(zi)}: NR_FREE_PAGES is ${b.z.free[zi]}, lists hold ${freePages} (non-Isolate)`);
    if (b.rules.freeMerge === 'mergeable-only' && b.z.freeCma[zi] !== cmaPages) fail(`${zoneName(zi)}: NR_FREE_CMA_PAGES is ${b.z.freeCma[zi]}, CMA lists hold ${cmaPages}`);
  }
  // run-time blocks: an allocated (or per-cpu list) head covers exactly 2^order pages of its tail state
  for (let i = 0; i < n; i++) {
    const t = tag[i];
    if (covered[i] || !(t & (PS_ALLOC | PS_PCP))) continue;
    const pfn = i + basePfn;
    const o = t & PS_ORDER_MASK;
    const tail = t & PS_ALLOC ? PS_INUSE : PS_PCP_TAIL;
    const what = t & PS_ALLOC ? 'allocated' : 'per-cpu list';
    if (pfn & ((1 << o) - 1)) fail(`${what} order-${o} block at pfn ${pfn} is not aligned to its order`);
    if (i + (1 << o) > n) fail(`${what} order-${o} block at pfn ${pfn} runs past endPfn`);
    covered[i] = 2;
    for (let k = i + 1; k < i + (1 << o); k++) {
      if (covered[k] || tag[k] !== tail) fail(`pfn ${k + basePfn} inside the ${what} order-${o} block at ${pfn} has state 0x${tag[k].toString(16)}`);
      covered[k] = 2;
    }
  }
  for (let i = 0; i < n; i++) {
    const t = tag[i];
    const pfn = i + basePfn;
    if (covered[i]) continue;
    if (t & PS_BUDDY) fail(`pfn ${pfn} is marked as a free block head but is on no free list`);
    if (t === PS_FREE_TAIL) fail(`pfn ${pfn} is marked free-tail but no free block covers it`);
    if (t === PS_PCP_TAIL) fail(`pfn ${pfn} is marked as inside a per-cpu list block but no such block covers it`);
    if (t !== PS_HOLE && t !== PS_RESERVED && t !== PS_INUSE) fail(`pfn ${pfn} has unknown state 0x${t.toString(16)}`);
    if (t !== PS_HOLE && b.z.indexOfPfn(pfn) < 0) fail(`pfn ${pfn} has a struct page but is in no zone`);
  }
  for (let i = 0; i < b.pbType.length; i++) {
    if (b.pbType[i] >= MIGRATE_TYPES) fail(`pageblock ${i + b.pbBase} has migratetype ${b.pbType[i]}`);
  }
  checkMerged(b, strictMerge);
}

function checkMerged(b: Buddy, strictMerge: boolean): void {
  const { tag, basePfn, pageblockOrder } = b;
  const n = b.endPfn - basePfn;
  for (let i = 0; i < n; i++) {
    const t = tag[i];
    if (!(t & PS_BUDDY)) continue;
    const o = t & PS_ORDER_MASK;
    if (o >= b.maxOrder - 1) continue;
    const pfn = i + basePfn;
    const buddy = pfn ^ (1 << o);
    if (buddy < pfn || buddy >= b.endPfn) continue; // each pair once, from its lower block
    const bt = tag[buddy - basePfn];
    if (!(bt & PS_BUDDY) || (bt & PS_ORDER_MASK) !== o) continue;
    const zi = b.z.indexOfPfn(pfn);
    if (zi !== b.z.indexOfPfn(buddy)) continue; // zone boundary
    if (o >= pageblockOrder) {
      if (!strictMerge) continue;
      const mtA = (t >> PS_MT_SHIFT) & PS_MT_MASK;
      const mtB = (bt >> PS_MT_SHIFT) & PS_MT_MASK;
      const pbA = b.pbType[(pfn >> pageblockOrder) - b.pbBase];
      const pbB = b.pbType[(buddy >> pageblockOrder) - b.pbBase];
      if (mergeBlocked(b.rules, mtA, pbB) || mergeBlocked(b.rules, mtB, pbA)) continue;
    }
    fail(`free order-${o} buddies at pfn ${pfn} and ${buddy} (zone ${b.z.ids[zi]}) are not merged`);
  }
}
