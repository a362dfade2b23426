/** A Web Worker stand-in for tests of the browser `mm`: MessageChannel ports, the worker end serving the simulator's RPC table. */
import { MessageChannel } from 'node:worker_threads';
import type { WorkerLike } from '../../src/app/worker/rpc-client';
import { serve, type Port } from '../../src/app/worker/rpc-server';
import { impl } from '../../src/app/worker/mm-impl';

export interface FakeWorker extends WorkerLike { terminated: boolean; close(): void }

/** A worker whose other end runs mm-impl.ts in this thread. */
export function fakeMmWorker(): FakeWorker {
  const { port1, port2 } = new MessageChannel();
  const worker: FakeWorker = {
    terminated: false,
    onmessage: null,
    onerror: null,
    postMessage: (m: unknown) => port1.postMessage(m),
    terminate() { worker.terminated = true; port1.close(); port2.close(); },
    close() { port1.close(); port2.close(); },
  };
  port1.on('message', (data) => worker.onmessage?.({ data } as MessageEvent));
  const serverPort: Port = { postMessage: (m) => port2.postMessage(m), onmessage: null };
  port2.on('message', (data) => serverPort.onmessage?.({ data } as MessageEvent));
  serve(serverPort, impl);
  return worker;
}
