/**
 * The hugetlb state a boot builds (mm/hugetlb.c's globals and struct hstate), threaded through
 * setup_arch (hugetlb_cma_reserve), start_kernel's parse_args (hugepagesz=, hugepages=,
 * default_hugepagesz=, gigantic pages from memblock) and hugetlb_init (the default size, the
 * buddy-sized boot pools, gather_bootmem_prealloc, report_hugepages). The Machine keeps the result
 * (MachineParts.hugetlb) and every RunState starts its pools from it.
 */
import type { CmdlineToken } from '../input/cmdline';
import type { VersionRules } from '../kernel-behaviour';
import { parseHugetlbCma } from './boot-params';

export interface HstateBoot {
  /** huge_page_order */
  order: number;
  /** h->max_huge_pages: the boot request, cut to what was obtained */
  maxHugePages: number;
  /** h->max_huge_pages_node[] (6.1 hugepages=<nid>:<n>) */
  maxPerNode: Map<number, number>;
  /** h->next_nid_to_alloc / next_nid_to_free (node ids) */
  nextNidToAlloc: number;
  nextNidToFree: number;
}

/** A huge page in a pool at the end of boot. */
export interface BootHugePage {
  pfn: number;
  order: number;
  nid: number;
}

export interface HugetlbBoot {
  /** the hstates in registration order (sysfs and show_mem order) */
  hstates: HstateBoot[];
  /** default_hstate_idx (−1 until hugetlb_init picks one) */
  defaultIdx: number;
  parsedDefault: boolean;
  /** default_hstate_max_huge_pages and default_hugepages_in_node[] (a hugepages= before any size) */
  defaultMaxHugePages: number;
  defaultPerNode: Map<number, number>;
  /** hugepages_setup's state: parsed_valid_hugepagesz, parsed_hstate (index), last_mhp */
  parsedValid: boolean;
  parsedHstate: number;
  lastMhp: string | null;
  /** hugetlb_cma_size and hugetlb_cma_size_in_node[] (bytes) */
  cmaSize: number;
  cmaPerNode: Map<number, number>;
  cmaReserveCalled: boolean;
  /** hugetlb_cma[nid]: the name of the node's area */
  cmaArea: Map<number, string>;
  /** gigantic pages taken from memblock (alloc_bootmem_huge_page), in allocation order */
  bootmem: Array<{ pa: number; order: number; nid: number }>;
  /** pr_warn_once "hugetlb_cma is enabled, skip boot time allocation" was printed */
  skipWarned: boolean;
  /** the pool pages when boot ends, free-list order per hstate (the list head last) */
  pool: BootHugePage[];
  /** htlb_buddy_alloc_success / _fail counted by hugetlb_init's buddy allocations */
  buddyAllocSuccess: number;
  buddyAllocFail: number;
}

/** The boot state before setup_arch: only the early parameter hugetlb_cma= is known. */
export function newHugetlbBoot(tokens: readonly CmdlineToken[], rules: VersionRules, cmaConfigured: boolean, maxNumnodes: number): HugetlbBoot {
  // cmdline_parse_hugetlb_cma exists with CONFIG_CMA only; without it hugetlb_cma= is an unknown parameter
  const cma = cmaConfigured ? parseHugetlbCma(tokens, rules.hugetlb.perNodeParams, maxNumnodes) : undefined;
  return {
    hstates: [],
    defaultIdx: -1,
    parsedDefault: false,
    defaultMaxHugePages: 0,
    defaultPerNode: new Map(),
    parsedValid: true,
    parsedHstate: -1,
    lastMhp: null,
    cmaSize: cma?.size ?? 0,
    cmaPerNode: cma?.perNode ?? new Map(),
    cmaReserveCalled: false,
    cmaArea: new Map(),
    bootmem: [],
    skipWarned: false,
    pool: [],
    buddyAllocSuccess: 0,
    buddyAllocFail: 0,
  };
}

/** hugetlb_add_hstate(order): a new hstate unless one of that size exists; returns its index. */
export function hugetlbAddHstate(h: HugetlbBoot, order: number, firstNid: number): number {
  const k = h.hstates.findIndex((s) => s.order === order);
  if (k >= 0) return k;
  h.hstates.push({ order, maxHugePages: 0, maxPerNode: new Map(), nextNidToAlloc: firstNid, nextNidToFree: firstNid });
  return h.hstates.length - 1;
}

/**
 * hstate_next_node_to_alloc / _to_free: the hstate's next node among `nodes` (ascending node ids),
 * advancing the pointer round robin.
 */
export function nextNode(nodes: readonly number[], cur: number): { nid: number; next: number } {
  const nid = nodes.find((n) => n >= cur) ?? nodes[0]!;
  const after = nodes.find((n) => n > nid) ?? nodes[0]!;
  return { nid, next: after };
}

/** hugetlb_report_meminfo of the boot pools (every boot pool page is free). */
export function hugetlbBootMeminfo(h: HugetlbBoot): Record<string, number> {
  const d = h.hstates[h.defaultIdx];
  const count = (order: number): number => h.pool.filter((p) => p.order === order).length;
  const total = d ? count(d.order) : 0;
  return {
    HugePages_Total: total,
    HugePages_Free: total,
    HugePages_Rsvd: 0,
    HugePages_Surp: 0,
    ...(d ? { Hugepagesize: 4 * 2 ** d.order } : {}),
    Hugetlb: h.hstates.reduce((s, x) => s + count(x.order) * 4 * 2 ** x.order, 0),
  };
}
