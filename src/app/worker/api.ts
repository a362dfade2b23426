/**
 * The simulator worker's API: the one place its methods are declared, with their argument and
 * result types. The worker's dispatch table (mm.worker.ts) must implement exactly these, and the
 * page gets a proxy with the same methods (rpc-client.ts), so adding a method is one line here
 * plus its implementation in mm.worker.ts.
 *
 * - `root` is the worker itself; `machine` is a booted machine kept in the worker by handle.
 * - A method returning `Handle<'machine', MachineInfo>` hands the page a new machine (sysctl
 *   returns one, as a run-time write does not change the booted machine).
 * - `{long: true}` methods report progress and can be cancelled (boot, workload; later replays).
 */
import type { Fixture } from '../../lib/fixtures/fixture';
import type { MmBootRequest, MmDefaults, MmMachine } from '../../lib/mm';
import type { MmReplayRequest } from '../../lib/replay';
import type { ReplayResult } from '../../sim/replay/replay';
import type { MachineStages } from '../../lib/stages';
import type { MmRun, RunOptions } from '../../lib/run';
import type { WorkloadResult, WorkloadSpec } from '../../sim/workload/index';
import type { AllocationCheck, CheckRequest, ExplainInput, SysctlWrites } from '../../sim/index';
import type { MmExplainOptions, MmExplanation, MmRecheck } from '../../lib/explain';
import type { AllocReport } from '../../lib/fixtures/alloc-reports';
import { method, type ApiSet, type Handle } from './rpc';

type View = ReturnType<MmMachine['view']>;
type ProcName = Parameters<MmMachine['render']>[0];
type Arch = MmMachine['arch'];
type Kernel = MmMachine['kernel'];

/** What the page holds for a machine, without asking the worker again. */
export interface MachineInfo {
  arch: Arch;
  kernel: Kernel;
  /** the zone state (machine.view() on the page answers from it) */
  snapshot: View;
  /** what the kernel accepted but the reader should know (src/lib/machine-warnings.ts) */
  warnings: string[];
  /** the boot stages, sent with a booted machine only: a machine a sysctl returns keeps its parent's */
  stages?: MachineStages;
}

/** A boot request as it crosses to the worker (progress comes back as messages, not a callback). */
export type WireBootRequest = Omit<MmBootRequest, 'onStage'>;

/** A replay request as it crosses to the worker: the machine is the handle it is called on. */
export type WireReplayRequest = Omit<MmReplayRequest, 'machine' | 'onProgress' | 'checkpoint' | 'signal'>;

type MachineHandle = Handle<'machine', MachineInfo>;

/** What the page holds for a running machine. */
export interface RunInfo { arch: string; kernel: string }
type RunHandle = Handle<'run', RunInfo>;
type P<M extends keyof MmRun> = MmRun[M] extends (...a: infer A) => unknown ? A : never;
type R<M extends keyof MmRun> = MmRun[M] extends (...a: never[]) => infer X ? X : never;

export const api = {
  root: {
    fixtures: method<[], Fixture[]>(),
    defaults: method<[arch: Arch, kernel: Kernel], MmDefaults>(),
    sysctlNames: method<[kernel: Kernel], string[]>(),
    boot: method<[req: WireBootRequest], MachineHandle>({ long: true }),
    /** explain a kernel allocation-failure report (mmbook explain as data) */
    explain: method<[text: string, opts?: MmExplainOptions], MmExplanation>(),
    /** an explanation re-checked after sysctl writes */
    recheck: method<[explained: MmExplanation | ExplainInput, sysctls?: SysctlWrites], MmRecheck>(),
    /** the calculator on a plain view (a workload's final, an imported machine's) */
    check: method<[view: View, request: CheckRequest], AllocationCheck>(),
    /** the allocation-failure reports shipped with the app */
    reports: method<[], AllocReport[]>(),
  },
  machine: {
    view: method<[], View>(),
    render: method<[file: ProcName], string>(),
    readSysctl: method<[name: string], string>(),
    sysctl: method<[name: string, value: string | number], MachineHandle>(),
    /** a machine imported from /proc/zoneinfo: the layout, the inferred sysctls, mmbook's recomputation; else null */
    imported: method<[], ReturnType<MmMachine['imported']>>(),
    /** run a workload on a fresh run of the machine (docs/workload.md) */
    workload: method<[spec: WorkloadSpec], WorkloadResult>({ long: true }),
    /** the machine running (src/lib/run.ts): allocations, frees, sysctls and daemons on a copy of its page state */
    start: method<[opts?: RunOptions], RunHandle>(),
    /** a machine booted with a `state` snapshot: how the import compares with the snapshot's files; else null */
    stateReport: method<[], ReturnType<MmMachine['stateReport']>>(),
    /** replay an ftrace recording on a run of the machine (docs/replay.md) */
    replay: method<[req: WireReplayRequest], ReplayResult>({ long: true }),
    /** the calculator on this machine (its tunables give the tuning search) */
    check: method<[request: CheckRequest], AllocationCheck>(),
  },
  run: {
    task: method<P<'task'>, R<'task'>>(),
    alloc: method<P<'alloc'>, R<'alloc'>>(),
    free: method<P<'free'>, R<'free'>>(),
    run: method<P<'run'>, R<'run'>>(),
    sysctl: method<P<'sysctl'>, R<'sysctl'>>(),
    drain: method<P<'drain'>, R<'drain'>>(),
    compactMemory: method<P<'compactMemory'>, R<'compactMemory'>>(),
    daemons: method<P<'daemons'>, R<'daemons'>>(),
    view: method<P<'view'>, R<'view'>>(),
    render: method<P<'render'>, R<'render'>>(),
    failures: method<P<'failures'>, R<'failures'>>(),
    explain: method<P<'explain'>, R<'explain'>>(),
    log: method<P<'log'>, R<'log'>>(),
    clone: method<[], RunHandle>(),
    cmaAreas: method<P<'cmaAreas'>, R<'cmaAreas'>>(),
    cmaOccupancy: method<P<'cmaOccupancy'>, R<'cmaOccupancy'>>(),
    cmaAlloc: method<P<'cmaAlloc'>, R<'cmaAlloc'>>(),
    cmaRelease: method<P<'cmaRelease'>, R<'cmaRelease'>>(),
    cmaDebugfs: method<P<'cmaDebugfs'>, R<'cmaDebugfs'>>(),
    cmaLog: method<P<'cmaLog'>, R<'cmaLog'>>(),
    pin: method<P<'pin'>, R<'pin'>>(),
    unpin: method<P<'unpin'>, R<'unpin'>>(),
    setNrHugepages: method<P<'setNrHugepages'>, R<'setNrHugepages'>>(),
    hugetlbPools: method<P<'hugetlbPools'>, R<'hugetlbPools'>>(),
  },
} satisfies ApiSet;

export type MmWorkerApi = typeof api;
