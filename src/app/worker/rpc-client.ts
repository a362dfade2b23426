/**
 * The page side of the RPC (rpc.ts): one client per worker. `client.root` and every handle the
 * worker returns are plain objects built from the API definition, with one async function per
 * declared method and the handle's info fields as properties.
 */
import { CancelledError, isHandle, RpcError, type ApiSet, type ArgsOf, type Handle, type ResultOf, type RpcControl, type RpcReply, type RpcRequest } from './rpc';

export interface CallOptions {
  /** progress of a long method */
  onProgress?: (stage: string, fraction: number) => void;
  /** aborting stops waiting at once (CANCELLED) and asks the worker to cancel */
  signal?: AbortSignal;
}

/** What a method result is on the page: a handle becomes a proxy object, anything else is the value. */
export type PageResult<Apis extends ApiSet, R> = R extends Handle<infer K, infer I> ? (K extends keyof Apis ? RemoteObject<Apis, K, I> : never) : R;
export type RemoteApi<Apis extends ApiSet, S> = { [M in keyof S]: (...args: ArgsOf<S[M]>) => Promise<PageResult<Apis, ResultOf<S[M]>>> };
/**
 * A worker object on the page: its methods, its info, its handle; release() lets the worker drop it;
 * call(method, args, opts) calls a method with per-call options (progress and cancellation of a long method).
 */
export type RemoteObject<Apis extends ApiSet, K extends keyof Apis, I> = RemoteApi<Apis, Apis[K]> & I & {
  readonly handle: number;
  release(): void;
  call<M extends keyof Apis[K] & string>(method: M, args: ArgsOf<Apis[K][M]>, opts?: CallOptions): Promise<PageResult<Apis, ResultOf<Apis[K][M]>>>;
};

/** Methods answered on the page from a handle's info (no round trip), by kind and method. */
export type LocalAnswers = Record<string, Record<string, (info: Record<string, unknown>) => unknown>>;

export interface WorkerLike {
  postMessage(m: RpcRequest<ApiSet> | RpcControl): void;
  onmessage: ((ev: MessageEvent<RpcReply>) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  terminate(): void;
}

interface Pending { resolve(v: unknown): void; reject(e: unknown): void; opts: CallOptions; kind: string; info?: Record<string, unknown> }

export class RpcClient<Apis extends ApiSet> {
  readonly root: RemoteApi<Apis, Apis['root']>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  dead = false;
  /** calls made on this worker (a fresh worker has none) */
  calls = 0;

  constructor(private readonly worker: WorkerLike, private readonly apis: Apis, private readonly local: LocalAnswers = {}) {
    this.root = this.object('root', 0, {}) as unknown as RemoteApi<Apis, Apis['root']>;
    worker.onmessage = (ev) => this.receive(ev.data);
    worker.onerror = (ev) => { ev.preventDefault?.(); this.fail(new RpcError('WORKER_CRASH', ev.message || 'simulator worker failed')); };
  }

  /** Calls `kind.method` on `target` (0 = root) with per-call options (progress, cancellation). */
  call<K extends keyof Apis & string, M extends keyof Apis[K] & string>(
    kind: K, target: number, method: M, args: ArgsOf<Apis[K][M]>, opts: CallOptions = {}, info?: Record<string, unknown>,
  ): Promise<PageResult<Apis, ResultOf<Apis[K][M]>>> {
    if (this.dead) return Promise.reject(new RpcError('WORKER_GONE', 'this machine was dropped from memory; re-run the cell that booted it'));
    if (opts.signal?.aborted) return Promise.reject(new CancelledError());
    const id = this.nextId++;
    this.calls++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, opts, kind, info });
      opts.signal?.addEventListener('abort', () => {
        if (!this.pending.delete(id)) return;
        if (!this.dead) this.worker.postMessage({ type: 'cancel', id });
        reject(new CancelledError());
      }, { once: true });
      this.worker.postMessage({ type: 'call', id, kind, target, method, args } as unknown as RpcRequest<Apis>);
    });
  }

  /** Terminates the worker; every pending call rejects with `e`, every handle of it is gone. */
  fail(e: unknown): void {
    this.dead = true;
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  get busy(): boolean { return this.pending.size > 0; }

  private receive(r: RpcReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    if (r.type === 'progress') { p.opts.onProgress?.(r.stage, r.fraction); return; }
    this.pending.delete(r.id);
    if (r.type === 'error') { p.reject(new RpcError(r.code, r.message)); return; }
    if (!isHandle(r.value)) { p.resolve(r.value); return; }
    // a handle of the same kind as the object it came from keeps the info fields it did not send
    const own = r.value.info as Record<string, unknown>;
    const inherited = r.value.$handle === p.kind && p.info ? { ...p.info, ...definedFields(own) } : own;
    p.resolve(this.object(r.value.$handle, r.value.handle, inherited));
  }

  private object(kind: string, handle: number, info: Record<string, unknown>): Record<string, unknown> {
    const spec = this.apis[kind];
    if (!spec) throw new RpcError('WORKER_PROTOCOL', `the worker returned an object of unknown kind '${kind}'`);
    const o: Record<string, unknown> = { ...info };
    const local = this.local[kind] ?? {};
    for (const m of Object.keys(spec)) {
      const answer = local[m];
      o[m] = answer ? async () => answer(info) : (...args: unknown[]) => this.call(kind, handle, m as never, args as never, {}, info);
    }
    if (handle !== 0) {
      Object.defineProperty(o, 'handle', { value: handle, enumerable: false });
      Object.defineProperty(o, 'release', { value: () => { if (!this.dead) this.worker.postMessage({ type: 'release', target: handle }); }, enumerable: false });
      Object.defineProperty(o, 'call', { value: (m: string, args: unknown[], opts: CallOptions = {}) => this.call(kind, handle, m as never, args as never, opts, info), enumerable: false });
    }
    return o;
  }
}

function definedFields(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
