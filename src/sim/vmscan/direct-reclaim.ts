/**
 * Direct reclaim (mm/vmscan.c try_to_free_pages → do_try_to_free_pages → shrink_zones).
 */
import type { AllocContext } from '../page_alloc/alloc-pages';
import type { RunState } from '../run/run-state';

/** try_to_free_pages: returns the pages reclaimed. */
export function tryToFreePages(rs: RunState, ac: AllocContext): number {
  void rs; void ac;
  return 0; // TODO(vmscan): replaced by the reclaim module
}
