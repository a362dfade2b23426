/**
 * The live MachineView of a run state, for the /proc renderers and for notebooks: the booted
 * machine's view (layout, memblock, counters the model does not move) with every run-time value
 * taken from the run state: free pages and free lists, pageblock types, boost and the boosted
 * watermarks, lowmem_reserve, the per-cpu lists (count, high, batch), LRU and page-kind stats,
 * and the vm events, and kswapd's state (node_unreclaimable, and the per-cpu vmstat threshold,
 * lowered to the pressure threshold while kswapd is awake). It is plain data: a checkpoint that
 * does not change when the run goes on.
 */
import type { MachineViewExtra, ZoneViewExtra } from '../format/extra';
import { MIGRATETYPE_NAMES } from '../types';
import type { NodeView, ZoneView } from '../view';
import { zoneId } from '../zone-types';
import { LRU_NAMES, NR_LRU_LISTS } from '../vmscan/lru';
import { KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_SHMEM, KIND_SLAB, KIND_SLAB_RECLAIMABLE } from './page-flags';
import { NR_WMARK, WMARK_HIGH, WMARK_LOW, WMARK_MIN, WMARK_PROMO, type RunState } from './run-state';
import { MAX_RECLAIM_RETRIES } from '../vmscan/kswapd-wake';

/**
 * calculate_pressure_threshold (mm/vmstat.c): the per-cpu stat threshold kswapd sets on its node's
 * zones when it wakes (set_pgdat_percpu_threshold), until it goes back to its full sleep.
 */
function pressureThreshold(rs: RunState, zi: number): number {
  const distance = rs.wmark[zi * NR_WMARK + WMARK_LOW] - rs.wmark[zi * NR_WMARK + WMARK_MIN];
  return Math.min(125, Math.max(1, Math.trunc(distance / rs.cpus)));
}

function liveZone(rs: RunState, z: ZoneView, byType: <T>(row: T[]) => T[]): ZoneViewExtra {
  const zi = rs.zoneIndex(zoneId(z.nid, z.idx, rs.nz));
  if (zi < 0) return { ...z, protection: [...z.protection], freeArea: z.freeArea.map((r) => [...r]), blocksByType: [...z.blocksByType], pcp: z.pcp.map((p) => ({ ...p })), stats: { ...z.stats } };
  const b = rs.buddy;
  const id = rs.zoneId[zi];
  const boost = rs.boost[zi];
  const w = zi * NR_WMARK;
  const stats: Record<string, number> = { ...z.stats };
  LRU_NAMES.forEach((n, lru) => (stats[`nr_zone_${n}`] = rs.lru.zonePages[zi * NR_LRU_LISTS + lru]));
  const node = rs.nodes[rs.zoneNode[zi]]!;
  return {
    ...z,
    nodeUnreclaimable: node.kswapdFailures >= MAX_RECLAIM_RETRIES ? 1 : 0,
    statThreshold: node.kswapdAwake || node.kswapdNap ? pressureThreshold(rs, zi) : z.statThreshold,
    free: b.z.free[zi],
    boost,
    min: rs.wmark[w + WMARK_MIN] + boost,
    low: rs.wmark[w + WMARK_LOW] + boost,
    high: rs.wmark[w + WMARK_HIGH] + boost,
    promo: rs.wmark[w + WMARK_PROMO] + boost,
    managed: b.z.managed[zi],
    cma: b.z.cma[zi],
    protection: Array.from({ length: rs.nz }, (_, j) => rs.lowmemReserve[zi * rs.nz + j]),
    freeCma: b.z.freeCma[zi],
    freeArea: b.freeArea(id).map(byType),
    blocksByType: byType(b.blocksByType(id)),
    pcp: Array.from({ length: rs.cpus }, (_, cpu) => ({ cpu, count: rs.pcp.count[zi * rs.cpus + cpu], high: rs.pcp.high[zi * rs.cpus + cpu], batch: rs.pcp.batch[zi * rs.cpus + cpu] })),
    stats,
    reservedHighatomic: rs.nrReservedHighatomic[zi],
  };
}

function liveNodeStats(rs: RunState, ni: number, base: Record<string, number>): Record<string, number> {
  const s: Record<string, number> = { ...base };
  LRU_NAMES.forEach((n, lru) => (s[`nr_${n}`] = rs.lru.nodePages[ni * NR_LRU_LISTS + lru]));
  const k = rs.nodes[ni]!.kindPages;
  s.nr_anon_pages = k[KIND_ANON];
  s.nr_file_pages = k[KIND_FILE] + k[KIND_FILE_DIRTY] + k[KIND_SHMEM];
  s.nr_shmem = k[KIND_SHMEM];
  s.nr_dirty = k[KIND_FILE_DIRTY];
  s.nr_writeback = rs.nodes[ni]!.writeback;
  s.nr_slab_reclaimable = k[KIND_SLAB_RECLAIMABLE];
  s.nr_slab_unreclaimable = k[KIND_SLAB];
  s.nr_isolated_anon = rs.nodes[ni]!.isolatedAnon;
  s.nr_isolated_file = rs.nodes[ni]!.isolatedFile;
  s.nr_vmscan_write = rs.nodes[ni]!.vmscanWrite;
  s.nr_vmscan_immediate_reclaim = rs.nodes[ni]!.vmscanImmediate;
  return s;
}

/** The run state as a MachineView (a checkpoint: plain data). */
export function runView(rs: RunState): MachineViewExtra {
  const base = rs.machine.view();
  const cfg = rs.profile.config;
  const cmaIdx = MIGRATETYPE_NAMES.indexOf('CMA');
  const byType = <T>(row: T[]): T[] => (cfg.cma ? [...row] : row.filter((_, i) => i !== cmaIdx));
  let totalram = 0;
  let totalhigh = 0;
  const nodes: NodeView[] = base.nodes.map((n) => {
    const ni = rs.nodeIndex(n.nid);
    const zones = n.zones.map((z) => {
      const live = liveZone(rs, z, byType);
      totalram += live.managed;
      if (rs.tunables.zones.find((t) => t.nid === z.nid && t.idx === z.idx)?.highmem) totalhigh += live.managed;
      return live;
    });
    return { nid: n.nid, zones, stats: ni >= 0 ? liveNodeStats(rs, ni, n.stats) : { ...n.stats } };
  });
  return {
    ...base,
    nodes,
    totalram,
    totalhigh,
    totalreserve: rs.tunables.totalreservePages,
    // hugetlb's meminfo lines (a machine without boot pools, e.g. an import, keeps its own values)
    counters: { ...base.counters, ...rs.vm.toRecord(), ...(rs.hugetlb.pools.length ? rs.hugetlb.meminfo() : {}) },
  };
}
