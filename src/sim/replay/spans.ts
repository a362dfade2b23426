/**
 * Where the kernel compacted or ran cma_alloc, the simulator runs its own, and the kmem events of
 * the kernel's run (the task's, between `mm_compaction_begin` and `_end`, or `cma_alloc_start` and
 * `_finish`) are skipped. `compact_memory` (a begin after `mm_compaction_suitable order=-1`)
 * compacts the zone; kcompactd's run (`mm_compaction_kcompactd_wake`, then begin) runs
 * kcompactd_do_work at the traced order, a kcompactd begin without a wake runs proactive
 * compaction; a direct compaction span is skipped, since the request that follows it runs the
 * simulator's slow path, which compacts (or not) on its own.
 */
import { compactZone } from '../compaction/compact-zone';
import { newCompactControl } from '../compaction/control';
import { MIGRATE_SYNC } from '../compaction/constants';
import { kcompactdDoWork, proactiveCompactNode } from '../compaction/kcompactd';
import { afterSimAction } from './kswapd';
import { EV } from './parse';
import type { CmaAreaLike, ReplayState } from './state';
import { spanEnd } from './ties';

/** The compaction events: the context of the next begin (suitable, try_to_compact, kcompactd's wake and sleep), begin and end. */
export function compactionEvent(st: ReplayState, ev: number): void {
  const sc = st.sc;
  switch (ev) {
    case EV.COMPACTION_SUITABLE:
      if (sc.seek(' order=')) {
        st.lastSuitablePid = sc.pid;
        st.lastSuitableOrder = sc.num();
      }
      return;
    case EV.TRY_TO_COMPACT:
      st.lastTryPid = sc.pid;
      return;
    case EV.KCOMPACTD_WAKE: {
      sc.expect('nid=');
      const nid = sc.num();
      sc.expect(' order=');
      const order = sc.num();
      let zidx = -1;
      if (sc.seek('classzone_idx=')) zidx = st.rs.names.indexOf(sc.rest().trim() as never);
      st.kcompactdWake = { nid, order, zidx };
      st.kcompactdRan = false;
      return;
    }
    case EV.KCOMPACTD_SLEEP:
      st.kcompactdWake = null;
      st.kcompactdRan = false;
      return;
    case EV.COMPACTION_BEGIN:
      compactionBegin(st);
      return;
    default:
      // COMPACTION_END
      if (st.compactPids.length) {
        const k = st.compactPids.indexOf(sc.pid);
        if (k >= 0) {
          st.compactPids.splice(k, 1);
          if (!st.inAnySpan) spanEnd(st);
        }
      }
  }
}

function compactionBegin(st: ReplayState): void {
  const sc = st.sc;
  if (st.skipping) return; // a do command's or a cma_alloc's own compaction
  sc.expect('zone_start=');
  const zoneStart = sc.num();
  const pid = sc.pid;
  st.compactPids.push(pid);
  const rs = st.rs;
  const c = st.out.events.compactions;
  const zi = zoneStart >= st.base && zoneStart < st.base + st.n ? rs.buddy.zoneIndexOf(zoneStart) : -1;
  if (sc.commStarts('kcompactd')) {
    if (st.kcompactdRan) return;
    st.kcompactdRan = true;
    const w = st.kcompactdWake;
    const ni = w ? Math.max(0, rs.nodeIndex(w.nid)) : zi >= 0 ? rs.zoneNode[zi]! : 0;
    if (w && w.order > 0) {
      const nd = rs.nodes[ni]!;
      if (nd.kcompactdOrder < w.order) nd.kcompactdOrder = w.order;
      if (w.zidx >= 0) nd.kcompactdHighestZoneidx = w.zidx;
      kcompactdDoWork(rs, ni, st.cpuOf());
      c.kcompactd++;
    } else {
      proactiveCompactNode(rs, ni, st.cpuOf());
      c.proactive++;
    }
    afterSimAction(st);
    return;
  }
  if (st.lastTryPid === pid) {
    c.directSkipped++;
    return;
  }
  if (st.lastSuitablePid === pid && st.lastSuitableOrder === -1 && zi >= 0) {
    // compact_memory: compact_node's control for this zone (sync, whole zone, no goal order)
    const cc = newCompactControl({ order: -1, mode: MIGRATE_SYNC, ignoreSkipHint: true, wholeZone: true, cpu: st.cpuOf() });
    cc.zi = zi;
    compactZone(rs, cc);
    c.compactMemory++;
    afterSimAction(st);
    return;
  }
  c.directSkipped++;
}

// ---- CMA (outside do spans) ----

function cmaArea(st: ReplayState, name: string): CmaAreaLike | null {
  const cma = (st.run as unknown as { cma?: CmaAreaLike[] }).cma;
  if (!Array.isArray(cma) || !cma.length) return null;
  return cma.find((a) => a.name === name) ?? (name.startsWith('hugetlb') ? cma.find((a) => a.name?.startsWith('hugetlb')) : undefined) ?? cma[0]!;
}

/** cma_alloc_start, cma_alloc_finish, cma_release: the simulator's own cma_alloc and cma_release. */
export function cmaEvent(st: ReplayState, ev: number): void {
  if (ev === EV.CMA_ALLOC_START) cmaStart(st);
  else if (ev === EV.CMA_ALLOC_FINISH) cmaFinish(st);
  else cmaRelease(st);
}

function cmaStart(st: ReplayState): void {
  if (st.skipping) return;
  const sc = st.sc;
  sc.expect('name=');
  const s0 = sc.p;
  sc.skipToken();
  const name = sc.s.slice(s0, sc.p);
  sc.expect(' count=');
  const count = sc.num();
  sc.expect(' align=');
  const align = sc.num();
  const area = cmaArea(st, name);
  let simPfn = -1;
  if (area) {
    const r = area.alloc(count, align);
    simPfn = typeof r === 'number' ? r : r && typeof r === 'object' && typeof (r as { pfn?: unknown }).pfn === 'number' ? (r as { pfn: number }).pfn : -1;
    afterSimAction(st);
  } else st.warn(`line ${st.lineNo}: cma_alloc of ${count} pages in '${name}': this build has no run-time CMA allocator, so the simulator skips it`);
  st.cmaPending = { area, simPfn, count };
  st.cmaPid = sc.pid;
}

function cmaFinish(st: ReplayState): void {
  const sc = st.sc;
  if (st.cmaPid < 0 || sc.pid !== st.cmaPid) return;
  st.cmaPid = -1;
  const p = st.cmaPending;
  st.cmaPending = null;
  if (sc.seek('pfn=')) {
    const kpfn = sc.num();
    sc.expect(' page=');
    const ok = sc.pointer() !== 0 && kpfn >= st.base && kpfn < st.base + st.n;
    if (ok && p && p.area && p.simPfn >= 0) st.cmaTies.push({ kpfn, count: p.count, simPfn: p.simPfn, area: p.area });
  }
  if (!st.inAnySpan) spanEnd(st);
}

function cmaRelease(st: ReplayState): void {
  if (st.skipping) return;
  const sc = st.sc;
  if (!sc.seek('pfn=')) return;
  const kpfn = sc.num();
  const k = st.cmaTies.findIndex((c) => c.kpfn === kpfn);
  if (k < 0) return;
  const c = st.cmaTies[k]!;
  st.cmaTies.splice(k, 1);
  c.area.release(c.simPfn, c.count);
  afterSimAction(st);
}
