/**
 * The typed RPC between the page and the simulator worker, generic over an API definition
 * (api.ts): each method is declared once with `method<Args, Result>()`, and from that come the
 * message types below, the worker's dispatch table type (`Impl`, rpc-server.ts) and the page-side
 * proxy type (`RemoteOf`, rpc-client.ts).
 *
 * Objects that live in the worker (a booted machine, later a run state) are *handles*: a method
 * whose result type is `Handle<'kind'>` gives the page a proxy of that kind's API, plus the plain
 * `info` the worker sent with it. A long method (`{long: true}`) reports progress and takes a
 * cooperative cancel message; the page can always stop waiting (and, for a synchronous method,
 * terminate the worker).
 */

/** A declared method: its argument tuple and result, as types only; `long` is known at run time too. */
export interface MethodSpec<A extends unknown[] = unknown[], R = unknown> {
  readonly long?: boolean;
  /** type carriers, never set */
  readonly __args?: A;
  readonly __result?: R;
}

/** Declares a method of an API (see api.ts). */
export function method<A extends unknown[], R>(opts: { long?: boolean } = {}): MethodSpec<A, R> {
  return opts.long ? { long: true } : {};
}

/**
 * The result of a method that makes a new object of kind K in the worker, with the plain-data
 * `info` the page can read without a round trip. This is also its wire form.
 */
export interface Handle<K extends string, I> { readonly $handle: K; readonly handle: number; readonly info: I }

export type ApiSpec = Record<string, MethodSpec>;
/** The APIs a worker serves, by object kind; `root` is the worker itself. */
export type ApiSet = { root: ApiSpec } & Record<string, ApiSpec>;

export type ArgsOf<S> = S extends MethodSpec<infer A, unknown> ? A : never;
export type ResultOf<S> = S extends MethodSpec<unknown[], infer R> ? R : never;

export function isHandle(v: unknown): v is Handle<string, unknown> {
  return !!v && typeof v === 'object' && typeof (v as Handle<string, unknown>).$handle === 'string' && typeof (v as Handle<string, unknown>).handle === 'number';
}

/** Page → worker. `target` is 0 for root, else a handle. */
export type RpcRequest<Apis extends ApiSet> = {
  [K in keyof Apis & string]: { [M in keyof Apis[K] & string]: { type: 'call'; id: number; kind: K; target: number; method: M; args: ArgsOf<Apis[K][M]> } }[keyof Apis[K] & string]
}[keyof Apis & string];

export type RpcControl =
  | { type: 'cancel'; id: number }
  | { type: 'release'; target: number };

/** Worker → page. */
export type RpcReply =
  | { type: 'progress'; id: number; stage: string; fraction: number }
  | { type: 'ok'; id: number; value: unknown }
  | { type: 'error'; id: number; code: string; message: string };

/** What a method implementation gets besides its arguments. */
export interface CallContext {
  /** progress of a long method: the stage it is in and the share done (0…1) */
  progress(stage: string, fraction: number): void;
  /** aborted when the page cancels the call */
  readonly signal: AbortSignal;
  /** lets the worker read a cancel message; throws CANCELLED when the call was cancelled */
  checkpoint(): Promise<void>;
}

export class RpcError extends Error {
  constructor(readonly code: string, message: string) { super(message); this.name = 'MmError'; }
}

export class CancelledError extends RpcError {
  constructor(message = 'superseded by a newer request') { super('CANCELLED', message); this.name = 'CancelledError'; }
}
