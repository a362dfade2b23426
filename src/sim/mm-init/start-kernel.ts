/**
 * The memblock allocations of start_kernel before mm_init → memblock_free_all (init/main.c):
 * setup_command_line, setup_per_cpu_areas (mm/percpu.c pcpu_embed_first_chunk), the early
 * dentry/inode hash tables (alloc_large_system_hash, mm/page_alloc.c) and swiotlb_init
 * (kernel/dma/swiotlb.c).
 */
import type { ArchBoot } from '../boot/context';
import { pcpuEmbedFirstChunk } from './percpu';
import { hugetlbParseArgs } from '../hugetlb/boot-setup';

export interface StartKernelOpts {
  swiotlb: boolean;
  /** __pa(MAX_DMA_ADDRESS): the goal of pcpu_fc_alloc */
  pcpuGoal: number;
  /** swiotlb buffer must lie below this address (ARCH_LOW_ADDRESS_LIMIT + 1) */
  swiotlbLimit: number;
}

const IO_TLB_DEFAULT_SIZE = 64 * 2 ** 20;

export function commonStartKernel(b: ArchBoot, o: StartKernelOpts): void {
  const { mb } = b;
  const res = (what: string, base: number, size: number) => {
    if (base) b.reservations.push({ what, base, size });
  };
  // setup_command_line (init/main.c): saved_command_line and static_command_line
  const len = b.cmdline.length + 1;
  for (let i = 0; i < 2; i++) res('command line copy', mb.allocTryNid(len, 64, 0, 0, -1, { caller: 'start_kernel+0x1b4/0x790' }), len);

  // setup_per_cpu_areas: the embedded first chunk (mm/percpu.c)
  const ai = pcpuEmbedFirstChunk(b, o.pcpuGoal);
  if (b.profile.arch === 'x86_64') {
    // x86 setup_per_cpu_areas (arch/x86/kernel/setup_percpu.c) after the first chunk
    setupNodeToCpumaskMap(b, ai.nrCpuIds);
    setupCpuLocalMasks(b, ai.nrCpuIds);
  }

  // parse_args: the __setup handlers (hugepagesz=, hugepages=: gigantic pages from memblock)
  hugetlbParseArgs(b);

  // vfs_caches_init_early: early hash tables only when hashdist is off (one node with memory).
  if (b.nids.length <= 1 || !b.profile.config.numa) {
    const nrKernelPages = lowmemKernelPages(b);
    for (const [what, scale] of [['dentry hash', 13], ['inode hash', 14]] as const) {
      // buckets are struct hlist_bl_head / hlist_head: one pointer (4 bytes on 32-bit arm)
      const size = largeSystemHashSize(nrKernelPages, b.profile.arch === 'arm' ? 4 : 8, scale);
      res(what, mb.allocTryNid(size, 64, 0, 0, -1, { caller: 'alloc_large_system_hash+0x198/0x300' }), size);
    }
  }

  // trap_init → setup_cpu_entry_areas (x86): spp_getpage page tables for the CPU entry area
  if (b.profile.arch === 'x86_64') {
    for (let i = 0; i < setupCpuEntryAreasTables(b, ai.nrCpuIds); i++) res('cpu_entry_area page table', mb.allocTryNid(4096, 4096, 0, 0, -1, { caller: 'spp_getpage+0x0/0x0' }), 4096);
  }

  // mm_init → mem_init → swiotlb_init
  if (o.swiotlb) {
    const limit = Math.min(o.swiotlbLimit, 2 ** 32) - 1;
    res('swiotlb bounce buffer', mb.allocTryNid(IO_TLB_DEFAULT_SIZE, 4096, 0, limit, -1, { caller: 'swiotlb_init_remap+0x8a/0x22d' }), IO_TLB_DEFAULT_SIZE);
    const nslabs = IO_TLB_DEFAULT_SIZE >> 11;
    const pageAlign = (x: number) => Math.ceil(x / 4096) * 4096;
    if (b.profile.behaviour.swiotlbMeta === 'slots-and-areas') {
      // one struct io_tlb_slot per slab: phys_addr_t orig_addr, size_t alloc_size, unsigned int list
      const slotSize = b.profile.arch === 'arm' ? 8 + 4 + 4 : 24;
      const slots = pageAlign(nslabs * slotSize);
      res('swiotlb slots', mb.allocTryNid(slots, 4096, 0, 0, -1, { caller: 'swiotlb_init_remap+0x152/0x22d' }), slots);
      // mem->areas: one struct io_tlb_area (used, index, lock) per area; default_nareas is the
      // possible-CPU count rounded up to a power of two (swiotlb_adjust_nareas)
      const nareas = 2 ** Math.ceil(Math.log2(Math.max(1, ai.nrCpuIds)));
      const areaSize = (b.profile.arch === 'arm' ? 4 : 8) + 8;
      res('swiotlb areas', mb.allocTryNid(nareas * areaSize, 64, 0, 0, -1, { caller: 'swiotlb_init_remap+0x1a8/0x22d' }), nareas * areaSize);
    } else {
      // 5.10 swiotlb_init_with_tbl: io_tlb_list (int per slab), then io_tlb_orig_addr (phys_addr_t per slab)
      for (const [what, bytes] of [['swiotlb io_tlb_list', 4], ['swiotlb io_tlb_orig_addr', 8]] as const) {
        const size = pageAlign(nslabs * bytes);
        res(what, mb.allocTryNid(size, 4096, 0, 0, -1, { caller: 'swiotlb_init_with_tbl+0x0/0x0' }), size);
      }
    }
  }
}

/**
 * The node of CPU c: the numa-node-id of its /cpus node or its SRAT line; a CPU the firmware does
 * not describe (--cpus above the DT's or SRAT's count) is spread round-robin over the nodes.
 */
export function cpuNode(b: Pick<ArchBoot, 'fw' | 'nids'>, c: number): number {
  if (c < b.fw.cpuNodes.length) return b.fw.cpuNodes[c]!;
  const nodes = b.nids.length ? b.nids : [0];
  return nodes[c % nodes.length]!;
}

/** alloc_bootmem_cpumask_var (lib/cpumask.c): BITS_TO_LONGS(nr_cpu_ids) longs (CPUMASK_OFFSTACK). */
function allocBootmemCpumaskVar(b: ArchBoot, nrCpuIds: number): void {
  const size = Math.ceil(nrCpuIds / 64) * 8;
  const base = b.mb.allocTryNid(size, 64, 0, 0, -1, { caller: 'alloc_bootmem_cpumask_var+0x0/0x0' });
  if (base) b.reservations.push({ what: 'cpumask', base, size });
}

/** setup_node_to_cpumask_map (arch/x86/mm/numa.c): one cpumask per node id. */
function setupNodeToCpumaskMap(b: ArchBoot, nrCpuIds: number): void {
  const nrNodeIds = Math.max(1, ...b.nids.map((n) => n + 1));
  for (let i = 0; i < nrNodeIds; i++) allocBootmemCpumaskVar(b, nrCpuIds);
}

/** setup_cpu_local_masks (arch/x86/kernel/cpu/common.c): initialized, callin, callout, sibling-setup. */
function setupCpuLocalMasks(b: ArchBoot, nrCpuIds: number): void {
  for (let i = 0; i < 4; i++) allocBootmemCpumaskVar(b, nrCpuIds);
}

/**
 * setup_cpu_entry_areas (arch/x86/mm/cpu_entry_area.c, no KASLR): the read-only IDT page, then one
 * struct cpu_entry_area per possible CPU from CPU_ENTRY_AREA_BASE + PAGE_SIZE. cea_set_pte's
 * set_pte_vaddr takes a PUD and a PMD table, and a PTE table per 2 MiB the area touches, from
 * spp_getpage (arch/x86/mm/init_64.c).
 */
function setupCpuEntryAreasTables(b: ArchBoot, nrCpuIds: number): number {
  const end = 4096 + nrCpuIds * b.build.cpuEntryAreaSize;
  return 2 + Math.ceil(end / 2 ** 21);
}

/** nr_kernel_pages as free_area_init_core counts it: present minus the memmap estimate, lowmem zones. */
function lowmemKernelPages(b: ArchBoot): number {
  const struct = b.profile.config.structPageSize;
  let pages = 0;
  for (const r of b.mb.memPfnRanges()) {
    const end = Math.min(r.end, b.maxLowPfn || r.end);
    if (end > r.start) pages += end - r.start;
  }
  const memmap = Math.ceil((pages * struct) / 4096);
  return pages - memmap;
}

/** alloc_large_system_hash: bucket count from nr_kernel_pages, scale and the 1/16-of-RAM cap. */
export function largeSystemHashSize(nrKernelPages: number, bucketsize: number, scale: number): number {
  let numentries = nrKernelPages;
  numentries = Math.ceil(numentries / 256) * 256; // round up to 1 MiB worth of pages
  if (scale > 12) numentries = Math.floor(numentries / 2 ** (scale - 12));
  else numentries = numentries * 2 ** (12 - scale);
  let log2qty = Math.floor(Math.log2(numentries));
  if (2 ** log2qty < numentries) log2qty++;
  return bucketsize * 2 ** log2qty;
}
