/**
 * Ties between traced pfns and simulated pages. A traced allocation ties its pfn to the page the
 * simulator chose (`tie[t] = s`, and back `rtie[s] = t`); the starting state's allocated pages are
 * tied to their own pfns (T_SNAP). A page whose kernel identity moved without an event (a pfn
 * allocated again while tied, a migration source inside a kernel-execution span) becomes an
 * *orphan*: a later free the trace cannot place frees an orphan of its order. At a span's end the
 * moved pages are re-tied to the span's traced allocations (migration targets) of the same order.
 * The simulator's own migrations carry the ties along.
 */
import { PS_ALLOC, PS_ORDER_MASK } from '../buddy/page-state';
import { freePages } from '../page_alloc/free';
import type { ReplayState } from './state';

/**
 * The per-pfn states: LE_* the last kmem event seen per traced pfn (lastEv), T_* what a traced pfn
 * is tied to (tflag), R_* rtie's values besides a traced pfn. The modules that read them per event
 * take module-private copies (`const { … } = TIE`): V8 reads a module's own constant cheaper than
 * an imported binding.
 */
export const TIE = {
  LE_NONE: 0, LE_A: 1, LE_F: 2, LE_B: 3, LE_Z: 4, LE_D: 5,
  T_NONE: 0, T_TRACED: 1, T_SNAP: 2,
  R_NONE: -1, R_ORPHAN: -2,
} as const;
const { T_NONE, T_TRACED, T_SNAP, R_NONE, R_ORPHAN } = TIE;

/** The state byte of an allocated block's head (PS_ALLOC|order; free-block tags share the bit through their migratetype). */
export function isAllocHead(t: number): boolean {
  return (t & 0xf0) === PS_ALLOC;
}

/** A growable queue of ints. */
export class IntQueue {
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

/**
 * A traced allocation (or refill or drain) of pfn t: the kernel had it free. A starting-state
 * page still held there is released; a traced page still held lost its identity (orphan).
 */
export function touchAllocated(st: ReplayState, t: number, order: number, inSpan: boolean): void {
  const f = st.tflag[t];
  if (f === T_TRACED) {
    st.out.events.reallocated++;
    orphanTied(st, t, inSpan);
  }
  const end = Math.min(st.n, t + (1 << order));
  for (let k = f === T_SNAP ? t : t + 1; k < end; k++) if (st.tflag[k] === T_SNAP) releaseSnapshot(st, k);
}

/** Free the starting-state page tied to traced pfn k (the kernel had it free). */
export function releaseSnapshot(st: ReplayState, k: number, count = true): void {
  const s = st.tie[k]!;
  untie(st, k);
  if (s < 0) return;
  const rs = st.rs;
  const tag = rs.buddy.tag[s]!;
  if (!isAllocHead(tag)) return;
  freePages(rs, s + st.base, st.cpuOf());
  if (count) st.out.events.released++;
}

export function untie(st: ReplayState, t: number): void {
  const s = st.tie[t]!;
  if (s >= 0 && st.rtie[s] === t) st.rtie[s] = R_NONE;
  st.tie[t] = -1;
  st.tflag[t] = T_NONE;
}

/** The page tied to t lost its kernel identity: an orphan now, or a pending one inside a span. */
export function orphanTied(st: ReplayState, t: number, inSpan: boolean): void {
  const s = st.tie[t]!;
  st.tie[t] = -1;
  st.tflag[t] = T_NONE;
  if (s < 0 || st.rtie[s] !== t) return;
  const tag = st.rs.buddy.tag[s]!;
  if (!isAllocHead(tag)) {
    st.rtie[s] = R_NONE;
    return;
  }
  st.rtie[s] = R_ORPHAN;
  if (inSpan) st.pendOrphans.push(s);
  else {
    st.orphans[tag & PS_ORDER_MASK]!.push(s);
    st.out.events.orphaned++;
  }
}

/** An orphan of this order still allocated as such (its queue entry taken), or −1. */
export function takeOrphan(st: ReplayState, order: number): number {
  const q = st.orphans[order]!;
  const tag = st.rs.buddy.tag;
  for (;;) {
    const s = q.shift();
    if (s < 0) return -1;
    if (st.rtie[s] === R_ORPHAN && tag[s] === (PS_ALLOC | order)) {
      st.rtie[s] = R_NONE;
      return s;
    }
  }
}

/** The end of a kernel-execution span: re-tie the pages whose identity moved. */
export function spanEnd(st: ReplayState): void {
  const po = st.pendOrphans;
  const pt = st.pendTargets;
  const ptO = st.pendTargetOrders;
  if (!po.length) {
    pt.length = 0;
    ptO.length = 0;
    return;
  }
  const tag = st.rs.buddy.tag;
  const byOrder: number[][] = [];
  for (const s of po) {
    if (st.rtie[s] !== R_ORPHAN || !isAllocHead(tag[s]!)) continue;
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
    if (st.tflag[t] !== T_NONE) untie(st, t);
    st.tie[t] = s;
    st.tflag[t] = T_TRACED;
    st.rtie[s] = t;
    st.out.events.retied++;
  }
  byOrder.forEach((list, o) => {
    for (let k = cur[o] ?? 0; k < list.length; k++) {
      st.orphans[o]!.push(list[k]!);
      st.out.events.orphaned++;
    }
  });
  po.length = 0;
  pt.length = 0;
  ptO.length = 0;
}

/** A page migrated by the simulator: its tie (or orphan or snapshot status) follows it. */
export function migrated(st: ReplayState, oldPfn: number, newPfn: number): void {
  if (!st.migrateOn) return;
  const o = oldPfn - st.base;
  const nw = newPfn - st.base;
  const r = st.rtie[o]!;
  if (r === R_NONE) return;
  st.rtie[o] = R_NONE;
  st.rtie[nw] = r;
  if (r >= 0) st.tie[r] = nw;
  else if (r === R_ORPHAN) st.orphans[st.rs.buddy.tag[o]! & PS_ORDER_MASK]!.push(nw);
}

/** After a command the simulator ran: drop ties to pages it freed. */
export function validateTies(st: ReplayState): void {
  const tag = st.rs.buddy.tag;
  for (let t = 0; t < st.n; t++) {
    const s = st.tie[t]!;
    if (s < 0) continue;
    if (!isAllocHead(tag[s]!) || st.rtie[s] !== t) {
      st.tie[t] = -1;
      st.tflag[t] = T_NONE;
      if (st.rtie[s] === t) st.rtie[s] = R_NONE;
    }
  }
}
