/**
 * The hugetlb initcalls (mm/hugetlb.c, arch/*\/mm/hugetlbpage.c): the arch's hstates
 * (arch_initcall hugetlbpage_init), then subsys_initcall hugetlb_init: the HUGETLB_PAGE_ORDER
 * hstate, the default size and its count, hugetlb_cma_check, and gather_bootmem_prealloc, which
 * makes each gigantic page taken from memblock a pool page and adds it to the zone's managed pages
 * (adjust_managed_page_count): MemTotal grows by the boot-time gigantic pages.
 *
 * hugetlb_init_hstates' buddy-sized pools (hugepages= for 2 MiB or 64 KiB pages) come from the page
 * allocator: mmbook allocates them when boot ends (hugetlb/boot-pools.ts), and report_hugepages'
 * lines are printed then.
 */
import type { ArchBoot } from '../boot/context';
import type { Buddy } from '../buddy/buddy';
import { PS_ALLOC, PS_INUSE, PS_RESERVED } from '../buddy/page-state';
import { archHstateOrders, HUGETLB_PAGE_ORDER, stringGetSize } from '../hugetlb/hstate';
import { hugetlbAddHstate } from '../hugetlb/boot-state';

/**
 * Mark [pfn, pfn + n) as one gigantic compound page in the buddy's state bytes: allocated blocks of
 * order MAX_ORDER − 1 (the model's state byte holds orders below MAX_ORDER), the rest in use.
 */
export function markGiganticPage(b: Buddy, pfn: number, n: number): void {
  const step = 2 ** (b.maxOrder - 1);
  const i = pfn - b.basePfn;
  b.tag.fill(PS_INUSE, i, i + n);
  for (let k = 0; k < n; k += step) b.tag[i + k] = PS_ALLOC | (b.maxOrder - 1);
}

/** hugetlb_init up to gather_bootmem_prealloc. Returns the pages added to managed. */
export function hugetlbInit(b: ArchBoot, buddy: Buddy, dmesg: string[]): number {
  const h = b.hugetlb;
  if (!h) return 0;
  const first = b.nids[0] ?? 0;
  for (const order of archHstateOrders(b.profile.arch)) hugetlbAddHstate(h, order, first);
  const k = hugetlbAddHstate(h, HUGETLB_PAGE_ORDER, first);
  if (!h.parsedDefault) {
    h.defaultIdx = k;
    if (h.defaultMaxHugePages) {
      const hs = h.hstates[k]!;
      if (hs.maxHugePages) {
        dmesg.push(`HugeTLB: Ignoring hugepages=${hs.maxHugePages} associated with ${stringGetSize(4096 * 2 ** hs.order)} page size`);
        dmesg.push(`HugeTLB: Using hugepages=${h.defaultMaxHugePages} for number of default huge pages`);
      }
      hs.maxHugePages = h.defaultMaxHugePages;
      for (const [nid, n] of h.defaultPerNode) hs.maxPerNode.set(nid, n);
    }
  }
  // hugetlb_cma_check
  if (h.cmaSize && !h.cmaReserveCalled) dmesg.push("hugetlb_cma: the option isn't supported by current arch");
  // gather_bootmem_prealloc: huge_boot_pages is list_add'ed, so the last page taken comes first;
  // each is enqueued at the head of its node's free list
  let added = 0;
  for (let j = h.bootmem.length - 1; j >= 0; j--) {
    const m = h.bootmem[j]!;
    const pfn = Math.floor(m.pa / 4096);
    const n = 2 ** m.order;
    if (pfn < buddy.basePfn || pfn + n > buddy.endPfn) continue;
    let reserved = true;
    for (let p = pfn - buddy.basePfn; p < pfn - buddy.basePfn + n; p++) if (buddy.tag[p] !== PS_RESERVED) reserved = false;
    const zid = buddy.zoneIdOf(pfn);
    if (!reserved || zid < 0 || buddy.zoneIdOf(pfn + n - 1) !== zid) continue;
    markGiganticPage(buddy, pfn, n);
    buddy.adjustManagedPageCount(zid, n);
    added += n;
    h.pool.push({ pfn, order: m.order, nid: m.nid });
  }
  return added;
}
