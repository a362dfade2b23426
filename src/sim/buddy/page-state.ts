/**
 * Per-pfn state byte of the buddy model (one Uint8 per page, the model's struct page flags).
 *
 *   0            HOLE      no struct page in a zone (pfn not in memblock.memory, or outside every zone)
 *   1            RESERVED  PageReserved: initialised by memmap_init, not yet handed to the buddy
 *   2            INUSE     owned by someone: a page of an allocated block other than its first
 *   3            FREE_TAIL a page inside a free buddy block that is not its first page
 *   4            PCP_TAIL  a page inside a block on a per-cpu list that is not its first page
 *   0x20|o       PCP       first page of an order-o block on a per-cpu list (run time)
 *   0x40|o       ALLOC     first page of an allocated order-o block (run time; page_alloc frees it whole)
 *   0x80|mt<<4|o BUDDY     PageBuddy: first page of a free block of order o on free_list[mt]
 *
 * Only the first page of a free block carries the order and list (like page_private/PageBuddy in
 * the kernel); the migratetype bits record which free_list the block is on so that unlinking does
 * not need a search.
 */
export const PS_HOLE = 0;
export const PS_RESERVED = 1;
export const PS_INUSE = 2;
export const PS_FREE_TAIL = 3;
export const PS_PCP_TAIL = 4;
export const PS_PCP = 0x20;
export const PS_ALLOC = 0x40;
export const PS_BUDDY = 0x80;

export const PS_ORDER_MASK = 0x0f;
export const PS_MT_SHIFT = 4;
export const PS_MT_MASK = 0x07;

export type PageStateName = 'hole' | 'reserved' | 'inuse' | 'free' | 'free-tail' | 'pcp' | 'pcp-tail' | 'allocated';

/** The state byte of a free block head of `order` on free_list[mt]. */
/** Set the state byte of pages [i, i + n): a loop for the small blocks of the run-time hot path (a TypedArray.fill call costs more than a few stores). */
export function setTags(tag: Uint8Array, i: number, n: number, state: number): void {
  if (n > 16) {
    tag.fill(state, i, i + n);
    return;
  }
  for (let k = 0; k < n; k++) tag[i + k] = state;
}

export function buddyTag(order: number, mt: number): number {
  return PS_BUDDY | (mt << PS_MT_SHIFT) | order;
}

export function isBuddyTag(tag: number): boolean {
  return (tag & PS_BUDDY) !== 0;
}

export function tagOrder(tag: number): number {
  return tag & PS_ORDER_MASK;
}

export function tagMigratetype(tag: number): number {
  return (tag >> PS_MT_SHIFT) & PS_MT_MASK;
}

export function pageStateName(tag: number): PageStateName {
  if (tag & PS_BUDDY) return 'free';
  if (tag & PS_ALLOC) return 'allocated';
  if (tag & PS_PCP) return 'pcp';
  switch (tag) {
    case PS_HOLE:
      return 'hole';
    case PS_RESERVED:
      return 'reserved';
    case PS_INUSE:
      return 'inuse';
    case PS_PCP_TAIL:
      return 'pcp-tail';
    default:
      return 'free-tail';
  }
}
