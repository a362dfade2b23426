/**
 * mm.workload in notebooks: in Node at once, in the browser through the simulator worker (the RPC
 * over MessageChannel ports standing in for a worker) with progress, cancellation by a newer run
 * or the cell's signal, and the same result as in Node.
 */
import { describe, expect, it } from 'vitest';
import { createRemoteMm } from '../../src/app/mm-remote';
import { mm } from '../../src/lib/mm';
import { closedAfterEach, fakeMmWorker } from '../helpers/fake-worker';

const fakeWorker = closedAfterEach(fakeMmWorker);

const spec = {
  seed: 9, steps: 300, sampleEvery: 3,
  streams: [
    { name: 'anon', kind: 'anon', rate: 200, arrival: 'poisson', lifetime: { exponential: { mean: 60 } }, cpu: 'spread' },
    { name: 'slab', kind: 'slab', rate: 20, order: { 0: 0.8, 2: 0.2 }, lifetime: { fixed: 100 } },
  ],
  events: [{ at: 100, op: 'fill', percent: 70, kind: 'file', as: 'cache', then: { freeEvery: 2 } }, { at: 200, op: 'compact_memory' }],
} as const;

describe('mm.workload', () => {
  it('in Node: a booted machine runs a spec; the machine itself does not change', () => {
    const m = mm.boot({ fixture: 'a64-512m' });
    const before = m.render('buddyinfo');
    const fractions: number[] = [];
    const r = mm.workload(m, spec, { onProgress: (_, f) => fractions.push(f) });
    expect(r.totals.steps).toBe(300);
    expect(r.samples.step.length).toBe(100);
    expect(fractions.at(-1)).toBe(1);
    expect(m.render('buddyinfo')).toBe(before);
    expect(() => mm.workload({} as never, spec)).toThrow(/first argument must be a machine from mm.boot/);
  });

  it('in the browser: through the worker, with progress, the same result as in Node', async () => {
    const remote = createRemoteMm(() => fakeWorker() as unknown as Worker);
    const machine = await remote.boot({ fixture: 'a64-512m' });
    const bar: number[] = [];
    remote.onProgress((p) => { if (p.active) bar.push(p.fraction); });
    const seen: string[] = [];
    const r = await remote.workload(machine, spec as never, { onProgress: (stage) => seen.push(stage) });
    expect(seen.at(-1)).toBe('workload: step 300 of 300');
    expect(bar.at(-1)).toBe(1);
    expect(r).toEqual(mm.workload(mm.boot({ fixture: 'a64-512m' }), spec));
    // a spec error comes back with its code
    await expect(remote.workload(machine, { steps: -1 } as never)).rejects.toMatchObject({ code: 'WORKLOAD_SPEC' });
    remote.dispose();
  });

  it('the cell’s signal cancels a workload; so does a newer one with the same key', async () => {
    const remote = createRemoteMm(() => fakeWorker() as unknown as Worker);
    const machine = await remote.boot({ fixture: 'a64-512m' });
    const long = { steps: 200_000, streams: [{ kind: 'anon', rate: 50, lifetime: { fixed: 100 } }] };
    const stale = remote.workload(machine, long as never, { key: 'plot' }).then(() => 'finished', (e: { code?: string }) => e.code);
    const fresh = await remote.workload(machine, { steps: 10, streams: [{ kind: 'anon', rate: 1 }] } as never, { key: 'plot' });
    expect(fresh.totals.allocations).toBe(10);
    expect(await stale).toBe('CANCELLED');
    expect(remote.cancelled).toBe(1);
    // without a key two workloads run side by side (scenarios A and B)
    const [a, b] = await Promise.all([remote.workload(machine, { steps: 20 } as never), remote.workload(machine, { steps: 30 } as never)]);
    expect([a.totals.steps, b.totals.steps]).toEqual([20, 30]);
    expect(remote.cancelled).toBe(1);
    const abort = new AbortController();
    const cell = remote.workload(machine, long as never, { key: 'cell', signal: abort.signal, onProgress: () => abort.abort() });
    await expect(cell).rejects.toMatchObject({ code: 'CANCELLED' });
    // the worker is free again
    expect((await remote.workload(machine, { steps: 5 } as never)).totals.steps).toBe(5);
    remote.dispose();
  });
});
