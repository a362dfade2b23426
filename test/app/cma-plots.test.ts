/**
 * The CMA plot helpers (src/lib/plots/cma-*.ts) under jsdom, as `mmbook run` draws them: the data
 * behind their marks, the marks drawn from it, the ARIA labels and the text fallback (caption and
 * hidden table), with and without scenario A; then on a real workload result.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlots, type Plots } from '../helpers/plots';
import type { CmaResult } from '../../src/lib/plots/cma-states';
import type { CmaZoneResult } from '../../src/lib/plots/cma-borrow';

let plots: Plots;
let pageblockTicks: typeof import('../../src/lib/plots/cma-map').pageblockTicks;
beforeAll(async () => {
  plots = await loadPlots();
  pageblockTicks = (await import('../../src/lib/plots/cma-map')).pageblockTicks;
});

// 4 pageblocks of 512 pages from pfn 0x40000, 5 samples of 2 steps each (after steps 1, 3, 5, 7, 9)
// codes: 0 free, 1 borrowed, 2 cma_alloc'd, 3 isolated; a cma_alloc at step 4 took blocks 0–1 (isolated
// during the interval of sample 2), the release at step 8 gave them back
const MAP = [
  [1, 1, 0, 0],
  [1, 1, 1, 0],
  [2, 2, 1, 0],
  [2, 2, 1, 1],
  [0, 0, 1, 1],
];
function synthetic(kernel = '6.1', borrowedScale = 1): CmaZoneResult {
  const pb = 512;
  const map = MAP.flat();
  const isolatedDuring = MAP.flatMap((row, k) => row.map((_, j) => (k === 2 && j < 2 ? 1 : 0)));
  const count = (k: number, code: number) => MAP[k]!.filter((c) => c === code).length * pb;
  const borrowed = MAP.map((_, k) => count(k, 1) * borrowedScale);
  return {
    kernel,
    spec: { sampleEvery: 2 },
    samples: {
      step: Int32Array.from([1, 3, 5, 7, 9]),
      cma: [{
        name: 'reserved', basePfn: 0x40000, count: 4 * pb, pageblocks: 4,
        free: Int32Array.from(MAP.map((_, k) => 4 * pb - count(k, 1) - count(k, 2))), borrowed: Int32Array.from(borrowed),
        allocated: Int32Array.from(MAP.map((_, k) => count(k, 2))), isolated: new Int32Array(5), map: Uint8Array.from(map), isolatedDuring: Uint8Array.from(isolatedDuring),
      }],
      zones: [{ nid: 0, zone: 'DMA', free: Int32Array.from([9000, 5000, 4000, 3000, 6000]), freeCma: Int32Array.from([2048, 1536, 0, 0, 1024]) }],
    },
    events: [
      { step: 4, op: 'cma_alloc', result: { area: 'reserved', count: 1024, align: 8, ok: true, pfn: 0x40000, migrated: 700, reclaimed: 300, tried: 1 } },
      { step: 8, op: 'cma_release', result: { area: 'reserved', count: 1024, released: true, ref: 'buf' } },
    ],
    final: { nodes: [{ nid: 0, zones: [{ name: 'DMA', startPfn: 0x40000, spanned: 0x40000 }] }] },
  };
}

const rects = (el: Element, fill?: string) => [...el.querySelectorAll('g[aria-label="rect"] rect')].filter((r) => fill === undefined || r.getAttribute('fill') === fill || r.closest('g')?.getAttribute('fill') === fill);

describe('plots.cmaMap', () => {
  it('one rect per run of a state along time, an outline per pageblock isolated in an interval', () => {
    const d = plots.cmaMapData(synthetic());
    expect(d.pageblockPages).toBe(512);
    expect(d.end).toBe(10);
    const block = (j: number) => d.cells.filter((c) => c.pageblock === j).map((c) => [c.state, c.x1, c.x2]);
    expect(block(0)).toEqual([['borrowed', 0, 4], ["cma_alloc'd", 4, 8], ['free', 8, 10]]);
    expect(block(2)).toEqual([['free', 0, 2], ['borrowed', 2, 10]]);
    expect(block(3)).toEqual([['free', 0, 6], ['borrowed', 6, 10]]);
    expect(d.cells.find((c) => c.pageblock === 3)).toMatchObject({ y1: 0x40600, y2: 0x40800 });
    expect(d.isolatedDuring.map((c) => [c.pageblock, c.x1, c.x2])).toEqual([[0, 4, 6], [1, 4, 6]]);
    expect(plots.cmaMapCounts(synthetic()).map((r) => [r.step, r.counts.free, r.counts.borrowed, r.counts["cma_alloc'd"], r.isolatedDuring]))
      .toEqual([[1, 2, 2, 0, 0], [3, 1, 3, 0, 0], [5, 1, 1, 2, 2], [7, 0, 2, 2, 0], [9, 2, 2, 0, 0]]);
  });

  it('draws those rects in the state colours, with the events, an ARIA label and a text fallback', () => {
    const r = synthetic();
    const el = plots.cmaMap(r, { width: 800 });
    const d = plots.cmaMapData(r);
    expect(el.dataset.plot).toBe('cma-map');
    expect(el.getAttribute('aria-label')).toBe('Occupancy map of CMA area reserved (6.1): pageblocks by pfn against the workload step, coloured by state');
    const [cells, outlines] = [...el.querySelectorAll('g[aria-label="rect"]')];
    expect(cells!.querySelectorAll('rect').length).toBe(d.cells.length);
    expect(outlines!.querySelectorAll('rect').length).toBe(2);
    expect(outlines!.getAttribute('stroke')).toBe(plots.CMA_COLORS.isolated);
    const fills = [...cells!.querySelectorAll('rect')].map((x) => x.getAttribute('fill'));
    expect(fills.filter((f) => f === plots.CMA_COLORS["cma_alloc'd"]).length).toBe(2);
    expect(fills.filter((f) => f === plots.CMA_COLORS.borrowed).length).toBe(4);
    // the legend names every state; the rules mark cma_alloc and cma_release
    expect(el.textContent).toContain("borrowed by movable pages");
    expect([...el.querySelectorAll('g[aria-label="text"] text')].map((t) => t.textContent)).toEqual(['cma_alloc ✓', 'cma_release']);
    // y ticks on pageblock boundaries, in hex
    expect([...el.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent)).toEqual(['0x40000', '0x40200', '0x40400', '0x40600', '0x40800']);
    expect(el.querySelector('figcaption')!.textContent).toBe('CMA area reserved: 4 pageblocks of 512 pages from pfn 0x40000, steps 0–9. At most 3 pageblocks held borrowed movable pages. Step 4: cma_alloc 1024 pages (4 MiB): ok, 1000 pages moved, 1 range tried. Step 8: cma_release 1024 pages. At the end: 2 free, 2 borrowed by movable pages, 0 cma_alloc\'d, 0 isolated (MIGRATE_ISOLATE).');
    const table = el.querySelector('table.visually-hidden')!;
    expect([...table.querySelectorAll('th')].map((t) => t.textContent)).toEqual(['step', 'free', 'borrowed by movable pages', "cma_alloc'd", 'isolated (MIGRATE_ISOLATE)', 'isolated during the interval']);
    expect([...table.querySelectorAll('tbody tr')].map((t) => [...t.querySelectorAll('td')].map((c) => c.textContent).join(' '))).toEqual(['1 2 2 0 0 0', '3 1 3 0 0 0', '5 1 1 2 0 2', '7 0 2 2 0 0', '9 2 2 0 0 0']);
  });

  it('with scenario A: both maps on the same scales, A above, with the A/B legend; a missing area is named', () => {
    const el = plots.cmaMap(synthetic(), { a: synthetic('5.10') });
    expect(el.dataset).toMatchObject({ plot: 'cma-map', scenarios: 'A B' });
    expect([...el.querySelectorAll('.ab-legend [data-scenario]')].map((x) => x.textContent)).toEqual(['A (pinned): upper map', 'B (current inputs): lower map']);
    const svgs = [...el.querySelectorAll('svg[aria-label]')].filter((s) => s.getAttribute('aria-label')!.startsWith('Scenario'));
    expect(svgs.map((s) => s.getAttribute('aria-label')!.slice(0, 11))).toEqual(['Scenario A:', 'Scenario B:']);
    expect(el.querySelectorAll('table.visually-hidden').length).toBe(2);
    expect(el.querySelector('figcaption')!.textContent).toMatch(/^A: CMA area .* B: CMA area /);
    expect(() => plots.cmaMap(synthetic(), { area: 'camera' })).toThrow(/no CMA area "camera" in this workload result; areas: 0 \(reserved\)/);
  });

  it('pageblock ticks stay about 8 on a big area', () => {
    expect(pageblockTicks([0, 512 * 256], 512)).toHaveLength(9);
    expect(pageblockTicks([0x1000, 0x1000 + 512 * 3], 512)).toEqual([0x1000, 0x1200, 0x1400, 0x1600]);
  });
});

describe('plots.cmaSeries', () => {
  it('rows per sample and state; stacked areas in the state colours; events; ARIA and text fallback', () => {
    const r = synthetic();
    const rows = plots.cmaSeriesRows(r);
    expect(rows).toHaveLength(5 * 4);
    expect(rows.slice(8, 12).map((x) => [x.step, x.state, x.pages])).toEqual([[5, 'free', 512], [5, 'borrowed', 512], [5, "cma_alloc'd", 1024], [5, 'isolated', 0]]);
    const el = plots.cmaSeries(r, { width: 800 });
    expect(el.dataset.plot).toBe('cma-series');
    expect(el.dataset.scenarios).toBeUndefined();
    expect(el.getAttribute('aria-label')).toMatch(/^Pages of CMA area reserved \(6\.1\) by state against the workload step, stacked/);
    const areas = [...el.querySelectorAll('g[aria-label="area"] path')];
    expect(areas.map((p) => p.getAttribute('fill'))).toEqual([plots.CMA_COLORS.free, plots.CMA_COLORS.borrowed, plots.CMA_COLORS["cma_alloc'd"], plots.CMA_COLORS.isolated]);
    expect(el.querySelector('figcaption')!.textContent).toMatch(/^CMA area reserved, 2048 pages\. Step 1: 1024 free, 1024 borrowed by movable pages, 0 cma_alloc'd, 0 isolated \(MIGRATE_ISOLATE\)\. .*At most 1536 pages were borrowed\. Step 4: cma_alloc 1024 pages/);
    expect([...el.querySelectorAll('table.visually-hidden tbody tr')].map((t) => t.firstElementChild!.textContent)).toEqual(['1', '3', '5', '7', '9']);
  });

  it('with scenario A: A\'s band edges as dashed lines over B\'s bands', () => {
    const el = plots.cmaSeries(synthetic(), { a: synthetic('6.1', 0.5) });
    expect(el.dataset.scenarios).toBe('A B');
    const lines = [...el.querySelectorAll('g[aria-label="line"]')];
    expect(lines).toHaveLength(1);
    expect(lines[0]!.getAttribute('stroke-dasharray')).toBe(plots.AB_STYLES.A.dash);
    expect(lines[0]!.getAttribute('stroke')).toBe(plots.AB_STYLES.A.color);
    expect(lines[0]!.querySelectorAll('path')).toHaveLength(4);
    expect(el.querySelectorAll('g[aria-label="area"] path')).toHaveLength(4);
    expect(el.querySelector('figcaption')!.textContent).toMatch(/Scenario A \(dashed\): at most 768 pages borrowed\.$/);
  });
});

describe('plots.cmaBorrow and plots.cmaCostPlot', () => {
  it('the borrow rule per kernel: borrowed, NR_FREE_CMA_PAGES and NR_FREE_PAGES ÷ 2 per sample, a panel per kernel, the outcomes listed', () => {
    const results = { '5.10': synthetic('5.10'), '6.1': synthetic('6.1') };
    const rows = plots.cmaBorrowRows(results);
    expect(rows.filter((x) => x.kernel === '6.1' && x.step === 3).map((x) => [x.series, x.pages])).toEqual([['borrowed pages (the area)', 1536], ['NR_FREE_CMA_PAGES (zone)', 1536], ['NR_FREE_PAGES ÷ 2 (zone)', 2500]]);
    const el = plots.cmaBorrow(results, { width: 800 });
    expect(el.dataset.plot).toBe('cma-borrow');
    expect([...el.querySelectorAll('g[aria-label="fx-axis tick label"] text')].map((t) => t.textContent)).toEqual(['kernel 5.10', 'kernel 6.1']);
    // one path per kernel and series: the half-free band, then borrowed and free CMA over it
    const paths = [...el.querySelectorAll('g[aria-label="line"] path')];
    expect(paths.map((p) => p.getAttribute('stroke') ?? p.closest('g[stroke]')?.getAttribute('stroke'))).toEqual(['#7f7f7f', '#7f7f7f', '#f28e2b', '#4e79a7', '#f28e2b', '#4e79a7']);
    expect([...el.querySelectorAll('table.cma-outcomes tr[data-kernel]')].map((t) => [...t.querySelectorAll('td')].map((c) => c.textContent).join('|'))).toEqual(['5.10|4|ok|700|300|1|', '6.1|4|ok|700|300|1|']);
    expect(el.querySelector('figcaption')!.textContent).toBe('5.10: at most 1536 pages borrowed; cma_alloc at step 4 succeeded after migrating 700 and reclaiming 300 pages over 1 range. 6.1: at most 1536 pages borrowed; cma_alloc at step 4 succeeded after migrating 700 and reclaiming 300 pages over 1 range.');
  });

  it('cma_alloc cost per fill level: the kernel\'s work stacked, ✓/✗ above, A as dashed ticks', () => {
    const points = [
      { fill: 50, ok: true, migrated: 0, reclaimed: 0, tried: 1 },
      { fill: 90, ok: true, migrated: 800, reclaimed: 200, tried: 1 },
      { fill: 95, ok: false, migrated: 300, reclaimed: 0, tried: 41, reason: 'pfn 0x40010 holds an anon page that is pinned' },
    ];
    expect(points.map(plots.cmaCost)).toEqual([0, 1000, 340]);
    expect(plots.cmaCostRows(points).filter((x) => x.fill === 95).map((x) => x.units)).toEqual([300, 0, 40]);
    const el = plots.cmaCostPlot(points, { width: 800, a: points.slice(0, 2) });
    expect(el.dataset).toMatchObject({ plot: 'cma-cost', scenarios: 'A B' });
    expect(el.querySelectorAll('g[aria-label="bar"] rect')).toHaveLength(9);
    expect(el.querySelectorAll('g[aria-label="tick"] line')).toHaveLength(2);
    expect([...el.querySelectorAll('g[aria-label="text"] text')].map((t) => t.textContent)).toEqual(['A✓', 'A✓', '✓', '✓', '✗']);
    expect(el.querySelector('figcaption')!.textContent).toMatch(/^cma_alloc 2 of 3 times successful\. .*95 %: failed, 300 migrated, 0 reclaimed, 41 ranges tried\. Scenario A: /);
    expect([...el.querySelectorAll('table.visually-hidden tbody tr')].at(-1)!.textContent).toBe('95failed300040340pfn 0x40010 holds an anon page that is pinned');
  });
});

describe('on a real workload', () => {
  it('an 8 MiB cma_alloc after a movable fill: the map and the series agree with the result', async () => {
    const { mm } = await import('../../src/lib/mm');
    const machine = mm.boot({ topology: { arch: 'arm64', kernel: '6.1', ramMiB: 512, cpus: 1 }, cmdline: 'cma=32M' });
    const result = mm.workload(machine, {
      seed: 2, steps: 12, sampleEvery: 1,
      streams: [{ kind: 'anon', rate: 200, lifetime: { exponential: { mean: 5 } } }],
      events: [{ at: 0, op: 'fill', percent: 92, kind: 'anon', as: 'hog' }, { at: 6, op: 'cma_alloc', area: 0, count: 2048, align: 8, as: 'buf' }],
    }) as unknown as CmaResult;
    const a = result.samples.cma[0]!;
    const d = plots.cmaMapData(result);
    // every (sample, pageblock) is covered by exactly one cell
    expect(d.cells.reduce((n, c) => n + (c.x2 - c.x1), 0)).toBe(12 * a.pageblocks);
    expect(d.cells.filter((c) => c.state === "cma_alloc'd").every((c) => c.x1 === 6 && c.x2 === 12)).toBe(true);
    expect(d.isolatedDuring.every((c) => c.x1 === 6 && c.x2 === 7)).toBe(true);
    expect(d.isolatedDuring.length).toBe(4);
    const el = plots.cmaSeries(result);
    expect(el.querySelector('figcaption')!.textContent).toContain(`Step 11: ${a.free[11]} free, ${a.borrowed[11]} borrowed by movable pages, 2048 cma_alloc'd`);
  });
});
