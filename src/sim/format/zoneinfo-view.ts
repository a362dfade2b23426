/**
 * zoneinfoToView: a MachineView rebuilt from a parsed /proc/zoneinfo, as far as the text allows
 * (no free lists, pageblocks or memblock). renderZoneinfo of the result reproduces a dump in the
 * view's own layout. Lines the dump did not have are listed in each zone's `missing` and not
 * printed; values that are missing are 0 in the view but never printed.
 */
import { versionRules } from '../kernel-behaviour';
import type { Arch, ZoneName } from '../types';
import type { NodeView, PcpView } from '../view';
import type { MachineViewExtra, PcpViewExtra, ZoneinfoLineKey, ZoneViewExtra } from './extra';
import { nodeStatNames, numaStatNames, zoneStatNames } from './item-lists';
import type { ParsedZoneinfo, ParsedZoneinfoZone } from './zoneinfo-parse';
import { allZones, calculateTotalreservePages, emptyView, emptyZone } from './view-build';
import type { ViewHints } from './view-build';

const sameList = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** HighMem only exists on 32-bit arm here; ZONE_DEVICE only in Debian's amd64 kernels. */
function guessArch(zoneNames: ZoneName[]): Arch {
  if (zoneNames.includes('HighMem')) return 'arm';
  if (zoneNames.includes('Device')) return 'x86_64';
  return 'arm64';
}

/** The zoneinfo lines this parsed zone lacks. */
export function missingLines(pz: ParsedZoneinfoZone, firstOfNode: boolean, hasNodeStats: boolean): ZoneinfoLineKey[] {
  const miss: ZoneinfoLineKey[] = [];
  if (firstOfNode && !hasNodeStats) miss.push('nodeStats');
  if (pz.free === undefined) miss.push('free');
  if (pz.boost === undefined) miss.push('boost');
  if (pz.min === undefined || pz.low === undefined || pz.high === undefined) miss.push('watermarks');
  if (pz.spanned === undefined || pz.present === undefined) miss.push('sizes');
  if (pz.managed === undefined) miss.push('managed');
  if (pz.cma === undefined) miss.push('cma');
  if (pz.protection === undefined) miss.push('protection');
  if (pz.statNames.length === 0) miss.push('stats');
  if (!pz.hasPagesets) miss.push('pagesets');
  if (pz.nodeUnreclaimable === undefined) miss.push('nodeUnreclaimable');
  if (pz.startPfn === undefined) miss.push('startPfn');
  return miss;
}

/** The dump's per-CPU lines as PcpViews; lines a cut paste lacks are marked missing. */
export function pcpFromParsed(pz: ParsedZoneinfoZone, zoneThreshold: number): PcpView[] {
  return pz.pagesets.map((s): PcpView => {
    const pcp: PcpViewExtra = { cpu: s.cpu, count: s.count ?? 0, high: s.high ?? 0, batch: s.batch ?? 0 };
    const miss = (['count', 'high', 'batch', 'statThreshold'] as const).filter((k) => s[k] === undefined);
    if (s.statThreshold !== undefined && s.statThreshold !== zoneThreshold) pcp.statThreshold = s.statThreshold;
    if (miss.length > 0 && !(miss.length === 1 && miss[0] === 'statThreshold' && pz.pagesets.every((x) => x.statThreshold === undefined))) pcp.missing = miss;
    return pcp;
  });
}

export function zoneinfoToView(p: ParsedZoneinfo, hints: ViewHints = {}): MachineViewExtra {
  const allStatNames = p.zones.flatMap((z) => z.statNames);
  const nodeNames = p.nodes.find((n) => n.statNames.length > 0)?.statNames ?? [];
  const firstPopulated = p.zones.find((z) => z.statNames.length > 0);
  // zone items then numa events (>= 4.14); older kernels printed numa_* among the zone items
  const names = firstPopulated?.statNames ?? [];
  const numaAt = names.findIndex((n) => n.startsWith('numa_'));
  const split = numaAt < 0 || names.slice(numaAt).every((n) => n.startsWith('numa_'));
  const zoneItemNames = split && numaAt >= 0 ? names.slice(0, numaAt) : names;
  const numaNames = split && numaAt >= 0 ? names.slice(numaAt) : [];
  const features = { ...(hints.features ?? {}) };
  if (nodeNames.length > 0) {
    features.shadowCallStack ??= nodeNames.includes('nr_shadow_call_stack');
    if (versionRules(p.layout).zoneinfoBoostCma) {
      features.swap ??= nodeNames.includes('nr_swapcached');
      features.numaBalancing ??= nodeNames.includes('pgpromote_success');
    }
  }
  if (p.zones.some((z) => z.pagesets.length > 0)) {
    features.smp ??= p.zones.some((z) => z.pagesets.some((s) => s.statThreshold !== undefined));
  }
  const v = emptyView({
    ...hints,
    arch: hints.arch ?? guessArch(p.zoneNames),
    kernel: hints.kernel ?? p.layout,
    zoneNames: hints.zoneNames ?? p.zoneNames,
    numa: hints.numa ?? (firstPopulated ? names.some((n) => n.startsWith('numa_')) : undefined),
    zsmalloc: hints.zsmalloc ?? (firstPopulated ? allStatNames.includes('nr_zspages') : undefined),
    features,
  }, 0);

  const nodes = new Map<number, NodeView>();
  for (const pn of p.nodes) nodes.set(pn.nid, { nid: pn.nid, zones: [], stats: { ...pn.stats } });
  for (const pz of p.zones) {
    const idx = v.zoneNames.indexOf(pz.zone);
    const node = nodes.get(pz.nid)!;
    const z: ZoneViewExtra = emptyZone(pz.nid, idx < 0 ? node.zones.length : idx, pz.zone, v);
    z.free = pz.free ?? 0;
    z.boost = pz.boost ?? 0;
    z.min = pz.min ?? 0; z.low = pz.low ?? 0; z.high = pz.high ?? 0;
    if (pz.promo !== undefined) z.promo = pz.promo;
    z.spanned = pz.spanned ?? 0; z.present = pz.present ?? (pz.populated ? 1 : 0); z.managed = pz.managed ?? 0;
    z.cma = pz.cma ?? 0;
    if (pz.protection && pz.protection.length === v.zoneNames.length) z.protection = [...pz.protection];
    for (const name of pz.statNames) {
      const value = pz.stats[name]!;
      if (name === 'nr_free_pages') { if (value !== pz.free) z.freeStat = value; }
      else if (name === 'nr_free_cma') z.freeCma = value;
      else z.stats[name] = value;
    }
    z.statThreshold = pz.pagesets.find((s) => s.statThreshold !== undefined)?.statThreshold ?? 0;
    z.pcp = pcpFromParsed(pz, z.statThreshold);
    z.nodeUnreclaimable = pz.nodeUnreclaimable ?? 0;
    z.startPfn = pz.startPfn ?? 0;
    const firstOfNode = p.zones.find((q) => q.nid === pz.nid && ((q.present ?? 0) > 0 || q.populated)) === pz;
    const miss = missingLines(pz, firstOfNode, (p.nodes.find((n) => n.nid === pz.nid)?.statNames.length ?? 0) > 0);
    if (pz.protection && pz.protection.length !== v.zoneNames.length) miss.push('protection');
    if (miss.length > 0) z.missing = miss;
    node.zones.push(z);
  }
  v.nodes = [...nodes.values()];

  // Keep the printed name lists when they are not those of the profile's config.
  const statNames: NonNullable<MachineViewExtra['statNames']> = {};
  if (nodeNames.length > 0 && !sameList(nodeNames, nodeStatNames(v))) statNames.node = nodeNames;
  if (firstPopulated && !sameList(zoneItemNames, zoneStatNames(v))) statNames.zone = zoneItemNames;
  if (firstPopulated && !sameList(numaNames, numaStatNames(v))) statNames.numa = numaNames;
  if (Object.keys(statNames).length > 0) v.statNames = statNames;

  const zones = allZones(v);
  v.totalram = zones.reduce((s, z) => s + z.managed, 0);
  v.totalcma = zones.reduce((s, z) => s + z.cma, 0);
  v.totalhigh = zones.filter((z) => z.name === 'HighMem').reduce((s, z) => s + z.managed, 0);
  v.totalreserve = calculateTotalreservePages(v);
  return v;
}
