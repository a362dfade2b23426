/** A sweep worker (one of a WorkerPool's): serves sweep-api.ts with sweep-impl.ts. */
/// <reference lib="webworker" />
import { sweepImpl } from './sweep-impl';
import { serve } from './rpc-server';

serve(self as unknown as DedicatedWorkerGlobalScope, sweepImpl);
