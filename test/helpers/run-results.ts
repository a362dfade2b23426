/**
 * Small workload results for the plot helpers' tests: a fragmenting run on the two-zone x86_64
 * machine (with a compact_memory at its last step), and a reclaim run on the 512 MiB arm64 one
 * with kswapd waking, direct-reclaim stalls, a boost and mixed pageblocks.
 */
import { mm } from '../../src/lib/mm';
import type { WorkloadResult } from '../../src/sim/index';

export const FRAGMENT_SPEC = {
  seed: 1, steps: 120, sampleEvery: 2,
  streams: [
    { name: 'movable', kind: 'anon', rate: 150, lifetime: { exponential: { mean: 100 } }, cpu: 'spread' },
    { name: 'unmovable', kind: 'slab', rate: 80, order: { 0: 0.7, 1: 0.2, 3: 0.1 }, lifetime: { exponential: { mean: 300 } } },
  ],
  events: [
    { at: 0, op: 'sysctl', name: 'compaction_proactiveness', value: 0 },
    { at: 0, op: 'fill', percent: 97, kind: 'anon', as: 'fill', then: { freeEvery: 2 } },
  ],
};

export const RECLAIM_SPEC = {
  seed: 3, steps: 120, sampleEvery: 2,
  streams: [
    { name: 'cache', kind: 'file', rate: 400 },
    { name: 'slab', kind: 'slab', rate: 60, order: { 0: 0.7, 1: 0.2, 3: 0.1 }, lifetime: { exponential: { mean: 500 } } },
    { name: 'burst', kind: 'anon', rate: 6000, start: 100, end: 102, lifetime: { fixed: 10 } },
  ],
  events: [{ at: 0, op: 'fill', percent: 90, kind: 'anon', as: 'resident', then: { freeEvery: 2 } }],
};

let fragment: WorkloadResult | undefined;
let reclaim: WorkloadResult | undefined;
let reclaimB: WorkloadResult | undefined;

export function fragmentRun(): WorkloadResult {
  return (fragment ??= mm.workload(mm.boot({ fixture: 'x64-1g' }), FRAGMENT_SPEC));
}
export function reclaimRun(): WorkloadResult {
  return (reclaim ??= mm.workload(mm.boot({ fixture: 'a64-512m' }), RECLAIM_SPEC));
}
/** The reclaim run with watermark_scale_factor 300 written at step 0 (a second scenario). */
export function reclaimRunTuned(): WorkloadResult {
  return (reclaimB ??= mm.workload(mm.boot({ fixture: 'a64-512m' }), { ...RECLAIM_SPEC, events: [{ at: 0, op: 'sysctl', name: 'vm.watermark_scale_factor', value: 300 }, ...RECLAIM_SPEC.events] }));
}
