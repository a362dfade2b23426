/** plots.watermarkBands and its data (src/lib/plots/watermark-bands.ts) under jsdom, and its marks in plots.ab. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlots, type Plots } from '../helpers/plots';
import type { WorkloadResult } from '../../src/sim/index';
import { reclaimRun, reclaimRunTuned } from '../helpers/run-results';

let plots: Plots;
let r: WorkloadResult, tuned: WorkloadResult;
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);
beforeAll(async () => {
  plots = await loadPlots();
  r = reclaimRun();
  tuned = reclaimRunTuned();
});

describe('watermark series, kswapd bands and stalls', () => {
  it('per sample: free, the lowest free before kswapd ran, the watermarks without their boost, and high + the boost kswapd met', () => {
    const z = r.samples.zones[0]!;
    const pts = plots.watermarkSeries(r);
    expect(pts).toHaveLength(z.free.length);
    pts.forEach((p, k) => {
      expect([p.step, p.free, p.freeMin]).toEqual([r.samples.step[k], z.free[k], z.freeMin[k]]);
      expect([p.min, p.low, p.high]).toEqual([z.min[k]! - z.boost[k]!, z.low[k]! - z.boost[k]!, z.high[k]! - z.boost[k]!]);
      expect(p.boostedHigh).toBe(p.high + z.boostMax[k]!);
    });
    expect(Math.max(...pts.map((p) => p.boostedHigh - p.high))).toBeGreaterThan(0);
    expect(plots.watermarkSeries(r, { zone: 'Node 0 Normal' })).toEqual([]);
  });

  it('kswapd\'s awake samples become disjoint bands; the stalls are the allocstall deltas', () => {
    const bands = plots.kswapdAwakeBands(r);
    expect(sum(bands.map((b) => b.samples))).toBe(sum(r.samples.nodes[0]!.kswapdAwake));
    expect(bands.length).toBeGreaterThan(0);
    for (let i = 1; i < bands.length; i++) expect(bands[i]!.step0).toBeGreaterThan(bands[i - 1]!.step1 - 1);
    for (const b of bands) expect(b.step1 - b.step0).toBe(b.samples * r.spec.sampleEvery);
    const stalls = plots.directReclaimStalls(r);
    const total = Object.entries(r.vmstat.delta).filter(([n]) => n.startsWith('allocstall_')).reduce((s, [, v]) => s + v, 0);
    expect(total).toBeGreaterThan(0);
    expect(sum(stalls.map((m) => m.stalls))).toBe(total);
    expect(stalls[0]!.counters).toMatch(/^allocstall_\w+ \+\d+/);
  });
});

describe('watermarkBands', () => {
  it('a plot per populated zone with the watermark lines, kswapd bands and stall rules; the numbers in the label and a table', () => {
    const fig = plots.watermarkBands(r, { width: 800 });
    expect(fig.dataset.plot).toBe('watermark-bands');
    const svgs = [...fig.querySelectorAll(':scope > svg')];
    expect(svgs).toHaveLength(1);
    const z = r.samples.zones[0]!;
    const last = z.free.length - 1;
    expect(fig.getAttribute('aria-label')).toContain(`Node 0 DMA: free at least ${Math.min(...z.freeMin)} pages, ${z.free[last]} at the end; min ${z.min[last]! - z.boost[last]!}, low ${z.low[last]! - z.boost[last]!}, high ${z.high[last]! - z.boost[last]!} pages`);
    expect(fig.getAttribute('aria-label')).toContain(`kswapd woke ${r.totals.kswapdWakes} times, awake in ${sum(r.samples.nodes[0]!.kswapdAwake)} of ${last + 1} samples`);
    expect(svgs[0]!.querySelectorAll('g[aria-label="rect"] rect').length).toBe(plots.kswapdAwakeBands(r).length);
    expect(svgs[0]!.querySelectorAll('g[aria-label="rule"] line').length).toBe(plots.directReclaimStalls(r).length + 1);
    // free, lowest free, min, low, high, high + boost
    expect(svgs[0]!.querySelectorAll('g[aria-label="line"]').length).toBe(6);
    expect(fig.textContent).toContain('↑ Node 0 DMA: pages (4 KiB)');
    expect(fig.textContent).toContain('step →');
    const row = [...fig.querySelectorAll('table.plot-fallback tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent));
    expect(row).toHaveLength(1);
    expect(row[0]!.slice(0, 2)).toEqual(['this run', 'Node 0 DMA']);
    expect([...fig.querySelectorAll('.plot-legend [role=listitem]')].map((e) => e.textContent)).toEqual(['free pages', 'lowest free before kswapd ran', 'min', 'low', 'high', 'high + boost', 'kswapd awake', 'direct reclaim (allocstall)']);
  });

  it('overlays scenario A (dashed) and the previous run (dotted grey): their free pages and low/high, their numbers', () => {
    const fig = plots.watermarkBands(tuned, { width: 800, a: r, previous: r });
    expect(fig.dataset.scenarios).toBe('A B');
    const svg = fig.querySelector(':scope > svg')!;
    expect(svg.querySelectorAll('g[aria-label="line"]').length).toBe(6 + 2 * 3);
    // (a clipped mark keeps its styles on an inner group)
    const dashed = [...svg.querySelectorAll('g[aria-label="line"] > g')].map((g) => `${g.getAttribute('stroke')} ${g.getAttribute('stroke-dasharray')}`);
    expect(dashed).toEqual(expect.arrayContaining([`${plots.AB_STYLES.A.color} ${plots.AB_STYLES.A.dash}`, `${plots.PREVIOUS_STYLE.color} ${plots.PREVIOUS_STYLE.dash}`]));
    const label = fig.getAttribute('aria-label')!;
    expect(label).toContain(`A Node 0 DMA: free at least ${Math.min(...r.samples.zones[0]!.freeMin)}`);
    expect(label).toContain(`B Node 0 DMA: free at least ${Math.min(...tuned.samples.zones[0]!.freeMin)}`);
    expect([...fig.querySelectorAll('table.plot-fallback tbody tr')].map((tr) => tr.firstElementChild!.textContent)).toEqual(['previous run', 'A', 'B']);
    expect(fig.textContent).toContain('A (pinned): free, low and high');
  });

  it('watermarkBandMarks draws any run\'s lines in a scenario\'s style, so plots.ab overlays A on B', () => {
    const fig = plots.ab({ A: r, B: tuned }, (run, s) => plots.watermarkBandMarks(run, s), { name: 'free-ab', ariaLabel: 'free pages', y: { label: 'pages' } }) as HTMLElement;
    expect(fig.dataset).toMatchObject({ plot: 'free-ab', scenarios: 'A B' });
    const lines = [...fig.querySelectorAll('g[aria-label="line"]')].map((g) => g.getAttribute('stroke'));
    expect(lines).toEqual([...Array(3).fill(plots.AB_STYLES.A.color), ...Array(3).fill(plots.AB_STYLES.B.color)]);
    const alone = plots.ab({ A: null, B: tuned }, (run, s) => plots.watermarkBandMarks(run, s), { name: 'free-ab' }) as Element;
    expect(alone.getAttribute('data-plot')).toBe('free-ab');
    expect(alone.querySelectorAll('g[aria-label="line"]').length).toBe(3);
  });

  it('zoom "all" shows free memory whole; the default zooms on the watermarks', () => {
    const top = (fig: HTMLElement) => Math.max(...[...fig.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => Number((t.textContent ?? '').replace(/,/g, ''))));
    const all = plots.watermarkBands(r, { zoom: 'all' });
    const zoomed = plots.watermarkBands(r);
    expect(top(all)).toBeGreaterThanOrEqual(Math.max(...r.samples.zones[0]!.free) * 0.9);
    expect(top(zoomed)).toBeLessThan(top(all));
  });
});
