/**
 * The page state of a run state from /proc/kpageflags (with the snapshot's zoneinfo, buddyinfo and
 * pagetypeinfo for what kpageflags cannot show).
 *
 * - Managed pages: the zone's pages that are not KPF_NOPAGE, KPF_RESERVED, KPF_OFFLINE or
 *   KPF_HWPOISON. That is the kernel's managed count at the moment of the read (the fresh boot's
 *   can differ: late frees, memory given to or taken from the buddy since).
 * - Free blocks: KPF_BUDDY runs cut into maximal aligned blocks (free-blocks.ts), checked per zone
 *   and order against buddyinfo: Σ |kpageflags − buddyinfo| × 2^order may be up to
 *   max(1024 pages, 2 % of the zone's free pages) (buddyinfo and kpageflags are read moments
 *   apart: a refill of batch pages moves 63 at once), beyond that the snapshot is refused.
 * - Pageblock types: pageblock-types.ts. Free lists: state-common.ts.
 * - Per-cpu lists: pcp-pick.ts.
 * - Allocated pages: a compound page (KPF_COMPOUND_HEAD and its KPF_COMPOUND_TAIL pages) is one
 *   block of its order (above MAX_ORDER − 1, a gigantic hugetlb page, blocks of MAX_ORDER − 1);
 *   any other page an order-0 block. Kinds from the flags: page-kinds.ts; slab split: splitSlab.
 *   Pinned pages are unknown (none), tasks are unknown (every page is the kernel's, owner 0).
 */
import { blocksByType } from '../buddy/blocks-by-type';
import { PS_ALLOC, PS_HOLE, PS_INUSE, PS_RESERVED } from '../buddy/page-state';
import { freeListTolerance, pagesOf } from '../format/free-lists-import';
import type { Machine } from '../machine/machine';
import { KIND_SLAB, PF_ACTIVE, PF_REFERENCED, kindOnLru } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { MIGRATE_CMA, MIGRATE_ISOLATE, MIGRATE_MOVABLE, MIGRATE_TYPES, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE } from '../types';
import { cutRun, perOrder, type FreeBlock } from './free-blocks';
import {
  F_RESERVED, KPF_ACTIVE, KPF_BUDDY, KPF_COMPOUND_HEAD, KPF_COMPOUND_TAIL, KPF_HWPOISON, KPF_NOPAGE, KPF_OFFLINE, KPF_REFERENCED,
  KPF_SLAB, type DecodedKpageflags,
} from './kpageflags';
import type { ZoneSnap } from './match';
import { KIND_SLAB_UNDECIDED, kindIsMovable, kindOfFlags } from './page-kinds';
import { INFER_TYPES, inferPageblockTypes, type PageblockContent } from './pageblock-types';
import { snapshotError } from './parse';
import { pickPcpPages, type PcpRule } from './pcp-pick';
import { assignListTypes, buddyinfoDiffPages, countedPageblocks, linkFreeBlocks, markAllocated, placePcpLists, typeRecord } from './state-common';
import type { ZoneImportReport } from './types';

const B = (k: number) => 1 << k;
const UNMANAGED = B(KPF_NOPAGE) | F_RESERVED | B(KPF_OFFLINE) | B(KPF_HWPOISON);
/** per-pfn marks while building */
const MK_SLAB = 1;
const MK_FLAGLESS = 2;

export interface KpfBuild {
  zones: ZoneImportReport[];
  /** is block head i (pfn − basePfn) a KPF_SLAB page (for splitSlab) */
  isSlab: (i: number) => boolean;
}

export function buildFromKpageflags(rs: RunState, machine: Machine, zones: readonly ZoneSnap[], kpf: DecodedKpageflags, warnings: string[]): KpfBuild {
  const b = rs.buddy;
  const boot = machine.parts.buddy!;
  const base = b.basePfn;
  const n = b.endPfn - base;
  const flags = kpf.flags;
  const pbo = b.pageblockOrder;
  const mark = new Uint8Array(n);
  // imported constants as locals: the hot loops below run once per page
  const HOLE = PS_HOLE;
  const RESERVED = PS_RESERVED;
  const INUSE = PS_INUSE;
  const BUDDY = B(KPF_BUDDY);
  const HEAD = B(KPF_COMPOUND_HEAD);
  const TAIL = B(KPF_COMPOUND_TAIL);
  const SLAB = B(KPF_SLAB);
  const unmanaged = UNMANAGED;

  // managed or reserved, per page
  const managed = new Float64Array(rs.zones);
  const reservedDiffers = new Float64Array(rs.zones);
  let managedInHole = 0;
  let firstHole = -1;
  for (let i = 0; i < n; i++) {
    const t0 = boot.tag[i]!;
    const f = flags[i]!;
    if (t0 === HOLE) {
      if (!(f & unmanaged) && b.z.indexOfPfn(i + base) >= 0) {
        managedInHole++;
        if (firstHole < 0) firstHole = i + base;
      }
      b.tag[i] = HOLE;
      continue;
    }
    const zi = b.zoneIndexOf(i + base);
    if (f & unmanaged) {
      b.tag[i] = RESERVED;
      if (t0 !== RESERVED) reservedDiffers[zi]++;
    } else {
      b.tag[i] = INUSE;
      managed[zi]++;
      if (t0 === RESERVED) reservedDiffers[zi]++;
    }
  }
  if (managedInHole > 0) {
    throw snapshotError('SNAPSHOT_MISMATCH', 'kpageflags', `${managedInHole} pages in use by the kernel lie where the booted machine has no memory (the first at pfn 0x${firstHole.toString(16)}): a snapshot of another machine or memory map`);
  }

  const reports: ZoneImportReport[] = [];
  for (const z of zones) {
    const { zi, pz } = z;
    const k = `node ${z.nid} zone ${z.name}`;
    const zs = b.z.start[zi]!;
    const ze = b.z.end[zi]!;
    const bootManaged = boot.z.managed[zi]!;
    const present = pz.present ?? managed[zi]!;
    const mine = managed[zi]!;
    if (pz.managed !== undefined && pz.managed !== mine) {
      warnings.push(`SNAPSHOT_MANAGED: ${k}: zoneinfo's managed is ${pz.managed}, kpageflags shows ${mine} pages the buddy manages (not PG_reserved); the page count is used`);
    }
    const tolM = Math.max(1024, Math.floor(present / 16));
    if (Math.abs(mine - bootManaged) > tolM) {
      throw snapshotError('SNAPSHOT_MISMATCH', 'kpageflags', `${k}: ${mine} pages are managed in the snapshot, ${bootManaged} in the fresh boot: more apart than the ${tolM} pages late frees and run-time changes explain (another kernel, or boot-time hugepages/crashkernel the boot did not have)`);
    }
    if (mine !== bootManaged) warnings.push(`SNAPSHOT_MANAGED: ${k}: ${mine} managed pages in the snapshot, ${bootManaged} in the fresh boot (${reservedDiffers[zi]} pages differ in PG_reserved); the snapshot's are used`);
    b.z.managed[zi] = mine;

    // free runs and preliminary blocks (CMA pageblocks are the boot's; the rest mergeable)
    const runs: Array<[number, number]> = [];
    for (let pfn = zs; pfn < ze;) {
      const i = pfn - base;
      if (b.tag[i] === INUSE && flags[i]! & BUDDY) {
        let e = pfn;
        while (e < ze && b.tag[e - base] === INUSE && flags[e - base]! & BUDDY) e++;
        runs.push([pfn, e]);
        pfn = e;
      } else pfn++;
    }
    const prelim: FreeBlock[] = [];
    for (const [s, e] of runs) cutRun(b, s, e, b.pbType, prelim);
    const free = new Uint8Array(ze - zs);
    for (const [s, e] of runs) free.fill(1, s - zs, e - zs);

    // allocated blocks, their kinds, and the pageblock contents
    const pbCount = b.pbType.length;
    const mov = new Float64Array(pbCount);
    const slab = new Float64Array(pbCount);
    const kern = new Float64Array(pbCount);
    const kSlab = KIND_SLAB;
    const pbBase = b.pbBase;
    const addContent = (i: number, pages: number, kind: number, isSlab: boolean) => {
      const arr = isSlab || kind === kSlab ? slab : kindIsMovable(kind) ? mov : kern;
      for (let p = i; p < i + pages; p++) arr[((p + base) >> pbo) - pbBase]++;
    };
    const blockFlags = (f: number, kind: number) => (kindOnLru(kind) ? (f & B(KPF_ACTIVE) ? PF_ACTIVE : 0) | (f & B(KPF_REFERENCED) ? PF_REFERENCED : 0) : 0) | kind;
    const order0 = (i: number) => {
      const f = flags[i]!;
      let kind = kindOfFlags(f);
      if (f & TAIL && !(f & SLAB)) kind = kindOfFlags(f & ~TAIL);
      const isSlab = kind === KIND_SLAB_UNDECIDED;
      if (isSlab) { mark[i] = MK_SLAB; kind = kSlab; }
      if (f === 0) mark[i] = MK_FLAGLESS;
      markAllocated(rs, i, 0, blockFlags(f, kind));
      addContent(i, 1, kind, isSlab);
    };
    for (let pfn = zs; pfn < ze;) {
      const i = pfn - base;
      if (b.tag[i] !== INUSE || free[pfn - zs]) { pfn++; continue; }
      const f = flags[i]!;
      if (f & HEAD) {
        let e = pfn + 1;
        while (e < ze && b.tag[e - base] === INUSE && !free[e - zs] && flags[e - base]! & TAIL && !(flags[e - base]! & HEAD)) e++;
        const len = e - pfn;
        const order = Math.log2(len);
        if (Number.isInteger(order) && pfn % len === 0) {
          let kind = kindOfFlags(f);
          const isSlab = kind === KIND_SLAB_UNDECIDED;
          if (isSlab) kind = KIND_SLAB;
          const bo = Math.min(order, b.maxOrder - 1);
          for (let q = pfn; q < e; q += 2 ** bo) {
            if (isSlab) mark[q - base] = MK_SLAB;
            markAllocated(rs, q - base, bo, blockFlags(f, kind));
            addContent(q - base, 2 ** bo, kind, isSlab);
          }
          pfn = e;
          continue;
        }
        // a compound page cut by the read (drift): its pages one by one
        for (let q = pfn; q < e; q++) order0(q - base);
        pfn = e;
        continue;
      }
      order0(i);
      pfn++;
    }

    // per-cpu lists: which pages (before the pageblock types: a pcp page says nothing of its pageblock's use)
    const images = machine.parts.reservations
      .filter((r) => r.what === 'kernel image' || r.what === 'initrd')
      .map((r) => ({ start: Math.floor(r.base / 4096), end: Math.ceil((r.base + r.size) / 4096) }));
    const wantPcp = z.pcpCount.reduce((s, c) => s + c, 0);
    const batch = Math.max(1, ...z.pcpBatch.map((x) => x ?? 1));
    const pick = pickPcpPages(rs, zs, ze, wantPcp, (i) => mark[i] === MK_FLAGLESS && b.tag[i] === PS_ALLOC, runs.map((r) => r[0]), images, batch);
    if (pick.pfns.length < wantPcp) warnings.push(`SNAPSHOT_PCP: ${k}: zoneinfo counts ${wantPcp} pages on the per-cpu lists, but only ${pick.pfns.length} pages have no flags; the lists hold those`);
    const keep = new Float64Array(pbCount);
    const inImage = (pfn: number) => images.some((r) => pfn >= r.start && pfn < r.end);
    for (const pfn of pick.pfns) {
      mark[pfn - base] = 0;
      kern[(pfn >> pbo) - b.pbBase]--;
      if (inImage(pfn)) keep[(pfn >> pbo) - b.pbBase]++;
    }
    for (let pfn = zs; pfn < ze; pfn++) if (b.tag[pfn - base] === RESERVED) keep[(pfn >> pbo) - b.pbBase] += 0.25;
    for (const x of prelim) {
      for (let q = (Math.floor(x.pfn / 2 ** pbo) + 1) * 2 ** pbo; q < x.pfn + 2 ** x.order; q += 2 ** pbo) keep[(q >> pbo) - b.pbBase] += 2 ** pbo;
    }

    // pageblock types
    const counted = countedPageblocks(b, zi, (i) => boot.tag[i] === HOLE);
    const cmaBoot = counted.filter((pb) => boot.pbType[pb] === MIGRATE_CMA).length;
    const isoFile = z.ptiBlocks[MIGRATE_ISOLATE]!;
    const cmaIsolated = cmaBoot - z.ptiBlocks[MIGRATE_CMA]!;
    if (isoFile > 0) {
      warnings.push(`SNAPSHOT_ISOLATE: ${k}: ${isoFile} pageblocks were isolated when the snapshot was read (alloc_contig_range or memory offlining in progress); imported as ${cmaIsolated > 0 ? `${cmaIsolated} CMA and ` : ''}${isoFile - Math.max(0, cmaIsolated)} Movable pageblocks, their free pages on those lists`);
    }
    const inferred = counted.filter((pb) => boot.pbType[pb] !== MIGRATE_CMA);
    const target = INFER_TYPES.map((mt) => z.ptiBlocks[mt]! + (mt === MIGRATE_MOVABLE ? isoFile - Math.max(0, cmaIsolated) : 0));
    const freeWant = INFER_TYPES.map((mt) => z.ptiFree[mt]!.map((c, o) => c + (mt === MIGRATE_MOVABLE && cmaIsolated <= 0 ? z.ptiFree[MIGRATE_ISOLATE]![o]! : 0)));
    const items = new Map<number, number[]>();
    for (const x of prelim) {
      const pb = (x.pfn >> pbo) - b.pbBase;
      let row = items.get(pb);
      if (!row) items.set(pb, (row = new Array<number>(b.maxOrder).fill(0)));
      row[x.order]++;
    }
    const content: PageblockContent[] = inferred.map((pb) => ({ items: items.get(pb) ?? new Array<number>(b.maxOrder).fill(0), mov: mov[pb]!, slab: slab[pb]!, kern: kern[pb]!, keep: keep[pb]! }));
    const index = new Map(inferred.map((pb, j) => [pb, j]));
    const buddyOf = Int32Array.from(inferred, (pb) => (pbo < b.maxOrder - 1 ? index.get(((pb + b.pbBase) ^ 1) - b.pbBase) ?? -1 : -1));
    const ty = inferPageblockTypes({ maxOrder: b.maxOrder, blocks: content, target, free: freeWant, buddy: buddyOf });
    inferred.forEach((pb, j) => { b.pbType[pb] = INFER_TYPES[ty[j]!]!; });

    // final blocks with the final types, checked against buddyinfo
    const blocks: FreeBlock[] = [];
    for (const [s, e] of runs) cutRun(b, s, e, b.pbType, blocks);
    const got = perOrder(blocks, b.maxOrder);
    const tol = freeListTolerance(Math.max(pagesOf(z.bi), pagesOf(got)));
    const diff = buddyinfoDiffPages(got, z.bi);
    if (diff > tol) {
      const o = got.findIndex((c, j) => c !== z.bi[j]);
      throw snapshotError('SNAPSHOT_INCONSISTENT', 'kpageflags', `${k}: its free blocks (${got.join(' ')}) and buddyinfo's (${z.bi.join(' ')}) differ by ${diff} pages (first at order ${o}), more than the ${tol} pages two reads of one machine can differ by`);
    }
    if (diff > 0) warnings.push(`SNAPSHOT_DRIFT: ${k}: kpageflags' free blocks (${got.join(' ')}) and buddyinfo's (${z.bi.join(' ')}) differ by ${diff} pages (read at different moments); kpageflags' are used`);

    // free lists
    const want = Array.from({ length: MIGRATE_TYPES }, (_, mt) => [...z.ptiFree[mt]!]);
    if (isoFile > 0) {
      const into = cmaIsolated > 0 ? MIGRATE_CMA : MIGRATE_MOVABLE;
      want[MIGRATE_ISOLATE]!.forEach((c, o) => { want[into]![o] += c; want[MIGRATE_ISOLATE]![o] = 0; });
    }
    const affinity = (pfn: number, mt: number) => {
      const pb = (pfn >> pbo) - b.pbBase;
      return mt === MIGRATE_MOVABLE ? mov[pb]! : mt === MIGRATE_UNMOVABLE ? kern[pb]! + slab[pb]! : mt === MIGRATE_RECLAIMABLE ? slab[pb]! : 0;
    };
    const lists = assignListTypes(rs, blocks, want, affinity);
    linkFreeBlocks(rs, zi, blocks, lists.listMt);

    // per-cpu lists: onto the lists, with their pageblocks' types
    placePcpLists(rs, zi, pick.pfns, z.pcpCount);

    reports.push({
      nid: z.nid,
      zone: z.name,
      freeBlocks: got,
      buddyinfo: [...z.bi],
      buddyinfoDiffPages: diff,
      tolerancePages: tol,
      freeErrorByType: typeRecord(lists.errFinal),
      freeErrorByTypePageblocksOnly: typeRecord(lists.errPageblocks),
      blocksOffPageblockType: typeRecord(lists.offType),
      blocksByType: typeRecord(blocksByType(b, zi)),
      blocksByTypeFile: typeRecord(z.ptiBlocks),
      managed: mine,
      managedFile: pz.managed ?? mine,
      managedBoot: bootManaged,
      reservedDiffers: reservedDiffers[zi]!,
      pcp: Array.from({ length: rs.cpus }, (_, cpu) => rs.pcp.count[zi * rs.cpus + cpu]!),
      pcpFile: [...z.pcpCount],
      pcpByRule: pick.byRule as Record<PcpRule, number>,
      free: b.z.free[zi]!,
      freeFile: pz.free ?? pagesOf(z.bi),
    });
  }
  return { zones: reports, isSlab: (i) => mark[i] === MK_SLAB };
}
