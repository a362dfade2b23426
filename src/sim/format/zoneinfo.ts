/**
 * /proc/zoneinfo renderer: zoneinfo_show_print (mm/vmstat.c), 5.10 and 6.1 layouts.
 */
import { versionRules } from '../kernel-behaviour';
import type { MachineView, NodeView, ZoneView } from '../view';
import type { PcpViewExtra, ZoneViewExtra } from './extra';
import { featuresOf } from './extra';
import { nodeStatNames, numaStatNames, zoneStatNames } from './item-lists';
import { populatedZone } from './view-build';
import { padLeft, padRight } from './printf';

/** "\n      %-12s %lu" */
const statLine = (name: string, value: number): string => `\n      ${padRight(name, 12)} ${value}`;

/** zone_page_state(zone, item) as the view holds it */
export function zoneStatValue(z: ZoneView, name: string): number {
  if (name === 'nr_free_pages') return (z as ZoneViewExtra).freeStat ?? z.free;
  if (name === 'nr_free_cma') return z.freeCma;
  return z.stats[name] ?? 0;
}

/** is_zone_first_populated (mm/vmstat.c) */
function isZoneFirstPopulated(node: NodeView, z: ZoneView): boolean {
  return node.zones.find(populatedZone) === z;
}

/**
 * zoneinfo_show_print (mm/vmstat.c): one zone's block. A zone imported from a dump that lacked
 * some lines (ZoneViewExtra.missing: an older layout, a partial paste) prints the profile's
 * layout without those lines, instead of inventing their values.
 */
export function zoneinfoShowPrint(v: MachineView, node: NodeView, z: ZoneView): string {
  const v61 = versionRules(v.kernel).zoneinfoBoostCma;
  const miss = new Set((z as ZoneViewExtra).missing ?? []);
  let s = `Node ${node.nid}, zone ${padLeft(z.name, 8)}`;
  if (isZoneFirstPopulated(node, z) && !miss.has('nodeStats')) {
    s += '\n  per-node stats';
    for (const name of nodeStatNames(v)) s += statLine(name, node.stats[name] ?? 0);
  }
  if (!miss.has('free')) s += `\n  pages free     ${z.free}`;
  if (v61 && !miss.has('boost')) s += `\n        boost    ${z.boost}`;
  if (!miss.has('watermarks')) s += `\n        min      ${z.min}\n        low      ${z.low}\n        high     ${z.high}`;
  if (!miss.has('sizes')) s += `\n        spanned  ${z.spanned}\n        present  ${z.present}`;
  if (!miss.has('managed')) s += `\n        managed  ${z.managed}`;
  if (v61 && !miss.has('cma')) s += `\n        cma      ${z.cma}`;
  if (!miss.has('protection')) s += `\n        protection: (${z.protection.join(', ')})`;
  if (!populatedZone(z)) return s + '\n';
  if (!miss.has('stats')) {
    for (const name of zoneStatNames(v)) s += statLine(name, zoneStatValue(z, name));
    for (const name of numaStatNames(v)) s += statLine(name, z.stats[name] ?? 0);
  }
  if (!miss.has('pagesets')) {
    s += '\n  pagesets';
    const smp = featuresOf(v).smp;
    for (const p of z.pcp as PcpViewExtra[]) {
      const pm = new Set(p.missing ?? []);
      s += `\n    cpu: ${p.cpu}`;
      if (!pm.has('count')) s += `\n              count: ${p.count}`;
      if (!pm.has('high')) s += `\n              high:  ${p.high}`;
      if (!pm.has('batch')) s += `\n              batch: ${p.batch}`;
      if (smp && !pm.has('statThreshold')) s += `\n  vm stats threshold: ${p.statThreshold ?? z.statThreshold}`;
    }
  }
  if (!miss.has('nodeUnreclaimable')) s += `\n  node_unreclaimable:  ${z.nodeUnreclaimable}`;
  if (!miss.has('startPfn')) s += `\n  start_pfn:           ${z.startPfn}`;
  return s + '\n';
}

/** /proc/zoneinfo: every zone of every online node, populated or not. */
export function renderZoneinfo(v: MachineView): string {
  let out = '';
  for (const node of v.nodes) for (const z of node.zones) out += zoneinfoShowPrint(v, node, z);
  return out;
}
