/**
 * The `mm` builtin in the browser: the same method names as src/lib/mm.ts, but every call is
 * answered by a Web Worker, so notebooks write `await mm.boot(...)`, `await machine.sysctl(...)`
 * (which also works against the synchronous Node API). Each boot gets its own worker; a boot that
 * is still running when a newer boot is requested is cancelled by terminating its worker. Finished
 * machines stay in their worker (at most MAX_LIVE workers; the oldest is dropped).
 */
import type { WorkerReply, WorkerRequest, WorkerRequestBody } from './worker/protocol';

export interface Progress { active: boolean; stage: string; fraction: number }
export type ProgressListener = (p: Progress) => void;

export class CancelledError extends Error {
  readonly code = 'CANCELLED';
  constructor() { super('superseded by a newer boot request'); this.name = 'CancelledError'; }
}
export class RemoteError extends Error {
  constructor(readonly code: string, message: string) { super(message); this.name = 'MmError'; }
}

const MAX_LIVE = 4;

class WorkerHost {
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: unknown) => void; onProgress?: (r: WorkerReply & { kind: 'progress' }) => void }>();
  private nextId = 1;
  dead = false;
  constructor(readonly worker: Worker) {
    worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
      const r = ev.data;
      const p = this.pending.get(r.id);
      if (!p) return;
      if (r.kind === 'progress') { p.onProgress?.(r); return; }
      this.pending.delete(r.id);
      if (r.kind === 'error') p.reject(new RemoteError(r.code, r.message)); else p.resolve(r);
    };
    worker.onerror = (ev) => { ev.preventDefault(); this.fail(new RemoteError('WORKER_CRASH', ev.message || 'simulator worker failed')); };
  }
  send(msg: WorkerRequestBody, onProgress?: (r: WorkerReply & { kind: 'progress' }) => void): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(new RemoteError('WORKER_GONE', 'this machine was dropped from memory; re-run the cell that booted it'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ ...msg, id } as WorkerRequest);
    });
  }
  fail(e: unknown): void {
    this.dead = true;
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

export class RemoteMachine {
  constructor(private readonly host: WorkerHost, private readonly handle: number, private readonly initialView: unknown, readonly stages: unknown,
    readonly arch: string, readonly kernel: string) {}
  /** resolves immediately for the state the worker already sent */
  async view(): Promise<unknown> { return this.initialView; }
  async render(file: string): Promise<string> { return (await this.call('render', [file])) as string; }
  async readSysctl(name: string): Promise<string> { return (await this.call('readSysctl', [name])) as string; }
  async sysctl(name: string, value: string | number): Promise<RemoteMachine> {
    const r = await this.host.send({ op: 'call', handle: this.handle, method: 'sysctl', args: [name, value] });
    if (r.kind !== 'machine') throw new RemoteError('WORKER_PROTOCOL', 'expected a machine');
    return new RemoteMachine(this.host, r.handle, r.view, this.stages, r.arch, r.kernel);
  }
  private async call(method: 'render' | 'readSysctl', args: unknown[]): Promise<unknown> {
    const r = await this.host.send({ op: 'call', handle: this.handle, method, args });
    return r.kind === 'ok' ? r.value : undefined;
  }
}

export interface RemoteMm {
  boot(req: unknown, opts?: { key?: string }): Promise<RemoteMachine>;
  fixtures(): Promise<unknown>;
  defaults(arch: string, kernel: string): Promise<unknown>;
  onProgress(fn: ProgressListener): () => void;
  readonly cancelled: number;
  dispose(): void;
  [k: string]: unknown;
}

/**
 * fixtures() and defaults() are answered by a long-lived utility worker, so the simulator (and the
 * fixture device trees) stay out of the page's bundle.
 */
export function createRemoteMm(makeWorker: () => Worker): RemoteMm {
  const live: WorkerHost[] = [];
  let utility: WorkerHost | undefined;
  const statics = new Map<string, Promise<unknown>>();
  function callStatic(method: 'fixtures' | 'defaults' | 'sysctlNames', args: unknown[]): Promise<unknown> {
    const key = JSON.stringify([method, args]);
    let p = statics.get(key);
    if (!p) {
      if (!utility || utility.dead) utility = new WorkerHost(makeWorker());
      p = utility.send({ op: 'static', method, args }).then((r) => (r.kind === 'ok' ? r.value : undefined));
      p.catch(() => statics.delete(key));
      statics.set(key, p);
    }
    return p.then((v) => structuredClone(v));
  }
  /** in-flight boot per key: a newer boot with the same key cancels the older one */
  const inflight = new Map<string, WorkerHost>();
  let cancelled = 0;
  const listeners = new Set<ProgressListener>();
  const emit = (p: Progress): void => { for (const fn of listeners) fn(p); };

  async function boot(req: unknown, opts: { key?: string } = {}): Promise<RemoteMachine> {
    const key = opts.key ?? 'default';
    const stale = inflight.get(key);
    if (stale) { cancelled++; stale.fail(new CancelledError()); }
    const host = new WorkerHost(makeWorker());
    inflight.set(key, host);
    live.push(host);
    while (live.length > MAX_LIVE) live.shift()!.fail(new RemoteError('WORKER_GONE', 'machine dropped'));
    // the bar only moves forward within a boot (the worker starts its stages from 0 after 'starting simulator')
    let shown = 0.02;
    emit({ active: true, stage: 'starting simulator', fraction: shown });
    try {
      const r = await host.send({ op: 'boot', req }, (p) => {
        if (inflight.get(key) !== host) return;
        shown = Math.max(shown, p.fraction);
        emit({ active: true, stage: p.stage, fraction: shown });
      });
      if (r.kind !== 'machine') throw new RemoteError('WORKER_PROTOCOL', 'expected a machine');
      return new RemoteMachine(host, r.handle, r.view, r.stages, r.arch, r.kernel);
    } finally {
      if (inflight.get(key) === host) { inflight.delete(key); if (inflight.size === 0) emit({ active: false, stage: 'done', fraction: 1 }); }
    }
  }

  return {
    boot,
    fixtures: () => callStatic('fixtures', []),
    defaults: (arch: string, kernel: string) => callStatic('defaults', [arch, kernel]),
    sysctlNames: (kernel: string) => callStatic('sysctlNames', [kernel]),
    onProgress(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    get cancelled() { return cancelled; },
    dispose() { for (const h of live.splice(0)) h.fail(new CancelledError()); utility?.fail(new CancelledError()); },
  };
}
