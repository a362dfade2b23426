/**
 * The notebook face of the hugetlb pools on a running machine (`run.hugetlb`):
 *
 *   run.hugetlb.setNrHugepages(32768, 8);    // → 8: what nr_hugepages reads back afterwards
 *   run.hugetlb.pools();                      // per size: nr, free, per node, gigantic, default
 *   run.hugetlb.last;                         // what the last write did (from CMA, alloc_contig_pages, migrated)
 */
import type { RunState } from '../run/run-state';
import type { NrHugepagesResult } from './resize';
import { nrHugepagesWrite } from './sysctl';

export interface HugetlbPoolInfo {
  sizeKb: number;
  order: number;
  /** allocated with alloc_contig_range / from hugetlb_cma, not from the buddy allocator */
  gigantic: boolean;
  /** the default size (/proc/sys/vm/nr_hugepages, HugePages_* in meminfo) */
  isDefault: boolean;
  nrHugepages: number;
  free: number;
  surplus: number;
  resv: number;
  /** per node id: total and free pages */
  nodes: Record<number, { total: number; free: number }>;
  /** the first pfn of every pool page */
  pages: number[];
}

export class HugetlbHandle {
  /** what the last setNrHugepages did */
  last: NrHugepagesResult | null = null;

  constructor(private readonly rs: RunState) {}

  /** The huge page sizes in kB, in registration order. */
  get sizesKb(): number[] {
    return this.rs.hugetlb.pools.map((p) => p.sizeKb);
  }

  /** The default size in kB (0 without hugetlb). */
  get defaultSizeKb(): number {
    return this.rs.hugetlb.pools[this.rs.hugetlb.defaultIdx]?.sizeKb ?? 0;
  }

  /**
   * echo n > /sys/kernel/mm/hugepages/hugepages-<sizeKb>kB/nr_hugepages (node ≥ 0: the node's own
   * file): grows or shrinks the pool and returns nr_hugepages as the kernel reports it afterwards.
   */
  setNrHugepages(sizeKb: number, n: number, node = -1): number {
    this.rs.cma.resetRatelimit();
    this.last = nrHugepagesWrite(this.rs, sizeKb, n, node);
    return this.last.nrHugepages;
  }

  /** nr_hugepages of a size. */
  nrHugepages(sizeKb: number): number {
    const p = this.rs.hugetlb.pools[this.rs.hugetlb.poolOfKb(sizeKb)];
    return p ? p.persistent : 0;
  }

  pools(): HugetlbPoolInfo[] {
    const h = this.rs.hugetlb;
    return h.pools.map((p, k) => {
      const nodes: Record<number, { total: number; free: number }> = {};
      for (const nid of this.rs.nodeIds) nodes[nid] = { total: p.nrNode.get(nid) ?? 0, free: p.freeList.get(nid)?.length ?? 0 };
      const pages = [...h.byPfn].filter(([, i]) => i === k).map(([pfn]) => pfn).sort((a, b) => a - b);
      return { sizeKb: p.sizeKb, order: p.order, gigantic: p.gigantic, isDefault: k === h.defaultIdx, nrHugepages: p.nr, free: p.free, surplus: p.surplus, resv: p.resv, nodes, pages };
    });
  }

  /** show_mem's "Node N hugepages_total=…" lines. */
  showMem(): string[] {
    return this.rs.hugetlb.showMem();
  }
}
