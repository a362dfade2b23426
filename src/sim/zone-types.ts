/**
 * Zone enum per configuration (include/linux/mmzone.h `enum zone_type`, mm/page_alloc.c `zone_names[]`).
 * Zones that are not configured are left out of the enum, so the indices shift.
 *
 * A zone is identified across the simulator by one number, zoneId(nid, idx, MAX_NR_ZONES), the
 * kernel's zone_idx within pgdat->node_zones[] of node nid. Maps that describe zones are keyed by
 * that id (never by a position in some array), so machines whose node ids are not contiguous
 * (nodes {0, 2}) work the same as {0, 1}.
 */
import type { Arch, KernelConfig, ZoneName } from './types';

/** The enum zone_type for a config: DMA, DMA32, Normal, HighMem, Movable, Device (those configured). */
export function zoneNames(arch: Arch, cfg: KernelConfig): ZoneName[] {
  const names: ZoneName[] = [];
  if (cfg.zoneDma) names.push('DMA');
  if (cfg.zoneDma32 && arch !== 'arm') names.push('DMA32');
  names.push('Normal');
  if (cfg.highmem && arch === 'arm') names.push('HighMem');
  names.push('Movable');
  if (cfg.zoneDevice) names.push('Device');
  return names;
}

export function zoneIndex(names: readonly ZoneName[], name: ZoneName): number {
  return names.indexOf(name);
}

/** gfp_zone(GFP_USER) = ZONE_NORMAL: the highest zone that nr_free_buffer_pages counts. */
export function normalIndex(names: readonly ZoneName[]): number {
  return names.indexOf('Normal');
}

/** The simulator's id of zone `idx` of node `nid`, with `nrZones` = MAX_NR_ZONES of the profile. */
export function zoneId(nid: number, idx: number, nrZones: number): number {
  return nid * nrZones + idx;
}

/** The node and zone index of a zone id (the inverse of zoneId). */
export function zoneOfId(id: number, nrZones: number): { nid: number; idx: number } {
  return { nid: Math.floor(id / nrZones), idx: id % nrZones };
}
