/**
 * Trace replay (issue #11): a real ftrace recording of the page allocator replayed through the
 * simulator's own allocator. Pure: it takes text (whole, in chunks, or line by line) and a
 * RunningMachine to run on; no I/O.
 *
 * What each traced event does (docs/replay.md has the same rules for users):
 * - `mm_page_alloc` is a request (order, gfp): the simulator's __alloc_pages (allocPages) serves it on the node
 *   of the traced page and the traced CPU; the traced pfn is tied to the page the simulator chose
 *   (`tie`), so a later `mm_page_free` of that pfn frees the simulator's page. A traced failure
 *   (page NULL) is attempted too; if the simulator succeeds, the page is given back at once.
 * - `mm_page_free` frees the tied page, on the traced CPU's pcp. A free carrying the softirq flag
 *   right after a refill burst (the kernel's pcp trylock failed, oracle-rt.md §4.6.1) goes straight
 *   to the buddy. A free of a pfn with no tie is an *unknown free*, resolved by the pfn's history:
 *   a starting-state page at that pfn (the snapshot's page) is freed; a page last seen on the
 *   pcp (Z, F, B: an untraced alloc_pages_bulk) frees nothing; a page last seen in the buddy or
 *   never seen (a compaction target, an alloc_contig_range page) frees an *orphan* of the same
 *   order (a simulator page whose kernel identity moved without an event); otherwise nothing.
 * - `mm_page_alloc_zone_locked`, `mm_page_pcpu_drain`, `mm_page_free_batched` are the kernel's own
 *   pcp traffic: counted and compared with the simulator's (`pcp`), not replayed. A Z or D (or an
 *   A) of a pfn the starting state holds allocated tells that the kernel had it free (on a pcp
 *   list at the snapshot): the starting page is freed (`events.released`).
 * - Kernel-execution spans: between `mmbook: do CMD` and `mmbook: done`, between
 *   `mm_compaction_begin` and `_end`, and between `cma_alloc_start` and `_finish`, the kmem
 *   events are the kernel's own execution of something the simulator runs itself (the command, its
 *   compaction, its cma_alloc); they are skipped. Frees there of tied pages are the kernel moving
 *   pages (migration sources): at the span's end each such page is re-tied to a traced allocation
 *   of the span (a migration target) of the same order, or becomes an orphan.
 * - Compaction: `compact_memory` (a begin after `mm_compaction_suitable order=-1`) compacts the
 *   zone; kcompactd's run (`mm_compaction_kcompactd_wake`, then begin) runs kcompactd_do_work at
 *   the traced order, a kcompactd begin without a wake runs proactive compaction; a direct
 *   compaction span is skipped, since the request that follows it runs the simulator's slow path,
 *   which compacts (or not) on its own.
 * - Reclaim is the trace's: the simulator never reclaims. Where its watermark logic wakes kswapd
 *   (wakeup_kswapd) is recorded; the woken kswapd then "runs" at once without reclaiming:
 *   balance_pgdat's end removes the boost it was woken for, and where pgdat_balanced holds it goes
 *   to sleep (recorded), with kswapd_failures counted up unless the trace shows reclaim progress
 *   (`mm_vmscan_lru_shrink_inactive` or `direct_reclaim_end` with nr_reclaimed > 0) since the wake.
 */
import { MmError } from '../errors';
import { renderProc, type ProcName } from '../format/proc';
import { PS_ALLOC, PS_ORDER_MASK } from '../buddy/page-state';
import { allocPages } from '../page_alloc/alloc-pages';
import { freePages, freeOnePageToBuddy } from '../page_alloc/free';
import { parseGfp } from '../page_alloc/gfp';
import { untrackPage } from '../run/page-accounting';
import { KIND_FILE, KIND_FILE_DIRTY } from '../run/page-flags';
import type { RunningMachine } from '../run/running-machine';
import type { RunState } from '../run/run-state';
import { runView } from '../run/run-view';
import type { TraceEventName, TraceSink } from '../run/trace';
import { MAX_RECLAIM_RETRIES, pgdatBalanced } from '../vmscan/kswapd-wake';
import { compactZone } from '../compaction/compact-zone';
import { newCompactControl } from '../compaction/control';
import { MIGRATE_SYNC } from '../compaction/constants';
import { kcompactdDoWork, proactiveCompactNode } from '../compaction/kcompactd';
import { EV, LineError, TraceLineScanner } from './parse';
import { kindOfTracedAlloc } from './kind';

/** A rewrite of mark texts before the replay reads them: the first rule whose `match` matches applies. */
export interface MarkRule {
  /** a RegExp, or a string the mark must contain */
  match: RegExp | string;
  /** the new text (String.replace syntax: $1 … for RegExp groups), or several marks, or none ([]) */
  replace: string | string[];
}

export interface ReplayOptions {
  /** replay the events after the first mark containing this (default: from the first line) */
  startMark?: string;
  /** … and before the first mark containing this after that (default: to the end) */
  endMark?: string;
  /** mark rewrites (e.g. the oracle's `rt_hugetlb SIZEkB request N` → `mmbook: do hugetlb SIZEkB N`) */
  markRewrites?: MarkRule[];
  /** the files each mark snapshots (default buddyinfo, pagetypeinfo, zoneinfo, meminfo) */
  files?: readonly ProcName[];
  /** what the replay started from, for the output (default "fresh boot") */
  start?: string;
}

export interface ReplayMark {
  text: string;
  /** the mark as the trace wrote it, when a rule rewrote it */
  original?: string;
  line: number;
  buddyinfo?: string;
  pagetypeinfo?: string;
  zoneinfo?: string;
  meminfo?: string;
  [file: string]: string | number | undefined;
}

export interface ReplayCommand {
  /** the text after `mmbook: do ` */
  command: string;
  line: number;
  requested: number | string | null;
  /** what the simulator got: hugepages obtained, pages migrated (compact_memory), pages freed (drop_caches), the value set (sysctl); null when it could not run */
  got: number | string | null;
  /** why it could not run, when it could not */
  note?: string;
}

export interface PcpTraffic {
  /** blocks and pages moved from the buddy to the pcp lists (mm_page_alloc_zone_locked with percpu_refill, or any Z with the CMA type 4) */
  refillBlocks: number;
  refillPages: number;
  /** blocks and pages drained back (mm_page_pcpu_drain) */
  drainBlocks: number;
  drainPages: number;
  /** mm_page_alloc_extfrag: fallback steals */
  extfrag: number;
}

export interface ReplayResult {
  /** the starting state: "fresh boot", or what the caller imported */
  start: string;
  window: { startMark: string | null; endMark: string | null; startLine: number | null; endLine: number | null; lines: number };
  marks: ReplayMark[];
  commands: ReplayCommand[];
  kswapd: {
    /** lines where the simulator's wakeup_kswapd woke kswapd, outside `do` spans */
    wakes: number[];
    /** lines where pgdat_balanced let the simulator's kswapd sleep */
    sleeps: number[];
    /** wakes inside `do` spans (the simulator's own execution of a command) */
    wakesInCommands: number[];
    /** the trace's own: mm_vmscan_wakeup_kswapd, kswapd_wake and kswapd_sleep lines outside `do` spans, and wake episodes (wakes up to a sleep) */
    kernel: { wakeups: number[]; wakes: number[]; sleeps: number[]; episodes: number; inCommands: { wakeups: number; wakes: number; sleeps: number } };
  };
  events: {
    /** kmem events the simulator acted on: requests served (or attempted) and frees */
    replayed: number;
    /** kmem events inside kernel-execution spans (`do` commands, compaction, cma_alloc) */
    skipped: number;
    /** frees of pfns the replay had no page for (breakdown in `unknown`) */
    unknownFrees: number;
    /** pcp traffic compared, not replayed (Z, D, B) */
    compared: number;
    /** event lines outside the window */
    outside: number;
    /** known events the replay does not use (compaction scanners, migrate, oom, …) */
    ignored: number;
    /** lines of events this replay does not know, by name (counted and skipped) */
    unknownEvents: Record<string, number>;
    allocs: { requests: number; kernelFailed: number; simFailed: number; simServedKernelFailure: number; pages: number };
    frees: { tied: number; softirqToBuddy: number; orderMismatch: number; cmaPages: number };
    /** unknown frees by how they were resolved */
    unknown: { snapshot: number; orphan: number; bulk: number; unserved: number; untracked: number };
    /** starting-state pages the trace showed free (on a pcp list at the snapshot, or freed untraced) */
    released: number;
    /** traced allocations of a pfn the replay still held (its identity moved without an event) */
    reallocated: number;
    /** pages whose identity moved inside spans: re-tied to a span's allocation, or left as orphans */
    retied: number;
    orphaned: number;
    /** compactions the simulator ran where the kernel compacted */
    compactions: { compactMemory: number; kcompactd: number; proactive: number; directSkipped: number };
  };
  pcp: { kernel: PcpTraffic; sim: PcpTraffic };
  /** the simulator's /proc/vmstat at the end */
  vmstat: string;
  warnings: string[];
}

/** How many events `feed` processes between progress reports is up to the caller; this is the line count so far. */
const DEFAULT_FILES: readonly ProcName[] = ['buddyinfo', 'pagetypeinfo', 'zoneinfo', 'meminfo'];

// last kmem event seen per traced pfn
const LE_NONE = 0;
const LE_A = 1;
const LE_F = 2;
const LE_B = 3;
const LE_Z = 4;
const LE_D = 5;

// tflag: what the traced pfn is tied to
const T_NONE = 0;
const T_TRACED = 1;
const T_SNAP = 2;

/** The state byte of an allocated block's head (PS_ALLOC|order; free-block tags share the bit through their migratetype). */
function isAllocHead(t: number): boolean {
  return (t & 0xf0) === PS_ALLOC;
}

// rtie special values
const R_NONE = -1;
const R_ORPHAN = -2;

/** A growable queue of ints. */
class IntQueue {
  buf = new Int32Array(64);
  head = 0;
  tail = 0;
  get size(): number {
    return this.tail - this.head;
  }
  push(v: number): void {
    if (this.tail === this.buf.length) {
      const live = this.tail - this.head;
      if (live * 2 <= this.buf.length) this.buf.copyWithin(0, this.head, this.tail);
      else {
        const nb = new Int32Array(this.buf.length * 2);
        nb.set(this.buf.subarray(this.head, this.tail));
        this.buf = nb;
      }
      this.head = 0;
      this.tail = live;
    }
    this.buf[this.tail++] = v;
  }
  shift(): number {
    return this.head < this.tail ? this.buf[this.head++]! : -1;
  }
  clear(): void {
    this.head = this.tail = 0;
  }
}

/** The simulator's own pcp traffic, from its tracepoints. */
class SimPcpSink implements TraceSink {
  readonly t: PcpTraffic = { refillBlocks: 0, refillPages: 0, drainBlocks: 0, drainPages: 0, extfrag: 0 };
  constructor(private readonly next: TraceSink | null) {}
  emit(event: TraceEventName, a: number, b: number, c: number, d: number, e: number, f?: number, g?: number): void {
    if (event === 'mm_page_alloc_zone_locked') {
      // 6.1: refill = pcp order and list < PCPTYPES; CMA pages of a refill print 0 (oracle-rt.md §0.4)
      if (d === 1 || c === 4) {
        this.t.refillBlocks++;
        this.t.refillPages += 1 << b;
      }
    } else if (event === 'mm_page_pcpu_drain') {
      this.t.drainBlocks++;
      this.t.drainPages += 1 << b;
    } else if (event === 'mm_page_alloc_extfrag') this.t.extfrag++;
    this.next?.emit(event, a, b, c, d, e, f, g);
  }
}

interface GfpEntry {
  h2: number;
  len: number;
  mask: number;
}

/** The structural type of the CMA/hugetlb API a RunningMachine may have (feature-detected). */
interface CmaAreaLike {
  name?: string;
  alloc(count: number, align: number): unknown;
  release(pfn: number, count: number): unknown;
}
interface HugetlbLike {
  setNrHugepages(sizeKb: number, n: number): number;
}

export class TraceReplay {
  readonly run: RunningMachine;
  readonly rs: RunState;
  private readonly sc = new TraceLineScanner();
  private readonly opts: ReplayOptions;
  private readonly files: readonly ProcName[];
  private readonly base: number;
  private readonly n: number;
  // per traced pfn (index pfn − base)
  private readonly tie: Int32Array;
  private readonly tflag: Uint8Array;
  private readonly lastEv: Uint8Array;
  // per simulated page head
  private readonly rtie: Int32Array;
  private readonly orphans: IntQueue[] = [];
  // spans
  private doSpan = false;
  private doLine = 0;
  /** the task whose compaction (or cma_alloc) span is open: its kmem events are skipped, other tasks' replayed */
  private readonly compactPids: number[] = [];
  private cmaPid = -1;
  private readonly pendOrphans: number[] = [];
  private readonly pendTargets: number[] = [];
  private readonly pendTargetOrders: number[] = [];
  // window
  private started: boolean;
  private ended = false;
  private lineNo = 0;
  private carry = '';
  private prevKmem = LE_NONE;
  private prevWasZ = false;
  // context for compactions
  private lastSuitablePid = -1;
  private lastSuitableOrder = 0;
  private lastTryPid = -1;
  private kcompactdWake: { nid: number; order: number; zidx: number } | null = null;
  private kcompactdRan = false;
  // kswapd
  private wakeTotal = 0;
  private awakeAny = false;
  private readonly wokeAt: number[];
  private readonly prevReclaimOff: boolean;
  private reclaimProgress = false;
  private kernelLastKswapd: 'none' | 'wake' | 'sleep' = 'none';
  // checks done once
  private ptrChecked = false;
  private pfnFormatChecked = false;
  private cpuWarned = false;
  private readonly gfpTable: Array<GfpEntry | undefined> = new Array(4096);
  private readonly sink: SimPcpSink;
  private readonly prevSink: TraceSink | null;
  private readonly cmaTies: Array<{ kpfn: number; count: number; simPfn: number; area: CmaAreaLike }> = [];
  private cmaPending: { area: CmaAreaLike | null; simPfn: number; count: number } | null = null;
  private migrateOn = true;
  private finished: ReplayResult | null = null;
  private readonly rules: MarkRule[];

  private readonly out: ReplayResult;

  constructor(run: RunningMachine, opts: ReplayOptions = {}) {
    this.run = run;
    this.rs = run.rs;
    this.opts = opts;
    this.files = opts.files ?? DEFAULT_FILES;
    this.rules = opts.markRewrites ?? [];
    const b = this.rs.buddy;
    this.base = b.basePfn;
    this.n = b.endPfn - b.basePfn;
    this.tie = new Int32Array(this.n).fill(-1);
    this.tflag = new Uint8Array(this.n);
    this.lastEv = new Uint8Array(this.n);
    this.rtie = new Int32Array(this.n).fill(R_NONE);
    for (let o = 0; o < b.maxOrder; o++) this.orphans.push(new IntQueue());
    this.started = opts.startMark === undefined;
    // the starting state's allocated pages are the snapshot's: tied to their own pfns
    const tag = b.tag;
    for (let i = 0; i < this.n; i++) {
      const t = tag[i]!;
      if (isAllocHead(t)) {
        this.tie[i] = i;
        this.tflag[i] = T_SNAP;
        this.rtie[i] = i;
      }
    }
    for (const nd of this.rs.nodes) this.wakeTotal += nd.kswapdWakes;
    this.wokeAt = this.rs.nodes.map((nd) => nd.kswapdWakes);
    // reclaim is the trace's: the simulator's direct reclaim frees nothing during the replay
    this.prevReclaimOff = this.rs.reclaimOff;
    this.rs.reclaimOff = true;
    this.prevSink = this.rs.trace;
    this.sink = new SimPcpSink(this.prevSink);
    this.rs.trace = this.sink;
    run.addMigrateListener((o, nw) => this.migrated(o, nw));
    const zero = (): PcpTraffic => ({ refillBlocks: 0, refillPages: 0, drainBlocks: 0, drainPages: 0, extfrag: 0 });
    this.out = {
      start: opts.start ?? 'fresh boot',
      window: { startMark: opts.startMark ?? null, endMark: opts.endMark ?? null, startLine: null, endLine: null, lines: 0 },
      marks: [],
      commands: [],
      kswapd: { wakes: [], sleeps: [], wakesInCommands: [], kernel: { wakeups: [], wakes: [], sleeps: [], episodes: 0, inCommands: { wakeups: 0, wakes: 0, sleeps: 0 } } },
      events: {
        replayed: 0, skipped: 0, unknownFrees: 0, compared: 0, outside: 0, ignored: 0, unknownEvents: {},
        allocs: { requests: 0, kernelFailed: 0, simFailed: 0, simServedKernelFailure: 0, pages: 0 },
        frees: { tied: 0, softirqToBuddy: 0, orderMismatch: 0, cmaPages: 0 },
        unknown: { snapshot: 0, orphan: 0, bulk: 0, unserved: 0, untracked: 0 },
        released: 0, reallocated: 0, retied: 0, orphaned: 0,
        compactions: { compactMemory: 0, kcompactd: 0, proactive: 0, directSkipped: 0 },
      },
      pcp: { kernel: zero(), sim: this.sink.t },
      vmstat: '',
      warnings: [],
    };
    if (opts.startMark === undefined) this.out.window.startLine = 0;
  }

  /** Lines read so far. */
  get line(): number {
    return this.lineNo;
  }

  /** The end mark was reached: further input is ignored. */
  get done(): boolean {
    return this.ended;
  }

  /** Feed a chunk of trace text; complete lines are replayed, a trailing partial line is kept for the next chunk. */
  feed(chunk: string): void {
    if (this.ended || this.finished) return;
    let a = 0;
    if (this.carry) {
      const nl = chunk.indexOf('\n');
      if (nl < 0) {
        this.carry += chunk;
        return;
      }
      const first = this.carry + chunk.slice(0, nl);
      this.carry = '';
      this.one(first, 0, first.length);
      a = nl + 1;
    }
    const len = chunk.length;
    while (a < len && !this.ended) {
      const nl = chunk.indexOf('\n', a);
      if (nl < 0) {
        this.carry = chunk.slice(a);
        return;
      }
      this.one(chunk, a, nl);
      a = nl + 1;
    }
  }

  /** Replay one line (without its newline). */
  feedLine(line: string): void {
    if (this.ended || this.finished) return;
    if (this.carry) this.feed('\n');
    this.one(line, 0, line.length);
  }

  // ---- the line loop ----

  private fail(code: string, msg: string): never {
    this.detach();
    throw new MmError(code, `line ${this.lineNo}: ${msg}`, `trace line ${this.lineNo}`);
  }

  /** Give the run state back its trace subscriber and reclaim (at the end, or on an error). */
  private detach(): void {
    this.migrateOn = false;
    if (this.rs.trace === this.sink) this.rs.trace = this.prevSink;
    this.rs.reclaimOff = this.prevReclaimOff;
  }

  private one(s: string, a: number, b: number): void {
    this.lineNo++;
    const sc = this.sc;
    let ev: number;
    try {
      ev = sc.scan(s, a, b);
    } catch (e) {
      if (e instanceof LineError) this.fail('TRACE_PARSE', `${e.message}: ${clip(s.slice(a, b))}`);
      throw e;
    }
    if (ev < 0) return;
    try {
      if (!this.started || this.ended) {
        if (ev === EV.MARK) this.mark(sc.rest());
        else this.out.events.outside++;
        return;
      }
      switch (ev) {
        case EV.ALLOC:
          this.alloc();
          break;
        case EV.FREE:
          this.free();
          break;
        case EV.FREE_BATCHED:
          this.pcpEvent(LE_B);
          break;
        case EV.ZONE_LOCKED:
          this.pcpEvent(LE_Z);
          break;
        case EV.PCPU_DRAIN:
          this.pcpEvent(LE_D);
          break;
        case EV.MARK:
          this.mark(sc.rest());
          break;
        case EV.UNKNOWN: {
          const name = sc.eventName();
          this.out.events.unknownEvents[name] = (this.out.events.unknownEvents[name] ?? 0) + 1;
          break;
        }
        default:
          this.other(ev);
      }
    } catch (e) {
      if (e instanceof LineError) this.fail('TRACE_PARSE', `${sc.eventName()}: ${e.message}: ${clip(s.slice(a, b))}`);
      this.detach();
      if (e instanceof MmError && !/^line \d+: /.test(e.message)) throw new MmError(e.code, `line ${this.lineNo}: ${e.message}`, `trace line ${this.lineNo}`);
      throw e;
    }
  }

  /** Is the current event the kernel's own execution of something the simulator runs itself? */
  private get skipping(): boolean {
    if (this.doSpan) return true;
    if (this.compactPids.length === 0 && this.cmaPid < 0) return false;
    const pid = this.sc.pid;
    return pid === this.cmaPid || this.compactPids.includes(pid);
  }

  /** Is any span open (the end of the last one pairs the moved pages)? */
  private get inAnySpan(): boolean {
    return this.doSpan || this.compactPids.length > 0 || this.cmaPid >= 0;
  }

  /** The traced pfn's index, after the range check. */
  private idx(pfn: number): number {
    const t = pfn - this.base;
    if (t < 0 || t >= this.n || !Number.isInteger(pfn)) {
      this.fail('TRACE_PFN', `${this.sc.eventName()} of pfn 0x${pfn.toString(16)}, outside this machine's pfns [0x${this.base.toString(16)}, 0x${(this.base + this.n).toString(16)})`);
    }
    return t;
  }

  private checkPointer(width: number): void {
    this.ptrChecked = true;
    const bits64 = this.rs.profile.arch !== 'arm';
    if (bits64 ? width <= 8 : width > 8) {
      this.fail('TRACE_ARCH', `this trace's struct page pointers have ${width} hex digits: it was recorded on a ${width > 8 ? '64' : '32'}-bit kernel, and the machine is ${this.rs.profile.arch}`);
    }
  }

  private checkPfnFormat(hex: boolean): void {
    this.pfnFormatChecked = true;
    const want = this.rs.profile.kernel === '5.10' ? false : true;
    if (hex !== want) this.warn(`line ${this.lineNo}: this trace prints pfns in ${hex ? 'hex (6.1' : 'decimal (5.10'}'s kmem format); the machine runs ${this.rs.profile.kernel}: its requests are replayed all the same`);
  }

  private warn(msg: string): void {
    if (!this.out.warnings.includes(msg)) this.out.warnings.push(msg);
  }

  private cpuOf(): number {
    const c = this.sc.cpu;
    if (c < this.rs.cpus) return c;
    if (!this.cpuWarned) {
      this.cpuWarned = true;
      this.warn(`line ${this.lineNo}: events on CPU ${c}, but the machine has ${this.rs.cpus}: CPU N replays on CPU N mod ${this.rs.cpus}`);
    }
    return c % this.rs.cpus;
  }

  /** Reads `page=… pfn=… order=N` of a kmem event; returns the pfn (−1 for a NULL page). */
  private pageAndPfn(): number {
    const sc = this.sc;
    const pfn = sc.pagePfn();
    if (!this.ptrChecked && sc.pointerWidth) this.checkPointer(sc.pointerWidth);
    if (!this.pfnFormatChecked && sc.pointerWidth) this.checkPfnFormat(sc.lastPfnHex);
    return pfn;
  }

  /** gfp_flags=… to a mask: a table keyed by two 32-bit hashes and the length of the text, parsed once per distinct text. */
  private gfp(): number {
    const sc = this.sc;
    const s = sc.s;
    const a = sc.p;
    const b = sc.end;
    let h1 = b - a;
    let h2 = 0x2545f491;
    for (let k = a; k < b; k++) {
      const c = s.charCodeAt(k);
      h1 = (Math.imul(h1, 31) + c) | 0;
      h2 = Math.imul(h2 ^ c, 0x9e3779b1);
    }
    const slot = (h1 ^ (h1 >>> 12)) & 4095;
    const e = this.gfpTable[slot];
    if (e && e.h2 === h2 && e.len === b - a) return e.mask;
    const text = s.slice(a, b);
    let mask: number;
    if (text === 'none') mask = 0;
    else {
      try {
        mask = parseGfp(text, 'gfp_flags');
      } catch (err) {
        throw new LineError(err instanceof Error ? err.message : String(err));
      }
    }
    this.gfpTable[slot] = { h2, len: b - a, mask };
    return mask;
  }

  // ---- kmem events ----

  private alloc(): void {
    const sc = this.sc;
    const pfn = this.pageAndPfn();
    const order = sc.field(' order=');
    sc.field(' migratetype=');
    sc.expect(' gfp_flags=');
    const gfp = this.gfp();
    const rs = this.rs;
    if (order < 0 || order >= rs.buddy.maxOrder) throw new LineError(`order ${order} outside 0..${rs.buddy.maxOrder - 1}`);
    const ev = this.out.events;
    if (this.skipping) {
      ev.skipped++;
      if (pfn < 0) return;
      const t = this.idx(pfn);
      this.lastEv[t] = LE_A;
      this.prevWasZ = false;
      this.touchAllocated(t, order, true);
      this.pendTargets.push(t);
      this.pendTargetOrders.push(order);
      return;
    }
    ev.replayed++;
    ev.allocs.requests++;
    this.prevWasZ = false;
    const cpu = this.cpuOf();
    let t = -1;
    let nid = rs.nodeIds[0]!;
    if (pfn >= 0) {
      t = this.idx(pfn);
      this.lastEv[t] = LE_A;
      this.touchAllocated(t, order, false);
      const zi = rs.buddy.zoneIndexOf(pfn);
      if (zi >= 0) nid = rs.zoneNid[zi]!;
    } else ev.allocs.kernelFailed++;
    const kind = kindOfTracedAlloc(gfp, order, rs.buddy.pageblockOrder);
    const sim = allocPages(rs, gfp, order, nid, cpu, kind, 0, 0);
    if (sim >= 0) {
      const s = sim - this.base;
      if (t >= 0) {
        this.tie[t] = s;
        this.tflag[t] = T_TRACED;
        this.rtie[s] = t;
        ev.allocs.pages += 1 << order;
      } else {
        // the kernel failed this request: its caller went on without the page, so the simulator gives it back
        ev.allocs.simServedKernelFailure++;
        freePages(rs, sim, cpu);
      }
    } else if (t >= 0) ev.allocs.simFailed++;
    this.afterSimAction();
  }

  /**
   * A traced allocation (or refill or drain) of pfn t: the kernel had it free. A starting-state
   * page still held there is released; a traced page still held lost its identity (orphan).
   */
  private touchAllocated(t: number, order: number, inSpan: boolean): void {
    const f = this.tflag[t];
    if (f === T_TRACED) {
      this.out.events.reallocated++;
      this.orphanTied(t, inSpan);
    }
    const end = Math.min(this.n, t + (1 << order));
    for (let k = f === T_SNAP ? t : t + 1; k < end; k++) if (this.tflag[k] === T_SNAP) this.releaseSnapshot(k);
  }

  /** Free the starting-state page tied to traced pfn k (the kernel had it free). */
  private releaseSnapshot(k: number, count = true): void {
    const s = this.tie[k]!;
    this.untie(k);
    if (s < 0) return;
    const rs = this.rs;
    const tag = rs.buddy.tag[s]!;
    if (!isAllocHead(tag)) return;
    freePages(rs, s + this.base, this.cpuOf());
    if (count) this.out.events.released++;
  }

  private untie(t: number): void {
    const s = this.tie[t]!;
    if (s >= 0 && this.rtie[s] === t) this.rtie[s] = R_NONE;
    this.tie[t] = -1;
    this.tflag[t] = T_NONE;
  }

  /** The page tied to t lost its kernel identity: an orphan now, or a pending one inside a span. */
  private orphanTied(t: number, inSpan: boolean): void {
    const s = this.tie[t]!;
    this.tie[t] = -1;
    this.tflag[t] = T_NONE;
    if (s < 0 || this.rtie[s] !== t) return;
    const tag = this.rs.buddy.tag[s]!;
    if (!isAllocHead(tag)) {
      this.rtie[s] = R_NONE;
      return;
    }
    this.rtie[s] = R_ORPHAN;
    if (inSpan) this.pendOrphans.push(s);
    else {
      this.orphans[tag & PS_ORDER_MASK]!.push(s);
      this.out.events.orphaned++;
    }
  }

  private free(): void {
    const sc = this.sc;
    const pfn = this.pageAndPfn();
    const order = sc.field(' order=');
    const rs = this.rs;
    if (pfn < 0) throw new LineError('mm_page_free of a NULL page');
    if (order < 0 || order >= rs.buddy.maxOrder) throw new LineError(`order ${order} outside 0..${rs.buddy.maxOrder - 1}`);
    const t = this.idx(pfn);
    const last = this.lastEv[t]!;
    this.lastEv[t] = LE_F;
    const ev = this.out.events;
    const afterZ = this.prevWasZ;
    if (!sc.inIrq) this.prevWasZ = false;
    if (this.skipping) {
      ev.skipped++;
      const f = this.tflag[t];
      if (f !== T_NONE) this.orphanTied(t, true);
      return;
    }
    ev.replayed++;
    const cpu = this.cpuOf();
    const f = this.tflag[t];
    if (f === T_TRACED) {
      const s = this.tie[t]!;
      this.untie(t);
      const tag = rs.buddy.tag[s]!;
      if (!isAllocHead(tag)) {
        ev.unknownFrees++;
        ev.unknown.untracked++;
        return;
      }
      if ((tag & PS_ORDER_MASK) !== order) ev.frees.orderMismatch++;
      ev.frees.tied++;
      if (afterZ && sc.inIrq && order === 0) {
        // the softirq found the pcp locked by the refill it interrupted: free_one_page (no PGFREE)
        ev.frees.softirqToBuddy++;
        const zi = rs.buddy.zoneIndexOf(s + this.base);
        untrackPage(rs, zi, s, 0);
        const b = rs.buddy;
        freeOnePageToBuddy(rs, zi, s, 0, b.pbType[((s + this.base) >> b.pageblockOrder) - b.pbBase]!);
        rs.trace?.emit('mm_page_free', s + this.base, 0, 0, 0, 0);
      } else freePages(rs, s + this.base, cpu);
      this.afterSimAction();
      return;
    }
    if (f === T_SNAP) {
      // the snapshot's page at that pfn (one or more starting blocks covering the freed range)
      ev.unknownFrees++;
      ev.unknown.snapshot++;
      const end = Math.min(this.n, t + (1 << order));
      for (let k = t; k < end; k++) if (this.tflag[k] === T_SNAP) this.releaseSnapshot(k, false);
      this.afterSimAction();
      return;
    }
    if (this.cmaTies.length && this.inCmaTie(pfn)) {
      ev.frees.cmaPages++;
      return;
    }
    ev.unknownFrees++;
    if (last === LE_A) {
      ev.unknown.unserved++;
      return;
    }
    if (last === LE_Z || last === LE_F || last === LE_B) {
      ev.unknown.bulk++;
      return;
    }
    const s = this.takeOrphan(order);
    if (s < 0) {
      ev.unknown.untracked++;
      return;
    }
    ev.unknown.orphan++;
    freePages(rs, s + this.base, cpu);
    this.afterSimAction();
  }

  private takeOrphan(order: number): number {
    const q = this.orphans[order]!;
    const tag = this.rs.buddy.tag;
    for (;;) {
      const s = q.shift();
      if (s < 0) return -1;
      if (this.rtie[s] === R_ORPHAN && tag[s] === (PS_ALLOC | order)) {
        this.rtie[s] = R_NONE;
        return s;
      }
    }
  }

  private inCmaTie(pfn: number): boolean {
    for (const c of this.cmaTies) if (pfn >= c.kpfn && pfn < c.kpfn + c.count) return true;
    return false;
  }

  /** Z, D, B: the kernel's own pcp traffic (compared, not replayed). */
  private pcpEvent(kind: number): void {
    const sc = this.sc;
    const pfn = this.pageAndPfn();
    const k = this.out.pcp.kernel;
    let order = 0;
    if (kind !== LE_B) {
      order = sc.field(' order=');
      const mt = sc.field(' migratetype=');
      if (kind === LE_Z) {
        const refill = sc.field(' percpu_refill=');
        if (refill === 1 || mt === 4) {
          k.refillBlocks++;
          k.refillPages += 1 << order;
        }
      } else {
        k.drainBlocks++;
        k.drainPages += 1 << order;
      }
      if (order < 0 || order >= this.rs.buddy.maxOrder) throw new LineError(`order ${order} outside 0..${this.rs.buddy.maxOrder - 1}`);
    }
    if (pfn < 0) throw new LineError('NULL page');
    const t = this.idx(pfn);
    this.lastEv[t] = kind;
    const skip = this.skipping;
    if (skip) this.out.events.skipped++;
    else this.out.events.compared++;
    this.prevWasZ = kind === LE_Z;
    if (kind !== LE_B && this.tflag[t] !== T_NONE) this.touchAllocated(t, order, skip);
  }

  // ---- other events ----

  private other(ev: number): void {
    const sc = this.sc;
    const e = this.out.events;
    switch (ev) {
      case EV.EXTFRAG:
        this.out.pcp.kernel.extfrag++;
        return;
      case EV.COMPACTION_SUITABLE: {
        if (sc.seek(' order=')) {
          this.lastSuitablePid = sc.pid;
          this.lastSuitableOrder = sc.num();
        }
        return;
      }
      case EV.TRY_TO_COMPACT:
        this.lastTryPid = sc.pid;
        return;
      case EV.KCOMPACTD_WAKE: {
        sc.expect('nid=');
        const nid = sc.num();
        sc.expect(' order=');
        const order = sc.num();
        let zidx = -1;
        if (sc.seek('classzone_idx=')) zidx = this.rs.names.indexOf(sc.rest().trim() as never);
        this.kcompactdWake = { nid, order, zidx };
        this.kcompactdRan = false;
        return;
      }
      case EV.KCOMPACTD_SLEEP:
        this.kcompactdWake = null;
        this.kcompactdRan = false;
        return;
      case EV.COMPACTION_BEGIN:
        this.compactionBegin();
        return;
      case EV.COMPACTION_END:
        if (this.compactPids.length) {
          const k = this.compactPids.indexOf(sc.pid);
          if (k >= 0) {
            this.compactPids.splice(k, 1);
            if (!this.inAnySpan) this.spanEnd();
          }
        }
        return;
      case EV.WAKEUP_KSWAPD: {
        const k = this.out.kswapd.kernel;
        if (this.doSpan) k.inCommands.wakeups++;
        else k.wakeups.push(this.lineNo);
        return;
      }
      case EV.KSWAPD_WAKE: {
        const k = this.out.kswapd.kernel;
        if (this.doSpan) k.inCommands.wakes++;
        else {
          k.wakes.push(this.lineNo);
          if (this.kernelLastKswapd !== 'wake') k.episodes++;
        }
        this.kernelLastKswapd = 'wake';
        return;
      }
      case EV.KSWAPD_SLEEP: {
        const k = this.out.kswapd.kernel;
        if (this.doSpan) k.inCommands.sleeps++;
        else k.sleeps.push(this.lineNo);
        this.kernelLastKswapd = 'sleep';
        return;
      }
      case EV.DIRECT_RECLAIM_END:
      case EV.LRU_SHRINK_INACTIVE: {
        if (sc.seek('nr_reclaimed=') && sc.num() > 0) {
          this.reclaimProgress = true;
          for (const nd of this.rs.nodes) nd.kswapdFailures = 0;
        }
        return;
      }
      case EV.CMA_ALLOC_START:
        this.cmaStart();
        return;
      case EV.CMA_ALLOC_FINISH:
        this.cmaFinish();
        return;
      case EV.CMA_RELEASE:
        this.cmaRelease();
        return;
      default:
        e.ignored++;
    }
  }

  private compactionBegin(): void {
    const sc = this.sc;
    if (this.skipping) return; // a do command's or a cma_alloc's own compaction
    sc.expect('zone_start=');
    const zoneStart = sc.num();
    const pid = sc.pid;
    this.compactPids.push(pid);
    const rs = this.rs;
    const c = this.out.events.compactions;
    const zi = zoneStart >= this.base && zoneStart < this.base + this.n ? rs.buddy.zoneIndexOf(zoneStart) : -1;
    if (sc.commStarts('kcompactd')) {
      if (this.kcompactdRan) return;
      this.kcompactdRan = true;
      const w = this.kcompactdWake;
      const ni = w ? Math.max(0, rs.nodeIndex(w.nid)) : zi >= 0 ? rs.zoneNode[zi]! : 0;
      if (w && w.order > 0) {
        const nd = rs.nodes[ni]!;
        if (nd.kcompactdOrder < w.order) nd.kcompactdOrder = w.order;
        if (w.zidx >= 0) nd.kcompactdHighestZoneidx = w.zidx;
        kcompactdDoWork(rs, ni, this.cpuOf());
        c.kcompactd++;
      } else {
        proactiveCompactNode(rs, ni, this.cpuOf());
        c.proactive++;
      }
      this.afterSimAction();
      return;
    }
    if (this.lastTryPid === pid) {
      c.directSkipped++;
      return;
    }
    if (this.lastSuitablePid === pid && this.lastSuitableOrder === -1 && zi >= 0) {
      // compact_memory: compact_node's control for this zone (sync, whole zone, no goal order)
      const cc = newCompactControl({ order: -1, mode: MIGRATE_SYNC, ignoreSkipHint: true, wholeZone: true, cpu: this.cpuOf() });
      cc.zi = zi;
      compactZone(rs, cc);
      c.compactMemory++;
      this.afterSimAction();
      return;
    }
    c.directSkipped++;
  }

  // ---- CMA (outside do spans) ----

  private cmaArea(name: string): CmaAreaLike | null {
    const cma = (this.run as unknown as { cma?: CmaAreaLike[] }).cma;
    if (!Array.isArray(cma) || !cma.length) return null;
    return cma.find((a) => a.name === name) ?? (name.startsWith('hugetlb') ? cma.find((a) => a.name?.startsWith('hugetlb')) : undefined) ?? cma[0]!;
  }

  private cmaStart(): void {
    if (this.skipping) return;
    const sc = this.sc;
    sc.expect('name=');
    const st = sc.p;
    sc.skipToken();
    const name = sc.s.slice(st, sc.p);
    sc.expect(' count=');
    const count = sc.num();
    sc.expect(' align=');
    const align = sc.num();
    const area = this.cmaArea(name);
    let simPfn = -1;
    if (area) {
      const r = area.alloc(count, align);
      simPfn = typeof r === 'number' ? r : r && typeof r === 'object' && typeof (r as { pfn?: unknown }).pfn === 'number' ? (r as { pfn: number }).pfn : -1;
      this.afterSimAction();
    } else this.warn(`line ${this.lineNo}: cma_alloc of ${count} pages in '${name}': this build has no run-time CMA allocator, so the simulator skips it`);
    this.cmaPending = { area, simPfn, count };
    this.cmaPid = sc.pid;
  }

  private cmaFinish(): void {
    const sc = this.sc;
    if (this.cmaPid < 0 || sc.pid !== this.cmaPid) return;
    this.cmaPid = -1;
    const p = this.cmaPending;
    this.cmaPending = null;
    if (sc.seek('pfn=')) {
      const kpfn = sc.num();
      sc.expect(' page=');
      const ok = sc.pointer() !== 0 && kpfn >= this.base && kpfn < this.base + this.n;
      if (ok && p && p.area && p.simPfn >= 0) this.cmaTies.push({ kpfn, count: p.count, simPfn: p.simPfn, area: p.area });
    }
    if (!this.inAnySpan) this.spanEnd();
  }

  private cmaRelease(): void {
    if (this.skipping) return;
    const sc = this.sc;
    if (!sc.seek('pfn=')) return;
    const kpfn = sc.num();
    const k = this.cmaTies.findIndex((c) => c.kpfn === kpfn);
    if (k < 0) return;
    const c = this.cmaTies[k]!;
    this.cmaTies.splice(k, 1);
    c.area.release(c.simPfn, c.count);
    this.afterSimAction();
  }

  // ---- spans ----

  /** The end of a kernel-execution span: re-tie the pages whose identity moved. */
  private spanEnd(): void {
    const po = this.pendOrphans;
    const pt = this.pendTargets;
    const ptO = this.pendTargetOrders;
    if (!po.length) {
      pt.length = 0;
      ptO.length = 0;
      return;
    }
    const tag = this.rs.buddy.tag;
    const byOrder: number[][] = [];
    for (const s of po) {
      if (this.rtie[s] !== R_ORPHAN || !isAllocHead(tag[s]!)) continue;
      (byOrder[tag[s]! & PS_ORDER_MASK] ??= []).push(s);
    }
    const cur: number[] = [];
    for (let k = 0; k < pt.length; k++) {
      const o = ptO[k]!;
      const list = byOrder[o];
      if (!list) continue;
      const at = cur[o] ?? 0;
      if (at >= list.length) continue;
      cur[o] = at + 1;
      const s = list[at]!;
      const t = pt[k]!;
      if (this.tflag[t] !== T_NONE) this.untie(t);
      this.tie[t] = s;
      this.tflag[t] = T_TRACED;
      this.rtie[s] = t;
      this.out.events.retied++;
    }
    byOrder.forEach((list, o) => {
      for (let k = cur[o] ?? 0; k < list.length; k++) {
        this.orphans[o]!.push(list[k]!);
        this.out.events.orphaned++;
      }
    });
    po.length = 0;
    pt.length = 0;
    ptO.length = 0;
  }

  /** A page migrated by the simulator: its tie (or orphan or snapshot status) follows it. */
  private migrated(oldPfn: number, newPfn: number): void {
    if (!this.migrateOn) return;
    const o = oldPfn - this.base;
    const nw = newPfn - this.base;
    const r = this.rtie[o]!;
    if (r === R_NONE) return;
    this.rtie[o] = R_NONE;
    this.rtie[nw] = r;
    if (r >= 0) this.tie[r] = nw;
    else if (r === R_ORPHAN) this.orphans[this.rs.buddy.tag[o]! & PS_ORDER_MASK]!.push(nw);
  }

  /** After a command the simulator ran: drop ties to pages it freed. */
  private validateTies(): void {
    const tag = this.rs.buddy.tag;
    for (let t = 0; t < this.n; t++) {
      const s = this.tie[t]!;
      if (s < 0) continue;
      if (!isAllocHead(tag[s]!) || this.rtie[s] !== t) {
        this.tie[t] = -1;
        this.tflag[t] = T_NONE;
        if (this.rtie[s] === t) this.rtie[s] = R_NONE;
      }
    }
  }

  // ---- kswapd ----

  /** After the simulator allocated, freed or ran something: did its watermark logic wake kswapd; would a woken one sleep? */
  private afterSimAction(): void {
    const nodes = this.rs.nodes;
    if (nodes.length === 1) {
      const nd = nodes[0]!;
      if (nd.kswapdWakes !== this.wakeTotal) this.woke();
      else if (this.awakeAny) this.kswapdTurn();
      return;
    }
    let total = 0;
    for (const nd of nodes) total += nd.kswapdWakes;
    if (total !== this.wakeTotal) this.woke();
    else if (this.awakeAny) this.kswapdTurn();
  }

  private woke(): void {
    const nodes = this.rs.nodes;
    let total = 0;
    nodes.forEach((nd, ni) => {
      total += nd.kswapdWakes;
      const k = nd.kswapdWakes - this.wokeAt[ni]!;
      this.wokeAt[ni] = nd.kswapdWakes;
      for (let j = 0; j < k; j++) (this.doSpan ? this.out.kswapd.wakesInCommands : this.out.kswapd.wakes).push(this.lineNo);
    });
    this.wakeTotal = total;
    this.reclaimProgress = false;
    this.kswapdTurn();
  }

  /**
   * One run of the woken kswapd (balance_pgdat, then kswapd_try_to_sleep), without reclaim: the
   * trace's frees are the reclaim. balance_pgdat returns at once when the node is balanced and
   * nothing is boosted; otherwise it tries to reclaim, and with no progress in the trace since the
   * wake counts a kswapd failure; its end removes the boost of the zones it covered. Then
   * prepare_kswapd_sleep: kswapd sleeps where pgdat_balanced holds at the order it was woken for, or
   * once the node is hopeless (kswapd_failures ≥ MAX_RECLAIM_RETRIES). A kswapd that does not sleep
   * runs again at the simulator's next step.
   */
  private kswapdTurn(): void {
    const rs = this.rs;
    let any = false;
    rs.nodes.forEach((nd, ni) => {
      if (!nd.kswapdAwake) return;
      const highest = nd.kswapdHighestZoneidx < 0 ? rs.nz - 1 : nd.kswapdHighestZoneidx;
      let boosted = false;
      for (let idx = 0; idx <= highest; idx++) {
        const zi = rs.nodeZone[ni * rs.nz + idx]!;
        if (zi >= 0 && rs.boost[zi]! > 0) boosted = true;
      }
      if (boosted || !pgdatBalanced(rs, ni, nd.kswapdOrder, highest)) {
        if (this.reclaimProgress) nd.kswapdFailures = 0;
        else nd.kswapdFailures++;
        for (let idx = 0; idx <= highest; idx++) {
          const zi = rs.nodeZone[ni * rs.nz + idx]!;
          if (zi >= 0) rs.boost[zi] = 0;
        }
      }
      if (nd.kswapdFailures >= MAX_RECLAIM_RETRIES || pgdatBalanced(rs, ni, nd.kswapdOrder, highest)) {
        nd.kswapdAwake = false;
        nd.kswapdOrder = 0;
        nd.kswapdHighestZoneidx = -1;
        this.out.kswapd.sleeps.push(this.lineNo);
      } else any = true;
    });
    this.awakeAny = any;
  }

  // ---- marks and commands ----

  private mark(raw: string): void {
    let texts: string[] = [raw];
    for (const r of this.rules) {
      const hit = typeof r.match === 'string' ? raw.includes(r.match) : (r.match.lastIndex = 0, r.match.test(raw));
      if (!hit) continue;
      const rep = Array.isArray(r.replace) ? r.replace : [r.replace];
      texts = rep.map((x) => (typeof r.match === 'string' ? x : raw.replace(r.match, x)));
      break;
    }
    for (const text of texts) {
      if (this.ended) return;
      if (!this.started) {
        if (this.opts.startMark !== undefined && text.includes(this.opts.startMark)) {
          this.started = true;
          this.out.window.startLine = this.lineNo;
          this.snapshotMark(text, raw);
        }
        continue;
      }
      if (this.opts.endMark !== undefined && text.includes(this.opts.endMark)) {
        this.snapshotMark(text, raw);
        this.ended = true;
        this.out.window.endLine = this.lineNo;
        return;
      }
      if (text.startsWith('mmbook: do ')) {
        this.snapshotMark(text, raw);
        this.command(text.slice('mmbook: do '.length).trim());
      } else if (text === 'mmbook: done' || text.startsWith('mmbook: done ')) {
        if (this.doSpan) {
          this.doSpan = false;
          if (!this.inAnySpan) this.spanEnd();
        } else this.warn(`line ${this.lineNo}: 'mmbook: done' without a 'mmbook: do'`);
        this.snapshotMark(text, raw);
      } else this.snapshotMark(text, raw);
    }
  }

  private snapshotMark(text: string, raw: string): void {
    const m: ReplayMark = { text, line: this.lineNo };
    if (raw !== text) m.original = raw;
    if (this.files.length) {
      const v = runView(this.rs);
      for (const f of this.files) m[f] = renderProc(v, f);
    }
    this.out.marks.push(m);
  }

  private command(cmd: string): void {
    const rs = this.rs;
    const rec: ReplayCommand = { command: cmd, line: this.lineNo, requested: null, got: null };
    if (this.doSpan) this.warn(`line ${this.lineNo}: 'mmbook: do ${cmd}' inside another command's span: the first span now ends here`);
    if (this.compactPids.length || this.cmaPid >= 0) this.spanEnd();
    this.compactPids.length = 0;
    this.cmaPid = -1;
    this.doSpan = true;
    this.doLine = this.lineNo;
    let m: RegExpExecArray | null;
    if ((m = /^hugetlb\s+(\d+)\s*kB\s+(\d+)$/i.exec(cmd))) {
      const sizeKb = Number(m[1]);
      const want = Number(m[2]);
      rec.requested = want;
      const h = (this.run as unknown as { hugetlb?: HugetlbLike }).hugetlb;
      if (h && typeof h.setNrHugepages === 'function') rec.got = h.setNrHugepages(sizeKb, want);
      else {
        rec.note = 'this build has no run-time hugetlb pool (run.hugetlb): not run';
        this.warn(`line ${this.lineNo}: hugetlb commands are not run: this build has no run-time hugetlb pool`);
      }
    } else if (cmd === 'compact_memory') {
      rec.got = this.run.compactMemory().migrated;
      this.out.events.compactions.compactMemory++;
    } else if ((m = /^drop_caches\s+(\d+)$/.exec(cmd))) {
      const v = Number(m[1]);
      rec.requested = v;
      const filePages = (): number => rs.nodes.reduce((sum, nd) => sum + nd.kindPages[KIND_FILE]! + nd.kindPages[KIND_FILE_DIRTY]!, 0);
      const before = filePages();
      try {
        this.run.run([{ op: 'drop_caches', value: v } as never]);
        rec.got = before - filePages();
      } catch (e) {
        if (!(e instanceof MmError) || e.code !== 'RUN_BAD_OP') throw e;
        rec.note = 'this build has no drop_caches (the reclaim module): not run';
        this.warn(`line ${this.lineNo}: drop_caches is not run: this build has no reclaim module`);
      }
    } else if ((m = /^sysctl\s+((?:vm\.)?[a-z_]+)\s*=\s*(\S.*)$/.exec(cmd))) {
      const name = m[1]!.startsWith('vm.') ? m[1]! : `vm.${m[1]}`;
      rec.requested = m[2]!;
      this.run.sysctl(name, m[2]!);
      rec.got = m[2]!;
    } else {
      this.fail('TRACE_COMMAND', `unknown command 'mmbook: do ${clip(cmd)}'; commands: hugetlb SIZEkB N, compact_memory, drop_caches N, sysctl vm.NAME=VALUE`);
    }
    this.validateTies();
    this.afterSimAction();
    this.out.commands.push(rec);
  }

  /** Stop: the result (the simulator's state stays as the replay left it). */
  finish(): ReplayResult {
    if (this.finished) return this.finished;
    if (this.carry && !this.ended) {
      const c = this.carry;
      this.carry = '';
      this.one(c, 0, c.length);
    }
    if (this.doSpan) this.warn(`line ${this.doLine}: 'mmbook: do' without 'mmbook: done' before the end of the replay`);
    if (this.opts.startMark !== undefined && !this.started) {
      this.detach();
      throw new MmError('TRACE_NO_START', `no mark containing '${clip(this.opts.startMark)}' in the trace (${this.lineNo} lines)`, '--start-mark');
    }
    if (this.opts.endMark !== undefined && !this.ended) this.warn(`no mark containing '${this.opts.endMark}' after the start: replayed to the end of the trace`);
    this.spanEnd();
    this.detach();
    const o = this.out;
    o.window.lines = this.lineNo;
    if (this.sc.lost) o.warnings.unshift(`the trace lost ${this.sc.lost} events (CPU:N [LOST M EVENTS] lines: the ring buffer overran): the replay misses them, so their pages' later events look unknown`);
    if (this.sc.headerCpus > this.rs.cpus) o.warnings.unshift(`the trace was recorded on ${this.sc.headerCpus} CPUs (#P:${this.sc.headerCpus}); the machine has ${this.rs.cpus}: CPU N replays on CPU N mod ${this.rs.cpus}`);
    o.vmstat = renderProc(runView(this.rs), 'vmstat');
    this.finished = o;
    return o;
  }
}

function clip(s: string): string {
  const t = s.replace(/[^\x20-\x7e]/g, '?');
  return t.length > 160 ? t.slice(0, 157) + '...' : t;
}

/**
 * Replay a whole trace: text, or lines (an iterable of strings without newlines). The run is
 * changed in place; pass `run.clone()` to keep the start.
 */
export function replayTrace(run: RunningMachine, trace: string | Iterable<string>, opts: ReplayOptions = {}): ReplayResult {
  const r = new TraceReplay(run, opts);
  if (typeof trace === 'string') r.feed(trace);
  else for (const line of trace) {
    if (r.done) break;
    r.feedLine(line);
  }
  return r.finish();
}
