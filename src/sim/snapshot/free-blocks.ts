/**
 * Free blocks from KPF_BUDDY runs. fs/proc/page.c sets KPF_BUDDY on every page of a free block
 * (PageBuddy on the head, is_free_buddy_page on the rest), so a maximal run of BUDDY pages is a
 * union of free blocks. The buddy allocator merges every pair of free buddies, so the run holds
 * the maximal aligned blocks it contains: cut it from the left, each time the largest order that
 * is aligned at the current pfn and fits. The exception is above pageblock_order, where the kernel
 * does not merge across pageblocks whose types forbid it (6.1: different types, one of them CMA,
 * HighAtomic or Isolate; 5.10: Isolate): there the cut takes the smaller order.
 */
import type { Buddy } from '../buddy/buddy';
import { MIGRATE_ISOLATE, MIGRATE_PCPTYPES } from '../types';

export interface FreeBlock {
  pfn: number;
  order: number;
}

/** __free_one_page's refusal to merge a block of type mt with a buddy in a pageblock of type bmt above pageblock_order. */
export function mergeBlocked(b: Buddy, mt: number, bmt: number): boolean {
  if (mt === bmt) return false;
  if (b.rules.freeMerge === 'mergeable-only') return mt >= MIGRATE_PCPTYPES || bmt >= MIGRATE_PCPTYPES;
  return mt === MIGRATE_ISOLATE || bmt === MIGRATE_ISOLATE;
}

/** Cut the free run [s, e) into the blocks the buddy allocator holds for it, with the pageblock types in pbType. */
export function cutRun(b: Buddy, s: number, e: number, pbType: Uint8Array, out: FreeBlock[]): void {
  const pbo = b.pageblockOrder;
  let p = s;
  while (p < e) {
    let k = b.maxOrder - 1;
    for (; k > 0; k--) {
      if (p % 2 ** k !== 0 || p + 2 ** k > e) continue;
      if (k > pbo) {
        const t0 = pbType[(p >> pbo) - b.pbBase]!;
        let ok = true;
        for (let q = p + (1 << pbo); q < p + 2 ** k; q += 1 << pbo) if (mergeBlocked(b, t0, pbType[(q >> pbo) - b.pbBase]!)) ok = false;
        if (!ok) continue;
      }
      break;
    }
    out.push({ pfn: p, order: k });
    p += 2 ** k;
  }
}

/** Blocks per order of a list of blocks. */
export function perOrder(blocks: readonly FreeBlock[], maxOrder: number): number[] {
  const out = new Array<number>(maxOrder).fill(0);
  for (const x of blocks) out[x.order]++;
  return out;
}
