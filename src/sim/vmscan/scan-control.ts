/**
 * struct scan_control (mm/vmscan.c) and the reclaim constants the model uses. A reclaim run
 * (balance_pgdat, do_try_to_free_pages, drop_slab) creates one; reclaim is a slow path and may
 * allocate.
 */
import { GFP_KERNEL } from '../page_alloc/gfp';

/** DEF_PRIORITY (include/linux/mmzone.h): scanning starts at lru_size >> 12 */
export const DEF_PRIORITY = 12;
/** SWAP_CLUSTER_MAX (include/linux/swap.h) */
export const SWAP_CLUSTER_MAX = 32;
/** sc->may_deactivate bits */
export const DEACTIVATE_ANON = 1;
export const DEACTIVATE_FILE = 2;
/** enum pgdat_flags bits the model keeps (include/linux/mmzone.h) */
export const PGDAT_DIRTY = 1;
export const PGDAT_WRITEBACK = 2;
/** reclaim_flags of mm_vmscan_lru_shrink_inactive (include/trace/events/vmscan.h) */
export const RECLAIM_WB_ANON = 0x1;
export const RECLAIM_WB_FILE = 0x2;
export const RECLAIM_WB_ASYNC = 0x8;

export class ScanControl {
  /** pages to reclaim before the LRU scan may stop early */
  nrToReclaim = 0;
  gfp = GFP_KERNEL;
  order = 0;
  priority = DEF_PRIORITY;
  /** the highest zone index whose pages may be reclaimed (isolation skips the others) */
  reclaimIdx = 0;
  mayWritepage = true;
  mayUnmap = true;
  maySwap = true;
  /** current_is_kswapd() */
  kswapd = false;
  /** the CPU the reclaimer runs on: its per-cpu lists receive the freed pages */
  cpu = 0;
  /** pages that reached shrink_page_list (not the skipped ones) */
  nrScanned = 0;
  nrReclaimed = 0;
  mayDeactivate = 0;
  forceDeactivate = false;
  skippedDeactivate = false;
  cacheTrimMode = false;
  fileIsTiny = false;
  compactionReady = false;
  anonCost = 0;
  fileCost = 0;
  // sc->nr, reset at every shrink_node pass
  nrDirty = 0;
  nrUnqueuedDirty = 0;
  nrWriteback = 0;
  nrImmediate = 0;
  nrTaken = 0;
  nrFileTaken = 0;

  resetNr(): void {
    this.nrDirty = 0;
    this.nrUnqueuedDirty = 0;
    this.nrWriteback = 0;
    this.nrImmediate = 0;
    this.nrTaken = 0;
    this.nrFileTaken = 0;
  }
}
