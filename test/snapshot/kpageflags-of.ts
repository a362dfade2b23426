/**
 * /proc/kpageflags of a run state, written as fs/proc/page.c stable_page_flags would: KPF_BUDDY on
 * every page of a free block, KPF_RESERVED (bit 32) on reserved pages, KPF_NOPAGE outside memory, no
 * flags on pcp pages and kernel pages, LRU/ANON/SWAPBACKED/UPTODATE/DIRTY/ACTIVE by kind, KPF_SLAB
 * and KPF_HUGE, KPF_COMPOUND_HEAD/TAIL on the blocks of order > 0 other than kernel pages.
 */
import { PS_ALLOC, PS_BUDDY, PS_FREE_TAIL, PS_HOLE, PS_INUSE, PS_ORDER_MASK, PS_RESERVED } from '../../src/sim/buddy/page-state';
import {
  KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_HUGETLB, KIND_KERNEL, KIND_SHMEM, KIND_SLAB, KIND_SLAB_RECLAIMABLE, PF_ACTIVE, PF_KIND_MASK,
} from '../../src/sim/run/page-flags';
import type { RunState } from '../../src/sim/run/run-state';

const B = (k: number) => 2 ** k;

/** /proc/kpageflags of a run state: one u64 LE per pfn from 0 to the end of its last node. */
export function kpageflagsOf(rs: RunState): Uint8Array {
  const b = rs.buddy;
  const maxPfn = Math.max(...rs.machine.parts.layout.nodes.map((n) => n.endPfn));
  const out = new Uint8Array(maxPfn * 8);
  const dv = new DataView(out.buffer);
  const set = (pfn: number, lo: number, hi = 0) => {
    dv.setUint32(pfn * 8, lo >>> 0, true);
    dv.setUint32(pfn * 8 + 4, hi, true);
  };
  for (let pfn = 0; pfn < maxPfn; pfn++) {
    if (pfn < b.basePfn || pfn >= b.endPfn) { set(pfn, B(20)); continue; }
    const i = pfn - b.basePfn;
    const t = b.tag[i]!;
    if (t === PS_HOLE) set(pfn, B(20));
    else if (t === PS_RESERVED) set(pfn, 0, 1);
    else if (t & PS_BUDDY || t === PS_FREE_TAIL) set(pfn, B(10));
  }
  // allocated blocks by their heads
  for (let i = 0; i < b.endPfn - b.basePfn; i++) {
    const t = b.tag[i]!;
    if (!(t & PS_ALLOC) || t & PS_BUDDY) continue;
    const order = t & PS_ORDER_MASK;
    const f = rs.pflags[i]!;
    const kind = f & PF_KIND_MASK;
    const active = f & PF_ACTIVE ? B(6) : 0;
    let head = 0;
    let tail = 0;
    switch (kind) {
      case KIND_ANON: head = B(12) | B(14) | B(5) | B(3) | active; break;
      case KIND_SHMEM: head = B(14) | B(5) | B(3) | active; break;
      case KIND_FILE: head = B(5) | B(3) | active; break;
      case KIND_FILE_DIRTY: head = B(5) | B(3) | B(4) | active; break;
      case KIND_SLAB: case KIND_SLAB_RECLAIMABLE: head = B(7); tail = B(7); break;
      case KIND_HUGETLB: head = B(17); tail = B(17); break;
      case KIND_KERNEL: break;
    }
    // the model allocates multi-page blocks whole; give them compound flags unless kernel pages (no __GFP_COMP)
    if (order > 0 && kind !== KIND_KERNEL) { head |= B(15); tail |= B(16); }
    set(i + b.basePfn, head);
    for (let k = 1; k < 2 ** order; k++) { if (b.tag[i + k] !== PS_INUSE) throw new Error(`pfn ${i + k + b.basePfn} in a block is not in use`); set(i + k + b.basePfn, tail); }
  }
  return out;
}

