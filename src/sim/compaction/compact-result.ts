/**
 * enum compact_result (include/linux/compaction.h, the same order in 5.10 and 6.1) and the entry
 * point of direct compaction the allocator's slow path calls.
 */
import type { AllocContext } from '../page_alloc/alloc-pages';
import type { RunState } from '../run/run-state';

export const COMPACT_NOT_SUITABLE_ZONE = 0;
export const COMPACT_SKIPPED = 1;
export const COMPACT_DEFERRED = 2;
export const COMPACT_NO_SUITABLE_PAGE = 3;
export const COMPACT_CONTINUE = 4;
export const COMPACT_COMPLETE = 5;
export const COMPACT_PARTIAL_SKIPPED = 6;
export const COMPACT_CONTENDED = 7;
export const COMPACT_SUCCESS = 8;

export const COMPACT_RESULT_NAMES = ['not_suitable_zone', 'skipped', 'deferred', 'no_suitable_page', 'continue', 'complete', 'partial_skipped', 'contended', 'success'] as const;

/** try_to_compact_pages (mm/compaction.c): compact every eligible zone of the zonelist for the request. */
export function tryToCompactPages(rs: RunState, ac: AllocContext, allocFlags: number, prio: number): number {
  void rs; void ac; void allocFlags; void prio;
  return COMPACT_SKIPPED; // TODO(compaction): replaced by the compaction module
}
