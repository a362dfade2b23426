/** The simulator worker: serves the API of api.ts with the implementations of mm-impl.ts. */
/// <reference lib="webworker" />
import { impl } from './mm-impl';
import { serve } from './rpc-server';

serve(self as unknown as DedicatedWorkerGlobalScope, impl);
