/**
 * The pages a workload holds, per pool (a stream, or the pages of a fill): each pool keeps its
 * live blocks in allocation order (a growable array of pfns with holes, compacted when full), so
 * that fixed lifetimes expire first-in first-out, "free every k-th" follows allocation order, and
 * exponential lifetimes are kept in per-step expiry buckets. A per-pfn map (pool, slot) follows
 * pages that compaction or CMA migrates (RunState.onMigrate) and learns when anyone else frees a
 * page the workload held (RunState.onRelease: reclaim, the OOM killer), so the engine never frees
 * a page it no longer owns.
 */
import { freePages } from '../page_alloc/free';
import type { RunState } from '../run/run-state';

export class Pool {
  /** pfn of each block in allocation order (−1: gone); [start, len) may hold live blocks */
  ring: Int32Array;
  /** the step each block was allocated in */
  born: Int32Array;
  /** its expiry-bucket node (exponential lifetimes), or −1 */
  node: Int32Array;
  len = 0;
  start = 0;
  liveBlocks = 0;
  livePages = 0;
  /** blocks and pages allocated, allocations failed, blocks and pages the workload freed, pages taken by the kernel (reclaim, OOM) */
  allocated = 0;
  allocatedPages = 0;
  failed = 0;
  freed = 0;
  freedPages = 0;
  reclaimedPages = 0;
  /** while set, slots keep their numbers (a fill in progress remembers where it began) */
  pinned = false;

  constructor(readonly id: number, readonly name: string, cap = 256) {
    this.ring = new Int32Array(cap);
    this.born = new Int32Array(cap);
    this.node = new Int32Array(cap);
  }
}

export class PagePools {
  readonly pools: Pool[] = [];
  private readonly base: number;
  /** per pfn: pool id + 1 (0: not the workload's) and its slot in the pool */
  private readonly poolOf: Uint8Array;
  private readonly slotOf: Int32Array;
  /** expiry buckets: the first node of each step's list; nodes: pool, slot (−1: gone), next */
  private readonly bucket: Int32Array;
  private nodePool = new Uint8Array(1024);
  private nodeSlot = new Int32Array(1024);
  private nodeNext = new Int32Array(1024);
  private nodesUsed = 0;
  private freeNodes = -1;

  /** the CPU a pool frees on (its stream's CPU, or the next one of a round robin) */
  cpuFor: (pool: number) => number = () => 0;

  /** `steps`: the run's length when some pool has exponential lifetimes (expiry buckets per step), else 0 */
  constructor(private readonly rs: RunState, steps: number) {
    this.base = rs.buddy.basePfn;
    const n = rs.buddy.endPfn - this.base;
    this.poolOf = new Uint8Array(n);
    this.slotOf = new Int32Array(n);
    this.bucket = new Int32Array(steps + 1).fill(-1);
  }

  add(name: string): Pool {
    const p = new Pool(this.pools.length, name);
    this.pools.push(p);
    return p;
  }

  /** The id of the pool holding the block whose head is `pfn`, or −1 when the workload does not hold it. */
  poolOfPfn(pfn: number): number {
    const i = pfn - this.base;
    return i >= 0 && i < this.poolOf.length ? this.poolOf[i]! - 1 : -1;
  }

  byName(name: string): Pool | undefined {
    return this.pools.find((p) => p.name === name);
  }

  /** Record a block the pool allocated at `step`; `expireAt` ≥ 0 schedules it in that step's bucket. */
  push(p: Pool, pfn: number, order: number, step: number, expireAt: number): void {
    if (p.len === p.ring.length) this.makeRoom(p);
    const slot = p.len++;
    p.ring[slot] = pfn;
    p.born[slot] = step;
    p.node[slot] = expireAt >= 0 && expireAt < this.bucket.length ? this.schedule(p.id, slot, expireAt) : -1;
    const i = pfn - this.base;
    this.poolOf[i] = p.id + 1;
    this.slotOf[i] = slot;
    p.liveBlocks++;
    p.livePages += 1 << order;
    p.allocated++;
    p.allocatedPages += 1 << order;
  }

  /** The workload frees the block in `slot` of pool p. */
  free(p: Pool, slot: number): void {
    const pfn = p.ring[slot]!;
    this.detach(p, slot, pfn);
    const order = freePages(this.rs, pfn, this.cpuFor(p.id));
    p.livePages -= 1 << order;
    p.freed++;
    p.freedPages += 1 << order;
  }

  private detach(p: Pool, slot: number, pfn: number): void {
    this.poolOf[pfn - this.base] = 0;
    p.ring[slot] = -1;
    const nd = p.node[slot]!;
    if (nd >= 0) this.nodeSlot[nd] = -1;
    p.liveBlocks--;
  }

  /** RunState.onRelease: someone else freed (or reclaimed, or killed) a block; forget it if it was ours. */
  released(pfn: number, order: number): void {
    const i = pfn - this.base;
    const id = this.poolOf[i]!;
    if (id === 0) return;
    const p = this.pools[id - 1]!;
    this.detach(p, this.slotOf[i]!, pfn);
    p.livePages -= 1 << order;
    p.reclaimedPages += 1 << order;
  }

  /** RunState.onMigrate: a block moved from oldPfn to newPfn. */
  migrated(oldPfn: number, newPfn: number): void {
    const i = oldPfn - this.base;
    const id = this.poolOf[i]!;
    if (id === 0) return;
    const slot = this.slotOf[i]!;
    this.pools[id - 1]!.ring[slot] = newPfn;
    this.poolOf[i] = 0;
    this.poolOf[newPfn - this.base] = id;
    this.slotOf[newPfn - this.base] = slot;
  }

  /** Free pool p's blocks allocated before step − lifetime, oldest first (fixed lifetimes expire in order). */
  expireFixed(p: Pool, step: number, lifetime: number): void {
    const ring = p.ring;
    const born = p.born;
    let s = p.start;
    while (s < p.len) {
      if (ring[s]! >= 0) {
        if (born[s]! + lifetime > step) break;
        this.free(p, s);
      }
      s++;
    }
    p.start = s;
  }

  /** Free the blocks whose exponential lifetime ends at `step`. */
  expireBucket(step: number): void {
    if (step >= this.bucket.length) return;
    let nd = this.bucket[step]!;
    this.bucket[step] = -1;
    while (nd >= 0) {
      const next = this.nodeNext[nd]!;
      const slot = this.nodeSlot[nd]!;
      if (slot >= 0) {
        const p = this.pools[this.nodePool[nd]!]!;
        p.node[slot] = -1;
        this.free(p, slot);
      }
      this.nodeNext[nd] = this.freeNodes;
      this.freeNodes = nd;
      nd = next;
    }
  }

  /**
   * Free every `every`-th live block of pool p in allocation order (the every-th, 2·every-th, …),
   * among slots [from, to), at most `count` blocks. Returns the pages freed.
   */
  freeEvery(p: Pool, every: number, count: number, from = p.start, to = p.len): number {
    let seen = 0;
    let left = count;
    let pages = 0;
    for (let s = Math.max(from, p.start); s < to && left > 0; s++) {
      if (p.ring[s]! < 0) continue;
      if (++seen % every !== 0) continue;
      const before = p.freedPages;
      this.free(p, s);
      pages += p.freedPages - before;
      left--;
    }
    while (p.start < p.len && p.ring[p.start]! < 0) p.start++;
    return pages;
  }

  private schedule(pool: number, slot: number, step: number): number {
    let nd = this.freeNodes;
    if (nd >= 0) this.freeNodes = this.nodeNext[nd]!;
    else {
      if (this.nodesUsed === this.nodeSlot.length) this.growNodes();
      nd = this.nodesUsed++;
    }
    this.nodePool[nd] = pool;
    this.nodeSlot[nd] = slot;
    this.nodeNext[nd] = this.bucket[step]!;
    this.bucket[step] = nd;
    return nd;
  }

  private growNodes(): void {
    const n = this.nodeSlot.length * 2;
    const pool = new Uint8Array(n);
    pool.set(this.nodePool);
    const slot = new Int32Array(n);
    slot.set(this.nodeSlot);
    const next = new Int32Array(n);
    next.set(this.nodeNext);
    this.nodePool = pool;
    this.nodeSlot = slot;
    this.nodeNext = next;
  }

  /** A full pool: drop the holes (keeping the order), growing when more than half is live or while pinned. */
  private makeRoom(p: Pool): void {
    const cap = p.ring.length;
    const grow = p.pinned || p.liveBlocks * 2 > cap;
    const size = grow ? cap * 2 : cap;
    if (p.pinned) {
      for (const k of ['ring', 'born', 'node'] as const) {
        const a = new Int32Array(size);
        a.set(p[k]);
        p[k] = a;
      }
      return;
    }
    const ring = grow ? new Int32Array(size) : p.ring;
    const born = grow ? new Int32Array(size) : p.born;
    const node = grow ? new Int32Array(size) : p.node;
    let q = 0;
    for (let s = p.start; s < p.len; s++) {
      const pfn = p.ring[s]!;
      if (pfn < 0) continue;
      ring[q] = pfn;
      born[q] = p.born[s]!;
      const nd = p.node[s]!;
      node[q] = nd;
      if (nd >= 0) this.nodeSlot[nd] = q;
      this.slotOf[pfn - this.base] = q;
      q++;
    }
    p.ring = ring;
    p.born = born;
    p.node = node;
    p.start = 0;
    p.len = q;
  }
}
