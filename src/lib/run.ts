/**
 * `machine.start()` for notebooks: a running machine (src/sim/run/running-machine.ts) behind a
 * handle whose methods take and return plain data, so it works the same in Node and through the
 * simulator worker (src/app/worker/api.ts, kind 'run'). A failed allocation is a result with the
 * index of its failure record; `explain(i)` says why it failed.
 */
import {
  MmError, RunningMachine,
  type AllocFailure, type AllocOptions, type AllocResult, type FailureExplanation, type MachineView, type ProcName, type RunOp, type RunOptions, type RunSummary,
} from '../sim/index';

/** What the page keeps of a failure record: everything but the lazily worked-out explanation. */
export type MmFailure = Omit<AllocFailure, 'explanation'>;

/** What compact_memory did (compaction/nodes.ts CompactMemoryResult). */
export type MmCompactResult = ReturnType<RunningMachine['compactMemory']>;

export interface MmRun {
  readonly arch: string;
  readonly kernel: string;
  /** a task the OOM killer can choose (its id for alloc's `task`) */
  task(comm: string, oomScoreAdj?: number): number;
  /** alloc_pages(gfp, order) on the preferred node; then a daemons step (unless started with daemons: 'manual') */
  alloc(gfp: string | number, order?: number, opts?: AllocOptions): AllocResult;
  /** __free_pages of a block this run allocated; returns its order */
  free(pfn: number, cpu?: number): number;
  /** a list of operations (plain JSON: alloc with count and `as` labels, free by label, sysctl, drain, drop_caches, compact_memory, kswapd, access) */
  run(ops: readonly RunOp[]): RunSummary;
  sysctl(name: string, value: string | number): void;
  drain(): void;
  compactMemory(): MmCompactResult;
  /** one daemons step now (writeback, kswapd, kcompactd) */
  daemons(): void;
  view(): MachineView;
  render(file: ProcName): string;
  /** the failed allocations so far, oldest first */
  failures(): MmFailure[];
  /** why failure i (an index into failures(), or an alloc result's `failure`) failed */
  explain(failure: number): FailureExplanation;
  /** the kernel log lines the run printed (warn_alloc reports, OOM killer messages) */
  log(): string[];
  /** an independent copy that runs on from here */
  clone(): MmRun;
}

export class RunHandle implements MmRun {
  constructor(private readonly rm: RunningMachine) {}
  get arch(): string { return this.rm.arch; }
  get kernel(): string { return this.rm.kernel; }
  /** the simulator's running machine (Node only: tests, the CLI) */
  get running(): RunningMachine { return this.rm; }
  task(comm: string, oomScoreAdj = 0): number { return this.rm.task(comm, oomScoreAdj); }
  alloc(gfp: string | number, order = 0, opts: AllocOptions = {}): AllocResult { return this.rm.alloc(gfp, order, opts); }
  free(pfn: number, cpu = 0): number { return this.rm.free(pfn, cpu); }
  run(ops: readonly RunOp[]): RunSummary { return this.rm.run(ops); }
  sysctl(name: string, value: string | number): void { this.rm.sysctl(name, value); }
  drain(): void { this.rm.drain(); }
  compactMemory(): MmCompactResult { return this.rm.compactMemory(); }
  daemons(): void { this.rm.daemons(); }
  view(): MachineView { return this.rm.view(); }
  render(file: ProcName): string { return this.rm.render(file); }
  failures(): MmFailure[] {
    // every field but the explanation, which is worked out only when asked for (explain)
    return this.rm.failures.map(({ order, gfp, gfpText, allocFlags, allocFlagsText, nid, cpu, task, pid, comm, report, suppressed, oom }) => ({ order, gfp, gfpText, allocFlags, allocFlagsText, nid, cpu, task, pid, comm, report, suppressed, oom }));
  }
  explain(failure: number): FailureExplanation {
    if (!Number.isInteger(failure) || failure < 0 || failure >= this.rm.failures.length) {
      throw new MmError('RUN_NO_FAILURE', `no failure ${String(failure)}: this run has ${this.rm.failures.length} (an alloc result's "failure" field is its index)`, 'explain');
    }
    return this.rm.explain(failure);
  }
  log(): string[] { return [...this.rm.log]; }
  clone(): MmRun { return new RunHandle(this.rm.clone()); }
  /** What `mmbook run --json` writes for a run value: its identity and zone state. */
  toJSON(): { arch: string; kernel: string; view: MachineView } { return { arch: this.arch, kernel: this.kernel, view: this.view() }; }
}

export type { RunOptions };
