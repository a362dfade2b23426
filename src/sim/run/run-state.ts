/**
 * RunState: the one mutable state of a running machine. A booted Machine is an immutable snapshot
 * that every reactive cell may read; running it starts a RunState that owns copies of the page
 * arrays (one copy pass per typed array, see Buddy.clone) and holds every per-zone run-time field in
 * typed arrays: watermarks and boost, lowmem_reserve, the highatomic reserve, the per-cpu lists,
 * the LRU lists and the vmstat counters. Nothing in the alloc/free path allocates objects.
 *
 * Per page it adds two arrays to the buddy's 9 bytes: a flags byte (run/page-flags.ts) and a
 * 16-bit owner (the task id the OOM killer's accounting charges; 0 = the kernel), 12 bytes in all.
 *
 * The tunables stay a pure calculator (src/sim/tunables): a sysctl write recomputes a TunableState
 * with the current managed counts, and its results are copied into the typed arrays here.
 */
import { highatomicUsableMask } from '../page_alloc/alloc-flags';
import type { Buddy } from '../buddy/buddy';
import { MmError } from '../errors';
import type { KernelBehaviour } from '../kernel-behaviour';
import type { Machine } from '../machine/machine';
import { PcpLists } from '../page_alloc/pcp-lists';
import { buildAllZonelists, type Zonelists } from '../page_alloc/zonelist';
import type { TunableState } from '../tunables';
import { MIGRATE_TYPES, type Profile, type ZoneName } from '../types';
import { Lru } from '../vmscan/lru';
import { zoneId as zoneIdOf } from '../zone-types';
import { applyTunables, runSysctl } from './run-tunables';
import type { TraceSink } from './trace';
import { VmEvents } from './vm-events';
import type { AllocContext } from '../page_alloc/alloc-pages';
import type { AllocFailure } from '../page_alloc/warn-alloc';
import { makeRatelimit, type RatelimitState } from '../page_alloc/ratelimit';
import type { OomRecord } from '../oom/oom-kill';
import { gfpZone } from '../page_alloc/gfp';
import { NodeRun } from './node-run';
import { Tasks } from './tasks';
import { CompactionState } from '../compaction/state';
import { compactionSysctl, isCompactionSysctl } from '../compaction/sysctl';
import { reclaimSysctl } from '../vmscan/sysctl';
import { CmaState } from '../cma/cma-state';
import { HugetlbState } from '../hugetlb/pool';
import { hugetlbSysctl, isHugetlbSysctl } from '../hugetlb/sysctl';

/** zone flags (enum zone_flags, include/linux/mmzone.h) */
export const ZONE_BOOSTED_WATERMARK = 0x1;
export const ZONE_RECLAIM_ACTIVE = 0x2;

/** watermark slots per zone: WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO (enum zone_watermarks) */
export const WMARK_MIN = 0;
export const WMARK_LOW = 1;
export const WMARK_HIGH = 2;
export const WMARK_PROMO = 3;
export const NR_WMARK = 4;

export interface RunOptions {
  /** swap space is configured (swapless anon and shmem pages are unreclaimable); default: off */
  swap?: boolean;
  /** vm.swappiness (default 60) */
  swappiness?: number;
  /**
   * when kswapd and kcompactd (run/daemons.ts) get time: 'auto' (default) after every top-level
   * operation of RunningMachine; 'manual' only when asked (run.daemons(), op 'kswapd')
   */
  daemons?: 'auto' | 'manual';
}

export class RunState {
  readonly machine: Machine;
  readonly profile: Profile;
  readonly rules: KernelBehaviour;
  /** the profile's zone enum (MAX_NR_ZONES names) */
  readonly names: readonly ZoneName[];
  readonly nz: number;
  readonly buddy: Buddy;
  /** per pfn (index pfn − basePfn): run/page-flags.ts */
  readonly pflags: Uint8Array;
  /** per pfn: owning task id (0 = kernel) */
  readonly owner: Uint16Array;
  /** zones the buddy holds (internal index zi), with their identity */
  readonly zones: number;
  readonly zoneId: Int32Array;
  readonly zoneIdx: Int8Array;
  readonly zoneNid: Int32Array;
  /** internal node index of each zone (into nodes[]) */
  readonly zoneNode: Int32Array;
  /** pgdat->node_zones: the internal zone index of (node index, zone enum index), −1 when the buddy has none; index ni * nz + idx */
  readonly nodeZone: Int32Array;
  /** _watermark[] without boost, index zi * NR_WMARK + WMARK_* */
  readonly wmark: Float64Array;
  /** watermark_boost */
  readonly boost: Float64Array;
  /** lowmem_reserve[], index zi * nz + highest_zoneidx */
  readonly lowmemReserve: Float64Array;
  /** nr_reserved_highatomic */
  readonly nrReservedHighatomic: Float64Array;
  readonly zoneFlags: Uint8Array;
  /** nr_isolate_pageblock */
  readonly nrIsolatePageblock: Int32Array;
  readonly pcp: PcpLists;
  readonly lru: Lru;
  readonly vm: VmEvents;
  /** per-node run state: kswapd, kcompactd, node stats (index = position in nodeIds) */
  readonly nodes: NodeRun[];
  readonly nodeIds: readonly number[];
  readonly tasks: Tasks;
  readonly zonelists: Zonelists;
  readonly cpus: number;
  /** page_group_by_mobility_disabled */
  readonly mobilityDisabled: boolean;
  /** CONFIG_PCP_BATCH_SCALE_MAX where the kernel caps free_factor (6.1.y); Infinity without the cap */
  readonly pcpBatchScaleMax: number;
  // The rules the alloc/free hot path reads, flattened from rules (kernel-behaviour.ts) into plain
  // fields of this one class so that each is a single monomorphic load:
  /** CONFIG_CMA */
  readonly hotCma: boolean;
  /** the alloc flags that may dip below min (ALLOC_HARDER|ALLOC_OOM, or ALLOC_RESERVES) */
  readonly hotReservesMask: number;
  /** rules.allocFlags === 'reserves' */
  readonly hotReserves: boolean;
  /** rules.watermarkFastClamp */
  readonly hotFastClamp: boolean;
  /** rules.pcp.drain === 'free-factor' (6.1), else 5.10's batch_free rotation */
  readonly hotFreeFactor: boolean;
  /** rules.pcp.maxOrder */
  readonly hotPcpMaxOrder: number;
  /** rules.pcp.emptyRefillFallsThrough */
  readonly hotRefillFallsThrough: boolean;
  /** rules.boostWakeOnFailure */
  readonly hotBoostWakeOnFailure: boolean;
  /** rules.pcp.reclaimActiveCap */
  readonly hotReclaimCap: boolean;
  /** rules.zoneLockedTrace === 'rmqueue-smallest' */
  readonly hotZoneLockedInSmallest: boolean;
  /** zonelists by node id: FALLBACK and NOFALLBACK (undefined for a node without memory) */
  readonly zlFallback: Int32Array[];
  readonly zlThisnode: Int32Array[];
  readonly swap: boolean;
  swappiness: number;
  /** RunOptions.daemons */
  readonly daemons: 'auto' | 'manual';
  /** the tunables as last computed (boot values, or after the last sysctl write) */
  tunables: TunableState;
  /** the tracepoint subscriber, or null (no cost) */
  trace: TraceSink | null = null;
  /** the allocation context of the request being served (reused) */
  readonly ac: AllocContext;
  /** gfp_zone by the four zone bits of a GFP mask: the highest zone index, −1 = an invalid combination */
  readonly gfpZoneTable: Int8Array;
  /** enum indexes of ZONE_NORMAL and ZONE_DMA32 (−1 when not configured) */
  readonly normalIdx: number;
  readonly dma32Idx: number;
  /** present pages per zone */
  readonly zonePresent: Float64Array;
  /** failed allocations, oldest first (warn_alloc) */
  readonly failures: AllocFailure[] = [];
  /** compaction: per-zone scanner positions and deferral, pageblock skip bits, kcompactd, sysctls */
  readonly compaction: CompactionState;
  /** called for every page migration moves (old pfn, new pfn), so holders of pfns can follow their pages (a page freed instead: onRelease) */
  onMigrate: ((oldPfn: number, newPfn: number) => void) | null = null;
  /** the kernel log the model prints (warn_alloc reports, OOM killer messages), one line per entry */
  readonly log: string[] = [];
  /** OOM killer invocations, oldest first (oom/oom-kill.ts) */
  readonly ooms: OomRecord[] = [];
  /** warn_alloc's rate limit (page_alloc/ratelimit.ts: the model counts calls, not time) */
  readonly warnRatelimit: RatelimitState = makeRatelimit();
  /**
   * called when an allocated block leaves the model's accounting (page-accounting.ts untrackPage),
   * whoever frees it (__free_pages, reclaim, the OOM killer), so holders of pfns (RunningMachine's
   * labels, a workload's pools) drop it: a holder that frees its own block detaches it first
   */
  onRelease: ((pfn: number, order: number) => void) | null = null;
  /** called when set_migratetype_isolate isolates a pageblock (its first pfn), so a sampler can show isolation that ends within a step */
  onIsolate: ((pfn: number) => void) | null = null;
  /** the CMA areas at run time: bitmaps, cma_alloc allocations, their log (src/sim/cma) */
  readonly cma: CmaState;
  /** the hugetlb pools (src/sim/hugetlb) */
  readonly hugetlb: HugetlbState;
  /** no reclaim (direct reclaim frees nothing): a trace replay, where the trace's frees are the reclaim */
  reclaimOff = false;

  constructor(machine: Machine, opts: RunOptions = {}, from?: RunState) {
    const p = machine.parts;
    if (!p.buddy) {
      throw new MmError('RUN_NO_PAGE_STATE', 'this machine has no page state to run: it was imported from /proc/zoneinfo alone; give its page state too (buddyinfo and pagetypeinfo, or a kpageflags snapshot)');
    }
    this.machine = machine;
    this.profile = machine.profile;
    this.rules = machine.profile.behaviour;
    this.names = p.names;
    this.nz = p.names.length;
    const src = from?.buddy ?? p.buddy;
    this.buddy = src.clone();
    const n = this.buddy.endPfn - this.buddy.basePfn;
    this.pflags = from ? from.pflags.slice() : new Uint8Array(n);
    this.owner = from ? from.owner.slice() : new Uint16Array(n);
    const z = this.buddy.z;
    this.zones = z.count;
    this.zoneId = Int32Array.from(z.ids);
    this.zoneIdx = Int8Array.from(z.specs.map((s) => s.zoneIdx));
    this.zoneNid = Int32Array.from(z.specs.map((s) => s.nid));
    this.nodeIds = p.layout.nodes.map((nd) => nd.nid);
    this.zoneNode = Int32Array.from(z.specs.map((s) => this.nodeIds.indexOf(s.nid)));
    this.nodeZone = new Int32Array(this.nodeIds.length * this.nz).fill(-1);
    for (let zi = 0; zi < z.count; zi++) this.nodeZone[this.zoneNode[zi] * this.nz + this.zoneIdx[zi]] = zi;
    this.cpus = p.cpus;
    this.pcpBatchScaleMax = this.rules.pcp.drainInChunks ? this.profile.config.pcpBatchScaleMax : Infinity;
    const r = this.rules;
    this.hotCma = r.cmaConfigured;
    this.hotReserves = r.allocFlags === 'reserves';
    this.hotReservesMask = highatomicUsableMask(r.allocFlags);
    this.hotFastClamp = r.watermarkFastClamp;
    this.hotFreeFactor = r.pcp.drain === 'free-factor';
    this.hotPcpMaxOrder = r.pcp.maxOrder;
    this.hotRefillFallsThrough = r.pcp.emptyRefillFallsThrough;
    this.hotBoostWakeOnFailure = r.boostWakeOnFailure;
    this.hotReclaimCap = r.pcp.reclaimActiveCap;
    this.hotZoneLockedInSmallest = r.zoneLockedTrace === 'rmqueue-smallest';
    // a clone keeps its source's options unless it is given its own
    this.swap = opts.swap ?? from?.swap ?? false;
    this.swappiness = opts.swappiness ?? from?.swappiness ?? 60;
    this.daemons = opts.daemons ?? from?.daemons ?? 'auto';
    this.tunables = from?.tunables ?? p.tunables;
    if (from) {
      this.wmark = from.wmark.slice();
      this.boost = from.boost.slice();
      this.lowmemReserve = from.lowmemReserve.slice();
      this.nrReservedHighatomic = from.nrReservedHighatomic.slice();
      this.zoneFlags = from.zoneFlags.slice();
      this.nrIsolatePageblock = from.nrIsolatePageblock.slice();
    } else {
      this.wmark = new Float64Array(this.zones * NR_WMARK);
      this.boost = new Float64Array(this.zones);
      this.lowmemReserve = new Float64Array(this.zones * this.nz);
      this.nrReservedHighatomic = new Float64Array(this.zones);
      this.zoneFlags = new Uint8Array(this.zones);
      this.nrIsolatePageblock = new Int32Array(this.zones);
    }
    this.pcp = new PcpLists(this.rules, this.zones, this.cpus, from?.pcp);
    this.lru = new Lru(this.nodeIds.length, this.zones, from?.lru);
    this.vm = new VmEvents(this.names, from?.vm);
    this.nodes = this.nodeIds.map((nid, i) => (from ? from.nodes[i]!.clone() : new NodeRun(nid, this.zones)));
    this.tasks = from ? from.tasks.clone() : new Tasks();
    this.compaction = from ? from.compaction.clone() : new CompactionState(this.zones, this.nodeIds.length, this.buddy.pbType.length);
    this.cma = from ? from.cma.clone(this.buddy) : new CmaState(p.cmaAreas, this.buddy);
    if (!from) applyTunables(this, this.tunables, { pcp: true });
    this.normalIdx = this.names.indexOf('Normal');
    this.dma32Idx = this.names.indexOf('DMA32');
    this.gfpZoneTable = new Int8Array(16);
    for (let bits = 0; bits < 16; bits++) {
      try {
        this.gfpZoneTable[bits] = gfpZone(bits, this.names);
      } catch {
        this.gfpZoneTable[bits] = -1;
      }
    }
    this.ac = { gfp: 0, order: 0, zonelist: new Int32Array(0), preferred: -1, highestZoneidx: 0, migratetype: 0, cpu: 0, kind: 0, owner: 0, pinned: false, noCma: false, memoGfp: -1, memoNid: -1, memoFlags: 0 };
    if (from) {
      this.failures.push(...from.failures);
      for (const line of from.log) this.log.push(line);
      for (const o of from.ooms) this.ooms.push(o);
      Object.assign(this.warnRatelimit, from.warnRatelimit);
    }
    // build_all_zonelists: the zones the buddy holds, with their present and managed pages
    const present = new Map(p.layout.nodes.flatMap((nd) => nd.zones.map((zl) => [zoneIdOf(nd.nid, zl.idx, this.nz), zl.present] as const)));
    const withCpus = new Set(this.tunables.cpusPerNode.flatMap((c, nid) => (c > 0 ? [nid] : [])));
    this.zonelists = buildAllZonelists(
      this.rules,
      Array.from({ length: this.zones }, (_, zi) => ({ zi, nid: this.zoneNid[zi], idx: this.zoneIdx[zi], present: present.get(this.zoneId[zi]) ?? 0, managed: z.managed[zi] })),
      p.fw?.distance,
      withCpus,
    );
    this.zonePresent = Float64Array.from({ length: this.zones }, (_, zi) => present.get(this.zoneId[zi]) ?? 0);
    this.zlFallback = [];
    this.zlThisnode = [];
    for (const [nid, zl] of this.zonelists.fallback) this.zlFallback[nid] = zl;
    for (const [nid, zl] of this.zonelists.thisnode) this.zlThisnode[nid] = zl;
    // build_all_zonelists: grouping by mobility is off when nr_free_pagecache_pages < pageblock_nr_pages * MIGRATE_TYPES
    let total = 0;
    for (let zi = 0; zi < this.zones; zi++) total += Math.max(0, z.managed[zi] - this.wmark[zi * NR_WMARK + WMARK_HIGH]);
    this.mobilityDisabled = total < (1 << this.buddy.pageblockOrder) * MIGRATE_TYPES;
    this.hugetlb = from ? from.hugetlb.clone(this) : new HugetlbState(this);
  }

  /** A run state of a booted machine (copies its page arrays once). */
  static start(machine: Machine, opts?: RunOptions): RunState {
    return new RunState(machine, opts);
  }

  /** An independent copy of this run state (a checkpoint that can run on), with other run options if given. */
  clone(opts: RunOptions = {}): RunState {
    return new RunState(this.machine, opts, this);
  }

  /** The internal zone index of a zone id, or −1 when the buddy does not hold it (an empty zone). */
  zoneIndex(id: number): number {
    const k = this.zoneId.indexOf(id);
    return k;
  }

  /** The internal node index of a node id, or −1. */
  nodeIndex(nid: number): number {
    return this.nodeIds.indexOf(nid);
  }

  /** min/low/high_wmark_pages: _watermark + watermark_boost */
  wmarkPages(zi: number, w: number): number {
    return this.wmark[zi * NR_WMARK + w] + this.boost[zi];
  }

  /**
   * A run-time write of vm.NAME: the kernel's handler recomputes from the current managed counts.
   * vm.swappiness and vm.drop_caches go to the reclaim model (vmscan/sysctl.ts).
   */
  sysctl(name: string, value: string | number): void {
    if (isCompactionSysctl(name)) {
      compactionSysctl(this, name, value);
      return;
    }
    if (reclaimSysctl(this, name, value)) return;
    if (isHugetlbSysctl(name)) {
      hugetlbSysctl(this, name, value);
      return;
    }
    runSysctl(this, name, value);
  }

  /** Bytes of typed-array state per page of the machine's pfn range (the issue's ≤ 12 goal). */
  bytesPerPage(): number {
    const n = this.buddy.endPfn - this.buddy.basePfn;
    return (this.buddy.next.byteLength + this.buddy.prev.byteLength + this.buddy.tag.byteLength + this.pflags.byteLength + this.owner.byteLength) / n;
  }
}
