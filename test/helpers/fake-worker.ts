/** Web Worker stand-ins for tests of the browser `mm` and the worker RPC: MessageChannel ports, the worker end served in this thread. */
import { afterEach } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import type { WorkerLike } from '../../src/app/worker/rpc-client';
import { serve, type Port } from '../../src/app/worker/rpc-server';
import { impl } from '../../src/app/worker/mm-impl';

export interface FakeWorker extends WorkerLike { terminated: boolean; close(): void }

/** The page end of a channel whose other end `start` serves (e.g. `(p) => serve(p, table)`); `log` gets every message posted to the worker. */
export function fakeWorker(start: (port: Port) => void, log?: unknown[]): FakeWorker {
  const { port1, port2 } = new MessageChannel();
  const worker: FakeWorker = {
    terminated: false,
    onmessage: null,
    onerror: null,
    postMessage: (m: unknown) => { log?.push(m); port1.postMessage(m); },
    terminate() { worker.terminated = true; port1.close(); port2.close(); },
    close() { port1.close(); port2.close(); },
  };
  port1.on('message', (data) => worker.onmessage?.({ data } as MessageEvent));
  const serverPort: Port = { postMessage: (m) => port2.postMessage(m), onmessage: null };
  port2.on('message', (data) => serverPort.onmessage?.({ data } as MessageEvent));
  start(serverPort);
  return worker;
}

/** A worker whose other end runs mm-impl.ts in this thread. */
export function fakeMmWorker(): FakeWorker {
  return fakeWorker((p) => serve(p, impl));
}

/**
 * `make`, with an afterEach registered in the calling test file that closes the ports of every
 * worker it made during the test (an open port keeps the test process alive).
 */
export function closedAfterEach<A extends unknown[]>(make: (...args: A) => FakeWorker): (...args: A) => FakeWorker {
  const made: FakeWorker[] = [];
  afterEach(() => { for (const w of made.splice(0)) w.close(); });
  return (...args) => { const w = make(...args); made.push(w); return w; };
}
