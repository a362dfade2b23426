/**
 * __alloc_pages_slowpath (mm/page_alloc.c): wake kswapd, retry at the min watermark with the
 * request's own alloc flags, early direct compaction for costly or unmovable high orders, the
 * retry loop (reserves for PF_MEMALLOC-like requests, direct reclaim, direct compaction,
 * should_reclaim_retry, should_compact_retry), the OOM killer, __GFP_NOFAIL, and warn_alloc.
 * 5.10 and 6.1 take the same steps; they differ in the bookkeeping of cpuset and zonelist retries,
 * which the model (no cpusets, fixed zonelists) does not need.
 */
import { MIGRATE_MOVABLE, PAGE_ALLOC_COSTLY_ORDER } from '../types';
import { ALLOC_CPUSET, ALLOC_HARDER, ALLOC_KSWAPD, ALLOC_MIN_RESERVE, ALLOC_NO_WATERMARKS, ALLOC_OOM, ALLOC_WMARK_HIGH, gfpToAllocFlags, gfpToAllocFlagsCma } from './alloc-flags';
import { __GFP_ATOMIC, __GFP_DIRECT_RECLAIM, __GFP_FS, __GFP_HARDWALL, __GFP_MEMALLOC, __GFP_NOFAIL, __GFP_NOMEMALLOC, __GFP_NORETRY, __GFP_RETRY_MAYFAIL, __GFP_THISNODE } from './gfp';
import { getPageFromFreelist, type AllocContext } from './alloc-pages';
import { unreserveHighatomicPageblock } from './fallback';
import { drainAllPages } from './pcp';
import { zoneWatermarkOkFree } from './watermark';
import { NR_WMARK, WMARK_MIN, type RunState } from '../run/run-state';
import { MAX_RECLAIM_RETRIES, wakeupKswapd } from '../vmscan/kswapd-wake';
import { LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, NR_LRU_LISTS } from '../vmscan/lru';
import { tryToFreePages } from '../vmscan/direct-reclaim';
import { tryToCompactPages, directCompactSucceeded, compactionZonelistSuitable, COMPACT_COMPLETE, COMPACT_CONTENDED, COMPACT_DEFERRED, COMPACT_PARTIAL_SKIPPED, COMPACT_SKIPPED, COMPACT_SUCCESS } from '../compaction/compact-result';
import { outOfMemory } from '../oom/oom-kill';
import { warnAlloc } from './warn-alloc';

/** MAX_COMPACT_RETRIES (mm/page_alloc.c) */
const MAX_COMPACT_RETRIES = 16;
/** enum compact_priority: COMPACT_PRIO_SYNC_FULL = MIN_COMPACT_PRIORITY, SYNC_LIGHT = MIN_COMPACT_COSTLY_PRIORITY = DEF_COMPACT_PRIORITY, ASYNC = INIT_COMPACT_PRIORITY */
export const COMPACT_PRIO_SYNC_FULL = 0;
export const COMPACT_PRIO_SYNC_LIGHT = 1;
export const COMPACT_PRIO_ASYNC = 2;
/** A __GFP_NOFAIL request that could loop forever in the kernel stops here after this many retries, as a failure. */
export const NOFAIL_MODEL_RETRIES = 1000;
/**
 * Rounds in which the OOM killer reports progress without killing (a request without __GFP_FS, or
 * a victim still exiting) before the model gives up: the kernel sleeps and retries until other
 * tasks free memory, which nothing does in the model.
 */
export const OOM_MODEL_STALLS = 16;

/** wake_all_kswapds: wakeup_kswapd for the first managed zone of each node in the zonelist. */
function wakeAllKswapds(rs: RunState, ac: AllocContext, gfp: number): void {
  let lastNode = -1;
  for (let k = 0; k < ac.zonelist.length; k++) {
    const zi = ac.zonelist[k]!;
    if (rs.zoneIdx[zi] > ac.highestZoneidx || rs.buddy.z.managed[zi] === 0) continue;
    if (rs.zoneNode[zi] !== lastNode) {
      wakeupKswapd(rs, zi, gfp, ac.order, ac.highestZoneidx);
      lastNode = rs.zoneNode[zi];
    }
  }
}

/** __gfp_pfmemalloc_flags: __GFP_MEMALLOC requests may ignore the watermarks (the model has no PF_MEMALLOC tasks). */
function gfpPfmemallocFlags(rs: RunState, ac: AllocContext, gfp: number): number {
  if (gfp & __GFP_NOMEMALLOC) return 0;
  if (gfp & __GFP_MEMALLOC) return ALLOC_NO_WATERMARKS;
  if (ac.owner && rs.tasks.list[ac.owner]?.killed) return ALLOC_OOM;
  return 0;
}

/** zone_reclaimable_pages: the zone's file LRU pages, plus its anon LRU pages when there is swap. */
export function zoneReclaimablePages(rs: RunState, zi: number): number {
  const z = rs.lru.zonePages;
  const b = zi * NR_LRU_LISTS;
  let nr = z[b + LRU_INACTIVE_FILE] + z[b + LRU_ACTIVE_FILE];
  if (rs.swap) nr += z[b + LRU_INACTIVE_ANON] + z[b + LRU_ACTIVE_ANON];
  // 6.1.y: a zone with nothing on its LRU lists counts its free pages, so reclaim does not skip it
  if (nr === 0 && rs.rules.zoneReclaimableCountsFree) nr = rs.buddy.z.free[zi];
  return nr;
}

/** should_reclaim_retry: retry while some eligible zone would pass its min watermark with all its reclaimable pages. */
function shouldReclaimRetry(rs: RunState, ac: AllocContext, allocFlags: number, progress: boolean, loops: { noProgress: number }): boolean {
  if (progress && ac.order <= PAGE_ALLOC_COSTLY_ORDER) loops.noProgress = 0;
  else loops.noProgress++;
  if (loops.noProgress > MAX_RECLAIM_RETRIES) return unreserveHighatomicPageblock(rs, ac.zonelist, ac.highestZoneidx, ac.migratetype, true);
  for (let k = 0; k < ac.zonelist.length; k++) {
    const zi = ac.zonelist[k]!;
    if (rs.zoneIdx[zi] > ac.highestZoneidx) continue;
    const available = zoneReclaimablePages(rs, zi) + rs.buddy.z.free[zi];
    const minWmark = rs.wmark[zi * NR_WMARK + WMARK_MIN] + rs.boost[zi];
    if (zoneWatermarkOkFree(rs, zi, ac.order, minWmark, ac.highestZoneidx, allocFlags, available)) return true;
  }
  // 6.1.170+: before OOM, exhaust the highatomic reserve
  if (rs.rules.unreserveHighatomicBeforeOom) return unreserveHighatomicPageblock(rs, ac.zonelist, ac.highestZoneidx, ac.migratetype, true);
  return false;
}

/** should_compact_retry: retry compaction while it makes progress, raising its priority when it fails. */
function shouldCompactRetry(rs: RunState, ac: AllocContext, allocFlags: number, result: number, st: { prio: number; retries: number }): boolean {
  const order = ac.order;
  if (!order) return false;
  const prio = st.prio;
  const retries = st.retries;
  if (result === COMPACT_SUCCESS) st.retries++;
  const maxRetries = order > PAGE_ALLOC_COSTLY_ORDER ? MAX_COMPACT_RETRIES / 4 : MAX_COMPACT_RETRIES;
  const checkPriority = (): boolean => {
    const minPrio = order > PAGE_ALLOC_COSTLY_ORDER ? COMPACT_PRIO_SYNC_LIGHT : COMPACT_PRIO_SYNC_FULL;
    if (st.prio > minPrio) {
      st.prio--;
      st.retries = 0;
      return true;
    }
    return false;
  };
  let ret: boolean;
  if (result === COMPACT_COMPLETE) ret = checkPriority();
  else if (result === COMPACT_SKIPPED) ret = compactionZonelistSuitable(rs, ac, order, allocFlags);
  else if (result === COMPACT_DEFERRED || result === COMPACT_CONTENDED || result === COMPACT_PARTIAL_SKIPPED) ret = checkPriority();
  else if (st.retries <= maxRetries) ret = true;
  else ret = checkPriority();
  // trace_compact_retry (include/trace/events/oom.h): max_retries is the costly-adjusted value only on the path that computed it
  rs.trace?.emit('compact_retry', order, prio, result, retries, result === COMPACT_COMPLETE || result === COMPACT_SKIPPED || result === COMPACT_DEFERRED || result === COMPACT_CONTENDED || result === COMPACT_PARTIAL_SKIPPED ? MAX_COMPACT_RETRIES : maxRetries, ret ? 1 : 0);
  return ret;
}

/** __alloc_pages_direct_compact: compact, then try the free lists; counts compact_stall/success/fail. */
function directCompact(rs: RunState, ac: AllocContext, allocFlags: number, prio: number, out: { result: number }): number {
  if (!ac.order) {
    out.result = COMPACT_SKIPPED;
    return -1;
  }
  out.result = tryToCompactPages(rs, ac, allocFlags, prio);
  // 6.1 returns here when every zone was skipped; 5.10 counts the stall and tries the lists anyway
  if (out.result === COMPACT_SKIPPED && !rs.rules.compaction.stallWhenSkipped) return -1;
  rs.vm.count('compact_stall');
  const pfn = getPageFromFreelist(rs, ac, allocFlags);
  if (pfn >= 0) {
    directCompactSucceeded(rs, pfn, ac.order);
    rs.vm.count('compact_success');
    return pfn;
  }
  rs.vm.count('compact_fail');
  return -1;
}

/** __alloc_pages_direct_reclaim: try_to_free_pages, then the free lists; once more after unreserving highatomic and draining pcp. */
function directReclaim(rs: RunState, ac: AllocContext, allocFlags: number, progress: { pages: number }): number {
  progress.pages = rs.reclaimOff ? 0 : tryToFreePages(rs, ac);
  if (!progress.pages) return -1;
  let pfn = getPageFromFreelist(rs, ac, allocFlags);
  if (pfn < 0) {
    unreserveHighatomicPageblock(rs, ac.zonelist, ac.highestZoneidx, ac.migratetype, false);
    drainAllPages(rs);
    pfn = getPageFromFreelist(rs, ac, allocFlags);
  }
  return pfn;
}

/** __alloc_pages_may_oom: one more try at the high watermark, then out_of_memory where it may help. */
function mayOom(rs: RunState, ac: AllocContext, progress: { pages: number }): number {
  progress.pages = 0;
  const gfp = ac.gfp;
  const saved = ac.gfp;
  ac.gfp = (gfp | __GFP_HARDWALL) & ~__GFP_DIRECT_RECLAIM;
  const pfn = getPageFromFreelist(rs, ac, ALLOC_WMARK_HIGH | ALLOC_CPUSET);
  ac.gfp = saved;
  if (pfn >= 0) return pfn;
  if (ac.order > PAGE_ALLOC_COSTLY_ORDER) return -1;
  if (gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE)) return -1;
  if (ac.highestZoneidx < rs.normalIdx) return -1;
  // out_of_memory (a request without __GFP_FS counts as progress without killing)
  if (outOfMemory(rs, ac) || gfp & __GFP_NOFAIL) {
    progress.pages = 1;
    if (gfp & __GFP_NOFAIL) return getPageFromFreelist(rs, ac, ALLOC_NO_WATERMARKS);
  }
  return -1;
}

/** __alloc_pages_slowpath. Returns the pfn, or −1 after warn_alloc recorded the failure. */
export function allocPagesSlowpath(rs: RunState, ac: AllocContext): number {
  let gfp = ac.gfp;
  if ((gfp & (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) === (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) gfp &= ~__GFP_ATOMIC;
  ac.gfp = gfp;
  const canDirectReclaim = (gfp & __GFP_DIRECT_RECLAIM) !== 0;
  const costly = ac.order > PAGE_ALLOC_COSTLY_ORDER;
  const compact = { prio: COMPACT_PRIO_SYNC_LIGHT, retries: 0 };
  const loops = { noProgress: 0 };
  const cres = { result: COMPACT_SKIPPED };
  const progress = { pages: 0 };
  let nofailRetries = 0;
  let oomStalls = 0;
  let allocFlags = gfpToAllocFlags(gfp, ac.order, rs.rules.allocFlags, rs.rules.cmaConfigured, ac.noCma);
  if (ac.preferred < 0) return fail(rs, ac, allocFlags);
  if (allocFlags & ALLOC_KSWAPD) wakeAllKswapds(rs, ac, gfp);
  let pfn = getPageFromFreelist(rs, ac, allocFlags);
  if (pfn >= 0) return pfn;
  if (canDirectReclaim && (costly || (ac.order > 0 && ac.migratetype !== MIGRATE_MOVABLE)) && !gfpPfmemallocFlags(rs, ac, gfp)) {
    pfn = directCompact(rs, ac, allocFlags, COMPACT_PRIO_ASYNC, cres);
    if (pfn >= 0) return pfn;
    if (costly && gfp & __GFP_NORETRY) {
      if (cres.result === COMPACT_SKIPPED || cres.result === COMPACT_DEFERRED) return fail(rs, ac, allocFlags);
      compact.prio = COMPACT_PRIO_ASYNC;
    }
  }
  for (;;) {
    if (allocFlags & ALLOC_KSWAPD) wakeAllKswapds(rs, ac, gfp);
    const reserve = gfpPfmemallocFlags(rs, ac, gfp);
    if (reserve) allocFlags = gfpToAllocFlagsCma(gfp, reserve, rs.rules.cmaConfigured, ac.noCma) | (allocFlags & ALLOC_KSWAPD);
    pfn = getPageFromFreelist(rs, ac, allocFlags);
    if (pfn >= 0) return pfn;
    if (!canDirectReclaim) break;
    pfn = directReclaim(rs, ac, allocFlags, progress);
    if (pfn >= 0) return pfn;
    pfn = directCompact(rs, ac, allocFlags, compact.prio, cres);
    if (pfn >= 0) return pfn;
    if (gfp & __GFP_NORETRY) break;
    if (costly && !(gfp & __GFP_RETRY_MAYFAIL)) break;
    if (shouldReclaimRetry(rs, ac, allocFlags, progress.pages > 0, loops)) continue;
    if (progress.pages > 0 && shouldCompactRetry(rs, ac, allocFlags, cres.result, compact)) continue;
    const killsBefore = rs.vm.get('oom_kill');
    pfn = mayOom(rs, ac, progress);
    if (pfn >= 0) return pfn;
    if (ac.owner && rs.tasks.list[ac.owner]?.killed && (allocFlags & ALLOC_OOM || gfp & __GFP_NOMEMALLOC)) break;
    if (progress.pages) {
      if (rs.vm.get('oom_kill') === killsBefore && ++oomStalls > OOM_MODEL_STALLS) break;
      loops.noProgress = 0;
      continue;
    }
    break;
  }
  if (gfp & __GFP_NOFAIL && canDirectReclaim && nofailRetries < NOFAIL_MODEL_RETRIES) {
    // __alloc_pages_cpuset_fallback with ALLOC_HARDER (6.1: ALLOC_MIN_RESERVE), then retry: the kernel loops until it gets a page
    for (; nofailRetries < NOFAIL_MODEL_RETRIES; nofailRetries++) {
      pfn = getPageFromFreelist(rs, ac, rs.rules.allocFlags === 'harder' ? ALLOC_HARDER : ALLOC_MIN_RESERVE);
      if (pfn >= 0) return pfn;
      if ((rs.reclaimOff ? 0 : tryToFreePages(rs, ac)) === 0 && !outOfMemory(rs, ac)) break;
    }
  }
  return fail(rs, ac, allocFlags);
}

function fail(rs: RunState, ac: AllocContext, allocFlags: number): number {
  warnAlloc(rs, ac, allocFlags);
  return -1;
}
