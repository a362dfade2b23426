/**
 * The checks of a workload plan that need the machine (WORKLOAD_SPEC naming the field): nodes with
 * memory, CPUs, MAX_ORDER, zones the GFP mask can use, the CMA areas and huge page sizes events
 * name. Makes the streams' run-time state.
 */
import { MmError } from '../errors';
import type { RunningMachine } from '../run/running-machine';
import type { PagePools } from './pools';
import type { EventPlan, WorkloadPlan } from './spec';
import { makeAllocator, type StreamState } from './streams';
import { specError } from './validate';

function checkOrder(run: RunningMachine, order: number, path: string): void {
  const max = run.rs.buddy.maxOrder;
  if (order >= max) throw specError(path, `must be below MAX_ORDER (${max} on this profile)`, order);
}

export function checkNode(run: RunningMachine, nid: number | null, path: string): number {
  const rs = run.rs;
  if (nid === null) return rs.nodeIds[0]!;
  if (rs.nodeIndex(nid) < 0) throw specError(path, `names no node with memory; nodes: ${rs.nodeIds.join(', ')}`, nid);
  return nid;
}

export function checkCpu(run: RunningMachine, cpu: number | 'spread', path: string): void {
  if (cpu !== 'spread' && cpu >= run.rs.cpus) throw specError(path, `must be a CPU of this machine (0..${run.rs.cpus - 1})`, cpu);
}

function checkGfpZone(run: RunningMachine, gfp: number, path: string): void {
  if (run.rs.gfpZoneTable[gfp & 0xf]! < 0) throw specError(path, 'asks for an impossible zone combination (several of __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM)', `0x${gfp.toString(16)}`);
}

/** A task per distinct task name (OOM accounting), shared by the streams that name it. */
function taskIds(run: RunningMachine, plan: WorkloadPlan): number[] {
  const byComm = new Map<string, number>();
  return plan.streams.map((s) => {
    if (!s.task) return 0;
    let id = byComm.get(s.task.comm);
    if (id === undefined) byComm.set(s.task.comm, (id = run.task(s.task.comm, s.task.oomScoreAdj)));
    return id;
  });
}

/** Check the plan against the machine and make the streams' state (pool k = stream k). */
export function bindStreams(run: RunningMachine, plan: WorkloadPlan, pools: PagePools): StreamState[] {
  const tasks = taskIds(run, plan);
  return plan.streams.map((s, k) => {
    const path = `streams[${k}]`;
    s.orders.forEach(([o]) => checkOrder(run, o, `${path}.order`));
    const nid = checkNode(run, s.node, `${path}.node`);
    checkCpu(run, s.cpu, `${path}.cpu`);
    checkGfpZone(run, s.gfpMask, `${path}.gfp`);
    const pool = pools.add(s.name);
    const a = makeAllocator(pool, plan.seed, k, { ...s, node: nid, task: tasks[k]! });
    return {
      ...a,
      index: k,
      start: s.start,
      end: s.end,
      rate: s.rate ?? 0,
      count: s.count ?? -1,
      poissonArrival: s.arrival === 'poisson',
      killedAt: -1,
    };
  });
}

/** Check each event against the machine and the features it needs. */
export function checkEvents(run: RunningMachine, plan: WorkloadPlan): void {
  plan.events.forEach((e: EventPlan, k) => {
    const path = `events[${k}]`;
    if (e.op === 'fill' && e.stream === null) {
      checkOrder(run, e.order, `${path}.order`);
      checkNode(run, e.node, `${path}.node`);
      checkCpu(run, e.cpu, `${path}.cpu`);
      checkGfpZone(run, e.gfpMask, `${path}.gfp`);
    }
    if (e.op === 'cma_alloc') {
      const names = run.cma.map((a) => a.name);
      const ok = typeof e.area === 'number' ? e.area < names.length : names.includes(e.area);
      if (!ok) throw specError(`${path}.area`, names.length ? `names no CMA area of this machine; areas: ${names.map((n, i) => `${i} (${n})`).join(', ')}` : 'names a CMA area, but this machine has none (boot it with cma=SIZE or a shared-dma-pool)', e.area);
    }
    if (e.op === 'nr_hugepages' && !run.hugetlb.sizesKb.includes(e.sizeKb)) {
      throw specError(`${path}.sizeKb`, `is not a huge page size of this machine; sizes (kB): ${run.hugetlb.sizesKb.join(', ') || 'none'}`, e.sizeKb);
    }
  });
}
