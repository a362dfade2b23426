/**
 * The `mm` builtin in the browser: the same names as src/lib/mm.ts, but every call is answered by
 * a Web Worker through the typed RPC of worker/api.ts, so notebooks write `await mm.boot(...)`,
 * `await machine.sysctl(...)` (which also works against the synchronous Node API).
 *
 * Workers: the first one is started for fixtures() and the like, and the first boot takes it over
 * (one worker script download for a notebook that boots once). Every later boot gets a worker of
 * its own, so that a boot still running when a newer one with the same key is requested is
 * cancelled by terminating its worker. Finished machines stay in their worker (at most MAX_LIVE
 * boot workers; the oldest is dropped).
 *
 * Workloads run in the worker that holds their machine (a long call: progress, cooperative
 * cancellation). The abort of the `signal` passed (a cell's `signal`, aborted when the cell re-runs
 * or is invalidated) cancels a running one, and so does a newer workload with the same `key` when
 * one is given (without a key, two cells' workloads run side by side: an A/B pair must not cancel
 * each other).
 */
import { LIMITS } from '../lib/limits';
import { api, type MachineInfo, type MmWorkerApi, type WireBootRequest, type WireReplayRequest } from './worker/api';
import type { WorkloadResult, WorkloadSpec } from '../sim/workload/index';
import type { AllocationCheck, CheckRequest, ExplainInput, MachineView, SysctlWrites } from '../sim/index';
import type { MmExplainOptions, MmExplanation, MmRecheck } from '../lib/explain';
import { CancelledError, RpcError } from './worker/rpc';
import { RpcClient, type LocalAnswers, type RemoteObject } from './worker/rpc-client';
import type { Recording, RecordingInfo } from '../lib/fixtures/recordings';
import { recording, recordings } from './recording-files';

export { CancelledError, RpcError as RemoteError };

export interface Progress { active: boolean; stage: string; fraction: number }
export type ProgressListener = (p: Progress) => void;

/** A machine in the worker: its methods (async), and arch, kernel, warnings, stages as properties. */
export type RemoteMachine = RemoteObject<MmWorkerApi, 'machine', MachineInfo>;

const MAX_LIVE = 4;
/** machine.view() answers from the state the worker sent with the machine (the slider path stays one round trip) */
const LOCAL: LocalAnswers = { machine: { view: (info) => info.snapshot } };

export interface RemoteWorkloadOptions {
  key?: string;
  signal?: AbortSignal;
  onProgress?: (stage: string, fraction: number) => void;
}

export interface RemoteMm {
  boot(req: WireBootRequest, opts?: { key?: string }): Promise<RemoteMachine>;
  /** run a workload on a machine in its worker; opts.signal aborts it, a newer one with the same opts.key cancels a stale one */
  workload(machine: RemoteMachine, spec: WorkloadSpec, opts?: RemoteWorkloadOptions): Promise<WorkloadResult>;
  /** mm.replay({ machine, trace, … }): the machine's worker replays the trace, with progress (src/lib/replay.ts); signal aborts it */
  replay(req: WireReplayRequest & { machine: RemoteMachine; signal?: AbortSignal }): Promise<unknown>;
  /** explain a kernel allocation-failure report (mm.explain, src/lib/explain.ts) */
  explain(text: string, opts?: MmExplainOptions): Promise<MmExplanation>;
  /** an explanation re-checked after sysctl writes */
  recheck(explained: MmExplanation | ExplainInput, sysctls?: SysctlWrites): Promise<MmRecheck>;
  /** can this allocation succeed now, on a machine, a view or a workload result (src/lib/check.ts) */
  check(machineOrView: RemoteMachine | MachineView | WorkloadResult, request: CheckRequest): Promise<AllocationCheck>;
  /** the allocation-failure reports shipped with the app */
  reports(): Promise<unknown>;
  fixtures(): Promise<unknown>;
  /** the ftrace recordings shipped with the app, and one of them with its files (fetched from the site, on the page) */
  recordings(): Promise<RecordingInfo[]>;
  recording(name: string): Promise<Recording>;
  defaults(arch: string, kernel: string): Promise<unknown>;
  sysctlNames(kernel: string): Promise<unknown>;
  readonly limits: typeof LIMITS;
  onProgress(fn: ProgressListener): () => void;
  readonly cancelled: number;
  /** workers started so far (the tests check that a notebook that boots once starts one) */
  readonly workersStarted: number;
  dispose(): void;
}

type Statics = 'fixtures' | 'defaults' | 'sysctlNames' | 'reports';

const isView = (v: unknown): v is MachineView => !!v && typeof v === 'object' && Array.isArray((v as MachineView).nodes) && Array.isArray((v as MachineView).zoneNames);

export function createRemoteMm(makeWorker: () => Worker): RemoteMm {
  let started = 0;
  const spawn = (): RpcClient<MmWorkerApi> => { started++; return new RpcClient(makeWorker(), api, LOCAL); };
  const live: Array<RpcClient<MmWorkerApi>> = [];
  /** the worker for fixtures() & co; the first boot takes it over when it is idle */
  let utility: RpcClient<MmWorkerApi> | undefined;
  const statics = new Map<string, Promise<unknown>>();
  function callStatic(method: Statics, args: unknown[]): Promise<unknown> {
    const key = JSON.stringify([method, args]);
    let p = statics.get(key);
    if (!p) {
      if (!utility || utility.dead) utility = spawn();
      p = utility.call('root', 0, method, args as never);
      p.catch(() => statics.delete(key));
      statics.set(key, p);
    }
    return p.then((v) => structuredClone(v));
  }
  /** a worker for a quick root call that is not cached (explain, check of a view): the utility one, else the newest machine's */
  function anyWorker(): RpcClient<MmWorkerApi> {
    if (utility && !utility.dead) return utility;
    for (let i = live.length - 1; i >= 0; i--) if (!live[i]!.dead) return live[i]!;
    utility = spawn();
    return utility;
  }
  function bootWorker(): RpcClient<MmWorkerApi> {
    const spare = utility;
    if (spare && !spare.dead && !spare.busy && live.length === 0) { utility = undefined; return spare; }
    return spawn();
  }

  /** in-flight boot per key: a newer boot with the same key cancels the older one */
  const inflight = new Map<string, RpcClient<MmWorkerApi>>();
  let cancelled = 0;
  const listeners = new Set<ProgressListener>();
  const emit = (p: Progress): void => { for (const fn of listeners) fn(p); };

  async function boot(req: WireBootRequest, opts: { key?: string } = {}): Promise<RemoteMachine> {
    const key = opts.key ?? 'default';
    const stale = inflight.get(key);
    if (stale) { cancelled++; stale.fail(new CancelledError('superseded by a newer boot request')); }
    const host = bootWorker();
    inflight.set(key, host);
    live.push(host);
    while (live.length > MAX_LIVE) live.shift()!.fail(new RpcError('WORKER_GONE', 'machine dropped'));
    // the bar only moves forward within a boot (the worker starts its stages from 0 after 'starting simulator')
    let shown = 0.02;
    emit({ active: true, stage: 'starting simulator', fraction: shown });
    try {
      const machine = await host.call('root', 0, 'boot', [req], {
        onProgress: (stage, fraction) => {
          if (inflight.get(key) !== host) return;
          shown = Math.max(shown, fraction);
          emit({ active: true, stage, fraction: shown });
        },
      });
      // whether its worker still holds it (the A/B sessions share boots: src/app/ab/shared-boots.ts)
      Object.defineProperty(machine, 'alive', { get: () => !host.dead, enumerable: false });
      return machine;
    } finally {
      if (inflight.get(key) === host) { inflight.delete(key); if (inflight.size === 0 && running.size === 0) emit({ active: false, stage: 'done', fraction: 1 }); }
    }
  }

  /** running workloads by key (a run without a key has its own) */
  const running = new Map<string | symbol, AbortController>();
  async function workload(machine: RemoteMachine, spec: WorkloadSpec, opts: RemoteWorkloadOptions = {}): Promise<WorkloadResult> {
    if (!machine || typeof (machine as Partial<RemoteMachine>).call !== 'function') {
      throw new RpcError('WORKLOAD_MACHINE', 'mm.workload(machine, spec): the first argument must be a machine from mm.boot(...)');
    }
    const key = opts.key ?? Symbol('workload');
    const stale = running.get(key);
    if (stale) { cancelled++; stale.abort(); }
    const ctl = new AbortController();
    running.set(key, ctl);
    const stop = (): void => ctl.abort();
    opts.signal?.addEventListener('abort', stop, { once: true });
    if (opts.signal?.aborted) ctl.abort();
    emit({ active: true, stage: 'workload', fraction: 0 });
    try {
      return await machine.call('workload', [spec], {
        signal: ctl.signal,
        onProgress: (stage, fraction) => {
          if (running.get(key) !== ctl) return;
          emit({ active: true, stage, fraction });
          opts.onProgress?.(stage, fraction);
        },
      });
    } finally {
      opts.signal?.removeEventListener('abort', stop);
      if (running.get(key) === ctl) { running.delete(key); if (running.size === 0 && inflight.size === 0) emit({ active: false, stage: 'done', fraction: 1 }); }
    }
  }

  async function replay(req: WireReplayRequest & { machine: RemoteMachine; signal?: AbortSignal }): Promise<unknown> {
    const { machine, signal, ...rest } = req;
    if (!machine || typeof (machine as Partial<RemoteMachine>).call !== 'function') {
      throw new RpcError('REPLAY_MACHINE', 'mm.replay({machine, trace}): machine must be a machine from mm.boot(...)');
    }
    const ctl = new AbortController();
    const key = Symbol('replay');
    running.set(key, ctl);
    const stop = (): void => ctl.abort();
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) ctl.abort();
    emit({ active: true, stage: 'replaying', fraction: 0 });
    try {
      return await machine.call('replay', [rest], { signal: ctl.signal, onProgress: (stage, fraction) => emit({ active: true, stage, fraction }) });
    } finally {
      signal?.removeEventListener('abort', stop);
      running.delete(key);
      if (running.size === 0 && inflight.size === 0) emit({ active: false, stage: 'done', fraction: 1 });
    }
  }

  async function check(target: RemoteMachine | MachineView | WorkloadResult, request: CheckRequest): Promise<AllocationCheck> {
    if (target && typeof (target as Partial<RemoteMachine>).call === 'function') return (target as RemoteMachine).check(request);
    if (isView(target)) return anyWorker().call('root', 0, 'check', [target, request]);
    const result = target as Partial<WorkloadResult> | null;
    if (result && isView(result.final)) {
      const swap = (result.spec as { swap?: boolean } | undefined)?.swap === true;
      return anyWorker().call('root', 0, 'check', [result.final, request && typeof request === 'object' && request.swap === undefined ? { ...request, swap } : request]);
    }
    throw new RpcError('CHECK_MACHINE', 'mm.check(machineOrView, request): the first argument must be a machine from mm.boot(…), a MachineView (machine.view(), a workload result\'s final) or a workload result');
  }

  return {
    boot,
    workload,
    replay,
    explain: (text, opts) => anyWorker().call('root', 0, 'explain', opts === undefined ? [text] : [text, opts]),
    recheck: (explained, sysctls) => anyWorker().call('root', 0, 'recheck', [explained, sysctls ?? []]),
    check,
    reports: () => callStatic('reports', []),
    fixtures: () => callStatic('fixtures', []),
    recordings: async () => recordings(),
    recording,
    defaults: (arch, kernel) => callStatic('defaults', [arch, kernel]),
    sysctlNames: (kernel) => callStatic('sysctlNames', [kernel]),
    limits: LIMITS,
    onProgress(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    get cancelled() { return cancelled; },
    get workersStarted() { return started; },
    dispose() { for (const c of running.values()) c.abort(); running.clear(); for (const h of live.splice(0)) h.fail(new CancelledError()); utility?.fail(new CancelledError()); },
  };
}
