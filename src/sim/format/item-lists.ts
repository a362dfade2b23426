/**
 * Resolves the per-version vmstat_text[] lists (vmstat-items-*.ts) against a view's
 * configuration, giving the exact names /proc/zoneinfo and /proc/vmstat print.
 */
import { versionRules } from '../kernel-behaviour';
import type { MachineView } from '../view';
import type { ZoneName } from '../types';
import { featuresOf, hasCma, statNamesOf, type FormatFeatures } from './extra';
import { EVENT_ITEMS_5_10, NODE_ITEMS_5_10, NUMA_ITEMS_5_10, ZONE_ITEMS_5_10 } from './vmstat-items-5.10';
import { EVENT_ITEMS_6_1, NODE_ITEMS_6_1, NUMA_ITEMS_6_1, ZONE_ITEMS_6_1 } from './vmstat-items-6.1';

export type ItemCondition =
  | 'numa' | 'numaBalancing' | 'zsmalloc' | 'cma' | 'swap' | 'swapKsm' | 'thp' | 'thpPud'
  | 'hugetlb' | 'compaction' | 'migration' | 'balloon' | 'balloonCompaction' | 'ksm' | 'zswap'
  | 'shadowCallStack' | 'debugTlbflush' | 'debugVmacache' | 'x86DirectMap';

/** a name, a name under an #ifdef, or '@prefix' for TEXTS_FOR_ZONES(prefix) */
export type ItemEntry = string | [string, ItemCondition];

/** Suffixes of TEXTS_FOR_ZONES (include/linux/vmstat.h): "_dma", "_dma32", "_normal", "_high", "_movable", "_device". */
const ZONE_SUFFIX: Record<ZoneName, string> = {
  DMA: 'dma', DMA32: 'dma32', Normal: 'normal', HighMem: 'high', Movable: 'movable', Device: 'device',
};

function conditionHolds(v: MachineView, f: FormatFeatures, c: ItemCondition): boolean {
  switch (c) {
    case 'numa': return v.numa;
    case 'zsmalloc': return v.zsmalloc;
    case 'cma': return hasCma(v);
    case 'thp': return v.thpBuilt;
    case 'swapKsm': return f.swap && f.ksm;
    default: return f[c] as boolean;
  }
}

function resolve(v: MachineView, list: ItemEntry[]): string[] {
  const out: string[] = [];
  // the view's features, once (every conditional item reads them)
  const f = featuresOf(v);
  for (const e of list) {
    if (typeof e !== 'string') {
      if (conditionHolds(v, f, e[1])) out.push(e[0]);
    } else if (e.startsWith('@')) {
      // TEXTS_FOR_ZONES: 5.10 has no TEXT_FOR_DEVICE (added in 5.17)
      for (const z of v.zoneNames) {
        if (z === 'Device' && !versionRules(v.kernel).format.deviceZoneEvents) continue;
        out.push(`${e.slice(1)}_${ZONE_SUFFIX[z]}`);
      }
    } else {
      out.push(e);
    }
  }
  return out;
}

const is510 = (v: MachineView): boolean => versionRules(v.kernel).format.vmstatItems === '5.10';

export function zoneStatNames(v: MachineView): string[] {
  return statNamesOf(v).zone ?? resolve(v, is510(v) ? ZONE_ITEMS_5_10 : ZONE_ITEMS_6_1);
}

/** empty without CONFIG_NUMA */
export function numaStatNames(v: MachineView): string[] {
  if (!v.numa) return statNamesOf(v).numa ?? [];
  return statNamesOf(v).numa ?? resolve(v, is510(v) ? NUMA_ITEMS_5_10 : NUMA_ITEMS_6_1);
}

export function nodeStatNames(v: MachineView): string[] {
  return statNamesOf(v).node ?? resolve(v, is510(v) ? NODE_ITEMS_5_10 : NODE_ITEMS_6_1);
}

export function eventNames(v: MachineView): string[] {
  return resolve(v, is510(v) ? EVENT_ITEMS_5_10 : EVENT_ITEMS_6_1);
}

/** The writeback items between the node items and the events. */
export const WRITEBACK_ITEMS = ['nr_dirty_threshold', 'nr_dirty_background_threshold'];

/** Node items printed in huge pages in 6.1 (vmstat_item_print_in_thp); stored as printed. */
export const THP_NODE_ITEMS = [
  'nr_shmem_hugepages', 'nr_shmem_pmdmapped', 'nr_file_hugepages', 'nr_file_pmdmapped',
  'nr_anon_transparent_hugepages',
];

/** The full /proc/vmstat name list (vmstat_start), without the trailing deprecated nr_unstable. */
export function vmstatNames(v: MachineView): string[] {
  const o = statNamesOf(v).vmstat;
  if (o) return o;
  return [...zoneStatNames(v), ...numaStatNames(v), ...nodeStatNames(v), ...WRITEBACK_ITEMS, ...eventNames(v)];
}
