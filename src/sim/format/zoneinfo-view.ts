/**
 * zoneinfoToView: a MachineView rebuilt from a parsed /proc/zoneinfo, as far as the
 * text allows (no free lists, pageblocks or memblock). renderZoneinfo of the result
 * reproduces the text.
 */
import type { Arch, ZoneName } from '../types';
import type { NodeView, PcpView } from '../view';
import type { MachineViewExtra, PcpViewExtra, ZoneViewExtra } from './extra';
import { nodeStatNames, numaStatNames, zoneStatNames } from './item-lists';
import type { ParsedZoneinfo } from './zoneinfo-parse';
import { allZones, calculateTotalreservePages, emptyView, emptyZone } from './view-build';
import type { ViewHints } from './view-build';

const sameList = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** HighMem only exists on 32-bit arm here; ZONE_DEVICE only in Debian's amd64 kernels. */
function guessArch(zoneNames: ZoneName[]): Arch {
  if (zoneNames.includes('HighMem')) return 'arm';
  if (zoneNames.includes('Device')) return 'x86_64';
  return 'arm64';
}

export function zoneinfoToView(p: ParsedZoneinfo, hints: ViewHints = {}): MachineViewExtra {
  const allStatNames = p.zones.flatMap((z) => z.statNames);
  const nodeNames = p.nodes.find((n) => n.statNames.length > 0)?.statNames ?? [];
  const firstPopulated = p.zones.find((z) => z.populated);
  const zoneItemNames = firstPopulated?.statNames.filter((n) => !n.startsWith('numa_')) ?? [];
  const numaNames = firstPopulated?.statNames.filter((n) => n.startsWith('numa_')) ?? [];
  const features = { ...(hints.features ?? {}) };
  if (nodeNames.length > 0) {
    features.shadowCallStack ??= nodeNames.includes('nr_shadow_call_stack');
    if (p.layout === '6.1') {
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
    kernel: p.layout,
    zoneNames: p.zoneNames,
    numa: hints.numa ?? (firstPopulated ? numaNames.length > 0 : undefined),
    zsmalloc: hints.zsmalloc ?? (firstPopulated ? allStatNames.includes('nr_zspages') : undefined),
    features,
  }, 0);

  const nodes = new Map<number, NodeView>();
  for (const pn of p.nodes) nodes.set(pn.nid, { nid: pn.nid, zones: [], stats: { ...pn.stats } });
  for (const pz of p.zones) {
    const idx = v.zoneNames.indexOf(pz.zone);
    const z: ZoneViewExtra = emptyZone(pz.nid, idx < 0 ? nodes.get(pz.nid)!.zones.length : idx, pz.zone, v);
    z.free = pz.free;
    z.boost = pz.boost ?? 0;
    z.min = pz.min; z.low = pz.low; z.high = pz.high;
    z.spanned = pz.spanned; z.present = pz.present; z.managed = pz.managed;
    z.cma = pz.cma ?? 0;
    z.protection = [...pz.protection];
    for (const name of pz.statNames) {
      const value = pz.stats[name]!;
      if (name === 'nr_free_pages') { if (value !== pz.free) z.freeStat = value; }
      else if (name === 'nr_free_cma') z.freeCma = value;
      else z.stats[name] = value;
    }
    z.statThreshold = pz.pagesets[0]?.statThreshold ?? 0;
    z.pcp = pz.pagesets.map((s): PcpView => {
      const pcp: PcpViewExtra = { cpu: s.cpu, count: s.count, high: s.high, batch: s.batch };
      if (s.statThreshold !== undefined && s.statThreshold !== z.statThreshold) pcp.statThreshold = s.statThreshold;
      return pcp;
    });
    z.nodeUnreclaimable = pz.nodeUnreclaimable ?? 0;
    z.startPfn = pz.startPfn ?? 0;
    nodes.get(pz.nid)!.zones.push(z);
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
