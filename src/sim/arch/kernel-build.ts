/**
 * Facts about the Debian kernel *builds* that the profiles pin, which no device tree or e820 map
 * can tell: where the image sits and how big it is, what paging_init gives back, the per-cpu static
 * size, struct sizes the logs reveal, and the sizes of the `__init` and other late frees. They are
 * properties of the kernel binary (like sizeof(struct page)), read off the oracle boot logs of those
 * exact builds
 * (`memblock_reserve` of `_stext.._end`, "percpu: Embedded … s<static>", "Freeing unused kernel
 * memory: NK"). A --boot-log replaces all of them with the real machine's values.
 */
import type { Arch, KernelVersion } from '../types';

export interface LateFree {
  /** the dmesg text after "Freeing " and before ": NK" */
  what: string;
  kb: number;
  /** true when the free happens before the postcore initcalls (so watermarks see it) */
  beforeInitcalls: boolean;
  /** the exact pages [start, end) when the model knows them (free_initrd_mem) */
  pfns?: { start: number; end: number };
}

export interface KernelBuild {
  /** offset of the reserved kernel image (_stext or _text) from the start of DRAM, with nokaslr */
  imageOffset: number;
  /** bytes memblock_reserve'd for the image */
  imageSize: number;
  /** bytes at the end of that reservation that paging_init hands back (init_pg_dir) */
  pagingInitFree: number;
  /** arm64: bytes from map_mem's kernel_start (the reservation's base) to __init_begin */
  textAliasSize?: number;
  /** arm64: early_pgtable_alloc pages paging_init takes besides map_mem's (map_kernel, 6.1 create_idmap) */
  imagePageTables?: number;
  /** arm32: swapper_pg_dir reservation (offset from DRAM start, size) */
  swapperPgDir?: { offset: number; size: number };
  /** per-cpu static area of the image (__per_cpu_end - __per_cpu_start): "percpu: Embedded … s<static>" */
  pcpuStaticSize: number;
  /** sizeof(struct pcpu_chunk) without its populated[] bitmap (pcpu_alloc_first_chunk's struct_size) */
  pcpuChunkStructSize: number;
  /** sizeof(struct device_node) and sizeof(struct property) (unflatten_dt_nodes' allocation units) */
  dtNodeSize: number;
  dtPropSize: number;
  /** late frees of init memory, in boot order */
  lateFrees: LateFree[];
  /**
   * x86: sizeof(struct cpu_entry_area), which setup_cpu_entry_areas maps per possible CPU. Not
   * printed by any log: summed from the 6.1/5.10 x86_64 layout with the Debian config (GDT page,
   * entry stack page, 5-page TSS with the I/O bitmaps, 13 pages of exception stacks with guards,
   * debug store page, 32 pages of BTS/PEBS buffers). Only CPU counts above ~9 depend on it.
   */
  cpuEntryAreaSize: number;
  /** x86: extra fixed early reservations below 1 MiB and around the image (base, size) */
  fixed?: Array<{ base: number; size: number }>;
  /** sizeof(pg_data_t), allocated per node as NODE_DATA (arm64 setup_node_data, x86 alloc_node_data); 0 without NUMA */
  pgdatSize: number;
  /** arm64: bytes between the end of the image reservation and the end of the init_pg_dir range paging_init frees */
  pagingInitFreeEndGap?: number;
  /** SPARSEMEM: sizeof(struct mem_section_usage) + usemap_size(), NR_SECTION_ROOTS × pointer size, SECTIONS_PER_ROOT */
  sparse?: { usemapBytes: number; rootsBytes: number; sectionsPerRoot: number };
  /** the %pS caller of the memblock=debug lines that differ between builds, by call site */
  callers: Partial<Record<'initrdRemove' | 'initrdAdd' | 'initrdReserve' | 'imageReserve', string>>;
}

const KB = 1024;

const BUILDS: Record<string, KernelBuild> = {
  // Debian 6.1.0-50-arm64 (6.1.176-1): memblock_reserve [0x40210000-0x4220ffff], paging_init frees 0x5000.
  // "percpu: Embedded 31 pages/cpu s87208 r8192 d31576 u126976"; pcpu_alloc_first_chunk's first
  // memblock_alloc is 144 bytes (struct_size with one populated[] long); unflatten_device_tree's
  // early_init_dt_alloc_memory_arch sizes (40060 bytes for QEMU virt's tree) solve to
  // sizeof(struct device_node) 208 and sizeof(struct property) 96.
  // map_mem's kernel_start is _stext; __init_begin is _stext + 13248K code + 9504K rodata (the
  // "Memory:" line) + the four page-table directories, 64K aligned: 0x41850000. The log's 259
  // early_pgtable_alloc pages for 512 MiB leave 11 for map_kernel and create_idmap.
  'arm64/6.1': {
    imageOffset: 0x210000,
    imageSize: 0x2000000,
    pagingInitFree: 0x5000,
    textAliasSize: 0x41850000 - 0x40210000,
    imagePageTables: 11,
    pcpuStaticSize: 87208,
    pcpuChunkStructSize: 136,
    dtNodeSize: 208,
    dtPropSize: 96,
    cpuEntryAreaSize: 0,
    lateFrees: [{ what: 'unused kernel memory', kb: 6464, beforeInitcalls: false }],
    pgdatSize: 0x2c80,
    pagingInitFreeEndGap: 0,
    sparse: { usemapBytes: 56, rootsBytes: 131072, sectionsPerRoot: 256 },
    callers: { initrdAdd: 'arm64_memblock_init+0x14c/0x260', initrdReserve: 'arm64_memblock_init+0x164/0x260', imageReserve: 'arm64_memblock_init+0x1f0/0x260' },
  },
  // Debian 5.10.0-32-arm64 (5.10.223-1): memblock_reserve [0x40200000-0x41ccffff], paging_init frees 0x5000 at end-0x8000.
  // "percpu: Embedded 33 pages/cpu s95576 r8192 d31400 u135168"; unflatten 35604 bytes for QEMU
  // virt's tree: sizeof(struct device_node) 168, sizeof(struct property) 88.
  // map_mem's kernel_start is _text; __init_begin is _stext (0x40210000) + 11712K code + 7104K
  // rodata + the page-table directories, 64K aligned: 0x41480000. The log's 255 early_pgtable_alloc
  // pages for 512 MiB leave 6 for map_kernel (5.10 has no create_idmap).
  'arm64/5.10': {
    imageOffset: 0x200000,
    imageSize: 0x1ad0000,
    pagingInitFree: 0x5000,
    textAliasSize: 0x41480000 - 0x40200000,
    imagePageTables: 6,
    pcpuStaticSize: 95576,
    pcpuChunkStructSize: 136,
    dtNodeSize: 168,
    dtPropSize: 88,
    cpuEntryAreaSize: 0,
    lateFrees: [{ what: 'unused kernel memory', kb: 5440, beforeInitcalls: false }],
    pgdatSize: 0x2500,
    pagingInitFreeEndGap: 0x3000,
    sparse: { usemapBytes: 336, rootsBytes: 16384, sectionsPerRoot: 256 },
    callers: { initrdRemove: 'arm64_memblock_init+0x198/0x2fc', initrdAdd: 'arm64_memblock_init+0x1a4/0x2fc', initrdReserve: 'arm64_memblock_init+0x1b0/0x2fc', imageReserve: 'arm64_memblock_init+0x208/0x2fc' },
  },
  // Debian 6.1.0-50-armmp-lpae: memblock_reserve [0x40400000-0x4180d287], swapper_pg_dir [0x40203000-0x40207fff].
  // "percpu: Embedded 19 pages/cpu s45204 r8192 d24428 u77824"; pcpu_alloc_first_chunk's first
  // memblock_alloc is 96 bytes; unflatten 20752 bytes for QEMU virt's tree: sizeof(struct
  // device_node) 108, sizeof(struct property) 48.
  'arm/6.1': {
    imageOffset: 0x400000,
    imageSize: 0x140d288,
    pagingInitFree: 0,
    swapperPgDir: { offset: 0x203000, size: 0x5000 },
    pcpuStaticSize: 45204,
    pcpuChunkStructSize: 92,
    dtNodeSize: 108,
    dtPropSize: 48,
    cpuEntryAreaSize: 0,
    lateFrees: [{ what: 'unused kernel image (initmem) memory', kb: 2048, beforeInitcalls: false }],
    pgdatSize: 0,
    callers: {},
  },
  // Debian 6.1.0-50-amd64: image [0x1000000-0x4410fff] (text..brk), plus the x86 late frees.
  // "percpu: Embedded 62 pages/cpu s217088 r8192 d28672 u2097152". x86 has no device tree.
  'x86_64/6.1': {
    imageOffset: 0x1000000,
    imageSize: 0x3411000,
    pagingInitFree: 0,
    pcpuStaticSize: 217088,
    pcpuChunkStructSize: 136,
    dtNodeSize: 0,
    dtPropSize: 0,
    cpuEntryAreaSize: 53 * 4096,
    lateFrees: [
      { what: 'SMP alternatives memory', kb: 36, beforeInitcalls: true },
      { what: 'unused decrypted memory', kb: 2036, beforeInitcalls: false },
      { what: 'unused kernel image (initmem) memory', kb: 2820, beforeInitcalls: false },
      { what: 'unused kernel image (text/rodata gap) memory', kb: 2040, beforeInitcalls: false },
      { what: 'unused kernel image (rodata/data gap) memory', kb: 1124, beforeInitcalls: false },
    ],
    pgdatSize: 0x2b000,
    sparse: { usemapBytes: 56, rootsBytes: 32768, sectionsPerRoot: 256 },
    callers: {},
  },
  // Debian 5.10.0-32-amd64: image [0x1000000-0x400cfff]. "percpu: Embedded 63 pages/cpu s221184 r8192 d28672 u2097152".
  'x86_64/5.10': {
    imageOffset: 0x1000000,
    imageSize: 0x300d000,
    pagingInitFree: 0,
    pcpuStaticSize: 221184,
    pcpuChunkStructSize: 136,
    dtNodeSize: 0,
    dtPropSize: 0,
    cpuEntryAreaSize: 53 * 4096,
    lateFrees: [
      { what: 'SMP alternatives memory', kb: 32, beforeInitcalls: true },
      { what: 'unused decrypted memory', kb: 2036, beforeInitcalls: false },
      { what: 'unused kernel image (initmem) memory', kb: 2676, beforeInitcalls: false },
      { what: 'unused kernel image (text/rodata gap) memory', kb: 2040, beforeInitcalls: false },
      { what: 'unused kernel image (rodata/data gap) memory', kb: 560, beforeInitcalls: false },
    ],
    pgdatSize: 0x2a000,
    sparse: { usemapBytes: 56, rootsBytes: 32768, sectionsPerRoot: 256 },
    callers: {},
  },
};

// No Debian 5.10 armmp-lpae oracle exists: arm on 5.10 uses the 6.1 build facts (README, Fidelity).
BUILDS['arm/5.10'] = BUILDS['arm/6.1'];

export function kernelBuild(arch: Arch, kernel: KernelVersion): KernelBuild {
  return BUILDS[`${arch}/${kernel}`];
}

/** Frees that happen before the initcalls (x86's "SMP alternatives memory", from alternative_instructions). */
export function isEarlyFree(what: string): boolean {
  return /SMP alternatives/.test(what);
}

export { KB };
