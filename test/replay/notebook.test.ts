/**
 * mm.replay in notebooks: the Node API (text, gzip bytes, sysctls, a snapshot start, progress,
 * cancellation), and the browser path through the worker (a long method with progress).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mm } from '../../src/lib/mm';
import { createRemoteMm } from '../../src/app/mm-remote';
import { ORACLE_RT } from '../helpers/oracle-dir';
import { closedAfterEach, fakeMmWorker } from '../helpers/fake-worker';
import { alloc, free, header, mark } from './helpers';

const MOV = 'GFP_HIGHUSER_MOVABLE|__GFP_COMP';
const pfns = Array.from({ length: 2000 }, (_, k) => 0x48000 + k);
const TEXT = [...header(), mark('go'), ...pfns.map((p) => alloc(p, 0, MOV)), mark('mid'), ...pfns.slice(0, 1000).map((p) => free(p)), mark('stop')].join('\n') + '\n';

const fakeWorker = closedAfterEach(fakeMmWorker);

describe('mm.replay', () => {
  it('replays text or gzip bytes to the same result, under the tuning asked for', async () => {
    const machine = mm.boot({ fixture: 'a64-512m' });
    const a = await mm.replay({ machine, trace: TEXT, startMark: 'go', endMark: 'stop' });
    const b = await mm.replay({ machine, trace: new Uint8Array(gzipSync(TEXT)), startMark: 'go', endMark: 'stop' });
    const c = await mm.replay({ machine, trace: new TextEncoder().encode(TEXT), startMark: 'go', endMark: 'stop' });
    expect(a.events.allocs.requests).toBe(2000);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.marks.map((m) => m.text)).toEqual(['go', 'mid', 'stop']);
    const tuned = await mm.replay({ machine, trace: TEXT, startMark: 'go', endMark: 'stop', sysctls: { 'vm.min_free_kbytes': 32768 } });
    expect(tuned.start).toBe('fresh boot; sysctls vm.min_free_kbytes=32768');
    expect(tuned.marks[2]!.zoneinfo).toMatch(/\n {8}min {6}8192\n/);
    expect(a.marks[2]!.zoneinfo).not.toMatch(/\n {8}min {6}8192\n/);
  });

  it('reports progress, and stops when cancelled', async () => {
    const machine = mm.boot({ fixture: 'a64-512m' });
    const big = TEXT.repeat(8);
    const seen: number[] = [];
    await mm.replay({ machine, trace: big, onProgress: (_, f) => seen.push(f) });
    expect(seen.at(-1)).toBe(1);
    const ac = new AbortController();
    const p = mm.replay({ machine, trace: big, signal: ac.signal, onProgress: () => ac.abort() });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('starts from a real snapshot: given as state, or the machine\'s own (mm.boot({ state }))', async () => {
    const dir = join(ORACLE_RT, 'rt-a64-1g-fill');
    const boot = { dtb: new Uint8Array(readFileSync(join(dir, 'virt.dtb'))), arch: 'arm64', kernel: '6.1', cmdline: readFileSync(join(dir, 'cmdline.txt'), 'utf8').trim(), bootLog: readFileSync(join(dir, 'kernel-console.txt'), 'utf8') } as const;
    const txt = (n: string) => readFileSync(join(dir, `rt_before.${n}.txt`), 'utf8');
    // kpageflags as the gzip bytes a user drops in: mm.replay inflates them
    const state = { zoneinfo: txt('zoneinfo'), buddyinfo: txt('buddyinfo'), pagetypeinfo: txt('pagetypeinfo'), meminfo: txt('meminfo'), vmstat: txt('vmstat'), kpageflags: new Uint8Array(readFileSync(join(dir, 'rt_before.kpageflags.gz'))) };
    const trace = [...header(), mark('x')].join('\n') + '\n';
    const r = await mm.replay({ machine: mm.boot(boot), trace, state });
    expect(r.start).toBe('snapshot (page state from kpageflags)');
    // the snapshot's free lists exactly: rt_before.buddyinfo.txt, and its per-cpu pages
    expect(r.marks[0]!.buddyinfo).toBe(txt('buddyinfo'));
    expect(r.marks[0]!.pagetypeinfo!.split('\n').slice(0, 10).join('\n')).toBe(txt('pagetypeinfo').split('\n').slice(0, 10).join('\n'));
    const pcp = (z: string) => /count: (\d+)/.exec(z)![1];
    expect(pcp(r.marks[0]!.zoneinfo!)).toBe(pcp(txt('zoneinfo')));
    const own = await mm.replay({ machine: mm.boot({ ...boot, state }), trace });
    expect(own.start).toMatch(/^snapshot/);
    expect(own.marks[0]!.buddyinfo).toBe(txt('buddyinfo'));
    expect(own.marks[0]!.zoneinfo).toBe(r.marks[0]!.zoneinfo);
  });

  it('in the browser: the machine\'s worker replays it, as a long method with progress', async () => {
    const remote = createRemoteMm(() => fakeWorker() as unknown as Worker);
    const machine = await remote.boot({ fixture: 'a64-512m' });
    const stages: string[] = [];
    remote.onProgress((p) => stages.push(p.stage));
    const r = (await remote.replay({ machine, trace: new Uint8Array(gzipSync(TEXT)), startMark: 'go', endMark: 'stop', markRewrites: [{ match: /^mid$/, replace: 'middle' }] })) as Awaited<ReturnType<typeof mm.replay>>;
    expect(r.events.allocs.requests).toBe(2000);
    expect(r.marks.map((m) => m.text)).toEqual(['go', 'middle', 'stop']);
    expect(stages.some((s) => s.startsWith('replaying'))).toBe(true);
    const direct = await machine.replay({ trace: TEXT, startMark: 'go', endMark: 'stop' });
    expect(direct.events).toEqual(r.events);
    // cancelled from the page: the call rejects at once and the worker stops at its next chunk
    const ac = new AbortController();
    const p = remote.replay({ machine, trace: TEXT.repeat(20), signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    remote.dispose();
  });
});
