/**
 * Which pages are on the per-cpu lists. kpageflags cannot show them: a pcp page has refcount 0 and
 * free_pages_prepare cleared its flags, so it reads as a page with no flags at all, exactly like
 * most kernel allocations (vmalloc, stacks, page-table pages without PG_table, …). zoneinfo gives
 * how many there are per CPU; this picks that many flag-less pages, by rules in this order:
 *
 * 1. 'below-free': flag-less pages just below a free run, inside the same MAX_ORDER block, at most
 *    `batch` per run, nearest first. rmqueue_bulk refills take a block's pages from its low end
 *    upwards (expand() returns the upper halves to the free lists), so the run's free pages are
 *    what the last refill left, and the pages right below it are that refill's, the last to be
 *    handed out from the list.
 * 2. 'image': flag-less pages inside the booted machine's kernel image and initrd reservations.
 *    free_initmem and free_initrd_mem give those pages back page by page through the pcp lists,
 *    where (high is in the thousands) they stay until allocations take them.
 * 3. 'rest': the other flag-less pages, highest pfn first.
 * Checked against the traces of the oracle-rt runs (the pfns first seen in an allocation or a
 * pcp drain after rt_before): see test/snapshot.
 */
import type { RunState } from '../run/run-state';

export const PCP_RULES = ['below-free', 'image', 'rest'] as const;
export type PcpRule = (typeof PCP_RULES)[number];

export interface PcpPick {
  /** the pages, in rule order */
  pfns: number[];
  byRule: Record<PcpRule, number>;
}

/**
 * Pick `want` pages of zone [zs, ze) where `candidate(i)` (index i = pfn − basePfn); `freeRuns`
 * are the starts of the zone's free runs; `images` pfn ranges of the kernel image and initrd.
 */
export function pickPcpPages(
  rs: RunState,
  zs: number,
  ze: number,
  want: number,
  candidate: (i: number) => boolean,
  freeRunStarts: readonly number[],
  images: ReadonlyArray<{ start: number; end: number }>,
  batch: number,
): PcpPick {
  const base = rs.buddy.basePfn;
  const taken = new Set<number>();
  const pfns: number[] = [];
  const byRule: Record<PcpRule, number> = { 'below-free': 0, image: 0, rest: 0 };
  const take = (pfn: number, rule: PcpRule): boolean => {
    if (pfns.length >= want) return false;
    if (taken.has(pfn) || !candidate(pfn - base)) return true;
    taken.add(pfn);
    pfns.push(pfn);
    byRule[rule]++;
    return true;
  };
  const maxBlock = 2 ** (rs.buddy.maxOrder - 1);
  for (const s of freeRunStarts) {
    const floor = Math.max(zs, Math.floor(s / maxBlock) * maxBlock);
    for (let pfn = s - 1, k = 0; pfn >= floor && k < batch && pfns.length < want; pfn--, k++) {
      if (!candidate(pfn - base)) break;
      take(pfn, 'below-free');
    }
  }
  for (const r of images) {
    for (let pfn = Math.min(r.end, ze) - 1; pfn >= Math.max(r.start, zs) && pfns.length < want; pfn--) take(pfn, 'image');
  }
  for (let pfn = ze - 1; pfn >= zs && pfns.length < want; pfn--) take(pfn, 'rest');
  return { pfns, byRule };
}
