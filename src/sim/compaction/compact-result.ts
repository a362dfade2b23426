/**
 * enum compact_result (include/linux/compaction.h, the same order in 5.10 and 6.1) and the entry
 * point of direct compaction the allocator's slow path calls (the implementation is direct.ts).
 */
export {
  COMPACT_NOT_SUITABLE_ZONE,
  COMPACT_SKIPPED,
  COMPACT_DEFERRED,
  COMPACT_NO_SUITABLE_PAGE,
  COMPACT_CONTINUE,
  COMPACT_COMPLETE,
  COMPACT_PARTIAL_SKIPPED,
  COMPACT_CONTENDED,
  COMPACT_SUCCESS,
  COMPACT_RESULT_NAMES,
} from './constants';
export { tryToCompactPages, directCompactSucceeded } from './direct';
export { compactionZonelistSuitable } from './suitable';
