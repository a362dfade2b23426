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
 *   right after a refill burst (6.1 free_unref_page: the pcp trylock failed) goes straight
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
import type { RunningMachine } from '../run/running-machine';
import type { RunState } from '../run/run-state';
import { replayLine } from './dispatch';
import { completeResult, type ReplayOptions, type ReplayResult } from './result';
import { clip, ReplayState } from './state';
import { migrated, spanEnd } from './ties';

export type { MarkRule, ReplayOptions, ReplayMark, ReplayCommand, PcpTraffic, ReplayResult } from './result';

export class TraceReplay {
  readonly run: RunningMachine;
  readonly rs: RunState;
  private readonly st: ReplayState;
  /** a partial line at the end of the last chunk */
  private carry = '';
  private finished: ReplayResult | null = null;

  constructor(run: RunningMachine, opts: ReplayOptions = {}) {
    this.run = run;
    this.rs = run.rs;
    const st = new ReplayState(run, opts);
    this.st = st;
    run.addMigrateListener((o, nw) => migrated(st, o, nw));
  }

  /** Lines read so far. */
  get line(): number {
    return this.st.lineNo;
  }

  /** The end mark was reached: further input is ignored. */
  get done(): boolean {
    return this.st.ended;
  }

  /** Feed a chunk of trace text; complete lines are replayed, a trailing partial line is kept for the next chunk. */
  feed(chunk: string): void {
    const st = this.st;
    if (st.ended || this.finished) return;
    let a = 0;
    if (this.carry) {
      const nl = chunk.indexOf('\n');
      if (nl < 0) {
        this.carry += chunk;
        return;
      }
      const first = this.carry + chunk.slice(0, nl);
      this.carry = '';
      replayLine(st, first, 0, first.length);
      a = nl + 1;
    }
    const len = chunk.length;
    while (a < len && !st.ended) {
      const nl = chunk.indexOf('\n', a);
      if (nl < 0) {
        this.carry = chunk.slice(a);
        return;
      }
      replayLine(st, chunk, a, nl);
      a = nl + 1;
    }
  }

  /** Replay one line (without its newline). */
  feedLine(line: string): void {
    if (this.st.ended || this.finished) return;
    if (this.carry) this.feed('\n');
    replayLine(this.st, line, 0, line.length);
  }

  /** Stop: the result (the simulator's state stays as the replay left it). */
  finish(): ReplayResult {
    if (this.finished) return this.finished;
    const st = this.st;
    if (this.carry && !st.ended) {
      const c = this.carry;
      this.carry = '';
      replayLine(st, c, 0, c.length);
    }
    if (st.doSpan) st.warn(`line ${st.doLine}: 'mmbook: do' without 'mmbook: done' before the end of the replay`);
    if (st.opts.startMark !== undefined && !st.started) {
      st.detach();
      throw new MmError('TRACE_NO_START', `no mark containing '${clip(st.opts.startMark)}' in the trace (${st.lineNo} lines)`, '--start-mark');
    }
    if (st.opts.endMark !== undefined && !st.ended) st.warn(`no mark containing '${st.opts.endMark}' after the start: replayed to the end of the trace`);
    spanEnd(st);
    st.detach();
    this.finished = completeResult(st.out, this.rs, st.lineNo, st.sc.lost, st.sc.headerCpus);
    return this.finished;
  }
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
