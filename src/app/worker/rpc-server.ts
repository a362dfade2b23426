/**
 * The worker side of the RPC (rpc.ts): a dispatch table typed from the API definition, objects
 * kept by handle, progress messages, cooperative cancellation and handle release.
 */
import { CancelledError, type ApiSet, type ArgsOf, type CallContext, type Handle, type ResultOf, type RpcControl, type RpcReply, type RpcRequest } from './rpc';

/** What each object kind is in the worker (`root` is the worker itself: undefined). */
export type Selves<Apis extends ApiSet> = { [K in keyof Apis]: unknown } & { root: undefined };

export interface ServerContext<S> extends CallContext {
  /** keeps `obj` in the worker and returns its handle (with `info` for the page) */
  adopt<K extends keyof S & string, I>(kind: K, obj: S[K], info: I): Handle<K, I>;
}

/** The dispatch table: one function per declared method, each given its object, its arguments and the context. */
export type Impl<Apis extends ApiSet, S extends Selves<Apis>> = {
  [K in keyof Apis]: {
    [M in keyof Apis[K]]: (self: S[K], args: ArgsOf<Apis[K][M]>, ctx: ServerContext<S>) => ResultOf<Apis[K][M]> | Promise<ResultOf<Apis[K][M]>>;
  };
};

export interface Port {
  postMessage(m: RpcReply): void;
  onmessage: ((ev: MessageEvent) => void) | null;
}

type Call = (self: unknown, args: unknown[], ctx: ServerContext<Record<string, unknown>>) => unknown;

/** Serves `impl` on `port` (the worker's global scope). */
export function serve<Apis extends ApiSet, S extends Selves<Apis>>(port: Port, impl: Impl<Apis, S>): void {
  const objects = new Map<number, { kind: string; obj: unknown }>();
  const running = new Map<number, AbortController>();
  let nextHandle = 1;

  const adopt = (kind: string, obj: unknown, info: unknown): Handle<string, unknown> => {
    const handle = nextHandle++;
    objects.set(handle, { kind, obj });
    return { $handle: kind, handle, info };
  };

  async function call(msg: RpcRequest<Apis>): Promise<void> {
    const abort = new AbortController();
    running.set(msg.id, abort);
    const ctx: ServerContext<Record<string, unknown>> = {
      progress: (stage, fraction) => port.postMessage({ type: 'progress', id: msg.id, stage, fraction }),
      signal: abort.signal,
      checkpoint: async () => {
        await new Promise((r) => setTimeout(r, 0));
        if (abort.signal.aborted) throw new CancelledError('cancelled by the page');
      },
      adopt: adopt as ServerContext<Record<string, unknown>>['adopt'],
    };
    try {
      let self: unknown;
      if (msg.target !== 0) {
        const o = objects.get(msg.target);
        if (!o) throw Object.assign(new Error(`${msg.kind} handle ${msg.target} was released`), { code: 'WORKER_HANDLE' });
        if (o.kind !== msg.kind) throw Object.assign(new Error(`handle ${msg.target} is a ${o.kind}, not a ${msg.kind}`), { code: 'WORKER_PROTOCOL' });
        self = o.obj;
      }
      const table = (impl as unknown as Record<string, Record<string, Call>>)[msg.kind];
      const fn = table && Object.prototype.hasOwnProperty.call(table, msg.method) ? table[msg.method] : undefined;
      if (!fn) throw Object.assign(new Error(`no method ${msg.kind}.${msg.method}`), { code: 'WORKER_PROTOCOL' });
      const value = await fn(self, msg.args as unknown[], ctx);
      port.postMessage({ type: 'ok', id: msg.id, value });
    } catch (e) {
      const err = e as { code?: unknown; message?: unknown };
      port.postMessage({ type: 'error', id: msg.id, code: typeof err?.code === 'string' ? err.code : 'INTERNAL', message: typeof err?.message === 'string' ? err.message : String(e) });
    } finally {
      running.delete(msg.id);
    }
  }

  port.onmessage = (ev: MessageEvent<RpcRequest<Apis> | RpcControl>) => {
    const msg = ev.data;
    if (msg.type === 'cancel') running.get(msg.id)?.abort();
    else if (msg.type === 'release') objects.delete(msg.target);
    else void call(msg);
  };
}
