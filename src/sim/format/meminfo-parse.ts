/**
 * /proc/meminfo parser and meminfoToView, which inverts renderMeminfo: the view's zones,
 * totals and node stats are chosen so that every derived line prints the pasted value.
 */
import { versionRules } from '../kernel-behaviour';
import { MmError } from '../errors';
import type { MachineViewExtra } from './extra';
import { parseError, parseUint, readLines } from './lines';
import { meminfoLabels } from './meminfo-lines';
import { meminfoValue } from './meminfo';
import { emptyView } from './view-build';
import type { ViewHints } from './view-build';
import { echoText } from './echo';

const CODE = 'MEMINFO_PARSE';
const WHAT = '/proc/meminfo';

/** label (without colon) → printed value (kB, or a count for HugePages_*), in file order */
export type ParsedMeminfo = Record<string, number>;

export function parseMeminfo(text: string): ParsedMeminfo {
  const out: ParsedMeminfo = {};
  for (const l of readLines(text)) {
    const m = /^([A-Za-z0-9_()]+):\s*(\S*)(\s+kB)?\s*$/.exec(l.text);
    if (!m) {
      const bad = /^([A-Za-z0-9_()]+):\s*(\S+)\s+(.*)$/.exec(l.text);
      if (bad) throw parseError(CODE, WHAT, l.no, `bad unit "${bad[3]}" after ${bad[1]}`);
      throw parseError(CODE, WHAT, l.no, `expected "Label: value [kB]", got "${echoText(l.text.trim())}"`);
    }
    if (m[1]! in out) throw parseError(CODE, WHAT, l.no, `${m[1]} printed twice`);
    out[m[1]!] = parseUint(m[2], CODE, WHAT, l.no, m[1]!);
  }
  if (!('MemTotal' in out)) throw parseError(CODE, WHAT, undefined, 'no MemTotal line');
  return out;
}

/** Lines computed from the view; all other labels are copied into v.counters. */
const DERIVED = new Set([
  'MemTotal', 'MemFree', 'MemAvailable', 'Cached', 'SwapCached', 'Active', 'Inactive',
  'Active(anon)', 'Inactive(anon)', 'Active(file)', 'Inactive(file)', 'Unevictable', 'Mlocked',
  'HighTotal', 'HighFree', 'LowTotal', 'LowFree', 'Dirty', 'Writeback', 'AnonPages', 'Mapped',
  'Shmem', 'KReclaimable', 'Slab', 'SReclaimable', 'SUnreclaim', 'KernelStack', 'ShadowCallStack',
  'PageTables', 'SecPageTables', 'NFS_Unstable', 'Bounce', 'WritebackTmp', 'AnonHugePages',
  'ShmemHugePages', 'ShmemPmdMapped', 'FileHugePages', 'FilePmdMapped', 'CmaTotal', 'CmaFree',
]);

export function meminfoToView(p: ParsedMeminfo, hints: ViewHints = {}): MachineViewExtra {
  const has = (l: string): boolean => l in p;
  const kb = (l: string): number => p[l] ?? 0;
  const arch = hints.arch ?? (has('DirectMap4k') ? 'x86_64' : has('HighTotal') ? 'arm' : 'arm64');
  const kernel = hints.kernel ?? (has('SecPageTables') || has('Zswap') ? '6.1' : '5.10');
  const features = {
    zswap: has('Zswap'), memoryFailure: has('HardwareCorrupted'), shadowCallStack: has('ShadowCallStack'),
    hugetlb: has('HugePages_Total'), x86DirectMap: has('DirectMap4k'), directGbpages: has('DirectMap1G'),
    ...(hints.features ?? {}),
  };
  const types = hints.migratetypeNames ?? ['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', ...(has('CmaTotal') ? ['CMA'] : []), 'Isolate'];
  const v = emptyView({ ...hints, arch, kernel, features, migratetypeNames: types, thpBuilt: hints.thpBuilt ?? has('AnonHugePages') });
  v.highmem = has('HighTotal');
  const pmdKb = (v.features?.hpagePmdNr ?? 512) * 4;
  const pages = (l: string): number => Math.floor(kb(l) / 4);

  const low = v.nodes[0]!.zones[0]!;
  const high = v.nodes[0]!.zones.find((z) => z.name === 'HighMem');
  v.totalram = pages('MemTotal');
  v.totalhigh = pages('HighTotal');
  v.totalcma = pages('CmaTotal');
  low.free = pages('MemFree') - pages('HighFree');
  low.present = low.managed = v.totalram - v.totalhigh;
  low.freeCma = pages('CmaFree');
  if (high) {
    high.free = pages('HighFree');
    high.present = high.managed = v.totalhigh;
  }
  const ns = v.nodes[0]!.stats;
  const set = (stat: string, label: string): void => { if (has(label)) ns[stat] = pages(label); };
  set('nr_active_anon', 'Active(anon)'); set('nr_inactive_anon', 'Inactive(anon)');
  set('nr_active_file', 'Active(file)'); set('nr_inactive_file', 'Inactive(file)');
  set('nr_unevictable', 'Unevictable'); set('nr_dirty', 'Dirty'); set('nr_writeback', 'Writeback');
  set('nr_anon_pages', 'AnonPages'); set('nr_mapped', 'Mapped'); set('nr_shmem', 'Shmem');
  set('nr_slab_reclaimable', 'SReclaimable'); set('nr_slab_unreclaimable', 'SUnreclaim');
  set('nr_writeback_temp', 'WritebackTmp'); set('nr_swapcached', 'SwapCached');
  set('nr_sec_page_table_pages', 'SecPageTables');
  ns.nr_kernel_misc_reclaimable = pages('KReclaimable') - pages('SReclaimable');
  ns.nr_kernel_stack = kb('KernelStack');
  if (has('ShadowCallStack')) ns.nr_shadow_call_stack = kb('ShadowCallStack');
  ns.nr_file_pages = pages('Cached') + pages('SwapCached') + pages('Buffers');
  for (const [stat, label] of [['nr_anon_transparent_hugepages', 'AnonHugePages'], ['nr_shmem_hugepages', 'ShmemHugePages'],
    ['nr_shmem_pmdmapped', 'ShmemPmdMapped'], ['nr_file_hugepages', 'FileHugePages'], ['nr_file_pmdmapped', 'FilePmdMapped']] as const) {
    if (has(label)) ns[stat] = Math.floor(kb(label) / pmdKb);
  }
  low.stats.nr_mlock = pages('Mlocked');
  low.stats.nr_bounce = pages('Bounce');
  if (!versionRules(kernel).format.pageTablesNodeStat) low.stats.nr_page_table_pages = pages('PageTables');
  else ns.nr_page_table_pages = pages('PageTables');
  for (const [label, value] of Object.entries(p)) if (!DERIVED.has(label)) v.counters[label] = value;

  // si_mem_available with every low watermark 0: available = free - totalreserve + file LRU + reclaimable.
  const gain = low.free + (high?.free ?? 0) + (ns.nr_active_file ?? 0) + (ns.nr_inactive_file ?? 0)
    + (ns.nr_slab_reclaimable ?? 0) + ns.nr_kernel_misc_reclaimable;
  v.totalreserve = gain - pages('MemAvailable');

  const labels = Object.keys(p);
  const own = meminfoLabels(v);
  if (labels.length !== own.length || labels.some((l, i) => l !== own[i])) v.statNames = { meminfo: labels };
  for (const label of labels) {
    if (DERIVED.has(label) && meminfoValue(v, label) !== p[label]) {
      throw new MmError('MEMINFO_INCONSISTENT', `${WHAT}: ${label} is ${p[label]} kB but the other lines give ${meminfoValue(v, label)} kB`, label);
    }
  }
  return v;
}
