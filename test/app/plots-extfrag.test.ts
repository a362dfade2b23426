/** The fragmentation-index plots (src/lib/plots/extfrag.ts) under jsdom: their numbers are debugfs's. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlots, type Plots } from '../helpers/plots';
import { renderProc, type WorkloadResult } from '../../src/sim/index';
import { fragmentRun, reclaimRun } from '../helpers/run-results';

let plots: Plots;
let r: WorkloadResult;
beforeAll(async () => {
  plots = await loadPlots();
  r = fragmentRun();
});

/** debugfs text → per zone name, the numbers of each order */
const parse = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => {
  const m = /^Node (\d+), zone\s+(\S+) (.*)$/.exec(l)!;
  return [`Node ${m[1]} ${m[2]}`, m[3]!.trim().split(/\s+/).map(Number)];
}));

describe('extfrag rows', () => {
  it('at the end of the run, both indices per order are what /sys/kernel/debug/extfrag prints for the final machine', () => {
    const rows = plots.extfragEndRows(r);
    const ext = parse(renderProc(r.final, 'extfrag_index'));
    const unusable = parse(renderProc(r.final, 'unusable_index'));
    for (const key of Object.keys(ext)) for (let o = 0; o < r.orders; o++) {
      expect(rows.find((x) => x.key === key && x.order === o && x.index === 'extfrag_index')!.value).toBe(ext[key]![o]);
      expect(rows.find((x) => x.key === key && x.order === o && x.index === 'unusable_index')!.value).toBe(unusable[key]![o]);
    }
    // the fragmenting run leaves DMA32 with free memory but no high-order block
    expect(ext['Node 0 DMA32']!.at(-1)).toBeGreaterThan(0.5);
  });

  it('over time, a cell per zone, sample and order in thousandths, the last column the end values', () => {
    const rows = plots.extfragRows(r);
    expect(rows).toHaveLength(2 * r.samples.step.length * r.orders);
    const end = plots.extfragEndRows(r);
    const last = rows.filter((c) => c.step1 === r.samples.step.at(-1)! + 1 && c.zone === 'DMA32');
    expect(last.map((c) => c.extfrag / 1000)).toEqual(end.filter((x) => x.zone === 'DMA32' && x.index === 'extfrag_index').map((x) => x.value));
    // the first column covers the first sample's steps
    expect(rows.filter((c) => c.step0 === 0).every((c) => c.step1 === r.spec.sampleEvery)).toBe(true);
  });
});

describe('extfrag plots', () => {
  it('the heatmap: a cell per row, classes split at extfrag_threshold, the end values in the label, a table', () => {
    const fig = plots.extfragHeatmap(r, { width: 800, threshold: 400 });
    expect(fig.dataset.plot).toBe('extfrag-heatmap');
    expect(fig.querySelectorAll('g[aria-label="bar"] rect').length).toBe(plots.extfragRows(r).length);
    expect([...fig.querySelectorAll('.plot-legend [role=listitem]')].map((e) => e.textContent)).toEqual([
      '−1.000: a free block of the order exists', '0 … 0.400: lack of memory (≤ extfrag_threshold: reclaim, not compaction)', '0.401 … 0.750: fragmentation', '0.751 … 1.000: severe fragmentation',
    ]);
    const ext = parse(renderProc(r.final, 'extfrag_index'));
    expect(fig.getAttribute('aria-label')).toContain(`Node 0 DMA32: ${ext['Node 0 DMA32']!.map((v) => v.toFixed(3)).join(' ')}; extfrag_threshold 400`);
    expect(fig.querySelectorAll('table.plot-fallback tbody tr').length).toBe(2 * r.orders);
  });

  it('per order at the end: a line per zone and index, the threshold rule; with A, A\'s lines dashed and A\'s numbers said', () => {
    const fig = plots.extfragOrders(r, { width: 800 });
    expect(fig.dataset.plot).toBe('extfrag-orders');
    expect(fig.querySelectorAll('g[aria-label="line"] path').length).toBe(4);
    expect(fig.querySelectorAll('g[aria-label="dot"] circle').length).toBe(4 * r.orders);
    expect(fig.textContent).toContain('extfrag_threshold (0.500)');
    const ab = plots.extfragOrders(r, { width: 800, a: reclaimRun() });
    expect(ab.dataset.scenarios).toBe('A B');
    const groups = [...ab.querySelectorAll('g[aria-label="line"]')];
    // (a faceted mark keeps its styles on a group per facet)
    expect(groups.map((g) => g.querySelector('g')!.getAttribute('stroke-dasharray'))).toEqual([plots.AB_STYLES.A.dash, null]);
    expect(groups[0]!.querySelectorAll('path').length).toBe(2);
    expect(ab.getAttribute('aria-label')).toContain('; scenario A: Node 0 DMA extfrag_index');
    expect([...ab.querySelectorAll('table.plot-fallback tbody tr')].map((tr) => tr.firstElementChild!.textContent)).toEqual(['A', 'A', 'B', 'B', 'B', 'B']);
  });

  it('the debugfs text of a machine view', () => {
    const pre = plots.extfragDebugfs(r.final);
    expect(pre.textContent).toBe(`# cat /sys/kernel/debug/extfrag/extfrag_index\n${renderProc(r.final, 'extfrag_index')}# cat /sys/kernel/debug/extfrag/unusable_index\n${renderProc(r.final, 'unusable_index')}`);
  });
});
