/**
 * totalreserve_pages: the pages the kernel treats as not available to user space
 * (high watermark plus the largest lowmem_reserve of each zone).
 */
import { cloneState, highWmarkPages, type TunableState } from './state';

/** calculate_totalreserve_pages (mm/page_alloc.c), in place on a draft state. */
export function calculateTotalreservePagesMut(d: TunableState): void {
  let reserve = 0;
  for (const z of d.zones) {
    // max over j >= i of lowmem_reserve[j] (the kernel starts `max` at 0, a long)
    let max = 0;
    for (let j = z.idx; j < d.nrZoneTypes; j++) {
      const r = z.lowmemReserve[j] ?? 0;
      if (r > max) max = r;
    }
    max += highWmarkPages(z);
    if (max > z.managed) max = z.managed;
    reserve += max;
  }
  d.totalreservePages = reserve;
}

/** calculate_totalreserve_pages (mm/page_alloc.c): returns a new state. */
export function calculateTotalreservePages(s: TunableState): TunableState {
  const d = cloneState(s);
  calculateTotalreservePagesMut(d);
  return d;
}

/** Per-node totalreserve (pgdat->totalreserve_pages), index = nid. */
export function nodeTotalreservePages(s: TunableState): number[] {
  const out: number[] = [];
  for (const z of s.zones) {
    let max = 0;
    for (let j = z.idx; j < s.nrZoneTypes; j++) max = Math.max(max, z.lowmemReserve[j] ?? 0);
    max = Math.min(max + highWmarkPages(z), z.managed);
    out[z.nid] = (out[z.nid] ?? 0) + max;
  }
  return out;
}
