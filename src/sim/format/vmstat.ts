/**
 * /proc/vmstat (vmstat_start / vmstat_show, mm/vmstat.c): renderer, parser and view
 * builder. Zone and NUMA items are sums over zones, node items sums over nodes (as
 * printed, THP items in huge pages), the rest come from v.counters.
 */
import { versionRules } from '../kernel-behaviour';
import type { MachineView } from '../view';
import type { MachineViewExtra } from './extra';
import { nodeStatNames, numaStatNames, vmstatNames, zoneStatNames } from './item-lists';
import { parseError, parseUint, readLines } from './lines';
import { emptyView, globalFreeCmaPages, globalFreePages, globalStat } from './view-build';
import type { ViewHints } from './view-build';
import { zoneStatValue } from './zoneinfo';
import { allZones } from './view-build';
import { echoText } from './echo';

/** The value vmstat_start computes for one name. */
export function vmstatValue(v: MachineView, name: string): number {
  if (name === 'nr_free_pages') {
    return allZones(v).reduce((s, z) => s + zoneStatValue(z, 'nr_free_pages'), 0);
  }
  if (name === 'nr_free_cma') return globalFreeCmaPages(v);
  return globalStat(v, name);
}

export function renderVmstat(v: MachineView): string {
  let out = '';
  for (const name of vmstatNames(v)) out += `${name} ${vmstatValue(v, name)}\n`;
  // vmstat_show: deprecated counters kept for userspace after the last item
  return out + 'nr_unstable 0\n';
}

const CODE = 'VMSTAT_PARSE';
const WHAT = '/proc/vmstat';

/** name → value, in file order (the trailing nr_unstable included) */
export type ParsedVmstat = Record<string, number>;

export function parseVmstat(text: string): ParsedVmstat {
  const out: ParsedVmstat = {};
  for (const l of readLines(text)) {
    const m = /^([a-z][a-z0-9_]*)(?:\s+(\S+))?\s*$/.exec(l.text);
    if (!m) throw parseError(CODE, WHAT, l.no, `expected "name value", got "${echoText(l.text.trim())}"`);
    if (m[1]! in out) throw parseError(CODE, WHAT, l.no, `${m[1]} printed twice`);
    out[m[1]!] = parseUint(m[2], CODE, WHAT, l.no, m[1]!);
  }
  if (!('nr_free_pages' in out)) throw parseError(CODE, WHAT, undefined, 'no nr_free_pages line');
  return out;
}

/**
 * A one-node view: nr_free_pages/nr_free_cma in the first zone, the other zone and NUMA
 * items in its stats, node items in the node's stats, the rest in counters. The kernel
 * version, NUMA, zones and config switches are read from which names are present.
 */
export function vmstatToView(p: ParsedVmstat, hints: ViewHints = {}): MachineViewExtra {
  const has = (n: string): boolean => n in p;
  const zones = (['dma', 'dma32', 'normal', 'high', 'movable', 'device'] as const)
    .map((s, i) => [s, (['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'] as const)[i]!] as const)
    .filter(([s]) => has(`pgalloc_${s}`)).map(([, z]) => z);
  // only x86 has PUD-sized THP and direct-map split counters among the three arches
  const arch = hints.arch ?? (has('direct_map_level2_splits') || has('pgalloc_device') || has('thp_split_pud') ? 'x86_64' : has('pgalloc_high') ? 'arm' : 'arm64');
  const kernel = hints.kernel ?? (has('nr_page_table_pages') && !has('nr_sec_page_table_pages') ? '5.10' : '6.1');
  // 5.10 prints no *_device events although Debian's amd64 kernel has ZONE_DEVICE
  const fmt = versionRules(kernel).format;
  if (!fmt.deviceZoneEvents && arch === 'x86_64' && zones.length > 0 && !zones.includes('Device')) zones.push('Device');
  const v = emptyView({
    ...hints, arch, kernel,
    zoneNames: hints.zoneNames ?? (zones.length > 0 ? zones : undefined),
    numa: hints.numa ?? has('numa_hit'),
    zsmalloc: hints.zsmalloc ?? has('nr_zspages'),
    thpBuilt: hints.thpBuilt ?? has('thp_fault_alloc'),
    migratetypeNames: hints.migratetypeNames ?? (has('cma_alloc_success') ? undefined : ['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', 'Isolate']),
    features: {
      numaBalancing: has('numa_pte_updates'), swap: has('swap_ra'), thpPud: has('thp_split_pud'),
      hugetlb: has('htlb_buddy_alloc_success'), compaction: has('compact_stall'), migration: has('pgmigrate_success'),
      balloon: has('balloon_inflate'), balloonCompaction: has('balloon_migrate'), ksm: has('cow_ksm') || !fmt.cowKsmEvent,
      zswap: has('zswpin'), shadowCallStack: has('nr_shadow_call_stack'), debugTlbflush: has('nr_tlb_remote_flush'),
      debugVmacache: has('vmacache_find_calls'), x86DirectMap: has('direct_map_level2_splits') || (!fmt.directMapSplitEvents && arch === 'x86_64'),
      ...(hints.features ?? {}),
    },
  });
  const z = v.nodes[0]!.zones[0]!;
  const zoneItems = new Set([...zoneStatNames(v), ...numaStatNames(v)]);
  const nodeItems = new Set(nodeStatNames(v));
  const names = Object.keys(p).filter((n) => n !== 'nr_unstable');
  for (const name of names) {
    const value = p[name]!;
    if (name === 'nr_free_pages') z.free = value;
    else if (name === 'nr_free_cma') z.freeCma = value;
    else if (zoneItems.has(name)) z.stats[name] = value;
    else if (nodeItems.has(name)) v.nodes[0]!.stats[name] = value;
    else v.counters[name] = value;
  }
  z.present = z.managed = globalFreePages(v);
  const own = vmstatNames(v);
  if (names.length !== own.length || names.some((n, i) => n !== own[i])) v.statNames = { ...(v.statNames ?? {}), vmstat: names };
  return v;
}
