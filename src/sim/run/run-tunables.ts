/**
 * The bridge between the pure tunables calculator (src/sim/tunables) and a RunState: a sysctl
 * write hands the calculator the zones' current managed pages and boost (what the kernel's handler
 * reads at that moment), and copies its results (watermarks, boost, lowmem_reserve, pcp high and
 * batch) into the run state's typed arrays.
 */
import { writeSysctl, type TunableState } from '../tunables';
import { zoneId } from '../zone-types';
import { NR_WMARK, WMARK_HIGH, WMARK_LOW, WMARK_MIN, WMARK_PROMO, type RunState } from './run-state';

/** Copy the calculator's results into the run state. `pcp`: also pcp high and batch (every CPU). */
export function applyTunables(rs: RunState, t: TunableState, opts: { pcp: boolean }): void {
  rs.tunables = t;
  for (const tz of t.zones) {
    const zi = rs.zoneIndex(zoneId(tz.nid, tz.idx, rs.nz));
    if (zi < 0) continue;
    const w = zi * NR_WMARK;
    rs.wmark[w + WMARK_MIN] = tz.wmark.min;
    rs.wmark[w + WMARK_LOW] = tz.wmark.low;
    rs.wmark[w + WMARK_HIGH] = tz.wmark.high;
    rs.wmark[w + WMARK_PROMO] = tz.wmark.promo;
    rs.boost[zi] = tz.boost;
    for (let j = 0; j < rs.nz; j++) rs.lowmemReserve[zi * rs.nz + j] = tz.lowmemReserve[j] ?? 0;
    if (opts.pcp) {
      for (let cpu = 0; cpu < rs.cpus; cpu++) {
        rs.pcp.high[zi * rs.cpus + cpu] = tz.pcpHigh;
        rs.pcp.batch[zi * rs.cpus + cpu] = tz.pcpBatch;
      }
    }
  }
}

/** The tunables with the run state's current managed pages and boost filled in. */
export function currentTunables(rs: RunState): TunableState {
  const t = rs.tunables;
  return {
    ...t,
    zones: t.zones.map((tz) => {
      const zi = rs.zoneIndex(zoneId(tz.nid, tz.idx, rs.nz));
      if (zi < 0) return { ...tz, wmark: { ...tz.wmark }, lowmemReserve: [...tz.lowmemReserve] };
      return { ...tz, managed: rs.buddy.z.managed[zi], boost: rs.boost[zi], wmark: { ...tz.wmark }, lowmemReserve: [...tz.lowmemReserve] };
    }),
  };
}

/**
 * `echo value > /proc/sys/vm/NAME` on a running machine: the handler runs with the current
 * managed pages; what it recomputes is copied in (min_free_kbytes and watermark_scale_factor run
 * setup_per_zone_wmarks, which also clears every zone's boost).
 */
export function runSysctl(rs: RunState, name: string, value: string | number): void {
  const full = name.startsWith('vm.') ? name : `vm.${name}`;
  applyTunables(rs, writeSysctl(currentTunables(rs), full, value), { pcp: true });
}
