/**
 * The allocator's internal flags (mm/internal.h ALLOC_*) and how a GFP mask becomes them:
 * gfp_to_alloc_flags and gfp_to_alloc_flags_cma (5.10 current_alloc_flags) (mm/page_alloc.c).
 * 5.10 has ALLOC_HARDER (0x10) and ALLOC_HIGH (0x20); the 6.1 profile (6.1.176, with the 6.3
 * rework backported) names the same bits ALLOC_NON_BLOCK and ALLOC_MIN_RESERVE and adds
 * ALLOC_HIGHATOMIC (0x200); rules.allocFlags says which scheme applies.
 */
import { __GFP_ATOMIC, __GFP_DIRECT_RECLAIM, __GFP_HIGH, __GFP_KSWAPD_RECLAIM, __GFP_NOMEMALLOC, gfpMigratetype } from './gfp';
import { MIGRATE_MOVABLE } from '../types';

export const ALLOC_WMARK_MIN = 0x00;
export const ALLOC_WMARK_LOW = 0x01;
export const ALLOC_WMARK_HIGH = 0x02;
export const ALLOC_WMARK_MASK = 0x03;
export const ALLOC_NO_WATERMARKS = 0x04;
export const ALLOC_OOM = 0x08;
export const ALLOC_HARDER = 0x10;
export const ALLOC_HIGH = 0x20;
export const ALLOC_CPUSET = 0x40;
export const ALLOC_CMA = 0x80;
export const ALLOC_NOFRAGMENT = 0x100;
export const ALLOC_KSWAPD = 0x800;
/** 6.1 profile: the 5.10 bits under their new names, and ALLOC_HIGHATOMIC */
export const ALLOC_NON_BLOCK = ALLOC_HARDER;
export const ALLOC_MIN_RESERVE = ALLOC_HIGH;
export const ALLOC_HIGHATOMIC = 0x200;
/** ALLOC_RESERVES: the flags that may go below the min watermark */
export const ALLOC_RESERVES = ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM;

/** ALLOC_WMARK_* | ALLOC_* as text under the scheme's names, e.g. "ALLOC_WMARK_MIN|ALLOC_HIGH|ALLOC_HARDER|ALLOC_KSWAPD". */
export function formatAllocFlags(f: number, scheme: 'harder' | 'reserves' = 'harder'): string {
  const names: ReadonlyArray<readonly [string, number]> = [
    ['ALLOC_NO_WATERMARKS', ALLOC_NO_WATERMARKS], ['ALLOC_OOM', ALLOC_OOM],
    [scheme === 'harder' ? 'ALLOC_HARDER' : 'ALLOC_NON_BLOCK', ALLOC_HARDER],
    [scheme === 'harder' ? 'ALLOC_HIGH' : 'ALLOC_MIN_RESERVE', ALLOC_HIGH],
    ['ALLOC_CPUSET', ALLOC_CPUSET], ['ALLOC_CMA', ALLOC_CMA], ['ALLOC_NOFRAGMENT', ALLOC_NOFRAGMENT],
    ...(scheme === 'reserves' ? [['ALLOC_HIGHATOMIC', ALLOC_HIGHATOMIC] as const] : []), ['ALLOC_KSWAPD', ALLOC_KSWAPD],
  ];
  const w = ['ALLOC_WMARK_MIN', 'ALLOC_WMARK_LOW', 'ALLOC_WMARK_HIGH', 'ALLOC_WMARK_MASK'][f & ALLOC_WMARK_MASK]!;
  return [w, ...names.filter(([, m]) => f & m).map(([n]) => n)].join('|');
}

/**
 * gfp_to_alloc_flags_cma (6.1) / current_alloc_flags (5.10): ALLOC_CMA for Movable requests, unless
 * the caller pins (5.10 PF_MEMALLOC_NOCMA; in 6.1 PF_MEMALLOC_PIN already cleared __GFP_MOVABLE).
 */
export function gfpToAllocFlagsCma(gfp: number, allocFlags: number, cmaConfigured: boolean, noCma: boolean): number {
  if (cmaConfigured && !noCma && gfpMigratetype(gfp) === MIGRATE_MOVABLE) return allocFlags | ALLOC_CMA;
  return allocFlags;
}

/**
 * gfp_to_alloc_flags (mm/page_alloc.c): the slow path's flags. The model has no real-time tasks.
 * 'harder': __GFP_ATOMIC gives ALLOC_HARDER (unless __GFP_NOMEMALLOC) and drops ALLOC_CPUSET.
 * 'reserves': a request that cannot reclaim directly gets ALLOC_NON_BLOCK (unless
 * __GFP_NOMEMALLOC), and ALLOC_HIGHATOMIC when order > 0 and __GFP_HIGH; __GFP_HIGH without
 * direct reclaim drops ALLOC_CPUSET.
 */
export function gfpToAllocFlags(gfp: number, order: number, scheme: 'harder' | 'reserves', cmaConfigured: boolean, noCma: boolean): number {
  let f = ALLOC_WMARK_MIN | ALLOC_CPUSET;
  f |= gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
  if (scheme === 'harder') {
    if (gfp & __GFP_ATOMIC) {
      if (!(gfp & __GFP_NOMEMALLOC)) f |= ALLOC_HARDER;
      f &= ~ALLOC_CPUSET;
    }
  } else if (!(gfp & __GFP_DIRECT_RECLAIM)) {
    if (!(gfp & __GFP_NOMEMALLOC)) {
      f |= ALLOC_NON_BLOCK;
      if (order > 0 && f & ALLOC_MIN_RESERVE) f |= ALLOC_HIGHATOMIC;
    }
    if (f & ALLOC_MIN_RESERVE) f &= ~ALLOC_CPUSET;
  }
  return gfpToAllocFlagsCma(gfp, f, cmaConfigured, noCma);
}

/** The flags that let __zone_watermark_unusable_free count the highatomic reserve: ALLOC_HARDER|ALLOC_OOM, or ALLOC_RESERVES. */
export function highatomicUsableMask(scheme: 'harder' | 'reserves'): number {
  return scheme === 'harder' ? ALLOC_HARDER | ALLOC_OOM : ALLOC_RESERVES;
}

/** May this request take pages from the HighAtomic lists (HARDER or OOM; 6.1: HIGHATOMIC or OOM)? */
export function mayUseHighatomic(allocFlags: number, scheme: 'harder' | 'reserves'): boolean {
  return (allocFlags & (scheme === 'harder' ? ALLOC_HARDER | ALLOC_OOM : ALLOC_HIGHATOMIC | ALLOC_OOM)) !== 0;
}
