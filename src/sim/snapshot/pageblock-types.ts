/**
 * Pageblock migratetypes of a snapshot. /proc/kpageflags has no pageblock bits, so the types are
 * inferred: an assignment with exactly pagetypeinfo's "Number of blocks type" per type, that fits
 * pagetypeinfo's free counts per type and order, and the pages each pageblock holds.
 *
 * Deterministic heuristic:
 * 1. CMA pageblocks are the booted machine's CMA areas (fixed). The others get Unmovable, Movable,
 *    Reclaimable or HighAtomic.
 * 2. Each pageblock has a content cost per type, in pages: Movable pays for its slab and kernel
 *    pages, Unmovable for its movable pages (LRU, anon, shmem, file, THP, hugetlb), Reclaimable
 *    for its movable and non-slab kernel pages, HighAtomic for its movable pages. (Slab pages cost
 *    Unmovable and Reclaimable nothing: kpageflags cannot tell reclaimable slab from the rest.)
 *    Pages that say the pageblock kept the type memmap_init gave it (Movable) cost the other types:
 *    a page each for the kernel image's pages on the per-cpu lists (free_initmem freed them there
 *    with the pageblock's type, and the traces show them on the Movable list) and for the pages of
 *    a free block that starts in an earlier pageblock (the block is on its first pageblock's list,
 *    and a steal of a block that large retypes all of it); a quarter page for a reserved page (it
 *    was never free, so never stolen; where the counts force a type on pageblocks that say
 *    nothing, the reserved-only ones take it first: their type never matters, they hold no page
 *    that can be freed).
 * 3. Its free blocks (each owned by the pageblock of its first page) go to the free lists of its
 *    type. The free error is Σ over type and order of |blocks − pagetypeinfo's| × 2^order pages.
 * 4. Start: the scarce types (HighAtomic, Reclaimable, Unmovable) take, in that order, the
 *    pageblocks that prefer them over Movable the most (lowest pfn first on ties); Movable the rest.
 * 5. Improve by swapping the types of two pageblocks while free error + content cost / 2 drops
 *    (best swap per pageblock class, classes = pageblocks with the same free blocks and contents;
 *    at most MAX_PASSES passes and a bounded number of pair evaluations).
 * 6. Pageblocks of one class are interchangeable for the objective: within a class, a type goes
 *    first to the pageblocks whose buddy pageblock (the other half of their MAX_ORDER block) has
 *    it. A steal of a block above pageblock_order retypes both halves, so buddies tend to share
 *    a type (the fill trace's first refills after rt_before confirm it: the fully free order-9
 *    block beside the Reclaimable run is Reclaimable, the one at 0x40000 Movable).
 */
import { MIGRATE_HIGHATOMIC, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE } from '../types';

/** the types the inference assigns, in this order in the arrays below */
export const INFER_TYPES = [MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC] as const;
const NT = INFER_TYPES.length;
const U = 0;
const M = 1;
const R = 2;
const H = 3;

export interface PageblockContent {
  /** free block heads owned by this pageblock, per order */
  items: number[];
  /** allocated pages: movable kinds, slab, other kernel pages */
  mov: number;
  slab: number;
  kern: number;
  /** weighted pages that say the pageblock kept its boot type (Movable): image pages on the pcp lists and tails of larger free blocks 1, reserved pages 0.25 */
  keep: number;
}

export interface InferInput {
  maxOrder: number;
  blocks: PageblockContent[];
  /** pageblocks wanted per INFER_TYPES entry (sums to blocks.length) */
  target: number[];
  /** pagetypeinfo's free blocks per INFER_TYPES entry and order */
  free: number[][];
  /** per pageblock: the index of its buddy pageblock in `blocks` (the other half of its MAX_ORDER block), or −1 */
  buddy?: Int32Array;
}

const CONTENT_WEIGHT = 0.5;
const KEEP_WEIGHT = 1;
const MAX_PASSES = 40;
const MAX_PAIR_EVALS = 4e7;

function contentCost(b: PageblockContent, t: number): number {
  switch (t) {
    case M:
      return b.slab + b.kern;
    case U:
      return b.mov + b.keep * KEEP_WEIGHT;
    case R:
      return b.mov + b.kern + b.keep * KEEP_WEIGHT;
    default:
      return b.mov + b.keep * KEEP_WEIGHT;
  }
}

interface Klass {
  id: number;
  items: Int32Array;
  /** orders with items */
  orders: number[];
  cost: Float64Array;
  members: number[];
  /** members per type */
  n: Int32Array;
}

/** Returns the INFER_TYPES index of each pageblock. */
export function inferPageblockTypes(inp: InferInput): Uint8Array {
  const nb = inp.blocks.length;
  const mo = inp.maxOrder;
  // classes of identical pageblocks
  const byKey = new Map<string, Klass>();
  const classOf = new Int32Array(nb);
  const classes: Klass[] = [];
  inp.blocks.forEach((b, i) => {
    const k = `${b.items.join(',')}|${b.mov}|${b.slab}|${b.kern}|${b.keep}`;
    let c = byKey.get(k);
    if (!c) {
      const items = Int32Array.from({ length: mo }, (_, o) => b.items[o] ?? 0);
      c = { id: classes.length, items, orders: [...items.keys()].filter((o) => items[o]! > 0), cost: Float64Array.from({ length: NT }, (_, t) => contentCost(b, t) * CONTENT_WEIGHT), members: [], n: new Int32Array(NT) };
      byKey.set(k, c);
      classes.push(c);
    }
    classOf[i] = c.id;
    c.members.push(i);
  });

  // 4. the initial assignment
  const ty = new Uint8Array(nb).fill(M);
  const taken = new Uint8Array(nb);
  for (const t of [H, R, U]) {
    const want = inp.target[t]!;
    if (want <= 0) continue;
    const order = [...Array(nb).keys()].filter((i) => !taken[i]);
    const pref = (i: number) => contentCost(inp.blocks[i]!, t) - contentCost(inp.blocks[i]!, M);
    order.sort((a, b) => pref(a) - pref(b) || a - b);
    for (const i of order.slice(0, want)) {
      ty[i] = t;
      taken[i] = 1;
    }
  }
  for (let i = 0; i < nb; i++) classes[classOf[i]!]!.n[ty[i]!]++;

  // free histogram
  const F = Array.from({ length: NT }, () => new Float64Array(mo));
  for (let i = 0; i < nb; i++) {
    const c = classes[classOf[i]!]!;
    for (const o of c.orders) F[ty[i]!]![o] += c.items[o]!;
  }
  const C = inp.free;
  const w = Array.from({ length: mo }, (_, o) => 2 ** o);

  // 5. swaps between classes: move one member of class a from type ta to tb and one of b from tb to ta
  let evals = 0;
  for (let pass = 0; pass < MAX_PASSES && evals < MAX_PAIR_EVALS; pass++) {
    let improved = false;
    for (let a = 0; a < classes.length && evals < MAX_PAIR_EVALS; a++) {
      const A = classes[a]!;
      for (let ta = 0; ta < NT; ta++) {
        if (A.n[ta] === 0) continue;
        let best = -1e-9;
        let bestB = -1;
        let bestTb = -1;
        for (let bIdx = 0; bIdx < classes.length; bIdx++) {
          if (bIdx === a) continue;
          const B = classes[bIdx]!;
          for (let tb = 0; tb < NT; tb++) {
            if (tb === ta || B.n[tb] === 0) continue;
            evals++;
            // content
            let d = A.cost[tb]! - A.cost[ta]! + B.cost[ta]! - B.cost[tb]!;
            // free error on the orders either class has
            d += swapFreeDelta(F, C, w, A, B, ta, tb);
            if (d < best) {
              best = d;
              bestB = bIdx;
              bestTb = tb;
            }
          }
        }
        if (bestB >= 0) {
          const B = classes[bestB]!;
          applyMove(F, A, ta, bestTb);
          applyMove(F, B, bestTb, ta);
          improved = true;
          if (A.n[ta] === 0) continue;
        }
      }
    }
    if (!improved) break;
  }
  // hand the class counts back to the member pageblocks, lowest index first in type order
  const out = new Uint8Array(nb);
  for (const c of classes) {
    let k = 0;
    for (let t = 0; t < NT; t++) for (let j = 0; j < c.n[t]!; j++) out[c.members[k++]!] = t;
  }
  // 6. within a class, each type to the pageblocks whose buddy has it
  const buddy = inp.buddy;
  if (buddy) {
    for (let pass = 0; pass < 2; pass++) {
      for (const c of classes) {
        if (c.n.filter((x) => x > 0).length < 2) continue;
        const free = new Set(c.members);
        const assign = new Map<number, number>();
        for (const t of [H, R, U, M]) {
          let left = c.n[t]!;
          const match = c.members.filter((i) => free.has(i) && buddy[i]! >= 0 && out[buddy[i]!] === t);
          for (const i of [...match, ...c.members.filter((j) => free.has(j) && !match.includes(j))]) {
            if (left === 0) break;
            if (!free.has(i)) continue;
            assign.set(i, t);
            free.delete(i);
            left--;
          }
        }
        for (const [i, t] of assign) out[i] = t;
      }
    }
  }
  return out;
}

function swapFreeDelta(F: Float64Array[], C: number[][], w: number[], A: Klass, B: Klass, ta: number, tb: number): number {
  let d = 0;
  const touch = (o: number) => {
    const da = A.items[o]!;
    const db = B.items[o]!;
    if (da === db) return;
    const fa = F[ta]![o]!;
    const fb = F[tb]![o]!;
    const ca = C[ta]![o]!;
    const cb = C[tb]![o]!;
    // ta loses da and gains db; tb loses db and gains da
    d += (Math.abs(fa - da + db - ca) - Math.abs(fa - ca) + Math.abs(fb - db + da - cb) - Math.abs(fb - cb)) * w[o]!;
  };
  for (const o of A.orders) touch(o);
  for (const o of B.orders) if (A.items[o] === 0) touch(o);
  return d;
}

function applyMove(F: Float64Array[], K: Klass, from: number, to: number): void {
  K.n[from]--;
  K.n[to]++;
  for (const o of K.orders) {
    F[from]![o] -= K.items[o]!;
    F[to]![o] += K.items[o]!;
  }
}

/** Σ over types and orders of |F − C| × 2^order for an assignment. */
export function freeErrorByType(inp: InferInput, ty: Uint8Array): number[] {
  const F = Array.from({ length: NT }, () => new Array<number>(inp.maxOrder).fill(0));
  inp.blocks.forEach((b, i) => b.items.forEach((c, o) => { F[ty[i]!]![o] += c; }));
  return F.map((row, t) => row.reduce((s, f, o) => s + Math.abs(f - inp.free[t]![o]!) * 2 ** o, 0));
}
