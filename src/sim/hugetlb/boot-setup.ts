/**
 * The __setup handlers of mm/hugetlb.c, run by parse_args in start_kernel in command-line order
 * (after setup_arch, while memblock is still the allocator): hugepagesz_setup, hugepages_setup,
 * default_hugepagesz_setup, and for gigantic sizes hugetlb_hstate_alloc_pages with
 * alloc_bootmem_huge_page: memblock_alloc_try_nid_raw(size, align = size), nodes round robin,
 * top-down, so each page is the highest size-aligned free range. Those ranges stay reserved in
 * memblock; hugetlb_init's gather_bootmem_prealloc turns them into pool pages (hugetlb-init.ts).
 */
import type { ArchBoot } from '../boot/context';
import { archHugetlbValidSize, isGigantic, stringGetSize } from './hstate';
import { parseHugepageSize, parseHugepagesValue } from './boot-params';
import { hugetlbAddHstate, nextNode, type HugetlbBoot, type HstateBoot } from './boot-state';

function nodeOfPa(b: ArchBoot, pa: number): number {
  const r = b.mb.memory.find((m) => pa >= m.base && pa < m.base + m.size);
  return r?.nid ?? b.nids[0] ?? 0;
}

/** alloc_bootmem_huge_page(h, nid): one gigantic page from memblock (NUMA_NO_NODE: the hstate's next node). */
function allocBootmemHugePage(b: ArchBoot, hs: HstateBoot, nid: number): boolean {
  const size = 4096 * 2 ** hs.order;
  let node = nid;
  if (node < 0) {
    const n = nextNode(b.nids, hs.nextNidToAlloc);
    hs.nextNidToAlloc = n.next;
    node = n.nid;
  }
  const pa = b.mb.allocTryNid(size, size, 0, 0, node, { raw: true, caller: '__alloc_bootmem_huge_page+0x0/0x0' });
  if (!pa) return false;
  b.hugetlb!.bootmem.push({ pa, order: hs.order, nid: nodeOfPa(b, pa) });
  b.reservations.push({ what: `gigantic huge page (hugepages=)`, base: pa, size });
  return true;
}

/** hugetlb_hstate_alloc_pages for a gigantic hstate at parse time (6.1: per-node requests first). */
function hugetlbHstateAllocPages(b: ArchBoot, h: HugetlbBoot, hs: HstateBoot): void {
  if (h.cmaSize) {
    if (!h.skipWarned) b.dmesg.push('HugeTLB: hugetlb_cma is enabled, skip boot time allocation');
    h.skipWarned = true;
    return;
  }
  const size = stringGetSize(4096 * 2 ** hs.order);
  let nodeSpecific = false;
  for (const nid of b.nids) {
    const want = hs.maxPerNode.get(nid) ?? 0;
    if (want <= 0) continue;
    nodeSpecific = true;
    let i = 0;
    while (i < want && allocBootmemHugePage(b, hs, nid)) i++;
    if (i < want) {
      b.dmesg.push(`HugeTLB: allocating ${want} of page size ${size} failed node${nid}.  Only allocated ${i} hugepages.`);
      hs.maxHugePages -= want - i;
      hs.maxPerNode.set(nid, i);
    }
  }
  if (nodeSpecific) return;
  let i = 0;
  while (i < hs.maxHugePages && allocBootmemHugePage(b, hs, -1)) i++;
  if (i < hs.maxHugePages) {
    b.dmesg.push(`HugeTLB: allocating ${hs.maxHugePages} of page size ${size} failed.  Only allocated ${i} hugepages.`);
    hs.maxHugePages = i;
  }
}

/** hugepagesz_setup */
function hugepageszSetup(b: ArchBoot, h: HugetlbBoot, s: string, bytes: number): void {
  h.parsedValid = false;
  if (!archHugetlbValidSize(b.profile.arch, bytes)) {
    b.dmesg.push(`HugeTLB: unsupported hugepagesz=${s}`);
    return;
  }
  const order = Math.log2(bytes / 4096);
  const k = h.hstates.findIndex((x) => x.order === order);
  if (k >= 0) {
    // allowed only to name the default hstate whose count was not given yet
    if (!h.parsedDefault || k !== h.defaultIdx || h.hstates[k]!.maxHugePages) {
      b.dmesg.push(`HugeTLB: hugepagesz=${s} specified twice, ignoring`);
      return;
    }
    h.parsedHstate = k;
    h.parsedValid = true;
    return;
  }
  h.parsedHstate = hugetlbAddHstate(h, order, b.nids[0] ?? 0);
  h.parsedValid = true;
}

/** hugepages_setup */
function hugepagesSetup(b: ArchBoot, h: HugetlbBoot, s: string): void {
  if (!h.parsedValid) {
    b.dmesg.push(`HugeTLB: hugepages=${s} does not follow a valid hugepagesz, ignoring`);
    h.parsedValid = true;
    return;
  }
  const toDefault = h.hstates.length === 0;
  const key = toDefault ? 'default' : `h${h.parsedHstate}`;
  if (key === h.lastMhp) {
    b.dmesg.push(`HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=${s}`);
    return;
  }
  const hs = toDefault ? null : h.hstates[h.parsedHstate]!;
  const v = parseHugepagesValue(s, b.profile.behaviour.hugetlb.perNodeParams, (nid) => b.nids.includes(nid));
  if (v.kind === 'invalid') {
    b.dmesg.push(`HugeTLB: Invalid hugepages parameter ${v.at}`);
    // hugepages_clear_pages_in_node
    if (hs) {
      hs.maxHugePages = 0;
      hs.maxPerNode.clear();
    } else {
      h.defaultMaxHugePages = 0;
      h.defaultPerNode.clear();
    }
    return;
  }
  if (v.kind === 'count') {
    if (hs) hs.maxHugePages = v.count;
    else h.defaultMaxHugePages = v.count;
  } else {
    for (const [nid, n] of v.perNode) {
      if (hs) {
        hs.maxPerNode.set(nid, n);
        hs.maxHugePages += n;
      } else {
        h.defaultPerNode.set(nid, n);
        h.defaultMaxHugePages += n;
      }
    }
  }
  if (hs && isGigantic(hs.order, b.profile.config.maxOrder)) hugetlbHstateAllocPages(b, h, hs);
  h.lastMhp = key;
}

/** default_hugepagesz_setup */
function defaultHugepageszSetup(b: ArchBoot, h: HugetlbBoot, s: string, bytes: number): void {
  h.parsedValid = false;
  if (h.parsedDefault) {
    b.dmesg.push(`HugeTLB: default_hugepagesz previously specified, ignoring ${s}`);
    return;
  }
  if (!archHugetlbValidSize(b.profile.arch, bytes)) {
    b.dmesg.push(`HugeTLB: unsupported default_hugepagesz=${s}`);
    return;
  }
  const order = Math.log2(bytes / 4096);
  const existed = h.hstates.some((x) => x.order === order);
  const k = hugetlbAddHstate(h, order, b.nids[0] ?? 0);
  if (!existed) h.parsedHstate = k;
  h.parsedValid = true;
  h.parsedDefault = true;
  h.defaultIdx = k;
  if (h.defaultMaxHugePages) {
    const hs = h.hstates[k]!;
    hs.maxHugePages = h.defaultMaxHugePages;
    for (const [nid, n] of h.defaultPerNode) hs.maxPerNode.set(nid, n);
    if (isGigantic(order, b.profile.config.maxOrder)) hugetlbHstateAllocPages(b, h, hs);
    h.defaultMaxHugePages = 0;
  }
}

/** parse_args' hugetlb handlers, in command-line order. */
export function hugetlbParseArgs(b: ArchBoot): void {
  const h = b.hugetlb;
  if (!h) return;
  for (const t of b.params.tokens) {
    if (t.value === null) continue; // "hugepages" without '=' matches no __setup string
    if (t.param === 'hugepagesz') hugepageszSetup(b, h, t.value, parseHugepageSize(t));
    else if (t.param === 'hugepages') hugepagesSetup(b, h, t.value);
    else if (t.param === 'default_hugepagesz') defaultHugepageszSetup(b, h, t.value, parseHugepageSize(t));
  }
}
