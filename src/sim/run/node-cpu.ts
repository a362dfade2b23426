/**
 * The CPU a node's kernel threads (kswapd, kcompactd) run on. The kernel binds them to the node's
 * cpumask (kthread_bind_mask / set_cpus_allowed_ptr in kswapd_run and kcompactd_run); the model
 * runs them on the node's first CPU, or CPU 0 for a node without CPUs.
 */
import type { RunState } from './run-state';

export function nodeKthreadCpu(rs: RunState, ni: number): number {
  const nid = rs.nodeIds[ni]!;
  const per = rs.tunables.cpusPerNode;
  if (!per[nid]) return 0;
  let cpu = 0;
  for (let k = 0; k < nid; k++) cpu += per[k] ?? 0;
  return Math.min(cpu, rs.cpus - 1);
}
