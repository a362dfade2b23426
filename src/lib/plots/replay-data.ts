/**
 * A trace replay's marks as plot rows (pure data, no DOM): at every mark of mm.replay's result, per
 * populated zone, the free pages, watermarks, pages on the per-cpu lists and free blocks per order,
 * read from the /proc text the mark recorded; and the real kernel's own files at the marks it has
 * them for (a recording's snapshot and samples), on the same rows. Several replays of one trace
 * (the recorded tuning and a changed one) share the marks, so their rows line up mark by mark.
 */
import { parseBuddyinfo } from '../../sim/format/buddyinfo';
import type { ReplayResult } from '../../sim/replay/index';

/** One zone at one mark. */
export interface ZoneAtMark {
  key: string;
  nid: number;
  zone: string;
  /** NR_FREE_PAGES (zoneinfo's `pages free`): the buddy's free pages, the per-cpu lists not counted */
  free: number;
  min: number;
  low: number;
  high: number;
  boost: number;
  /** pages on the per-cpu lists (zoneinfo's `count:` over the CPUs) */
  pcp: number;
  /** the first CPU's per-cpu list high and batch (zoneinfo's pagesets; NaN when the text has none) */
  pcpHigh: number;
  pcpBatch: number;
  /** free blocks per order (buddyinfo) */
  blocks: number[];
}

export interface MarkPoint {
  /** which run: "real kernel", or the replay's label */
  series: string;
  /** the mark's place in the replay's marks */
  index: number;
  mark: string;
  /** its trace line */
  line: number;
  zones: ZoneAtMark[];
}

/** A real kernel's files at a mark (src/lib/fixtures/recordings.ts RealSnapshot). */
export interface RealAtMark { mark: string; buddyinfo: string; zoneinfo: string }

const num = (block: string, re: RegExp): number => Number(re.exec(block)?.[1] ?? NaN);

/** Per populated zone (buddyinfo's lines), its numbers from zoneinfo (a full dump, or the samples' few lines per zone). */
export function zonesAtMark(zoneinfo: string, buddyinfo: string): ZoneAtMark[] {
  const blocks = new Map<string, string>();
  for (const part of zoneinfo.split(/^(?=Node \d+, zone )/m)) {
    const m = /^Node (\d+), zone\s+(\S+)/.exec(part);
    if (m) blocks.set(`${m[1]} ${m[2]}`, part);
  }
  return parseBuddyinfo(buddyinfo).map((r) => {
    const z = blocks.get(`${r.nid} ${r.zone}`) ?? '';
    let pcp = 0;
    for (const c of z.matchAll(/^\s+count:\s+(\d+)/gm)) pcp += Number(c[1]);
    return {
      key: `Node ${r.nid} ${r.zone}`, nid: r.nid, zone: r.zone,
      free: num(z, /^\s+pages free\s+(\d+)/m), min: num(z, /^\s+min\s+(\d+)$/m), low: num(z, /^\s+low\s+(\d+)$/m), high: num(z, /^\s+high\s+(\d+)$/m),
      boost: num(z, /^\s+boost\s+(\d+)$/m) || 0, pcp, pcpHigh: num(z, /^\s+high:\s+(\d+)/m), pcpBatch: num(z, /^\s+batch:\s+(\d+)/m), blocks: r.counts,
    };
  });
}

/** Every mark of a replay, as the simulator's state there. */
export function replayPoints(result: ReplayResult, series: string): MarkPoint[] {
  return result.marks.map((m, index) => ({ series, index, mark: m.text, line: m.line, zones: m.zoneinfo && m.buddyinfo ? zonesAtMark(m.zoneinfo, m.buddyinfo) : [] }));
}

/** The real kernel's state at the replay's marks it has files for (each real mark at the first replay mark of that text). */
export function realPoints(result: ReplayResult, real: readonly RealAtMark[] | null | undefined, series = 'real kernel'): MarkPoint[] {
  if (!real?.length) return [];
  const out: MarkPoint[] = [];
  for (const r of real) {
    const index = result.marks.findIndex((m) => m.text === r.mark);
    if (index < 0) continue;
    out.push({ series, index, mark: r.mark, line: result.marks[index]!.line, zones: zonesAtMark(r.zoneinfo, r.buddyinfo) });
  }
  return out;
}

export interface TimelineRow { series: string; key: string; index: number; mark: string; line: number; free: number; low: number; high: number; min: number; pcp: number }

export function timelineRows(points: readonly MarkPoint[]): TimelineRow[] {
  return points.flatMap((p) => p.zones.map((z) => ({ series: p.series, key: z.key, index: p.index, mark: p.mark, line: p.line, free: z.free, low: z.low, high: z.high, min: z.min, pcp: z.pcp })));
}

export interface OrderRow { series: string; key: string; index: number; mark: string; order: number; blocks: number; pages: number }

/** Free blocks per order at each point (all marks, or the one with `index`). */
export function orderRows(points: readonly MarkPoint[], index?: number): OrderRow[] {
  return points.filter((p) => index === undefined || p.index === index).flatMap((p) => p.zones.flatMap((z) =>
    z.blocks.map((blocks, order) => ({ series: p.series, key: z.key, index: p.index, mark: p.mark, order, blocks, pages: blocks * 2 ** order }))));
}

/** The kswapd records of a replay: the simulator's wakes and sleeps, or the kernel's, each with the last mark before it. */
export interface KswapdRecord { who: string; what: 'wake' | 'sleep'; line: number; after: string }

/** The text of the last mark at or before `line`. */
export function markBefore(result: ReplayResult, line: number): string {
  let text = '(before the first mark)';
  for (const m of result.marks) if (m.line <= line) text = m.text;
  return text;
}

function records(result: ReplayResult, who: string, wakes: readonly number[], sleeps: readonly number[]): KswapdRecord[] {
  return [...wakes.map((line) => ({ who, what: 'wake' as const, line, after: markBefore(result, line) })), ...sleeps.map((line) => ({ who, what: 'sleep' as const, line, after: markBefore(result, line) }))]
    .sort((a, b) => a.line - b.line);
}

/** Where the simulator's watermark logic woke kswapd (wakeup_kswapd) and where its kswapd slept, outside `do` spans. */
export function kswapdRecords(result: ReplayResult, label: string): KswapdRecord[] {
  return records(result, label, result.kswapd.wakes, result.kswapd.sleeps);
}

/** The kernel's own kswapd wakes and sleeps in the window (the same in every replay of the trace). */
export function kernelKswapdRecords(result: ReplayResult, label = 'real kernel'): KswapdRecord[] {
  return records(result, label, result.kswapd.kernel.wakes, result.kswapd.kernel.sleeps);
}
