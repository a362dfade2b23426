/** One colour per zone type, used by every plot so a zone looks the same everywhere. */
export const ZONE_COLORS: Record<string, string> = {
  DMA: '#4e79a7',
  DMA32: '#59a14f',
  Normal: '#f28e2b',
  HighMem: '#b07aa1',
  Movable: '#76b7b2',
  Device: '#9c755f',
};
export const ZONE_ORDER = Object.keys(ZONE_COLORS);
export const SET_COLORS: Record<string, string> = { memory: '#8cb0d9', reserved: '#e15759', zones: '#999999' };
export const WATERMARK_COLORS = { min: '#e15759', low: '#edc948', high: '#59a14f', free: '#bab0ac' } as const;

/**
 * Plot color scale options giving every zone its fixed colour. With `present`, the legend lists
 * only those zones (a zone a machine does not populate is not worth a swatch); colours stay fixed.
 */
export function zoneColorScale(present?: Iterable<string>): { domain: string[]; range: string[]; legend: boolean } {
  const want = present ? new Set(present) : undefined;
  const listed = want ? ZONE_ORDER.filter((z) => want.has(z)) : [];
  const domain = listed.length ? listed : ZONE_ORDER;
  return { domain, range: domain.map((z) => ZONE_COLORS[z]), legend: true };
}

/** One colour per migratetype (MIGRATETYPE_NAMES order), for pageblock maps and free-list plots. */
export const MIGRATETYPE_COLORS: Record<string, string> = {
  Unmovable: '#e15759',
  Movable: '#8cd17d',
  Reclaimable: '#f1ce63',
  HighAtomic: '#b07aa1',
  CMA: '#4e79a7',
  Isolate: '#79706e',
};
