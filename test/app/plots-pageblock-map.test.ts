/** plots.pageblockMap and its data (src/lib/plots/pageblock-map.ts) under jsdom, as `mmbook run` draws them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlots, type Plots } from '../helpers/plots';
import { PAGEBLOCK_HOLE, type WorkloadResult } from '../../src/sim/index';
import { fragmentRun, reclaimRun } from '../helpers/run-results';

let plots: Plots;
let r: WorkloadResult;
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);
beforeAll(async () => {
  plots = await loadPlots();
  r = fragmentRun();
});

describe('pageblock cells and summaries', () => {
  it('a cell per pageblock in address order, rows of `columns`, with the block\'s type, mixed flag and pages', () => {
    const m = r.pageblocks.end.find((x) => x.zone === 'DMA32')!;
    const cells = plots.pageblockCells(m, 'end', 32);
    expect(cells).toHaveLength(m.count);
    cells.forEach((c, j) => {
      expect([c.index, c.col, c.row, c.pfn]).toEqual([j, j % 32, Math.floor(j / 32), m.startPfn + j * m.pageblockPages]);
      expect(c.type).toBe(m.type[j] === PAGEBLOCK_HOLE ? 'hole' : r.migratetypes[m.type[j]!]);
      expect([c.mixed, c.free, c.used, c.pages]).toEqual([m.mixed[j] === 1, m.free[j], m.used[j], m.pages[j]]);
    });
    const s = plots.pageblockSummary('end', m);
    expect(sum(Object.values(s.blocks))).toBe(Array.from(m.type).filter((t) => t !== PAGEBLOCK_HOLE).length);
    expect(s.mixed).toBe(sum(m.mixed));
    expect(s.mixed).toBeGreaterThan(0);
    expect(s.freeBlocks).toBe(Array.from(m.free).filter((f, j) => f === m.pages[j] && m.type[j] !== PAGEBLOCK_HOLE).length);
  });
});

describe('pageblockMap', () => {
  it('one plot per zone with a cell per pageblock and panel, × on mixed blocks, the counts in words and in a table', () => {
    const fig = plots.pageblockMap({ before: r.pageblocks.start, after: r.pageblocks.end }, { width: 800 });
    expect(fig.dataset.plot).toBe('pageblock-map');
    const svgs = [...fig.querySelectorAll(':scope > svg')];
    expect(svgs).toHaveLength(2);
    const blocks = r.pageblocks.end.reduce((n, m) => n + m.count, 0);
    expect(fig.querySelectorAll('g[aria-label="rect"] rect').length).toBe(2 * blocks);
    const mixed = r.pageblocks.end.reduce((n, m) => n + sum(m.mixed), 0);
    expect(fig.querySelectorAll('g[aria-label="dot"] path').length).toBe(mixed);
    const end = plots.pageblockSummary('after', r.pageblocks.end[1]!);
    expect(fig.getAttribute('aria-label')).toContain(`after Node 0 DMA32: ${Object.entries(end.blocks).map(([t, n]) => `${t} ${n}`).join(', ')}; ${end.mixed} mixed, ${end.freeBlocks} wholly free`);
    expect(svgs[1]!.getAttribute('aria-label')).toMatch(/^Node 0 DMA32: before Node 0 DMA32: Movable \d+; 0 mixed/);
    const rows = [...fig.querySelectorAll('table.plot-fallback tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent));
    expect(rows.map((x) => x.slice(0, 2))).toEqual([['before', 'Node 0 DMA'], ['before', 'Node 0 DMA32'], ['after', 'Node 0 DMA'], ['after', 'Node 0 DMA32']]);
    expect(rows[3]!.at(-2)).toBe(String(end.mixed));
    const legend = [...fig.querySelectorAll('.plot-legend [role=listitem]')].map((e) => e.textContent);
    expect(legend).toEqual(expect.arrayContaining(['Unmovable', 'Movable', 'mixed (holds an allocation of another migratetype)']));
    // the y axis gives the row's address; the caption the pageblock size
    expect(fig.textContent).toContain('0 MiB');
    expect(fig.querySelector('figcaption')!.textContent).toBe('Each cell is one pageblock (512 pages, 2 MiB), 32 per row in address order.');
  });

  it('cells stay at least about 8 px: more panels, fewer columns; a CMA machine shows its CMA blocks', () => {
    const three = plots.pageblockMap({ a: r.pageblocks.start, b: r.pageblocks.end, c: r.pageblocks.end }, { width: 800 });
    expect(three.querySelector('figcaption')!.textContent).toMatch(/, 16 per row/);
    const cma = reclaimRun();
    const fig = plots.pageblockMap({ end: cma.pageblocks.end }, { width: 800 });
    expect(fig.getAttribute('aria-label')).toMatch(/end Node 0 DMA: .*CMA \d+/);
  });

  it('with scenario A: A\'s maps as the first panel, marked as an A/B figure with A\'s counts', () => {
    const fig = plots.pageblockMap({ after: r.pageblocks.end }, { width: 800, a: r.pageblocks.start, aLabel: 'A: at the end' });
    expect(fig.dataset.scenarios).toBe('A B');
    expect(fig.getAttribute('aria-label')).toMatch(/: A: at the end Node 0 DMA: .*; after Node 0 DMA/);
    expect(fig.querySelectorAll('g[aria-label="rect"] rect').length).toBe(2 * r.pageblocks.end.reduce((n, m) => n + m.count, 0));
    expect(fig.textContent).toContain('first panel: scenario A (pinned)');
  });
});
