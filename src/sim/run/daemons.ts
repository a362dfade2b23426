/**
 * The kernel threads of the run-time model get time here. The allocator only records requests on
 * the node (wakeup_kswapd sets kswapdAwake, wakeup_kcompactd records an order); a daemons step runs
 * them. RunningMachine takes one step after each top-level operation (unless started with
 * `{ daemons: 'manual' }`); workloads call runDaemons at their own cadence.
 *
 * One step, in this order:
 * 1. a writeback tick (vmscan/writeback.ts): I/O started before completes, a woken flusher writes;
 * 2. kswapd on every node whose kswapd is awake or napping (vmscan/kswapd.ts kswapdRun), until it
 *    naps or sleeps — a node that cannot be balanced stops once kswapd_failures reaches
 *    MAX_RECLAIM_RETRIES;
 * 3. kcompactd on every node, after kswapd so that the requests kswapd made in this step
 *    (wakeup_kcompactd after balancing) are served in the same step.
 *
 * NODE_DAEMONS is that order for steps 2 and 3.
 */
import { kswapdRun } from '../vmscan/kswapd';
import { kcompactdRun } from '../compaction/kcompactd';
import { nodeKthreadCpu } from './node-cpu';
import { writebackTick } from '../vmscan/writeback';
import type { RunState } from './run-state';

/** A per-node kernel thread: runs node ni's work, if it has any, until the thread would sleep. */
export type NodeDaemon = (rs: RunState, ni: number) => void;

/** kswapd, when woken or napping. */
export function kswapdDaemon(rs: RunState, ni: number): void {
  const n = rs.nodes[ni]!;
  if (n.kswapdAwake || n.kswapdNap) kswapdRun(rs, ni);
}

/** kcompactd: its requested work, or a proactive run, or nothing (compaction/kcompactd.ts). */
export function kcompactdDaemon(rs: RunState, ni: number): void {
  kcompactdRun(rs, ni, nodeKthreadCpu(rs, ni));
}

/** The per-node daemons in the order a step runs them (kcompactd goes after kswapd). */
export const NODE_DAEMONS: readonly NodeDaemon[] = [kswapdDaemon, kcompactdDaemon];

/** One daemons step: a writeback tick, then every per-node daemon on every node. */
export function runDaemons(rs: RunState): void {
  writebackTick(rs);
  for (const daemon of NODE_DAEMONS) {
    for (let ni = 0; ni < rs.nodes.length; ni++) daemon(rs, ni);
  }
}
