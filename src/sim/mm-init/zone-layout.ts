/**
 * zone_sizes_init → free_area_init for the booted memblock: architectural zone ranges, the
 * ZONE_MOVABLE split from kernelcore=/movablecore=, and per-node spanned/present pages.
 */
import type { ZoneName } from '../types';
import type { ArchBoot } from '../boot/context';
import { archZoneRanges, findUsableZoneForMovable, findZoneMovablePfnsForNodes, freeAreaInit, type MemPfnRange, type NodeLayout } from './free-area-init';

export interface ZoneLayoutResult {
  nodes: NodeLayout[];
  ranges: MemPfnRange[];
  movableZone: number;
  zoneMovablePfn: Map<number, number>;
  dmesg: string[];
}

const hex18 = (x: number) => '0x' + x.toString(16).padStart(16, '0');

export function zoneLayout(b: ArchBoot, names: readonly ZoneName[]): ZoneLayoutResult {
  const ranges: MemPfnRange[] = b.mb.memPfnRanges().map((r) => ({ start: r.start, end: r.end, nid: b.profile.config.numa ? r.nid : 0 }));
  const nids = [...new Set(ranges.map((r) => r.nid))].sort((a, c) => a - c);
  const dramStartPfn = ranges.length ? Math.min(...ranges.map((r) => r.start)) : 0;
  const arch = archZoneRanges(names, b.maxZonePfn, dramStartPfn);
  const movableZone = findUsableZoneForMovable(names, arch);
  const core = (p: ArchBoot['params']['kernelcore']) =>
    !p || p.kind === 'mirror' ? { pages: 0, percent: 0 } : p.kind === 'size' ? { pages: p.pages, percent: 0 } : { pages: 0, percent: p.percent };
  const kc = core(b.params.kernelcore);
  const mc = core(b.params.movablecore);
  const zoneMovablePfn = findZoneMovablePfnsForNodes(
    { kernelcorePages: kc.pages, movablecorePages: mc.pages, kernelcorePercent: kc.percent, movablecorePercent: mc.percent },
    ranges, nids, arch[movableZone].lo, 2 ** (b.profile.config.maxOrder - 1), b.profile.kernel,
  );
  const nodes = freeAreaInit({ names, archRanges: arch, ranges, nids, zoneMovablePfn, movableZone });
  const dmesg = ['Zone ranges:'];
  names.forEach((n, z) => {
    if (n === 'Movable' || n === 'Device') return;
    const r = arch[z];
    dmesg.push(`  ${n.padEnd(8)} ${r.hi > r.lo ? `[mem ${hex18(r.lo * 4096)}-${hex18(r.hi * 4096 - 1)}]` : 'empty'}`);
  });
  dmesg.push('Movable zone start for each node');
  for (const [nid, pfn] of zoneMovablePfn) if (pfn) dmesg.push(`  Node ${nid}: ${hex18(pfn * 4096)}`);
  dmesg.push('Early memory node ranges');
  for (const r of ranges) dmesg.push(`  node ${String(r.nid).padStart(3)}: [mem ${hex18(r.start * 4096)}-${hex18(r.end * 4096 - 1)}]`);
  return { nodes, ranges, movableZone, zoneMovablePfn, dmesg };
}
