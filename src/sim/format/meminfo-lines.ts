/**
 * The /proc/meminfo line set (fs/proc/meminfo.c meminfo_proc_show, hugetlb_report_meminfo,
 * x86 arch_report_meminfo) for 5.10 and 6.1, with each line's printf shape.
 */
import { versionRules } from '../kernel-behaviour';
import type { MachineView } from '../view';
import { featuresOf, hasCma, statNamesOf } from './extra';

export interface MeminfoLine {
  label: string;
  /** exact text before the value, e.g. "MemTotal:       " */
  prefix: string;
  /** minimum value width */
  width: number;
  /** " kB" or "" */
  suffix: string;
}

/** show_val_kb: label padded to 16 columns, "%8lu kB" */
const kb = (label: string): MeminfoLine => ({ label, prefix: `${label}:`.padEnd(16, ' '), width: 8, suffix: ' kB' });
/** hugetlb_report_meminfo counts: "HugePages_Total:   %5lu" */
const count = (label: string): MeminfoLine => ({ label, prefix: `${label}:`.padEnd(19, ' '), width: 5, suffix: '' });

/** Every label either version prints, to recognise lines when parsing. */
export function meminfoLineSpec(label: string): MeminfoLine {
  if (label === 'HardwareCorrupted') return { label, prefix: 'HardwareCorrupted: ', width: 5, suffix: ' kB' };
  if (/^HugePages_/.test(label)) return count(label);
  return kb(label);
}

/** The labels printed by the view's kernel and config, in order. */
export function meminfoLabels(v: MachineView): string[] {
  const o = statNamesOf(v).meminfo;
  if (o) return o;
  const f = featuresOf(v);
  const v61 = versionRules(v.kernel).format.meminfoSecPageTablesZswap;
  const l: string[] = ['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapCached',
    'Active', 'Inactive', 'Active(anon)', 'Inactive(anon)', 'Active(file)', 'Inactive(file)',
    'Unevictable', 'Mlocked'];
  if (v.highmem) l.push('HighTotal', 'HighFree', 'LowTotal', 'LowFree');
  l.push('SwapTotal', 'SwapFree');
  if (v61 && f.zswap) l.push('Zswap', 'Zswapped');
  l.push('Dirty', 'Writeback', 'AnonPages', 'Mapped', 'Shmem', 'KReclaimable', 'Slab',
    'SReclaimable', 'SUnreclaim', 'KernelStack');
  if (f.shadowCallStack) l.push('ShadowCallStack');
  l.push('PageTables');
  if (v61) l.push('SecPageTables');
  l.push('NFS_Unstable', 'Bounce', 'WritebackTmp', 'CommitLimit', 'Committed_AS', 'VmallocTotal',
    'VmallocUsed', 'VmallocChunk', 'Percpu');
  if (f.memoryFailure) l.push('HardwareCorrupted');
  if (v.thpBuilt) l.push('AnonHugePages', 'ShmemHugePages', 'ShmemPmdMapped', 'FileHugePages', 'FilePmdMapped');
  if (hasCma(v)) l.push('CmaTotal', 'CmaFree');
  if (f.hugetlb) l.push('HugePages_Total', 'HugePages_Free', 'HugePages_Rsvd', 'HugePages_Surp', 'Hugepagesize', 'Hugetlb');
  if (f.x86DirectMap) {
    l.push('DirectMap4k', 'DirectMap2M');
    if (f.directGbpages) l.push('DirectMap1G');
  }
  return l;
}
