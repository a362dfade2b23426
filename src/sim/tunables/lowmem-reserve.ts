/**
 * lowmem_reserve[]: how many pages of a lower zone are kept back from allocations that
 * could have used a higher zone ("protection" in /proc/zoneinfo).
 *
 * Two algorithms exist:
 * - upper-zone walk (v5.10.0 .. 5.10.49): for each upper zone j, walk down; a lower zone with
 *   ratio 0 or no managed pages gets 0 and its pages are NOT added to the running sum;
 * - cumulative (upstream v5.11 470c61d70299 "mm: page_alloc: refactor
 *   setup_per_zone_lowmem_reserve()" with "mm/page_alloc: fix counting of managed_pages"; both
 *   backported to 5.10.50, stable review "[PATCH 5.10 297/593]" of 12 Jul 2021, so the Debian
 *   5.10.223 the 5.10 profile pins has it, as do 6.1): lowmem_reserve[i][j] =
 *   sum(managed[i+1..j]) / ratio[i], or 0 when ratio[i] is 0 or zone i has no managed pages.
 * Both give the same result unless a zone between i and j has ratio 0 or no managed pages.
 */
import { cloneState, type TZone, type TunableState } from './state';
import { calculateTotalreservePagesMut } from './totalreserve';

export type LowmemReserveAlgorithm = 'cumulative' | 'upper-walk';

/**
 * The algorithm a state uses: its explicit lowmemReserveAlgorithm, else the profile's (both pinned
 * profiles, 5.10.223 and 6.1, use the cumulative loop).
 */
export function lowmemReserveAlgorithm(s: Pick<TunableState, 'kernel' | 'lowmemReserveAlgorithm'>): LowmemReserveAlgorithm {
  return s.lowmemReserveAlgorithm ?? 'cumulative';
}

function nodeZones(d: TunableState): Map<number, TZone[]> {
  const byNode = new Map<number, TZone[]>();
  for (const z of d.zones) {
    let arr = byNode.get(z.nid);
    if (!arr) byNode.set(z.nid, (arr = []));
    arr[z.idx] = z;
  }
  return byNode;
}

const managedOf = (zs: TZone[], i: number): number => zs[i]?.managed ?? 0;

/** setup_per_zone_lowmem_reserve, cumulative form (5.10.50+, 6.1 mm/page_alloc.c), rows only. */
export function lowmemReserveCumulativeMut(d: TunableState): void {
  for (const zs of nodeZones(d).values()) {
    for (let i = 0; i < d.nrZoneTypes - 1; i++) {
      const zone = zs[i];
      if (!zone) continue;
      const ratio = d.lowmemReserveRatio[i] ?? 0;
      const clear = !ratio || !zone.managed;
      let managedPages = 0;
      for (let j = i + 1; j < d.nrZoneTypes; j++) {
        managedPages += managedOf(zs, j);
        zone.lowmemReserve[j] = clear ? 0 : Math.floor(managedPages / ratio);
      }
    }
  }
}

/** setup_per_zone_lowmem_reserve, upper-zone walk form (v5.10.0 .. 5.10.49 mm/page_alloc.c), rows only. */
export function lowmemReserveUpperWalkMut(d: TunableState): void {
  for (const zs of nodeZones(d).values()) {
    for (let j = 0; j < d.nrZoneTypes; j++) {
      const zone = zs[j];
      if (!zone) continue;
      let managedPages = zone.managed;
      zone.lowmemReserve[j] = 0;
      for (let idx = j - 1; idx >= 0; idx--) {
        const lower = zs[idx];
        if (!lower) continue;
        const ratio = d.lowmemReserveRatio[idx] ?? 0;
        if (!ratio || !lower.managed) {
          lower.lowmemReserve[j] = 0;
          continue;
        }
        lower.lowmemReserve[j] = Math.floor(managedPages / ratio);
        managedPages += lower.managed;
      }
    }
  }
}

/**
 * setup_per_zone_lowmem_reserve (mm/page_alloc.c), in place: the profile's algorithm (or the
 * one given), then calculate_totalreserve_pages.
 */
export function setupPerZoneLowmemReserveMut(d: TunableState, algorithm?: LowmemReserveAlgorithm): void {
  const alg = algorithm ?? lowmemReserveAlgorithm(d);
  if (alg === 'cumulative') lowmemReserveCumulativeMut(d);
  else lowmemReserveUpperWalkMut(d);
  calculateTotalreservePagesMut(d);
}

/** setup_per_zone_lowmem_reserve (mm/page_alloc.c): returns a new state. */
export function setupPerZoneLowmemReserve(s: TunableState, algorithm?: LowmemReserveAlgorithm): TunableState {
  const d = cloneState(s);
  setupPerZoneLowmemReserveMut(d, algorithm);
  return d;
}
