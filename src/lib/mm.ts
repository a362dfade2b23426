/**
 * `mm`: the simulator as notebooks see it (the same in the browser worker and in Node).
 * Everything it returns is plain data or a machine whose methods return plain data, so it
 * crosses a worker boundary by structured clone.
 */
import {
  bootMachine, bootFromZoneinfo, defaultKernelConfig, defaultLowmemReserveRatio, importSnapshot, Machine, MmError, renderProc, runView,
  startImported, tunableSysctlNames, versionRules, watermarkScaleFactorMax, zoneNames,
  type Arch, type BootRequest, type BootStage, type KernelVersion, type MachineView, type ProcName,
  type RunningMachine, type SnapshotImport, type SnapshotInput, type SnapshotReport, type Topology,
  ImportedMachine, type ImportInfo,
} from '../sim/index';
import { fixture, fixtures, type Fixture } from './fixtures/fixture';
import { LIMITS, limitProblem } from './limits';
import { machineWarnings } from './machine-warnings';
import { machineStages, type MachineStages } from './stages';
import { RunHandle, type MmRun, type RunOptions } from './run';
import { workloadOn, type MmWorkloadOptions } from './workload';
import type { WorkloadResult } from '../sim/workload/index';
import { replay } from './replay';
import type { AllocationCheck, CheckRequest } from '../sim/index';
import { explain, recheck } from './explain';
import { check as checkOn } from './check';
import { allocReports, type AllocReport } from './fixtures/alloc-reports';
import { loadRecording, readRecordingFileNode, recordingInfos, type Recording, type RecordingInfo } from './fixtures/recordings';

export interface MmBootRequest {
  arch?: Arch;
  kernel?: KernelVersion;
  /** a built-in machine (see mm.fixtures()); its arch, kernel, cmdline and CPUs are the defaults */
  fixture?: string;
  dtb?: Uint8Array;
  e820?: string;
  zoneinfo?: string;
  /** with zoneinfo: the same machine's /proc/buddyinfo and /proc/pagetypeinfo (its free-list shape) */
  buddyinfo?: string;
  pagetypeinfo?: string;
  topology?: Omit<Topology, 'arch' | 'kernel'> & Partial<Pick<Topology, 'arch' | 'kernel'>>;
  cmdline?: string;
  cpus?: number;
  bootLog?: string;
  reserved?: string;
  kconfig?: string;
  /**
   * A fixture booted with its own command line replays its real boot's reservations from the boot
   * log (exactly what the real kernel had); with another command line, or with model: true, the
   * simulator's own model of the kernel's reservations is used.
   */
  model?: boolean;
  /** run-time writes after boot, in order: [["vm.watermark_scale_factor", 200], …] or an object */
  sysctls?: Array<[string, string | number]> | Record<string, string | number>;
  /** progress: called as each boot stage starts, with the share of the boot done (0…1) */
  onStage?: (stage: BootStage, fraction: number) => void;
  /**
   * A running machine's /proc snapshot (the machine booted from dtb/e820/topology must be the
   * snapshot's): { zoneinfo, buddyinfo, pagetypeinfo, kpageflags?: Uint8Array (raw or gzip),
   * meminfo?, vmstat? }. The machine's view and files are then the snapshot's state, and start()
   * runs from it. Refused (SNAPSHOT_*) when it is another machine's or disagrees with itself.
   */
  state?: SnapshotInput;
}

export interface MmMachine {
  readonly arch: Arch;
  readonly kernel: KernelVersion;
  view(): MachineView;
  render(file: ProcName): string;
  sysctl(name: string, value: string | number): MmMachine;
  readSysctl(name: string): string;
  /** plain-data snapshots of each boot stage: firmware, memblock, zones, buddy */
  readonly stages: MachineStages;
  /**
   * What the reader should know ("CODE: message"): what an imported zoneinfo lacked or had unusual,
   * command-line parameters mmbook does not model, watermarks above a zone's managed pages
   * (src/lib/machine-warnings.ts). Recomputed for the machine a sysctl write returns.
   */
  readonly warnings: string[];
  /**
   * A machine imported from /proc/zoneinfo: the layout recognised, the sysctls inferred from it,
   * and mmbook's own recomputation of its derived values (to show beside the dump's); else null.
   */
  imported(): { layout: string; inferred: ImportInfo['inferred']; recomputedView: MachineView } | null;
  /** Run a workload (docs/workload.md) on a fresh run of this machine; the machine itself does not change. */
  workload(spec: unknown, opts?: MmWorkloadOptions): WorkloadResult;
  /**
   * The machine running: a copy of its page state that allocations, frees, sysctl writes and the
   * daemons change (src/lib/run.ts), from the fresh boot or from the boot request's `state`
   * snapshot. opts: { swap, swappiness, daemons: 'auto' | 'manual' } (a snapshot keeps its own).
   * Each call starts anew.
   */
  start(opts?: RunOptions): MmRun;
  /** With a `state` snapshot: how the import compares with the snapshot's files; else null. */
  stateReport(): SnapshotReport | null;
}

class MachineHandle implements MmMachine {
  private cachedStages: MachineStages | null = null;
  private cachedWarnings: string[] | null = null;
  private cachedStateView: MachineView | null = null;
  /** `state`: the snapshot import the machine starts from (view and render show it) */
  constructor(readonly machine: Machine, private readonly state?: SnapshotImport) {}
  get arch(): Arch { return this.machine.profile.arch; }
  get kernel(): KernelVersion { return this.machine.profile.kernel; }
  view(): MachineView {
    if (!this.state) return this.machine.view();
    this.cachedStateView ??= runView(this.state.rs);
    return this.cachedStateView;
  }
  render(file: ProcName): string { return this.state ? renderProc(this.view(), file) : this.machine.render(file); }
  sysctl(name: string, value: string | number): MmMachine {
    if (!this.state) return new MachineHandle(this.machine.sysctl(name, value));
    // a write at the snapshot's moment: the handler recomputes from the running machine's managed pages
    const rs = this.state.rs.clone();
    rs.sysctl(name, value);
    return new MachineHandle(this.machine.sysctl(name, value), { rs, report: this.state.report });
  }
  readSysctl(name: string): string { return this.machine.readSysctl(name); }
  start(opts: RunOptions = {}): MmRun {
    checkRunOptions(opts);
    return new RunHandle(this.state ? startImported(this.state, opts) : this.machine.start(opts));
  }
  stateReport(): SnapshotReport | null { return this.state ? this.state.report : null; }
  imported(): ReturnType<MmMachine['imported']> {
    const m = this.machine;
    if (!(m instanceof ImportedMachine)) return null;
    return { layout: m.imported.layout, inferred: m.imported.inferred, recomputedView: m.recomputedView() };
  }
  workload(spec: unknown, opts?: MmWorkloadOptions): WorkloadResult { return workloadOn(this.runTarget(), spec, opts); }
  /** What runs start from: the booted machine, or (with a `state` snapshot) a run started from the snapshot. */
  runTarget(): Machine | RunningMachine { return this.state ? startImported(this.state) : this.machine; }
  get stages(): MachineStages {
    this.cachedStages ??= machineStages(this.machine);
    return this.cachedStages;
  }
  get warnings(): string[] {
    this.cachedWarnings ??= [...(this.machine.parts.warnings ?? []), ...machineWarnings(this.machine), ...(this.state?.report.warnings ?? [])];
    return [...this.cachedWarnings];
  }
  /** What `mmbook run --json` writes for a machine value: its identity and zone state, not its page arrays. */
  toJSON(): { arch: Arch; kernel: KernelVersion; view: MachineView } {
    return { arch: this.arch, kernel: this.kernel, view: this.view() };
  }
}

/** RunOptions from a notebook: only the known fields, each of its type (RUN_OPTIONS names the field). */
function checkRunOptions(opts: RunOptions): RunOptions {
  const where = 'machine.start';
  if (!opts || typeof opts !== 'object') throw new MmError('RUN_OPTIONS', `machine.start(opts): opts must be an object, got ${String(opts)}`, where);
  for (const k of Object.keys(opts)) if (!['swap', 'swappiness', 'daemons'].includes(k)) throw new MmError('RUN_OPTIONS', `machine.start(opts): unknown option '${k}' (known: swap, swappiness, daemons)`, where);
  if (opts.swap !== undefined && typeof opts.swap !== 'boolean') throw new MmError('RUN_OPTIONS', `machine.start(opts): swap must be true or false, got ${String(opts.swap)}`, where);
  if (opts.swappiness !== undefined && !(Number.isInteger(opts.swappiness) && opts.swappiness >= 0 && opts.swappiness <= 200)) throw new MmError('RUN_OPTIONS', `machine.start(opts): swappiness must be an integer in 0..200 (vm.swappiness), got ${String(opts.swappiness)}`, where);
  if (opts.daemons !== undefined && opts.daemons !== 'auto' && opts.daemons !== 'manual') throw new MmError('RUN_OPTIONS', `machine.start(opts): daemons must be 'auto' or 'manual', got ${String(opts.daemons)}`, where);
  return opts;
}

function sysctlList(s: MmBootRequest['sysctls']): Array<[string, string | number]> {
  if (!s) return [];
  return Array.isArray(s) ? s : Object.entries(s);
}

function boot(req: MmBootRequest): MmMachine {
  let fx: Fixture | undefined;
  if (req.fixture !== undefined) {
    fx = fixture(req.fixture);
    if (!fx) throw new MmError('UNKNOWN_FIXTURE', `no built-in machine '${req.fixture}'; known: ${fixtures().map((f) => f.name).join(', ')}`);
  }
  const arch = req.arch ?? req.topology?.arch ?? fx?.arch;
  const kernel = req.kernel ?? req.topology?.kernel ?? fx?.kernel;
  if (!arch || !kernel) throw new MmError('BOOT_INPUT', `mm.boot needs arch and kernel (or a built-in machine: ${fixtures().map((f) => f.name).join(', ')})`);
  if (req.topology) checkTopologyLimits(req.topology);
  const sysctls = sysctlList(req.sysctls);
  if (req.zoneinfo === undefined && (req.buddyinfo !== undefined || req.pagetypeinfo !== undefined)) {
    throw new MmError('BOOT_INPUT', 'buddyinfo and pagetypeinfo give the free lists of a machine imported from its zoneinfo: paste the zoneinfo too');
  }
  if (req.state !== undefined && req.zoneinfo !== undefined) {
    throw new MmError('BOOT_INPUT', 'state starts a machine booted from its firmware inputs (dtb, e820, topology or a built-in machine) from a snapshot; a zoneinfo import has no page state to put it in');
  }
  if (req.zoneinfo !== undefined) {
    return new MachineHandle(bootFromZoneinfo({ arch, kernel, zoneinfo: req.zoneinfo, buddyinfo: req.buddyinfo, pagetypeinfo: req.pagetypeinfo, cmdline: req.cmdline, cpus: req.cpus, kconfig: req.kconfig, bootLog: req.bootLog, sysctls }));
  }
  const r: BootRequest = {
    arch,
    kernel,
    dtb: req.dtb ?? (req.topology || req.e820 ? undefined : fx?.dtb),
    e820: req.e820 ?? (req.topology || req.dtb ? undefined : fx?.e820),
    topology: req.topology ? { ...req.topology, arch, kernel } : undefined,
    cmdline: req.cmdline ?? (req.topology ? undefined : fx?.cmdline),
    cpus: req.cpus ?? (req.topology ? undefined : fx?.cpus),
    bootLog: req.bootLog ?? (fx && !req.model && !req.topology && !req.dtb && !req.e820 && kernel === fx.kernel && arch === fx.arch && (req.cmdline === undefined || req.cmdline === fx.cmdline) ? fx.bootLog : undefined),
    reserved: req.reserved,
    kconfig: req.kconfig,
    sysctls,
    onStage: req.onStage,
  };
  const machine = bootMachine(r);
  return new MachineHandle(machine, req.state !== undefined ? importSnapshot(machine, req.state) : undefined);
}

/** A declarative machine inside the shared limits (src/lib/limits.ts), or TOPOLOGY_INVALID naming the field. */
function checkTopologyLimits(t: NonNullable<MmBootRequest['topology']>): void {
  for (const k of ['ramMiB', 'nodes', 'cpus'] as const) {
    if (t[k] === undefined && k !== 'ramMiB') continue;
    const problem = limitProblem(k, t[k]);
    if (problem) throw new MmError('TOPOLOGY_INVALID', problem, `topology.${k}`);
  }
}

export interface MmDefaults {
  zoneNames: string[];
  /** the sysctls as /proc/sys prints them before any write */
  sysctls: Record<string, string>;
  /** valid ranges of the numeric sysctls for this kernel */
  ranges: Record<string, { min: number; max: number }>;
  kernelConfig: ReturnType<typeof defaultKernelConfig>;
}

function defaults(arch: Arch, kernel: KernelVersion): MmDefaults {
  const cfg = defaultKernelConfig(arch, kernel);
  const names = zoneNames(arch, cfg);
  const fraction = `vm.${versionRules(kernel).pcp.fractionSysctl}`;
  return {
    zoneNames: names,
    sysctls: {
      'vm.watermark_scale_factor': '10',
      'vm.watermark_boost_factor': '15000',
      'vm.lowmem_reserve_ratio': names.map(defaultLowmemReserveRatio).join('\t'),
      [fraction]: '0',
    },
    ranges: {
      'vm.min_free_kbytes': { min: 0, max: 2 ** 31 - 1 },
      'vm.watermark_scale_factor': { min: 1, max: watermarkScaleFactorMax(kernel) },
      'vm.watermark_boost_factor': { min: 0, max: 2 ** 31 - 1 },
      [fraction]: { min: 0, max: 2 ** 31 - 1 },
    },
    kernelConfig: cfg,
  };
}

/** The simulator's booted machine behind an mm machine. */
export function bootedMachine(m: MmMachine): Machine {
  if (!(m instanceof MachineHandle)) throw new MmError('BAD_MACHINE', 'not a machine from mm.boot');
  return m.machine;
}

/** What a workload on an mm machine starts from (the worker runs workloads on it): the booted machine, or a run from its `state` snapshot. */
export function simMachine(m: MmMachine): Machine | RunningMachine {
  if (!(m instanceof MachineHandle)) throw new MmError('BAD_MACHINE', 'not a machine from mm.boot');
  return m.runTarget();
}

/** mm.workload(machine, spec, opts): run a workload on a booted machine (see MmMachine.workload). */
function workload(machine: MmMachine, spec: unknown, opts?: MmWorkloadOptions): WorkloadResult {
  if (!machine || typeof (machine as Partial<MmMachine>).workload !== 'function') {
    throw new MmError('WORKLOAD_MACHINE', 'mm.workload(machine, spec): the first argument must be a machine from mm.boot(...)');
  }
  return machine.workload(spec, opts);
}

/** mm.check(machineOrView, request): can this allocation succeed now? (src/lib/check.ts) */
function check(machineOrView: MmMachine | MachineView | WorkloadResult, request: CheckRequest): AllocationCheck {
  return checkOn(machineOrView, request, (m) => (m instanceof MachineHandle ? { machine: m.machine, view: m.view() } : null));
}

export const mm = {
  boot,
  /** run a workload spec (streams of allocations, timed events) on a booted machine; returns its time series */
  workload,
  /** the built-in machines (real device trees and e820 maps from the oracle boots) */
  fixtures: (): Fixture[] => fixtures(),
  defaults,
  sysctlNames: (kernel: KernelVersion): string[] => tunableSysctlNames(kernel).map((n) => `vm.${n}`),
  /** the largest machine mmbook simulates (src/lib/limits.ts), the same in the browser and the CLI */
  limits: LIMITS,
  /** replay a real ftrace recording through the simulator's allocator (src/lib/replay.ts); async */
  replay,
  /** explain a kernel "page allocation failure" (or OOM killer) report pasted from dmesg: `mmbook explain` as data */
  explain,
  /** the same request on the same free pages after sysctl writes (an explanation from mm.explain) */
  recheck,
  /** can an order-N allocation with these GFP flags succeed on this machine (or view) now? per zone, the kernel's arithmetic */
  check,
  /** the allocation-failure reports shipped with the app (one real, the others hand-written in real layouts) */
  reports: (): AllocReport[] => allocReports(),
  /** the ftrace recordings shipped with the app (real excerpts of the run-time oracle's: src/lib/fixtures/recordings.ts) */
  recordings: (): RecordingInfo[] => recordingInfos(),
  /** a shipped recording's files: the trace (gzip), its machine (for mm.boot), its starting snapshot (for mm.replay) and the real kernel's state at its marks */
  recording: (name: string): Promise<Recording> => loadRecording(name, readRecordingFileNode),
};

export type Mm = typeof mm;
