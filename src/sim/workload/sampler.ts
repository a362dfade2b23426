/**
 * The workload's time series: after every `sampleEvery` steps, per zone the free pages (in total,
 * on the per-cpu lists, in CMA pageblocks), the free lists (blocks per order and migratetype), the
 * watermarks with their boost; per node kswapd's and kcompactd's activity and the pages per kind;
 * per stream its live pages; the vmstat counters' change since the previous sample. Everything is
 * preallocated typed arrays, one entry per sample.
 */
import { KIND_NAMES } from '../run/page-flags';
import { NR_WMARK, WMARK_HIGH, WMARK_LOW, WMARK_MIN, type RunState } from '../run/run-state';
import { MIGRATE_TYPES } from '../types';
import type { Pool } from './pools';

export interface ZoneSeries {
  nid: number;
  zone: string;
  managed: number;
  /** NR_FREE_PAGES (free pages in the buddy; the per-cpu lists are counted apart) */
  free: Int32Array;
  freeCma: Int32Array;
  /** pages on the zone's per-cpu lists, all CPUs */
  pcp: Int32Array;
  /** the watermarks as zoneinfo prints them (boost included), and the boost */
  min: Float64Array;
  low: Float64Array;
  high: Float64Array;
  boost: Float64Array;
  /**
   * the lowest NR_FREE_PAGES and the largest boost of the interval, at the end of each step before
   * the daemons ran and at the sample: kswapd, woken below low (or by a boost), reclaims to high and
   * clears the boost in the same step, so the sampled free and boost show where it left the zone,
   * these where it found it (freeMin ≤ free, boostMax ≥ boost)
   */
  freeMin: Int32Array;
  boostMax: Float64Array;
  /** freeByOrder[order][sample]: free blocks of that order, every migratetype (a buddyinfo column) */
  freeByOrder: Int32Array[];
  /** freeByType[migratetype][sample]: free pages on that migratetype's lists (MIGRATETYPE_NAMES order) */
  freeByType: Int32Array[];
  /** free blocks per sample, order and migratetype (pagetypeinfo): index (sample × orders + order) × types + migratetype */
  freeArea: Int32Array;
}

export interface NodeSeries {
  nid: number;
  /** kswapd was awake (woken and not yet asleep) at the end of some step of the interval, before the daemons ran */
  kswapdAwake: Uint8Array;
  /** how many steps of the interval ended with kswapd awake */
  kswapdAwakeSteps: Int32Array;
  /** kswapd wake-ups so far (mm_vmscan_wakeup_kswapd) */
  kswapdWakes: Int32Array;
  /** how many steps of the interval ended with kcompactd woken */
  kcompactdWakeSteps: Int32Array;
  /** pages per kind (KIND_NAMES), the node stats nr_anon_pages, nr_file_pages, … come from */
  pages: Record<string, Int32Array>;
}

export class Sampler {
  readonly step: Int32Array;
  readonly zones: ZoneSeries[];
  readonly nodes: NodeSeries[];
  readonly live: Int32Array[];
  readonly allocations: Float64Array;
  readonly failures: Float64Array;
  /** vmstat changes per sample, index sample × names + counter */
  private readonly vmDelta: Float64Array;
  private readonly vmLast: Float64Array;
  private readonly awakeAcc: Int32Array;
  private readonly kcompactdAcc: Int32Array;
  private readonly freeMinAcc: Int32Array;
  private readonly boostMaxAcc: Float64Array;
  private readonly orders: number;
  count = 0;

  constructor(private readonly rs: RunState, readonly capacity: number, private readonly pools: Pool[]) {
    const b = rs.buddy;
    this.orders = b.maxOrder;
    const n = capacity;
    this.step = new Int32Array(n);
    this.zones = Array.from({ length: rs.zones }, (_, zi) => ({
      nid: rs.zoneNid[zi]!, zone: rs.names[rs.zoneIdx[zi]!]!, managed: b.z.managed[zi]!,
      free: new Int32Array(n), freeCma: new Int32Array(n), pcp: new Int32Array(n),
      min: new Float64Array(n), low: new Float64Array(n), high: new Float64Array(n), boost: new Float64Array(n),
      freeMin: new Int32Array(n), boostMax: new Float64Array(n),
      freeByOrder: Array.from({ length: this.orders }, () => new Int32Array(n)),
      freeByType: Array.from({ length: MIGRATE_TYPES }, () => new Int32Array(n)),
      freeArea: new Int32Array(n * this.orders * MIGRATE_TYPES),
    }));
    this.nodes = rs.nodeIds.map((nid) => ({
      nid, kswapdAwake: new Uint8Array(n), kswapdAwakeSteps: new Int32Array(n), kswapdWakes: new Int32Array(n), kcompactdWakeSteps: new Int32Array(n),
      pages: Object.fromEntries(KIND_NAMES.map((k) => [k, new Int32Array(n)])),
    }));
    this.live = [];
    this.allocations = new Float64Array(n);
    this.failures = new Float64Array(n);
    this.vmDelta = new Float64Array(n * rs.vm.v.length);
    this.vmLast = rs.vm.v.slice();
    this.awakeAcc = new Int32Array(rs.nodes.length);
    this.kcompactdAcc = new Int32Array(rs.nodes.length);
    this.freeMinAcc = new Int32Array(rs.zones).fill(0x7fffffff);
    this.boostMaxAcc = new Float64Array(rs.zones);
  }

  /** At the end of each step, before the daemons run: was kswapd awake, kcompactd woken? how low was free, how high the boost? */
  noteStep(): void {
    const rs = this.rs;
    const free = rs.buddy.z.free;
    for (let zi = 0; zi < rs.zones; zi++) {
      if (free[zi]! < this.freeMinAcc[zi]!) this.freeMinAcc[zi] = free[zi]!;
      if (rs.boost[zi]! > this.boostMaxAcc[zi]!) this.boostMaxAcc[zi] = rs.boost[zi]!;
    }
    for (let ni = 0; ni < rs.nodes.length; ni++) {
      if (rs.nodes[ni]!.kswapdAwake) this.awakeAcc[ni]++;
      if (rs.compaction.kcompactdWoken[ni]) this.kcompactdAcc[ni]++;
    }
  }

  sample(step: number, allocations: number, failures: number): void {
    const k = this.count++;
    const rs = this.rs;
    const b = rs.buddy;
    const O = this.orders;
    this.step[k] = step;
    this.allocations[k] = allocations;
    this.failures[k] = failures;
    for (let zi = 0; zi < rs.zones; zi++) {
      const z = this.zones[zi]!;
      z.free[k] = b.z.free[zi]!;
      z.freeCma[k] = b.z.freeCma[zi]!;
      let pcp = 0;
      for (let c = 0; c < rs.cpus; c++) pcp += rs.pcp.count[zi * rs.cpus + c]!;
      z.pcp[k] = pcp;
      const boost = rs.boost[zi]!;
      z.boost[k] = boost;
      z.freeMin[k] = Math.min(this.freeMinAcc[zi]!, b.z.free[zi]!);
      z.boostMax[k] = Math.max(this.boostMaxAcc[zi]!, boost);
      this.freeMinAcc[zi] = 0x7fffffff;
      this.boostMaxAcc[zi] = 0;
      z.min[k] = rs.wmark[zi * NR_WMARK + WMARK_MIN]! + boost;
      z.low[k] = rs.wmark[zi * NR_WMARK + WMARK_LOW]! + boost;
      z.high[k] = rs.wmark[zi * NR_WMARK + WMARK_HIGH]! + boost;
      const src = zi * O * MIGRATE_TYPES;
      z.freeArea.set(b.nrFree.subarray(src, src + O * MIGRATE_TYPES), k * O * MIGRATE_TYPES);
      for (let mt = 0; mt < MIGRATE_TYPES; mt++) z.freeByType[mt]![k] = 0;
      for (let o = 0; o < O; o++) {
        let blocks = 0;
        for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
          const nr = b.nrFree[src + o * MIGRATE_TYPES + mt]!;
          blocks += nr;
          z.freeByType[mt]![k] += nr << o;
        }
        z.freeByOrder[o]![k] = blocks;
      }
    }
    for (let ni = 0; ni < rs.nodes.length; ni++) {
      const nr = rs.nodes[ni]!;
      const s = this.nodes[ni]!;
      s.kswapdAwake[k] = this.awakeAcc[ni]! > 0 ? 1 : 0;
      s.kswapdAwakeSteps[k] = this.awakeAcc[ni]!;
      s.kswapdWakes[k] = nr.kswapdWakes;
      s.kcompactdWakeSteps[k] = this.kcompactdAcc[ni]!;
      KIND_NAMES.forEach((name, kind) => (s.pages[name]![k] = nr.kindPages[kind]!));
      this.awakeAcc[ni] = 0;
      this.kcompactdAcc[ni] = 0;
    }
    while (this.live.length < this.pools.length) this.live.push(new Int32Array(this.capacity));
    this.pools.forEach((p, j) => (this.live[j]![k] = p.livePages));
    const v = rs.vm.v;
    const row = k * v.length;
    for (let j = 0; j < v.length; j++) {
      this.vmDelta[row + j] = v[j]! - this.vmLast[j]!;
      this.vmLast[j] = v[j]!;
    }
  }

  /** The vmstat changes per sample of every counter that moved during the run, by name. */
  vmstatSeries(): Record<string, Float64Array> {
    const names = this.rs.vm.names;
    const out: Record<string, Float64Array> = {};
    names.forEach((name, j) => {
      let moved = false;
      const s = new Float64Array(this.count);
      for (let k = 0; k < this.count; k++) {
        const d = this.vmDelta[k * names.length + j]!;
        s[k] = d;
        if (d !== 0) moved = true;
      }
      if (moved) out[name] = s;
    });
    return out;
  }
}
