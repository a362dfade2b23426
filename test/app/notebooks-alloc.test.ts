/**
 * notebooks/alloc-failure.html and the run-time section of notebooks/boot.html, run headless on the
 * real simulator with the builtins the CLI uses: every cell ok, the notebooks' numbers are the
 * simulator's (mm.explain, mm.recheck, mm.check, mm.workload called directly), inputs move them.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mm } from '../../src/lib/mm';
import { notebookHost } from '../helpers/notebook-host';
import type { AllocationCheck } from '../../src/sim/index';
import type { WorkloadResult } from '../../src/sim/workload/index';
import type { MmExplanation, MmRecheck } from '../../src/lib/explain';

const FIX = resolve(import.meta.dirname, '../explain/fixtures');
const { load } = notebookHost();

const notDone = async (nb: Awaited<ReturnType<typeof load>>) => [...(await nb.status())].filter(([, s]) => s.state !== 'done');
const text = (nb: Awaited<ReturnType<typeof load>>, id: number) => nb.displays(id).map((d) => (d as HTMLElement).textContent).join(' ');

describe('notebooks/alloc-failure.html', () => {
  it('every cell succeeds for each shipped report, and the explanation is mm.explain\'s', async () => {
    for (const r of mm.reports()) {
      const nb = await load('alloc-failure.html', { report_source: r.name });
      expect(await notDone(nb)).toEqual([]);
      const explained = (await nb.value('explained')) as MmExplanation;
      expect(explained.explanation).toEqual(mm.explain(r.text).explanation);
      expect(text(nb, 13)).toContain(`Verdict: ${explained.explanation.verdict}`);
      nb.dispose();
    }
  });

  it('the real report: min_free_kbytes 22307 lets it pass (min 5576 < 5577 counted), the value in use does not', async () => {
    const nb = await load('alloc-failure.html');
    expect(await nb.value('try_min_free_kbytes')).toBe(22528);
    expect(((await nb.value('retuned')) as MmRecheck).ok).toBe(false);
    expect(text(nb, 21)).toContain('vm.min_free_kbytes ≤ 22307 (now 22528)');
    await nb.setInput('try_min_free_kbytes', 22307);
    const retuned = (await nb.value('retuned')) as MmRecheck;
    expect(retuned.ok).toBe(true);
    expect(retuned.explanation.zones.map((z) => [z.counted_free, z.mark])).toEqual([[5577, 5576]]);
    expect(text(nb, 25)).toMatch(/^With `?vm\.min_free_kbytes=22307`?: it would pass in Node 0 DMA\./);
    nb.dispose();
  });

  it('a pasted OOM killer report is explained; a lowmem_reserve_ratio slider re-checks it', async () => {
    const pasted = readFileSync(`${FIX}/x86-6.1-oom-killer.txt`, 'utf8');
    const nb = await load('alloc-failure.html', { report_source: 'paste a report', pasted });
    expect(await notDone(nb)).toEqual([]);
    expect(text(nb, 13)).toMatch(/^postgres invoked the OOM killer for an order-0 request/);
    expect(((await nb.value('explained')) as MmExplanation).explanation).toEqual(mm.explain(pasted).explanation);
    // DMA: 3584 counted ≤ 64 + 3898; ratio 284 gives 997888 / 284 = 3513, and 3584 > 3577
    await nb.setInput('try_lowmem_reserve_ratio', { DMA: 284, DMA32: 256, Normal: 32, Movable: 0, Device: 0 });
    const retuned = (await nb.value('retuned')) as MmRecheck;
    expect(retuned.explanation.zones.find((z) => z.name === 'DMA')).toMatchObject({ reserve: 3513, ok: true });
    expect(await nb.value('tryWrites')).toEqual([['vm.lowmem_reserve_ratio', '284 256 32 0 0']]);
    nb.dispose();
  });

  it('nothing pasted yet waits for the paste; a text without a report is an error in one cell, the rest keeps working', async () => {
    const waitingNb = await load('alloc-failure.html', { report_source: 'paste a report' });
    const cells = [...(await waitingNb.status()).values()];
    expect(cells.filter((c) => c.state === 'error' || c.state === 'blocked')).toEqual([]);
    expect(cells.filter((c) => c.state === 'waiting').length).toBeGreaterThan(10);
    waitingNb.dispose();
    const nb = await load('alloc-failure.html', { report_source: 'paste a report', pasted: 'Mar 3 kernel: nothing to see\n' });
    const all = [...(await nb.status()).values()];
    const errors = all.filter((c) => c.state === 'error');
    expect(errors.map((c) => c.state === 'error' && c.message)).toEqual([expect.stringMatching(/^REPORT_NONE: pasted text: no "page allocation failure/)]);
    expect(all.filter((c) => c.state === 'done').length).toBeGreaterThan(8);
    nb.dispose();
  });
});

describe('notebooks/boot.html: the machine under load', () => {
  const spec = (fill: number, managed: number) => ({ seed: 1, steps: 400, sampleEvery: 4, streams: [
    { name: 'app', kind: 'anon', order: { 0: 0.4, 3: 0.6 }, count: Math.round(fill / 100 * managed / 5.2), end: 300 },
    { name: 'slab', kind: 'slab', rate: 20, order: { 0: 0.7, 1: 0.15, 3: 0.15 }, lifetime: { exponential: { mean: 80 } } },
  ] });

  it('every cell succeeds; the workload, the plots and the calculator are the simulator\'s', async () => {
    const nb = await load('boot.html');
    expect(await notDone(nb)).toEqual([]);
    const m = mm.boot({ fixture: 'a64-2g-cma64' });
    const managed = m.view().nodes.flatMap((n) => n.zones).reduce((s, z) => s + z.managed, 0);
    const direct = m.workload(spec(97, managed));
    const run = (await nb.value('load')) as WorkloadResult;
    expect(run.final).toEqual(direct.final);
    // the calculator's default: GFP_KERNEL order 0 on the first attempt
    const c = (await nb.value('allocCheck')) as AllocationCheck;
    expect(c).toEqual(mm.check(direct, { gfp: 'GFP_KERNEL', order: 0, nid: 0, attempt: 'fast' }));
    const z = direct.final.nodes[0]!.zones.find((x) => x.managed > 0)!;
    // free minus the free CMA pages (no highatomic reserve here) against low
    expect(c.explanation.zones[0]!.counted_free).toBe(z.free - z.freeCma);
    expect(c.explanation.zones[0]!.mark).toBe(z.low);
    // with and without CMA: the two counts differ by the free CMA pages
    const cma = (await nb.value('cmaChecks')) as { movable: AllocationCheck; unmovable: AllocationCheck };
    expect(cma.movable.explanation.zones[0]!.counted_free - cma.unmovable.explanation.zones[0]!.counted_free).toBe(z.freeCma);
    expect(z.freeCma).toBeGreaterThan(0);
    nb.dispose();
  });

  it('the calculator follows its inputs: order, attempt and flags change the verdict', async () => {
    const nb = await load('boot.html');
    const verdict = async () => ((await nb.value('allocCheck')) as AllocationCheck);
    const first = await verdict();
    expect(first.ok).toBe(false); // 97 %: GFP_KERNEL counts free − free CMA, at or below low
    expect(first.other.ok).toBe(true); // at min it passes
    expect(text(nb, 113)).toMatch(/^Not on the first attempt; at min, yes\./);
    await nb.setInput('alloc_request', { mask: 'GFP_KERNEL', other: '', order: 0, attempt: 'slow path (min)', node: 0 });
    expect((await verdict()).ok).toBe(true);
    await nb.setInput('alloc_request', { mask: 'GFP_HIGHUSER_MOVABLE', other: '', order: 0, attempt: 'fast path (low)', node: 0 });
    expect((await verdict()).ok).toBe(true);
    await nb.setInput('alloc_request', { mask: 'other', other: 'GFP_KERNAL', order: 0, attempt: 'fast path (low)', node: 0 });
    const status = (await nb.status()).get(113)!;
    expect(status.state === 'error' && status.message).toMatch(/^GFP_UNKNOWN: unknown GFP flag "GFP_KERNAL"/);
    nb.dispose();
  });

  it('the fill slider moves the plots and the step slider picks the sample', async () => {
    const nb = await load('boot.html', { fill_percent: 50 });
    expect(await notDone(nb)).toEqual([]);
    const label = (id: number) => (nb.displays(id)[0] as HTMLElement).getAttribute('aria-label') ?? '';
    const half = label(106);
    expect(((await nb.value('allocCheck')) as AllocationCheck).ok).toBe(true);
    await nb.setInput('fill_percent', 90);
    expect(label(106)).not.toBe(half);
    const run = (await nb.value('load')) as WorkloadResult;
    await nb.setInput('load_step', 3);
    expect(label(106)).toMatch(/^Buddy free lists after step 3:/);
    expect((nb.displays(107)[0] as HTMLElement).dataset.step).toBe('3');
    const last = run.samples.step[run.samples.step.length - 1]!;
    await nb.setInput('load_step', last);
    expect(label(106)).toMatch(new RegExp(`^Buddy free lists after step ${last}:`));
    nb.dispose();
  });
});

describe('mmbook run', () => {
  const root = resolve(import.meta.dirname, '../..');
  const run = (...args: string[]) => spawnSync(process.execPath, [resolve(root, 'bin/mmbook.js'), 'run', ...args], { cwd: root, encoding: 'utf8' });

  it('runs both notebooks with every cell ok; a pasted file goes in with -p pasted=@FILE', () => {
    const a = run('notebooks/alloc-failure.html', '-p', 'report_source=paste a report', '-p', `pasted=@${FIX}/x86-6.1-oom-killer.txt`, '-p', 'try_min_free_kbytes=65415');
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/^27 cells ok$/m);
    // 65415 is the tuning search's answer for this report: Normal's min drops to 4124 < 4125 counted
    expect(a.stdout).toMatch(/With vm\.min_free_kbytes=65415: it would pass in Node 0 Normal/);
    const b = run('notebooks/boot.html', '-p', 'fill_percent=60', '-p', 'alloc_request.order=9');
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(/^38 cells ok$/m);
    expect(b.stdout).toMatch(/^ok {6}cell 113 .*order: 9, attempt: "fast path \(low\)".*answer = "Yes, on this attempt\."/m);
  });
});
