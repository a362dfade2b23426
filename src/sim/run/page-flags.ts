/**
 * The run-time flags byte of a page (RunState.pflags, one Uint8 per pfn), the model's share of
 * struct page flags beyond the buddy's state byte. It means different things by page state:
 *
 * - the head of an allocated block (PS_ALLOC): bits 0–2 the page kind, bit 3 pinned (an elevated
 *   refcount from FOLL_LONGTERM/GUP that blocks migration), bit 4 PG_active, bit 5 PG_referenced,
 *   bit 6 on an LRU list (PageLRU; clear while isolated), bit 7 a flag whose meaning depends on the
 *   kind (PF_YOUNG, PF_WRITEBACK, PF_RECLAIM below);
 * - the head of a block on a per-cpu list (PS_PCP): bits 0–2 the migratetype stored when it was
 *   freed or refilled (the kernel's page->index / get_pcppage_migratetype).
 */

/** Page kinds, as the model's reclaim and migration see them. */
export const KIND_KERNEL = 0; // unmovable, unreclaimable kernel memory (alloc_pages without a kind)
export const KIND_ANON = 1; // anonymous (swap-backed) user memory on the anon LRU
export const KIND_FILE = 2; // clean page cache on the file LRU
export const KIND_FILE_DIRTY = 3; // dirty page cache: written back before it can be reclaimed
export const KIND_SHMEM = 4; // shmem/tmpfs: swap-backed, on the anon LRU
export const KIND_SLAB_RECLAIMABLE = 5; // reclaimable slab (dentries, inodes): freed by shrinkers
export const KIND_SLAB = 6; // unreclaimable slab
export const KIND_HUGETLB = 7; // a hugetlb pool page: not on an LRU, movable for alloc_contig_range

export const KIND_NAMES = ['kernel', 'anon', 'file', 'file-dirty', 'shmem', 'slab-reclaimable', 'slab', 'hugetlb'] as const;
export type PageKindName = (typeof KIND_NAMES)[number];

export const PF_KIND_MASK = 0x07;
export const PF_PINNED = 0x08;
export const PF_ACTIVE = 0x10;
export const PF_REFERENCED = 0x20;
export const PF_LRU = 0x40;
/**
 * Bit 7 of an allocated head, by kind (the model's pages never need two of these at once):
 * - anon: PF_YOUNG, the accessed bit of the page's PTE (page_referenced): the model's anon pages are
 *   mapped by one task, and the fault that created the page sets it;
 * - file (clean): PF_WRITEBACK, PG_writeback: the page is being written (NR_WRITEBACK); in the model
 *   a page under writeback always also has PG_reclaim, so it moves to the inactive tail when done;
 * - file-dirty: PF_RECLAIM, PG_reclaim: reclaim met the dirty page and activated it; kswapd may
 *   write it (pageout) when it meets it again.
 * shmem and the non-LRU kinds never set it.
 */
export const PF_YOUNG = 0x80;
export const PF_WRITEBACK = 0x80;
export const PF_RECLAIM = 0x80;

/** The kind number of a name ('anon', 'file', …); −1 if unknown. */
export function kindOf(name: string): number {
  return (KIND_NAMES as readonly string[]).indexOf(name);
}

/** Does this kind live on an LRU list (anon, file, shmem)? */
export function kindOnLru(kind: number): boolean {
  return kind >= KIND_ANON && kind <= KIND_SHMEM;
}

/** Swap-backed kinds go on the anon LRU (anon and shmem); file kinds on the file LRU. */
export function kindIsAnonLru(kind: number): boolean {
  return kind === KIND_ANON || kind === KIND_SHMEM;
}
