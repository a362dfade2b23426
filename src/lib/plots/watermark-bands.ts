/**
 * Watermarks in motion: a zone's free pages over a workload against its min/low/high watermarks
 * (and high + boost), with the steps kswapd was awake as bands and direct-reclaim stalls
 * (allocstall_* per sample) as red rules; one plot per populated zone, each on its own scale.
 * Scenario A (`a`) and the previous run (`previous`) overlay their free pages and low/high.
 *
 *   plots.watermarkBands(result, {width, a: scenarioA?.result, previous})
 *   // or any zone's lines in plots.ab:
 *   plots.ab({A: scenarioA?.result, B: result}, (r, s) => plots.watermarkBandMarks(r, s, {zone: "Node 0 DMA32"}), {y: {label: "pages"}})
 */
import * as Plot from '@observablehq/plot';
import type { WorkloadResult } from '../../sim/index';
import { AB_STYLES } from './ab';
import { WATERMARK_COLORS } from './colors';
import { fallbackTable, legend, plotFigure, populatedZones, sampleStart, type LegendItem } from './figure';

export interface WatermarkPoint {
  key: string;
  zone: string;
  nid: number;
  step: number;
  /** NR_FREE_PAGES at the sample, and the lowest at the end of a step of its interval before kswapd ran */
  free: number;
  freeMin: number;
  /** the watermarks without the boost, the boost at the sample, and high + the largest boost of the interval */
  min: number;
  low: number;
  high: number;
  boost: number;
  boostedHigh: number;
}

/** Every sample of every populated zone (or the zone `key`). */
export function watermarkSeries(result: WorkloadResult, opts: { zone?: string } = {}): WatermarkPoint[] {
  const out: WatermarkPoint[] = [];
  for (const z of populatedZones(result)) {
    if (opts.zone && z.key !== opts.zone) continue;
    const s = result.samples.zones[z.zi]!;
    for (let k = 0; k < s.free.length; k++) {
      const boost = s.boost[k]!;
      const high = s.high[k]! - boost;
      out.push({ key: z.key, zone: z.zone, nid: z.nid, step: result.samples.step[k]!, free: s.free[k]!, freeMin: s.freeMin[k]!,
        min: s.min[k]! - boost, low: s.low[k]! - boost, high, boost, boostedHigh: high + s.boostMax[k]! });
    }
  }
  return out;
}

export interface StepBand { nid: number; step0: number; step1: number; samples: number }

/** Runs of samples in which the node's kswapd was awake, as [step0, step1) bands. */
export function kswapdAwakeBands(result: WorkloadResult): StepBand[] {
  const out: StepBand[] = [];
  for (const n of result.samples.nodes) {
    let cur: StepBand | null = null;
    for (let k = 0; k < n.kswapdAwake.length; k++) {
      if (!n.kswapdAwake[k]) { cur = null; continue; }
      const step0 = sampleStart(result, k);
      const step1 = result.samples.step[k]! + 1;
      if (cur) { cur.step1 = step1; cur.samples++; } else out.push((cur = { nid: n.nid, step0, step1, samples: 1 }));
    }
  }
  return out;
}

export interface StallMark { step: number; stalls: number; counters: string }

/** The samples whose interval had direct-reclaim stalls (the allocstall_<zone> vmstat deltas). */
export function directReclaimStalls(result: WorkloadResult): StallMark[] {
  const names = Object.keys(result.samples.vmstat).filter((n) => n.startsWith('allocstall_'));
  const out: StallMark[] = [];
  for (let k = 0; k < result.samples.step.length; k++) {
    let stalls = 0;
    const parts: string[] = [];
    for (const n of names) {
      const d = result.samples.vmstat[n]![k]!;
      if (d > 0) { stalls += d; parts.push(`${n} +${d}`); }
    }
    if (stalls) out.push({ step: result.samples.step[k]!, stalls, counters: parts.join(', ') });
  }
  return out;
}

export interface LineStyle { key: string; label: string; color: string; dash?: string }
export const PREVIOUS_STYLE: LineStyle = { key: 'previous', label: 'previous run', color: '#8a8a8a', dash: '2 3' };

/** One run's free pages and low/high lines of zone `zone` in a style (for plots.ab, or an overlay). */
export function watermarkBandMarks(result: WorkloadResult, style: LineStyle | { key: string; color: string; dash?: string }, opts: { zone?: string } = {}): Plot.Markish[] {
  const zone = opts.zone ?? populatedZones(result).at(-1)?.key;
  const pts = watermarkSeries(result, { zone });
  const tag = style.key;
  return [
    Plot.lineY(pts, { x: 'step', y: 'free', stroke: style.color, strokeDasharray: style.dash, strokeWidth: 1.5, title: (d: WatermarkPoint) => `${tag} step ${d.step}: ${d.free} free pages` }),
    ...(['low', 'high'] as const).map((w) => Plot.lineY(pts, { x: 'step', y: w, stroke: style.color, strokeDasharray: style.dash ?? '6 3', strokeWidth: 1, strokeOpacity: 0.8 })),
  ];
}

interface ZoneStats { key: string; wakes: number; awake: number; samples: number; stalls: number; minFree: number; endFree: number; min: number; low: number; high: number; boostPeak: number }

function zoneStats(result: WorkloadResult, key: string): ZoneStats {
  const z = populatedZones(result).find((x) => x.key === key)!;
  const s = result.samples.zones[z.zi]!;
  const node = result.samples.nodes.find((n) => n.nid === z.nid)!;
  const last = s.free.length - 1;
  return {
    key, wakes: result.totals.kswapdWakes, awake: node.kswapdAwake.reduce((a, b) => a + b, 0), samples: s.free.length,
    stalls: directReclaimStalls(result).reduce((a, m) => a + m.stalls, 0), minFree: Math.min(...s.freeMin), endFree: s.free[last]!,
    min: s.min[last]! - s.boost[last]!, low: s.low[last]! - s.boost[last]!, high: s.high[last]! - s.boost[last]!, boostPeak: Math.max(...s.boostMax),
  };
}

const statsText = (t: ZoneStats): string => `${t.key}: free at least ${t.minFree} pages, ${t.endFree} at the end; min ${t.min}, low ${t.low}, high ${t.high} pages; boost up to ${t.boostPeak}; kswapd woke ${t.wakes} times, awake in ${t.awake} of ${t.samples} samples; ${t.stalls} direct-reclaim stalls`;

export interface WatermarkBandsOptions {
  width?: number;
  /** scenario A's run, overlaid dashed */
  a?: WorkloadResult | null;
  /** the previous run of this session, overlaid dotted grey */
  previous?: WorkloadResult | null;
  /** only these zones ("Node 0 DMA32"); default every populated zone */
  zones?: string[];
  /** "watermarks" (default) zooms the y axis on the watermarks (free memory far above them is clipped); "all" shows all of it */
  zoom?: 'watermarks' | 'all';
}

export function watermarkBands(result: WorkloadResult, opts: WatermarkBandsOptions = {}): HTMLElement {
  const width = opts.width ?? 640;
  const zones = populatedZones(result).filter((z) => !opts.zones || opts.zones.includes(z.key));
  const bands = kswapdAwakeBands(result);
  const stalls = directReclaimStalls(result);
  const overlays: Array<[LineStyle, WorkloadResult]> = [];
  if (opts.previous) overlays.push([PREVIOUS_STYLE, opts.previous]);
  if (opts.a) overlays.push([{ key: 'A', label: AB_STYLES.A.label, color: AB_STYLES.A.color, dash: AB_STYLES.A.dash }, opts.a]);
  const bStyle: LineStyle = { key: opts.a ? 'B' : 'free', label: 'free', color: AB_STYLES.B.color };
  const plots = zones.map((z) => {
    const pts = watermarkSeries(result, { zone: z.key });
    const others = overlays.flatMap(([, r]) => watermarkSeries(r, { zone: z.key }));
    const high = Math.max(1, ...pts.map((p) => p.high), ...others.map((p) => p.high));
    const wm = Math.max(high, ...pts.map((p) => p.boostedHigh), ...others.map((p) => p.boostedHigh));
    // zoomed: up to 2.5 × high (and above high + boost), or a little above the lowest free when free never comes near the watermarks
    const top = opts.zoom === 'all' ? Math.max(wm, ...pts.map((p) => p.free), ...others.map((p) => p.free)) * 1.05 : Math.max(high * 2.5, wm * 1.2, Math.min(...pts.map((p) => p.freeMin)) * 1.15);
    const clipped = pts.some((p) => p.free > top);
    return Plot.plot({
      width, height: 240, marginLeft: 64, marginRight: 20, ariaLabel: statsText(zoneStats(result, z.key)),
      x: { label: 'step →', domain: [sampleStart(result, 0), result.samples.step.at(-1)! + 1] },
      y: { label: `↑ ${z.key}: pages (4 KiB)${clipped ? ', zoomed on the watermarks' : ''}`, domain: [0, top], grid: true },
      clip: true,
      marks: [
        Plot.rectY(bands.filter((b) => b.nid === z.nid), { x1: 'step0', x2: 'step1', y1: 0, y2: top, fill: '#9ecae1', fillOpacity: 0.5, insetLeft: -0.6, insetRight: -0.6, title: (b: StepBand) => `kswapd awake, steps ${b.step0}–${b.step1 - 1}` }),
        Plot.areaY(pts, { x: 'step', y1: 'min', y2: 'low', fill: WATERMARK_COLORS.min, fillOpacity: 0.12 }),
        Plot.areaY(pts, { x: 'step', y1: 'low', y2: 'high', fill: WATERMARK_COLORS.low, fillOpacity: 0.15 }),
        ...(['min', 'low', 'high'] as const).map((w) => Plot.lineY(pts, { x: 'step', y: w, stroke: WATERMARK_COLORS[w], strokeWidth: 1.5 })),
        Plot.lineY(pts, { x: 'step', y: 'boostedHigh', stroke: WATERMARK_COLORS.high, strokeDasharray: '1 2', strokeWidth: 1.5 }),
        ...overlays.flatMap(([style, r]) => watermarkBandMarks(r, style, { zone: z.key })),
        Plot.lineY(pts, { x: 'step', y: 'freeMin', stroke: bStyle.color, strokeOpacity: 0.4, strokeWidth: 1 }),
        Plot.lineY(pts, { x: 'step', y: 'free', stroke: bStyle.color, strokeWidth: 1.5, title: (d: WatermarkPoint) => `step ${d.step}: ${d.free} free (lowest before kswapd ran ${d.freeMin}); min ${d.min} low ${d.low} high ${d.high}; boost ${d.boostedHigh - d.high}` }),
        Plot.ruleX(stalls, { x: 'step', stroke: '#d62728', strokeWidth: 1, y1: 0, y2: top, strokeOpacity: 0.7, title: (m: StallMark) => `step ${m.step}: direct reclaim ${m.counters}` }),
        Plot.ruleY([0]),
      ],
    });
  });
  const items: LegendItem[] = [
    { label: opts.a ? 'B free pages (current inputs)' : 'free pages', line: { color: bStyle.color } },
    { label: 'lowest free before kswapd ran', line: { color: bStyle.color, width: 1, dash: undefined } },
    { label: 'min', line: { color: WATERMARK_COLORS.min } },
    { label: 'low', line: { color: WATERMARK_COLORS.low } },
    { label: 'high', line: { color: WATERMARK_COLORS.high } },
    { label: 'high + boost', line: { color: WATERMARK_COLORS.high, dash: '1 2' } },
    { label: 'kswapd awake', box: { color: '#9ecae1', opacity: 0.6 } },
    { label: 'direct reclaim (allocstall)', line: { color: '#d62728', width: 1 } },
    ...overlays.map(([s]) => ({ label: `${s.label}: free, low and high`, line: { color: s.color, dash: s.dash } })),
  ];
  const runs: Array<[string, WorkloadResult]> = [...overlays.map(([s, r]): [string, WorkloadResult] => [s.key === 'A' ? 'A' : s.label, r]), [opts.a ? 'B' : 'this run', result]];
  const stats = runs.flatMap(([name, r]) => zones.filter((z) => populatedZones(r).some((x) => x.key === z.key)).map((z) => [name, zoneStats(r, z.key)] as const));
  const label = `Free pages against the watermarks over the run, with kswapd's awake bands and direct-reclaim stalls: ${stats.map(([n, t]) => `${runs.length > 1 ? `${n} ` : ''}${statsText(t)}`).join('; ')}`;
  const table = fallbackTable({
    caption: 'Per run and zone: free pages, watermarks at the end (pages), boost, kswapd and direct reclaim',
    headers: ['run', 'zone', 'lowest free', 'free at end', 'min', 'low', 'high', 'largest boost', 'kswapd wakes', 'samples kswapd awake', 'direct-reclaim stalls'],
    rows: stats.map(([n, t]) => [n, t.key, t.minFree, t.endFree, t.min, t.low, t.high, t.boostPeak, t.wakes, `${t.awake} of ${t.samples}`, t.stalls]),
  });
  return plotFigure('watermark-bands', label, { legend: legend(items), plots, fallback: [table], scenarios: opts.a ? 'A B' : undefined });
}
