/**
 * SPARSEMEM_VMEMMAP memblock allocations (mm/sparse.c, mm/sparse-vmemmap.c): the mem_section
 * roots, per-node usemaps and the per-node memmap buffer (one full section_map_size per present
 * section, PMD aligned), plus the vmemmap page-table pages.
 */
import type { Memblock } from '../memblock/memblock';
import type { Profile } from '../types';
import type { KernelBuild } from '../arch/kernel-build';
import type { Reservation } from '../boot/context';

export interface SparseGeometry {
  sectionSizeBits: number;
  /** sizeof(struct mem_section_usage) + usemap_size() */
  usemapBytes: number;
  /** NR_SECTION_ROOTS * sizeof(struct mem_section *) */
  rootsBytes: number;
  sectionsPerRoot: number;
}

/**
 * SECTION_SIZE_BITS (arch/ * /include/asm/sparsemem.h: arm64 per kernel version, x86_64 27 in both)
 * and the struct sizes of the build (mm/sparse.c).
 */
export function sparseGeometry(profile: Profile, build: KernelBuild): SparseGeometry {
  const sectionSizeBits = profile.arch === 'arm64' ? profile.behaviour.arm64.sectionSizeBits : 27;
  const s = build.sparse ?? { usemapBytes: 56, rootsBytes: 32768, sectionsPerRoot: 256 };
  return { sectionSizeBits, ...s };
}

const PMD_SIZE = 2 * 2 ** 20;

/** section_map_size(): PAGES_PER_SECTION * sizeof(struct page), rounded up to PMD_SIZE. */
export function sectionMapSize(g: SparseGeometry, structPageSize: number): number {
  const bytes = 2 ** (g.sectionSizeBits - 12) * structPageSize;
  return Math.ceil(bytes / PMD_SIZE) * PMD_SIZE;
}

/** Present sections per node (memblocks_present: every section touched by memblock.memory, NOMAP included). */
export function presentSections(mb: Memblock, g: SparseGeometry): Map<number, number[]> {
  const shift = g.sectionSizeBits - 12;
  const out = new Map<number, Set<number>>();
  for (const r of mb.memPfnRanges()) {
    const set = out.get(r.nid) ?? new Set<number>();
    for (let s = Math.floor(r.start / 2 ** shift); s * 2 ** shift < r.end; s++) set.add(s);
    out.set(r.nid, set);
  }
  return new Map([...out].map(([nid, s]) => [nid, [...s].sort((a, b) => a - b)]));
}

export interface SparseInitInput {
  mb: Memblock;
  g: SparseGeometry;
  structPageSize: number;
  /** __pa(MAX_DMA_ADDRESS): the low bound of the memmap search */
  memmapFrom: number;
  /** pgdat physical address per nid (usemap goal section) */
  pgdatPa: Map<number, number>;
  /** the pfn whose struct page sits at VMEMMAP_START (x86: 0; arm64: memstart_addr's) */
  vmemmapBasePfn: number;
  reservations: Reservation[];
}

/** sparse_init → sparse_init_nid for every node (memblock_alloc_exact_nid_raw of the memmap buffer). */
export function sparseInit(inp: SparseInitInput): void {
  const { mb, g } = inp;
  const sections = presentSections(mb, g);
  const res = (what: string, base: number, size: number) => base && inp.reservations.push({ what, base, size });
  res('mem_section roots', mb.allocTryNid(g.rootsBytes, 64, 0, 0, -1, { caller: 'sparse_init+0x0/0x0' }), g.rootsBytes);
  const roots = new Set<number>();
  for (const [nid, secs] of sections) {
    for (const s of secs) {
      const root = Math.floor(s / g.sectionsPerRoot);
      if (roots.has(root)) continue;
      roots.add(root);
      res('mem_section root', mb.allocTryNid(4096, 64, 0, 0, nid, { caller: 'sparse_index_alloc+0x0/0x0' }), 4096);
    }
  }
  const mapSize = sectionMapSize(g, inp.structPageSize);
  const sectionBytes = 2 ** g.sectionSizeBits;
  const pagesPerSection = 2 ** (g.sectionSizeBits - 12);
  const vmemmapTables = new Set<string>();
  for (const [nid, secs] of sections) {
    const goal = inp.pgdatPa.get(nid) ?? 0;
    const from = goal - (goal % sectionBytes);
    const usemap = g.usemapBytes * secs.length;
    let u = goal ? mb.allocTryNid(usemap, 64, from, from + sectionBytes, nid, { caller: 'sparse_init_nid+0x0/0x0' }) : 0;
    if (!u) u = mb.allocTryNid(usemap, 64, 0, 0, nid, { caller: 'sparse_init_nid+0x0/0x0' });
    res(`usemap node ${nid}`, u, usemap);
    const size = mapSize * secs.length;
    const m = mb.allocTryNid(size, mapSize, inp.memmapFrom, 0, nid, { raw: true, exactNid: true, caller: 'sparse_init_nid+0x0/0x0' });
    res(`memmap node ${nid} (${secs.length} sections)`, m, size);
    // vmemmap_populate per section (PMD-mapped from the buffer): a PUD table per 512 GiB and a PMD
    // table per GiB of vmemmap VA, allocated by the first section (of any node) that needs it.
    for (const sec of secs) {
      const va = (sec * pagesPerSection - inp.vmemmapBasePfn) * inp.structPageSize;
      for (let a = va; a < va + mapSize; a += 2 ** 21) {
        for (const key of [`pud ${Math.floor(a / 2 ** 39)}`, `pmd ${Math.floor(a / 2 ** 30)}`]) {
          if (vmemmapTables.has(key)) continue;
          vmemmapTables.add(key);
          res('vmemmap page table', mb.allocTryNid(4096, 4096, inp.memmapFrom, 0, nid, { raw: true, caller: 'vmemmap_alloc_block_zero+0x0/0x0' }), 4096);
        }
      }
    }
  }
}
