/** The MachineView fields that come from the tunables (src/sim/view.ts ZoneView). */
import type { ZoneView } from '../view';
import type { TZone } from './state';

export type TunableZoneFields = Pick<ZoneView, 'boost' | 'min' | 'low' | 'high' | 'promo' | 'protection' | 'statThreshold'> & {
  /** the per-CPU high and batch, the same for every CPU of the zone */
  pcpHigh: number;
  pcpBatch: number;
};

/** ZoneView fields of one zone: watermarks as printed (including boost), protection, pcp sizing. */
export function zoneTunableFields(z: TZone): TunableZoneFields {
  return {
    boost: z.boost,
    min: z.wmark.min + z.boost,
    low: z.wmark.low + z.boost,
    high: z.wmark.high + z.boost,
    promo: z.wmark.promo + z.boost,
    protection: [...z.lowmemReserve],
    statThreshold: z.statThreshold ?? 0,
    pcpHigh: z.pcpHigh,
    pcpBatch: z.pcpBatch,
  };
}
