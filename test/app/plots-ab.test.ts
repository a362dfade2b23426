/** The A/B plot helpers (src/lib/plots/ab.ts) under jsdom, as `mmbook run` draws them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlots, type Plots } from '../helpers/plots';
import type { MachineView } from '../../src/sim/view';

let plots: Plots;
let Plot: typeof import('@observablehq/plot');
let a: MachineView, b: MachineView;
beforeAll(async () => {
  plots = await loadPlots();
  Plot = await import('@observablehq/plot');
  const { mm } = await import('../../src/lib/mm');
  a = mm.boot({ fixture: 'x64-1g' }).view();
  b = mm.boot({ fixture: 'x64-1g', sysctls: { 'vm.watermark_scale_factor': 300 } }).view();
});

describe('plots.ab', () => {
  it('draws each scenario\'s marks in its style, A under B, with the legend; without A, B alone and no legend', () => {
    const styles: string[] = [];
    const marks = (v: MachineView, s: { key: string; color: string; dash?: string }) => {
      styles.push(`${s.key} ${s.color} ${s.dash ?? 'solid'}`);
      return [Plot.dot(plots.watermarkRows(v), { x: 'low', y: 'key', stroke: s.color })];
    };
    const both = plots.ab({ A: a, B: b }, marks, { name: 'lows', ariaLabel: 'low watermarks' }) as HTMLElement;
    expect(styles).toEqual([`A ${plots.AB_STYLES.A.color} 4 3`, `B ${plots.AB_STYLES.B.color} solid`]);
    expect(both.tagName).toBe('FIGURE');
    expect(both.dataset).toMatchObject({ plot: 'lows', scenarios: 'A B' });
    expect(both.getAttribute('aria-label')).toBe('low watermarks (A: the pinned scenario, dashed; B: the current inputs)');
    expect([...both.querySelectorAll('.ab-legend [data-scenario]')].map((e) => e.textContent)).toEqual(['A (pinned)', 'B (current inputs)']);
    // one group of dots per scenario, A's first (under B's), each with a dot per zone
    const groups = [...both.querySelectorAll('g[aria-label="dot"]')];
    expect(groups.map((g) => g.getAttribute('stroke'))).toEqual([plots.AB_STYLES.A.color, plots.AB_STYLES.B.color]);
    expect(groups.map((g) => g.querySelectorAll('circle').length)).toEqual([plots.watermarkRows(a).length, plots.watermarkRows(b).length]);
    const alone = plots.ab({ A: null, B: b }, marks, { name: 'lows' }) as Element;
    expect(alone.tagName.toLowerCase()).not.toBe('figure');
    expect(alone.getAttribute('data-plot')).toBe('lows');
    expect(alone.querySelector('.ab-legend')).toBeNull();
  });

  it('abRows tags each scenario\'s rows; abColorScale colours them', () => {
    const rows = plots.abRows({ A: a, B: b }, plots.watermarkRows);
    expect(rows.map((r) => r.scenario)).toEqual([...plots.watermarkRows(a).map(() => 'A'), ...plots.watermarkRows(b).map(() => 'B')]);
    expect(plots.abRows({ B: b }, plots.watermarkRows).every((r) => r.scenario === 'B')).toBe(true);
    expect(plots.abColorScale()).toEqual({ domain: ['A', 'B'], range: [plots.AB_STYLES.A.color, plots.AB_STYLES.B.color], legend: true });
  });

  it('watermarkLevels and reserveBars overlay A as dashed ticks, and say A\'s numbers', () => {
    const levels = plots.watermarkLevels(b, { a }) as HTMLElement;
    expect(levels.dataset).toMatchObject({ plot: 'watermark-levels', scenarios: 'A B' });
    const dma32 = a.nodes[0]!.zones.find((z) => z.name === 'DMA32')!;
    expect(levels.getAttribute('aria-label')).toContain(`; scenario A: `);
    expect(levels.getAttribute('aria-label')).toContain(`Node 0 DMA32 low ${dma32.low}`);
    expect(levels.querySelectorAll('g[aria-label="tick"] line').length).toBe(levels.querySelectorAll('g[aria-label="bar"] rect').length);
    const plain = plots.watermarkLevels(b, { a: null }) as Element;
    expect(plain.getAttribute('data-plot')).toBe('watermark-levels');
    expect(plain.querySelector('g[aria-label="tick"]')).toBeNull();
    const reserve = plots.reserveBars(b, { a }) as HTMLElement;
    expect(reserve.dataset.scenarios).toBe('A B');
    expect(reserve.querySelectorAll('g[aria-label="tick"] line').length).toBeGreaterThan(0);
  });
});
