/**
 * The fragmentation indices of mm/vmstat.c (the same in 5.10 and 6.1): fill_contig_page_info,
 * __fragmentation_index (debugfs extfrag/extfrag_index, and compaction_suitable's test against
 * vm.extfrag_threshold), unusable_free_index (extfrag/unusable_index) and extfrag_for_order
 * (proactive compaction's score), plus mm/compaction.c's fragmentation scores.
 *
 * The core functions take the zone's nr_free per order (free_area[order].nr_free: blocks on all
 * migratetype lists, Isolate included), so the run state and a plain MachineView share them.
 */
import type { RunState } from '../run/run-state';
import { MIGRATE_TYPES } from '../types';
import { COMPACTION_HPAGE_ORDER } from './constants';

/** struct contig_page_info */
export interface ContigPageInfo {
  freePages: number;
  freeBlocksTotal: number;
  freeBlocksSuitable: number;
}

/** fill_contig_page_info over nr_free per order (orders 0..nrFree.length−1 = MAX_ORDER−1). */
export function fillContigPageInfo(nrFree: ArrayLike<number>, suitableOrder: number, info: ContigPageInfo = { freePages: 0, freeBlocksTotal: 0, freeBlocksSuitable: 0 }): ContigPageInfo {
  info.freePages = 0;
  info.freeBlocksTotal = 0;
  info.freeBlocksSuitable = 0;
  for (let order = 0; order < nrFree.length; order++) {
    const blocks = nrFree[order]!;
    info.freeBlocksTotal += blocks;
    info.freePages += blocks * 2 ** order;
    if (order >= suitableOrder) info.freeBlocksSuitable += blocks * 2 ** (order - suitableOrder);
  }
  return info;
}

/**
 * __fragmentation_index: 0 when nothing is free; −1000 when a block of the order is free (the
 * request would not fail for fragmentation); else 1000 − (1000 + free_pages·1000/2^order) /
 * free_blocks_total, in integer division (towards 0: lack of memory; towards 1000: fragmentation).
 */
export function fragmentationIndexOf(info: ContigPageInfo, order: number): number {
  if (!info.freeBlocksTotal) return 0;
  if (info.freeBlocksSuitable) return -1000;
  return 1000 - Math.floor((1000 + Math.floor((info.freePages * 1000) / 2 ** order)) / info.freeBlocksTotal);
}

/** unusable_free_index: the share (in thousandths) of free memory in blocks smaller than the order; 1000 when nothing is free. */
export function unusableFreeIndexOf(info: ContigPageInfo, order: number): number {
  if (info.freePages === 0) return 1000;
  return Math.floor(((info.freePages - info.freeBlocksSuitable * 2 ** order) * 1000) / info.freePages);
}

/** extfrag_for_order: the same share in percent, 0 when nothing is free. */
export function extfragForOrderOf(info: ContigPageInfo, order: number): number {
  if (info.freePages === 0) return 0;
  return Math.floor(((info.freePages - info.freeBlocksSuitable * 2 ** order) * 100) / info.freePages);
}

const scratch: ContigPageInfo = { freePages: 0, freeBlocksTotal: 0, freeBlocksSuitable: 0 };
let nrFreeScratch = new Float64Array(16);

/** free_area[order].nr_free of a run-state zone, summed over the migratetype lists. */
export function zoneNrFree(rs: RunState, zi: number, out?: Float64Array): Float64Array {
  const b = rs.buddy;
  const res = out ?? new Float64Array(b.maxOrder);
  for (let o = 0; o < b.maxOrder; o++) {
    let n = 0;
    const base = (zi * b.maxOrder + o) * MIGRATE_TYPES;
    for (let mt = 0; mt < MIGRATE_TYPES; mt++) n += b.nrFree[base + mt];
    res[o] = n;
  }
  return res;
}

function zoneInfo(rs: RunState, zi: number, order: number): ContigPageInfo {
  if (nrFreeScratch.length !== rs.buddy.maxOrder) nrFreeScratch = new Float64Array(rs.buddy.maxOrder);
  return fillContigPageInfo(zoneNrFree(rs, zi, nrFreeScratch), order, scratch);
}

/** fragmentation_index(zone, order) of run-state zone zi (internal index). */
export function fragmentationIndex(rs: RunState, zi: number, order: number): number {
  return fragmentationIndexOf(zoneInfo(rs, zi, order), order);
}

/** unusable_free_index of run-state zone zi. */
export function unusableFreeIndex(rs: RunState, zi: number, order: number): number {
  return unusableFreeIndexOf(zoneInfo(rs, zi, order), order);
}

/** extfrag_for_order(zone, order) of run-state zone zi. */
export function extfragForOrder(rs: RunState, zi: number, order: number): number {
  return extfragForOrderOf(zoneInfo(rs, zi, order), order);
}

/** fragmentation_score_zone (6.1): extfrag_for_order(zone, COMPACTION_HPAGE_ORDER). */
export function fragmentationScoreZone(rs: RunState, zi: number): number {
  return extfragForOrder(rs, zi, COMPACTION_HPAGE_ORDER);
}

/** pgdat->node_present_pages of the node holding zone zi. */
export function nodePresentPages(rs: RunState, ni: number): number {
  let n = 0;
  for (let zi = 0; zi < rs.zones; zi++) if (rs.zoneNode[zi] === ni) n += rs.zonePresent[zi];
  return n;
}

/**
 * fragmentation_score_zone_weighted (6.1; 5.10's fragmentation_score_zone): the zone's score
 * scaled by its share of the node's present pages, present·score / (node_present + 1).
 */
export function fragmentationScoreZoneWeighted(rs: RunState, zi: number): number {
  return Math.floor((rs.zonePresent[zi] * fragmentationScoreZone(rs, zi)) / (nodePresentPages(rs, rs.zoneNode[zi]) + 1));
}

/** fragmentation_score_node: the weighted scores of the node's zones added up (0..100). */
export function fragmentationScoreNode(rs: RunState, ni: number): number {
  let score = 0;
  for (let zi = 0; zi < rs.zones; zi++) if (rs.zoneNode[zi] === ni) score += fragmentationScoreZoneWeighted(rs, zi);
  return score;
}

/** fragmentation_score_wmark: low = max(100 − proactiveness, 5), high = min(low + 10, 100). */
export function fragmentationScoreWmark(rs: RunState, low: boolean): number {
  const wmarkLow = Math.max(100 - rs.compaction.proactiveness, 5);
  return low ? wmarkLow : Math.min(wmarkLow + 10, 100);
}

/** One zone's indices at every order, for notebooks (the rows of extfrag_index and unusable_index). */
export interface ZoneFragIndices {
  nid: number;
  zone: string;
  /** __fragmentation_index per order (−1000..1000) */
  extfrag: number[];
  /** unusable_free_index per order (0..1000) */
  unusable: number[];
  /** extfrag_for_order per order (0..100) */
  extfragPercent: number[];
}

/** The fragmentation indices of every zone the run state holds, per order. */
export function fragIndices(rs: RunState): ZoneFragIndices[] {
  const out: ZoneFragIndices[] = [];
  for (let zi = 0; zi < rs.zones; zi++) {
    const nrFree = zoneNrFree(rs, zi);
    const row: ZoneFragIndices = { nid: rs.zoneNid[zi], zone: rs.names[rs.zoneIdx[zi]]!, extfrag: [], unusable: [], extfragPercent: [] };
    for (let o = 0; o < rs.buddy.maxOrder; o++) {
      const info = fillContigPageInfo(nrFree, o);
      row.extfrag.push(fragmentationIndexOf(info, o));
      row.unusable.push(unusableFreeIndexOf(info, o));
      row.extfragPercent.push(extfragForOrderOf(info, o));
    }
    out.push(row);
  }
  return out;
}
