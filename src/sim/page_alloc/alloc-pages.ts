/**
 * The allocation entry point and its fast path (mm/page_alloc.c): __alloc_pages (5.10
 * __alloc_pages_nodemask) with prepare_alloc_pages and alloc_flags_nofragment, and
 * get_page_from_freelist. The slow path is slowpath.ts. Everything here works on numbers and typed
 * arrays; a successful allocation allocates no object.
 */
import { ALLOC_HARDER, ALLOC_HIGHATOMIC, ALLOC_NOFRAGMENT, ALLOC_NO_WATERMARKS, ALLOC_WMARK_LOW, ALLOC_WMARK_MASK, gfpToAllocFlagsCma } from './alloc-flags';
import { __GFP_KSWAPD_RECLAIM, __GFP_MOVABLE, __GFP_THISNODE, gfpMigratetype } from './gfp';
import { reserveHighatomicPageblock } from './fallback';
import { rmqueue } from './rmqueue';
import { zoneWatermarkFast } from './watermark';
import { allocPagesSlowpath } from './slowpath';
import { NR_WMARK, type RunState } from '../run/run-state';
import { trackPage } from '../run/page-accounting';

/** A request as prepare_alloc_pages sets it up: GFP mask, order, the zonelist to walk and the migratetype. */
export interface AllocRequest {
  gfp: number;
  order: number;
  zonelist: Int32Array;
  /** index into zonelist of the preferred zoneref (the first zone ≤ highest_zoneidx), −1 when none */
  preferred: number;
  highestZoneidx: number;
  migratetype: number;
}

/** The allocation context (struct alloc_context) of the request being served; reused, never reallocated. */
export interface AllocContext extends AllocRequest {
  /** the requester's CPU (per-cpu lists) */
  cpu: number;
  /** the model's accounting of the block: kind, owner task, pinned */
  kind: number;
  owner: number;
  pinned: boolean;
  /** PF_MEMALLOC_NOCMA (5.10) for pinning callers */
  noCma: boolean;
  /**
   * The (GFP mask, node) whose prepare_alloc_pages results (zonelist, preferred, highestZoneidx,
   * migratetype) ac holds, with the first attempt's alloc flags: a repeated request (no pinning)
   * skips recomputing them. memoGfp −1: none. Only allocPages writes these fields.
   */
  memoGfp: number;
  memoNid: number;
  memoFlags: number;
}

/** Request flags of allocPages beyond the GFP mask. */
export const REQ_PIN = 0x1;

/** Fill ac for a request (prepare_alloc_pages). Returns false for an impossible zone combination. */
export function prepareAllocPages(rs: RunState, ac: AllocContext, gfp: number, order: number, nid: number): boolean {
  const hz = rs.gfpZoneTable[gfp & 0xf];
  if (hz < 0) return false;
  ac.gfp = gfp;
  ac.order = order;
  ac.highestZoneidx = hz;
  const lists = gfp & __GFP_THISNODE ? rs.zlThisnode : rs.zlFallback;
  ac.zonelist = lists[nid] ?? lists[rs.nodeIds[0]!]!;
  ac.migratetype = rs.mobilityDisabled ? 0 : gfpMigratetype(gfp);
  ac.preferred = -1;
  for (let k = 0; k < ac.zonelist.length; k++) {
    if (rs.zoneIdx[ac.zonelist[k]!] <= hz) {
      ac.preferred = k;
      break;
    }
  }
  return true;
}

/**
 * alloc_flags_nofragment: ALLOC_KSWAPD from the GFP mask, and ALLOC_NOFRAGMENT when the preferred
 * zone is ZONE_NORMAL on a kernel with ZONE_DMA32 (not with several nodes and an empty DMA32).
 */
function allocFlagsNofragment(rs: RunState, zi: number, gfp: number): number {
  let f = gfp & __GFP_KSWAPD_RECLAIM;
  if (zi < 0 || rs.dma32Idx < 0) return f;
  if (rs.zoneIdx[zi] !== rs.normalIdx) return f;
  if (rs.nodeIds.length > 1) {
    const dma32 = rs.nodeZone[rs.zoneNode[zi] * rs.nz + rs.dma32Idx];
    if (dma32 < 0 || rs.zonePresent[dma32] === 0) return f;
  }
  return f | ALLOC_NOFRAGMENT;
}

/**
 * get_page_from_freelist: the first zone of the zonelist (≤ highest_zoneidx) that passes the
 * watermark check and has the pages. ALLOC_NOFRAGMENT is dropped, and the scan restarted, at the
 * first remote zone or when no zone served. Returns the block's pfn or −1.
 */
export function getPageFromFreelist(rs: RunState, ac: AllocContext, allocFlags: number): number {
  const b = rs.buddy;
  const order = ac.order;
  for (;;) {
    const noFallback = (allocFlags & ALLOC_NOFRAGMENT) !== 0;
    const zl = ac.zonelist;
    const prefNid = ac.preferred >= 0 ? rs.zoneNid[zl[ac.preferred]!] : -1;
    let restart = false;
    for (let k = ac.preferred < 0 ? zl.length : ac.preferred; k < zl.length; k++) {
      const zi = zl[k]!;
      if (rs.zoneIdx[zi] > ac.highestZoneidx) continue;
      if (noFallback && rs.nodeIds.length > 1 && k !== ac.preferred && rs.zoneNid[zi] !== prefNid) {
        allocFlags &= ~ALLOC_NOFRAGMENT;
        restart = true;
        break;
      }
      const mark = rs.wmark[zi * NR_WMARK + (allocFlags & ALLOC_WMARK_MASK)] + rs.boost[zi];
      if (!(allocFlags & ALLOC_NO_WATERMARKS) && !zoneWatermarkFast(rs, zi, order, mark, ac.highestZoneidx, allocFlags, ac.gfp)) continue;
      const i = rmqueue(rs, zi, ac.cpu, order, ac.migratetype, allocFlags);
      if (i < 0) continue;
      rs.vm.v[rs.vm.pgallocBase + rs.zoneIdx[zi]] += 1 << order;
      trackPage(rs, zi, i, order, ac.kind, ac.owner, ac.pinned);
      const pfn = i + b.basePfn;
      // reserve_highatomic_pageblock: 5.10 after order > 0 ALLOC_HARDER allocations, 6.1 after ALLOC_HIGHATOMIC ones
      if (rs.hotReserves ? allocFlags & ALLOC_HIGHATOMIC : order && allocFlags & ALLOC_HARDER) reserveHighatomicPageblock(rs, zi, pfn);
      return pfn;
    }
    if (restart) continue;
    if (noFallback) {
      allocFlags &= ~ALLOC_NOFRAGMENT;
      continue;
    }
    return -1;
  }
}

/**
 * __alloc_pages: order ≥ MAX_ORDER fails at once; the first attempt at the low watermark with
 * ALLOC_NOFRAGMENT where it applies; then the slow path. Emits mm_page_alloc (pfn −1 on failure).
 * `pin`: the caller pins the pages (FOLL_LONGTERM): 6.1 drops __GFP_MOVABLE (PF_MEMALLOC_PIN),
 * 5.10 keeps the type but takes no CMA (PF_MEMALLOC_NOCMA).
 */
export function allocPages(rs: RunState, gfp: number, order: number, nid: number, cpu: number, kind: number, owner: number, reqFlags: number): number {
  const ac = rs.ac;
  if (order >= rs.buddy.maxOrder) return -1;
  let allocFlags: number;
  if (reqFlags === 0 && gfp === ac.memoGfp && nid === ac.memoNid) {
    // the same request as the last one: prepare_alloc_pages' results are still in ac
    ac.gfp = gfp;
    ac.order = order;
    ac.noCma = false;
    ac.pinned = false;
    allocFlags = ac.memoFlags;
  } else {
    const pin = (reqFlags & REQ_PIN) !== 0;
    if (pin && rs.rules.pinNoCma === 'PF_MEMALLOC_PIN') gfp &= ~__GFP_MOVABLE;
    ac.noCma = pin && rs.rules.pinNoCma === 'PF_MEMALLOC_NOCMA';
    ac.memoGfp = -1;
    if (!prepareAllocPages(rs, ac, gfp, order, nid)) return -1;
    ac.pinned = pin;
    allocFlags = gfpToAllocFlagsCma(gfp, ALLOC_WMARK_LOW, rs.hotCma, ac.noCma);
    allocFlags |= allocFlagsNofragment(rs, ac.preferred >= 0 ? ac.zonelist[ac.preferred]! : -1, gfp);
    if (reqFlags === 0) {
      ac.memoGfp = gfp;
      ac.memoNid = nid;
      ac.memoFlags = allocFlags;
    }
  }
  ac.cpu = cpu;
  ac.kind = kind;
  ac.owner = owner;
  let pfn = ac.preferred >= 0 ? getPageFromFreelist(rs, ac, allocFlags) : -1;
  if (pfn < 0) pfn = allocPagesSlowpath(rs, ac);
  rs.trace?.emit('mm_page_alloc', pfn, order, gfp, ac.migratetype, 0);
  return pfn;
}

