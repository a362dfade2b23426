/**
 * Per-node run-time state (struct pglist_data fields the model keeps): kswapd's and kcompactd's
 * wake requests and state, the reclaim failure count, and the pages held per page kind (the node
 * stats nr_anon_pages, nr_file_pages, nr_shmem, nr_dirty, nr_slab_*_b come from these).
 */
export class NodeRun {
  readonly nid: number;
  /** kswapd is running (woken and not yet asleep) */
  kswapdAwake = false;
  /** pgdat->kswapd_order and kswapd_highest_zoneidx of the pending request (−1 = MAX_NR_ZONES: none) */
  kswapdOrder = 0;
  kswapdHighestZoneidx = -1;
  /** pgdat->kswapd_failures */
  kswapdFailures = 0;
  /** times kswapd was woken (mm_vmscan_wakeup_kswapd) */
  kswapdWakes = 0;
  /** kcompactd's pending request: pgdat->kcompactd_max_order and kcompactd_highest_zoneidx (−1 = its reset value, nr_zones − 1) */
  kcompactdOrder = 0;
  kcompactdHighestZoneidx = -1;
  /** pages per page kind (run/page-flags.ts KIND_*) */
  readonly kindPages: Float64Array;
  /** NR_ISOLATED_ANON / NR_ISOLATED_FILE */
  isolatedAnon = 0;
  isolatedFile = 0;
  /** pages under writeback (NR_WRITEBACK) */
  writeback = 0;

  // ---- reclaim (vmscan/) ----
  /**
   * kswapd is in kswapd_try_to_sleep's HZ/10 nap: asleep for wakeup_kswapd (kswapdAwake false), but
   * a wakeup cuts the nap short; the nap ends at the next daemons step (run/daemons.ts)
   */
  kswapdNap = false;
  /** the kswapd thread's locals kept across a nap: alloc_order, reclaim_order, highest_zoneidx (−1 until its first run: MAX_NR_ZONES − 1) */
  kswapdAllocOrder = 0;
  kswapdReclaimOrder = 0;
  kswapdHighest = -1;
  /** pgdat->flags: PGDAT_DIRTY, PGDAT_WRITEBACK (vmscan/scan-control.ts) */
  pgdatFlags = 0;
  /** lruvec->anon_cost and file_cost (lru_note_cost: pages written by reclaim, decayed) */
  anonCost = 0;
  fileCost = 0;
  /** the model shrinker's nr_deferred on this node */
  shrinkerDeferred = 0;
  /** node stats NR_VMSCAN_WRITE and NR_VMSCAN_IMMEDIATE */
  vmscanWrite = 0;
  vmscanImmediate = 0;
  /** heads of the pages whose writeback was started, oldest first (they complete at the next writeback tick) */
  wbQueue: number[] = [];
  /** wakeup_flusher_threads was called: the flusher writes the dirty pages at the next writeback tick */
  flusherWoken = false;

  constructor(nid: number, _zones: number) {
    this.nid = nid;
    this.kindPages = new Float64Array(8);
  }

  clone(): NodeRun {
    const c = new NodeRun(this.nid, 0);
    Object.assign(c, this, { kindPages: this.kindPages.slice(), wbQueue: [...this.wbQueue] });
    return c;
  }
}
