/**
 * pagetypeinfo_showblockcount_print (mm/vmstat.c): the "Number of blocks type" row of a zone.
 * Walk pfn = zone_start_pfn, stepping pageblock_nr_pages, up to the zone end; count the pfns
 * that exist (pfn_to_online_page) and belong to the zone, by the type of the pageblock holding
 * the pfn. A zone that starts off-alignment therefore counts ceil(spanned / pageblock) blocks.
 * "Exists": with sectionShift, the pfn's memory section is present (SPARSEMEM gives hole pages in
 * a present section a struct page in the zone that spans them); without it, the pfn has a struct
 * page from memmapInit (it is memory in a zone).
 */
import { MIGRATE_TYPES } from '../types';
import type { Buddy } from './buddy';
import { PS_HOLE } from './page-state';

export function blocksByType(b: Buddy, zi: number): number[] {
  const count = new Array<number>(MIGRATE_TYPES).fill(0);
  const zs = b.z.start[zi];
  const ze = b.z.end[zi];
  const step = 1 << b.pageblockOrder;
  const sections = b.sectionPresent;
  const secPages = 2 ** (b.sectionShift ?? 0);
  const secBase = Math.floor(b.basePfn / secPages);
  for (let pfn = zs; pfn < ze; pfn += step) {
    const exists = sections ? sections[Math.floor(pfn / secPages) - secBase] === 1 : b.tag[pfn - b.basePfn] !== PS_HOLE;
    if (!exists) continue;
    count[b.pbType[(pfn >> b.pageblockOrder) - b.pbBase]]++;
  }
  return count;
}
