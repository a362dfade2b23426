/**
 * Pure data shaping for the plot helpers: MachineView / memblock regions → flat rows with units.
 * No DOM here, so the numbers can be tested in Node; the plot files only map rows to marks.
 */
import type { MachineView, MemblockRegionView, ZoneView } from '../../sim/index';

export const PAGE_KIB = 4;
export const pagesToMiB = (pages: number): number => (pages * PAGE_KIB) / 1024;

export interface WatermarkRow { node: number; zone: string; key: string; free: number; min: number; low: number; high: number; boost: number; managed: number; freeMiB: number; minMiB: number; lowMiB: number; highMiB: number }
/** One row per populated zone (managed > 0), label "Node n Zone". */
export function watermarkRows(view: MachineView): WatermarkRow[] {
  const rows: WatermarkRow[] = [];
  for (const node of view.nodes) for (const z of node.zones) {
    if (z.managed <= 0) continue;
    rows.push({ node: node.nid, zone: z.name, key: zoneKey(node.nid, z), free: z.free, min: z.min, low: z.low, high: z.high, boost: z.boost, managed: z.managed,
      freeMiB: pagesToMiB(z.free), minMiB: pagesToMiB(z.min), lowMiB: pagesToMiB(z.low), highMiB: pagesToMiB(z.high) });
  }
  return rows;
}

export function zoneKey(nid: number, z: Pick<ZoneView, 'name'>): string { return `Node ${nid} ${z.name}`; }

export interface ProtectionCell { node: number; zone: string; key: string; against: string; pages: number; MiB: number }
/**
 * zone->lowmem_reserve[j]: pages zone `zone` keeps back from allocations whose highest usable
 * zone is `against` (j). Only populated zones; only j > idx carry a reserve in the kernel.
 */
export function protectionCells(view: MachineView): ProtectionCell[] {
  const cells: ProtectionCell[] = [];
  for (const node of view.nodes) for (const z of node.zones) {
    if (z.managed <= 0) continue;
    z.protection.forEach((pages, j) => {
      const against = view.zoneNames[j];
      if (against === undefined) return;
      cells.push({ node: node.nid, zone: z.name, key: zoneKey(node.nid, z), against, pages, MiB: pagesToMiB(pages) });
    });
  }
  return cells;
}

export interface ReserveRow { setting: string; pages: number; MiB: number }
/**
 * How much memory each setting holds back, summed over zones:
 * min_free_kbytes → Σ min; watermark_scale_factor → Σ (high − min) (the kswapd band);
 * watermark_boost_factor → Σ boost; lowmem_reserve_ratio → Σ over zones of the largest protection entry
 * (what the most constrained allocation must leave in that zone).
 */
export function reserveRows(view: MachineView): ReserveRow[] {
  let min = 0, band = 0, boost = 0, lowmem = 0;
  for (const node of view.nodes) for (const z of node.zones) {
    if (z.managed <= 0) continue;
    min += z.min - z.boost;
    band += z.high - z.min;
    boost += z.boost;
    lowmem += Math.max(0, ...z.protection);
  }
  return [
    { setting: 'min_free_kbytes (min)', pages: min },
    { setting: 'watermark_scale_factor (low/high band)', pages: band },
    { setting: 'watermark_boost_factor (boost now)', pages: boost },
    { setting: 'lowmem_reserve_ratio (largest protection)', pages: lowmem },
  ].map((r) => ({ ...r, MiB: pagesToMiB(r.pages) }));
}

export interface BuddyRow { node: number; zone: string; key: string; order: number; blocks: number; MiB: number }
/** /proc/buddyinfo as rows: free blocks per order summed over migratetypes. */
export function buddyRows(view: MachineView): BuddyRow[] {
  const rows: BuddyRow[] = [];
  for (const node of view.nodes) for (const z of node.zones) {
    if (z.managed <= 0) continue;
    for (let order = 0; order < view.maxOrder; order++) {
      const blocks = (z.freeArea[order] ?? []).reduce((a, b) => a + b, 0);
      rows.push({ node: node.nid, zone: z.name, key: zoneKey(node.nid, z), order, blocks, MiB: pagesToMiB(blocks * 2 ** order) });
    }
  }
  return rows;
}

export interface AddressRow { set: string; start: number; end: number; startMiB: number; endMiB: number; sizeMiB: number; nid: number; flags: number; label: string }
/** memblock regions (and optionally zone spans) as [start, end) rows in MiB of physical address. */
export function addressRows(sets: Record<string, MemblockRegionView[]>): AddressRow[] {
  const rows: AddressRow[] = [];
  for (const [set, regions] of Object.entries(sets)) for (const r of regions) {
    const end = r.base + r.size;
    rows.push({ set, start: r.base, end, startMiB: r.base / 2 ** 20, endMiB: end / 2 ** 20, sizeMiB: r.size / 2 ** 20, nid: r.nid, flags: r.flags,
      label: `${set} [${hex(r.base)}-${hex(end - 1)}] ${fmtSize(r.size)}` });
  }
  return rows;
}

export interface ZoneSpanRow { key: string; zone: string; node: number; startMiB: number; endMiB: number; spanned: number; present: number; managed: number }
export function zoneSpanRows(view: MachineView): ZoneSpanRow[] {
  const out: ZoneSpanRow[] = [];
  for (const node of view.nodes) for (const z of node.zones) {
    if (z.spanned <= 0) continue;
    out.push({ key: zoneKey(node.nid, z), zone: z.name, node: node.nid, startMiB: (z.startPfn * 4096) / 2 ** 20, endMiB: ((z.startPfn + z.spanned) * 4096) / 2 ** 20,
      spanned: z.spanned, present: z.present, managed: z.managed });
  }
  return out;
}

/** Readable ticks for a symlog axis up to `max`: 0, 1, 2, 5, 10, 20, 50, … (Plot's own crowd at the top). */
export function symlogTicks(max: number): number[] {
  const out = [0];
  for (let p = 1; p <= Math.max(1, max) * 10; p *= 10) for (const m of [1, 2, 5]) if (m * p <= Math.max(1, max)) out.push(m * p);
  return out;
}

/** Ticks for a √ axis up to `max`, evenly spread in √ space and rounded to 1–2 significant digits (d3's crowd at the right). */
export function sqrtTicks(max: number, count = 6): number[] {
  if (!(max > 0)) return [0];
  const nice = (v: number): number => { const p = 10 ** Math.floor(Math.log10(v)); const m = v / p; return (m < 1.5 ? 1 : m < 2.5 ? 2 : m < 4 ? 3 : m < 7 ? 5 : 10) * p; };
  const out = new Set<number>([0]);
  for (let k = 1; k <= count; k++) { const v = nice(max * (k / count) ** 2); if (v <= max) out.add(v); }
  return [...out].sort((a, b) => a - b);
}

export function hex(n: number): string { return '0x' + n.toString(16).padStart(9, '0'); }
export function fmtSize(bytes: number): string {
  if (bytes >= 2 ** 30 && bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30} GiB`;
  if (bytes >= 2 ** 20) return `${+(bytes / 2 ** 20).toFixed(2)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(2)} KiB`;
  return `${bytes} B`;
}
