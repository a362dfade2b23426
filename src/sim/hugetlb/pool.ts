/**
 * The hugetlb pools of a running machine (struct hstate counters and free lists, mm/hugetlb.c):
 * per hstate nr_huge_pages, free_huge_pages, the per-node counts and free lists, next_nid_to_alloc
 * and next_nid_to_free, max_huge_pages; hugetlb_cma[nid]. The model's pool pages are all free (no
 * task maps huge pages), so HugePages_Rsvd and HugePages_Surp stay 0.
 *
 * A pool page in the buddy's state: a buddy-sized page is an allocated block of its order; a
 * gigantic page is a run of allocated MAX_ORDER − 1 blocks (hugetlb-init.ts markGiganticPage).
 * Both carry KIND_HUGETLB on their block heads.
 */
import type { HugetlbBoot } from './boot-state';
import { hstateKb, isGigantic } from './hstate';
import { KIND_HUGETLB } from '../run/page-flags';
import type { RunState } from '../run/run-state';

export class HstatePool {
  readonly order: number;
  readonly gigantic: boolean;
  /** nr_huge_pages, free_huge_pages, surplus_huge_pages, resv_huge_pages */
  nr = 0;
  free = 0;
  surplus = 0;
  resv = 0;
  /** max_huge_pages (what nr_hugepages was last set to) */
  max = 0;
  /** nr_huge_pages_node[] and the free lists (hugepage_freelists[], list head at the end) by node id */
  readonly nrNode = new Map<number, number>();
  readonly freeList = new Map<number, number[]>();
  nextNidToAlloc: number;
  nextNidToFree: number;

  constructor(order: number, maxOrder: number, firstNid: number, from?: HstatePool) {
    this.order = order;
    this.gigantic = isGigantic(order, maxOrder);
    this.nextNidToAlloc = from?.nextNidToAlloc ?? firstNid;
    this.nextNidToFree = from?.nextNidToFree ?? firstNid;
    if (from) {
      this.nr = from.nr;
      this.free = from.free;
      this.surplus = from.surplus;
      this.resv = from.resv;
      this.max = from.max;
      for (const [k, v] of from.nrNode) this.nrNode.set(k, v);
      for (const [k, v] of from.freeList) this.freeList.set(k, [...v]);
    }
  }

  get sizeKb(): number {
    return hstateKb(this.order);
  }

  /** persistent_huge_pages */
  get persistent(): number {
    return this.nr - this.surplus;
  }

  /** enqueue_huge_page: to the head of the node's free list. */
  enqueue(pfn: number, nid: number): void {
    let l = this.freeList.get(nid);
    if (!l) this.freeList.set(nid, (l = []));
    l.push(pfn);
    this.free++;
  }
}

export class HugetlbState {
  readonly pools: HstatePool[];
  /** default_hstate_idx (−1: no hugetlb) */
  readonly defaultIdx: number;
  /** hugetlb_cma_size and hugetlb_cma[nid] (the area's index in the CMA state) */
  readonly cmaSize: number;
  readonly cmaArea: Map<number, number>;
  /** the pool of every pool page, by its first pfn */
  readonly byPfn: Map<number, number>;
  /** the node ids of the machine (show_mem's per-node lines) */
  readonly nodes: readonly number[];

  constructor(rs: RunState, from?: HugetlbState) {
    const maxOrder = rs.buddy.maxOrder;
    this.nodes = rs.nodeIds;
    if (from) {
      this.pools = from.pools.map((p) => new HstatePool(p.order, maxOrder, 0, p));
      this.defaultIdx = from.defaultIdx;
      this.cmaSize = from.cmaSize;
      this.cmaArea = new Map(from.cmaArea);
      this.byPfn = new Map(from.byPfn);
      return;
    }
    const h: HugetlbBoot | undefined = rs.machine.parts.hugetlb;
    const first = rs.nodeIds[0] ?? 0;
    this.pools = (h?.hstates ?? []).map((s) => {
      const p = new HstatePool(s.order, maxOrder, first);
      p.nextNidToAlloc = s.nextNidToAlloc;
      p.nextNidToFree = s.nextNidToFree;
      return p;
    });
    this.defaultIdx = h?.defaultIdx ?? -1;
    this.cmaSize = h?.cmaSize ?? 0;
    this.cmaArea = new Map();
    for (const [nid, name] of h?.cmaArea ?? []) {
      const k = rs.cma.areas.findIndex((a) => a.name === name);
      if (k >= 0) this.cmaArea.set(nid, k);
    }
    this.byPfn = new Map();
    // the boot pools: account their pages (kind, node counts) in this run state
    for (const pg of h?.pool ?? []) {
      const k = this.pools.findIndex((p) => p.order === pg.order);
      if (k < 0) continue;
      const p = this.pools[k]!;
      this.addPage(rs, k, pg.pfn, pg.nid);
      p.enqueue(pg.pfn, pg.nid);
    }
    for (const p of this.pools) p.max = p.persistent;
    if (h) {
      rs.vm.count('htlb_buddy_alloc_success', h.buddyAllocSuccess);
      rs.vm.count('htlb_buddy_alloc_fail', h.buddyAllocFail);
    }
  }

  clone(rs: RunState): HugetlbState {
    return new HugetlbState(rs, this);
  }

  /**
   * prep_new_huge_page: a new page of pool k (its state bytes already set) joins the pool; its kind
   * is counted unless `accounted` (the allocator already counted it).
   */
  addPage(rs: RunState, k: number, pfn: number, nid: number, accounted = false): void {
    const p = this.pools[k]!;
    const b = rs.buddy;
    const n = 2 ** p.order;
    const step = p.gigantic ? 2 ** (b.maxOrder - 1) : n;
    for (let off = 0; off < n; off += step) rs.pflags[pfn - b.basePfn + off] = KIND_HUGETLB;
    if (!accounted) rs.nodes[rs.nodeIndex(nid)]!.kindPages[KIND_HUGETLB] += n;
    p.nr++;
    p.nrNode.set(nid, (p.nrNode.get(nid) ?? 0) + 1);
    this.byPfn.set(pfn, k);
  }

  /** The pool index of a size in kB, or −1. */
  poolOfKb(sizeKb: number): number {
    return this.pools.findIndex((p) => p.sizeKb === sizeKb);
  }

  /** Is pfn inside a pool page? Returns the page's first pfn or −1. */
  pageOf(pfn: number): number {
    for (const p of this.pools) {
      const head = pfn - (pfn % 2 ** p.order);
      if (this.byPfn.get(head) !== undefined && this.pools[this.byPfn.get(head)!] === p) return head;
    }
    return -1;
  }

  /**
   * A pool page migrated by alloc_contig_range (6.1 replaces a free pool page with a fresh one,
   * alloc_and_dissolve_huge_page): the new page takes its place on the free list. Indexes are
   * pfn − basePfn, as the migration callbacks pass them.
   */
  followMigration(rs: RunState, src: number, dst: number): void {
    const base = rs.buddy.basePfn;
    const k = this.byPfn.get(src + base);
    if (k === undefined || dst < 0) return;
    this.byPfn.delete(src + base);
    this.byPfn.set(dst + base, k);
    for (const l of this.pools[k]!.freeList.values()) {
      const at = l.indexOf(src + base);
      if (at >= 0) l[at] = dst + base;
    }
  }

  /** hugetlb_report_meminfo: the default size's HugePages_* and Hugepagesize, and Hugetlb over every size (kB). */
  meminfo(): Record<string, number> {
    const d = this.pools[this.defaultIdx];
    return {
      HugePages_Total: d?.nr ?? 0,
      HugePages_Free: d?.free ?? 0,
      HugePages_Rsvd: d?.resv ?? 0,
      HugePages_Surp: d?.surplus ?? 0,
      ...(d ? { Hugepagesize: d.sizeKb } : {}),
      Hugetlb: this.pools.reduce((s, p) => s + p.nr * p.sizeKb, 0),
    };
  }

  /** hugetlb_show_meminfo_node: show_mem's per-node, per-size lines. */
  showMem(): string[] {
    const out: string[] = [];
    for (const nid of this.nodes) {
      for (const p of this.pools) {
        const free = p.freeList.get(nid)?.length ?? 0;
        out.push(`Node ${nid} hugepages_total=${p.nrNode.get(nid) ?? 0} hugepages_free=${free} hugepages_surp=0 hugepages_size=${p.sizeKb}kB`);
      }
    }
    return out;
  }
}
