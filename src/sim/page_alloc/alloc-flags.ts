/**
 * The allocator's internal flags (mm/internal.h ALLOC_*, the same values in 5.10 and 6.1) and how
 * a GFP mask becomes them: gfp_to_alloc_flags and gfp_to_alloc_flags_cma (5.10
 * current_alloc_flags), alloc_flags_nofragment (mm/page_alloc.c).
 */
import { __GFP_ATOMIC, __GFP_HIGH, __GFP_KSWAPD_RECLAIM, __GFP_NOMEMALLOC, gfpMigratetype } from './gfp';
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

export const ALLOC_FLAG_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['ALLOC_NO_WATERMARKS', ALLOC_NO_WATERMARKS], ['ALLOC_OOM', ALLOC_OOM], ['ALLOC_HARDER', ALLOC_HARDER],
  ['ALLOC_HIGH', ALLOC_HIGH], ['ALLOC_CPUSET', ALLOC_CPUSET], ['ALLOC_CMA', ALLOC_CMA],
  ['ALLOC_NOFRAGMENT', ALLOC_NOFRAGMENT], ['ALLOC_KSWAPD', ALLOC_KSWAPD],
];

/** ALLOC_WMARK_* | ALLOC_* as text, e.g. "ALLOC_WMARK_MIN|ALLOC_HIGH|ALLOC_HARDER|ALLOC_KSWAPD". */
export function formatAllocFlags(f: number): string {
  const w = ['ALLOC_WMARK_MIN', 'ALLOC_WMARK_LOW', 'ALLOC_WMARK_HIGH', 'ALLOC_WMARK_MASK'][f & ALLOC_WMARK_MASK]!;
  return [w, ...ALLOC_FLAG_NAMES.filter(([, m]) => f & m).map(([n]) => n)].join('|');
}

/**
 * gfp_to_alloc_flags_cma (6.1) / current_alloc_flags (5.10): ALLOC_CMA for Movable requests, unless
 * the caller pins (5.10 PF_MEMALLOC_NOCMA; in 6.1 PF_MEMALLOC_PIN already cleared __GFP_MOVABLE).
 */
export function gfpToAllocFlagsCma(gfp: number, allocFlags: number, cmaConfigured: boolean, noCma: boolean): number {
  if (cmaConfigured && !noCma && gfpMigratetype(gfp) === MIGRATE_MOVABLE) return allocFlags | ALLOC_CMA;
  return allocFlags;
}

/** gfp_to_alloc_flags (mm/page_alloc.c): the slow path's flags. The model has no real-time tasks. */
export function gfpToAllocFlags(gfp: number, cmaConfigured: boolean, noCma: boolean): number {
  let f = ALLOC_WMARK_MIN | ALLOC_CPUSET;
  f |= gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
  if (gfp & __GFP_ATOMIC) {
    if (!(gfp & __GFP_NOMEMALLOC)) f |= ALLOC_HARDER;
    f &= ~ALLOC_CPUSET;
  }
  return gfpToAllocFlagsCma(gfp, f, cmaConfigured, noCma);
}
