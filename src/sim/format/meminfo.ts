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

/** The printed value of one meminfo line. */
export function meminfoValue(v: MachineView, label: string): number {
  const st = (name: string): number => globalStat(v, name);
  const c = (name: string): number => v.counters[name] ?? 0;
  const thpKb = (name: string): number => st(name) * featuresOf(v).hpagePmdNr * PAGE_KB;
  const buffersPages = Math.floor(c('Buffers') / PAGE_KB);
  switch (label) {
    case 'MemTotal': return v.totalram * PAGE_KB;
    case 'MemFree': return globalFreePages(v) * PAGE_KB;
    case 'MemAvailable': return siMemAvailable(v) * PAGE_KB;
    case 'Cached': {
      const cached = st('nr_file_pages') - st('nr_swapcached') - buffersPages;
      return Math.max(cached, 0) * PAGE_KB;
    }
    case 'SwapCached': return st('nr_swapcached') * PAGE_KB;
    case 'Active': return (st('nr_active_anon') + st('nr_active_file')) * PAGE_KB;
    case 'Inactive': return (st('nr_inactive_anon') + st('nr_inactive_file')) * PAGE_KB;
    case 'Active(anon)': return st('nr_active_anon') * PAGE_KB;
    case 'Inactive(anon)': return st('nr_inactive_anon') * PAGE_KB;
    case 'Active(file)': return st('nr_active_file') * PAGE_KB;
    case 'Inactive(file)': return st('nr_inactive_file') * PAGE_KB;
    case 'Unevictable': return st('nr_unevictable') * PAGE_KB;
    case 'Mlocked': return st('nr_mlock') * PAGE_KB;
    case 'HighTotal': return v.totalhigh * PAGE_KB;
    case 'HighFree': return nrFreeHighpages(v) * PAGE_KB;
    case 'LowTotal': return (v.totalram - v.totalhigh) * PAGE_KB;
    case 'LowFree': return (globalFreePages(v) - nrFreeHighpages(v)) * PAGE_KB;
    case 'Dirty': return st('nr_dirty') * PAGE_KB;
    case 'Writeback': return st('nr_writeback') * PAGE_KB;
    case 'AnonPages': return st('nr_anon_pages') * PAGE_KB;
    case 'Mapped': return st('nr_mapped') * PAGE_KB;
    case 'Shmem': return st('nr_shmem') * PAGE_KB;
    case 'KReclaimable': return (st('nr_slab_reclaimable') + st('nr_kernel_misc_reclaimable')) * PAGE_KB;
    case 'Slab': return (st('nr_slab_reclaimable') + st('nr_slab_unreclaimable')) * PAGE_KB;
    case 'SReclaimable': return st('nr_slab_reclaimable') * PAGE_KB;
    case 'SUnreclaim': return st('nr_slab_unreclaimable') * PAGE_KB;
    case 'KernelStack': return st('nr_kernel_stack');
    case 'ShadowCallStack': return st('nr_shadow_call_stack');
    case 'PageTables': return st('nr_page_table_pages') * PAGE_KB;
    case 'SecPageTables': return st('nr_sec_page_table_pages') * PAGE_KB;
    case 'NFS_Unstable': return 0;
    case 'Bounce': return st('nr_bounce') * PAGE_KB;
    case 'WritebackTmp': return st('nr_writeback_temp') * PAGE_KB;
    case 'AnonHugePages': return thpKb('nr_anon_transparent_hugepages');
    case 'ShmemHugePages': return thpKb('nr_shmem_hugepages');
    case 'ShmemPmdMapped': return thpKb('nr_shmem_pmdmapped');
    case 'FileHugePages': return thpKb('nr_file_hugepages');
    case 'FilePmdMapped': return thpKb('nr_file_pmdmapped');
    case 'CmaTotal': return v.totalcma * PAGE_KB;
    case 'CmaFree': return globalFreeCmaPages(v) * PAGE_KB;
    case 'CommitLimit': return v.counters.CommitLimit ?? vmCommitLimit(v) * PAGE_KB;
    case 'VmallocTotal': return v.counters.VmallocTotal ?? vmallocTotalKb(v);
    case 'Hugepagesize': return v.counters.Hugepagesize ?? featuresOf(v).hpagePmdNr * PAGE_KB;
    default: return c(label);
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
