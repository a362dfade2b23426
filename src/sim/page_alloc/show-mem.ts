/**
 * show_mem for the model's kernel log: the "Mem-Info:" block that warn_alloc and the OOM killer's
 * dump_header print, in each kernel's exact layout.
 *
 * - 5.10: lib/show_mem.c show_mem(filter, nodemask) → mm/page_alloc.c show_free_areas: every
 *   populated zone. The zone line carries pagetables; swap info has "Swap cache stats".
 * - 6.1: lib/show_mem.c __show_mem(filter, nodemask, max_zone_idx) → __show_free_areas: zones
 *   above max_zone_idx (= gfp_zone of the request) and nodes without a managed zone up to it are
 *   left out; the zone line prints boost; the global block adds sec_pagetables and
 *   kernel_misc_reclaimable; the node line adds pagetables and sec_pagetables.
 *
 * Both then print the hugetlb pools per node and hstate, "N total pagecache pages", the swap
 * lines and show_mem's "pages RAM / HighMem/MovableOnly / reserved / cma reserved / hwpoisoned".
 * The model's cpuset allows every node, so SHOW_MEM_FILTER_NODES filters nothing.
 *
 * What the model does not keep prints as the machine's boot-time value or 0: mapped pages, page
 * tables, kernel stacks, bounce, mlocked, THP counters, swap (the model has no swap space: the
 * swap lines print 0), hwpoisoned pages. hugetlb pools: pages of kind "hugetlb" count as free
 * pages of the PMD-sized hstate (the model keeps no other pool state).
 */
import { featuresOf } from '../format/extra';
import { MIGRATE_TYPES } from '../types';
import { LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, LRU_UNEVICTABLE, NR_LRU_LISTS } from '../vmscan/lru';
import { KIND_FILE, KIND_FILE_DIRTY, KIND_HUGETLB, KIND_SHMEM, KIND_SLAB, KIND_SLAB_RECLAIMABLE } from '../run/page-flags';
import { MAX_RECLAIM_RETRIES } from '../vmscan/kswapd-wake';
import { NR_WMARK, WMARK_HIGH, WMARK_LOW, WMARK_MIN, type RunState } from '../run/run-state';

/** show_migration_types: the letters of the migratetypes, in index order (U M E H C I). */
export const MIGRATETYPE_LETTERS = ['U', 'M', 'E', 'H', 'C', 'I'] as const;

/** `%*pbl` of a node list: ranges joined by commas ("0", "0-1", "0,2-3"); "(null)" for none. */
export function nodeListText(nids: readonly number[] | null): string {
  if (!nids) return '(null)';
  const s = [...nids].sort((a, b) => a - b);
  const out: string[] = [];
  for (let k = 0; k < s.length; ) {
    let e = k;
    while (e + 1 < s.length && s[e + 1] === s[e]! + 1) e++;
    out.push(e > k ? `${s[k]}-${s[e]}` : `${s[k]}`);
    k = e + 1;
  }
  return out.join(',');
}

/** hstate sizes in kB, in for_each_hstate order (the order the arch registered them). */
function hstateSizesKb(rs: RunState): number[] {
  const arch = rs.profile.arch;
  if (!rs.profile.config.hugetlbPage) return [];
  // arm64 hugetlbpage_init (arch_initcall): PUD, CONT_PMD, PMD, CONT_PTE with 4K pages
  if (arch === 'arm64') return [1048576, 32768, 2048, 64];
  // x86 gigantic_pages_init (arch_initcall, only with X86_FEATURE_GBPAGES), then hugetlb_init's HPAGE_SIZE
  if (arch === 'x86_64') return featuresOf(rs.machine.view()).directGbpages ? [1048576, 2048] : [2048];
  // arm LPAE: HPAGE_SHIFT = PMD_SHIFT (2 MiB)
  return [2048];
}

/** A node stat the model does not move: the booted machine's value (an imported dump's), else 0. */
function baseNodeStat(rs: RunState, ni: number, name: string): number {
  return rs.machine.view().nodes[ni]?.stats[name] ?? 0;
}

/** A zone stat the model does not move, summed over the given zones (boot value, else 0). */
function baseZoneStat(rs: RunState, zi: number, name: string): number {
  const nid = rs.zoneNid[zi];
  const idx = rs.zoneIdx[zi];
  const z = rs.machine.view().nodes.find((n) => n.nid === nid)?.zones.find((zz) => zz.idx === idx);
  return z?.stats[name] ?? 0;
}

const K = (pages: number): number => pages * 4;

/** The per-cpu pages of zone zi on every CPU, and on `cpu`. */
function pcpCounts(rs: RunState, zi: number, cpu: number): { all: number; local: number } {
  let all = 0;
  for (let c = 0; c < rs.cpus; c++) all += rs.pcp.count[zi * rs.cpus + c];
  return { all, local: rs.pcp.count[zi * rs.cpus + Math.min(cpu, rs.cpus - 1)] };
}

/**
 * The show_mem lines (without timestamps) for a request of `gfp`'s zone (6.1 filters by it), seen
 * from `cpu` (local_pcp).
 */
export function showMemLines(rs: RunState, maxZoneIdx: number, cpu: number): string[] {
  const v61 = rs.rules.promoWatermark; // the 6.1 layout (boost, sec_pagetables, node pagetables)
  const filterZones = v61;
  const numa = rs.profile.config.numa;
  const thp = rs.profile.config.thp !== 'off';
  const out: string[] = ['Mem-Info:'];
  const zoneShown = (zi: number): boolean => rs.zonePresent[zi] > 0 && (!filterZones || rs.zoneIdx[zi] <= maxZoneIdx);
  const nn = rs.nodeIds.length;
  const lruNode = (ni: number, lru: number): number => rs.lru.nodePages[ni * NR_LRU_LISTS + lru];
  const sumNodes = (f: (ni: number) => number): number => {
    let s = 0;
    for (let ni = 0; ni < nn; ni++) s += f(ni);
    return s;
  };
  const kind = (ni: number, k: number): number => rs.nodes[ni]!.kindPages[k];
  let freeAll = 0;
  let freeCmaAll = 0;
  let freePcp = 0;
  for (let zi = 0; zi < rs.zones; zi++) {
    if (rs.zonePresent[zi] === 0) continue;
    freeAll += rs.buddy.z.free[zi];
    freeCmaAll += rs.buddy.z.freeCma[zi];
    if (!filterZones || rs.zoneIdx[zi] <= maxZoneIdx) freePcp += pcpCounts(rs, zi, cpu).all;
  }
  const g = {
    activeAnon: sumNodes((ni) => lruNode(ni, LRU_ACTIVE_ANON)),
    inactiveAnon: sumNodes((ni) => lruNode(ni, LRU_INACTIVE_ANON)),
    isolatedAnon: sumNodes((ni) => rs.nodes[ni]!.isolatedAnon),
    activeFile: sumNodes((ni) => lruNode(ni, LRU_ACTIVE_FILE)),
    inactiveFile: sumNodes((ni) => lruNode(ni, LRU_INACTIVE_FILE)),
    isolatedFile: sumNodes((ni) => rs.nodes[ni]!.isolatedFile),
    unevictable: sumNodes((ni) => lruNode(ni, LRU_UNEVICTABLE)),
    dirty: sumNodes((ni) => kind(ni, KIND_FILE_DIRTY)),
    writeback: sumNodes((ni) => rs.nodes[ni]!.writeback),
    slabR: sumNodes((ni) => kind(ni, KIND_SLAB_RECLAIMABLE)),
    slabU: sumNodes((ni) => kind(ni, KIND_SLAB)),
    mapped: sumNodes((ni) => baseNodeStat(rs, ni, 'nr_mapped')),
    shmem: sumNodes((ni) => kind(ni, KIND_SHMEM)),
    pagetables: v61 ? sumNodes((ni) => baseNodeStat(rs, ni, 'nr_page_table_pages')) : Array.from({ length: rs.zones }, (_, zi) => baseZoneStat(rs, zi, 'nr_page_table_pages')).reduce((a, b) => a + b, 0),
    secPagetables: sumNodes((ni) => baseNodeStat(rs, ni, 'nr_sec_page_table_pages')),
    miscReclaimable: sumNodes((ni) => baseNodeStat(rs, ni, 'nr_kernel_misc_reclaimable')),
  };
  out.push(`active_anon:${g.activeAnon} inactive_anon:${g.inactiveAnon} isolated_anon:${g.isolatedAnon}`);
  out.push(` active_file:${g.activeFile} inactive_file:${g.inactiveFile} isolated_file:${g.isolatedFile}`);
  out.push(` unevictable:${g.unevictable} dirty:${g.dirty} writeback:${g.writeback}`);
  out.push(` slab_reclaimable:${g.slabR} slab_unreclaimable:${g.slabU}`);
  if (v61) {
    out.push(` mapped:${g.mapped} shmem:${g.shmem} pagetables:${g.pagetables}`);
    out.push(` sec_pagetables:${g.secPagetables} bounce:0`);
    out.push(` kernel_misc_reclaimable:${g.miscReclaimable}`);
  } else {
    out.push(` mapped:${g.mapped} shmem:${g.shmem} pagetables:${g.pagetables} bounce:0`);
  }
  out.push(` free:${freeAll} free_pcp:${freePcp} free_cma:${freeCmaAll}`);

  // per node
  for (let ni = 0; ni < nn; ni++) {
    if (v61) {
      let managedInRange = false;
      for (let zi = 0; zi < rs.zones; zi++) if (rs.zoneNode[zi] === ni && rs.zoneIdx[zi] <= maxZoneIdx && rs.buddy.z.managed[zi] > 0) managedInRange = true;
      if (!managedInRange) continue;
    }
    const parts = [
      `Node ${rs.nodeIds[ni]}`,
      ` active_anon:${K(lruNode(ni, LRU_ACTIVE_ANON))}kB`,
      ` inactive_anon:${K(lruNode(ni, LRU_INACTIVE_ANON))}kB`,
      ` active_file:${K(lruNode(ni, LRU_ACTIVE_FILE))}kB`,
      ` inactive_file:${K(lruNode(ni, LRU_INACTIVE_FILE))}kB`,
      ` unevictable:${K(lruNode(ni, LRU_UNEVICTABLE))}kB`,
      ` isolated(anon):${K(rs.nodes[ni]!.isolatedAnon)}kB`,
      ` isolated(file):${K(rs.nodes[ni]!.isolatedFile)}kB`,
      ` mapped:${K(baseNodeStat(rs, ni, 'nr_mapped'))}kB`,
      ` dirty:${K(kind(ni, KIND_FILE_DIRTY))}kB`,
      ` writeback:${K(rs.nodes[ni]!.writeback)}kB`,
      ` shmem:${K(kind(ni, KIND_SHMEM))}kB`,
    ];
    if (thp) parts.push(' shmem_thp: 0kB', ' shmem_pmdmapped: 0kB', ' anon_thp: 0kB');
    parts.push(' writeback_tmp:0kB', ` kernel_stack:${baseNodeStat(rs, ni, 'nr_kernel_stack')}kB`);
    if (v61) parts.push(` pagetables:${K(baseNodeStat(rs, ni, 'nr_page_table_pages'))}kB`, ` sec_pagetables:${K(baseNodeStat(rs, ni, 'nr_sec_page_table_pages'))}kB`);
    parts.push(` all_unreclaimable? ${rs.nodes[ni]!.kswapdFailures >= MAX_RECLAIM_RETRIES ? 'yes' : 'no'}`);
    out.push(parts.join(''));
  }

  // per zone, in (node, zone index) order: for_each_populated_zone
  const order = Array.from({ length: rs.zones }, (_, zi) => zi).sort((a, b) => rs.zoneNode[a] - rs.zoneNode[b] || rs.zoneIdx[a] - rs.zoneIdx[b]);
  const prefix = (zi: number): string => (numa ? `Node ${rs.zoneNid[zi]} ` : '');
  for (const zi of order) {
    if (!zoneShown(zi)) continue;
    const b = zi * NR_LRU_LISTS;
    const zp = rs.lru.zonePages;
    const boost = rs.boost[zi];
    const w = zi * NR_WMARK;
    const pcp = pcpCounts(rs, zi, cpu);
    const parts = [`${prefix(zi)}${rs.names[rs.zoneIdx[zi]]}`, ` free:${K(rs.buddy.z.free[zi])}kB`];
    if (v61) parts.push(` boost:${K(boost)}kB`);
    parts.push(
      ` min:${K(rs.wmark[w + WMARK_MIN] + boost)}kB`,
      ` low:${K(rs.wmark[w + WMARK_LOW] + boost)}kB`,
      ` high:${K(rs.wmark[w + WMARK_HIGH] + boost)}kB`,
      ` reserved_highatomic:${K(rs.nrReservedHighatomic[zi])}KB`,
      ` active_anon:${K(zp[b + LRU_ACTIVE_ANON])}kB`,
      ` inactive_anon:${K(zp[b + LRU_INACTIVE_ANON])}kB`,
      ` active_file:${K(zp[b + LRU_ACTIVE_FILE])}kB`,
      ` inactive_file:${K(zp[b + LRU_INACTIVE_FILE])}kB`,
      ` unevictable:${K(zp[b + LRU_UNEVICTABLE])}kB`,
      ` writepending:${K(baseZoneStat(rs, zi, 'nr_zone_write_pending'))}kB`,
      ` present:${K(rs.zonePresent[zi])}kB`,
      ` managed:${K(rs.buddy.z.managed[zi])}kB`,
      ` mlocked:${K(baseZoneStat(rs, zi, 'nr_mlock'))}kB`,
    );
    if (!v61) parts.push(` pagetables:${K(baseZoneStat(rs, zi, 'nr_page_table_pages'))}kB`);
    parts.push(` bounce:0kB`, ` free_pcp:${K(pcp.all)}kB`, ` local_pcp:${K(pcp.local)}kB`, ` free_cma:${K(rs.buddy.z.freeCma[zi])}kB`);
    out.push(parts.join(''));
    const res: string[] = [];
    for (let j = 0; j < rs.nz; j++) res.push(` ${rs.lowmemReserve[zi * rs.nz + j]}`);
    out.push(`lowmem_reserve[]:${res.join('')}`);
  }

  // per zone free areas
  const b = rs.buddy;
  for (const zi of order) {
    if (!zoneShown(zi)) continue;
    let line = `${prefix(zi)}${rs.names[rs.zoneIdx[zi]]}: `;
    let total = 0;
    for (let o = 0; o < b.maxOrder; o++) {
      const base = (zi * b.maxOrder + o) * MIGRATE_TYPES;
      let nr = 0;
      let letters = '';
      for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
        nr += b.nrFree[base + mt];
        if (b.head[base + mt] >= 0 && (mt !== 4 || rs.rules.cmaConfigured)) letters += MIGRATETYPE_LETTERS[mt];
      }
      total += nr << o;
      line += `${nr}*${4 << o}kB `;
      if (nr) line += `(${letters}) `;
    }
    out.push(`${line}= ${K(total)}kB`);
  }

  // hugetlb_show_meminfo (5.10: N_MEMORY nodes) / hugetlb_show_meminfo_node (6.1: online nodes)
  const sizes = hstateSizesKb(rs);
  const pmdKb = 4 << rs.buddy.pageblockOrder;
  for (let ni = 0; ni < nn; ni++) {
    for (const kb of sizes) {
      const n = kb === pmdKb ? Math.floor(K(kind(ni, KIND_HUGETLB)) / kb) : 0;
      out.push(`Node ${rs.nodeIds[ni]} hugepages_total=${n} hugepages_free=${n} hugepages_surp=0 hugepages_size=${kb}kB`);
    }
  }
  out.push(`${sumNodes((ni) => kind(ni, KIND_FILE) + kind(ni, KIND_FILE_DIRTY) + kind(ni, KIND_SHMEM))} total pagecache pages`);
  // show_swap_cache_info
  out.push('0 pages in swap cache');
  if (!v61) out.push('Swap cache stats: add 0, delete 0, find 0/0');
  out.push('Free swap  = 0kB', 'Total swap = 0kB');
  // show_mem
  let total = 0;
  let reserved = 0;
  let highmem = 0;
  for (let zi = 0; zi < rs.zones; zi++) {
    if (rs.zonePresent[zi] === 0) continue;
    total += rs.zonePresent[zi];
    reserved += rs.zonePresent[zi] - rs.buddy.z.managed[zi];
    const tz = rs.tunables.zones.find((t) => t.nid === rs.zoneNid[zi] && t.idx === rs.zoneIdx[zi]);
    if (tz?.highmem) highmem += rs.zonePresent[zi];
  }
  out.push(`${total} pages RAM`, `${highmem} pages HighMem/MovableOnly`, `${reserved} pages reserved`);
  if (rs.profile.config.cma) out.push(`${rs.machine.view().totalcma} pages cma reserved`);
  if (rs.profile.config.memoryFailure) out.push('0 pages hwpoisoned');
  return out;
}
