/**
 * move_freepages_block / move_freepages / move_to_free_list (mm/page_alloc.c).
 * Free blocks move to the TAIL of the new list; free counters are not touched (callers that need
 * it use modZoneFreepageState, as the kernel's callers use __mod_zone_freepage_state). Counting
 * in-use movable pages (num_movable) needs LRU state that this model does not keep.
 */
import type { Buddy } from './buddy';
import { PS_BUDDY, PS_MT_MASK, PS_MT_SHIFT, PS_ORDER_MASK, buddyTag } from './page-state';

export function moveToFreeList(b: Buddy, zi: number, i: number, mt: number): void {
  const t = b.tag[i];
  const o = t & PS_ORDER_MASK;
  b.unlink(i, b.listIndex(zi, o, (t >> PS_MT_SHIFT) & PS_MT_MASK));
  b.tag[i] = buddyTag(o, mt);
  b.linkTail(i, b.listIndex(zi, o, mt));
}

export function moveFreepagesBlock(b: Buddy, zi: number, pfn: number, mt: number): number {
  const pbMask = (1 << b.pageblockOrder) - 1;
  let start = pfn & ~pbMask;
  const end = start + pbMask; // inclusive, as in the kernel
  const zs = b.z.start[zi];
  const ze = b.z.end[zi];
  if (start < zs || start >= ze) start = pfn; // do not cross zone boundaries
  if (end < zs || end >= ze) return 0;
  let moved = 0;
  for (let p = start; p <= end; ) {
    const t = b.tag[p - b.basePfn];
    if (!(t & PS_BUDDY)) {
      p++;
      continue;
    }
    const o = t & PS_ORDER_MASK;
    moveToFreeList(b, zi, p - b.basePfn, mt);
    p += 1 << o;
    moved += 1 << o;
  }
  return moved;
}
