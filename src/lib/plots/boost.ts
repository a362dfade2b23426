/**
 * How far `watermark_boost_factor` may raise each zone's watermarks (boost_watermark,
 * mm/page_alloc.c), from a MachineView: the boost is 0 on a freshly booted machine and only grows,
 * one pageblock per fallback, after an allocation steals a pageblock of another migratetype;
 * kswapd clears it. So the factor changes nothing a fresh boot shows, only this ceiling:
 *
 *   factor == 0, or 4 × pageblock_nr_pages > managed   → no boosting
 *   max_boost = mult_frac(_watermark[HIGH], factor, 10000); 0 → no boosting
 *   max_boost = max(pageblock_nr_pages, max_boost)
 *
 * (_watermark[HIGH] is the printed high minus the current boost.)
 */
import type { MachineView } from '../../sim/index';
import { pagesToMiB, zoneKey } from './data';

export interface MaxBoostRow {
  node: number; zone: string; key: string;
  /** _watermark[WMARK_HIGH], without boost */
  high: number;
  /** the largest boost the factor allows (pages); 0 when the zone is never boosted */
  maxBoost: number;
  maxBoostMiB: number;
  /** why the zone is never boosted, when it is not */
  never?: 'factor is 0' | 'zone smaller than 4 pageblocks' | 'high watermark too small';
}

/** mult_frac(x, n, d) = (x / d) * n + ((x % d) * n) / d, in integers. */
function multFrac(x: number, n: number, d: number): number {
  return Math.floor(x / d) * n + Math.floor(((x % d) * n) / d);
}

/** One row per populated zone (managed > 0). */
export function maxBoostRows(view: MachineView, factor: number): MaxBoostRow[] {
  const pageblock = 2 ** view.pageblockOrder;
  const rows: MaxBoostRow[] = [];
  for (const node of view.nodes) for (const z of node.zones) {
    if (z.managed <= 0) continue;
    const high = z.high - z.boost;
    const row: MaxBoostRow = { node: node.nid, zone: z.name, key: zoneKey(node.nid, z), high, maxBoost: 0, maxBoostMiB: 0 };
    if (!(factor > 0)) row.never = 'factor is 0';
    else if (4 * pageblock > z.managed) row.never = 'zone smaller than 4 pageblocks';
    else {
      const b = multFrac(high, Math.floor(factor), 10000);
      if (b === 0) row.never = 'high watermark too small';
      else row.maxBoost = Math.max(pageblock, b);
    }
    row.maxBoostMiB = pagesToMiB(row.maxBoost);
    rows.push(row);
  }
  return rows;
}
