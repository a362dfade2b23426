/**
 * Per-cpu page list sizing (pcp high and batch) and the vmstat threshold.
 * 5.10: batch from zone_batchsize, high = 6 * batch, computed at setup_per_cpu_pageset
 *       (and zone_pcp_update after deferred init), never by watermark changes.
 * 6.1:  high = max(low_wmark / nr_split_cpus, 4 * batch), recomputed by every
 *       setup_per_zone_wmarks.
 */
import { versionRules } from '../kernel-behaviour';
import { MmError } from '../errors';
import { fls, rounddownPowOfTwo } from './int-math';
import { cloneState, lowWmarkPages, populatedZone, type TZone, type TunableState } from './state';

/** PAGE_SHIFT * 8: the 5.10 batch cap when percpu_pagelist_fraction is set. */
const PCP_BATCH_CAP_510 = 12 * 8;

/** zone_batchsize (mm/page_alloc.c), CONFIG_MMU, 4 KiB pages; the same in 5.10 and 6.1. */
export function zoneBatchsize(managed: number): number {
  // min(managed / 1024, 1 MiB / PAGE_SIZE)
  let batch = Math.min(Math.floor(managed / 1024), (1024 * 1024) / 4096);
  batch = Math.floor(batch / 4);
  if (batch < 1) batch = 1;
  return rounddownPowOfTwo(batch + Math.floor(batch / 2)) - 1;
}

/**
 * pageset_set_high_and_batch (5.10 mm/page_alloc.c): pageset_set_batch (high 6*b, batch max(1,b))
 * or, with percpu_pagelist_fraction, pageset_set_high (high managed/fraction, batch max(1, high/4) capped at 96).
 */
export function pagesetSetHighAndBatch510(managed: number, fraction: number): { high: number; batch: number } {
  if (fraction) {
    const high = Math.floor(managed / fraction);
    let batch = Math.max(1, Math.floor(high / 4));
    if (Math.floor(high / 4) > PCP_BATCH_CAP_510) batch = PCP_BATCH_CAP_510;
    return { high, batch };
  }
  const b = zoneBatchsize(managed);
  return { high: 6 * b, batch: Math.max(1, b) };
}

/** zone_highsize (6.1 mm/page_alloc.c), CONFIG_MMU. */
export function zoneHighsize61(s: TunableState, z: TZone, batch: number, cpuOnline = 0): number {
  const total = s.percpuPagelistFraction
    ? Math.floor(z.managed / s.percpuPagelistFraction)
    : lowWmarkPages(z);
  let nrSplitCpus = (s.cpusPerNode[z.nid] ?? 0) + cpuOnline;
  if (!nrSplitCpus) nrSplitCpus = s.onlineCpus;
  if (!nrSplitCpus) throw new MmError('TUNABLES_BAD_INPUT', `zone_highsize: no online CPUs (node ${z.nid})`);
  const high = Math.floor(total / nrSplitCpus);
  return Math.max(high, batch * 4);
}

/** zone_set_pageset_high_and_batch (6.1 mm/page_alloc.c), in place. */
export function zoneSetPagesetHighAndBatch61Mut(s: TunableState, z: TZone, cpuOnline = 0): void {
  const batch = Math.max(1, zoneBatchsize(z.managed));
  z.pcpBatch = batch;
  z.pcpHigh = zoneHighsize61(s, z, batch, cpuOnline);
}

/** 5.10 pageset_set_high_and_batch applied to one zone, in place, from a given managed count. */
function pagesetSetHighAndBatch510Mut(s: TunableState, z: TZone, managed: number): void {
  const { high, batch } = pagesetSetHighAndBatch510(managed, s.percpuPagelistFraction);
  z.pcpHigh = high;
  z.pcpBatch = batch;
}

/**
 * zone_pcp_update (mm/page_alloc.c) for the zones the kernel walks:
 * 6.1: zone_set_pageset_high_and_batch on every zone (as setup_per_zone_wmarks does);
 * 5.10: pageset_set_high_and_batch on every populated zone (as page_alloc_init_late does).
 */
export function zonePcpUpdateMut(d: TunableState): void {
  for (const z of d.zones) {
    if (versionRules(d.kernel).pcp.high === 'low-wmark') zoneSetPagesetHighAndBatch61Mut(d, z);
    else if (populatedZone(z)) pagesetSetHighAndBatch510Mut(d, z, z.managed);
  }
}

/** zone_pcp_update over all zones (see zonePcpUpdateMut); returns a new state. */
export function zonePcpUpdate(s: TunableState): TunableState {
  const d = cloneState(s);
  zonePcpUpdateMut(d);
  return d;
}

/**
 * setup_per_cpu_pageset (5.10 mm/page_alloc.c, from start_kernel after mm_init): every populated
 * zone gets pageset_set_high_and_batch from `managedAtThatTime` (one value per zone, in state.zones
 * order: the managed count after memblock_free_all, BEFORE CMA activation and the late frees).
 * Unpopulated zones keep the boot pageset (high 0, batch 1). The zones' `managed` is not changed.
 * Also use it for 5.10's zone_pcp_update after deferred page init (page_alloc_init_late).
 */
export function setupPerCpuPageset510(s: TunableState, managedAtThatTime: readonly number[]): TunableState {
  if (versionRules(s.kernel).pcp.high !== 'six-batch') {
    throw new MmError('TUNABLES_BAD_INPUT', `setupPerCpuPageset510 called on a ${s.kernel} state, whose pcp high follows the watermarks`);
  }
  if (managedAtThatTime.length !== s.zones.length) {
    throw new MmError(
      'TUNABLES_BAD_INPUT',
      `setupPerCpuPageset510: ${managedAtThatTime.length} managed values for ${s.zones.length} zones`,
    );
  }
  const d = cloneState(s);
  d.zones.forEach((z, i) => {
    if (populatedZone(z)) pagesetSetHighAndBatch510Mut(d, z, managedAtThatTime[i]!);
    else {
      z.pcpHigh = 0;
      z.pcpBatch = 1;
    }
  });
  return d;
}

/** calculate_normal_threshold (mm/vmstat.c): 2*fls(cpus)*(1+fls(managed >> (27-PAGE_SHIFT))), at most 125. */
export function calculateNormalThreshold(managed: number, onlineCpus: number): number {
  const mem = Math.floor(managed / 2 ** (27 - 12));
  return Math.min(125, 2 * fls(onlineCpus) * (1 + fls(mem)));
}

/**
 * refresh_zone_stat_thresholds (mm/vmstat.c): statThreshold of every populated zone from its
 * current managed count. It runs in init_per_zone_wmark_min (postcore) and on CPU hotplug.
 */
export function refreshZoneStatThresholdsMut(d: TunableState): void {
  for (const z of d.zones) {
    if (populatedZone(z)) z.statThreshold = calculateNormalThreshold(z.managed, d.onlineCpus);
  }
}

/** refresh_zone_stat_thresholds (mm/vmstat.c): returns a new state. */
export function refreshZoneStatThresholds(s: TunableState): TunableState {
  const d = cloneState(s);
  refreshZoneStatThresholdsMut(d);
  return d;
}

/**
 * zone_set_pageset_high_and_batch (6.1 mm/page_alloc.c) on every populated zone, as the
 * percpu_pagelist_high_fraction handler (cpuOnline 0) and page_alloc_cpu_online (cpuOnline 1: the
 * CPU coming up is not yet in its node's mask) call it. Returns a new state.
 */
export function zoneSetPagesetHighAndBatch(s: TunableState, cpuOnline = 0): TunableState {
  if (versionRules(s.kernel).pcp.high !== 'low-wmark') {
    throw new MmError('TUNABLES_BAD_INPUT', `zoneSetPagesetHighAndBatch sizes pcp from the low watermark, which the ${s.kernel} state does not`);
  }
  const d = cloneState(s);
  for (const z of d.zones) if (populatedZone(z)) zoneSetPagesetHighAndBatch61Mut(d, z, cpuOnline);
  return d;
}
