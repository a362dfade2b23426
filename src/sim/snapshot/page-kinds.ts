/**
 * What an allocated page is, from its kpageflags (fs/proc/page.c stable_page_flags):
 * - KPF_SLAB: a slab page (reclaimable or not cannot be told from the flags: see splitSlab);
 * - KPF_HUGE: a hugetlb page;
 * - KPF_ANON: anonymous memory (KSM pages included); KPF_SWAPBACKED without ANON: shmem/tmpfs;
 * - KPF_LRU or page-cache bits (UPTODATE, DIRTY, MAPPEDTODISK, MMAP, WRITEBACK, RECLAIM): file
 *   page cache, dirty with KPF_DIRTY or KPF_WRITEBACK;
 * - a compound head with none of these: a large kmalloc (kmalloc_large, accounted in 6.1's
 *   NR_SLAB_UNRECLAIMABLE_B, so SUnreclaim) → unreclaimable slab;
 * - anything else (no flags, KPF_PGTABLE, KPF_PRIVATE, …): kernel memory.
 * LRU kinds go on the LRU; KPF_ACTIVE and KPF_REFERENCED give PG_active and PG_referenced.
 */
import { KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_HUGETLB, KIND_KERNEL, KIND_SHMEM, KIND_SLAB } from '../run/page-flags';
import {
  F_MAPPEDTODISK, KPF_ANON, KPF_COMPOUND_HEAD, KPF_DIRTY, KPF_HUGE, KPF_LRU, KPF_MMAP, KPF_RECLAIM, KPF_SLAB, KPF_SWAPBACKED,
  KPF_UPTODATE, KPF_WRITEBACK,
} from './kpageflags';

const B = (k: number) => 1 << k;
// module-level copies: the functions below run once per page
const SLAB = B(KPF_SLAB);
const HUGE = B(KPF_HUGE);
const ANON = B(KPF_ANON);
const SWAPBACKED = B(KPF_SWAPBACKED);
const LRU = B(KPF_LRU);
const HEAD = B(KPF_COMPOUND_HEAD);
const K_SLAB = KIND_SLAB;
const K_HUGETLB = KIND_HUGETLB;
const K_ANON = KIND_ANON;
const K_SHMEM = KIND_SHMEM;
const K_FILE = KIND_FILE;
const K_FILE_DIRTY = KIND_FILE_DIRTY;
const K_KERNEL = KIND_KERNEL;
const PAGECACHE = B(KPF_UPTODATE) | B(KPF_DIRTY) | B(KPF_MMAP) | B(KPF_WRITEBACK) | B(KPF_RECLAIM) | F_MAPPEDTODISK;
const DIRTY = B(KPF_DIRTY) | B(KPF_WRITEBACK);

/** a marker kind for slab until splitSlab decides (KIND_SLAB_RECLAIMABLE or KIND_SLAB) */
export const KIND_SLAB_UNDECIDED = 8;

/** The page kind of an allocated block from its head page's flags. */
export function kindOfFlags(f: number): number {
  if (f & SLAB) return KIND_SLAB_UNDECIDED;
  if (f & HUGE) return K_HUGETLB;
  if (f & ANON) return K_ANON;
  if (f & SWAPBACKED) return K_SHMEM;
  if (f & (LRU | PAGECACHE)) return f & DIRTY ? K_FILE_DIRTY : K_FILE;
  if (f & HEAD) return K_SLAB;
  return K_KERNEL;
}

/** movable (for the pageblock inference): user memory, page cache, hugetlb */
export function kindIsMovable(kind: number): boolean {
  return kind === K_ANON || kind === K_SHMEM || kind === K_FILE || kind === K_FILE_DIRTY || kind === K_HUGETLB;
}
