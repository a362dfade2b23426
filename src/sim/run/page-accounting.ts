/**
 * The model's bookkeeping of an allocated block, outside the allocator proper: prep_new_page's
 * state (the block's head marked allocated, the other pages in use), the page kind and owner, LRU
 * membership (lru_cache_add puts new anon, shmem and file pages on the inactive lists), and the
 * node's per-kind counts. untrackPage reverses it when the last reference drops.
 */
import { PS_ALLOC, PS_INUSE } from '../buddy/page-state';
import { LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, LRU_UNEVICTABLE } from '../vmscan/lru';
import { KIND_ANON, KIND_FILE, KIND_SHMEM, KIND_SLAB_RECLAIMABLE, PF_ACTIVE, PF_KIND_MASK, PF_LRU, PF_PINNED, PF_WRITEBACK, PF_YOUNG, kindIsAnonLru, kindOnLru } from './page-flags';
import type { RunState } from './run-state';

/** The LRU list a page of this kind and flags sits on (swapless anon and shmem are unevictable? no: they stay on the anon lists, reclaim skips them). */
export function lruOf(kind: number, flags: number): number {
  const active = flags & PF_ACTIVE ? 1 : 0;
  if (!kindOnLru(kind)) return LRU_UNEVICTABLE;
  return (kindIsAnonLru(kind) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE) + active;
}

/** prep_new_page and the caller's accounting: mark block i of `order` allocated, of `kind`, owned by task `owner`. */
export function trackPage(rs: RunState, zi: number, i: number, order: number, kind: number, owner: number, pinned: boolean): void {
  const b = rs.buddy;
  const tag = b.tag;
  tag[i] = PS_ALLOC | order;
  const n = 1 << order;
  for (let k = 1; k < n; k++) tag[i + k] = PS_INUSE;
  let f = kind;
  if (pinned) f |= PF_PINNED;
  const ni = rs.zoneNode[zi];
  if (kindOnLru(kind)) {
    f |= PF_LRU;
    rs.lru.addHead(b.next, b.prev, i, ni, zi, lruOf(kind, f), n);
    // the fault that instantiated an anon page leaves its PTE young (page_referenced finds it)
    if (kind === KIND_ANON) f |= PF_YOUNG;
  } else if (kind === KIND_SLAB_RECLAIMABLE) rs.lru.slabAdd(b.next, b.prev, i, ni, n);
  rs.pflags[i] = f;
  rs.owner[i] = owner;
  rs.nodes[ni]!.kindPages[kind] += n;
  if (owner) rs.tasks.pages[owner] += n;
}

/** Undo trackPage (the block stays marked allocated; the caller frees or reuses it). */
export function untrackPage(rs: RunState, zi: number, i: number, order: number): void {
  const b = rs.buddy;
  const f = rs.pflags[i];
  const kind = f & PF_KIND_MASK;
  const n = 1 << order;
  const ni = rs.zoneNode[zi];
  if (f & PF_LRU) rs.lru.del(b.next, b.prev, i, ni, zi, lruOf(kind, f), n);
  else if (kind === KIND_SLAB_RECLAIMABLE) rs.lru.slabDel(b.next, b.prev, i, ni, n);
  // a page freed under writeback: the model ends its I/O now (truncate waits for it in the kernel)
  if (kind === KIND_FILE && f & PF_WRITEBACK) rs.nodes[ni]!.writeback -= n;
  rs.nodes[ni]!.kindPages[kind] -= n;
  const owner = rs.owner[i];
  if (owner) rs.tasks.pages[owner] -= n;
  rs.pflags[i] = 0;
  rs.owner[i] = 0;
  rs.onRelease?.(i + b.basePfn, order);
}

/** Swap-backed pages (anon, shmem) can only be reclaimed with swap. */
export function isSwapBacked(kind: number): boolean {
  return kind === KIND_ANON || kind === KIND_SHMEM;
}
