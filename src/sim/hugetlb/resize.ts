/**
 * Growing and shrinking a hugetlb pool (mm/hugetlb.c): set_max_huge_pages (a write of nr_hugepages),
 * alloc_pool_huge_page (nodes round robin from next_nid_to_alloc, __GFP_THISNODE),
 * alloc_fresh_huge_page, alloc_gigantic_page (the node's hugetlb_cma area with cma_alloc(no_warn),
 * then alloc_contig_pages), alloc_buddy_huge_page (__GFP_COMP | __GFP_NOWARN, and
 * __GFP_RETRY_MAYFAIL unless the node failed a hard try earlier in this write; the
 * htlb_buddy_alloc_success / _fail events), remove_pool_huge_page and update_and_free_page
 * (gigantic pages: cma_release when inside the node's area, else free_contig_range; buddy pages:
 * __free_pages).
 */
import { MmError } from '../errors';
import { PS_ALLOC } from '../buddy/page-state';
import { allocPages } from '../page_alloc/alloc-pages';
import { freePages } from '../page_alloc/free';
import { GFP_HIGHUSER, GFP_HIGHUSER_MOVABLE, __GFP_COMP, __GFP_NOWARN, __GFP_RETRY_MAYFAIL, __GFP_THISNODE } from '../page_alloc/gfp';
import { KIND_HUGETLB } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { cmaAlloc, cmaRelease, freeContigRange } from '../cma/cma-alloc';
import { allocContigPages } from '../cma/contig-pages';
import { markGiganticPage } from '../mm-init/hugetlb-init';
import { nextNode } from './boot-state';
import type { HstatePool } from './pool';

/** What a write of nr_hugepages did. */
export interface NrHugepagesResult {
  /** nr_hugepages read back: the persistent pages the pool has now */
  nrHugepages: number;
  /** pages added and freed by this write */
  allocated: number;
  freed: number;
  /** gigantic pages: how many came from hugetlb_cma and how many from alloc_contig_pages */
  fromCma: number;
  fromContig: number;
  /** pages migrated and reclaimed by the contiguous allocations */
  migrated: number;
  reclaimed: number;
}

/** htlb_alloc_mask: GFP_HIGHUSER_MOVABLE when the size migrates and is not gigantic, else GFP_HIGHUSER. */
function htlbAllocMask(p: HstatePool): number {
  return p.gigantic ? GFP_HIGHUSER : GFP_HIGHUSER_MOVABLE;
}

/** The nodes with memory, in order (node_states[N_MEMORY]). */
function memoryNodes(rs: RunState): number[] {
  return [...rs.nodeIds].sort((a, b) => a - b);
}

/** alloc_gigantic_page: the first pfn of a fresh gigantic page (raw pages), or −1. */
function allocGiganticPage(rs: RunState, p: HstatePool, gfp: number, nid: number, res: NrHugepagesResult): number {
  const nr = 2 ** p.order;
  const h = rs.hugetlb;
  const tryArea = (k: number | undefined): number => {
    if (k === undefined) return -1;
    const r = cmaAlloc(rs, rs.cma.areas[k]!, nr, p.order, true);
    res.migrated += r.migrated;
    res.reclaimed += r.reclaimed;
    return r.ok ? r.pfn : -1;
  };
  let pfn = tryArea(h.cmaArea.get(nid));
  if (pfn < 0 && !(gfp & __GFP_THISNODE)) {
    for (const n of memoryNodes(rs)) {
      if (n === nid) continue;
      pfn = tryArea(h.cmaArea.get(n));
      if (pfn >= 0) break;
    }
  }
  if (pfn >= 0) {
    res.fromCma++;
    return pfn;
  }
  const c = allocContigPages(rs, nr, gfp, nid);
  res.migrated += c.migrated;
  res.reclaimed += c.reclaimed;
  if (c.pfn >= 0) res.fromContig++;
  return c.pfn;
}

/** alloc_buddy_huge_page: a compound page from the page allocator; maintains the no-retry node set. */
function allocBuddyHugePage(rs: RunState, p: HstatePool, gfp: number, nid: number, noretry: Set<number>): number {
  const hard = !noretry.has(nid);
  let mask = gfp | __GFP_COMP | __GFP_NOWARN;
  if (hard) mask |= __GFP_RETRY_MAYFAIL;
  const pfn = allocPages(rs, mask, p.order, nid, 0, KIND_HUGETLB, 0, 0);
  rs.vm.count(pfn >= 0 ? 'htlb_buddy_alloc_success' : 'htlb_buddy_alloc_fail');
  if (pfn >= 0 && !hard) noretry.delete(nid);
  if (pfn < 0 && hard) noretry.add(nid);
  return pfn;
}

/** alloc_pool_huge_page: one fresh page from the next node that has one; true when the pool grew. */
export function allocPoolHugePage(rs: RunState, k: number, nodes: readonly number[], noretry: Set<number>, res: NrHugepagesResult): boolean {
  const h = rs.hugetlb;
  const p = h.pools[k]!;
  const gfp = htlbAllocMask(p) | __GFP_THISNODE;
  for (let n = 0; n < nodes.length; n++) {
    const nx = nextNode(nodes, p.nextNidToAlloc);
    p.nextNidToAlloc = nx.next;
    const nid = nx.nid;
    let pfn: number;
    if (p.gigantic) {
      pfn = allocGiganticPage(rs, p, gfp, nid, res);
      if (pfn >= 0) markGiganticPage(rs.buddy, pfn, 2 ** p.order);
    } else pfn = allocBuddyHugePage(rs, p, gfp, nid, noretry);
    if (pfn < 0) continue;
    const pnid = rs.zoneNid[rs.buddy.zoneIndexOf(pfn)];
    // a buddy page was counted as KIND_HUGETLB by the allocator
    h.addPage(rs, k, pfn, pnid, !p.gigantic);
    p.enqueue(pfn, pnid);
    res.allocated++;
    return true;
  }
  return false;
}

/** update_and_free_page: the page leaves the pool and goes back to the buddy allocator. */
function updateAndFreePage(rs: RunState, p: HstatePool, pfn: number, nid: number): void {
  const h = rs.hugetlb;
  const b = rs.buddy;
  const n = 2 ** p.order;
  p.nr--;
  p.nrNode.set(nid, (p.nrNode.get(nid) ?? 1) - 1);
  h.byPfn.delete(pfn);
  if (!p.gigantic) {
    freePages(rs, pfn);
    return;
  }
  // destroy the compound page: its pages become plain order-0 pages again
  rs.nodes[rs.nodeIndex(nid)]!.kindPages[KIND_HUGETLB] -= n;
  const i = pfn - b.basePfn;
  b.tag.fill(PS_ALLOC, i, i + n);
  rs.pflags.fill(0, i, i + n);
  // free_gigantic_page: cma_release when the page lies in the node's hugetlb_cma area
  const k = h.cmaArea.get(nid);
  if (k !== undefined && cmaRelease(rs, rs.cma.areas[k]!, pfn, n, 0, true)) return;
  freeContigRange(rs, pfn, n, 0, true);
}

/** remove_pool_huge_page: the head of the free list of the next node (next_nid_to_free) that has one. */
function removePoolHugePage(p: HstatePool, nodes: readonly number[]): { pfn: number; nid: number } | null {
  for (let n = 0; n < nodes.length; n++) {
    const nx = nextNode(nodes, p.nextNidToFree);
    p.nextNidToFree = nx.next;
    const l = p.freeList.get(nx.nid);
    if (l && l.length) {
      p.free--;
      return { pfn: l.pop()!, nid: nx.nid };
    }
  }
  return null;
}

/** try_to_free_low (CONFIG_HIGHMEM): free pool pages outside HighMem first, down to `count`. */
function tryToFreeLow(rs: RunState, p: HstatePool, count: number, nodes: readonly number[], res: NrHugepagesResult): void {
  if (p.gigantic || !rs.names.includes('HighMem')) return;
  const freed: Array<{ pfn: number; nid: number }> = [];
  for (const nid of nodes) {
    const l = p.freeList.get(nid) ?? [];
    for (let j = l.length - 1; j >= 0; j--) {
      if (count >= p.nr - freed.length) break;
      const zi = rs.buddy.zoneIndexOf(l[j]!);
      if (rs.names[rs.zoneIdx[zi]] === 'HighMem') continue;
      freed.push({ pfn: l[j]!, nid });
      l.splice(j, 1);
      p.free--;
    }
  }
  for (const f of freed) updateAndFreePage(rs, p, f.pfn, f.nid);
  res.freed += freed.length;
}

/**
 * set_max_huge_pages(h, count, nid): grow the pool by fresh pages until it holds `count` (stopping
 * at the first failure), or shrink it by freeing free pages (5.10 frees each as it removes it,
 * newest first; 6.1 collects them and frees the oldest first). `nid` ≥ 0 is a per-node write.
 */
export function setMaxHugePages(rs: RunState, k: number, countIn: number, nid = -1): NrHugepagesResult {
  const p = rs.hugetlb.pools[k]!;
  const res: NrHugepagesResult = { nrHugepages: 0, allocated: 0, freed: 0, fromCma: 0, fromContig: 0, migrated: 0, reclaimed: 0 };
  let count = countIn;
  let nodes = memoryNodes(rs);
  if (nid >= 0) {
    if (!nodes.includes(nid)) throw new MmError('HUGETLB_BAD_NODE', `node ${nid} has no memory; nodes: ${nodes.join(', ')}`, 'nr_hugepages');
    count += p.nr - (p.nrNode.get(nid) ?? 0);
    nodes = [nid];
  }
  const noretry = new Set<number>();
  let grew = true;
  while (count > p.persistent) {
    if (!allocPoolHugePage(rs, k, nodes, noretry, res)) {
      grew = false;
      break;
    }
  }
  if (grew) {
    const minCount = Math.max(count, p.resv + p.nr - p.free);
    tryToFreeLow(rs, p, minCount, nodes, res);
    const removed: Array<{ pfn: number; nid: number }> = [];
    while (minCount < p.persistent - removed.length) {
      const r = removePoolHugePage(p, nodes);
      if (!r) break;
      if (rs.rules.hugetlb.shrinkOldestFirst) removed.push(r);
      else {
        updateAndFreePage(rs, p, r.pfn, r.nid);
        res.freed++;
      }
    }
    // 6.1: list_add onto page_list, then update_and_free_pages_bulk from the list head
    for (let j = removed.length - 1; j >= 0; j--) updateAndFreePage(rs, p, removed[j]!.pfn, removed[j]!.nid);
    res.freed += removed.length;
  }
  p.max = p.persistent;
  res.nrHugepages = p.persistent;
  return res;
}
