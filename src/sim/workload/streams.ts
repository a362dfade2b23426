/**
 * A stream at run time: its allocation parameters resolved against the machine (node, CPU, task,
 * kind, GFP mask), its own PRNG, its order table, and how many allocations it makes in a step
 * (fixed accumulation of a fractional rate, Poisson arrivals, or a count spread evenly).
 */
import { allocPages, REQ_PIN } from '../page_alloc/alloc-pages';
import { kindOf } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import type { PagePools, Pool } from './pools';
import { geometric, poisson, Prng, streamSeed } from './prng';
import type { Lifetime } from './spec';

export const LIFE_FIXED = 0;
export const LIFE_EXPONENTIAL = 1;
export const LIFE_KEPT = 2;

/** What an allocation needs, shared by streams and fills. */
export interface Allocator {
  readonly name: string;
  readonly pool: Pool;
  readonly rng: Prng;
  readonly gfp: number;
  readonly kind: number;
  readonly nid: number;
  /** fixed CPU, or −1: round robin over every CPU */
  readonly cpu: number;
  rr: number;
  readonly task: number;
  readonly reqFlags: number;
  /** the orders and their cumulative weights; single ≥ 0 when there is one order */
  readonly orders: Int32Array;
  readonly cum: Float64Array;
  readonly single: number;
  readonly life: number;
  /** fixed lifetime in steps, or the exponential mean */
  readonly lifeValue: number;
}

export interface StreamState extends Allocator {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly rate: number;
  readonly count: number;
  readonly poissonArrival: boolean;
  /** the step its task was OOM-killed (it stops allocating), or −1 */
  killedAt: number;
}

export function makeAllocator(
  pool: Pool, seed: number, k: number,
  p: { name: string; gfpMask: number; kind: string; orders: Array<[number, number]>; node: number; cpu: number | 'spread'; task: number; pin: boolean; lifetime: Lifetime },
): Allocator {
  const cum = new Float64Array(p.orders.length);
  let c = 0;
  p.orders.forEach(([, w], j) => (cum[j] = c += w));
  cum[cum.length - 1] = 1;
  const life = p.lifetime.type === 'fixed' ? LIFE_FIXED : p.lifetime.type === 'exponential' ? LIFE_EXPONENTIAL : LIFE_KEPT;
  return {
    name: p.name,
    pool,
    rng: new Prng(streamSeed(seed, k)),
    gfp: p.gfpMask,
    kind: kindOf(p.kind),
    nid: p.node,
    cpu: p.cpu === 'spread' ? -1 : p.cpu,
    rr: 0,
    task: p.task,
    reqFlags: p.pin ? REQ_PIN : 0,
    orders: Int32Array.from(p.orders.map(([o]) => o)),
    cum,
    single: p.orders.length === 1 ? p.orders[0]![0] : -1,
    life,
    lifeValue: p.lifetime.type === 'fixed' ? p.lifetime.steps : p.lifetime.type === 'exponential' ? p.lifetime.mean : 0,
  };
}

/** The number of allocations stream st makes in `step`. */
export function allocationsAt(st: StreamState, step: number): number {
  if (step < st.start || step >= st.end || st.killedAt >= 0) return 0;
  const j = step - st.start;
  if (st.poissonArrival) return poisson(st.rng, st.count >= 0 ? st.count / (st.end - st.start) : st.rate);
  if (st.count >= 0) {
    const w = st.end - st.start;
    return Math.floor(((j + 1) * st.count) / w) - Math.floor((j * st.count) / w);
  }
  return Math.floor((j + 1) * st.rate + 1e-9) - Math.floor(j * st.rate + 1e-9);
}

/** The CPU of a's next allocation (and of its frees). */
export function cpuOf(a: Allocator, cpus: number): number {
  if (a.cpu >= 0) return a.cpu;
  const c = a.rr;
  a.rr = c + 1 === cpus ? 0 : c + 1;
  return c;
}

/**
 * One allocation of a: alloc_pages on its node and CPU, the block recorded in its pool (with its
 * expiry); returns the order allocated, or −1 when the allocation failed.
 */
export function allocOne(rs: RunState, pools: PagePools, a: Allocator, step: number): number {
  let order = a.single;
  if (order < 0) {
    const x = a.rng.next();
    let j = 0;
    while (a.cum[j]! <= x) j++;
    order = a.orders[j]!;
  }
  const pfn = allocPages(rs, a.gfp, order, a.nid, cpuOf(a, rs.cpus), a.kind, a.task, a.reqFlags);
  if (pfn < 0) {
    a.pool.failed++;
    return -1;
  }
  pools.push(a.pool, pfn, order, step, a.life === LIFE_EXPONENTIAL ? step + geometric(a.rng, a.lifeValue) : -1);
  return order;
}
