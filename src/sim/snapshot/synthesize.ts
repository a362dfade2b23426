/**
 * A page state from the snapshot's counts alone (no kpageflags: the rt_phase snapshots, or a
 * device where /proc/kpageflags cannot be read). What the files give is reproduced exactly: the
 * free blocks per order and list (pagetypeinfo, else buddyinfo), the pageblocks per type, the
 * per-cpu counts, managed, and the allocated pages per kind (zoneinfo's LRU sizes, shmem, dirty,
 * slab, meminfo's Hugetlb). What it lacks is every pfn: which pages are free, on the per-cpu lists
 * or allocated is made up, so a replay's pfns will not match the kernel's.
 *
 * The construction (deterministic):
 * - managed pages are the fresh boot's; a different snapshot managed count takes pages from (or
 *   gives them to) the kernel image first (its init memory is what late frees give back);
 * - pageblocks: CMA where the CMA areas are; Unmovable, then Reclaimable, then HighAtomic on the
 *   lowest-pfn other pageblocks; Movable the rest;
 * - free blocks of a list, largest order first, in pageblocks of the list's type from the lowest
 *   pfn (then in any non-CMA pageblock): blocks of pageblock order and above whole and aligned,
 *   with no free buddy of the same order; smaller blocks in "staircases": an aligned region of
 *   2^(k+1) pages holds one free block of each order k, k−1, …, 0 from its start, and its last
 *   page stays allocated, so that no two free buddies are left unmerged; what does not fit that
 *   way goes to the first aligned place whose buddy is not a free block of the same order;
 * - per-cpu pages: the last pages of the staircases first (pages next to free blocks, where the
 *   kernel's are), then the highest free-standing pages; stored type = pageblock type;
 * - the rest is allocated as order-0 pages: slab in Reclaimable/Unmovable pageblocks, hugetlb in
 *   CMA then Movable ones, LRU pages (anon, shmem, file, dirty; active as zoneinfo counts) in
 *   Movable then CMA ones, and kernel pages in what is left.
 */
import { blocksByType } from '../buddy/blocks-by-type';
import { PS_HOLE, PS_INUSE, PS_RESERVED } from '../buddy/page-state';
import { pagesOf } from '../format/free-lists-import';
import type { Machine } from '../machine/machine';
import {
  KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_HUGETLB, KIND_KERNEL, KIND_SHMEM, KIND_SLAB, KIND_SLAB_RECLAIMABLE, PF_ACTIVE,
} from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { MIGRATE_CMA, MIGRATE_HIGHATOMIC, MIGRATE_ISOLATE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_TYPES, MIGRATE_UNMOVABLE } from '../types';
import { mergeBlocked, perOrder, type FreeBlock } from './free-blocks';
import type { ZoneSnap } from './match';
import { assignListTypes, buddyinfoDiffPages, countedPageblocks, linkFreeBlocks, markAllocated, placePcpLists, slabTargets, typeRecord } from './state-common';
import type { ParsedSnapshot, ZoneImportReport } from './types';

export interface Synthesis {
  zones: ZoneImportReport[];
  slab: Array<{ reclaimable: number; unreclaimable: number }>;
}

export function synthesizeFromCounts(rs: RunState, machine: Machine, s: ParsedSnapshot, zones: readonly ZoneSnap[], warnings: string[]): Synthesis {
  const b = rs.buddy;
  const boot = machine.parts.buddy!;
  const base = b.basePfn;
  const n = b.endPfn - base;
  const pbo = b.pageblockOrder;
  const PB = 2 ** pbo;
  /** 1: a managed page not yet given a state */
  const unused = new Uint8Array(n);
  // imported constants as locals: the loops below run once per page
  const HOLE = PS_HOLE;
  const RESERVED = PS_RESERVED;
  const INUSE = PS_INUSE;
  const tags = b.tag;
  const bootTags = boot.tag;
  for (let i = 0; i < n; i++) {
    const t = bootTags[i]!;
    if (t === HOLE) tags[i] = HOLE;
    else if (t === RESERVED) tags[i] = RESERVED;
    else {
      tags[i] = INUSE;
      unused[i] = 1;
    }
  }
  const images = machine.parts.reservations.filter((r) => r.what === 'kernel image').map((r) => ({ start: Math.floor(r.base / 4096), end: Math.ceil((r.base + r.size) / 4096) }));
  const reports: ZoneImportReport[] = [];
  const kindWant = rs.nodes.map(() => new Float64Array(8));
  const activeWant = rs.nodes.map(() => ({ anon: 0, file: 0 }));
  const pools: Array<{ zi: number; pages: number[][] }> = [];

  for (const z of zones) {
    const { zi, pz } = z;
    const k = `node ${z.nid} zone ${z.name}`;
    const zs = b.z.start[zi]!;
    const ze = b.z.end[zi]!;
    // managed
    const bootManaged = boot.z.managed[zi]!;
    const want = pz.managed ?? bootManaged;
    let delta = want - bootManaged;
    const inImage = (pfn: number) => images.some((r) => pfn >= r.start && pfn < r.end);
    if (delta < 0) {
      for (const pass of [0, 1]) {
        for (let pfn = zs; pfn < ze && delta < 0; pfn++) {
          const i = pfn - base;
          if (unused[i] && (pass === 1 || inImage(pfn))) { unused[i] = 0; b.tag[i] = PS_RESERVED; delta++; }
        }
      }
    } else if (delta > 0) {
      for (const pass of [0, 1]) {
        for (let pfn = ze - 1; pfn >= zs && delta > 0; pfn--) {
          const i = pfn - base;
          if (b.tag[i] === PS_RESERVED && (pass === 1 || inImage(pfn))) { b.tag[i] = PS_INUSE; unused[i] = 1; delta--; }
        }
      }
    }
    let managed = 0;
    for (let pfn = zs; pfn < ze; pfn++) if (unused[pfn - base]) managed++;
    b.z.managed[zi] = managed;
    if (managed !== bootManaged) warnings.push(`SNAPSHOT_MANAGED: ${k}: ${managed} managed pages in the snapshot, ${bootManaged} in the fresh boot; the difference is taken from the kernel image's pages first`);

    // pageblock types
    const counted = countedPageblocks(b, zi, (i) => boot.tag[i] === PS_HOLE);
    const free = counted.filter((pb) => boot.pbType[pb] !== MIGRATE_CMA);
    const iso = z.ptiBlocks[MIGRATE_ISOLATE]!;
    const cmaIso = Math.max(0, counted.length - free.length - z.ptiBlocks[MIGRATE_CMA]!);
    let at = 0;
    for (const [mt, cnt] of [[MIGRATE_UNMOVABLE, z.ptiBlocks[MIGRATE_UNMOVABLE]!], [MIGRATE_RECLAIMABLE, z.ptiBlocks[MIGRATE_RECLAIMABLE]!], [MIGRATE_HIGHATOMIC, z.ptiBlocks[MIGRATE_HIGHATOMIC]!]] as const) {
      for (let j = 0; j < cnt && at < free.length; j++) b.pbType[free[at++]!] = mt;
    }
    while (at < free.length) b.pbType[free[at++]!] = MIGRATE_MOVABLE;
    if (iso > 0) warnings.push(`SNAPSHOT_ISOLATE: ${k}: ${iso} pageblocks were isolated when the snapshot was read; imported as ${cmaIso} CMA and ${iso - cmaIso} Movable pageblocks`);

    // the free lists wanted (pagetypeinfo; with a capped count, buddyinfo's total for the order)
    const wantFree = Array.from({ length: MIGRATE_TYPES }, (_, mt) => [...z.ptiFree[mt]!]);
    wantFree[MIGRATE_ISOLATE]!.forEach((c, o) => { wantFree[cmaIso > 0 ? MIGRATE_CMA : MIGRATE_MOVABLE]![o] += c; wantFree[MIGRATE_ISOLATE]![o] = 0; });
    if (z.ptiCapped) {
      for (let o = 0; o < b.maxOrder; o++) {
        const sum = wantFree.reduce((x, row) => x + row[o]!, 0);
        if (z.bi[o]! > sum) wantFree[MIGRATE_MOVABLE]![o] += z.bi[o]! - sum;
      }
    }
    const blocks: FreeBlock[] = [];
    const blockMt: number[] = [];
    const stairEnds: number[] = [];
    const placedOrder = new Map<number, number>();
    const pbOf = (pfn: number) => b.pbType[(pfn >> pbo) - b.pbBase]!;
    const okRegion = (p: number, o: number) => {
      if (p < zs || p + 2 ** o > ze) return false;
      for (let q = p; q < p + 2 ** o; q++) if (!unused[q - base]) return false;
      return true;
    };
    const place = (p: number, o: number, mt: number) => {
      unused.fill(0, p - base, p - base + 2 ** o);
      blocks.push({ pfn: p, order: o });
      blockMt.push(mt);
      placedOrder.set(p, o);
    };
    const lists = [MIGRATE_CMA, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC, MIGRATE_MOVABLE];
    let dropped = 0;
    // every list into its own pageblocks first, then what is left into the others
    for (const phase of ['own', 'other'] as const) for (const mt of lists) {
      const need = wantFree[mt]!;
      const own = counted.filter((pb) => b.pbType[pb] === mt);
      const other = mt === MIGRATE_CMA ? [] : counted.filter((pb) => b.pbType[pb] !== mt && b.pbType[pb] !== MIGRATE_CMA);
      for (const pbs of phase === 'own' ? [own] : [other]) {
        // pageblock order and above: whole aligned blocks
        for (let o = b.maxOrder - 1; o >= pbo; o--) {
          for (const pb of pbs) {
            if (need[o]! <= 0) break;
            const p = (pb + b.pbBase) << pbo;
            if (p % 2 ** o !== 0 || !okRegion(p, o)) continue;
            let fits = true;
            for (let q = p; q < p + 2 ** o; q += PB) if (mergeBlocked(b, mt, pbOf(q)) || (pbs === own && pbOf(q) !== mt)) fits = false;
            if (!fits) continue;
            if (o < b.maxOrder - 1 && placedOrder.get(p ^ 2 ** o) === o) continue;
            place(p, o, mt);
            need[o]--;
          }
        }
        // smaller blocks: staircases inside the pageblocks; in a pageblock with holes or reserved
        // pages, first fit (largest order first, any aligned place whose buddy is not a free block
        // of the same order: a free block beside a reserved range, as the kernel has them)
        for (const pb of pbs) {
          const start = (pb + b.pbBase) << pbo;
          if (!okRegion(start, pbo) && !placedOrder.has(start)) {
            for (let o = pbo - 1; o >= 0; o--) {
              for (let p = start; p < start + PB && need[o]! > 0; p += 2 ** o) {
                if (okRegion(p, o) && placedOrder.get(p ^ 2 ** o) !== o) {
                  place(p, o, mt);
                  need[o]--;
                }
              }
            }
            continue;
          }
          let cur = start;
          for (;;) {
            // the largest order still needed whose staircase fits in what is left of the pageblock
            let kTop = pbo - 1;
            while (kTop >= 0 && (need[kTop]! <= 0 || Math.ceil(cur / 2 ** (kTop + 1)) * 2 ** (kTop + 1) + 2 ** (kTop + 1) > start + PB)) kTop--;
            if (kTop < 0) break;
            const slot = 2 ** (kTop + 1);
            cur = Math.ceil(cur / slot) * slot;
            let pos = cur;
            let any = false;
            for (let j = kTop; j >= 0; j--) {
              if (need[j]! > 0 && okRegion(pos, j)) {
                place(pos, j, mt);
                need[j]--;
                any = true;
              }
              pos += 2 ** j;
            }
            if (any && unused[pos - base]) stairEnds.push(pos);
            cur += slot;
          }
        }
      }
    }
    // what the staircases left (a pageblock with reserved pages or holes where a staircase would
    // start): first fit, any aligned place whose buddy is not a free block of the same order
    for (const mt of lists) {
      const need = wantFree[mt]!;
      if (!need.slice(0, pbo).some((c) => c > 0)) continue;
      const own = counted.filter((pb) => b.pbType[pb] === mt);
      const other = mt === MIGRATE_CMA ? [] : counted.filter((pb) => b.pbType[pb] !== mt && b.pbType[pb] !== MIGRATE_CMA);
      for (let o = pbo - 1; o >= 0; o--) {
        for (const pb of [...own, ...other]) {
          const start = (pb + b.pbBase) << pbo;
          for (let p = start; p < start + PB && need[o]! > 0; p += 2 ** o) {
            if (okRegion(p, o) && placedOrder.get(p ^ 2 ** o) !== o) {
              place(p, o, mt);
              need[o]--;
            }
          }
          if (need[o]! <= 0) break;
        }
      }
    }
    for (const mt of lists) for (let o = 0; o < b.maxOrder; o++) dropped += wantFree[mt]![o]! * 2 ** o;
    if (dropped > 0) warnings.push(`SNAPSHOT_SYNTHESIS: ${k}: ${dropped} free pages of pagetypeinfo's lists found no room that keeps the buddy merged; they are allocated instead`);
    const lt = assignListTypes(rs, blocks, z.ptiFree, () => 0);
    const listMt = Uint8Array.from(blockMt);
    linkFreeBlocks(rs, zi, blocks, listMt);
    const have = Array.from({ length: MIGRATE_TYPES }, () => new Array<number>(b.maxOrder).fill(0));
    blocks.forEach((x, j) => { have[listMt[j]!]![x.order]++; });
    const want0 = z.ptiFree;
    const errFinal = have.map((row, mt) => row.reduce((acc, c, o) => acc + Math.abs(c - want0[mt]![o]!) * 2 ** o, 0));
    const off = new Array<number>(MIGRATE_TYPES).fill(0);
    blocks.forEach((x, j) => { if (listMt[j] !== pbOf(x.pfn)) off[listMt[j]!]++; });

    // per-cpu pages
    const wantPcp = z.pcpCount.reduce((x, c) => x + c, 0);
    const pcpPfns: number[] = [];
    for (const p of stairEnds) if (pcpPfns.length < wantPcp && unused[p - base]) { pcpPfns.push(p); unused[p - base] = 0; }
    for (let pfn = ze - 1; pfn >= zs && pcpPfns.length < wantPcp; pfn--) if (unused[pfn - base]) { pcpPfns.push(pfn); unused[pfn - base] = 0; }
    if (pcpPfns.length < wantPcp) warnings.push(`SNAPSHOT_PCP: ${k}: no room for ${wantPcp - pcpPfns.length} of zoneinfo's ${wantPcp} per-cpu pages`);
    placePcpLists(rs, zi, pcpPfns, z.pcpCount);

    // the allocated pages' kinds: zone LRU sizes now, node counters below
    const ni = rs.zoneNode[zi];
    const st = pz.stats;
    kindWant[ni]![KIND_ANON] += (st.nr_zone_inactive_anon ?? 0) + (st.nr_zone_active_anon ?? 0);
    kindWant[ni]![KIND_FILE] += (st.nr_zone_inactive_file ?? 0) + (st.nr_zone_active_file ?? 0);
    activeWant[ni]!.anon += st.nr_zone_active_anon ?? 0;
    activeWant[ni]!.file += st.nr_zone_active_file ?? 0;
    // unused pages by pageblock type, ascending pfn
    const byType: number[][] = Array.from({ length: MIGRATE_TYPES }, () => []);
    for (let pfn = zs; pfn < ze; pfn++) if (unused[pfn - base]) byType[pbOf(pfn)]!.push(pfn);
    pools.push({ zi, pages: byType });

    const got = perOrder(blocks, b.maxOrder);
    const diff = buddyinfoDiffPages(got, z.bi);
    reports.push({
      nid: z.nid,
      zone: z.name,
      freeBlocks: got,
      buddyinfo: [...z.bi],
      buddyinfoDiffPages: diff,
      tolerancePages: 0,
      freeErrorByType: typeRecord(errFinal),
      freeErrorByTypePageblocksOnly: typeRecord(lt.errPageblocks),
      blocksOffPageblockType: typeRecord(off),
      blocksByType: typeRecord(blocksByType(b, zi)),
      blocksByTypeFile: typeRecord(z.ptiBlocks),
      managed,
      managedFile: pz.managed ?? managed,
      managedBoot: bootManaged,
      reservedDiffers: Math.abs(managed - bootManaged),
      pcp: [],
      pcpFile: [...z.pcpCount],
      free: b.z.free[zi]!,
      freeFile: pz.free ?? pagesOf(z.bi),
    });
  }

  // node counters: shmem and dirty out of the LRU sizes, slab, hugetlb
  const slabT = slabTargets(rs, s);
  rs.nodeIds.forEach((nid, ni) => {
    const ns = s.zoneinfo.nodes.find((x) => x.nid === nid)?.stats ?? {};
    const w = kindWant[ni]!;
    const shmem = Math.min(ns.nr_shmem ?? 0, w[KIND_ANON]!);
    w[KIND_SHMEM] = shmem;
    w[KIND_ANON] -= shmem;
    const dirty = Math.min(ns.nr_dirty ?? 0, w[KIND_FILE]!);
    w[KIND_FILE_DIRTY] = dirty;
    w[KIND_FILE] -= dirty;
    w[KIND_SLAB_RECLAIMABLE] = slabT.reclaimable[ni] ?? 0;
    w[KIND_SLAB] = slabT.unreclaimable[ni] ?? 0;
    if (ni === 0 && s.meminfo?.Hugetlb !== undefined) w[KIND_HUGETLB] = Math.floor(s.meminfo.Hugetlb / 4);
  });
  const prefer: Array<[number, number[]]> = [
    [KIND_SLAB_RECLAIMABLE, [MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_HIGHATOMIC, MIGRATE_MOVABLE]],
    [KIND_SLAB, [MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC, MIGRATE_MOVABLE]],
    [KIND_HUGETLB, [MIGRATE_CMA, MIGRATE_MOVABLE, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE]],
    [KIND_SHMEM, [MIGRATE_MOVABLE, MIGRATE_CMA, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC]],
    [KIND_ANON, [MIGRATE_MOVABLE, MIGRATE_CMA, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC]],
    [KIND_FILE_DIRTY, [MIGRATE_MOVABLE, MIGRATE_CMA, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC]],
    [KIND_FILE, [MIGRATE_MOVABLE, MIGRATE_CMA, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC]],
  ];
  const short: string[] = [];
  const slab = rs.nodeIds.map((_, ni) => {
    const mine = pools.filter((p) => rs.zoneNode[p.zi] === ni);
    const cursor = mine.map(() => new Array<number>(MIGRATE_TYPES).fill(0));
    const activeLeft = { ...activeWant[ni]! };
    const got = new Float64Array(8);
    for (const [kind, types] of prefer) {
      let left = kindWant[ni]![kind]!;
      const anonLru = kind === KIND_ANON || kind === KIND_SHMEM;
      const fileLru = kind === KIND_FILE || kind === KIND_FILE_DIRTY;
      const active = kind | PF_ACTIVE;
      for (const mt of types) {
        for (let zp = 0; zp < mine.length && left > 0; zp++) {
          const list = mine[zp]!.pages[mt]!;
          let c = cursor[zp]![mt]!;
          while (left > 0 && c < list.length) {
            const pfn = list[c++]!;
            let f = kind;
            if (anonLru && activeLeft.anon > 0) { f = active; activeLeft.anon--; }
            else if (fileLru && activeLeft.file > 0) { f = active; activeLeft.file--; }
            markAllocated(rs, pfn - base, 0, f);
            left--;
            got[kind]++;
          }
          cursor[zp]![mt] = c;
        }
      }
      if (left > 0) short.push(`${left} ${['kernel', 'anon', 'file', 'file-dirty', 'shmem', 'slab-reclaimable', 'slab', 'hugetlb'][kind]} pages of node ${rs.nodeIds[ni]}`);
    }
    for (let zp = 0; zp < mine.length; zp++) {
      for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
        const list = mine[zp]!.pages[mt]!;
        const kernel = KIND_KERNEL;
        for (let c = cursor[zp]![mt]!; c < list.length; c++) markAllocated(rs, list[c]! - base, 0, kernel);
      }
    }
    return { reclaimable: got[KIND_SLAB_RECLAIMABLE]!, unreclaimable: got[KIND_SLAB]! };
  });
  if (short.length) warnings.push(`SNAPSHOT_SYNTHESIS: the allocated pages do not hold the snapshot's counters: ${short.join(', ')} short`);
  return { zones: reports, slab };
}
