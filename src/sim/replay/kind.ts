/**
 * What a traced allocation holds, from its GFP mask and order (the trace has no page kind). The
 * kind decides what the simulator may later do with the page: compaction and alloc_contig_range
 * migrate LRU pages (anon, shmem, file), drop_caches frees clean page cache (file), and a what-if
 * with reclaim would reclaim file pages and, with swap, anon and shmem pages. The rules, in order:
 *
 * | mask (6.1 names)                                             | kind             | kernel caller |
 * |--------------------------------------------------------------|------------------|---------------|
 * | GFP_TRANSHUGE / GFP_TRANSHUGE_LIGHT                          | anon             | THP fault (do_huge_pmd_anonymous_page) |
 * | movable with __GFP_RETRY_MAYFAIL, order ≥ pageblock order    | hugetlb          | alloc_buddy_huge_page (htlb_alloc_mask) |
 * | movable with __GFP_ZERO                                      | anon             | do_anonymous_page (vma_alloc_zeroed_movable_folio) |
 * | movable with __GFP_WRITE                                     | file-dirty       | write_begin on a file system with writeback (__filemap_get_folio FGP_WRITE) |
 * | movable with __GFP_NORETRY                                   | file             | readahead (readahead_gfp_mask) |
 * | other movable (GFP_HIGHUSER_MOVABLE, GFP_USER|__GFP_MOVABLE) | shmem            | tmpfs/shmem folios, COW copies, migration targets |
 * | __GFP_RECLAIMABLE                                            | slab-reclaimable | reclaimable slab caches (dentries, inodes) |
 * | unmovable with __GFP_COMP                                    | slab             | slab pages of order > 0 (s->allocflags) |
 * | other unmovable                                              | kernel           | page tables, kernel stacks, order-0 slab, buffers |
 *
 * tmpfs and anonymous COW copies cannot be told apart by their mask; both are swap-backed and on
 * the anon LRU, so 'shmem' stands for both. Disk page cache written through write_begin carries
 * __GFP_WRITE; a plain GFP_HIGHUSER_MOVABLE page-cache page (a read fault) counts as shmem too,
 * which errs on the side of not reclaiming it.
 */
import { __GFP_COMP, __GFP_MOVABLE, __GFP_NORETRY, __GFP_RECLAIMABLE, __GFP_RETRY_MAYFAIL, __GFP_WRITE, __GFP_ZERO, GFP_TRANSHUGE_LIGHT } from '../page_alloc/gfp';
import { KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_HUGETLB, KIND_KERNEL, KIND_SHMEM, KIND_SLAB, KIND_SLAB_RECLAIMABLE } from '../run/page-flags';

/** The page kind (run/page-flags.ts KIND_*) of a traced allocation. */
export function kindOfTracedAlloc(gfp: number, order: number, pageblockOrder: number): number {
  if (gfp & __GFP_MOVABLE) {
    if ((gfp & GFP_TRANSHUGE_LIGHT) === GFP_TRANSHUGE_LIGHT) return KIND_ANON;
    if (gfp & __GFP_RETRY_MAYFAIL && order >= pageblockOrder) return KIND_HUGETLB;
    if (gfp & __GFP_ZERO) return KIND_ANON;
    if (gfp & __GFP_WRITE) return KIND_FILE_DIRTY;
    if (gfp & __GFP_NORETRY) return KIND_FILE;
    return KIND_SHMEM;
  }
  if (gfp & __GFP_RECLAIMABLE) return KIND_SLAB_RECLAIMABLE;
  if (gfp & __GFP_COMP) return KIND_SLAB;
  return KIND_KERNEL;
}
