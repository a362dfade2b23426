/**
 * The end of hugetlb_init: hugetlb_init_hstates allocates the buddy-sized boot pools
 * (hugetlb_hstate_alloc_pages: 6.1's per-node requests with alloc_fresh_huge_page, then
 * alloc_pool_huge_page round robin, with the "allocating … failed" warning on a shortfall), and
 * report_hugepages prints a line per size. The page allocator does the allocations: mmbook runs
 * them on a run state of the booted machine, drains the per-cpu lists, and keeps the resulting
 * page state as the boot snapshot (after the late frees of initrd and __init memory, which the
 * kernel does later: a simplification of placement only).
 */
import { Machine } from '../machine/machine';
import { drainAllPages } from '../page_alloc/pcp';
import { RunState } from '../run/run-state';
import type { BootHugePage, HugetlbBoot } from './boot-state';
import { isGigantic, reportHugepages, stringGetSize } from './hstate';
import { allocPoolHugePage, type NrHugepagesResult } from './resize';

function copyBoot(h: HugetlbBoot): HugetlbBoot {
  return { ...h, hstates: h.hstates.map((s) => ({ ...s, maxPerNode: new Map(s.maxPerNode) })), cmaArea: new Map(h.cmaArea), cmaPerNode: new Map(h.cmaPerNode), defaultPerNode: new Map(h.defaultPerNode), bootmem: [...h.bootmem], pool: [...h.pool] };
}

/** hugetlb_init_hstates for the non-gigantic sizes, then report_hugepages; returns the machine at boot end. */
export function hugetlbBootPools(m: Machine, reportAt: number): Machine {
  const h0 = m.parts.hugetlb;
  if (!h0) return m;
  const h = copyBoot(h0);
  const maxOrder = m.profile.config.maxOrder;
  const dmesg: string[] = [];
  let buddy = m.parts.buddy;
  const wanted = h.hstates.some((s) => !isGigantic(s.order, maxOrder) && s.maxHugePages > 0);
  if (wanted && buddy) {
    const rs = new RunState(m, { daemons: 'manual' });
    const nodes = [...rs.nodeIds].sort((a, b) => a - b);
    const res: NrHugepagesResult = { nrHugepages: 0, allocated: 0, freed: 0, fromCma: 0, fromContig: 0, migrated: 0, reclaimed: 0 };
    h.hstates.forEach((s, k) => {
      if (isGigantic(s.order, maxOrder) || s.maxHugePages <= 0) return;
      const size = stringGetSize(4096 * 2 ** s.order);
      let nodeSpecific = false;
      for (const nid of nodes) {
        const want = s.maxPerNode.get(nid) ?? 0;
        if (want <= 0) continue;
        nodeSpecific = true;
        let i = 0;
        while (i < want && allocPoolHugePage(rs, k, [nid], new Set(), res)) i++;
        if (i < want) {
          dmesg.push(`HugeTLB: allocating ${want} of page size ${size} failed node${nid}.  Only allocated ${i} hugepages.`);
          s.maxHugePages -= want - i;
          s.maxPerNode.set(nid, i);
        }
      }
      if (nodeSpecific) return;
      const noretry = new Set<number>();
      let i = 0;
      while (i < s.maxHugePages && allocPoolHugePage(rs, k, nodes, noretry, res)) i++;
      if (i < s.maxHugePages) {
        dmesg.push(`HugeTLB: allocating ${s.maxHugePages} of page size ${size} failed.  Only allocated ${i} hugepages.`);
        s.maxHugePages = i;
      }
    });
    drainAllPages(rs);
    const pool: BootHugePage[] = [];
    rs.hugetlb.pools.forEach((p, k) => {
      h.hstates[k]!.nextNidToAlloc = p.nextNidToAlloc;
      h.hstates[k]!.nextNidToFree = p.nextNidToFree;
      for (const [nid, l] of p.freeList) for (const pfn of l) pool.push({ pfn, order: p.order, nid });
    });
    h.pool = pool;
    h.buddyAllocSuccess = rs.vm.get('htlb_buddy_alloc_success');
    h.buddyAllocFail = rs.vm.get('htlb_buddy_alloc_fail');
    buddy = rs.buddy;
  }
  for (const s of h.hstates) {
    const pre = h.pool.filter((p) => p.order === s.order).length;
    dmesg.push(...reportHugepages(m.profile.behaviour, m.profile.arch, s.order, pre, m.profile.config.structPageSize));
  }
  const all = [...m.parts.dmesg];
  all.splice(reportAt, 0, ...dmesg);
  return new Machine({ ...m.parts, buddy, dmesg: all, hugetlb: h });
}
