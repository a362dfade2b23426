/**
 * Does the snapshot belong to the booted machine, and does it agree with itself?
 *
 * Refused (SNAPSHOT_MISMATCH, naming the file): a kernel version or zone set the machine does not
 * have, a zone whose start_pfn, spanned or present differ from the boot's (another machine, or
 * another mem=/DT), a managed count more than max(1024, present / 16) pages from the boot's,
 * another CPU count, another CMA size per zone (another cma=/hugetlb_cma=), a
 * pagetypeinfo of another pageblock order or MAX_ORDER, or with another number of pageblocks or
 * CMA pageblocks. Refused as SNAPSHOT_INCONSISTENT: buddyinfo against pagetypeinfo, or zoneinfo's
 * "pages free" against buddyinfo, beyond max(1024 pages, 2 % of the zone's free pages) (the files
 * are read moments apart, so small differences are expected: they are warnings).
 */
import { blocksByType } from '../buddy/blocks-by-type';
import { freeListTolerance, pagesOf } from '../format/free-lists-import';
import type { ParsedZoneinfoZone } from '../format/zoneinfo-parsed';
import { MIGRATE_CMA, MIGRATE_TYPES, MIGRATETYPE_NAMES, type ZoneName } from '../types';
import type { Machine } from '../machine/machine';
import { zoneId } from '../zone-types';
import { snapshotError } from './parse';
import type { ParsedSnapshot } from './types';

export interface ZoneSnap {
  /** internal zone index of the run state / buddy */
  zi: number;
  nid: number;
  name: ZoneName;
  pz: ParsedZoneinfoZone;
  /** buddyinfo's blocks per order */
  bi: number[];
  /** pagetypeinfo's free blocks [migratetype][order] (model migratetype numbers), and whether a count was capped (">") */
  ptiFree: number[][];
  ptiCapped: boolean;
  /** pagetypeinfo's pageblocks per migratetype */
  ptiBlocks: number[];
  /** zoneinfo's per-cpu count, high and batch by cpu */
  pcpCount: number[];
  pcpHigh: Array<number | undefined>;
  pcpBatch: Array<number | undefined>;
}

/** The populated zones of the snapshot, matched to the machine's; throws when they cannot be one machine. */
export function matchSnapshot(machine: Machine, s: ParsedSnapshot, warnings: string[]): ZoneSnap[] {
  const p = machine.parts;
  const b = p.buddy!;
  const prof = machine.profile;
  const names = p.names;
  const zi0 = s.zoneinfo;
  if (zi0.layout !== prof.kernel) {
    throw snapshotError('SNAPSHOT_MISMATCH', 'zoneinfo', `its layout is a ${zi0.format} kernel's (closest profile ${zi0.layout}), but the machine runs ${prof.kernel}`);
  }
  for (const w of zi0.warnings) warnings.push(`SNAPSHOT_ZONEINFO: ${w.code}: ${w.message}`);
  const machineZones = p.layout.nodes.flatMap((n) => n.zones.filter((z) => z.present > 0).map((z) => ({ ...z, nid: n.nid })));
  const snapZones = zi0.zones.filter((z) => (z.present ?? 0) > 0);
  const key = (nid: number, name: string) => `node ${nid} zone ${name}`;
  const mk = machineZones.map((z) => key(z.nid, z.name));
  const sk = snapZones.map((z) => key(z.nid, z.zone));
  const onlyS = sk.filter((k) => !mk.includes(k));
  const onlyM = mk.filter((k) => !sk.includes(k));
  if (onlyS.length || onlyM.length) {
    throw snapshotError('SNAPSHOT_MISMATCH', 'zoneinfo', `its populated zones (${sk.join(', ')}) are not the machine's (${mk.join(', ')}): a snapshot of another machine`);
  }
  // CPUs: zoneinfo prints a pageset for each online CPU
  const cpus = new Set(snapZones.flatMap((z) => z.pagesets.map((x) => x.cpu)));
  if (cpus.size > 0 && (cpus.size !== p.cpus || [...cpus].some((c) => c >= p.cpus))) {
    throw snapshotError('SNAPSHOT_MISMATCH', 'zoneinfo', `its per-cpu lists are of ${cpus.size} CPU${cpus.size === 1 ? '' : 's'} (${[...cpus].sort((x, y) => x - y).join(', ')}), the machine has ${p.cpus}: boot it with --cpus ${cpus.size} (cpus: ${cpus.size})`);
  }
  // pagetypeinfo: same pageblock order and MAX_ORDER, known migratetypes
  const pti = s.pagetypeinfo;
  if (pti.pageblockOrder !== b.pageblockOrder) throw snapshotError('SNAPSHOT_MISMATCH', 'pagetypeinfo', `its page block order is ${pti.pageblockOrder}, the ${prof.arch} ${prof.kernel} profile's is ${b.pageblockOrder}`);
  if (pti.orders !== b.maxOrder) throw snapshotError('SNAPSHOT_MISMATCH', 'pagetypeinfo', `it has ${pti.orders} orders, the profile has ${b.maxOrder} (MAX_ORDER): a kernel built with another CONFIG_ARCH_FORCE_MAX_ORDER`);
  const mtOf = pti.types.map((t) => (MIGRATETYPE_NAMES as readonly string[]).indexOf(t));
  pti.types.forEach((t, k) => { if (mtOf[k]! < 0) throw snapshotError('SNAPSHOT_MISMATCH', 'pagetypeinfo', `unknown migratetype "${t}"`); });
  if (s.buddyinfo[0]!.counts.length !== b.maxOrder) throw snapshotError('SNAPSHOT_MISMATCH', 'buddyinfo', `it has ${s.buddyinfo[0]!.counts.length} orders, the profile has ${b.maxOrder} (MAX_ORDER)`);
  const biKeys = s.buddyinfo.map((r) => key(r.nid, r.zone));
  if (biKeys.length !== sk.length || sk.some((k) => !biKeys.includes(k))) throw snapshotError('SNAPSHOT_INCONSISTENT', 'buddyinfo', `its zones (${biKeys.join(', ')}) are not zoneinfo's populated zones (${sk.join(', ')}): not the same machine`);
  const blockKeys = pti.blocks.map((r) => key(r.nid, r.zone));
  if (blockKeys.length !== sk.length || sk.some((k) => !blockKeys.includes(k))) throw snapshotError('SNAPSHOT_INCONSISTENT', 'pagetypeinfo', `its zones (${blockKeys.join(', ')}) are not zoneinfo's populated zones (${sk.join(', ')}): not the same machine`);

  return snapZones.map((pz): ZoneSnap => {
    const k = key(pz.nid, pz.zone);
    const mz = machineZones.find((z) => z.nid === pz.nid && z.name === pz.zone)!;
    const idx = names.indexOf(pz.zone);
    const zi = b.z.ids.indexOf(zoneId(pz.nid, idx, names.length));
    if (idx < 0 || zi < 0) throw snapshotError('SNAPSHOT_MISMATCH', 'zoneinfo', `${k} is not a zone of the ${prof.arch} ${prof.kernel} profile`);
    for (const [what, snap, boot] of [['start_pfn', pz.startPfn, mz.startPfn], ['spanned', pz.spanned, mz.spanned], ['present', pz.present, mz.present]] as const) {
      if (snap !== undefined && snap !== boot) {
        throw snapshotError('SNAPSHOT_MISMATCH', 'zoneinfo', `${k}: ${what} is ${snap}, the booted machine's is ${boot}: a snapshot of another machine (or of another mem=, device tree or memory map)`);
      }
    }
    // managed: a running machine's differs from the fresh boot's by the late frees, memory given to
    // or taken from the buddy since (balloon, hugetlb vmemmap); much more is another kernel or boot
    const tolM = Math.max(1024, Math.floor(mz.present / 16));
    if (pz.managed !== undefined && Math.abs(pz.managed - b.z.managed[zi]!) > tolM) {
      throw snapshotError('SNAPSHOT_MISMATCH', 'zoneinfo', `${k}: managed is ${pz.managed}, the fresh boot's ${b.z.managed[zi]}: more apart than the ${tolM} pages late frees and run-time changes explain (another kernel, or boot-time hugepages/crashkernel the boot did not have)`);
    }
    if (pz.cma !== undefined && pz.cma !== b.z.cma[zi]) {
      throw snapshotError('SNAPSHOT_MISMATCH', 'zoneinfo', `${k}: cma is ${pz.cma} pages, the booted machine's CMA areas give this zone ${b.z.cma[zi]}: boot it with the snapshot's cma= / hugetlb_cma= / device tree`);
    }
    const bi = s.buddyinfo.find((r) => r.nid === pz.nid && r.zone === pz.zone)!.counts;
    const ptiFree = Array.from({ length: MIGRATE_TYPES }, () => new Array<number>(b.maxOrder).fill(0));
    let capped = false;
    for (const r of pti.free.filter((x) => x.nid === pz.nid && x.zone === pz.zone)) {
      const mt = mtOf[pti.types.indexOf(r.type)]!;
      if (mt === undefined || mt < 0) throw snapshotError('SNAPSHOT_MISMATCH', 'pagetypeinfo', `${k}: free table type "${r.type}" is not in its block table header`);
      r.counts.forEach((c, o) => { ptiFree[mt]![o] = c; });
      if (r.overflow.some(Boolean)) capped = true;
    }
    const br = pti.blocks.find((x) => x.nid === pz.nid && x.zone === pz.zone)!;
    const ptiBlocks = new Array<number>(MIGRATE_TYPES).fill(0);
    pti.types.forEach((t, j) => { ptiBlocks[mtOf[j]!] = br.counts[t]!; });
    const bootBlocks = blocksByType(b, zi);
    const total = (x: number[]) => x.reduce((a, c) => a + c, 0);
    if (total(ptiBlocks) !== total(bootBlocks)) {
      throw snapshotError('SNAPSHOT_MISMATCH', 'pagetypeinfo', `${k} has ${total(ptiBlocks)} pageblocks, the booted machine's has ${total(bootBlocks)}: a snapshot of another machine`);
    }
    const cmaFile = ptiBlocks[MIGRATE_CMA]!;
    const isoFile = ptiBlocks[5]!;
    if (cmaFile > bootBlocks[MIGRATE_CMA]! || cmaFile + isoFile < bootBlocks[MIGRATE_CMA]!) {
      throw snapshotError('SNAPSHOT_MISMATCH', 'pagetypeinfo', `${k} has ${cmaFile} CMA pageblocks${isoFile ? ` (and ${isoFile} isolated)` : ''}, the booted machine's CMA areas cover ${bootBlocks[MIGRATE_CMA]}: boot it with the snapshot's cma= / hugetlb_cma= / device tree`);
    }
    // buddyinfo against pagetypeinfo, zoneinfo's pages free against buddyinfo
    const tol = freeListTolerance(Math.max(pagesOf(bi), pz.free ?? 0));
    let diff = 0;
    for (let o = 0; o < b.maxOrder; o++) {
      const sum = ptiFree.reduce((a, row) => a + row[o]!, 0);
      diff += (capped ? Math.max(0, sum - bi[o]!) : Math.abs(sum - bi[o]!)) * 2 ** o;
    }
    if (diff > tol) throw snapshotError('SNAPSHOT_INCONSISTENT', 'pagetypeinfo', `${k}: its free lists and buddyinfo's differ by ${diff} pages, more than the ${tol} two reads of one machine can differ by`);
    if (diff > 0) warnings.push(`SNAPSHOT_DRIFT: ${k}: buddyinfo and pagetypeinfo differ by ${diff} pages (read at different moments)`);
    if (pz.free !== undefined) {
      const d = Math.abs(pz.free - pagesOf(bi));
      if (d > tol) throw snapshotError('SNAPSHOT_INCONSISTENT', 'zoneinfo', `${k}: pages free is ${pz.free}, buddyinfo's blocks hold ${pagesOf(bi)} pages: more apart than the ${tol} two reads of one machine can be`);
      if (d > 0) warnings.push(`SNAPSHOT_DRIFT: ${k}: zoneinfo's pages free ${pz.free} and buddyinfo's ${pagesOf(bi)} pages differ by ${d} (read at different moments)`);
    }
    const pcpCount = new Array<number>(p.cpus).fill(0);
    const pcpHigh = new Array<number | undefined>(p.cpus).fill(undefined);
    const pcpBatch = new Array<number | undefined>(p.cpus).fill(undefined);
    for (const ps of pz.pagesets) {
      pcpCount[ps.cpu] = ps.count ?? 0;
      pcpHigh[ps.cpu] = ps.high;
      pcpBatch[ps.cpu] = ps.batch;
    }
    return { zi, nid: pz.nid, name: pz.zone, pz, bi: [...bi], ptiFree, ptiCapped: capped, ptiBlocks, pcpCount, pcpHigh, pcpBatch };
  });
}

/** max_pfn: the end of the last node's memory (the number of entries /proc/kpageflags has). */
export function machineMaxPfn(machine: Machine): number {
  return Math.max(...machine.parts.layout.nodes.map((n) => n.endPfn));
}
