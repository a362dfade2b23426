/**
 * What RunningMachine takes and returns as plain data: an allocation's options and result, and the
 * operations of run() (a JSON list) with their summary.
 */
import type { PageKindName } from './page-flags';

export interface AllocOptions {
  /** preferred node (default: the first node) */
  node?: number;
  /** the CPU whose per-cpu lists serve the request (default 0) */
  cpu?: number;
  /** what the pages hold: kernel (default), anon, file, file-dirty, shmem, slab-reclaimable, slab, hugetlb */
  kind?: PageKindName;
  /** the owning task's id (RunningMachine.task) */
  task?: number;
  /** the caller pins the pages (FOLL_LONGTERM): they never migrate, and 6.1 keeps them out of CMA */
  pin?: boolean;
}

export type AllocResult =
  | { ok: true; pfn: number; order: number; nid: number; zone: string }
  | { ok: false; order: number; gfp: string; failure: number };

export type RunOp =
  | ({ op: 'alloc'; gfp: string | number; order?: number; count?: number; as?: string } & AllocOptions)
  | { op: 'free'; pfn?: number; ref?: string; every?: number; count?: number }
  | { op: 'sysctl'; name: string; value: string | number }
  | { op: 'drain' }
  /** echo 1 > /proc/sys/vm/compact_memory */
  | { op: 'compact_memory' }
  /** echo value > /proc/sys/vm/drop_caches (1 page cache, 2 slab, 3 both; 4 only silences the log line) */
  | { op: 'drop_caches'; value: number }
  /** run the daemons now (kswapd, then kcompactd), in either daemons mode */
  | { op: 'kswapd' }
  /** touch pages (see RunningMachine.access): one pfn, or the pages labelled ref (every, count as for free) */
  | { op: 'access'; pfn?: number; ref?: string; every?: number; count?: number }
  /** cma_alloc on an area (its name or index); `as` labels the allocation for cma_release */
  | { op: 'cma_alloc'; area: string | number; count: number; align?: number; as?: string; kind?: PageKindName; task?: number; noWarn?: boolean }
  /** cma_release of a labelled allocation (every one under the label; count: pages of each) or of count pages at pfn */
  | { op: 'cma_release'; ref?: string; pfn?: number; count?: number }
  /** a write of nr_hugepages for the pool of a size (kB); node: the per-node file */
  | { op: 'nr_hugepages'; sizeKb: number; value: number; node?: number };

export interface RunSummary {
  allocated: number;
  failed: number;
  freed: number;
  /** pfns of the allocations labelled with `as`, by label */
  refs: Record<string, number[]>;
}
