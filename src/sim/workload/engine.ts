/**
 * The workload engine: drives a running machine through a validated plan, step by step.
 *
 * Time model. A step is one tick of the workload. In step s, in this order:
 *   1. the events with at = s run, in the order the spec lists them;
 *   2. pages whose lifetime ends at s are freed (fixed lifetimes oldest first, then exponential);
 *   3. the streams make their allocations for s, interleaved one at a time across streams;
 *   4. the daemons get their turn (runDaemons: kswapd balances woken nodes, kcompactd runs once);
 *   5. after every sampleEvery-th step, the state is sampled.
 * A page allocated in step s with a fixed lifetime L is freed at the start of step s + L.
 *
 * All randomness comes from per-stream generators seeded from the spec's seed, so a run is a
 * pure function of (machine, spec). The engine uses the allocator's internal entry points; the
 * pages it holds follow migration and learn about frees by others through the RunState hooks.
 */
import { failureFields } from '../page_alloc/warn-alloc';
import { formatGfp, gfpMigratetype } from '../page_alloc/gfp';
import { runDaemons } from '../run/daemons';
import type { RunningMachine } from '../run/running-machine';
import type { RunState } from '../run/run-state';
import { MIGRATETYPE_NAMES } from '../types';
import { checkEvents, bindStreams } from './bind';
import { CmaSampler } from './cma-occupancy';
import { runEvent } from './events';
import { plain } from './plain';
import { pageblockMaps, type PageblockMap } from './pageblocks';
import { PagePools } from './pools';
import type { WorkloadEvent, WorkloadFailure, WorkloadResult } from './result';
import { Sampler } from './sampler';
import type { EventPlan, WorkloadPlan } from './spec';
import { allocationsAt, allocOne, cpuOf, LIFE_FIXED, type Allocator, type StreamState } from './streams';

/** Failures whose explanation the result carries (the rest have their record only). */
export const EXPLAINED = 20;

export class WorkloadEngine {
  readonly rs: RunState;
  readonly pools: PagePools;
  readonly streams: StreamState[];
  /** by pool id: the streams, then the pools of fills */
  readonly allocators: Allocator[];
  readonly sampler: Sampler;
  readonly cma: CmaSampler;
  readonly events: WorkloadEvent[] = [];
  readonly failures: WorkloadFailure[] = [];
  readonly cmaRefs = new Map<string, { area: number; pfn: number; count: number }>();
  /** each zone's pageblock map before the first step */
  readonly pageblocksStart: PageblockMap[];
  /** the next step to run */
  step = 0;
  allocations = 0;
  private readonly eventOrder: Array<[EventPlan, number]>;
  private nextEvent = 0;
  private readonly failBase: number;
  private failSeen: number;
  private readonly want: Int32Array;
  private readonly vmStart: Float64Array;
  private readonly wakesStart: number;
  private readonly prevMigrate: RunState['onMigrate'];
  private readonly prevRelease: RunState['onRelease'];
  private disposed = false;

  constructor(readonly run: RunningMachine, readonly plan: WorkloadPlan) {
    const rs = (this.rs = run.rs);
    checkEvents(run, plan);
    this.pools = new PagePools(rs, plan.streams.some((st) => st.lifetime.type === 'exponential') ? plan.steps : 0);
    this.streams = bindStreams(run, plan, this.pools);
    this.allocators = [...this.streams];
    this.pools.cpuFor = (id) => cpuOf(this.allocators[id]!, rs.cpus);
    this.eventOrder = plan.events.map((e, k): [EventPlan, number] => [e, k]).sort((a, b) => a[0].at - b[0].at || a[1] - b[1]);
    this.want = new Int32Array(this.streams.length);
    const samples = Math.floor(plan.steps / plan.sampleEvery);
    this.sampler = new Sampler(rs, samples, this.pools.pools);
    this.cma = new CmaSampler(run, samples);
    this.failBase = this.failSeen = rs.failures.length;
    this.vmStart = rs.vm.v.slice();
    this.wakesStart = rs.nodes.reduce((s, n) => s + n.kswapdWakes, 0);
    this.prevMigrate = rs.onMigrate;
    this.prevRelease = rs.onRelease;
    const pools = this.pools;
    const prevM = this.prevMigrate;
    const prevR = this.prevRelease;
    rs.onMigrate = prevM ? (o, n) => { pools.migrated(o, n); prevM(o, n); } : (o, n) => pools.migrated(o, n);
    rs.onRelease = prevR ? (p, o) => { pools.released(p, o); prevR(p, o); } : (p, o) => pools.released(p, o);
    this.pageblocksStart = this.pageblocks();
  }

  /** Each zone's pageblock map now; the workload's blocks carry their stream's (or fill's) GFP migratetype, as page_owner would. */
  pageblocks(): PageblockMap[] {
    const grouping = !this.rs.mobilityDisabled;
    const mt = this.allocators.map((a) => gfpMigratetype(a.gfp, grouping));
    return pageblockMaps(this.rs, (pfn) => {
      const id = this.pools.poolOfPfn(pfn);
      return id >= 0 ? mt[id]! : -1;
    });
  }

  get done(): boolean {
    return this.step >= this.plan.steps;
  }

  /** Run up to `maxSteps` more steps. */
  advance(maxSteps: number): void {
    const end = Math.min(this.plan.steps, this.step + maxSteps);
    while (this.step < end) this.runStep(this.step++);
  }

  private runStep(s: number): void {
    const rs = this.rs;
    const order = this.eventOrder;
    while (this.nextEvent < order.length && order[this.nextEvent]![0].at === s) {
      const [e, k] = order[this.nextEvent++]!;
      const result = runEvent(this, e, k, s);
      this.events.push({ step: s, index: k, op: e.op, result });
      this.noteFailures(s, e.op === 'fill' ? (e.stream ?? e.as) : null);
    }
    for (const a of this.allocators) if (a.life === LIFE_FIXED) this.pools.expireFixed(a.pool, s, a.lifeValue);
    this.pools.expireBucket(s);
    this.allocateStep(s);
    this.sampler.noteStep();
    if (this.plan.daemons) {
      runDaemons(rs);
      this.noteFailures(s, null);
    }
    if ((s + 1) % this.plan.sampleEvery === 0 && this.sampler.count < this.sampler.capacity) {
      this.sampler.sample(s, this.allocations, this.streamFailures());
      this.cma.sample(this.sampler.count - 1);
    }
  }

  private allocateStep(s: number): void {
    const rs = this.rs;
    const streams = this.streams;
    const want = this.want;
    let total = 0;
    for (let k = 0; k < streams.length; k++) total += want[k] = allocationsAt(streams[k]!, s);
    while (total > 0) {
      for (let k = 0; k < streams.length; k++) {
        if (want[k] === 0) continue;
        want[k]--;
        total--;
        const st = streams[k]!;
        if (allocOne(rs, this.pools, st, s) < 0) this.noteFailures(s, st.name);
        else this.allocations++;
      }
    }
    for (const st of streams) {
      if (st.task && st.killedAt < 0 && rs.tasks.list[st.task]?.killed) st.killedAt = s;
    }
  }

  /** Attribute the failures recorded since the last call to `stream` at `step`; keep the first maxFailures. */
  noteFailures(step: number, stream: string | null): void {
    const list = this.rs.failures;
    const kernel = this.rs.profile.kernel;
    for (; this.failSeen < list.length; this.failSeen++) {
      if (this.failures.length >= this.plan.maxFailures) continue;
      const f = list[this.failSeen]!;
      const rec: WorkloadFailure = {
        step, stream, order: f.order, gfp: formatGfp(f.gfp, kernel), mask: f.gfp, nid: f.nid,
        record: failureFields(f),
      };
      // an explanation is worked out when read (a few ms each): the first EXPLAINED failures get one
      if (this.failures.length < EXPLAINED) rec.explanation = plain(this.run.explain(this.failSeen));
      this.failures.push(rec);
    }
  }

  private streamFailures(): number {
    let n = 0;
    for (const p of this.pools.pools) n += p.failed;
    return n;
  }

  /** Stop following the machine's pages (restores the RunState hooks). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rs.onMigrate = this.prevMigrate;
    this.rs.onRelease = this.prevRelease;
    this.cma.dispose();
  }

  /** The result (call when done; also ends the engine). */
  result(): WorkloadResult {
    this.dispose();
    const rs = this.rs;
    const s = this.sampler;
    const names = rs.vm.names;
    const end = rs.vm.v;
    const rec = (v: ArrayLike<number>): Record<string, number> => Object.fromEntries(names.map((n, j) => [n, v[j]!]));
    const pools = this.pools.pools;
    const sum = (f: (p: (typeof pools)[number]) => number): number => pools.reduce((t, p) => t + f(p), 0);
    return {
      arch: rs.profile.arch,
      kernel: rs.profile.kernel,
      spec: this.plan,
      orders: rs.buddy.maxOrder,
      migratetypes: [...MIGRATETYPE_NAMES],
      samples: {
        step: s.step, allocations: s.allocations, failures: s.failures,
        zones: s.zones, nodes: s.nodes, cma: this.cma.series, vmstat: s.vmstatSeries(),
      },
      streams: pools.map((p, id) => {
        const a = this.allocators[id]!;
        const st = id < this.streams.length ? this.streams[id]! : null;
        return {
          name: p.name, source: st ? 'stream' : 'fill', kind: this.plan.streams[id]?.kind ?? kindName(this.plan, p.name),
          gfp: formatGfp(a.gfp, rs.profile.kernel), allocated: p.allocated, allocatedPages: p.allocatedPages, failed: p.failed,
          freed: p.freed, freedPages: p.freedPages, reclaimedPages: p.reclaimedPages, livePages: p.livePages,
          live: s.live[id] ?? new Int32Array(s.capacity), killedAt: st && st.killedAt >= 0 ? st.killedAt : null,
        };
      }),
      events: this.events,
      failures: this.failures,
      failureCount: rs.failures.length - this.failBase,
      totals: {
        steps: this.step,
        allocations: this.allocations,
        allocatedPages: sum((p) => p.allocatedPages),
        failed: sum((p) => p.failed),
        frees: sum((p) => p.freed),
        freedPages: sum((p) => p.freedPages),
        reclaimedPages: sum((p) => p.reclaimedPages),
        kswapdWakes: rs.nodes.reduce((t, n) => t + n.kswapdWakes, 0) - this.wakesStart,
        kcompactdWakes: rs.vm.get('compact_daemon_wake') - this.vmStart[names.indexOf('compact_daemon_wake')]!,
      },
      vmstat: { start: rec(this.vmStart), end: rec(end), delta: rec(end.map((v, j) => v - this.vmStart[j]!)) },
      pageblocks: { start: this.pageblocksStart, end: this.pageblocks() },
      final: this.run.view(),
    };
  }
}

function kindName(plan: WorkloadPlan, pool: string): string {
  const fill = plan.events.find((e) => e.op === 'fill' && e.stream === null && e.as === pool);
  return fill && fill.op === 'fill' ? fill.kind : 'kernel';
}
