/**
 * What a workload returns (docs/workload.md "The result"): plain, structured-cloneable data —
 * typed arrays over the samples for plotting, the event log, the failures with their reports,
 * the vmstat counters and the final machine view.
 */
import type { MachineViewExtra } from '../format/extra';
import type { CmaSeries } from './cma-occupancy';
import type { PageblockMap } from './pageblocks';
import type { NodeSeries, ZoneSeries } from './sampler';
import type { WorkloadPlan } from './spec';

export interface WorkloadFailure {
  /** the step it happened in, and the stream (or fill pool) that asked; null for the kernel's own requests */
  step: number;
  stream: string | null;
  order: number;
  /** the GFP mask as warn_alloc prints it, and as a number */
  gfp: string;
  mask: number;
  nid: number;
  /** warn_alloc's record as the simulator keeps it */
  record: Record<string, unknown>;
  /** why it failed (zone, watermark, reserve, fallback), when this build explains failures */
  explanation?: unknown;
}

export interface WorkloadEvent {
  step: number;
  /** its index in spec.events */
  index: number;
  op: string;
  result: Record<string, unknown>;
}

export interface StreamSummary {
  name: string;
  /** "stream" for spec.streams, "fill" for the pool of a fill event */
  source: 'stream' | 'fill';
  kind: string;
  gfp: string;
  /** blocks and pages allocated, allocations that failed */
  allocated: number;
  allocatedPages: number;
  failed: number;
  /** blocks and pages the workload freed (lifetimes, free events, fills), pages the kernel took (reclaim, OOM kill) */
  freed: number;
  freedPages: number;
  reclaimedPages: number;
  /** pages held at the end, and after each sample */
  livePages: number;
  live: Int32Array;
  /** the step its task was killed by the OOM killer, or null */
  killedAt: number | null;
}

export interface WorkloadSamples {
  /** the step each sample was taken after (the state at the end of that step, after the daemons ran) */
  step: Int32Array;
  /** allocations and failed allocations of the streams and fills so far */
  allocations: Float64Array;
  failures: Float64Array;
  zones: ZoneSeries[];
  nodes: NodeSeries[];
  cma: CmaSeries[];
  /** each vmstat counter that moved: its change since the previous sample */
  vmstat: Record<string, Float64Array>;
}

export interface WorkloadTotals {
  steps: number;
  allocations: number;
  allocatedPages: number;
  /** failed allocations of the streams and fills (failures[] also holds the kernel's own) */
  failed: number;
  /** blocks and pages the workload freed; pages the kernel took from it */
  frees: number;
  freedPages: number;
  reclaimedPages: number;
  kswapdWakes: number;
  kcompactdWakes: number;
}

export interface WorkloadResult {
  arch: string;
  kernel: string;
  /** the spec as run: every default filled in */
  spec: WorkloadPlan;
  /** MAX_ORDER and the migratetype names, for reading freeByOrder, freeByType and freeArea */
  orders: number;
  migratetypes: string[];
  samples: WorkloadSamples;
  streams: StreamSummary[];
  events: WorkloadEvent[];
  /** failed allocations during the run, oldest first (at most spec.maxFailures; failureCount counts all) */
  failures: WorkloadFailure[];
  failureCount: number;
  totals: WorkloadTotals;
  vmstat: { start: Record<string, number>; end: Record<string, number>; delta: Record<string, number> };
  /** each zone's pageblock map (migratetype, free and allocated pages, mixed blocks) before the first step and at the end */
  pageblocks: { start: PageblockMap[]; end: PageblockMap[] };
  /** the machine at the end of the run (what /proc would print) */
  final: MachineViewExtra;
}

/** Typed arrays to plain arrays (for JSON). */
export function workloadJsonReplacer(_key: string, v: unknown): unknown {
  return ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
}
