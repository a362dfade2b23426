/**
 * The workload's timed events: drop_caches, compact_memory, drain, sysctl writes, nr_hugepages,
 * cma_alloc / cma_release, freeing (part of) a stream, and the fill helper. Each returns a plain
 * record of what it did.
 */
import { compactNodes } from '../compaction/nodes';
import { MmError } from '../errors';
import { drainAllPages } from '../page_alloc/pcp';
import type { RunState } from '../run/run-state';
import type { WorkloadEngine } from './engine';
import { plain } from './plain';
import type { EventPlan, FillPlan } from './spec';
import { WORKLOAD_LIMITS } from './spec';
import { allocOne, makeAllocator, type Allocator } from './streams';

type Rec = Record<string, unknown>;

/** Free pages plus pages on the per-cpu lists, over every zone. */
export function totalFree(rs: RunState): number {
  let n = 0;
  for (let zi = 0; zi < rs.zones; zi++) n += rs.buddy.z.free[zi]!;
  for (let j = 0; j < rs.pcp.count.length; j++) n += rs.pcp.count[j]!;
  return n;
}

function zonePcp(rs: RunState, zi: number): number {
  let n = 0;
  for (let c = 0; c < rs.cpus; c++) n += rs.pcp.count[zi * rs.cpus + c]!;
  return n;
}

/**
 * The fill's zones: those of the allocating node that its GFP mask may use (zone index up to
 * gfp_zone). Used memory = Σ (managed − free − pages on the per-cpu lists) over them.
 */
export function fillZones(rs: RunState, nid: number, gfp: number): number[] {
  const ni = rs.nodeIndex(nid);
  const highest = rs.gfpZoneTable[gfp & 0xf]!;
  const out: number[] = [];
  for (let idx = 0; idx <= highest; idx++) {
    const zi = rs.nodeZone[ni * rs.nz + idx]!;
    if (zi >= 0 && rs.buddy.z.managed[zi]! > 0) out.push(zi);
  }
  return out;
}

export function usedPages(rs: RunState, zones: readonly number[]): number {
  let used = 0;
  for (const zi of zones) used += rs.buddy.z.managed[zi]! - rs.buddy.z.free[zi]! - zonePcp(rs, zi);
  return used;
}

function fillAllocator(eng: WorkloadEngine, e: FillPlan, k: number): Allocator {
  if (e.stream !== null) return eng.streams.find((s) => s.name === e.stream)!;
  const pool = eng.pools.add(e.as);
  const a = makeAllocator(pool, eng.plan.seed, WORKLOAD_LIMITS.streams + k, {
    name: e.as, gfpMask: e.gfpMask, kind: e.kind, orders: [[e.order, 1]], node: e.node ?? eng.rs.nodeIds[0]!, cpu: e.cpu, task: 0, pin: false, lifetime: { type: 'event' },
  });
  eng.allocators.push(a);
  return a;
}

/**
 * Allocate until the used memory of the fill's zones reaches `percent` of their managed pages
 * (or an allocation fails), then free every k-th block the fill allocated, in allocation order.
 */
function fill(eng: WorkloadEngine, e: FillPlan, k: number, step: number): Rec {
  const rs = eng.rs;
  const a = fillAllocator(eng, e, k);
  const zones = fillZones(rs, a.nid, a.gfp);
  const inScope = new Uint8Array(rs.zones);
  for (const zi of zones) inScope[zi] = 1;
  let managed = 0;
  for (const zi of zones) managed += rs.buddy.z.managed[zi]!;
  const p = a.pool;
  p.pinned = true;
  const from = p.len;
  const before = usedPages(rs, zones);
  let used = before;
  let blocks = 0;
  let pages = 0;
  let failed = false;
  let sinceExact = 0;
  // the estimate adds each block that lands in the fill's zones; it is checked exactly every 1024 blocks and before stopping
  while (used * 100 < e.percent * managed) {
    const order = allocOne(rs, eng.pools, a, step);
    if (order < 0) {
      failed = true;
      break;
    }
    blocks++;
    pages += 1 << order;
    if (inScope[rs.buddy.zoneIndexOf(p.ring[p.len - 1]!)]) used += 1 << order;
    if (++sinceExact === 1024 || used * 100 >= e.percent * managed) {
      used = usedPages(rs, zones);
      sinceExact = 0;
    }
  }
  eng.allocations += blocks;
  const afterFill = usedPages(rs, zones);
  const freedPages = e.freeEvery !== null ? eng.pools.freeEvery(p, e.freeEvery, Infinity, from, p.len) : 0;
  p.pinned = false;
  return {
    pool: p.name, zones: zones.map((zi) => `${rs.zoneNid[zi]}:${rs.names[rs.zoneIdx[zi]!]}`), managed,
    usedBefore: before, usedAfterFill: afterFill, usedAfter: usedPages(rs, zones),
    blocks, pages, reached: !failed, freedPages,
  };
}

function cmaArea(eng: WorkloadEngine, area: number | string): { idx: number; api: WorkloadEngine['run']['cma'][number] } {
  const areas = eng.run.cma;
  const idx = typeof area === 'number' ? area : areas.findIndex((a) => a.name === area);
  return { idx, api: areas[idx]! };
}

function cmaAlloc(eng: WorkloadEngine, e: Extract<EventPlan, { op: 'cma_alloc' }>): Rec {
  const { idx, api } = cmaArea(eng, e.area);
  const r = (plain(api.alloc(e.count, e.align)) ?? {}) as Rec;
  if (e.as !== null && r.ok === true && typeof r.pfn === 'number') eng.cmaRefs.set(e.as, { area: idx, pfn: r.pfn, count: e.count });
  return { area: api.name, count: e.count, align: e.align, ...r };
}

function cmaRelease(eng: WorkloadEngine, e: Extract<EventPlan, { op: 'cma_release' }>): Rec {
  const areas = eng.run.cma;
  let target: { area: number; pfn: number; count: number } | undefined;
  if (e.ref !== null) {
    target = eng.cmaRefs.get(e.ref);
    if (!target) return { ref: e.ref, released: false, reason: `the cma_alloc labelled "${e.ref}" did not succeed` };
    eng.cmaRefs.delete(e.ref);
  } else {
    const pfn = e.pfn!;
    const area = areas.findIndex((a) => pfn >= a.basePfn && pfn < a.basePfn + a.count);
    target = { area: Math.max(0, area), pfn, count: e.count! };
  }
  const r = plain(areas[target.area]!.release(target.pfn, target.count));
  return { ref: e.ref, area: areas[target.area]!.name, pfn: target.pfn, count: target.count, released: r ?? true };
}

function dropCaches(eng: WorkloadEngine, e: Extract<EventPlan, { op: 'drop_caches' }>): Rec {
  const before = totalFree(eng.rs);
  eng.run.run([{ op: 'drop_caches', value: e.value }]);
  return { value: e.value, freedPages: totalFree(eng.rs) - before };
}

/** Run event k (step `step`); returns what it did. */
export function runEvent(eng: WorkloadEngine, e: EventPlan, k: number, step: number): Rec {
  const rs = eng.rs;
  switch (e.op) {
    case 'fill':
      return fill(eng, e, k, step);
    case 'free': {
      const p = eng.pools.byName(e.stream)!;
      const before = p.liveBlocks;
      const freedPages = eng.pools.freeEvery(p, e.every, e.count ?? Infinity);
      return { stream: e.stream, blocks: before - p.liveBlocks, freedPages };
    }
    case 'sysctl':
      try {
        rs.sysctl(e.name, e.value);
      } catch (err) {
        if (err instanceof MmError) throw new MmError(err.code, `events[${k}] (sysctl ${e.name} at step ${e.at}): ${err.message}`);
        throw err;
      }
      return { name: e.name, value: e.value };
    case 'compact_memory': {
      // what moved: the totals, per zone, and each zone's pageblock map before and after
      const before = eng.pageblocks();
      const r = plain(compactNodes(rs)) as Rec;
      return { ...r, pageblocks: { before, after: eng.pageblocks() } };
    }
    case 'drain':
      drainAllPages(rs);
      return {};
    case 'drop_caches':
      return dropCaches(eng, e);
    case 'nr_hugepages':
      return { sizeKb: e.sizeKb, requested: e.value, obtained: eng.run.hugetlb.setNrHugepages(e.sizeKb, e.value) };
    case 'cma_alloc':
      return cmaAlloc(eng, e);
    case 'cma_release':
      return cmaRelease(eng, e);
  }
}
