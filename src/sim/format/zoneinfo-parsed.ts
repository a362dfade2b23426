/**
 * What parseZoneinfo reads from a /proc/zoneinfo dump of any kernel from 3.x to 6.12.
 * Every field a kernel version or a partial paste may leave out is optional: undefined means
 * "the dump did not say", never 0.
 */
import type { KernelVersion, ZoneName } from '../types';
import type { ZoneinfoLayout } from './zoneinfo-layout';

export const ZONE_NAMES: readonly ZoneName[] = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'];

/**
 * NR_CPUS can be at most 8192 on the modelled arches (x86_64 MAXSMP; arm64 allows 4096,
 * 32-bit arm 32): a "cpu: N" above that is not a real dump. The arch's own limit is checked
 * on import.
 */
export const MAX_CPU_ID = 8191;

/**
 * The largest page count a zone can have: a 52-bit physical address space (the widest of the
 * modelled arches) holds 2^40 pages of 4 KiB. Larger spanned/present/managed/free values are
 * not a real machine's.
 */
export const MAX_ZONE_PAGES = 2 ** 40;

export interface ParsedPageset {
  cpu: number;
  count?: number;
  high?: number;
  batch?: number;
  /** >= 6.7: per_cpu_pages.high_min / high_max (the automatically tuned pcp high) */
  highMin?: number;
  highMax?: number;
  /** "vm stats threshold" printed after this CPU (absent without CONFIG_SMP) */
  statThreshold?: number;
}

export interface ParsedZoneinfoZone {
  nid: number;
  zone: ZoneName;
  /** line of the "Node N, zone NAME" header */
  line: number;
  free?: number;
  /** >= 5.16 */
  boost?: number;
  min?: number;
  low?: number;
  high?: number;
  /** >= 6.x (printed since after 6.6): WMARK_PROMO + boost */
  promo?: number;
  /** <= 4.7 "scanned", 4.8 "node_scanned": pages scanned since the last reclaim (ignored) */
  scanned?: number;
  spanned?: number;
  present?: number;
  /** >= 3.8 */
  managed?: number;
  /** >= 5.12 */
  cma?: number;
  protection?: number[];
  /** <= 4.11: protection was printed after the zone stats */
  protectionAfterStats?: boolean;
  /** the zone printed its stats or pagesets (populated; <= 4.11 printed only populated zones) */
  populated: boolean;
  /** zone stats then numa stats, in printed order */
  statNames: string[];
  stats: Record<string, number>;
  /** "pagesets" was printed */
  hasPagesets: boolean;
  pagesets: ParsedPageset[];
  /** >= 4.8 (node_unreclaimable); <= 4.7 printed all_unreclaimable, which is not the same */
  nodeUnreclaimable?: number;
  startPfn?: number;
  /** lines of each field, for messages */
  lines: Record<string, number>;
}

export interface ParsedZoneinfoNode {
  nid: number;
  /** node stats (>= 4.8 "per-node stats"), in printed order; empty when the dump had none */
  statNames: string[];
  stats: Record<string, number>;
}

export interface ParseWarning {
  code: string;
  message: string;
}

export interface ParsedZoneinfo {
  /**
   * The mmbook profile whose layout this one is closest to: '6.1' when boost or cma lines are
   * printed (>= 5.12), else '5.10'. `format` names the exact layout.
   */
  layout: KernelVersion;
  format: ZoneinfoLayout;
  /** zone enum names, from the first node's zones */
  zoneNames: ZoneName[];
  nodes: ParsedZoneinfoNode[];
  zones: ParsedZoneinfoZone[];
  /** lines inside the dump that no zoneinfo_show_print of 3.x–6.12 prints */
  unknown: { count: number; first?: { line: number; text: string } };
  /** lines before the first zone header and after the last zone (bugreport or log framing) */
  framing: { before: number; after: number };
  warnings: ParseWarning[];
}

/** zone (and node) stats above 2^53 pages: a transiently negative per-CPU sum printed as %lu */
export const HUGE_COUNTER = 2 ** 53;
