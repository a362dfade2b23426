/**
 * kswapd in a replay. Reclaim is the trace's: the simulator never reclaims. Where its watermark
 * logic wakes kswapd (wakeup_kswapd) is recorded; the woken kswapd then "runs" at once without
 * reclaiming: balance_pgdat's end removes the boost it was woken for, and where pgdat_balanced
 * holds it goes to sleep (recorded), with kswapd_failures counted up unless the trace shows reclaim
 * progress since the wake. The trace's own kswapd events are recorded beside the simulator's.
 */
import { MAX_RECLAIM_RETRIES, pgdatBalanced } from '../vmscan/kswapd-wake';
import { EV } from './parse';
import type { ReplayState } from './state';

/** After the simulator allocated, freed or ran something: did its watermark logic wake kswapd; would a woken one sleep? */
export function afterSimAction(st: ReplayState): void {
  const nodes = st.rs.nodes;
  if (nodes.length === 1) {
    const nd = nodes[0]!;
    if (nd.kswapdWakes !== st.wakeTotal) woke(st);
    else if (st.awakeAny) kswapdTurn(st);
    return;
  }
  let total = 0;
  for (const nd of nodes) total += nd.kswapdWakes;
  if (total !== st.wakeTotal) woke(st);
  else if (st.awakeAny) kswapdTurn(st);
}

function woke(st: ReplayState): void {
  const nodes = st.rs.nodes;
  let total = 0;
  nodes.forEach((nd, ni) => {
    total += nd.kswapdWakes;
    const k = nd.kswapdWakes - st.wokeAt[ni]!;
    st.wokeAt[ni] = nd.kswapdWakes;
    for (let j = 0; j < k; j++) (st.doSpan ? st.out.kswapd.wakesInCommands : st.out.kswapd.wakes).push(st.lineNo);
  });
  st.wakeTotal = total;
  st.reclaimProgress = false;
  kswapdTurn(st);
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
function kswapdTurn(st: ReplayState): void {
  const rs = st.rs;
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
      if (st.reclaimProgress) nd.kswapdFailures = 0;
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
      st.out.kswapd.sleeps.push(st.lineNo);
    } else any = true;
  });
  st.awakeAny = any;
}

/**
 * The trace's own kswapd events (mm_vmscan_wakeup_kswapd, kswapd_wake, kswapd_sleep), outside `do`
 * spans by line and inside counted, with wake episodes (wakes up to a sleep); and reclaim progress
 * (`mm_vmscan_lru_shrink_inactive` or `direct_reclaim_end` with nr_reclaimed > 0), which resets
 * the kswapd failures the simulator counts.
 */
export function kernelKswapdEvent(st: ReplayState, ev: number): void {
  const k = st.out.kswapd.kernel;
  switch (ev) {
    case EV.WAKEUP_KSWAPD:
      if (st.doSpan) k.inCommands.wakeups++;
      else k.wakeups.push(st.lineNo);
      return;
    case EV.KSWAPD_WAKE:
      if (st.doSpan) k.inCommands.wakes++;
      else {
        k.wakes.push(st.lineNo);
        if (st.kernelLastKswapd !== 'wake') k.episodes++;
      }
      st.kernelLastKswapd = 'wake';
      return;
    case EV.KSWAPD_SLEEP:
      if (st.doSpan) k.inCommands.sleeps++;
      else k.sleeps.push(st.lineNo);
      st.kernelLastKswapd = 'sleep';
      return;
    default: {
      // DIRECT_RECLAIM_END, LRU_SHRINK_INACTIVE
      const sc = st.sc;
      if (sc.seek('nr_reclaimed=') && sc.num() > 0) {
        st.reclaimProgress = true;
        for (const nd of st.rs.nodes) nd.kswapdFailures = 0;
      }
    }
  }
}
