/**
 * The vm_event_item counters the run-time model moves (include/linux/vm_event_item.h), held in one
 * Float64Array so that counting costs an array increment. The names are /proc/vmstat's; the
 * per-zone events (pgalloc_*, allocstall_*, pgskip_*) are indexed by the zone's enum index through
 * zoneEvent(). Counters that the model never moves are not here: /proc/vmstat prints them from the
 * machine's boot-time view (0, or an imported dump's value).
 */

/** Suffix of the per-zone events, by zone name (the kernel's TEXTS_FOR_ZONES). */
export const ZONE_EVENT_SUFFIX: Readonly<Record<string, string>> = {
  DMA: 'dma',
  DMA32: 'dma32',
  Normal: 'normal',
  HighMem: 'high',
  Movable: 'movable',
  Device: 'device',
};

const GLOBAL_EVENTS = [
  'pgpgin', 'pgpgout', 'pswpin', 'pswpout', 'pgfree', 'pgactivate', 'pgdeactivate', 'pgrefill',
  'pgsteal_kswapd', 'pgsteal_direct', 'pgscan_kswapd', 'pgscan_direct', 'pgscan_anon', 'pgscan_file',
  'pgsteal_anon', 'pgsteal_file', 'slabs_scanned', 'kswapd_low_wmark_hit_quickly',
  'kswapd_high_wmark_hit_quickly', 'pageoutrun', 'drop_pagecache', 'drop_slab', 'oom_kill',
  'pgmigrate_success', 'pgmigrate_fail', 'compact_migrate_scanned', 'compact_free_scanned',
  'compact_isolated', 'compact_stall', 'compact_fail', 'compact_success', 'compact_daemon_wake',
  'compact_daemon_migrate_scanned', 'compact_daemon_free_scanned', 'htlb_buddy_alloc_success',
  'htlb_buddy_alloc_fail', 'cma_alloc_success', 'cma_alloc_fail', 'thp_fault_alloc',
  'thp_fault_fallback', 'thp_split_page', 'nr_vmscan_write', 'pgrotated',
] as const;
export type GlobalEvent = (typeof GLOBAL_EVENTS)[number];

export class VmEvents {
  /** the counters, index = eventIndex(name) */
  readonly v: Float64Array;
  readonly names: readonly string[];
  private readonly index: Map<string, number>;
  /** base index of pgalloc_<zone>, allocstall_<zone>, pgskip_<zone> (add the zone's enum index) */
  readonly pgallocBase: number;
  readonly allocstallBase: number;
  readonly pgskipBase: number;
  /** hot indexes */
  readonly PGFREE: number;

  constructor(zoneNames: readonly string[], from?: VmEvents) {
    const names: string[] = [...GLOBAL_EVENTS];
    this.pgallocBase = names.length;
    for (const z of zoneNames) names.push(`pgalloc_${ZONE_EVENT_SUFFIX[z]}`);
    this.allocstallBase = names.length;
    for (const z of zoneNames) names.push(`allocstall_${ZONE_EVENT_SUFFIX[z]}`);
    this.pgskipBase = names.length;
    for (const z of zoneNames) names.push(`pgskip_${ZONE_EVENT_SUFFIX[z]}`);
    this.names = names;
    this.index = new Map(names.map((n, i) => [n, i]));
    this.v = from ? from.v.slice() : new Float64Array(names.length);
    this.PGFREE = this.index.get('pgfree')!;
  }

  /** The index of a global event. */
  at(name: GlobalEvent): number {
    return this.index.get(name)!;
  }

  count(name: GlobalEvent, n = 1): void {
    this.v[this.index.get(name)!] += n;
  }

  get(name: string): number {
    const i = this.index.get(name);
    return i === undefined ? 0 : this.v[i];
  }

  /** name → value of every counter */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    this.names.forEach((n, i) => (out[n] = this.v[i]));
    return out;
  }
}
