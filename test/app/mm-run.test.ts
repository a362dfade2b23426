/**
 * `machine.start()` for notebooks (src/lib/run.ts): the running machine's API as plain data, in
 * Node and through the worker RPC (the same results), with its errors named.
 */
import { describe, expect, it } from 'vitest';
import { api } from '../../src/app/worker/api';
import { RpcClient } from '../../src/app/worker/rpc-client';
import { mm } from '../../src/lib/mm';
import { MmError } from '../../src/sim/index';
import { closedAfterEach, fakeMmWorker } from '../helpers/fake-worker';

const fakeWorker = closedAfterEach(fakeMmWorker);

/** A run that allocates order-3 unmovable blocks without reclaim until one fails, and the facts a notebook reads. */
async function scenario(run: { alloc: Function; failures: Function; explain: Function; render: Function; view: Function; run: Function }) {
  const first = await run.alloc('GFP_KERNEL', 3);
  let last = first;
  let n = 0;
  while ((last as { ok: boolean }).ok && n < 100000) { last = await run.alloc('GFP_NOWAIT|__GFP_NOWARN', 3); n++; }
  const failures = await run.failures();
  const why = await run.explain((last as { failure: number }).failure);
  const summary = await run.run([{ op: 'alloc', gfp: 'GFP_HIGHUSER_MOVABLE', order: 0, count: 10, as: 'a' }, { op: 'free', ref: 'a', every: 2 }]);
  return { first, n, last, failures, verdict: why.verdict, zones: why.zones.map((z: { zone: string; ok: boolean }) => [z.zone, z.ok]), summary: { ...summary, refs: Object.keys(summary.refs) }, buddyinfo: await run.render('buddyinfo') };
}

describe('machine.start() in notebooks', () => {
  it('alloc, failures, explain, run and render as plain data; the booted machine is unchanged', async () => {
    const machine = mm.boot({ fixture: 'a64-512m' });
    const before = machine.render('buddyinfo');
    const run = machine.start({ daemons: 'manual' });
    const r = await scenario(run);
    expect(r.first).toMatchObject({ ok: true, order: 3, zone: 'DMA' });
    expect(r.last).toMatchObject({ ok: false, order: 3, failure: 0 });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ order: 3, suppressed: 'nowarn' });
    expect(r.failures[0]).not.toHaveProperty('explanation'); // worked out only when asked for
    expect(r.zones).toEqual([['Node 0 DMA', false]]); // arm64 6.1 is built with CONFIG_NUMA: zones are named with their node
    expect(r.summary).toEqual({ allocated: 10, failed: 0, freed: 5, refs: ['a'] });
    expect(r.buddyinfo).not.toBe(before);
    expect(machine.render('buddyinfo')).toBe(before);
    expect(structuredClone(r)).toEqual(r);
  });

  it('gives the same results through the worker', async () => {
    const local = await scenario(mm.boot({ fixture: 'a64-512m' }).start({ daemons: 'manual' }));
    const client = new RpcClient(fakeWorker(), api, {});
    const machine = await client.call('root', 0, 'boot', [{ fixture: 'a64-512m' }]);
    const run = await (machine as unknown as { call: Function }).call('start', [{ daemons: 'manual' }]);
    expect(run.arch).toBe('arm64');
    const remote = await scenario(run);
    expect(remote).toEqual(local);
    const copy = await run.clone();
    expect(await copy.render('buddyinfo')).toBe(await run.render('buddyinfo'));
  });

  it('CMA and hugetlb through the flat run API, the same in Node and through the worker', async () => {
    const steps = async (run: Record<string, Function>) => {
      const areas = await run.cmaAreas();
      const r = await run.cmaAlloc(0, 1024, 4);
      const occ = await run.cmaOccupancy(areas[0].name);
      const used = await run.cmaDebugfs(0, 'used');
      const released = await run.cmaRelease(0, r.pfn, 1024);
      const huge = await run.setNrHugepages(2048, 4);
      const pools = (await run.hugetlbPools()).find((p: { sizeKb: number }) => p.sizeKb === 2048);
      return { huge, pools, areas, ok: r.ok, aligned: r.pfn % 16, allocated: occ.allocated, used, released, after: (await run.cmaOccupancy(0)).allocated, log: (await run.cmaLog()).length >= 0 };
    };
    const local = await steps(mm.boot({ fixture: 'a64-2g-cma64' }).start({ daemons: 'manual' }) as never);
    expect(local.areas).toHaveLength(1);
    expect(local.huge).toBe(4);
    expect(local.pools).toBeDefined();
    expect(local).toMatchObject({ ok: true, aligned: 0, allocated: 1024, used: '1024\n', released: true, after: 0 });
    const client = new RpcClient(fakeWorker(), api, {});
    const machine = await client.call('root', 0, 'boot', [{ fixture: 'a64-2g-cma64' }]);
    const run = await (machine as unknown as { call: Function }).call('start', [{ daemons: 'manual' }]);
    expect(await steps(run)).toEqual(local);
    const plain = mm.boot({ fixture: 'x64-1g' }).start(); // Debian's amd64 kernels have no CONFIG_CMA
    expect(() => plain.cmaOccupancy(0)).toThrow(/no CMA area 0; this machine has none/);
  });

  it('names bad options and bad failure indexes', () => {
    const machine = mm.boot({ fixture: 'a64-512m' });
    expect(() => machine.start({ daemons: 'sometimes' } as never)).toThrow(/daemons must be 'auto' or 'manual'/);
    expect(() => machine.start({ swapiness: 10 } as never)).toThrow(/unknown option 'swapiness'/);
    const run = machine.start();
    expect(() => run.explain(3)).toThrow(MmError);
    expect(() => run.explain(3)).toThrow(/no failure 3: this run has 0/);
    expect(() => run.alloc('GFP_NOSUCH', 0)).toThrow(MmError);
  });
});
