/**
 * compact_zone (mm/compaction.c): the two scanners over one zone until they meet or the goal is
 * reached, migrating what the migrate scanner isolated into what the free scanner isolated.
 * With __compact_finished / compact_finished, reset_cached_positions and __reset_isolation_suitable.
 */
import { MIGRATE_CMA, MIGRATE_MOVABLE, MIGRATE_TYPES } from '../types';
import { PS_BUDDY } from '../buddy/page-state';
import { gfpMigratetype } from '../page_alloc/gfp';
import { findSuitableFallback } from '../page_alloc/fallback';
import { drainPagesZone } from '../page_alloc/pcp';
import { PF_LRU } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { migratePages, putbackMovablePages } from '../migrate/migrate';
import { COMPACT_COMPLETE, COMPACT_CONTENDED, COMPACT_CONTINUE, COMPACT_NO_SUITABLE_PAGE, COMPACT_PARTIAL_SKIPPED, COMPACT_SKIPPED, COMPACT_SUCCESS, ENOMEM, MIGRATE_ASYNC, MR_COMPACTION } from './constants';
import type { CompactControl } from './control';
import { compactionRestarting } from './defer';
import { fragmentationScoreWmark, fragmentationScoreZone, fragmentationScoreZoneWeighted } from './frag-index';
import { compactionAlloc, compactionFree, releaseFreepages } from './isolate-free';
import { ISOLATE_ABORT, ISOLATE_NONE, isolateMigratepages } from './isolate-migrate';
import { allocHeadOf } from '../page_alloc/fallback';
import { blockEndPfn, blockStartPfn, clearPageblockSkip, getPageblockSkip, isAllocHead, pageblockEndPfn, pageblockSkipPersistent, pageblockStartPfn } from './pageblock';
import { compactionSuitable } from './suitable';

/** compact_scanners_met: the free scanner's pageblock is at or below the migrate scanner's. */
export function compactScannersMet(rs: RunState, cc: CompactControl): boolean {
  const pbo = rs.buddy.pageblockOrder;
  return Math.floor(cc.freePfn / 2 ** pbo) <= Math.floor(cc.migratePfn / 2 ** pbo);
}

/** reset_cached_positions: the next compaction of the zone starts anew from both ends. */
export function resetCachedPositions(rs: RunState, zi: number): void {
  const c = rs.compaction;
  const z = rs.buddy.z;
  c.cachedMigratePfn[zi * 2] = z.start[zi];
  c.cachedMigratePfn[zi * 2 + 1] = z.start[zi];
  c.cachedFreePfn[zi] = pageblockStartPfn(rs, z.end[zi] - 1);
}

/** PageLRU of a pfn (of its head for a page inside a compound page). */
function pageLru(rs: RunState, i: number): boolean {
  const t = rs.buddy.tag[i];
  if (isAllocHead(t)) return (rs.pflags[i] & PF_LRU) !== 0;
  if (t !== 2) return false; // PS_INUSE
  const h = allocHeadOf(rs, i);
  return h >= 0 && (rs.pflags[h] & PF_LRU) !== 0;
}

/** __reset_isolation_pfn: clear a block's skip bit if a sample (every 8th page) finds an LRU page (source) or a free page (target). */
function resetIsolationPfn(rs: RunState, zi: number, pfn: number, checkSource: boolean, checkTarget: boolean): boolean {
  const b = rs.buddy;
  const z = b.z;
  if (pfn < z.start[zi] || pfn >= z.end[zi]) return false;
  if (pageblockSkipPersistent(rs, pfn)) return false;
  if (checkSource && checkTarget && !getPageblockSkip(rs, pfn)) return true;
  if (!checkSource && checkTarget && b.pbType[(pfn >> b.pageblockOrder) - b.pbBase] !== MIGRATE_MOVABLE) return false;
  let p = Math.max(pageblockStartPfn(rs, pfn), z.start[zi]);
  const end = Math.min(pageblockEndPfn(rs, p) - 1, z.end[zi] - 1);
  do {
    const i = p - b.basePfn;
    if (checkSource && pageLru(rs, i)) {
      clearPageblockSkip(rs, p);
      return true;
    }
    if (checkTarget && b.tag[i] & PS_BUDDY) {
      clearPageblockSkip(rs, p);
      return true;
    }
    p += 8;
  } while (p <= end);
  return false;
}

/**
 * __reset_isolation_suitable (only when compact_blockskip_flush is set; clears it): walk the
 * zone's pageblocks from both ends towards the middle, clearing the skip bit of blocks that look
 * usable as a source or a target, and restart the cached scanners at the first ones found.
 */
export function resetIsolationSuitableZone(rs: RunState, zi: number): void {
  const c = rs.compaction;
  const z = rs.buddy.z;
  const pb = 1 << rs.buddy.pageblockOrder;
  let migratePfn = z.start[zi];
  let freePfn = z.end[zi] - 1;
  let resetMigrate = freePfn;
  let resetFree = migratePfn;
  let sourceSet = false;
  let freeSet = false;
  if (!c.blockskipFlush[zi]) return;
  c.blockskipFlush[zi] = 0;
  for (; migratePfn < freePfn; migratePfn += pb, freePfn -= pb) {
    if (resetIsolationPfn(rs, zi, migratePfn, true, sourceSet) && migratePfn < resetMigrate) {
      sourceSet = true;
      resetMigrate = migratePfn;
      c.initMigratePfn[zi] = resetMigrate;
      c.cachedMigratePfn[zi * 2] = resetMigrate;
      c.cachedMigratePfn[zi * 2 + 1] = resetMigrate;
    }
    if (resetIsolationPfn(rs, zi, freePfn, freeSet, true) && freePfn > resetFree) {
      freeSet = true;
      resetFree = freePfn;
      c.initFreePfn[zi] = resetFree;
      c.cachedFreePfn[zi] = resetFree;
    }
  }
  if (resetMigrate >= resetFree) {
    c.cachedMigratePfn[zi * 2] = migratePfn;
    c.cachedMigratePfn[zi * 2 + 1] = migratePfn;
    c.cachedFreePfn[zi] = freePfn;
  }
}

/** A free block of this order on list mt of zone zi? (!free_area_empty) */
function listNonEmpty(rs: RunState, zi: number, order: number, mt: number): boolean {
  const b = rs.buddy;
  return b.head[(zi * b.maxOrder + order) * MIGRATE_TYPES + mt] >= 0;
}

/**
 * __compact_finished: COMPLETE (whole zone) or PARTIAL_SKIPPED when the scanners met; for
 * proactive compaction SUCCESS once the zone's score is at or below the low mark (PARTIAL_SKIPPED
 * while kswapd runs); compact_memory continues to the end; otherwise, at a pageblock boundary, a
 * free block of ≥ order on the request's list, on CMA for a Movable request, or on a list it may
 * steal from, is SUCCESS (a sync non-movable request that would steal finishes its pageblock
 * first); else NO_SUITABLE_PAGE.
 */
function compactFinishedInner(rs: RunState, cc: CompactControl): number {
  const zi = cc.zi;
  if (compactScannersMet(rs, cc)) {
    resetCachedPositions(rs, zi);
    if (cc.directCompaction) rs.compaction.blockskipFlush[zi] = 1;
    return cc.wholeZone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
  }
  if (cc.proactiveCompaction) {
    if (rs.nodes[rs.zoneNode[zi]]!.kswapdAwake) return COMPACT_PARTIAL_SKIPPED;
    const score = rs.rules.compaction.proactiveZoneScore === 'weighted' ? fragmentationScoreZoneWeighted(rs, zi) : fragmentationScoreZone(rs, zi);
    return score > fragmentationScoreWmark(rs, true) ? COMPACT_CONTINUE : COMPACT_SUCCESS;
  }
  if (cc.order < 0) return COMPACT_CONTINUE;
  const pb = 1 << rs.buddy.pageblockOrder;
  if (cc.migratePfn & (pb - 1)) return COMPACT_CONTINUE;
  const mt = cc.migratetype;
  let ret = COMPACT_NO_SUITABLE_PAGE;
  for (let order = cc.order; order < rs.buddy.maxOrder; order++) {
    if (listNonEmpty(rs, zi, order, mt)) return COMPACT_SUCCESS;
    if (rs.rules.cmaConfigured && mt === MIGRATE_MOVABLE && listNonEmpty(rs, zi, order, MIGRATE_CMA)) return COMPACT_SUCCESS;
    if (findSuitableFallback(rs, zi, order, mt, true) !== -1) {
      if (mt === MIGRATE_MOVABLE) return COMPACT_SUCCESS;
      if (cc.mode === MIGRATE_ASYNC || (cc.migratePfn & (pb - 1)) === 0) return COMPACT_SUCCESS;
      ret = COMPACT_CONTINUE;
      break;
    }
  }
  return ret;
}

/** compact_finished: traces mm_compaction_finished and maps NO_SUITABLE_PAGE to CONTINUE. */
export function compactFinished(rs: RunState, cc: CompactControl): number {
  let ret = compactFinishedInner(rs, cc);
  rs.trace?.emit('mm_compaction_finished', rs.zoneNid[cc.zi], rs.zoneIdx[cc.zi], cc.order, ret, 0);
  if (ret === COMPACT_NO_SUITABLE_PAGE) ret = COMPACT_CONTINUE;
  return ret;
}

/**
 * compact_zone(cc): compaction_suitable gate (SUCCESS and SKIPPED end it at once), the skip-bit
 * reset when deferral has run its course, the scanners' start (the zone ends for a whole-zone
 * run, else the cached pfns), then isolate → migrate_pages → drain until compact_finished says
 * otherwise; unused free targets are released and the scan counters counted. Returns the
 * compact_result.
 */
export function compactZone(rs: RunState, cc: CompactControl): number {
  const zi = cc.zi;
  const c = rs.compaction;
  const startPfn = rs.buddy.z.start[zi];
  const endPfn = rs.buddy.z.end[zi];
  const sync = cc.mode !== MIGRATE_ASYNC;
  cc.totalMigrateScanned = 0;
  cc.totalFreeScanned = 0;
  cc.nrMigratepages = 0;
  cc.nrFreepages = 0;
  cc.freepages.length = 0;
  cc.migratepages.length = 0;
  cc.migratetype = gfpMigratetype(cc.gfp);
  let ret = compactionSuitable(rs, zi, cc.order, cc.allocFlags, cc.highestZoneidx);
  if (ret === COMPACT_SUCCESS || ret === COMPACT_SKIPPED) return ret;
  if (compactionRestarting(rs, zi, cc.order)) resetIsolationSuitableZone(rs, zi);
  cc.fastStartPfn = 0;
  if (cc.wholeZone) {
    cc.migratePfn = startPfn;
    cc.freePfn = pageblockStartPfn(rs, endPfn - 1);
  } else {
    cc.migratePfn = c.cachedMigratePfn[zi * 2 + (sync ? 1 : 0)];
    cc.freePfn = c.cachedFreePfn[zi];
    if (cc.freePfn < startPfn || cc.freePfn >= endPfn) {
      cc.freePfn = pageblockStartPfn(rs, endPfn - 1);
      c.cachedFreePfn[zi] = cc.freePfn;
    }
    if (cc.migratePfn < startPfn || cc.migratePfn >= endPfn) {
      cc.migratePfn = startPfn;
      c.cachedMigratePfn[zi * 2] = cc.migratePfn;
      c.cachedMigratePfn[zi * 2 + 1] = cc.migratePfn;
    }
    if (cc.migratePfn <= c.initMigratePfn[zi]) cc.wholeZone = true;
  }
  let lastMigratedPfn = 0;
  let updateCached = !sync && c.cachedMigratePfn[zi * 2] === c.cachedMigratePfn[zi * 2 + 1];
  rs.trace?.emit('mm_compaction_begin', startPfn, cc.migratePfn, cc.freePfn, endPfn, sync ? 1 : 0);
  const opts = {
    getNewPage: (): number => compactionAlloc(rs, cc),
    putNewPage: (page: number): void => compactionFree(cc, page),
    mode: cc.mode,
    reason: MR_COMPACTION,
    cpu: cc.cpu,
  };
  while ((ret = compactFinished(rs, cc)) === COMPACT_CONTINUE) {
    const iterationStartPfn = cc.migratePfn;
    cc.rescan = pageblockStartPfn(rs, lastMigratedPfn) === pageblockStartPfn(rs, iterationStartPfn);
    const isolated = isolateMigratepages(rs, cc);
    let skipMigrate = false;
    if (isolated === ISOLATE_ABORT) {
      ret = COMPACT_CONTENDED;
      putbackMovablePages(rs, cc.migratepages);
      cc.nrMigratepages = 0;
      break;
    } else if (isolated === ISOLATE_NONE) {
      if (updateCached) c.cachedMigratePfn[zi * 2 + 1] = c.cachedMigratePfn[zi * 2];
      skipMigrate = true;
    } else {
      updateCached = false;
      lastMigratedPfn = iterationStartPfn;
    }
    if (!skipMigrate) {
      const nrAll = cc.nrMigratepages;
      const r = migratePages(rs, cc.migratepages, opts);
      cc.nrMigrated += r.succeeded;
      cc.nrFailed += r.failed;
      if (rs.trace) {
        if (rs.rules.compaction.migrateTrace === 'succeeded') rs.trace.emit('mm_compaction_migratepages', r.succeeded, nrAll - r.succeeded, 0, 0, 0);
        else {
          const failed = r.rc >= 0 ? r.rc : cc.migratepages.length;
          rs.trace.emit('mm_compaction_migratepages', nrAll - failed, failed, 0, 0, 0);
        }
      }
      cc.nrMigratepages = 0;
      if (r.rc) {
        putbackMovablePages(rs, cc.migratepages);
        if (r.rc === -ENOMEM && !compactScannersMet(rs, cc)) {
          ret = COMPACT_CONTENDED;
          break;
        }
        if (cc.directCompaction && cc.mode === MIGRATE_ASYNC) {
          cc.migratePfn = blockEndPfn(cc.migratePfn - 1, cc.order);
          lastMigratedPfn = 0;
        }
      }
    }
    // check_drain: the scanner left the order-aligned block it last migrated from: lru_add_drain_cpu_zone drains this CPU's lists
    if (cc.order > 0 && lastMigratedPfn) {
      const currentBlockStart = blockStartPfn(cc.migratePfn, cc.order);
      if (lastMigratedPfn < currentBlockStart) {
        drainPagesZone(rs, zi, cc.cpu);
        lastMigratedPfn = 0;
      }
    }
  }
  if (cc.nrFreepages > 0 || cc.freepages.length > 0) {
    let freePfn = releaseFreepages(rs, cc);
    cc.nrFreepages = 0;
    freePfn = pageblockStartPfn(rs, freePfn);
    if (freePfn > c.cachedFreePfn[zi]) c.cachedFreePfn[zi] = freePfn;
  }
  rs.vm.count('compact_migrate_scanned', cc.totalMigrateScanned);
  rs.vm.count('compact_free_scanned', cc.totalFreeScanned);
  const e = rs.trace;
  if (e) e.emit('mm_compaction_end', startPfn, cc.migratePfn, cc.freePfn, endPfn, sync ? 1 : 0, ret);
  return ret;
}
