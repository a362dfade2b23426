/**
 * `machine.start()` for notebooks: a running machine (src/sim/run/running-machine.ts) behind a
 * handle whose methods take and return plain data, so it works the same in Node and through the
 * simulator worker (src/app/worker/api.ts, kind 'run'). A failed allocation is a result with the
 * index of its failure record; `explain(i)` says why it failed.
 */
import {
  MmError, RunningMachine, failureFields, type CmaAllocOptions, type CmaAllocOutcome, type CmaAreaHandle, type CmaDebugfsFile, type CmaOccupancy, type HugetlbPoolInfo,
  type AllocFailure, type AllocOptions, type AllocResult, type FailureExplanation, type MachineView, type ProcName, type RunOp, type RunOptions, type RunSummary,
} from '../sim/index';

/** What the page keeps of a failure record: everything but the lazily worked-out explanation. */
export type MmFailure = Omit<AllocFailure, 'explanation'>;

/** A CMA area as the kernel declared it (cma_areas[] order). */
export interface MmCmaArea { index: number; name: string; basePfn: number; count: number; orderPerBit: number; nid: number; debugfsDir: string }

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
  /** the CMA areas (cma=, DT shared-dma-pool regions, hugetlb_cma=) */
  cmaAreas(): MmCmaArea[];
  /** an area's pages: free, borrowed by movable allocations, cma_alloc'd, isolated, and its pageblock map */
  cmaOccupancy(area: number | string): CmaOccupancy;
  /** cma_alloc(area, count, align): the kernel's first fit, alloc_contig_range with isolation, migration and reclaim */
  cmaAlloc(area: number | string, count: number, align?: number, opts?: CmaAllocOptions): CmaAllocOutcome;
  /** cma_release; false when the range is not an allocation of the area */
  cmaRelease(area: number | string, pfn: number, count: number): boolean;
  /** a file of the area's debugfs directory (count, used, maxchunk, order_per_bit, base_pfn, bitmap) */
  cmaDebugfs(area: number | string, file: CmaDebugfsFile): string;
  /** what cma_alloc and alloc_contig_range printed, oldest first */
  cmaLog(): string[];
  /** get_user_pages on the block at pfn (longterm: FOLL_LONGTERM moves it out of CMA first); returns where it is pinned */
  pin(pfn: number, opts?: { longterm?: boolean }): number;
  unpin(pfn: number): void;
  /** write nr_hugepages of a huge page size (kB), on a node or all; returns the pool size obtained */
  setNrHugepages(sizeKb: number, n: number, node?: number): number;
  /** the hugetlb pools: size, total, free, per node */
  hugetlbPools(): HugetlbPoolInfo[];
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
    return this.rm.failures.map(failureFields);
  }
  explain(failure: number): FailureExplanation {
    if (!Number.isInteger(failure) || failure < 0 || failure >= this.rm.failures.length) {
      throw new MmError('RUN_NO_FAILURE', `no failure ${String(failure)}: this run has ${this.rm.failures.length} (an alloc result's "failure" field is its index)`, 'explain');
    }
    return this.rm.explain(failure);
  }
  log(): string[] { return [...this.rm.log]; }
  cmaAreas(): MmCmaArea[] {
    return this.rm.cma.map((a, index) => ({ index, name: a.name, basePfn: a.basePfn, count: a.count, orderPerBit: a.orderPerBit, nid: a.nid, debugfsDir: a.debugfsDir }));
  }
  cmaOccupancy(area: number | string): CmaOccupancy { return this.area(area).occupancy(); }
  cmaAlloc(area: number | string, count: number, align = 0, opts: CmaAllocOptions = {}): CmaAllocOutcome { return this.area(area).alloc(count, align, opts); }
  cmaRelease(area: number | string, pfn: number, count: number): boolean { return this.area(area).release(pfn, count); }
  cmaDebugfs(area: number | string, file: CmaDebugfsFile): string { return this.area(area).debugfs(file); }
  cmaLog(): string[] { return [...this.rm.cmaLog]; }
  pin(pfn: number, opts: { longterm?: boolean } = {}): number { return this.rm.pin(pfn, opts); }
  unpin(pfn: number): void { this.rm.unpin(pfn); }
  setNrHugepages(sizeKb: number, n: number, node = -1): number { return this.rm.hugetlb.setNrHugepages(sizeKb, n, node); }
  hugetlbPools(): HugetlbPoolInfo[] { return this.rm.hugetlb.pools(); }
  private area(ref: number | string): CmaAreaHandle {
    const a = typeof ref === 'number' ? this.rm.cma[ref] : this.rm.cma.find((x) => x.name === ref);
    if (!a) throw new MmError('CMA_NO_AREA', `no CMA area ${JSON.stringify(ref)}; this machine has ${this.rm.cma.length ? this.rm.cma.map((x, i) => `${i}: ${x.name}`).join(', ') : 'none (boot with cma=SIZE or a shared-dma-pool region)'}`, 'cma');
    return a;
  }
  clone(): MmRun { return new RunHandle(this.rm.clone()); }
  /** What `mmbook run --json` writes for a run value: its identity and zone state. */
  toJSON(): { arch: string; kernel: string; view: MachineView } { return { arch: this.arch, kernel: this.kernel, view: this.view() }; }
}

export type { RunOptions };
