/**
 * The simulator worker's API: the one place its methods are declared, with their argument and
 * result types. The worker's dispatch table (mm.worker.ts) must implement exactly these, and the
 * page gets a proxy with the same methods (rpc-client.ts), so adding a method is one line here
 * plus its implementation in mm.worker.ts.
 *
 * - `root` is the worker itself; `machine` is a booted machine kept in the worker by handle.
 * - A method returning `Handle<'machine', MachineInfo>` hands the page a new machine (sysctl
 *   returns one, as a run-time write does not change the booted machine).
 * - `{long: true}` methods report progress and can be cancelled (boot; later workloads and replays).
 */
import type { Fixture } from '../../lib/fixtures/fixture';
import type { MmBootRequest, MmDefaults, MmMachine } from '../../lib/mm';
import type { MmReplayRequest } from '../../lib/replay';
import type { ReplayResult } from '../../sim/replay/replay';
import type { MachineStages } from '../../lib/stages';
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

export const api = {
  root: {
    fixtures: method<[], Fixture[]>(),
    defaults: method<[arch: Arch, kernel: Kernel], MmDefaults>(),
    sysctlNames: method<[kernel: Kernel], string[]>(),
    boot: method<[req: WireBootRequest], MachineHandle>({ long: true }),
  },
  machine: {
    view: method<[], View>(),
    render: method<[file: ProcName], string>(),
    readSysctl: method<[name: string], string>(),
    sysctl: method<[name: string, value: string | number], MachineHandle>(),
    replay: method<[req: WireReplayRequest], ReplayResult>({ long: true }),
  },
} satisfies ApiSet;

export type MmWorkerApi = typeof api;
