/**
 * The simulator's result version. Cached results (src/lib/cache) are keyed by it together with the
 * package version: bump it in any change that makes the same inputs give different results
 * (a workload's trace, a replay's events, a boot's numbers), so no stale result is read back.
 */
export const SIM_VERSION = 4;
