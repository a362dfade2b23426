/**
 * The explanation of a failed allocation of the model: a snapshot of every zone of the request's
 * zonelist (zones ≤ highest_zoneidx, from the preferred zone on, as get_page_from_freelist walks
 * them) taken from the RunState when the allocation failed, run through explain.ts with the
 * slow path's alloc_flags and the run's current tunables.
 */
import { MIGRATE_TYPES } from '../types';
import { NR_LRU_LISTS } from '../vmscan/lru';
import { currentTunables } from '../run/run-tunables';
import { NR_WMARK, WMARK_HIGH, WMARK_LOW, WMARK_MIN, type RunState } from '../run/run-state';
import { explainFailure, type ExplainInput, type FailureExplanation, type ZoneSnapshot } from './explain';
import { formatGfpMode } from './gfp';
import type { AllocRequest } from './alloc-pages';

/** The zone state the watermark checks read, for zone zi of the run state. */
export function zoneSnapshot(rs: RunState, zi: number): ZoneSnapshot {
  const b = rs.buddy;
  const nrFree: number[] = [];
  const typeMask: number[] = [];
  const byType: number[][] = [];
  for (let o = 0; o < b.maxOrder; o++) {
    const base = (zi * b.maxOrder + o) * MIGRATE_TYPES;
    let n = 0;
    let mask = 0;
    const row: number[] = [];
    for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
      n += b.nrFree[base + mt];
      row.push(b.nrFree[base + mt]);
      if (b.head[base + mt] >= 0) mask |= 1 << mt;
    }
    nrFree.push(n);
    typeMask.push(mask);
    byType.push(row);
  }
  const lz = rs.lru.zonePages;
  const l = zi * NR_LRU_LISTS;
  const w = zi * NR_WMARK;
  const nid = rs.zoneNid[zi];
  const idx = rs.zoneIdx[zi];
  return {
    nid,
    idx,
    name: rs.names[idx]!,
    free: b.z.free[zi],
    freeCma: b.z.freeCma[zi],
    managed: b.z.managed[zi],
    present: rs.zonePresent[zi],
    wmark: [rs.wmark[w + WMARK_MIN], rs.wmark[w + WMARK_LOW], rs.wmark[w + WMARK_HIGH]],
    boost: rs.boost[zi],
    reservedHighatomic: rs.nrReservedHighatomic[zi],
    lowmemReserve: Array.from(rs.lowmemReserve.subarray(zi * rs.nz, zi * rs.nz + rs.nz)),
    nrFree,
    typeMask,
    nrFreeByType: byType,
    lru: [lz[l], lz[l + 1], lz[l + 2], lz[l + 3], lz[l + 4]],
    highmem: rs.tunables.zones.find((t) => t.nid === nid && t.idx === idx)?.highmem ?? false,
  };
}

/** Explain why `req` with `allocFlags` fails on the run state as it is now. */
export function explainRunFailure(rs: RunState, req: AllocRequest, allocFlags: number): FailureExplanation {
  return explainFailure(runExplainInput(rs, req, allocFlags));
}

/** The explanation's input, taken from the run state as it is now (plain data: snapshots and a tunables copy). */
export function runExplainInput(rs: RunState, req: AllocRequest, allocFlags: number): ExplainInput {
  const zones: ZoneSnapshot[] = [];
  for (let k = Math.max(0, req.preferred); req.preferred >= 0 && k < req.zonelist.length; k++) {
    const zi = req.zonelist[k]!;
    if (rs.zoneIdx[zi] > req.highestZoneidx) continue;
    zones.push(zoneSnapshot(rs, zi));
  }
  return {
    kernel: rs.profile.kernel,
    cmaConfigured: rs.rules.cmaConfigured,
    watermarkFastClamp: rs.rules.watermarkFastClamp,
    allocScheme: rs.rules.allocFlags,
    extfragThreshold: rs.compaction.extfragThreshold,
    order: req.order,
    gfp: req.gfp,
    gfpText: formatGfpMode(req.gfp, rs.profile.kernel).slice('mode:'.length),
    allocFlags,
    zoneNames: rs.names,
    highestZoneidx: req.highestZoneidx,
    migratetype: req.migratetype,
    numa: rs.profile.config.numa,
    zones,
    swap: rs.swap,
    pageblockOrder: rs.buddy.pageblockOrder,
    tunables: currentTunables(rs),
    notes: [],
  };
}
