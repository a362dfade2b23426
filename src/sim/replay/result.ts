/**
 * The replay's options and result (issue #11's `--json` shape), and the result's assembly: the
 * empty result a replay fills as it goes, and the last touches at its end (warnings about the
 * trace, the simulator's vmstat).
 */
import { renderProc, type ProcName } from '../format/proc';
import type { RunState } from '../run/run-state';
import { runView } from '../run/run-view';

/** A rewrite of mark texts before the replay reads them: the first rule whose `match` matches applies. */
export interface MarkRule {
  /** a RegExp, or a string the mark must contain */
  match: RegExp | string;
  /** the new text (String.replace syntax: $1 … for RegExp groups), or several marks, or none ([]) */
  replace: string | string[];
}

export interface ReplayOptions {
  /** replay the events after the first mark containing this (default: from the first line) */
  startMark?: string;
  /** … and before the first mark containing this after that (default: to the end) */
  endMark?: string;
  /** mark rewrites (e.g. the oracle's `rt_hugetlb SIZEkB request N` → `mmbook: do hugetlb SIZEkB N`) */
  markRewrites?: MarkRule[];
  /** the files each mark snapshots (default buddyinfo, pagetypeinfo, zoneinfo, meminfo) */
  files?: readonly ProcName[];
  /** what the replay started from, for the output (default "fresh boot") */
  start?: string;
}

export interface ReplayMark {
  text: string;
  /** the mark as the trace wrote it, when a rule rewrote it */
  original?: string;
  line: number;
  buddyinfo?: string;
  pagetypeinfo?: string;
  zoneinfo?: string;
  meminfo?: string;
  [file: string]: string | number | undefined;
}

export interface ReplayCommand {
  /** the text after `mmbook: do ` */
  command: string;
  line: number;
  requested: number | string | null;
  /** what the simulator got: hugepages obtained, pages migrated (compact_memory), pages freed (drop_caches), the value set (sysctl); null when it could not run */
  got: number | string | null;
  /** why it could not run, when it could not */
  note?: string;
}

export interface PcpTraffic {
  /** blocks and pages moved from the buddy to the pcp lists (mm_page_alloc_zone_locked with percpu_refill, or any Z with the CMA type 4) */
  refillBlocks: number;
  refillPages: number;
  /** blocks and pages drained back (mm_page_pcpu_drain) */
  drainBlocks: number;
  drainPages: number;
  /** mm_page_alloc_extfrag: fallback steals */
  extfrag: number;
}

export interface ReplayResult {
  /** the starting state: "fresh boot", or what the caller imported */
  start: string;
  window: { startMark: string | null; endMark: string | null; startLine: number | null; endLine: number | null; lines: number };
  marks: ReplayMark[];
  commands: ReplayCommand[];
  kswapd: {
    /** lines where the simulator's wakeup_kswapd woke kswapd, outside `do` spans */
    wakes: number[];
    /** lines where pgdat_balanced let the simulator's kswapd sleep */
    sleeps: number[];
    /** wakes inside `do` spans (the simulator's own execution of a command) */
    wakesInCommands: number[];
    /** the trace's own: mm_vmscan_wakeup_kswapd, kswapd_wake and kswapd_sleep lines outside `do` spans, and wake episodes (wakes up to a sleep) */
    kernel: { wakeups: number[]; wakes: number[]; sleeps: number[]; episodes: number; inCommands: { wakeups: number; wakes: number; sleeps: number } };
  };
  events: {
    /** kmem events the simulator acted on: requests served (or attempted) and frees */
    replayed: number;
    /** kmem events inside kernel-execution spans (`do` commands, compaction, cma_alloc) */
    skipped: number;
    /** frees of pfns the replay had no page for (breakdown in `unknown`) */
    unknownFrees: number;
    /** pcp traffic compared, not replayed (Z, D, B) */
    compared: number;
    /** event lines outside the window */
    outside: number;
    /** known events the replay does not use (compaction scanners, migrate, oom, …) */
    ignored: number;
    /** lines of events this replay does not know, by name (counted and skipped) */
    unknownEvents: Record<string, number>;
    allocs: { requests: number; kernelFailed: number; simFailed: number; simServedKernelFailure: number; pages: number };
    frees: { tied: number; softirqToBuddy: number; orderMismatch: number; cmaPages: number };
    /** unknown frees by how they were resolved */
    unknown: { snapshot: number; orphan: number; bulk: number; unserved: number; untracked: number };
    /** starting-state pages the trace showed free (on a pcp list at the snapshot, or freed untraced) */
    released: number;
    /** traced allocations of a pfn the replay still held (its identity moved without an event) */
    reallocated: number;
    /** pages whose identity moved inside spans: re-tied to a span's allocation, or left as orphans */
    retied: number;
    orphaned: number;
    /** compactions the simulator ran where the kernel compacted */
    compactions: { compactMemory: number; kcompactd: number; proactive: number; directSkipped: number };
  };
  pcp: { kernel: PcpTraffic; sim: PcpTraffic };
  /** the simulator's /proc/vmstat at the end */
  vmstat: string;
  warnings: string[];
}


/** The files each mark snapshots unless the options name others. */
export const DEFAULT_FILES: readonly ProcName[] = ['buddyinfo', 'pagetypeinfo', 'zoneinfo', 'meminfo'];

export function zeroTraffic(): PcpTraffic {
  return { refillBlocks: 0, refillPages: 0, drainBlocks: 0, drainPages: 0, extfrag: 0 };
}

/** The empty result of a replay with these options; `simPcp` is the simulator's pcp traffic, counted as it goes. */
export function newResult(opts: ReplayOptions, simPcp: PcpTraffic): ReplayResult {
  const out: ReplayResult = {
    start: opts.start ?? 'fresh boot',
    window: { startMark: opts.startMark ?? null, endMark: opts.endMark ?? null, startLine: null, endLine: null, lines: 0 },
    marks: [],
    commands: [],
    kswapd: { wakes: [], sleeps: [], wakesInCommands: [], kernel: { wakeups: [], wakes: [], sleeps: [], episodes: 0, inCommands: { wakeups: 0, wakes: 0, sleeps: 0 } } },
    events: {
      replayed: 0, skipped: 0, unknownFrees: 0, compared: 0, outside: 0, ignored: 0, unknownEvents: {},
      allocs: { requests: 0, kernelFailed: 0, simFailed: 0, simServedKernelFailure: 0, pages: 0 },
      frees: { tied: 0, softirqToBuddy: 0, orderMismatch: 0, cmaPages: 0 },
      unknown: { snapshot: 0, orphan: 0, bulk: 0, unserved: 0, untracked: 0 },
      released: 0, reallocated: 0, retied: 0, orphaned: 0,
      compactions: { compactMemory: 0, kcompactd: 0, proactive: 0, directSkipped: 0 },
    },
    pcp: { kernel: zeroTraffic(), sim: simPcp },
    vmstat: '',
    warnings: [],
  };
  if (opts.startMark === undefined) out.window.startLine = 0;
  return out;
}

/**
 * The result at the end of the replay: the line count, the warnings about the trace itself (events
 * the ring buffer lost, more CPUs than the machine has) first, and the simulator's /proc/vmstat.
 */
export function completeResult(out: ReplayResult, rs: RunState, lines: number, lost: number, headerCpus: number): ReplayResult {
  out.window.lines = lines;
  if (lost) out.warnings.unshift(`the trace lost ${lost} events (CPU:N [LOST M EVENTS] lines: the ring buffer overran): the replay misses them, so their pages' later events look unknown`);
  if (headerCpus > rs.cpus) out.warnings.unshift(`the trace was recorded on ${headerCpus} CPUs (#P:${headerCpus}); the machine has ${rs.cpus}: CPU N replays on CPU N mod ${rs.cpus}`);
  out.vmstat = renderProc(runView(rs), 'vmstat');
  return out;
}
