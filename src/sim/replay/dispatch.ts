/**
 * The event dispatch: one trace line is scanned, and its event goes to the part of the replay that
 * handles it (kmem requests and frees, the kernel's pcp traffic, marks, compaction and CMA spans,
 * kswapd records). Outside the window only marks are read. A line that does not parse is
 * TRACE_PARSE; an error of the simulator names the trace line.
 */
import { MmError } from '../errors';
import { compactionEvent, cmaEvent } from './spans';
import { kernelKswapdEvent } from './kswapd';
import { replayAlloc, replayFree } from './kmem';
import { mark } from './marks';
import { EV, LineError } from './parse';
import { kernelPcpEvent } from './pcp';
import { clip, type ReplayState } from './state';
import { TIE } from './ties';

const { LE_B, LE_D, LE_Z } = TIE;
// the codes every line is dispatched on, module-private (V8 reads a module's own constant cheaper than an imported one)
const { MARK, ALLOC, FREE, FREE_BATCHED, ZONE_LOCKED, PCPU_DRAIN, UNKNOWN } = EV;

/** Replay the line s[a, b) (without its newline). */
export function replayLine(st: ReplayState, s: string, a: number, b: number): void {
  st.lineNo++;
  const sc = st.sc;
  let ev: number;
  try {
    ev = sc.scan(s, a, b);
  } catch (e) {
    if (e instanceof LineError) st.fail('TRACE_PARSE', `${e.message}: ${clip(s.slice(a, b))}`);
    throw e;
  }
  if (ev < 0) return;
  try {
    if (!st.started || st.ended) {
      if (ev === MARK) mark(st, sc.rest());
      else st.out.events.outside++;
      return;
    }
    switch (ev) {
      case ALLOC:
        replayAlloc(st);
        break;
      case FREE:
        replayFree(st);
        break;
      case FREE_BATCHED:
        kernelPcpEvent(st, LE_B);
        break;
      case ZONE_LOCKED:
        kernelPcpEvent(st, LE_Z);
        break;
      case PCPU_DRAIN:
        kernelPcpEvent(st, LE_D);
        break;
      case MARK:
        mark(st, sc.rest());
        break;
      case UNKNOWN: {
        const name = sc.eventName();
        st.out.events.unknownEvents[name] = (st.out.events.unknownEvents[name] ?? 0) + 1;
        break;
      }
      default:
        otherEvent(st, ev);
    }
  } catch (e) {
    if (e instanceof LineError) st.fail('TRACE_PARSE', `${sc.eventName()}: ${e.message}: ${clip(s.slice(a, b))}`);
    st.detach();
    if (e instanceof MmError && !/^line \d+: /.test(e.message)) throw new MmError(e.code, `line ${st.lineNo}: ${e.message}`, `trace line ${st.lineNo}`);
    throw e;
  }
}

/** The events besides kmem and marks. */
function otherEvent(st: ReplayState, ev: number): void {
  switch (ev) {
    case EV.EXTFRAG:
      st.out.pcp.kernel.extfrag++;
      return;
    case EV.COMPACTION_SUITABLE:
    case EV.TRY_TO_COMPACT:
    case EV.KCOMPACTD_WAKE:
    case EV.KCOMPACTD_SLEEP:
    case EV.COMPACTION_BEGIN:
    case EV.COMPACTION_END:
      compactionEvent(st, ev);
      return;
    case EV.WAKEUP_KSWAPD:
    case EV.KSWAPD_WAKE:
    case EV.KSWAPD_SLEEP:
    case EV.DIRECT_RECLAIM_END:
    case EV.LRU_SHRINK_INACTIVE:
      kernelKswapdEvent(st, ev);
      return;
    case EV.CMA_ALLOC_START:
    case EV.CMA_ALLOC_FINISH:
    case EV.CMA_RELEASE:
      cmaEvent(st, ev);
      return;
    default:
      st.out.events.ignored++;
  }
}
