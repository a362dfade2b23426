/**
 * The OOM killer (mm/oom_kill.c out_of_memory).
 */
import type { AllocContext } from '../page_alloc/alloc-pages';
import type { RunState } from '../run/run-state';

/** out_of_memory: true when a victim was chosen and its memory freed (progress). */
export function outOfMemory(rs: RunState, ac: AllocContext): boolean {
  void rs; void ac;
  return false; // TODO(oom): replaced by the OOM module
}
