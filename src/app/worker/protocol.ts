/** Messages between the page (mm-remote.ts) and the simulator worker (mm.worker.ts). */
export type WorkerRequest =
  | { id: number; op: 'boot'; req: unknown }
  | { id: number; op: 'static'; method: 'fixtures' | 'defaults' | 'sysctlNames'; args: unknown[] }
  | { id: number; op: 'call'; handle: number; method: 'view' | 'render' | 'readSysctl' | 'sysctl' | 'release'; args: unknown[] };

export type WorkerReply =
  | { id: number; kind: 'progress'; stage: string; fraction: number }
  | { id: number; kind: 'ok'; value: unknown }
  | { id: number; kind: 'machine'; handle: number; view: unknown; stages: unknown; arch: string; kernel: string }
  | { id: number; kind: 'error'; code: string; message: string };

/** A request without its id (distributes over the union). */
export type WorkerRequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
