/**
 * /proc/meminfo renderer (meminfo_proc_show, fs/proc/meminfo.c). The memory-manager
 * values come from the view's zones and totals; page-cache, slab and LRU values from the
 * node/zone stats (global_node_page_state); the rest from v.counters keyed by the meminfo
 * label, holding the printed value (kB, or a count for HugePages_*), 0 when absent.
 */
import type { MachineView } from '../view';
import { featuresOf } from './extra';
import { meminfoLabels, meminfoLineSpec } from './meminfo-lines';
import { vmallocTotalKb, vmCommitLimit } from './meminfo-derived';
import { padNum } from './printf';
import { allZones, globalFreeCmaPages, globalFreePages, globalStat } from './view-build';

const PAGE_KB = 4;

/** si_mem_available (mm/page_alloc.c), in pages. */
export function siMemAvailable(v: MachineView): number {
  const wmarkLow = allZones(v).reduce((s, z) => s + z.low, 0);
  let available = globalFreePages(v) - v.totalreserve;
  let pagecache = globalStat(v, 'nr_active_file') + globalStat(v, 'nr_inactive_file');
  pagecache -= Math.min(Math.floor(pagecache / 2), wmarkLow);
  available += pagecache;
  const reclaimable = globalStat(v, 'nr_slab_reclaimable') + globalStat(v, 'nr_kernel_misc_reclaimable');
  available += reclaimable - Math.min(Math.floor(reclaimable / 2), wmarkLow);
  return available < 0 ? 0 : available;
}

/** nr_free_highpages: free pages of the HighMem zones. */
export function nrFreeHighpages(v: MachineView): number {
  return allZones(v).filter((z) => z.name === 'HighMem').reduce((s, z) => s + z.free, 0);
}

// the readers of meminfoValue, at module level: a closure per call costs more than the value
// (and under a transform that keeps function names, a defineProperty per closure)
const st = globalStat;
function c(v: MachineView, name: string): number {
  return v.counters[name] ?? 0;
}
function thpKb(v: MachineView, name: string): number {
  return st(v, name) * featuresOf(v).hpagePmdNr * PAGE_KB;
}

/** The printed value of one meminfo line. */
export function meminfoValue(v: MachineView, label: string): number {
  const buffersPages = Math.floor(c(v, 'Buffers') / PAGE_KB);
  switch (label) {
    case 'MemTotal': return v.totalram * PAGE_KB;
    case 'MemFree': return globalFreePages(v) * PAGE_KB;
    case 'MemAvailable': return siMemAvailable(v) * PAGE_KB;
    case 'Cached': {
      const cached = st(v, 'nr_file_pages') - st(v, 'nr_swapcached') - buffersPages;
      return Math.max(cached, 0) * PAGE_KB;
    }
    case 'SwapCached': return st(v, 'nr_swapcached') * PAGE_KB;
    case 'Active': return (st(v, 'nr_active_anon') + st(v, 'nr_active_file')) * PAGE_KB;
    case 'Inactive': return (st(v, 'nr_inactive_anon') + st(v, 'nr_inactive_file')) * PAGE_KB;
    case 'Active(anon)': return st(v, 'nr_active_anon') * PAGE_KB;
    case 'Inactive(anon)': return st(v, 'nr_inactive_anon') * PAGE_KB;
    case 'Active(file)': return st(v, 'nr_active_file') * PAGE_KB;
    case 'Inactive(file)': return st(v, 'nr_inactive_file') * PAGE_KB;
    case 'Unevictable': return st(v, 'nr_unevictable') * PAGE_KB;
    case 'Mlocked': return st(v, 'nr_mlock') * PAGE_KB;
    case 'HighTotal': return v.totalhigh * PAGE_KB;
    case 'HighFree': return nrFreeHighpages(v) * PAGE_KB;
    case 'LowTotal': return (v.totalram - v.totalhigh) * PAGE_KB;
    case 'LowFree': return (globalFreePages(v) - nrFreeHighpages(v)) * PAGE_KB;
    case 'Dirty': return st(v, 'nr_dirty') * PAGE_KB;
    case 'Writeback': return st(v, 'nr_writeback') * PAGE_KB;
    case 'AnonPages': return st(v, 'nr_anon_pages') * PAGE_KB;
    case 'Mapped': return st(v, 'nr_mapped') * PAGE_KB;
    case 'Shmem': return st(v, 'nr_shmem') * PAGE_KB;
    case 'KReclaimable': return (st(v, 'nr_slab_reclaimable') + st(v, 'nr_kernel_misc_reclaimable')) * PAGE_KB;
    case 'Slab': return (st(v, 'nr_slab_reclaimable') + st(v, 'nr_slab_unreclaimable')) * PAGE_KB;
    case 'SReclaimable': return st(v, 'nr_slab_reclaimable') * PAGE_KB;
    case 'SUnreclaim': return st(v, 'nr_slab_unreclaimable') * PAGE_KB;
    case 'KernelStack': return st(v, 'nr_kernel_stack');
    case 'ShadowCallStack': return st(v, 'nr_shadow_call_stack');
    case 'PageTables': return st(v, 'nr_page_table_pages') * PAGE_KB;
    case 'SecPageTables': return st(v, 'nr_sec_page_table_pages') * PAGE_KB;
    case 'NFS_Unstable': return 0;
    case 'Bounce': return st(v, 'nr_bounce') * PAGE_KB;
    case 'WritebackTmp': return st(v, 'nr_writeback_temp') * PAGE_KB;
    case 'AnonHugePages': return thpKb(v, 'nr_anon_transparent_hugepages');
    case 'ShmemHugePages': return thpKb(v, 'nr_shmem_hugepages');
    case 'ShmemPmdMapped': return thpKb(v, 'nr_shmem_pmdmapped');
    case 'FileHugePages': return thpKb(v, 'nr_file_hugepages');
    case 'FilePmdMapped': return thpKb(v, 'nr_file_pmdmapped');
    case 'CmaTotal': return v.totalcma * PAGE_KB;
    case 'CmaFree': return globalFreeCmaPages(v) * PAGE_KB;
    case 'CommitLimit': return v.counters.CommitLimit ?? vmCommitLimit(v) * PAGE_KB;
    case 'VmallocTotal': return v.counters.VmallocTotal ?? vmallocTotalKb(v);
    case 'Hugepagesize': return v.counters.Hugepagesize ?? featuresOf(v).hpagePmdNr * PAGE_KB;
    default: return c(v, label);
  }
}

export function renderMeminfo(v: MachineView): string {
  let out = '';
  for (const label of meminfoLabels(v)) {
    const spec = meminfoLineSpec(label);
    out += `${spec.prefix}${padNum(meminfoValue(v, label), spec.width)}${spec.suffix}\n`;
  }
  return out;
}
