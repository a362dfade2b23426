/**
 * Per-cpu list traffic, compared rather than replayed: the kernel's own refills and drains
 * (`mm_page_alloc_zone_locked`, `mm_page_pcpu_drain`, `mm_page_free_batched` in the trace) and
 * the simulator's (its tracepoints, through SimPcpSink). A Z or D of a pfn the starting state
 * holds allocated tells that the kernel had it free, and releases the starting page.
 */
import type { TraceEventName, TraceSink } from '../run/trace';
import { LineError } from './parse';
import type { PcpTraffic } from './result';
import { zeroTraffic } from './result';
import type { ReplayState } from './state';
import { TIE, touchAllocated } from './ties';

const { LE_B, LE_Z, T_NONE } = TIE;

/** The simulator's own pcp traffic, from its tracepoints. */
export class SimPcpSink implements TraceSink {
  readonly t: PcpTraffic = zeroTraffic();
  constructor(private readonly next: TraceSink | null) {}
  emit(event: TraceEventName, a: number, b: number, c: number, d: number, e: number, f?: number, g?: number): void {
    if (event === 'mm_page_alloc_zone_locked') {
      // 6.1: refill = pcp order and list < PCPTYPES; a refill's CMA pages print percpu_refill=0 (__rmqueue_smallest passes migratetype < MIGRATE_PCPTYPES, and MIGRATE_CMA is not)
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

/** Z, D, B (kind LE_Z, LE_D, LE_B): the kernel's own pcp traffic (compared, not replayed). */
export function kernelPcpEvent(st: ReplayState, kind: number): void {
  const sc = st.sc;
  // B: the page and pfn only; Z: order, migratetype, percpu_refill; D: order, migratetype
  const pfn = kind === LE_B ? st.pageAndPfn() : st.kmemBody(kind === LE_Z ? 2 : 1, false);
  const k = st.out.pcp.kernel;
  let order = 0;
  if (kind !== LE_B) {
    order = sc.order;
    const mt = sc.mt;
    if (kind === LE_Z) {
      if (sc.refill === 1 || mt === 4) {
        k.refillBlocks++;
        k.refillPages += 1 << order;
      }
    } else {
      k.drainBlocks++;
      k.drainPages += 1 << order;
    }
    if (order < 0 || order >= st.rs.buddy.maxOrder) throw new LineError(`order ${order} outside 0..${st.rs.buddy.maxOrder - 1}`);
  }
  if (pfn < 0) throw new LineError('NULL page');
  const t = st.idx(pfn);
  st.lastEv[t] = kind;
  const skip = st.skipping;
  if (skip) st.out.events.skipped++;
  else st.out.events.compared++;
  st.prevWasZ = kind === LE_Z;
  if (kind !== LE_B && st.tflag[t] !== T_NONE) touchAllocated(st, t, order, skip);
}
