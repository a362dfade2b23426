/**
 * /proc/buddyinfo over time as a heatmap: one row per order, one column per sample (thinned to a
 * few hundred), the colour the number of free blocks (nr_free of that order, every migratetype),
 * one panel per populated zone. A fragmenting workload shows up as the high orders emptying and
 * order 0 filling; compaction as the high orders coming back.
 *
 *   plots.buddyHeatmap(result, {width})                       // one run
 *   plots.buddyHeatmap(result, {width, a: scenarioA?.result}) // A and B side by side
 */
import * as Plot from '@observablehq/plot';
import type { WorkloadResult } from '../../sim/index';
import { fallbackTable, legend, plotFigure, populatedZones, sampleStart, thinSamples } from './figure';

export interface BuddyHeatCell {
  scenario: 'A' | 'B';
  key: string;
  zone: string;
  nid: number;
  order: number;
  /** the steps the column covers, [step0, step1) */
  step0: number;
  step1: number;
  /** free blocks of the order at the column's last sample */
  blocks: number;
}

/** Blocks thresholds of the colour classes: 0, 1–9, 10–99, … */
export const BUDDY_HEAT_THRESHOLDS = [1, 10, 100, 1000, 10000, 100000];
const BUDDY_HEAT_COLORS = ['#ffffff', '#c6dbef', '#9ecae1', '#4292c6', '#2171b5', '#08519c', '#08306b'];

/** The heatmap's cells: per populated zone, per shown sample, per order. */
export function buddyHeatRows(result: WorkloadResult, opts: { maxColumns?: number; scenario?: 'A' | 'B' } = {}): BuddyHeatCell[] {
  const shown = thinSamples(result.samples.step.length, opts.maxColumns ?? 160);
  const out: BuddyHeatCell[] = [];
  for (const z of populatedZones(result)) {
    const s = result.samples.zones[z.zi]!;
    let prev = -1;
    for (const k of shown) {
      const step0 = prev < 0 ? sampleStart(result, 0) : result.samples.step[prev]! + 1;
      const step1 = result.samples.step[k]! + 1;
      for (let o = 0; o < result.orders; o++) {
        out.push({ scenario: opts.scenario ?? 'B', key: z.key, zone: z.zone, nid: z.nid, order: o, step0, step1, blocks: s.freeByOrder[o]![k]! });
      }
      prev = k;
    }
  }
  return out;
}

function classLabel(i: number): string {
  const t = BUDDY_HEAT_THRESHOLDS;
  if (i === 0) return '0';
  if (i === t.length) return `≥ ${t[i - 1]!.toLocaleString('en-US')}`;
  return `${t[i - 1]!.toLocaleString('en-US')}–${(t[i]! - 1).toLocaleString('en-US')}`;
}

/** "Node 0 DMA32: order 0 12→85,271, …": each order's blocks at the first and the last sample. */
function zoneSummary(result: WorkloadResult, zi: number): string {
  const z = result.samples.zones[zi]!;
  const last = z.free.length - 1;
  const parts: string[] = [];
  for (let o = 0; o < result.orders; o++) parts.push(`order ${o} ${z.freeByOrder[o]![0]}→${z.freeByOrder[o]![last]}`);
  return parts.join(', ');
}

export function buddyHeatmap(result: WorkloadResult, opts: { width?: number; a?: WorkloadResult | null; maxColumns?: number } = {}): HTMLElement {
  const a = opts.a ?? null;
  const rows = [...(a ? buddyHeatRows(a, { maxColumns: opts.maxColumns, scenario: 'A' }) : []), ...buddyHeatRows(result, { maxColumns: opts.maxColumns })];
  const zones = populatedZones(result);
  const label = `Free blocks per order over time (buddyinfo), first → last sample: ${zones.map((z) => `${z.key}: ${zoneSummary(result, z.zi)}`).join('; ')}${a ? `; scenario A: ${populatedZones(a).map((z) => `${z.key}: ${zoneSummary(a, z.zi)}`).join('; ')}` : ''}`;
  const orders = Array.from({ length: result.orders }, (_, o) => result.orders - 1 - o);
  const plot = Plot.plot({
    width: opts.width ?? 640, marginLeft: 56, marginRight: a ? 10 : 110, ariaLabel: label,
    height: 40 + zones.length * (14 * result.orders + 24),
    x: { label: 'step →' },
    y: { label: '↑ order', domain: orders, padding: 0.05 },
    fy: { label: null, domain: zones.map((z) => z.key) },
    ...(a ? { fx: { label: null, domain: ['A', 'B'], tickFormat: (s: string) => (s === 'A' ? 'A (pinned)' : 'B (current inputs)') } } : {}),
    color: { type: 'threshold', domain: BUDDY_HEAT_THRESHOLDS, range: BUDDY_HEAT_COLORS },
    marks: [
      Plot.barX(rows, {
        x1: 'step0', x2: 'step1', y: 'order', fy: 'key', ...(a ? { fx: 'scenario' } : {}), fill: 'blocks', inset: 0,
        title: (d: BuddyHeatCell) => `${a ? `${d.scenario} ` : ''}${d.key}, steps ${d.step0}–${d.step1 - 1}: ${d.blocks.toLocaleString('en-US')} free order-${d.order} blocks`,
      }),
    ],
  });
  const table = fallbackTable({
    caption: 'Free blocks per order at the first and the last sample',
    headers: ['scenario', 'zone', 'order', 'first sample', 'last sample', 'most'],
    rows: [...(a ? [['A', a] as const] : []), ['B', result] as const].flatMap(([sc, r]) => populatedZones(r).flatMap((z) => {
      const s = r.samples.zones[z.zi]!;
      return Array.from({ length: r.orders }, (_, o) => [sc, z.key, o, s.freeByOrder[o]![0]!, s.freeByOrder[o]!.at(-1)!, Math.max(...s.freeByOrder[o]!)]);
    })),
  });
  const key = legend(BUDDY_HEAT_COLORS.map((color, i) => ({ label: classLabel(i), box: { color, stroke: '#ccc' } })));
  key.prepend(Object.assign(document.createElement('span'), { textContent: 'free blocks:' }));
  return plotFigure('buddy-heatmap', label, { legend: key, plots: [plot], fallback: [table], scenarios: a ? 'A B' : undefined });
}
