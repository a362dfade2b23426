/**
 * Pure data shaping for the watermark-check and run-time plots (check-plots.ts, run-plots.ts): an
 * explanation (mm.explain, mm.check) or a workload result → flat rows in pages. No DOM here.
 */
import type { ExplainInput, FailureExplanation, ZoneExplanation } from '../../sim/index';
import type { WorkloadResult } from '../../sim/workload/index';

const MIGRATETYPES = ['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', 'CMA', 'Isolate'] as const;

/** An explanation, or anything holding one (an mm.check result, an mm.explain result). */
export type Explained = FailureExplanation | { explanation: FailureExplanation };
export const explanationOf = (e: Explained): FailureExplanation => ('explanation' in e ? e.explanation : e);

export interface CheckRow {
  zone: string;
  /** NR_FREE_PAGES */
  free: number;
  /** what the request counts: free − (2^order − 1) − highatomic − free CMA it may not use */
  counted: number;
  /** the mark after the reserve flags, and lowmem_reserve[highest_zoneidx] */
  mark: number;
  reserve: number;
  /** mark + reserve: the counted pages must be above it */
  needed: number;
  markName: string;
  highatomic: number;
  cmaExcluded: number;
  ok: boolean;
  failed: ZoneExplanation['failed_test'];
  verdict: 'passes' | 'refused: watermark' | 'refused: no block';
}

/** One row per zone of the zonelist: the numbers __zone_watermark_ok compares. */
export function checkRows(e: Explained): CheckRow[] {
  return explanationOf(e).zones.map((z) => ({
    zone: z.zone, free: z.free, counted: z.counted_free, mark: z.mark, reserve: z.reserve, needed: z.mark + z.reserve, markName: z.mark_name,
    highatomic: z.highatomic, cmaExcluded: z.cma_excluded, ok: z.ok, failed: z.failed_test,
    verdict: z.ok ? 'passes' : z.failed_test === 'no-suitable-block' ? 'refused: no block' : 'refused: watermark',
  }));
}

export interface FreeListRow { zone: string; order: number; type: string; blocks: number; pages: number; usable: boolean; atOrder: boolean; exact: boolean }

/**
 * Free blocks per zone, order and migratetype as the explanation's input holds them; `usable`: the
 * request may take a block from this list (its own and the fallback types; CMA with ALLOC_CMA;
 * HighAtomic with the reserve flags, as the explanation's usable lists say); `atOrder`: order ≥ the
 * request's. A report gives only which lists are non-empty: then each order's count goes to its
 * first list and `exact` is false.
 */
export function freeListRows(input: ExplainInput, e: Explained): FreeListRow[] {
  const ex = explanationOf(e);
  const flags = ex.alloc_flags_text.split('|');
  const cma = flags.includes('ALLOC_CMA');
  // the HighAtomic lists: ALLOC_HARDER or ALLOC_OOM (5.10), ALLOC_HIGHATOMIC or ALLOC_OOM (6.1 profile); the text names the scheme's bits
  const ha = flags.some((f) => f === 'ALLOC_HARDER' || f === 'ALLOC_HIGHATOMIC' || f === 'ALLOC_OOM');
  const rows: FreeListRow[] = [];
  input.zones.forEach((z, k) => {
    const zone = ex.zones[k]?.zone ?? z.name;
    z.nrFree.forEach((n, order) => {
      const byType = z.nrFreeByType?.[order];
      const mask = z.typeMask[order] ?? 0;
      MIGRATETYPES.forEach((type, mt) => {
        let blocks: number;
        if (byType) blocks = byType[mt] ?? 0;
        else {
          const first = mask ? MIGRATETYPES.findIndex((_, j) => mask & (1 << j)) : 0;
          blocks = mt === first ? n : 0;
        }
        if (!blocks) return;
        const usable = mt < 3 || (mt === 4 && cma) || (mt === 3 && ha);
        rows.push({ zone, order, type, blocks, pages: blocks * 2 ** order, usable, atOrder: order >= ex.order, exact: !!byType });
      });
    });
  });
  return rows;
}

const sampleOf = (r: WorkloadResult, k: number): number => Math.max(0, Math.min(r.samples.step.length - 1, Math.trunc(k)));
const zoneKey = (z: WorkloadResult['samples']['zones'][number]) => `Node ${z.nid} ${z.zone}`;

export interface RunBuddyRow { zone: string; key: string; order: number; blocks: number; pages: number; step: number }
/** /proc/buddyinfo at sample k of a workload (free blocks per order, every migratetype). */
export function runBuddyRows(r: WorkloadResult, k: number): RunBuddyRow[] {
  const s = sampleOf(r, k);
  return r.samples.zones.filter((z) => z.managed > 0).flatMap((z) => z.freeByOrder.map((col, order) => ({ zone: z.zone, key: zoneKey(z), order, blocks: col[s] ?? 0, pages: (col[s] ?? 0) * 2 ** order, step: r.samples.step[s] ?? 0 })));
}

export interface RunTypeRow { zone: string; key: string; type: string; step: number; pages: number }
/** Free pages per migratetype (pagetypeinfo's lists summed over orders) at every sample. */
export function runTypeRows(r: WorkloadResult): RunTypeRow[] {
  const out: RunTypeRow[] = [];
  for (const z of r.samples.zones) {
    if (z.managed <= 0) continue;
    z.freeByType.forEach((col, mt) => {
      const type = r.migratetypes[mt] ?? MIGRATETYPES[mt] ?? String(mt);
      if (!col.some((v) => v > 0)) return;
      col.forEach((pages, i) => out.push({ zone: z.zone, key: zoneKey(z), type, step: r.samples.step[i] ?? i, pages }));
    });
  }
  return out;
}

export interface RunCmaRow { zone: string; key: string; step: number; series: string; pages: number }
/**
 * Per sample: free pages as a movable request counts them (ALLOC_CMA: every free page), as an
 * unmovable one does (free − free CMA: it may not use CMA pageblocks), and the min and low marks.
 * Order 0, no highatomic reserve (the samples do not carry it).
 */
export function runCmaRows(r: WorkloadResult): RunCmaRow[] {
  const out: RunCmaRow[] = [];
  for (const z of r.samples.zones) {
    if (z.managed <= 0) continue;
    const key = zoneKey(z);
    for (let i = 0; i < z.free.length; i++) {
      const step = r.samples.step[i] ?? i;
      out.push({ zone: z.zone, key, step, series: 'free (movable: CMA counted)', pages: z.free[i]! });
      out.push({ zone: z.zone, key, step, series: 'free − free CMA (unmovable)', pages: z.free[i]! - z.freeCma[i]! });
      out.push({ zone: z.zone, key, step, series: 'min', pages: z.min[i]! });
      out.push({ zone: z.zone, key, step, series: 'low', pages: z.low[i]! });
    }
  }
  return out;
}

/** The sample index whose step is nearest to `step` (sliders in steps, series in samples). */
export function sampleAtStep(r: WorkloadResult, step: number): number {
  const s = r.samples.step;
  let best = 0;
  for (let i = 1; i < s.length; i++) if (Math.abs(s[i]! - step) < Math.abs(s[best]! - step)) best = i;
  return best;
}
