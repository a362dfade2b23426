/**
 * The memblock allocations of start_kernel before mm_init → memblock_free_all (init/main.c):
 * setup_command_line, setup_per_cpu_areas (mm/percpu.c pcpu_embed_first_chunk), the early
 * dentry/inode hash tables (alloc_large_system_hash, mm/page_alloc.c) and swiotlb_init
 * (kernel/dma/swiotlb.c).
 */
import type { ArchBoot } from './context';

export interface StartKernelOpts {
  swiotlb: boolean;
  /** swiotlb buffer must lie below this address (ARCH_LOW_ADDRESS_LIMIT + 1) */
  swiotlbLimit: number;
}

const IO_TLB_DEFAULT_SIZE = 64 * 2 ** 20;

export function commonStartKernel(b: ArchBoot, o: StartKernelOpts): void {
  const { mb } = b;
  const res = (what: string, base: number, size: number) => {
    if (base) b.reservations.push({ what, base, size });
  };
  // setup_command_line: saved_command_line and static_command_line (5.10 also initcall_command_line)
  const len = b.cmdline.length + 1;
  const copies = b.profile.kernel === '5.10' ? 3 : 2;
  for (let i = 0; i < copies; i++) res('command line copy', mb.allocTryNid(len, 64, 0, 0, -1, { caller: 'start_kernel+0x1b4/0x790' }), len);

  // setup_per_cpu_areas: one embedded unit per possible CPU (the unused tail of each unit is returned).
  const cpus = Math.max(1, b.cpus);
  const unit = b.build.pcpuUnitSize;
  const info = mb.allocTryNid(4096, 4096, 0, 0, -1, { caller: 'pcpu_build_alloc_info+0x398/0x50c' });
  const areas = mb.allocTryNid(4096, 64, 0, 0, -1, { caller: 'pcpu_embed_first_chunk+0x80/0x2e4' });
  const groups = groupCpus(b);
  const used = b.build.pcpuUsed ?? unit;
  for (const [nid, n] of groups) {
    const size = unit * n;
    const base = mb.allocTryNid(size, unit >= 2 ** 21 ? 2 ** 21 : 4096, mb.startOfDram(), 0, nid, { caller: 'pcpu_fc_alloc+0x120/0x19c' });
    // pcpu_embed_first_chunk gives back the unused tail of every unit (pcpu_fc_free)
    for (let u = 0; used < unit && u < n; u++) mb.free(base + u * unit + used, unit - used, 'pcpu_embed_first_chunk+0x1f4/0x2e4');
    for (let u = 0; u < n; u++) res(`per-cpu area node ${nid}`, base + u * unit, used);
  }
  mb.free(info, 4096, 'pcpu_free_alloc_info+0x1c/0x28');
  mb.free(areas, 4096, 'pcpu_embed_first_chunk+0x2c0/0x2e4');
  // pcpu_setup_first_chunk bookkeeping (group offsets/sizes, slot lists, chunk maps)
  for (const sz of [8, 8, 4, 8, 288, 144, 384, 392, 96, 144, 1024, 1032, 256])
    res('per-cpu first chunk metadata', mb.allocTryNid(sz, 64, 0, 0, -1, { caller: 'pcpu_setup_first_chunk+0x0/0x0' }), sz);

  // vfs_caches_init_early: early hash tables only when hashdist is off (one node with memory).
  if (b.nids.length <= 1 || !b.profile.config.numa) {
    const nrKernelPages = lowmemKernelPages(b);
    for (const [what, scale] of [['dentry hash', 13], ['inode hash', 14]] as const) {
      // buckets are struct hlist_bl_head / hlist_head: one pointer (4 bytes on 32-bit arm)
      const size = largeSystemHashSize(nrKernelPages, b.profile.arch === 'arm' ? 4 : 8, scale);
      res(what, mb.allocTryNid(size, 64, 0, 0, -1, { caller: 'alloc_large_system_hash+0x198/0x300' }), size);
    }
  }

  // mm_init → mem_init → swiotlb_init
  if (o.swiotlb) {
    const limit = Math.min(o.swiotlbLimit, 2 ** 32) - 1;
    res('swiotlb bounce buffer', mb.allocTryNid(IO_TLB_DEFAULT_SIZE, 4096, 0, limit, -1, { caller: 'swiotlb_init_remap+0x8a/0x22d' }), IO_TLB_DEFAULT_SIZE);
    const nslabs = IO_TLB_DEFAULT_SIZE >> 11;
    const pageAlign = (x: number) => Math.ceil(x / 4096) * 4096;
    if (b.profile.kernel === '6.1') {
      // one struct io_tlb_slot per slab: phys_addr_t orig_addr, size_t alloc_size, unsigned int list
      const slotSize = b.profile.arch === 'arm' ? 8 + 4 + 4 : 24;
      const slots = pageAlign(nslabs * slotSize);
      res('swiotlb slots', mb.allocTryNid(slots, 4096, 0, 0, -1, { caller: 'swiotlb_init_remap+0x152/0x22d' }), slots);
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

/** CPUs per node for the per-cpu first chunk groups: the possible CPUs, at least the online ones. */
function groupCpus(b: ArchBoot): Array<[number, number]> {
  const nodes = b.nids.length ? b.nids : [0];
  const counts = new Map<number, number>(nodes.map((n) => [n, 0]));
  const possible = Math.max(b.fw.cpuNodes.length, b.cpus);
  for (let c = 0; c < possible; c++) {
    const nid = cpuNode(b, c);
    counts.set(nid, (counts.get(nid) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 0);
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
