/** Workload spec validation: what users write is accepted, and every mistake names its field and value. */
import { describe, expect, it } from 'vitest';
import { validateWorkload } from '../../src/sim/workload/validate';
import { startWorkload } from '../../src/sim/workload/index';
import { bootMachine } from '../../src/sim/index';
import { GFP_HIGHUSER_MOVABLE, GFP_KERNEL, __GFP_COMP, __GFP_RECLAIMABLE } from '../../src/sim/page_alloc/gfp';

const msg = (spec: unknown): string => {
  try {
    validateWorkload(spec);
  } catch (e) {
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  return 'accepted';
};
const one = (stream: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ steps: 100, streams: [stream], ...extra });

describe('workload spec: the forms users write', () => {
  it('gfp as names, hex or a number; the kind defaults from the mask and the mask from the kind', () => {
    const p = validateWorkload({
      steps: 10,
      streams: [
        { gfp: 'GFP_KERNEL|__GFP_COMP', rate: 1 },
        { gfp: '0xcc0', kind: 'slab', rate: 1 },
        { gfp: GFP_HIGHUSER_MOVABLE, rate: 1 },
        { kind: 'slab-reclaimable', rate: 1 },
        { kind: 'file', rate: 1 },
      ],
    });
    expect(p.streams.map((s) => s.gfpMask)).toEqual([GFP_KERNEL | __GFP_COMP, GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_HIGHUSER_MOVABLE]);
    expect(p.streams.map((s) => s.kind)).toEqual(['kernel', 'slab', 'anon', 'slab-reclaimable', 'file']);
    expect(p.streams.map((s) => s.name)).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });

  it('orders as a number or a weighted mix (weights normalised), lifetimes in every form', () => {
    const p = validateWorkload({
      duration: 50,
      streams: [
        { kind: 'anon', order: 3, rate: 1, lifetime: { fixed: 10 } },
        { kind: 'anon', order: { 9: 1, 0: 3 }, rate: 1, lifetime: { exponential: { mean: 20 } } },
        { kind: 'anon', orders: { 2: 0.5 }, count: 7, lifetime: { exponential: 2.5 } },
        { kind: 'anon', rate: 0.25, arrival: 'poisson', lifetime: 'event' },
        { kind: 'anon', rate: 1, lifetime: 'forever', cpu: 'spread', task: { comm: 'app', oomScoreAdj: 500 }, start: 5, end: 9 },
      ],
    });
    expect(p.steps).toBe(50);
    expect(p.streams.map((s) => s.orders)).toEqual([[[3, 1]], [[0, 0.75], [9, 0.25]], [[2, 1]], [[0, 1]], [[0, 1]]]);
    expect(p.streams.map((s) => s.lifetime)).toEqual([
      { type: 'fixed', steps: 10 }, { type: 'exponential', mean: 20 }, { type: 'exponential', mean: 2.5 }, { type: 'event' }, { type: 'forever' },
    ]);
    expect(p.streams[4]).toMatchObject({ cpu: 'spread', task: { comm: 'app', oomScoreAdj: 500 }, start: 5, end: 9 });
    expect(p.sampleEvery).toBe(1);
    expect(validateWorkload({ steps: 10_000 }).sampleEvery).toBe(10);
  });

  it('events with their defaults; fills by stream or by mask; free and cma_release name what exists', () => {
    const p = validateWorkload({
      steps: 100,
      streams: [{ name: 'app', kind: 'anon', rate: 1, lifetime: 'event' }],
      events: [
        { at: 1, op: 'drop_caches' },
        { at: 2, op: 'sysctl', name: 'watermark_scale_factor', value: 200 },
        { at: 3, op: 'fill', percent: 80, stream: 'app', then: { freeEvery: 2 } },
        { at: 4, op: 'fill', percent: 50, kind: 'file' },
        { at: 5, op: 'free', stream: 'fill@3', every: 3 },
        { at: 6, op: 'cma_alloc', count: 1024, as: 'cam' },
        { at: 7, op: 'cma_release', ref: 'cam' },
      ],
    });
    expect(p.events[0]).toEqual({ at: 1, op: 'drop_caches', value: 3 });
    expect(p.events[1]).toEqual({ at: 2, op: 'sysctl', name: 'vm.watermark_scale_factor', value: 200 });
    expect(p.events[2]).toMatchObject({ op: 'fill', stream: 'app', as: 'app', freeEvery: 2 });
    expect(p.events[3]).toMatchObject({ op: 'fill', stream: null, kind: 'file', gfp: 'GFP_HIGHUSER_MOVABLE', as: 'fill@3', order: 0, freeEvery: null });
    expect(p.events[4]).toEqual({ at: 5, op: 'free', stream: 'fill@3', every: 3, count: null });
    expect(p.events[5]).toEqual({ at: 6, op: 'cma_alloc', area: 0, count: 1024, align: 0, as: 'cam' });
  });
});

describe('workload spec: mistakes name the field and the value', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not an object', [1], 'WORKLOAD_SPEC: workload must be an object, got [1]'],
    ['no steps', {}, 'WORKLOAD_SPEC: workload needs steps (the duration of the run, in steps)'],
    ['steps and duration', { steps: 1, duration: 1 }, 'WORKLOAD_SPEC: workload has both steps and duration (the same thing); give one'],
    ['zero steps', { steps: 0 }, 'WORKLOAD_SPEC: steps must be an integer in 1..10000000, got 0'],
    ['unknown field', { steps: 1, sead: 3 }, 'WORKLOAD_SPEC: workload has an unknown field "sead"; known: seed, steps, duration, sampleEvery, streams, events, daemons, swap, swappiness, maxFailures'],
    ['negative mean', one({ kind: 'anon', rate: 1, lifetime: { exponential: { mean: -3 } } }), 'WORKLOAD_SPEC: streams[0].lifetime.exponential.mean must be a positive number, got -3'],
    ['fixed 0', one({ kind: 'anon', rate: 1, lifetime: { fixed: 0 } }), 'WORKLOAD_SPEC: streams[0].lifetime.fixed must be a positive integer, got 0'],
    ['lifetime word', one({ kind: 'anon', rate: 1, lifetime: 'never' }), 'WORKLOAD_SPEC: streams[0].lifetime must be { "fixed": STEPS }, { "exponential": { "mean": STEPS } }, "event" or "forever", got "never"'],
    ['bad gfp', one({ gfp: 'GFP_KERNAL', rate: 1 }), 'WORKLOAD_SPEC: streams[0].gfp: unknown GFP flag "GFP_KERNAL" in "GFP_KERNAL"; use names such as GFP_KERNEL, GFP_ATOMIC, GFP_HIGHUSER_MOVABLE, __GFP_COMP, __GFP_NOWARN, or a hex mask'],
    ['bad kind', one({ kind: 'heap', rate: 1 }), 'WORKLOAD_SPEC: streams[0].kind must be one of kernel, anon, file, file-dirty, shmem, slab-reclaimable, slab, hugetlb, got "heap"'],
    ['neither gfp nor kind', one({ rate: 1 }), 'WORKLOAD_SPEC: streams[0] needs a gfp mask or a kind (or both)'],
    ['no rate', one({ kind: 'anon' }), 'WORKLOAD_SPEC: streams[0] needs a rate (allocations per step) or a count (allocations over its steps)'],
    ['rate and count', one({ kind: 'anon', rate: 1, count: 3 }), 'WORKLOAD_SPEC: streams[0] has both rate and count; give one'],
    ['negative rate', one({ kind: 'anon', rate: -1 }), 'WORKLOAD_SPEC: streams[0].rate must be a non-negative number ≤ 10000000, got -1'],
    ['order mix key', one({ kind: 'anon', rate: 1, order: { x: 1 } }), 'WORKLOAD_SPEC: streams[0].order has "x", which is not an order (an integer such as "0" or "9")'],
    ['order weight', one({ kind: 'anon', rate: 1, order: { 0: -1 } }), 'WORKLOAD_SPEC: streams[0].order["0"] must be a non-negative number, got -1'],
    ['zero weights', one({ kind: 'anon', rate: 1, order: { 0: 0 } }), 'WORKLOAD_SPEC: streams[0].order must give some order a positive weight, got {"0":0}'],
    ['arrival', one({ kind: 'anon', rate: 1, arrival: 'bursty' }), 'WORKLOAD_SPEC: streams[0].arrival must be "fixed" or "poisson", got "bursty"'],
    ['window', one({ kind: 'anon', rate: 1, start: 50, end: 50 }), 'WORKLOAD_SPEC: streams[0].end must be a step in 51..100, got 50'],
    ['cpu word', one({ kind: 'anon', rate: 1, cpu: 'all' }), 'WORKLOAD_SPEC: streams[0].cpu must be a CPU number or "spread", got "all"'],
    ['task adj', one({ kind: 'anon', rate: 1, task: { comm: 'x', oomScoreAdj: 2000 } }), 'WORKLOAD_SPEC: streams[0].task.oomScoreAdj must be an integer in -1000..1000, got 2000'],
    ['stream typo', one({ kind: 'anon', rate: 1, lifetme: 'event' }), 'WORKLOAD_SPEC: streams[0] has an unknown field "lifetme"; known: name, gfp, kind, order, orders, rate, count, arrival, lifetime, node, cpu, task, pin, start, end'],
    ['duplicate names', { steps: 1, streams: [{ name: 'a', kind: 'anon', rate: 1 }, { name: 'a', kind: 'anon', rate: 1 }] }, 'WORKLOAD_SPEC: streams[1].name repeats the name of streams[0], got "a"'],
    ['event op', { steps: 10, events: [{ at: 1, op: 'reboot' }] }, 'WORKLOAD_SPEC: events[0].op must be one of drop_caches, compact_memory, drain, sysctl, nr_hugepages, cma_alloc, cma_release, free, fill, got "reboot"'],
    ['event after the end', { steps: 10, events: [{ at: 10, op: 'drain' }] }, 'WORKLOAD_SPEC: events[0].at must be a step in 0..9, got 10'],
    ['drop_caches value', { steps: 10, events: [{ at: 1, op: 'drop_caches', value: 4 }] }, 'WORKLOAD_SPEC: events[0].value must be an integer in 1..3, got 4'],
    ['fill percent', { steps: 10, events: [{ at: 1, op: 'fill', percent: 120, kind: 'anon' }] }, 'WORKLOAD_SPEC: events[0].percent must be a positive number ≤ 100, got 120'],
    ['fill of nothing', { steps: 10, events: [{ at: 1, op: 'fill', percent: 50 }] }, 'WORKLOAD_SPEC: events[0] needs a stream, or a gfp mask or kind to allocate with'],
    ['fill stream and kind', { steps: 10, streams: [{ name: 'a', kind: 'anon', rate: 0 }], events: [{ at: 1, op: 'fill', percent: 50, stream: 'a', kind: 'file' }] }, 'WORKLOAD_SPEC: events[0] fills as stream "a": its kind comes from the stream; drop kind or the stream'],
    ['fill then', { steps: 10, events: [{ at: 1, op: 'fill', percent: 50, kind: 'anon', then: { freeEvery: 0 } }] }, 'WORKLOAD_SPEC: events[0].then.freeEvery must be a positive integer, got 0'],
    ['free of nothing', { steps: 10, events: [{ at: 1, op: 'free', stream: 'b' }] }, 'WORKLOAD_SPEC: events[0].stream names no stream or earlier fill; known: none, got "b"'],
    ['free before its fill', { steps: 10, events: [{ at: 5, op: 'fill', percent: 5, kind: 'anon', as: 'f' }, { at: 4, op: 'free', stream: 'f' }] }, 'WORKLOAD_SPEC: events[1].stream names no stream or earlier fill; known: none, got "f"'],
    ['release of nothing', { steps: 10, events: [{ at: 1, op: 'cma_release', ref: 'cam' }] }, 'WORKLOAD_SPEC: events[0].ref names no earlier cma_alloc (its "as"), got "cam"'],
    ['release by pfn', { steps: 10, events: [{ at: 1, op: 'cma_release', pfn: 1 }] }, 'WORKLOAD_SPEC: events[0] releases by pfn: give the count too'],
  ];
  for (const [what, spec, expected] of cases) {
    it(what, () => expect(msg(spec)).toBe(expected));
  }

  it('checks against the machine: MAX_ORDER, nodes, CPUs, zone bits', () => {
    const m = bootMachine({ arch: 'x86_64', kernel: '5.10', topology: { arch: 'x86_64', kernel: '5.10', ramMiB: 256, cpus: 2 } });
    const bad = (stream: Record<string, unknown>): string => {
      try {
        startWorkload(m, one(stream));
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(bad({ kind: 'anon', rate: 1, order: { 0: 1, 11: 1 } })).toBe('streams[0].order must be below MAX_ORDER (11 on this profile), got 11');
    expect(bad({ kind: 'anon', rate: 1, node: 1 })).toBe('streams[0].node names no node with memory; nodes: 0, got 1');
    expect(bad({ kind: 'anon', rate: 1, cpu: 2 })).toBe('streams[0].cpu must be a CPU of this machine (0..1), got 2');
    expect(bad({ gfp: 'GFP_DMA|__GFP_DMA32', rate: 1 })).toBe('streams[0].gfp asks for an impossible zone combination (several of __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM), got "0x5"');
  });
});

describe('workload spec: limits', () => {
  it('fills into pools of their own are limited with the streams (the page map keeps a byte per page)', () => {
    const events = Array.from({ length: 256 }, (_, k) => ({ at: 0, op: 'fill', percent: 1, kind: 'anon' }));
    expect(msg({ steps: 1, events })).toBe('WORKLOAD_SPEC: events fill into 256 pools of their own besides 0 streams; at most 255 in all (fill into a stream instead)');
    expect(msg({ steps: 1, events: events.slice(1) })).toBe('accepted');
  });
});
