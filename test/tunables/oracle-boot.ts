/**
 * Test helper: replays the tunables' part of a boot for an oracle folder, in the order the
 * module doc of src/sim/tunables prescribes, from the zone sizes the real kernel printed.
 *
 * managed at postcore = final zoneinfo managed − the late frees in kernel-console.txt.
 * Late frees (after postcore and subsys initcalls) found per folder:
 *  - arm64 (a64-*): "Freeing initrd memory: 968K" (rootfs_initcall) and "Freeing unused kernel
 *    memory: 6464K" (5.10: 5440K) from free_initmem. Zone: DMA (all RAM < 4 GiB is DMA on virt).
 *  - a32-2g-highmem: "Freeing initrd memory: 868K" and "Freeing unused kernel image (initmem)
 *    memory: 2048K". Zone: DMA (lowmem; the kernel and initrd are in lowmem).
 *  - x86_64 (x64-*): "Freeing initrd memory: 1012K", "Freeing unused decrypted memory: 2036K"
 *    (mem_encrypt_free_decrypted_mem, from free_initmem), "Freeing unused kernel image (initmem)
 *    memory", "(text/rodata gap)" and "(rodata/data gap)" (mark_rodata_ro). Zone: node 0 DMA32.
 *    NOT late: "Freeing SMP alternatives memory: 36K" (32K on 5.10) is freed by
 *    alternative_instructions in start_kernel, before any initcall, so it is in postcore managed.
 *  - "HugeTLB: … vmemmap can be freed" lines are information only (nothing is freed at boot).
 */
import {
  hugepageInit,
  initPerZoneWmarkMin,
  makeTunableState,
  setupPerCpuPageset510,
  withManaged,
  type TunableState,
} from '../../src/sim/tunables';
import type { ZoneName } from '../../src/sim/types';
import { consoleFrees, meminfoKb, parseZoneinfo, readOracle, type OracleZone } from './oracle-data';

export interface OracleCase {
  folder: string;
  kernel: '5.10' | '6.1';
  /** zone names that are is_highmem() */
  highmem: ZoneName[];
  /** the zone that receives the late frees and the one holding CMA */
  lateFreeZone: { nid: number; name: ZoneName };
  cmaZone?: { nid: number; name: ZoneName };
  cpusPerNode: number[];
  /** THP mode after the command line (transparent_hugepage=) */
  thp: boolean;
}

export const EARLY_FREES = ['SMP alternatives'];

export function lateFreePages(folder: string, early: readonly string[] = EARLY_FREES): { what: string; pages: number }[] {
  return consoleFrees(folder)
    .filter((f) => !early.includes(f.what))
    .map((f) => ({ what: f.what, pages: f.kib / 4 }));
}

export interface Replay {
  oracle: OracleZone[];
  postcoreManaged: number[];
  boot: TunableState;
}

export interface ReplayOptions {
  /** subtract the late frees from the final managed (default true) */
  subtractLateFrees?: boolean;
  /** console frees that happen before postcore (default EARLY_FREES) */
  early?: readonly string[];
}

export function replayBoot(c: OracleCase, opts: ReplayOptions = {}): Replay {
  const oracle = parseZoneinfo(readOracle(c.folder, 'zoneinfo.txt'));
  const nodes = [...new Set(oracle.map((z) => z.nid))];
  const zoneNames = oracle.filter((z) => z.nid === nodes[0]).map((z) => z.name);
  const late =
    opts.subtractLateFrees === false ? 0 : lateFreePages(c.folder, opts.early).reduce((a, f) => a + f.pages, 0);
  const cmaPages = meminfoKb(c.folder, 'CmaTotal') / 4;
  const idxOf = (z: OracleZone) => zoneNames.indexOf(z.name);
  const isZ = (z: OracleZone, w?: { nid: number; name: ZoneName }) => !!w && z.nid === w.nid && z.name === w.name;
  const postcoreManaged = oracle.map((z) => z.managed - (isZ(z, c.lateFreeZone) ? late : 0));
  let s = makeTunableState({
    kernel: c.kernel,
    pageblockOrder: 9,
    zoneNames,
    zones: oracle.map((z, i) => ({
      nid: z.nid,
      idx: idxOf(z),
      name: z.name,
      managed: postcoreManaged[i]!,
      present: z.present,
      highmem: c.highmem.includes(z.name),
    })),
    cpusPerNode: c.cpusPerNode,
    thpEnabled: c.thp,
  });
  if (c.kernel === '5.10') {
    // setup_per_cpu_pageset / page_alloc_init_late: before CMA activation
    s = setupPerCpuPageset510(s, oracle.map((z, i) => postcoreManaged[i]! - (isZ(z, c.cmaZone) ? cmaPages : 0)));
  }
  s = initPerZoneWmarkMin(s);
  s = hugepageInit(s, postcoreManaged.reduce((a, b) => a + b, 0));
  s = withManaged(s, oracle.map((z) => z.managed));
  return { oracle, postcoreManaged, boot: s };
}

const DMA0 = { nid: 0, name: 'DMA' as ZoneName };
const DMA32 = { nid: 0, name: 'DMA32' as ZoneName };

export const ORACLE_CASES: OracleCase[] = [
  { folder: 'a64-512m', kernel: '6.1', highmem: [], lateFreeZone: DMA0, cmaZone: DMA0, cpusPerNode: [1], thp: true },
  { folder: 'a64-512m-k510', kernel: '5.10', highmem: [], lateFreeZone: DMA0, cmaZone: DMA0, cpusPerNode: [1], thp: true },
  { folder: 'a64-1g-nothp', kernel: '6.1', highmem: [], lateFreeZone: DMA0, cmaZone: DMA0, cpusPerNode: [1], thp: false },
  { folder: 'a64-1g-tuned', kernel: '6.1', highmem: [], lateFreeZone: DMA0, cmaZone: DMA0, cpusPerNode: [1], thp: true },
  { folder: 'a64-1g-reserved', kernel: '6.1', highmem: [], lateFreeZone: DMA0, cmaZone: DMA0, cpusPerNode: [1], thp: true },
  { folder: 'a64-2g-cma64', kernel: '6.1', highmem: [], lateFreeZone: DMA0, cmaZone: DMA0, cpusPerNode: [1], thp: true },
  {
    folder: 'a32-2g-highmem',
    kernel: '6.1',
    // movable_zone is HighMem when highmem is populated, so Movable is is_highmem() too
    highmem: ['HighMem', 'Movable'],
    lateFreeZone: DMA0,
    cmaZone: { nid: 0, name: 'HighMem' },
    cpusPerNode: [1],
    thp: true,
  },
  { folder: 'x64-1g', kernel: '6.1', highmem: [], lateFreeZone: DMA32, cpusPerNode: [1], thp: true },
  { folder: 'x64-1g-k510', kernel: '5.10', highmem: [], lateFreeZone: DMA32, cpusPerNode: [1], thp: true },
  { folder: 'x64-6g-numa2', kernel: '6.1', highmem: [], lateFreeZone: DMA32, cpusPerNode: [1, 1], thp: true },
];
