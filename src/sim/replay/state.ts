/**
 * The state of one replay, shared by its parts (dispatch, ties, spans, marks, commands, kswapd):
 * the ties between traced pfns and simulated pages, the open kernel-execution spans, the window,
 * what the kswapd and compaction records need, and the checks made once per trace; with the small
 * helpers every part uses (errors and warnings, the traced CPU, the range check of a traced pfn,
 * the page and pfn of a kmem event).
 */
import { MmError } from '../errors';
import type { ProcName } from '../format/proc';
import type { RunningMachine } from '../run/running-machine';
import type { RunState } from '../run/run-state';
import type { TraceSink } from '../run/trace';
import { TraceLineScanner } from './parse';
import { GfpTable } from './gfp-table';
import { SimPcpSink } from './pcp';
import { DEFAULT_FILES, newResult, type MarkRule, type ReplayOptions, type ReplayResult } from './result';
import { IntQueue, isAllocHead, TIE } from './ties';

/** The structural type of the CMA API a RunningMachine may have (feature-detected). */
export interface CmaAreaLike {
  name?: string;
  alloc(count: number, align: number): unknown;
  release(pfn: number, count: number): unknown;
}

export class ReplayState {
  readonly run: RunningMachine;
  readonly rs: RunState;
  readonly sc = new TraceLineScanner();
  readonly opts: ReplayOptions;
  readonly files: readonly ProcName[];
  readonly rules: MarkRule[];
  readonly base: number;
  readonly n: number;
  // per traced pfn (index pfn − base)
  readonly tie: Int32Array;
  readonly tflag: Uint8Array;
  readonly lastEv: Uint8Array;
  // per simulated page head
  readonly rtie: Int32Array;
  readonly orphans: IntQueue[] = [];
  // spans
  doSpan = false;
  doLine = 0;
  /** the task whose compaction (or cma_alloc) span is open: its kmem events are skipped, other tasks' replayed */
  readonly compactPids: number[] = [];
  cmaPid = -1;
  readonly pendOrphans: number[] = [];
  readonly pendTargets: number[] = [];
  readonly pendTargetOrders: number[] = [];
  // window
  started: boolean;
  ended = false;
  lineNo = 0;
  prevWasZ = false;
  // context for compactions
  lastSuitablePid = -1;
  lastSuitableOrder = 0;
  lastTryPid = -1;
  kcompactdWake: { nid: number; order: number; zidx: number } | null = null;
  kcompactdRan = false;
  // kswapd
  wakeTotal = 0;
  awakeAny = false;
  readonly wokeAt: number[];
  readonly prevReclaimOff: boolean;
  reclaimProgress = false;
  kernelLastKswapd: 'none' | 'wake' | 'sleep' = 'none';
  // checks done once
  ptrChecked = false;
  pfnFormatChecked = false;
  cpuWarned = false;
  readonly gfpTable = new GfpTable();
  readonly sink: SimPcpSink;
  readonly prevSink: TraceSink | null;
  readonly cmaTies: Array<{ kpfn: number; count: number; simPfn: number; area: CmaAreaLike }> = [];
  cmaPending: { area: CmaAreaLike | null; simPfn: number; count: number } | null = null;
  migrateOn = true;
  readonly out: ReplayResult;

  constructor(run: RunningMachine, opts: ReplayOptions) {
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
    this.rtie = new Int32Array(this.n).fill(TIE.R_NONE);
    for (let o = 0; o < b.maxOrder; o++) this.orphans.push(new IntQueue());
    this.started = opts.startMark === undefined;
    // the starting state's allocated pages are the snapshot's: tied to their own pfns
    const tag = b.tag;
    for (let i = 0; i < this.n; i++) {
      const t = tag[i]!;
      if (isAllocHead(t)) {
        this.tie[i] = i;
        this.tflag[i] = TIE.T_SNAP;
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
    this.out = newResult(opts, this.sink.t);
  }

  fail(code: string, msg: string): never {
    this.detach();
    throw new MmError(code, `line ${this.lineNo}: ${msg}`, `trace line ${this.lineNo}`);
  }

  /** Give the run state back its trace subscriber and reclaim (at the end, or on an error). */
  detach(): void {
    this.migrateOn = false;
    if (this.rs.trace === this.sink) this.rs.trace = this.prevSink;
    this.rs.reclaimOff = this.prevReclaimOff;
  }

  warn(msg: string): void {
    if (!this.out.warnings.includes(msg)) this.out.warnings.push(msg);
  }

  /** Is the current event the kernel's own execution of something the simulator runs itself? */
  get skipping(): boolean {
    if (this.doSpan) return true;
    if (this.compactPids.length === 0 && this.cmaPid < 0) return false;
    const pid = this.sc.pid;
    return pid === this.cmaPid || this.compactPids.includes(pid);
  }

  /** Is any span open (the end of the last one pairs the moved pages)? */
  get inAnySpan(): boolean {
    return this.doSpan || this.compactPids.length > 0 || this.cmaPid >= 0;
  }

  /** The traced pfn's index, after the range check. */
  idx(pfn: number): number {
    const t = pfn - this.base;
    if (t < 0 || t >= this.n || !Number.isInteger(pfn)) {
      this.fail('TRACE_PFN', `${this.sc.eventName()} of pfn 0x${pfn.toString(16)}, outside this machine's pfns [0x${this.base.toString(16)}, 0x${(this.base + this.n).toString(16)})`);
    }
    return t;
  }

  /** The simulator's CPU for the traced one (CPU N on N mod cpus when the machine has fewer, with a warning). */
  cpuOf(): number {
    const c = this.sc.cpu;
    if (c < this.rs.cpus) return c;
    if (!this.cpuWarned) {
      this.cpuWarned = true;
      this.warn(`line ${this.lineNo}: events on CPU ${c}, but the machine has ${this.rs.cpus}: CPU N replays on CPU N mod ${this.rs.cpus}`);
    }
    return c % this.rs.cpus;
  }

  /**
   * Reads a kmem event's body, `page=… pfn=… order=N` and the fields after it (BodyReader.kmemBody);
   * returns the pfn (−1 for a NULL page). Until the trace's pointer width and pfn format are
   * checked (at the first page), the page and pfn are read and checked before the fields.
   */
  kmemBody(more: number, gfp: boolean): number {
    const sc = this.sc;
    if (this.ptrChecked && this.pfnFormatChecked) return sc.kmemBody(more, gfp);
    const pfn = this.pageAndPfn();
    sc.kmemFields(more, gfp);
    return pfn;
  }

  /** Reads `page=… pfn=…` of a kmem event; returns the pfn (−1 for a NULL page). */
  pageAndPfn(): number {
    const sc = this.sc;
    const pfn = sc.pagePfn();
    if (!this.ptrChecked && sc.pointerWidth) this.checkPointer(sc.pointerWidth);
    if (!this.pfnFormatChecked && sc.pointerWidth) this.checkPfnFormat(sc.lastPfnHex);
    return pfn;
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
}

/** A trace's text in an error message: printable, at most 160 characters. */
export function clip(s: string): string {
  const t = s.replace(/[^\x20-\x7e]/g, '?');
  return t.length > 160 ? t.slice(0, 157) + '...' : t;
}
