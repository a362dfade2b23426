/**
 * The replayed kmem events. `mm_page_alloc` is a request the simulator's __alloc_pages serves on
 * the traced page's node and the traced CPU, and the traced pfn is tied to the page it chose.
 * `mm_page_free` frees the tied page (to the buddy directly for a softirq free right after a
 * refill burst); a free with no tie is an *unknown free*, resolved by the pfn's history
 * (docs/replay.md). Inside a kernel-execution span both are skipped, and the pages they name
 * are recorded for the span's end.
 */
import { PS_ORDER_MASK } from '../buddy/page-state';
import { allocPages } from '../page_alloc/alloc-pages';
import { freePages, freeOnePageToBuddy } from '../page_alloc/free';
import { untrackPage } from '../run/page-accounting';
import { afterSimAction } from './kswapd';
import { kindOfTracedAlloc } from './kind';
import { LineError } from './parse';
import type { ReplayState } from './state';
import { isAllocHead, orphanTied, releaseSnapshot, TIE, takeOrphan, touchAllocated, untie } from './ties';

const { LE_A, LE_B, LE_F, LE_Z, T_NONE, T_SNAP, T_TRACED } = TIE;

/** mm_page_alloc: `page=… pfn=… order=N migratetype=M gfp_flags=…`. */
export function replayAlloc(st: ReplayState): void {
  const sc = st.sc;
  const pfn = st.kmemBody(1, true);
  const order = sc.order;
  const gfp = st.gfpTable.lookup(sc);
  const rs = st.rs;
  if (order < 0 || order >= rs.buddy.maxOrder) throw new LineError(`order ${order} outside 0..${rs.buddy.maxOrder - 1}`);
  const ev = st.out.events;
  if (st.skipping) {
    ev.skipped++;
    if (pfn < 0) return;
    const t = st.idx(pfn);
    st.lastEv[t] = LE_A;
    st.prevWasZ = false;
    touchAllocated(st, t, order, true);
    st.pendTargets.push(t);
    st.pendTargetOrders.push(order);
    return;
  }
  ev.replayed++;
  ev.allocs.requests++;
  st.prevWasZ = false;
  const cpu = st.cpuOf();
  let t = -1;
  let nid = rs.nodeIds[0]!;
  if (pfn >= 0) {
    t = st.idx(pfn);
    st.lastEv[t] = LE_A;
    touchAllocated(st, t, order, false);
    const zi = rs.buddy.zoneIndexOf(pfn);
    if (zi >= 0) nid = rs.zoneNid[zi]!;
  } else ev.allocs.kernelFailed++;
  const kind = kindOfTracedAlloc(gfp, order, rs.buddy.pageblockOrder);
  const sim = allocPages(rs, gfp, order, nid, cpu, kind, 0, 0);
  if (sim >= 0) {
    const s = sim - st.base;
    if (t >= 0) {
      st.tie[t] = s;
      st.tflag[t] = T_TRACED;
      st.rtie[s] = t;
      ev.allocs.pages += 1 << order;
    } else {
      // the kernel failed this request: its caller went on without the page, so the simulator gives it back
      ev.allocs.simServedKernelFailure++;
      freePages(rs, sim, cpu);
    }
  } else if (t >= 0) ev.allocs.simFailed++;
  afterSimAction(st);
}

/** mm_page_free: `page=… pfn=… order=N`. */
export function replayFree(st: ReplayState): void {
  const sc = st.sc;
  const pfn = st.kmemBody(0, false);
  const order = sc.order;
  const rs = st.rs;
  if (pfn < 0) throw new LineError('mm_page_free of a NULL page');
  if (order < 0 || order >= rs.buddy.maxOrder) throw new LineError(`order ${order} outside 0..${rs.buddy.maxOrder - 1}`);
  const t = st.idx(pfn);
  const last = st.lastEv[t]!;
  st.lastEv[t] = LE_F;
  const ev = st.out.events;
  const afterZ = st.prevWasZ;
  if (!sc.inIrq) st.prevWasZ = false;
  if (st.skipping) {
    ev.skipped++;
    const f = st.tflag[t];
    if (f !== T_NONE) orphanTied(st, t, true);
    return;
  }
  ev.replayed++;
  const cpu = st.cpuOf();
  const f = st.tflag[t];
  if (f === T_TRACED) {
    const s = st.tie[t]!;
    untie(st, t);
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
      const zi = rs.buddy.zoneIndexOf(s + st.base);
      untrackPage(rs, zi, s, 0);
      const b = rs.buddy;
      freeOnePageToBuddy(rs, zi, s, 0, b.pbType[((s + st.base) >> b.pageblockOrder) - b.pbBase]!);
      rs.trace?.emit('mm_page_free', s + st.base, 0, 0, 0, 0);
    } else freePages(rs, s + st.base, cpu);
    afterSimAction(st);
    return;
  }
  if (f === T_SNAP) {
    // the snapshot's page at that pfn (one or more starting blocks covering the freed range)
    ev.unknownFrees++;
    ev.unknown.snapshot++;
    const end = Math.min(st.n, t + (1 << order));
    for (let k = t; k < end; k++) if (st.tflag[k] === T_SNAP) releaseSnapshot(st, k, false);
    afterSimAction(st);
    return;
  }
  if (st.cmaTies.length && inCmaTie(st, pfn)) {
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
  const s = takeOrphan(st, order);
  if (s < 0) {
    ev.unknown.untracked++;
    return;
  }
  ev.unknown.orphan++;
  freePages(rs, s + st.base, cpu);
  afterSimAction(st);
}

/** Is the pfn inside a range the simulator's cma_alloc holds for a traced one? */
function inCmaTie(st: ReplayState, pfn: number): boolean {
  for (const c of st.cmaTies) if (pfn >= c.kpfn && pfn < c.kpfn + c.count) return true;
  return false;
}
