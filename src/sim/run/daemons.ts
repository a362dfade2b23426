/**
 * The kernel threads' turn: the simulation gives kswapd and kcompactd time between operations
 * (a RunningMachine after each top-level operation, a workload after each step). runDaemons runs
 * every awake kswapd's balance_pgdat to completion, then each node's kcompactd for one turn of its
 * loop (compaction/kcompactd.ts: pending work if it was woken, else one 500 ms wait interval,
 * with the proactive-compaction check when the wait times out).
 *
 * TODO(vmscan): kswapd (balance_pgdat) is the reclaim module's; until it is merged an awake kswapd
 * stays awake (nothing reclaims), and only kcompactd runs here.
 */
import { kcompactdRun } from '../compaction/kcompactd';
import type { RunState } from './run-state';

/** One turn of the memory-management daemons of every node (kswapd first, then kcompactd). */
export function runDaemons(rs: RunState): void {
  for (let ni = 0; ni < rs.nodes.length; ni++) kcompactdRun(rs, ni);
}
