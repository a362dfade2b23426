/**
 * procToView: one MachineView from several /proc and debugfs texts pasted from the same
 * machine. zoneinfo gives the layout; pagetypeinfo (or else buddyinfo) the free lists and
 * pageblocks; vmstat and meminfo the config switches and the counters the simulator does
 * not model; the memblock files the regions.
 */
import { versionRules } from '../kernel-behaviour';
import { MmError } from '../errors';
import type { ZoneView } from '../view';
import type { MachineViewExtra } from './extra';
import { buddyinfoToView, parseBuddyinfo } from './buddyinfo';
import { parseMemblockDebugfs } from './memblock';
import { meminfoLabels } from './meminfo-lines';
import { meminfoToView, parseMeminfo } from './meminfo-parse';
import { pagetypeinfoToView, parsePagetypeinfo } from './pagetypeinfo-parse';
import { parseVmstat, vmstatToView } from './vmstat';
import { vmstatNames } from './item-lists';
import type { ViewHints } from './view-build';
import { parseZoneinfo } from './zoneinfo-parse';
import { zoneinfoToView } from './zoneinfo-view';

export interface ProcTexts {
  zoneinfo: string;
  buddyinfo?: string;
  pagetypeinfo?: string;
  meminfo?: string;
  vmstat?: string;
  memblockMemory?: string;
  memblockReserved?: string;
}

const sameList = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function zoneIn(v: MachineViewExtra, nid: number, name: string, file: string): ZoneView {
  const z = v.nodes.find((n) => n.nid === nid)?.zones.find((x) => x.name === name);
  if (!z || z.present === 0) {
    throw new MmError('PROC_VIEW_MISMATCH', `${file} lists node ${nid} zone ${name}, which zoneinfo does not show populated`, file);
  }
  return z;
}

/** Fresh zeroed free-area and pageblock arrays for v's maxOrder and migratetypes. */
function resetFreeAreas(v: MachineViewExtra): void {
  for (const z of v.nodes.flatMap((n) => n.zones)) {
    z.freeArea = Array.from({ length: v.maxOrder }, () => v.migratetypeNames.map(() => 0));
    z.blocksByType = v.migratetypeNames.map(() => 0);
  }
}

/** Copy the free lists and pageblock counts of `src` (a pagetypeinfo/buddyinfo view) into v. */
function takeFreeAreas(v: MachineViewExtra, src: MachineViewExtra, file: string): void {
  for (const z of src.nodes.flatMap((n) => n.zones)) {
    if (z.present === 0) continue;
    const dst = zoneIn(v, z.nid, z.name, file);
    dst.freeArea = z.freeArea.map((row) => [...row]);
    dst.blocksByType = [...z.blocksByType];
  }
}

export function procToView(t: ProcTexts, hints: ViewHints = {}): MachineViewExtra {
  const v = zoneinfoToView(parseZoneinfo(t.zoneinfo), hints);
  const features = { ...(v.features ?? {}) };
  const pti = t.pagetypeinfo === undefined ? undefined : parsePagetypeinfo(t.pagetypeinfo);
  const mem = t.meminfo === undefined ? undefined : parseMeminfo(t.meminfo);
  if (t.vmstat !== undefined) {
    const s = vmstatToView(parseVmstat(t.vmstat), { arch: hints.arch, kernel: v.kernel, zoneNames: v.zoneNames });
    v.arch = hints.arch ?? s.arch;
    // 6.1 prints cma_alloc_* events with CONFIG_CMA; 5.10 has no CMA event to tell
    if (versionRules(v.kernel).format.cmaVmEvents) v.migratetypeNames = s.migratetypeNames;
    Object.assign(features, s.features ?? {}, hints.features ?? {});
    for (const [k, value] of Object.entries(s.counters)) v.counters[k] = value;
  }
  if (mem) {
    const m = meminfoToView(mem, { arch: v.arch, kernel: v.kernel });
    v.migratetypeNames = m.migratetypeNames; // CmaTotal is printed exactly with CONFIG_CMA
    for (const k of ['zswap', 'memoryFailure', 'hugetlb', 'x86DirectMap', 'directGbpages', 'shadowCallStack'] as const) {
      if (hints.features?.[k] === undefined) features[k] = m.features?.[k];
    }
    v.thpBuilt = hints.thpBuilt ?? m.thpBuilt;
    if (!versionRules(v.kernel).zoneinfoBoostCma) v.totalcma = m.totalcma; // 5.10 zoneinfo has no cma line
    for (const [k, value] of Object.entries(m.counters)) v.counters[k] = value;
    if (!versionRules(v.kernel).format.swapcachedNodeStat && m.nodes[0]!.stats.nr_swapcached !== undefined) v.counters.nr_swapcached = m.nodes[0]!.stats.nr_swapcached;
  }
  if (pti) {
    v.migratetypeNames = [...pti.types];
    v.maxOrder = pti.orders;
    v.pageblockOrder = pti.pageblockOrder;
  }
  if (hints.migratetypeNames) v.migratetypeNames = [...hints.migratetypeNames];
  resetFreeAreas(v);
  if (pti) {
    takeFreeAreas(v, pagetypeinfoToView(pti, { ...hints, arch: v.arch, zoneNames: v.zoneNames }), 'pagetypeinfo');
  } else if (t.buddyinfo !== undefined) {
    const rows = parseBuddyinfo(t.buddyinfo);
    v.maxOrder = rows[0]!.counts.length;
    resetFreeAreas(v);
    takeFreeAreas(v, buddyinfoToView(rows, { ...hints, arch: v.arch, zoneNames: v.zoneNames, migratetypeNames: v.migratetypeNames }), 'buddyinfo');
  }
  v.features = features;
  const names = { ...(v.statNames ?? {}) };
  if (t.vmstat !== undefined) {
    const printed = Object.keys(parseVmstat(t.vmstat)).filter((n) => n !== 'nr_unstable');
    delete names.vmstat;
    v.statNames = names;
    if (!sameList(printed, vmstatNames(v))) names.vmstat = printed;
  }
  if (mem) {
    const printed = Object.keys(mem);
    delete names.meminfo;
    v.statNames = names;
    if (!sameList(printed, meminfoLabels(v))) names.meminfo = printed;
  }
  v.statNames = names;
  if (Object.keys(names).length === 0) delete v.statNames;
  for (const [type, text] of [['memory', t.memblockMemory], ['reserved', t.memblockReserved]] as const) {
    if (text === undefined) continue;
    const p = parseMemblockDebugfs(text);
    v.physAddrBytes = p.physAddrBytes;
    v.memblock[type] = p.regions;
  }
  return v;
}
