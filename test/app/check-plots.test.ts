/**
 * The watermark-check and run-time plot helpers: their rows are the explanation's and the
 * workload's numbers, the usable lists follow the request's flags, and each figure carries its
 * numbers as text (aria-label and a hidden table) for screen readers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlots, type Plots } from '../helpers/plots';
import { mm } from '../../src/lib/mm';
import { checkRows, freeListRows, runBuddyRows, runCmaRows, runTypeRows, sampleAtStep } from '../../src/lib/plots/check-data';

let plots: Plots;
beforeAll(async () => {
  plots = await loadPlots();
});

const real = () => mm.explain(mm.reports()[0]!.text);

describe('check rows', () => {
  it('one row per zone with the compared numbers', () => {
    expect(checkRows(real())).toEqual([{ zone: 'Node 0 DMA', free: 5577, counted: 5577, mark: 5632, reserve: 0, needed: 5632, markName: 'min', highatomic: 0, cmaExcluded: 0, ok: false, failed: 'watermark', verdict: 'refused: watermark' }]);
  });

  it('free-list rows: the report\'s letters put each order\'s blocks on its first list; CMA usable with ALLOC_CMA only', () => {
    const e = real();
    const rows = freeListRows(e.input, e);
    // "9*4096kB (MCI)": order 10, first letter M
    expect(rows.find((r) => r.order === 10)).toEqual({ zone: 'Node 0 DMA', order: 10, type: 'Movable', blocks: 9, pages: 9 * 1024, usable: true, atOrder: true, exact: false });
    // "1*256kB (I)": Isolate is never usable
    expect(rows.find((r) => r.order === 6)).toMatchObject({ type: 'Isolate', usable: false });
    // a HighAtomic list is usable with ALLOC_HIGHATOMIC (6.1 profile) or ALLOC_HARDER (5.10), not without
    const input = { ...e.input, zones: e.input.zones.map((z) => ({ ...z, typeMask: z.typeMask.map((m, o) => (o === 10 ? 1 << 3 : m)) })) };
    const at10 = (flags: string) => freeListRows(input, { ...e.explanation, alloc_flags_text: flags }).find((r) => r.order === 10)!;
    expect(at10('ALLOC_WMARK_MIN|ALLOC_NON_BLOCK|ALLOC_MIN_RESERVE|ALLOC_HIGHATOMIC')).toMatchObject({ type: 'HighAtomic', usable: true });
    expect(at10('ALLOC_WMARK_MIN|ALLOC_HARDER|ALLOC_HIGH')).toMatchObject({ type: 'HighAtomic', usable: true });
    expect(at10('ALLOC_WMARK_MIN|ALLOC_NON_BLOCK|ALLOC_CMA')).toMatchObject({ type: 'HighAtomic', usable: false });
  });
});

describe('workload rows', () => {
  const m = mm.boot({ fixture: 'a64-512m' });
  const r = m.workload({ seed: 2, steps: 40, sampleEvery: 4, streams: [{ kind: 'anon', rate: 500 }, { kind: 'slab', rate: 20, lifetime: { fixed: 8 } }] });

  it('buddyinfo at a sample is the sample\'s freeByOrder; pagetype rows sum to the free pages', () => {
    const k = 3;
    const z = r.samples.zones.find((x) => x.managed > 0)!;
    expect(runBuddyRows(r, k).filter((x) => x.zone === z.zone).map((x) => x.blocks)).toEqual(z.freeByOrder.map((c) => c[k]));
    const at = runTypeRows(r).filter((x) => x.step === r.samples.step[k] && x.zone === z.zone);
    const isolatedAndFree = at.reduce((s, x) => s + x.pages, 0);
    expect(isolatedAndFree).toBeGreaterThanOrEqual(z.free[k]!);
    const cma = runCmaRows(r).filter((x) => x.step === r.samples.step[k] && x.zone === z.zone);
    expect(cma.find((x) => x.series === 'free − free CMA (unmovable)')!.pages).toBe(z.free[k]! - z.freeCma[k]!);
    expect(sampleAtStep(r, 15)).toBe(3); // samples after steps 3, 7, 11, 15, …
    expect(sampleAtStep(r, 10_000)).toBe(r.samples.step.length - 1);
  });

  it('the figures carry their numbers as text', () => {
    const fig = plots.buddyinfoAt(r, 2);
    expect(fig.dataset.plot).toBe('buddyinfo-run');
    expect(fig.getAttribute('aria-label')).toMatch(/^Buddy free lists after step 11: Node 0 DMA: \d+/);
    expect(fig.querySelector('table.plot-fallback tr td')?.textContent).toBe('Node 0 DMA');
    expect(fig.querySelector('figcaption')?.textContent).toContain('after step 11 of 40');
    const check = plots.zoneCheck(real());
    expect(check.getAttribute('aria-label')).toContain('Node 0 DMA counted free 5577 against 5632 + 0 lowmem_reserve, refused: watermark');
    expect(plots.pagetypeSeries(r, 1).dataset.step).toBe('7');
    expect(plots.cmaWatermarkSeries(r, 1).getAttribute('aria-label')).toMatch(/after step 7: Node 0 DMA free \(movable: CMA counted\) \d+/);
    const cmaFig = plots.cmaCheck({ movable: mm.check(r, { gfp: 'GFP_HIGHUSER_MOVABLE', order: 0 }), unmovable: mm.check(r, { gfp: 'GFP_KERNEL', order: 0 }) });
    expect(cmaFig.querySelectorAll('table.plot-fallback tr').length).toBe(3);
    expect(plots.freeBlocks(real().input, real()).dataset.plot).toBe('free-blocks');
  });
});
