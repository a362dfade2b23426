/**
 * The compaction state a running machine keeps (struct zone's CONFIG_COMPACTION fields, the
 * pageblock skip bit PB_migrate_skip, struct pglist_data's kcompactd fields beyond the wake
 * request that NodeRun holds, and the vm sysctls of mm/compaction.c), in typed arrays.
 *
 * Every field starts at 0 as in the kernel, where struct zone and pg_data_t are zero-filled and
 * nothing initialises the cached scanner positions: compact_zone resets a cached pfn that lies
 * outside the zone when it first reads it.
 */
import { COMPACTION_PROACTIVENESS_DEFAULT, EXTFRAG_THRESHOLD_DEFAULT } from './constants';

export class CompactionState {
  /** zone->compact_cached_migrate_pfn[0] (async) and [1] (sync), index zi * 2 + sync */
  readonly cachedMigratePfn: Float64Array;
  /** zone->compact_cached_free_pfn */
  readonly cachedFreePfn: Float64Array;
  /** zone->compact_init_migrate_pfn, compact_init_free_pfn */
  readonly initMigratePfn: Float64Array;
  readonly initFreePfn: Float64Array;
  /** zone->compact_blockskip_flush */
  readonly blockskipFlush: Uint8Array;
  /** zone->compact_considered, compact_defer_shift, compact_order_failed */
  readonly considered: Int32Array;
  readonly deferShift: Int32Array;
  readonly orderFailed: Int32Array;
  /** PB_migrate_skip per pageblock, index (pfn >> pageblock_order) − pbBase */
  readonly skip: Uint8Array;
  /** kcompactd: woken since its last loop (the thread is not on kcompactd_wait) */
  readonly kcompactdWoken: Uint8Array;
  /** kcompactd: intervals left before its wait times out (1 normally; 6.1 waits 64 after a proactive run without progress) */
  readonly kcompactdWaitLeft: Int32Array;
  /** kcompactd (5.10): proactive_defer, the intervals to skip after a proactive run without progress */
  readonly proactiveDefer: Int32Array;
  /** pgdat->proactive_compact_trigger (6.1): a compaction_proactiveness write asked for a proactive run */
  readonly proactiveTrigger: Uint8Array;
  /** vm.extfrag_threshold */
  extfragThreshold = EXTFRAG_THRESHOLD_DEFAULT;
  /** vm.compaction_proactiveness */
  proactiveness = COMPACTION_PROACTIVENESS_DEFAULT;
  /** vm.compact_unevictable_allowed (1 without PREEMPT_RT) */
  unevictableAllowed = 1;

  constructor(zones: number, nodes: number, pageblocks: number, from?: CompactionState) {
    if (from) {
      this.cachedMigratePfn = from.cachedMigratePfn.slice();
      this.cachedFreePfn = from.cachedFreePfn.slice();
      this.initMigratePfn = from.initMigratePfn.slice();
      this.initFreePfn = from.initFreePfn.slice();
      this.blockskipFlush = from.blockskipFlush.slice();
      this.considered = from.considered.slice();
      this.deferShift = from.deferShift.slice();
      this.orderFailed = from.orderFailed.slice();
      this.skip = from.skip.slice();
      this.kcompactdWoken = from.kcompactdWoken.slice();
      this.kcompactdWaitLeft = from.kcompactdWaitLeft.slice();
      this.proactiveDefer = from.proactiveDefer.slice();
      this.proactiveTrigger = from.proactiveTrigger.slice();
      this.extfragThreshold = from.extfragThreshold;
      this.proactiveness = from.proactiveness;
      this.unevictableAllowed = from.unevictableAllowed;
      return;
    }
    this.cachedMigratePfn = new Float64Array(zones * 2);
    this.cachedFreePfn = new Float64Array(zones);
    this.initMigratePfn = new Float64Array(zones);
    this.initFreePfn = new Float64Array(zones);
    this.blockskipFlush = new Uint8Array(zones);
    this.considered = new Int32Array(zones);
    this.deferShift = new Int32Array(zones);
    this.orderFailed = new Int32Array(zones);
    this.skip = new Uint8Array(pageblocks);
    this.kcompactdWoken = new Uint8Array(nodes);
    this.kcompactdWaitLeft = new Int32Array(nodes).fill(1);
    this.proactiveDefer = new Int32Array(nodes);
    this.proactiveTrigger = new Uint8Array(nodes);
  }

  clone(): CompactionState {
    return new CompactionState(0, 0, 0, this);
  }
}
