/**
 * The fragmentation indices of debugfs extfrag/ (mm/vmstat.c, computed by the simulator's
 * fill_contig_page_info, __fragmentation_index and unusable_free_index from each zone's nr_free
 * per order): over time as a heatmap (order × step), at the end per order with
 * vm.extfrag_threshold marked, and the two debugfs files as the kernel prints them.
 *
 *   plots.extfragHeatmap(result, {width, threshold: 500})
 *   plots.extfragOrders(result, {width, threshold: 500, a: scenarioA?.result})
 *   plots.extfragDebugfs(result.final)
 */
import * as Plot from '@observablehq/plot';
import {
  fillContigPageInfo, fragmentationIndexOf, renderExtfragIndex, renderUnusableIndex, unusableFreeIndexOf,
  type MachineView, type WorkloadResult,
} from '../../sim/index';
import { AB_STYLES } from './ab';
import { ZONE_COLORS } from './colors';
import { fallbackTable, legend, plotFigure, populatedZones, sampleStart, thinSamples } from './figure';

export interface ExtfragCell {
  scenario: 'A' | 'B';
  key: string;
  zone: string;
  order: number;
  step0: number;
  step1: number;
  /** __fragmentation_index and unusable_free_index in thousandths, as debugfs prints them ×1000 */
  extfrag: number;
  unusable: number;
}

/** Both indices of one zone's nr_free per order, at every order. */
export function fragIndicesOf(nrFree: ArrayLike<number>): { extfrag: number[]; unusable: number[] } {
  const extfrag: number[] = [];
  const unusable: number[] = [];
  for (let o = 0; o < nrFree.length; o++) {
    const info = fillContigPageInfo(nrFree, o);
    extfrag.push(fragmentationIndexOf(info, o));
    unusable.push(unusableFreeIndexOf(info, o));
  }
  return { extfrag, unusable };
}

/** Per populated zone, per shown sample, per order: both indices from that sample's free blocks. */
export function extfragRows(result: WorkloadResult, opts: { maxColumns?: number; scenario?: 'A' | 'B' } = {}): ExtfragCell[] {
  const shown = thinSamples(result.samples.step.length, opts.maxColumns ?? 160);
  const out: ExtfragCell[] = [];
  const nrFree = new Array<number>(result.orders).fill(0);
  for (const z of populatedZones(result)) {
    const s = result.samples.zones[z.zi]!;
    let prev = -1;
    for (const k of shown) {
      for (let o = 0; o < result.orders; o++) nrFree[o] = s.freeByOrder[o]![k]!;
      const ix = fragIndicesOf(nrFree);
      const step0 = prev < 0 ? sampleStart(result, 0) : result.samples.step[prev]! + 1;
      const step1 = result.samples.step[k]! + 1;
      for (let o = 0; o < result.orders; o++) out.push({ scenario: opts.scenario ?? 'B', key: z.key, zone: z.zone, order: o, step0, step1, extfrag: ix.extfrag[o]!, unusable: ix.unusable[o]! });
      prev = k;
    }
  }
  return out;
}

export interface ExtfragEndRow { scenario: 'A' | 'B'; key: string; zone: string; order: number; index: 'extfrag_index' | 'unusable_index'; value: number }

/** The indices at the last sample, per zone and order (what debugfs would print at the end). */
export function extfragEndRows(result: WorkloadResult, scenario: 'A' | 'B' = 'B'): ExtfragEndRow[] {
  const out: ExtfragEndRow[] = [];
  for (const z of populatedZones(result)) {
    const s = result.samples.zones[z.zi]!;
    const ix = fragIndicesOf(s.freeByOrder.map((a) => a.at(-1)!));
    for (let o = 0; o < result.orders; o++) {
      out.push({ scenario, key: z.key, zone: z.zone, order: o, index: 'extfrag_index', value: ix.extfrag[o]! / 1000 });
      out.push({ scenario, key: z.key, zone: z.zone, order: o, index: 'unusable_index', value: ix.unusable[o]! / 1000 });
    }
  }
  return out;
}

const fmt = (thousandths: number): string => (thousandths / 1000).toFixed(3);

/** The classes of the heatmap: a suitable block is free; low memory (≤ threshold: compaction_suitable reclaims); fragmentation. */
function classes(threshold: number): Array<{ label: string; color: string }> {
  return [
    { label: '−1.000: a free block of the order exists', color: '#c7e9c0' },
    { label: `0 … ${fmt(threshold)}: lack of memory (≤ extfrag_threshold: reclaim, not compaction)`, color: '#f7f7f7' },
    { label: `${fmt(threshold + 1)} … 0.750: fragmentation`, color: '#f4a582' },
    { label: '0.751 … 1.000: severe fragmentation', color: '#b2182b' },
  ];
}

/** __fragmentation_index over time: one row per order, one panel per populated zone. */
export function extfragHeatmap(result: WorkloadResult, opts: { width?: number; threshold?: number; maxColumns?: number } = {}): HTMLElement {
  const threshold = opts.threshold ?? 500;
  const rows = extfragRows(result, { maxColumns: opts.maxColumns });
  const zones = populatedZones(result);
  const end = extfragEndRows(result).filter((r) => r.index === 'extfrag_index');
  const label = `Fragmentation index (extfrag_index) per order over time; at the end: ${zones.map((z) => `${z.key}: ${end.filter((r) => r.key === z.key).map((r) => r.value.toFixed(3)).join(' ')}`).join('; ')}; extfrag_threshold ${threshold}`;
  const cls = classes(threshold);
  const orders = Array.from({ length: result.orders }, (_, o) => result.orders - 1 - o);
  const plot = Plot.plot({
    width: opts.width ?? 640, marginLeft: 56, marginRight: 110, ariaLabel: label,
    height: 40 + zones.length * (14 * result.orders + 24),
    x: { label: 'step →' }, y: { label: '↑ order', domain: orders, padding: 0.05 },
    fy: { label: null, domain: zones.map((z) => z.key) },
    color: { type: 'threshold', domain: [0, threshold + 1, 751], range: cls.map((c) => c.color) },
    marks: [Plot.barX(rows, {
      x1: 'step0', x2: 'step1', y: 'order', fy: 'key', fill: 'extfrag', inset: 0,
      title: (d: ExtfragCell) => `${d.key}, steps ${d.step0}–${d.step1 - 1}, order ${d.order}: extfrag_index ${fmt(d.extfrag)}, unusable_index ${fmt(d.unusable)}`,
    })],
  });
  const table = fallbackTable({
    caption: 'Fragmentation index per order at the first and the last sample',
    headers: ['zone', 'order', 'first sample', 'last sample'],
    rows: zones.flatMap((z) => Array.from({ length: result.orders }, (_, o) => {
      const cells = rows.filter((r) => r.key === z.key && r.order === o);
      return [z.key, o, fmt(cells[0]!.extfrag), fmt(cells.at(-1)!.extfrag)];
    })),
  });
  return plotFigure('extfrag-heatmap', label, { legend: legend(cls.map((c) => ({ label: c.label, box: { color: c.color, stroke: '#ccc' } }))), plots: [plot], fallback: [table] });
}

/** Both indices per order at the end of the run, a line per zone; with `a`, scenario A dashed. */
export function extfragOrders(result: WorkloadResult, opts: { width?: number; threshold?: number; a?: WorkloadResult | null } = {}): HTMLElement {
  const threshold = opts.threshold ?? 500;
  const rows = [...(opts.a ? extfragEndRows(opts.a, 'A') : []), ...extfragEndRows(result)];
  const zones = populatedZones(result);
  const line = (d: ExtfragEndRow[]) => d.map((r) => r.value.toFixed(3)).join(' ');
  const say = (sc: 'A' | 'B') => zones.map((z) => `${z.key} extfrag_index ${line(rows.filter((r) => r.scenario === sc && r.key === z.key && r.index === 'extfrag_index'))}, unusable_index ${line(rows.filter((r) => r.scenario === sc && r.key === z.key && r.index === 'unusable_index'))}`).join('; ');
  const label = `Fragmentation indices per order at the end of the run (orders 0 to ${result.orders - 1}): ${say('B')}${opts.a ? `; scenario A: ${say('A')}` : ''}`;
  const plot = Plot.plot({
    width: opts.width ?? 640, height: 260, marginLeft: 56, ariaLabel: label,
    x: { label: 'order →', ticks: Array.from({ length: result.orders }, (_, o) => o) },
    y: { label: '↑ index', domain: [-1, 1], grid: true },
    fx: { label: null, domain: ['extfrag_index', 'unusable_index'] },
    color: { domain: zones.map((z) => z.key), range: zones.map((z) => ZONE_COLORS[z.zone] ?? '#888') },
    marks: [
      Plot.ruleY([threshold / 1000], { fx: () => 'extfrag_index', stroke: '#b2182b', strokeDasharray: '4 2' }),
      Plot.ruleY([0]),
      ...(['A', 'B'] as const).map((sc) => Plot.lineY(rows.filter((r) => r.scenario === sc), { x: 'order', y: 'value', fx: 'index', stroke: 'key', strokeDasharray: sc === 'A' ? AB_STYLES.A.dash : undefined, strokeWidth: 1.5 })),
      Plot.dot(rows, { x: 'order', y: 'value', fx: 'index', fill: 'key', r: 2.5, title: (r: ExtfragEndRow) => `${opts.a ? `${r.scenario} ` : ''}${r.key} order ${r.order}: ${r.index} ${r.value.toFixed(3)}` }),
    ],
  });
  const items = [
    ...zones.map((z) => ({ label: z.key, line: { color: ZONE_COLORS[z.zone] ?? '#888' } })),
    { label: `extfrag_threshold (${fmt(threshold)})`, line: { color: '#b2182b', dash: '4 2' } },
    ...(opts.a ? [{ label: `${AB_STYLES.A.label}: dashed`, line: { color: '#555', dash: AB_STYLES.A.dash } }] : []),
  ];
  const table = fallbackTable({
    caption: 'Fragmentation indices per order at the end',
    headers: ['scenario', 'zone', 'index', ...Array.from({ length: result.orders }, (_, o) => `order ${o}`)],
    rows: [...new Set(rows.map((r) => `${r.scenario}|${r.key}|${r.index}`))].map((k) => {
      const [sc, key, index] = k.split('|');
      return [sc!, key!, index!, ...rows.filter((r) => r.scenario === sc && r.key === key && r.index === index).map((r) => r.value.toFixed(3))];
    }),
  });
  return plotFigure('extfrag-orders', label, { legend: legend(items), plots: [plot], fallback: [table], scenarios: opts.a ? 'A B' : undefined });
}

/** debugfs extfrag/extfrag_index and extfrag/unusable_index of a machine view, as the kernel prints them. */
export function extfragDebugfs(view: MachineView): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = 'extfrag-debugfs';
  pre.setAttribute('aria-label', 'debugfs extfrag_index and unusable_index');
  pre.textContent = `# cat /sys/kernel/debug/extfrag/extfrag_index\n${renderExtfragIndex(view)}# cat /sys/kernel/debug/extfrag/unusable_index\n${renderUnusableIndex(view)}`;
  return pre;
}
