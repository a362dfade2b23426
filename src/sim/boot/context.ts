/**
 * The state threaded through the arch boot sequences (setup_arch up to memblock_free_all).
 * Each arch module fills the memblock, the CMA areas and the dmesg-like log, and records the
 * model's reservations by name so notebooks can show where the memory went.
 */
import type { VersionRules } from '../kernel-behaviour';
import type { Memblock } from '../memblock/memblock';
import type { Profile } from '../types';
import type { BootParams } from '../input/cmdline';
import type { CmaArea } from '../mm-init/cma-reserve';
import type { KernelBuild } from '../arch/kernel-build';
import type { ReservedMemScan } from '../fdt/fdt-reserved-mem';
import type { UnflattenNode } from '../machine/firmware';
import type { HugetlbBoot } from '../hugetlb/boot-state';

export interface MemoryBank {
  base: number;
  size: number;
  nid: number;
  hotplug: boolean;
  /** false when the /memory node has no numa-node-id (of_numa_init adds no node for it) */
  nidGiven?: boolean;
}

/** What the firmware (DTB, e820 or a declarative topology) describes. */
export interface FirmwareDesc {
  kind: 'fdt' | 'e820' | 'topology' | 'zoneinfo';
  banks: MemoryBank[];
  /** FDT /memreserve/ entries */
  memreserve: Array<{ base: number; size: number }>;
  reservedMem: ReservedMemScan;
  bootargs?: string;
  initrd?: { start: number; size: number };
  /** the DTB itself: where the bootloader put it, and its totalsize */
  dtb?: { base: number; size: number; tree: UnflattenNode[] };
  /** CPU count per node from /cpus numa-node-id or SRAT; empty when unknown */
  cpuNodes: number[];
  distance?: number[][];
  /** arm64 of_dma_get_max_cpu_address(), or null without dma-ranges */
  dmaMaxCpuAddr: number | null;
  /** x86: e820 RAM ranges after the kernel's trims, as e820__memblock_setup adds them */
  e820Ram?: Array<{ base: number; size: number }>;
  /** x86: the kernel's e820_table after trim_bios_range, and the entry count of e820_table_firmware */
  e820Table?: Array<{ addr: number; size: number; type: number }>;
  e820FirmwareEntries?: number;
  /** what the kernel prints about the firmware's description while it reads it (e.g. NUMA fallback) */
  notes?: string[];
}

export interface Reservation {
  what: string;
  base: number;
  size: number;
}

export interface ArchBoot {
  profile: Profile;
  build: KernelBuild;
  fw: FirmwareDesc;
  params: BootParams;
  cmdline: string;
  cpus: number;
  mb: Memblock;
  cmaAreas: CmaArea[];
  dmesg: string[];
  /** named reservations the model made (for notebooks and the error report) */
  reservations: Reservation[];
  /** results the zone code needs */
  maxPfn: number;
  maxLowPfn: number;
  /** max_zone_pfn[] per zone index (Movable/Device ignored) */
  maxZonePfn: number[];
  /** the nids with memory, ascending */
  nids: number[];
  /** end of lowmem (arm32), else end of DRAM */
  highmemStart: number;
  /** hugetlb's boot state (hugetlb_cma=, hugepagesz=, hugepages=); absent without CONFIG_HUGETLB_PAGE */
  hugetlb?: HugetlbBoot;
}

/** The RmemContext fields that do not depend on the boot's memblock (filled by boot.ts). */
export interface RmemBase {
  arch: 'arm64' | 'arm' | 'x86_64';
  rules: VersionRules;
  config: Profile['config'];
  pageblockOrder: number;
  maxOrder: number;
  smpCacheBytes: number;
  cmaCmdline: boolean;
}
