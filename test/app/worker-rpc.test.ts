/**
 * The worker RPC (src/app/worker): the page-side proxy and the worker's dispatch table derived from
 * one API definition, handles, progress, cancellation, release; and the browser `mm` on top of it
 * (worker reuse and stale-boot cancellation), with MessageChannel ports standing in for workers.
 */
import { describe, expect, it } from 'vitest';
import { api } from '../../src/app/worker/api';
import { impl } from '../../src/app/worker/mm-impl';
import { method } from '../../src/app/worker/rpc';
import { RpcClient } from '../../src/app/worker/rpc-client';
import { serve, type Impl } from '../../src/app/worker/rpc-server';
import { createRemoteMm } from '../../src/app/mm-remote';
import { mm } from '../../src/lib/mm';
import { closedAfterEach, fakeWorker as serving } from '../helpers/fake-worker';

const fakeWorker = closedAfterEach(serving);

describe('the worker RPC', () => {
  it('root methods, a machine handle with its info, a derived machine keeping the boot stages, local view()', async () => {
    const sent: unknown[] = [];
    const client = new RpcClient(fakeWorker((p) => serve(p, impl), sent), api, { machine: { view: (i) => i.snapshot } });
    const fixtures = await client.root.fixtures();
    expect(fixtures.map((f) => f.name)).toContain('x64-1g');
    const progress: string[] = [];
    const m = await client.call('root', 0, 'boot', [{ fixture: 'x64-1g', cmdline: 'console=ttyS0 crashkernel=64M' }], { onProgress: (s) => progress.push(s) });
    expect(progress).toContain('booting: setup_arch');
    expect(m.arch).toBe('x86_64');
    expect(m.warnings.join(' ')).toMatch(/CMDLINE_UNSUPPORTED: crashkernel=64M/);
    expect(m.stages!.zones.length).toBeGreaterThan(0);
    const calls = sent.length;
    expect((await m.view()).nodes.length).toBe(1);
    expect(sent.length).toBe(calls); // answered on the page
    const tuned = await m.sysctl('vm.min_free_kbytes', 99999999);
    expect(tuned.handle).not.toBe(m.handle);
    expect(tuned.stages).toBe(m.stages);
    expect(tuned.warnings.join(' ')).toMatch(/WATERMARK_ABOVE_MANAGED: Node 0 DMA: min watermark 390340 pages/);
    expect(await tuned.render('zoneinfo')).toBe(mm.boot({ fixture: 'x64-1g', cmdline: 'console=ttyS0 crashkernel=64M', sysctls: [['vm.min_free_kbytes', 99999999]] }).render('zoneinfo'));
    // errors keep the simulator's code; a released handle is gone
    await expect(m.sysctl('vm.nosuch', 1)).rejects.toMatchObject({ code: 'SYSCTL_UNKNOWN' });
    tuned.release();
    await expect(tuned.readSysctl('vm.min_free_kbytes')).rejects.toMatchObject({ code: 'WORKER_HANDLE' });
    expect(await m.readSysctl('vm.min_free_kbytes')).toBe(mm.boot({ fixture: 'x64-1g' }).readSysctl('vm.min_free_kbytes'));
  });

  it('a long method reports progress and stops at its next checkpoint when the page cancels', async () => {
    const testApi = { root: { count: method<[to: number], number>({ long: true }), echo: method<[s: string], string>() } };
    const seen = { last: -1 };
    const table: Impl<typeof testApi, { root: undefined }> = {
      root: {
        count: async (_, [to], ctx) => {
          for (let i = 0; i < to; i++) { seen.last = i; ctx.progress('counting', i / to); await ctx.checkpoint(); }
          return to;
        },
        echo: (_, [s]) => s,
      },
    };
    const client = new RpcClient(fakeWorker((p) => serve(p, table)), testApi);
    expect(await client.call('root', 0, 'count', [3])).toBe(3);
    const abort = new AbortController();
    const fractions: number[] = [];
    const run = client.call('root', 0, 'count', [1e9], { signal: abort.signal, onProgress: (_, f) => { fractions.push(f); if (fractions.length === 5) abort.abort(); } });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    // the worker stopped at a checkpoint and still answers
    expect(await client.root.echo('still here')).toBe('still here');
    const stoppedAt = seen.last;
    expect(stoppedAt).toBeLessThan(100);
    expect(await client.root.echo('later')).toBe('later');
    expect(seen.last).toBe(stoppedAt);
  });
});

describe('the browser mm on the RPC', () => {
  const make = (made: Array<{ terminated: boolean }>) => () => {
    const w = fakeWorker((p) => serve(p, impl));
    made.push(w);
    return w as unknown as Worker;
  };

  it('a notebook that lists the fixtures then boots once starts one worker', async () => {
    const made: Array<{ terminated: boolean }> = [];
    const remote = createRemoteMm(make(made));
    await remote.fixtures();
    const m = await remote.boot({ fixture: 'a64-512m' });
    expect((await m.view()).arch).toBe('arm64');
    expect(remote.workersStarted).toBe(1);
    expect(remote.limits.ramMiB.max).toBe(mm.limits.ramMiB.max);
    // a second boot gets its own worker (the first one holds a machine)
    await remote.boot({ fixture: 'x64-1g' });
    expect(remote.workersStarted).toBe(2);
    remote.dispose();
    expect(made.every((w) => w.terminated)).toBe(true);
  });

  it('a newer boot with the same key cancels the stale one by terminating its worker', async () => {
    const made: Array<{ terminated: boolean }> = [];
    const remote = createRemoteMm(make(made));
    const stale = remote.boot({ fixture: 'a64-2g-cma64' }).then(() => 'resolved', (e: { code?: string }) => e.code);
    const fresh = await remote.boot({ fixture: 'x64-1g' });
    expect(await stale).toBe('CANCELLED');
    expect(remote.cancelled).toBe(1);
    expect(made[0]!.terminated).toBe(true);
    expect(fresh.kernel).toBe('6.1');
    remote.dispose();
  });
});
