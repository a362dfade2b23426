/**
 * notebooks/cma.html headless, with the builtins `mmbook run` passes: every cell ok; the workload
 * the notebook runs is the one its spec describes; the fill slider moves the borrowed pages and
 * the map (and leaves the sweep, which runs its own fill levels, alone); scenario A overlays; a
 * cma= that cannot be placed stops at the boot cell with the simulator's message.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { notebookHost } from '../helpers/notebook-host';
import type { WorkloadResult } from '../../src/sim/workload/index';

const NB = resolve(import.meta.dirname, '../../notebooks/cma.html');
const host = notebookHost();

type Point = { fill: number; ok: boolean; migrated: number; reclaimed: number; tried: number; borrowed: number };
const text = (nodes: unknown[]) => nodes.map((d) => (d as HTMLElement).textContent ?? '').join(' ');
const figure = (nodes: unknown[]) => nodes[0] as HTMLElement;

describe('notebooks/cma.html', () => {
  it('every cell is ok; the fill slider moves the borrowed pages and the map; scenario A overlays every CMA plot', async () => {
    const nb = await host.kernel.loadNotebook(NB, { builtins: host.builtins });
    const status = await nb.status();
    expect([...status].filter(([, s]) => s.state !== 'done')).toEqual([]);

    // the workload the notebook ran is the one its spec describes, on the machine it booted
    const request = (await nb.value('request')) as { fixture: string; kernel: '5.10' | '6.1'; cmdline: string };
    expect(request).toMatchObject({ fixture: 'a64-512m', kernel: '6.1' });
    expect(request.cmdline).toMatch(/ cma=64M$/);
    const spec = await nb.value('spec');
    const result = (await nb.value('result')) as WorkloadResult;
    const direct = host.mm.workload(host.mm.boot(request), spec);
    const a = result.samples.cma[0]!;
    expect(Array.from(a.borrowed)).toEqual(Array.from(direct.samples.cma[0]!.borrowed));
    expect(a).toMatchObject({ name: 'reserved', count: 16384, pageblocks: 32 });
    // at 80 % the area lends pages (the rule starts above about 73 % on this board), and the cma_alloc of step 50 is the driver's 48 MiB
    expect(a.borrowed[49]).toBeGreaterThan(1000);
    const alloc = result.events.find((e) => e.op === 'cma_alloc')!;
    expect(alloc).toMatchObject({ step: 50, result: { ok: true, count: 48 * 256, align: 8 } });
    expect(Array.from(a.allocated.subarray(50, 80)).every((n) => n === 48 * 256)).toBe(true);
    expect(a.allocated[80]).toBe(0);
    expect(text(nb.displays(19))).toMatch(/above a fill level of about 73 %/);

    const map = figure(nb.displays(21));
    expect(map.dataset.plot).toBe('cma-map');
    expect(map.getAttribute('aria-label')).toMatch(/^Occupancy map of CMA area reserved \(6\.1\)/);
    expect(map.querySelector('figcaption')!.textContent).toMatch(/32 pageblocks of 512 pages from pfn 0x5b600/);
    expect(map.querySelectorAll('table.visually-hidden tbody tr').length).toBeGreaterThan(2);
    expect(figure(nb.displays(23)).dataset.plot).toBe('cma-series');

    // both kernels ran the same workload; the table lists each one's cma_alloc
    const kernels = (await nb.value('kernels')) as Record<string, WorkloadResult>;
    expect(Object.keys(kernels)).toEqual(['5.10', '6.1']);
    expect(kernels['5.10']!.kernel).toBe('5.10');
    expect(kernels['6.1']).toBe(result);
    const borrow = figure(nb.displays(26));
    expect([...borrow.querySelectorAll('table.cma-outcomes tr[data-kernel]')].map((r) => r.getAttribute('data-kernel'))).toEqual(['5.10', '6.1']);

    // the sweep: nothing borrowed below the rule's threshold, borrowed pages and cost growing above it
    const sweep = (await nb.value('sweep')) as Point[];
    expect(sweep.map((p) => p.fill)).toEqual([20, 40, 60, 70, 75, 80, 85, 90, 95]);
    for (const p of sweep.filter((x) => x.fill <= 70)) expect(p).toMatchObject({ borrowed: 0, migrated: 0, reclaimed: 0, tried: 1, ok: true });
    const high = sweep.filter((x) => x.fill >= 80);
    for (let i = 1; i < high.length; i++) expect(high[i]!.borrowed).toBeGreaterThan(high[i - 1]!.borrowed);
    expect(high.at(-1)!.migrated + high.at(-1)!.reclaimed).toBeGreaterThan(high[0]!.migrated + high[0]!.reclaimed);
    expect(figure(nb.displays(29)).dataset.plot).toBe('cma-cost');

    // the pinned page: the first try skips the pinned range or fails; without the pin the driver's buffer fits
    type Outcome = { ok: boolean; tried: number; failedAt?: number; reason?: string };
    const pin = (await nb.value('pinDemo')) as { pinned: number; sized: Outcome; whole: Outcome; unpinned: Outcome; log: string[] };
    expect(pin.pinned).toBeGreaterThanOrEqual(0x5b600);
    expect(pin.sized.ok ? pin.sized.tried : 2).toBeGreaterThan(1);
    expect(pin.whole).toMatchObject({ ok: false, tried: 1, failedAt: pin.pinned, reason: expect.stringMatching(/pinned/) });
    expect(pin.log[0]).toMatch(/^cma: cma_alloc: reserved: alloc failed, req-size: 16384 pages, ret: -16$/);
    expect(pin.unpinned.ok).toBe(true);
    expect(text(nb.displays(33))).toMatch(/whole area \(16384 pages\) failed/);

    // move the fill slider: more pages borrowed, a different map; the sweep does not run again
    const counts = new Map([...status].map(([id, s]) => [id, s.state === 'done' ? s.count : -1]));
    const captionBefore = map.querySelector('figcaption')!.textContent;
    await nb.setInput('fill', 90);
    const after = await nb.status();
    expect([...after].filter(([, s]) => s.state !== 'done')).toEqual([]);
    const result90 = (await nb.value('result')) as WorkloadResult;
    expect(result90.samples.cma[0]!.borrowed[49]).toBeGreaterThan(a.borrowed[49]! + 3000);
    expect(figure(nb.displays(21)).querySelector('figcaption')!.textContent).not.toBe(captionBefore);
    const count = (id: number) => { const s = after.get(id)!; return s.state === 'done' ? s.count : -1; };
    expect(count(28)).toBe(counts.get(28));
    expect(count(18)).toBe(counts.get(18)! + 1);

    // scenario A (the 80 % run) pinned: every CMA plot draws both
    await nb.setInput('scenarioA', { result, kernels, sweep });
    for (const id of [21, 23, 26, 29]) expect(figure(nb.displays(id)).dataset.scenarios).toBe('A B');
    expect(figure(nb.displays(21)).querySelectorAll('figcaption')[0]!.textContent).toMatch(/^A: CMA area reserved/);
    nb.dispose();
  });

  it('a cma= the board cannot hold stops at the boot cell with the simulator\'s message', async () => {
    const nb = await host.kernel.loadNotebook(NB, { builtins: host.builtins, params: { cma_mib: 512 } });
    const cells = [...(await nb.status()).values()];
    const errors = cells.filter((c) => c.state === 'error');
    expect(errors.map((c) => c.state === 'error' && c.message)).toEqual([expect.stringMatching(/^CMA_NO_SPACE: no free 512 MiB range/)]);
    expect(cells.filter((c) => c.state === 'blocked').length).toBeGreaterThan(5);
    nb.dispose();
  });
});
