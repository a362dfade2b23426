/**
 * The workload spec: plain JSON that lives in a notebook cell, a file or a URL (docs/workload.md).
 * `WorkloadSpec` is what a user writes; `WorkloadPlan` is the same after validation, with every
 * default filled in and every alternative spelling resolved (the result echoes it).
 */
import type { PageKindName } from '../run/page-flags';

/** How long a page lives: a fixed number of steps, a (discrete) exponential, until an event frees it, or for ever. */
export type LifetimeSpec = { fixed: number } | { exponential: { mean: number } | number } | 'event' | 'forever';

export interface StreamSpec {
  /** names the stream in events, failures and the result (default s0, s1, …) */
  name?: string;
  /** GFP mask: names joined by | ("GFP_KERNEL|__GFP_COMP"), hex ("0xcc0") or a number; default from the kind */
  gfp?: string | number;
  /** page kind (src/sim/run/page-flags.ts KIND_NAMES); default from the GFP mask */
  kind?: PageKindName;
  /** one order, or a mix of orders with weights: { "0": 0.9, "9": 0.1 } */
  order?: number | Record<string, number>;
  orders?: Record<string, number>;
  /** allocations per step (fractional rates accumulate, or draw Poisson arrivals) */
  rate?: number;
  /** or a total number of allocations spread evenly over the stream's steps */
  count?: number;
  arrival?: 'fixed' | 'poisson';
  lifetime?: LifetimeSpec;
  /** preferred node id (default: the first node) */
  node?: number;
  /** the CPU whose per-cpu lists serve the stream, or "spread" (round robin over every CPU) */
  cpu?: number | 'spread';
  /** the task charged with the pages (OOM accounting): its name, or { comm, oomScoreAdj } */
  task?: string | { comm: string; oomScoreAdj?: number };
  /** the pages are pinned (FOLL_LONGTERM) */
  pin?: boolean;
  /** the steps in which the stream allocates: [start, end) (default the whole run) */
  start?: number;
  end?: number;
}

export type EventSpec =
  | { at: number; op: 'drop_caches'; value?: 1 | 2 | 3 }
  | { at: number; op: 'compact_memory' }
  | { at: number; op: 'drain' }
  | { at: number; op: 'sysctl'; name: string; value: string | number }
  | { at: number; op: 'nr_hugepages'; sizeKb: number; value: number }
  | { at: number; op: 'cma_alloc'; area?: number | string; count: number; align?: number; as?: string }
  | { at: number; op: 'cma_release'; ref?: string; pfn?: number; count?: number }
  | { at: number; op: 'free'; stream: string; every?: number; count?: number }
  | FillEventSpec;

export interface FillEventSpec {
  at: number;
  op: 'fill';
  /** allocate until used memory reaches this share (0 < percent ≤ 100) of managed */
  percent: number;
  /** allocate as this stream (its GFP mask, kind, orders, node, CPU, task; the pages join it) … */
  stream?: string;
  /** … or as described here (the pages form a new pool, named by `as`) */
  gfp?: string | number;
  kind?: PageKindName;
  order?: number;
  node?: number;
  cpu?: number;
  as?: string;
  /** then free every k-th page the fill allocated (in allocation order) */
  then?: { freeEvery: number };
}

export interface WorkloadSpec {
  seed?: number;
  steps?: number;
  /** alias of steps */
  duration?: number;
  /** sample the state after every N steps (default: about 1000 samples) */
  sampleEvery?: number;
  streams?: StreamSpec[];
  events?: EventSpec[];
  /** kswapd and kcompactd run after every step (default true) */
  daemons?: boolean;
  /** swap is configured (swap-backed pages can be reclaimed); default false */
  swap?: boolean;
  swappiness?: number;
  /** failure reports kept in the result (the rest are counted); default 1000 */
  maxFailures?: number;
}

export type Lifetime = { type: 'fixed'; steps: number } | { type: 'exponential'; mean: number } | { type: 'event' } | { type: 'forever' };

export interface StreamPlan {
  name: string;
  gfp: string;
  gfpMask: number;
  kind: PageKindName;
  /** [order, weight] with weights summing to 1 */
  orders: Array<[number, number]>;
  rate: number | null;
  count: number | null;
  arrival: 'fixed' | 'poisson';
  lifetime: Lifetime;
  node: number | null;
  cpu: number | 'spread';
  task: { comm: string; oomScoreAdj: number } | null;
  pin: boolean;
  start: number;
  end: number;
}

export interface FillPlan {
  at: number;
  op: 'fill';
  percent: number;
  stream: string | null;
  gfp: string | null;
  gfpMask: number;
  kind: PageKindName;
  order: number;
  node: number | null;
  cpu: number;
  as: string;
  freeEvery: number | null;
}

export type EventPlan =
  | { at: number; op: 'drop_caches'; value: number }
  | { at: number; op: 'compact_memory' }
  | { at: number; op: 'drain' }
  | { at: number; op: 'sysctl'; name: string; value: string | number }
  | { at: number; op: 'nr_hugepages'; sizeKb: number; value: number }
  | { at: number; op: 'cma_alloc'; area: number | string; count: number; align: number; as: string | null }
  | { at: number; op: 'cma_release'; ref: string | null; pfn: number | null; count: number | null }
  | { at: number; op: 'free'; stream: string; every: number; count: number | null }
  | FillPlan;

export interface WorkloadPlan {
  seed: number;
  steps: number;
  sampleEvery: number;
  daemons: boolean;
  swap: boolean;
  swappiness: number;
  maxFailures: number;
  streams: StreamPlan[];
  events: EventPlan[];
}

/** Largest run the engine accepts (a notebook cancels a long run; the CLI and Node wait). */
export const WORKLOAD_LIMITS = { steps: 10_000_000, samples: 100_000, streams: 200, pools: 255, events: 100_000, rate: 10_000_000 } as const;
