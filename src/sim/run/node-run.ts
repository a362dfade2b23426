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

  constructor(nid: number, _zones: number) {
    this.nid = nid;
    this.kindPages = new Float64Array(8);
  }

  clone(): NodeRun {
    const c = new NodeRun(this.nid, 0);
    Object.assign(c, this, { kindPages: this.kindPages.slice() });
    return c;
  }
}
