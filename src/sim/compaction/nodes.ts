/**
 * Whole-node compaction (mm/compaction.c): compact_node (/sys/devices/system/node/nodeN/compact)
 * and compact_nodes (`echo 1 > /proc/sys/vm/compact_memory`): every populated zone of each node,
 * synchronously, over the whole zone, with no goal order: it ends only when the scanners meet.
 * lru_add_drain_all flushes per-cpu LRU batches, which the model does not keep.
 */
import type { RunState } from '../run/run-state';
import { COMPACT_RESULT_NAMES, MIGRATE_SYNC, type CompactResultName } from './constants';
import { newCompactControl, type CompactControl } from './control';
import { compactZone } from './compact-zone';

export interface CompactZoneSummary {
  nid: number;
  zone: string;
  status: CompactResultName;
  /** pages migrated and failed (pgmigrate_success / pgmigrate_fail of this zone's run) */
  migrated: number;
  failed: number;
  /** pfns the scanners examined (compact_migrate_scanned / compact_free_scanned) */
  migrateScanned: number;
  freeScanned: number;
  /** pages isolated by the migrate and the free scanner (compact_isolated) */
  isolatedMigrate: number;
  isolatedFree: number;
}

export interface CompactMemoryResult {
  migrated: number;
  failed: number;
  freeScanned: number;
  migrateScanned: number;
  perZone: CompactZoneSummary[];
}

/** Run compact_zone on every populated zone of node ni with one compact_control (as the kernel reuses it), collecting summaries. */
export function compactZonesOfNode(rs: RunState, ni: number, cc: CompactControl, out: CompactZoneSummary[]): void {
  for (let idx = 0; idx < rs.nz; idx++) {
    const zi = rs.nodeZone[ni * rs.nz + idx];
    if (zi < 0 || rs.zonePresent[zi] === 0) continue;
    cc.zi = zi;
    cc.nrMigrated = 0;
    cc.nrFailed = 0;
    cc.nrIsolatedMigrate = 0;
    cc.nrIsolatedFree = 0;
    const status = compactZone(rs, cc);
    out.push({
      nid: rs.zoneNid[zi],
      zone: rs.names[rs.zoneIdx[zi]]!,
      status: COMPACT_RESULT_NAMES[status]!,
      migrated: cc.nrMigrated,
      failed: cc.nrFailed,
      migrateScanned: cc.totalMigrateScanned,
      freeScanned: cc.totalFreeScanned,
      isolatedMigrate: cc.nrIsolatedMigrate,
      isolatedFree: cc.nrIsolatedFree,
    });
  }
}

function summarize(perZone: CompactZoneSummary[]): CompactMemoryResult {
  const r: CompactMemoryResult = { migrated: 0, failed: 0, freeScanned: 0, migrateScanned: 0, perZone };
  for (const z of perZone) {
    r.migrated += z.migrated;
    r.failed += z.failed;
    r.freeScanned += z.freeScanned;
    r.migrateScanned += z.migrateScanned;
  }
  return r;
}

/** compact_node(nid): cc = { order −1, MIGRATE_SYNC, ignore_skip_hint, whole_zone, GFP_KERNEL } per populated zone. */
export function compactNode(rs: RunState, ni: number, cpu = 0): CompactMemoryResult {
  const cc = newCompactControl({ order: -1, mode: MIGRATE_SYNC, ignoreSkipHint: true, wholeZone: true, cpu });
  const perZone: CompactZoneSummary[] = [];
  compactZonesOfNode(rs, ni, cc, perZone);
  return summarize(perZone);
}

/** compact_nodes: compact_node for every online node (sysctl_compaction_handler). */
export function compactNodes(rs: RunState, cpu = 0): CompactMemoryResult {
  const perZone: CompactZoneSummary[] = [];
  for (let ni = 0; ni < rs.nodes.length; ni++) {
    const cc = newCompactControl({ order: -1, mode: MIGRATE_SYNC, ignoreSkipHint: true, wholeZone: true, cpu });
    compactZonesOfNode(rs, ni, cc, perZone);
  }
  return summarize(perZone);
}
