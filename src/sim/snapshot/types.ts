/**
 * A running machine's state as /proc shows it, to start a simulation from (issue #11: replay a
 * recorded trace from the real starting state). The texts are the files as read; kpageflags is the
 * binary /proc/kpageflags (8 bytes a pfn), raw or gzip-compressed.
 */
import type { BuddyinfoRow } from '../format/buddyinfo';
import type { ParsedMeminfo } from '../format/meminfo-parse';
import type { ParsedPagetypeinfo } from '../format/pagetypeinfo-parse';
import type { ParsedVmstat } from '../format/vmstat';
import type { ParsedZoneinfo } from '../format/zoneinfo-parsed';

export interface SnapshotInput {
  zoneinfo: string;
  buddyinfo: string;
  pagetypeinfo: string;
  /** /proc/kpageflags (or its gzip); without it the page state is synthesised from the counts (see synthesize.ts) */
  kpageflags?: Uint8Array;
  meminfo?: string;
  vmstat?: string;
}

/** The file names of a snapshot, as `mmbook boot --state` and the errors name them. */
export type SnapshotFile = 'zoneinfo' | 'buddyinfo' | 'pagetypeinfo' | 'kpageflags' | 'meminfo' | 'vmstat';
export const SNAPSHOT_FILES: readonly SnapshotFile[] = ['zoneinfo', 'buddyinfo', 'pagetypeinfo', 'kpageflags', 'meminfo', 'vmstat'];

export interface ParsedSnapshot {
  texts: SnapshotInput;
  zoneinfo: ParsedZoneinfo;
  buddyinfo: BuddyinfoRow[];
  pagetypeinfo: ParsedPagetypeinfo;
  meminfo?: ParsedMeminfo;
  vmstat?: ParsedVmstat;
}

/** Per zone: how the imported state compares with the snapshot's own files. */
export interface ZoneImportReport {
  nid: number;
  zone: string;
  /** free blocks per order: from kpageflags (or the synthesis), and buddyinfo's */
  freeBlocks: number[];
  buddyinfo: number[];
  /** Σ |difference| × 2^order, in pages */
  buddyinfoDiffPages: number;
  /** the tolerance it was checked against */
  tolerancePages: number;
  /** per migratetype name: free pages in error against pagetypeinfo (Σ over orders |imported − file| × 2^order) */
  freeErrorByType: Record<string, number>;
  /** the same, with every free block on its pageblock's list (before moving blocks to other lists) */
  freeErrorByTypePageblocksOnly: Record<string, number>;
  /** free blocks put on a list other than their pageblock's type, per list */
  blocksOffPageblockType: Record<string, number>;
  /** pageblocks per type: imported and pagetypeinfo's */
  blocksByType: Record<string, number>;
  blocksByTypeFile: Record<string, number>;
  /** managed pages: the imported state's, the snapshot zoneinfo's, the fresh boot's */
  managed: number;
  managedFile: number;
  managedBoot: number;
  /** pages whose reserved/managed state differs between the fresh boot and the snapshot */
  reservedDiffers: number;
  /** per-cpu list pages: imported, and zoneinfo's count per cpu */
  pcp: number[];
  pcpFile: number[];
  /** pcp pages chosen by each rule (kpageflags import) */
  pcpByRule?: Record<string, number>;
  /** free pages: imported NR_FREE_PAGES and zoneinfo's */
  free: number;
  freeFile: number;
}

export interface SnapshotReport {
  /** 'kpageflags': page state from kpageflags; 'counts': synthesised from buddyinfo/pagetypeinfo counts */
  source: 'kpageflags' | 'counts';
  zones: ZoneImportReport[];
  /** per node: pages per page kind in the imported state */
  kindPages: Array<Record<string, number>>;
  /** slab pages split into reclaimable / unreclaimable, and the snapshot's counters */
  slab: Array<{ nid: number; reclaimable: number; unreclaimable: number; reclaimableFile?: number; unreclaimableFile?: number }>;
  /** "CODE: message" */
  warnings: string[];
}
