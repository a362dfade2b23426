/**
 * struct compact_control (mm/internal.h): one compaction run over one zone at a time. The
 * isolated pages are kept as page indexes (pfn − basePfn) in plain number arrays, never as objects:
 *
 * - `migratepages`: cc->migratepages. isolate_migratepages_block adds with list_add (the head), so
 *   the kernel's list runs in reverse scan order; here the array's END is the list head (push =
 *   list_add, and migrate_pages walks it from the end).
 * - `freepages`: cc->freepages after split_map_pages, order-0 pages. The END of the array is the
 *   list head: compaction_alloc pops it and compaction_free pushes back onto it.
 * - `isoHeads`/`isoOrders`: the free blocks isolate_freepages_block took (list_add_tail, in scan
 *   order) before split_map_pages splits them.
 */
import { GFP_KERNEL } from '../page_alloc/gfp';
import { MIGRATE_SYNC } from './constants';

export interface CompactControl {
  /** −1: compact_memory / proactive (no goal) */
  order: number;
  searchOrder: number;
  gfp: number;
  /** gfp_migratetype(gfp), set by compact_zone */
  migratetype: number;
  /** MIGRATE_ASYNC / SYNC_LIGHT / SYNC */
  mode: number;
  allocFlags: number;
  highestZoneidx: number;
  /** the zone being compacted (internal index) */
  zi: number;
  /** the CPU compaction runs on (freed pages go to its per-cpu lists) */
  cpu: number;
  migratePfn: number;
  freePfn: number;
  fastStartPfn: number;
  nrMigratepages: number;
  nrFreepages: number;
  migratepages: number[];
  freepages: number[];
  isoHeads: number[];
  isoOrders: number[];
  totalMigrateScanned: number;
  totalFreeScanned: number;
  fastSearchFail: number;
  directCompaction: boolean;
  wholeZone: boolean;
  ignoreSkipHint: boolean;
  noSetSkipHint: boolean;
  ignoreBlockSuitable: boolean;
  proactiveCompaction: boolean;
  allocContig: boolean;
  rescan: boolean;
  contended: boolean;
  /** the model's totals over the run (not in the kernel's struct): pages migrated and failed */
  nrMigrated: number;
  nrFailed: number;
  nrIsolatedMigrate: number;
  nrIsolatedFree: number;
}

/** A compact_control with the kernel's designated-initializer defaults (everything 0/false). */
export function newCompactControl(init: Partial<CompactControl> = {}): CompactControl {
  return {
    order: -1,
    searchOrder: -1,
    gfp: GFP_KERNEL,
    migratetype: 0,
    mode: MIGRATE_SYNC,
    allocFlags: 0,
    highestZoneidx: 0,
    zi: -1,
    cpu: 0,
    migratePfn: 0,
    freePfn: 0,
    fastStartPfn: 0,
    nrMigratepages: 0,
    nrFreepages: 0,
    migratepages: [],
    freepages: [],
    isoHeads: [],
    isoOrders: [],
    totalMigrateScanned: 0,
    totalFreeScanned: 0,
    fastSearchFail: 0,
    directCompaction: false,
    wholeZone: false,
    ignoreSkipHint: false,
    noSetSkipHint: false,
    ignoreBlockSuitable: false,
    proactiveCompaction: false,
    allocContig: false,
    rescan: false,
    contended: false,
    nrMigrated: 0,
    nrFailed: 0,
    nrIsolatedMigrate: 0,
    nrIsolatedFree: 0,
    ...init,
  };
}
