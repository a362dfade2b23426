/**
 * Random run-time operations for property tests and the bench: allocations of every order (mostly
 * low), every migratetype (through the GFP masks that give them) and kind, frees of random live
 * blocks, per-cpu drains and watermark sysctl writes, all from a seeded PRNG so a failure
 * reproduces. Works on the run state's internal entry points (no objects per operation).
 */
import { allocPages } from '../../src/sim/page_alloc/alloc-pages';
import { freePages } from '../../src/sim/page_alloc/free';
import { drainAllPages } from '../../src/sim/page_alloc/pcp';
import {
  GFP_ATOMIC, GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_NOWAIT, GFP_USER, __GFP_COMP, __GFP_NOWARN, __GFP_RECLAIMABLE,
} from '../../src/sim/page_alloc/gfp';
import { KIND_ANON, KIND_FILE, KIND_KERNEL, KIND_SLAB, KIND_SLAB_RECLAIMABLE } from '../../src/sim/run/page-flags';
import type { RunState } from '../../src/sim/run/run-state';
import { rng } from './prng';

/** [gfp, kind] pairs: Unmovable, Reclaimable and Movable requests, atomic and sleeping. */
const REQUESTS: ReadonlyArray<readonly [number, number]> = [
  [GFP_KERNEL, KIND_KERNEL],
  [GFP_KERNEL | __GFP_RECLAIMABLE, KIND_SLAB_RECLAIMABLE],
  [GFP_HIGHUSER_MOVABLE, KIND_ANON],
  [GFP_HIGHUSER_MOVABLE, KIND_FILE],
  [GFP_USER, KIND_SLAB],
  [GFP_ATOMIC, KIND_KERNEL],
  [GFP_NOWAIT | __GFP_NOWARN, KIND_KERNEL],
  [GFP_KERNEL | __GFP_COMP, KIND_KERNEL],
];

export interface RandomOpsState {
  /** live block pfns (a stack with random removal) */
  live: Int32Array;
  n: number;
  ops: number;
  failures: number;
}

/**
 * Run `count` random operations on rs; `every` > 0 calls check() after every `every` operations.
 * About `freeShare` of the operations free; live blocks are capped at `maxLive`; after an
 * allocation fails, the next operations free.
 */
export function randomOps(rs: RunState, seed: number, count: number, check?: () => void, every = 0, maxLive = 20000, freeShare = 0.45): RandomOpsState {
  const rand = rng(seed);
  const st: RandomOpsState = { live: new Int32Array(maxLive), n: 0, ops: 0, failures: 0 };
  // compaction migrates pages: follow them (slot + 1 of each live block, by pfn − basePfn)
  const base = rs.buddy.basePfn;
  const slotOf = new Int32Array(rs.buddy.endPfn - base);
  const previous = rs.onMigrate;
  const previousRelease = rs.onRelease;
  /** drop live slot j (swap in the last one) */
  const drop = (j: number): void => {
    slotOf[st.live[j]! - base] = 0;
    const last = st.live[--st.n]!;
    if (j < st.n) {
      st.live[j] = last;
      slotOf[last - base] = j + 1;
    }
  };
  // reclaim (and the OOM killer) free pages the operations allocated: forget them
  rs.onRelease = (pfn, order) => {
    const slot = slotOf[pfn - base]!;
    if (slot) drop(slot - 1);
    previousRelease?.(pfn, order);
  };
  rs.onMigrate = (oldPfn, newPfn) => {
    const slot = slotOf[oldPfn - base]!;
    if (slot) {
      st.live[slot - 1] = newPfn;
      slotOf[newPfn - base] = slot;
      slotOf[oldPfn - base] = 0;
    }
    previous?.(oldPfn, newPfn);
  };
  const nodes = rs.nodeIds;
  const maxOrder = rs.buddy.maxOrder;
  let pressure = 0;
  for (let k = 0; k < count; k++) {
    const r = rand();
    if (r < 0.001) {
      drainAllPages(rs);
    } else if (r < 0.0015) {
      rs.sysctl('vm.watermark_scale_factor', 10 + Math.floor(rand() * 300));
    } else if (st.n > 0 && (r < freeShare || st.n >= maxLive || pressure > 0)) {
      const j = Math.floor(rand() * st.n);
      const pfn = st.live[j]!;
      drop(j);
      freePages(rs, pfn, Math.floor(rand() * rs.cpus));
      if (pressure > 0) pressure--;
    } else {
      const [gfp, kind] = REQUESTS[Math.floor(rand() * REQUESTS.length)]!;
      const x = rand();
      const order = x < 0.75 ? 0 : x < 0.9 ? 1 + Math.floor(rand() * 3) : Math.floor(rand() * maxOrder);
      const nid = nodes[Math.floor(rand() * nodes.length)]!;
      const pfn = allocPages(rs, gfp, order, nid, Math.floor(rand() * rs.cpus), kind, 0, 0);
      if (pfn >= 0) {
        st.live[st.n++] = pfn;
        slotOf[pfn - base] = st.n;
      }
      else {
        st.failures++;
        pressure = 64;
      }
    }
    st.ops++;
    if (every > 0 && check && st.ops % every === 0) check();
  }
  rs.onMigrate = previous;
  rs.onRelease = previousRelease;
  return st;
}

/** Free every live block (the machine returns to its start, less the pcp lists). */
export function freeAll(rs: RunState, st: RandomOpsState): void {
  for (let j = 0; j < st.n; j++) freePages(rs, st.live[j]!, 0);
  st.n = 0;
}
