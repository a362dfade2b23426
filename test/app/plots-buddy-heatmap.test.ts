/** plots.buddyHeatmap and plots.buddyHeatRows (src/lib/plots/buddy-heatmap.ts) under jsdom, as `mmbook run` draws them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlots, type Plots } from '../helpers/plots';
import type { WorkloadResult } from '../../src/sim/index';
import { fragmentRun } from '../helpers/run-results';

let plots: Plots;
let r: WorkloadResult;
beforeAll(async () => {
  plots = await loadPlots();
  r = fragmentRun();
});

describe('buddyHeatRows', () => {
  it('one cell per populated zone, sample and order, holding that sample\'s buddyinfo column; the columns tile the run', () => {
    const rows = plots.buddyHeatRows(r);
    const zones = r.samples.zones.filter((z) => z.managed > 0);
    expect(rows).toHaveLength(zones.length * r.samples.step.length * r.orders);
    zones.forEach((z) => {
      const mine = rows.filter((c) => c.key === `Node ${z.nid} ${z.zone}`);
      for (let k = 0; k < r.samples.step.length; k++) for (let o = 0; o < r.orders; o++) {
        const c = mine[k * r.orders + o]!;
        expect([c.order, c.blocks, c.step1]).toEqual([o, z.freeByOrder[o]![k], r.samples.step[k]! + 1]);
      }
      expect(mine[0]!.step0).toBe(0);
      for (let k = 1; k < r.samples.step.length; k++) expect(mine[k * r.orders]!.step0).toBe(mine[(k - 1) * r.orders]!.step1);
    });
  });

  it('thins a long run to at most maxColumns columns, keeping the last sample', () => {
    const rows = plots.buddyHeatRows(r, { maxColumns: 7 });
    const cols = new Set(rows.filter((c) => c.order === 0 && c.zone === 'DMA32').map((c) => c.step1));
    expect(cols.size).toBeLessThanOrEqual(8);
    expect([...cols].at(-1)).toBe(r.samples.step.at(-1)! + 1);
    expect(Math.min(...rows.map((c) => c.step0))).toBe(0);
  });
});

describe('buddyHeatmap', () => {
  it('draws a cell per row, says the first and last blocks per order, has a legend and a table for screen readers', () => {
    const fig = plots.buddyHeatmap(r, { width: 800 });
    expect(fig.dataset.plot).toBe('buddy-heatmap');
    expect(fig.dataset.scenarios).toBeUndefined();
    const dma32 = r.samples.zones.find((z) => z.zone === 'DMA32')!;
    expect(fig.getAttribute('aria-label')).toContain(`Node 0 DMA32: order 0 ${dma32.freeByOrder[0]![0]}→${dma32.freeByOrder[0]!.at(-1)}`);
    expect(fig.querySelectorAll('g[aria-label="bar"] rect').length).toBe(plots.buddyHeatRows(r).length);
    expect([...fig.querySelectorAll('.plot-legend [role=listitem]')].map((e) => e.textContent)).toEqual(['0', '1–9', '10–99', '100–999', '1,000–9,999', '10,000–99,999', '≥ 100,000']);
    const table = fig.querySelector('table.plot-fallback')!;
    expect(table.querySelectorAll('tbody tr').length).toBe(2 * r.orders);
    const dma = r.samples.zones[0]!.freeByOrder[0]!;
    const fmt = (n: number) => n.toLocaleString('en-US');
    expect([...table.querySelector('tbody tr')!.children].map((td) => td.textContent)).toEqual(['B', 'Node 0 DMA', '0', fmt(dma[0]!), fmt(dma.at(-1)!), fmt(Math.max(...dma))]);
    // the x axis is in steps, the y axis in orders, with the unit named
    expect(fig.textContent).toContain('step →');
    expect(fig.textContent).toContain('↑ order');
  });

  it('with scenario A: both runs side by side (A first), and A\'s numbers in the label', () => {
    const fig = plots.buddyHeatmap(r, { width: 800, a: r, maxColumns: 20 });
    expect(fig.dataset.scenarios).toBe('A B');
    expect(fig.getAttribute('aria-label')).toContain('; scenario A: Node 0 DMA:');
    expect(fig.querySelectorAll('g[aria-label="bar"] rect').length).toBe(2 * plots.buddyHeatRows(r, { maxColumns: 20 }).length);
    expect(fig.textContent).toContain('A (pinned)');
    expect(fig.querySelectorAll('table.plot-fallback tbody tr').length).toBe(4 * r.orders);
  });
});
