/**
 * The LRU lists of each node's lruvec (include/linux/mmzone.h enum lru_list, mm/swap.c
 * lru_cache_add, mm/vmscan.c isolate_lru_folios): inactive/active anon, inactive/active file and
 * unevictable. Entries are the head pages of allocated blocks (folios), linked through the buddy's
 * next/prev arrays, which an allocated page does not otherwise use. New pages are added at the head
 * (list_add, the most recent end); reclaim takes from the tail (the oldest).
 *
 * Sizes are kept in pages per (node, list) and per (zone, list), as the kernel's
 * NR_LRU_BASE + lru node stats and NR_ZONE_LRU_BASE + lru zone stats.
 *
 * Besides the LRU lists each node has one more list, the model's stand-in for the shrinkers'
 * list_lru (the dentry and inode LRUs, mm/list_lru.c): the reclaimable slab pages (KIND_SLAB_RECLAIMABLE),
 * newest at the head, which the model's shrinker frees oldest first. They are not PageLRU.
 */
export const LRU_INACTIVE_ANON = 0;
export const LRU_ACTIVE_ANON = 1;
export const LRU_INACTIVE_FILE = 2;
export const LRU_ACTIVE_FILE = 3;
export const LRU_UNEVICTABLE = 4;
export const NR_LRU_LISTS = 5;
export const LRU_NAMES = ['inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable'] as const;

export class Lru {
  readonly nodes: number;
  /** list heads/tails, index ni * NR_LRU_LISTS + lru; −1 = empty */
  readonly head: Int32Array;
  readonly tail: Int32Array;
  /** pages per (node, list) */
  readonly nodePages: Float64Array;
  /** pages per (zone, list), index zi * NR_LRU_LISTS + lru */
  readonly zonePages: Float64Array;
  /** the reclaimable slab list of each node (see above): head, tail, pages */
  readonly slabHead: Int32Array;
  readonly slabTail: Int32Array;
  readonly slabPages: Float64Array;

  constructor(nodes: number, zones: number, from?: Lru) {
    this.nodes = nodes;
    if (from) {
      this.head = from.head.slice();
      this.tail = from.tail.slice();
      this.nodePages = from.nodePages.slice();
      this.zonePages = from.zonePages.slice();
      this.slabHead = from.slabHead.slice();
      this.slabTail = from.slabTail.slice();
      this.slabPages = from.slabPages.slice();
      return;
    }
    this.head = new Int32Array(nodes * NR_LRU_LISTS).fill(-1);
    this.tail = new Int32Array(nodes * NR_LRU_LISTS).fill(-1);
    this.nodePages = new Float64Array(nodes * NR_LRU_LISTS);
    this.zonePages = new Float64Array(zones * NR_LRU_LISTS);
    this.slabHead = new Int32Array(nodes).fill(-1);
    this.slabTail = new Int32Array(nodes).fill(-1);
    this.slabPages = new Float64Array(nodes);
  }

  /** list_add at the head (lru_cache_add → lruvec_add_folio). */
  addHead(next: Int32Array, prev: Int32Array, i: number, ni: number, zi: number, lru: number, pages: number): void {
    const li = ni * NR_LRU_LISTS + lru;
    const h = this.head[li];
    next[i] = h;
    prev[i] = -1;
    if (h >= 0) prev[h] = i;
    else this.tail[li] = i;
    this.head[li] = i;
    this.nodePages[li] += pages;
    this.zonePages[zi * NR_LRU_LISTS + lru] += pages;
  }

  /** list_add_tail (folio_rotate_reclaimable, putback of a page not yet referenced). */
  addTail(next: Int32Array, prev: Int32Array, i: number, ni: number, zi: number, lru: number, pages: number): void {
    const li = ni * NR_LRU_LISTS + lru;
    const t = this.tail[li];
    prev[i] = t;
    next[i] = -1;
    if (t >= 0) next[t] = i;
    else this.head[li] = i;
    this.tail[li] = i;
    this.nodePages[li] += pages;
    this.zonePages[zi * NR_LRU_LISTS + lru] += pages;
  }

  /** list_del (lruvec_del_folio). */
  del(next: Int32Array, prev: Int32Array, i: number, ni: number, zi: number, lru: number, pages: number): void {
    const li = ni * NR_LRU_LISTS + lru;
    const p = prev[i];
    const n = next[i];
    if (p >= 0) next[p] = n;
    else this.head[li] = n;
    if (n >= 0) prev[n] = p;
    else this.tail[li] = p;
    next[i] = -1;
    prev[i] = -1;
    this.nodePages[li] -= pages;
    this.zonePages[zi * NR_LRU_LISTS + lru] -= pages;
  }

  /** The node's reclaimable slab list: add block i at the head (the newest end). */
  slabAdd(next: Int32Array, prev: Int32Array, i: number, ni: number, pages: number): void {
    const h = this.slabHead[ni];
    next[i] = h;
    prev[i] = -1;
    if (h >= 0) prev[h] = i;
    else this.slabTail[ni] = i;
    this.slabHead[ni] = i;
    this.slabPages[ni] += pages;
  }

  /** Remove block i from the node's reclaimable slab list. */
  slabDel(next: Int32Array, prev: Int32Array, i: number, ni: number, pages: number): void {
    const p = prev[i];
    const n = next[i];
    if (p >= 0) next[p] = n;
    else this.slabHead[ni] = n;
    if (n >= 0) prev[n] = p;
    else this.slabTail[ni] = p;
    next[i] = -1;
    prev[i] = -1;
    this.slabPages[ni] -= pages;
  }

  byteLength(): number {
    return this.head.byteLength * 2 + this.nodePages.byteLength + this.zonePages.byteLength + this.slabHead.byteLength * 2 + this.slabPages.byteLength;
  }
}
