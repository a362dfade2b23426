/**
 * notebooks/replay.html headless, with the builtins `mmbook run` passes: every cell ok on the
 * shipped recording; the two replays are mm.replay's of the same inputs, the changed one under the
 * sliders' sysctls; the plots draw the real kernel's samples beside them; the sliders reach the
 * replay; your own recording (a pasted trace on a built-in machine) replays too, and waits calmly
 * until it is given.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { notebookHost } from '../helpers/notebook-host';
import type { ReplayResult } from '../../src/sim/replay/index';
import { alloc, free, header, mark } from '../replay/helpers';

const NB = resolve(import.meta.dirname, '../../notebooks/replay.html');
const host = notebookHost();

type Nb = Awaited<ReturnType<typeof import('../../src/kernel/index').loadNotebook>>;
const notDone = async (nb: Nb) => [...(await nb.status())].filter(([, s]) => s.state !== 'done');
const figureOf = (nb: Nb, id: number) => nb.displays(id).find((d): d is HTMLElement => d instanceof HTMLElement && !!d.dataset?.plot) as HTMLElement;
const text = (nb: Nb, id: number) => nb.displays(id).map((d) => (d as HTMLElement).textContent ?? '').join(' ');
const bottomLine = (r: ReplayResult) => r.marks.at(-1)!.buddyinfo!.trim().split(/\s+/).slice(4).map(Number);

describe('notebooks/replay.html', () => {
  it('every cell is ok on the shipped recording: both replays are mm.replay\'s, the changed one under percpu_pagelist_high_fraction=1000', async () => {
    const nb = await host.kernel.loadNotebook(NB, { builtins: host.builtins });
    expect(await notDone(nb)).toEqual([]);
    const recorded = (await nb.value('recorded')) as ReplayResult;
    const changed = (await nb.value('changed')) as ReplayResult;
    expect(await nb.value('changes')).toEqual([['vm.percpu_pagelist_high_fraction', 1000]]);

    // the same replay made directly from the shipped files
    const rec = await host.mm.recording('rt-a64-1g-fill');
    const machine = host.mm.boot(rec.machine);
    const direct = await host.mm.replay({ machine, trace: rec.trace, state: rec.state, startMark: 'rt_before end', endMark: 'rt_sample 24', sysctls: [['vm.percpu_pagelist_high_fraction', 1000]] });
    expect(changed.marks.map((m) => m.buddyinfo)).toEqual(direct.marks.map((m) => m.buddyinfo));
    expect(changed.pcp).toEqual(direct.pcp);
    expect(changed.start).toMatch(/sysctls vm\.percpu_pagelist_high_fraction=1000$/);

    // the window: rt_before end to rt_sample 24, the 25 samples between, every traced request served
    expect(recorded.marks.map((m) => m.text)).toEqual(['rt_before end', ...Array.from({ length: 25 }, (_, k) => `rt_sample ${k}`)]);
    expect(recorded.events.allocs).toMatchObject({ requests: 69110, simFailed: 0 });
    // the starting state is the snapshot's: the real kernel's rt_before buddyinfo
    expect(recorded.marks[0]!.buddyinfo).toBe(rec.state.buddyinfo);
    // small per-cpu lists drain to the buddy where the recorded tuning's never do, and the low orders fill
    expect(recorded.pcp.sim.drainPages).toBe(0);
    expect(changed.pcp.sim.drainPages).toBeGreaterThan(10_000);
    expect(bottomLine(changed)[0]).toBeGreaterThan(bottomLine(recorded)[0]! + 20);
    expect(text(nb, 27)).toMatch(/high 7,040, batch 63 under the recording.s tuning; high 252, batch 63 under vm\.percpu_pagelist_high_fraction=1000\./);

    // the plots: the real kernel at every sample mark, beside both replays
    const timeline = figureOf(nb, 29);
    expect(timeline.dataset.plot).toBe('replay-timeline');
    expect(timeline.getAttribute('aria-label')).toMatch(/real kernel: Node 0 DMA 226,483 → 195,068 free, per-cpu 1,829 → 440/);
    expect(timeline.querySelectorAll('table.plot-fallback tbody tr')).toHaveLength(26);
    const orders = figureOf(nb, 32);
    expect(orders.dataset.mark).toBe('rt_sample 24');
    // the real kernel's buddyinfo at rt_sample 24, as its sample recorded it
    expect(orders.getAttribute('aria-label')).toContain('real kernel: Node 0 DMA 12 6 1 2 1 4 3 3 3 4 187');
    expect(figureOf(nb, 33).dataset.plot).toBe('replay-order-map');
    expect(text(nb, 35)).toMatch(/Real kernel: 0 kswapd wakes in 0 episodes/);
    // the end state's zoneinfo diff shows each run's per-cpu count and high
    const count = (r: ReplayResult) => /count: +(\d+)/.exec(r.marks.at(-1)!.zoneinfo!)![1];
    expect(text(nb, 37)).toMatch(new RegExp(`- +count: ${count(recorded)}\n- +high: +7040\n\\+ +count: ${count(changed)}\n\\+ +high: +252\n`));
    nb.dispose();
  }, 120_000);

  it('the sliders reach the changed replay; with every slider at the recording\'s value the two replays are the same', async () => {
    const nb = await host.kernel.loadNotebook(NB, { builtins: host.builtins, params: { percpu_pagelist_high_fraction: 0, min_free_kbytes: 700000, mark: 1 } });
    expect(await notDone(nb)).toEqual([]);
    expect(await nb.value('changes')).toEqual([['vm.min_free_kbytes', 700000]]);
    const changed = (await nb.value('changed')) as ReplayResult;
    // a min watermark of 175,000 pages puts low above the zone's free pages: the simulator wakes kswapd
    expect(changed.marks[0]!.zoneinfo).toMatch(/\n {8}min {6}175000\n/);
    expect(changed.kswapd.wakes.length).toBeGreaterThan(0);
    expect(figureOf(nb, 32).dataset.mark).toBe('rt_before end');
    nb.dispose();

    const same = await host.kernel.loadNotebook(NB, { builtins: host.builtins, params: { percpu_pagelist_high_fraction: 0 } });
    expect(await notDone(same)).toEqual([]);
    expect(await same.value('changes')).toEqual([]);
    const [a, b] = [(await same.value('recorded')) as ReplayResult, (await same.value('changed')) as ReplayResult];
    expect(b.marks.map((m) => m.zoneinfo)).toEqual(a.marks.map((m) => m.zoneinfo));
    expect(text(same, 37)).toContain('The two replays end with the same /proc/zoneinfo.');
    same.dispose();
  }, 120_000);

  it('your own recording: waits for a trace, then replays a pasted one on a built-in machine from its fresh boot', async () => {
    const waitingNb = await host.kernel.loadNotebook(NB, { builtins: host.builtins, params: { recording_name: 'your own recording' } });
    const waits = [...(await waitingNb.status())].filter(([, s]) => s.state === 'waiting');
    expect(waits.length).toBeGreaterThan(0);
    expect([...(await waitingNb.status())].filter(([, s]) => s.state === 'error')).toEqual([]);
    waitingNb.dispose();

    const MOV = 'GFP_HIGHUSER_MOVABLE|__GFP_COMP';
    const pfns = Array.from({ length: 600 }, (_, k) => 0x48000 + k);
    const trace = [...header(), mark('go'), ...pfns.map((p) => alloc(p, 0, MOV)), mark('half'), ...pfns.filter((_, k) => k % 2).map((p) => free(p)), mark('end')].join('\n') + '\n';
    const nb = await host.kernel.loadNotebook(NB, { builtins: host.builtins, params: { recording_name: 'your own recording', own: { machine: 'a64-512m', text: trace }, start_mark: 'go', percpu_pagelist_high_fraction: 8 } });
    expect(await notDone(nb)).toEqual([]);
    const recorded = (await nb.value('recorded')) as ReplayResult;
    expect(recorded.start).toBe('fresh boot');
    expect(recorded.marks.map((m) => m.text)).toEqual(['go', 'half', 'end']);
    expect(recorded.events.allocs.requests).toBe(600);
    expect(recorded.events.frees.tied).toBe(300);
    // no real kernel's files for a pasted trace: the plots draw the two replays
    expect(figureOf(nb, 29).getAttribute('aria-label')).not.toMatch(/real kernel:/);
    nb.dispose();
  }, 120_000);

  it('your own recording from your own snapshot: pasted zoneinfo, buddyinfo and pagetypeinfo and an opened kpageflags.gz', async () => {
    const rec = await host.mm.recording('rt-a64-1g-fill');
    // the shipped trace's first 3000 lines, opened as a file, on the recording's machine
    const lines = gunzipSync(rec.trace).toString('latin1').split('\n').slice(0, 3000).join('\n') + '\n';
    const file = (name: string, bytes: Uint8Array) => ({ name, arrayBuffer: async () => bytes.slice().buffer });
    const snapshot = { zoneinfo: rec.state.zoneinfo, buddyinfo: rec.state.buddyinfo, pagetypeinfo: rec.state.pagetypeinfo };
    const own = { machine: "rt-a64-1g-fill's machine", ...snapshot };
    const nb = await host.kernel.loadNotebook(NB, { builtins: host.builtins, params: { recording_name: 'your own recording', own, own_trace: file('trace.txt', new TextEncoder().encode(lines)), own_kpageflags: file('kpageflags.gz', rec.state.kpageflags), start_mark: 'rt_before end' } });
    expect(await notDone(nb)).toEqual([]);
    const recorded = (await nb.value('recorded')) as ReplayResult;
    expect(recorded.start).toMatch(/snapshot/);
    expect(recorded.marks[0]!.buddyinfo).toBe(rec.state.buddyinfo);
    expect(text(nb, 13)).toMatch(/from your snapshot with kpageflags/);
    nb.dispose();

    // part of a snapshot waits for the rest
    const part = await host.kernel.loadNotebook(NB, { builtins: host.builtins, params: { recording_name: 'your own recording', own: { ...own, buddyinfo: '' }, own_trace: file('trace.txt', new TextEncoder().encode(lines)) } });
    const waiting = [...(await part.status())].find(([, s]) => s.state === 'waiting');
    expect(waiting?.[1]).toMatchObject({ message: expect.stringContaining('paste the snapshot\'s buddyinfo too') });
    part.dispose();
  }, 120_000);
});
