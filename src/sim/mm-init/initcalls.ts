/**
 * From memblock_free_all to a settled system: setup_per_cpu_pageset (5.10), the early frees of
 * start_kernel, core_initcall cma_init_reserved_areas, postcore init_per_zone_wmark_min, subsys
 * hugepage_init (the khugepaged raise), then the late frees of initrd and __init memory, which
 * change managed but nothing computed from it.
 */
import type { Buddy } from '../buddy/buddy';
import { hugepageInit, initPerZoneWmarkMin, makeTunableState, setupPerCpuPageset510, withManaged, type TunableState } from '../tunables';
import type { ZoneName } from '../types';
import type { ArchBoot } from '../boot/context';
import type { HandOverResult } from './mem-init';
import type { LateFree } from '../arch/kernel-build';
import type { ZoneLayoutResult } from './zone-layout';
import { fmtPa } from '../memblock/format';
import { SZ_1M } from '../sizes';
import { cpuNode } from './start-kernel';
import { zoneId } from '../zone-types';
import { hugetlbInit } from './hugetlb-init';

export interface InitcallsResult {
  tunables: TunableState;
  /** managed pages per zone id when init_per_zone_wmark_min ran */
  managedAtWmark: ReadonlyMap<number, number>;
  dmesg: string[];
  /** where in dmesg hugetlb_init's report_hugepages lines belong */
  hugetlbReportAt: number;
}

/** Pages the late frees give back: initrd first (its own range), the rest from the kernel image. */
function freeReservedArea(b: ArchBoot, hand: HandOverResult, f: LateFree, dmesg: string[]): void {
  const buddy: Buddy = hand.buddy;
  let pages = Math.floor((f.kb * 1024) / 4096);
  const candidates: Array<{ start: number; end: number }> = [];
  const initrd = b.reservations.find((x) => x.what === 'initrd');
  if (f.pfns) {
    candidates.push(f.pfns);
  } else if (/initrd/.test(f.what) && initrd) {
    candidates.push({ start: Math.floor(initrd.base / 4096), end: Math.ceil((initrd.base + initrd.size) / 4096) });
  } else {
    // __init text/data and the image gaps live inside the kernel image (so does an initrd of unknown place)
    const img = b.reservations.find((x) => x.what === 'kernel image');
    if (img) candidates.push({ start: Math.floor(img.base / 4096), end: Math.floor((img.base + img.size) / 4096) });
  }
  // With CONFIG_ARCH_KEEP_MEMBLOCK, arm64's free_initrd_mem also drops the page-aligned initrd from
  // memblock.reserved (memblock_free / memblock_phys_free) before free_reserved_area; arm has its
  // own free_initrd_mem (arch/arm/mm/init.c) and x86 keeps no memblock.
  if (b.profile.arch === 'arm64' && /initrd/.test(f.what) && initrd) {
    const start = initrd.base - (initrd.base % 4096);
    const end = Math.ceil((initrd.base + initrd.size) / 4096) * 4096;
    b.mb.free(start, end - start, 'free_initrd_mem+0x0/0x0');
  }
  const requested = pages;
  for (const c of candidates) {
    for (let pfn = c.end - 1; pfn >= c.start && pages > 0; pfn--) {
      if (pfn < buddy.basePfn || pfn >= buddy.endPfn || buddy.zoneIdOf(pfn) < 0 || buddy.pageState(pfn) !== 'reserved') continue;
      const zid = buddy.zoneIdOf(pfn);
      buddy.adjustManagedPageCount(zid, 1);
      buddy.freeOnePage(pfn, 0, buddy.getPageblockMigratetype(pfn), {});
      pages--;
    }
  }
  // Pages the model cannot place (the range is not reserved memory here, e.g. a log from another
  // machine) are not counted: managed never exceeds what the zone really holds.
  if (pages > 0) dmesg.push(`mmbook: ${pages} pages of "${f.what}" are not reserved memory in this machine; not freed`);
  dmesg.push(`Freeing ${f.what} memory: ${Math.floor(((requested - pages) * 4096) / 1024)}K`);
}

export function runInitcalls(b: ArchBoot, layout: ZoneLayoutResult, names: readonly ZoneName[], hand: HandOverResult, lateFrees: LateFree[]): InitcallsResult {
  const { profile } = b;
  const cfg = profile.config;
  const buddy = hand.buddy;
  const dmesg: string[] = [];
  const managedNow = () => hand.zones.map((z) => (hand.inBuddy.has(z.id) ? buddy.managed(z.id) : 0));
  const present = new Map<number, number>();
  for (const n of layout.nodes) for (const z of n.zones) present.set(zoneId(n.nid, z.idx, names.length), z.present);
  const movableIsHigh = names[layout.movableZone] === 'HighMem';
  const cpusPerNode: number[] = [];
  for (let c = 0; c < b.cpus; c++) {
    const nid = cpuNode(b, c);
    cpusPerNode[nid] = (cpusPerNode[nid] ?? 0) + 1;
  }
  for (let i = 0; i < cpusPerNode.length; i++) cpusPerNode[i] ??= 0;

  // start_kernel: frees before the initcalls (x86 alternatives)
  for (const f of lateFrees.filter((x) => x.beforeInitcalls)) freeReservedArea(b, hand, f, dmesg);

  const thpCmd = b.params.transparentHugepage;
  const thpMode = cfg.thp === 'off' ? 'off' : (thpCmd ?? cfg.thp);
  let s = makeTunableState({
    kernel: profile.kernel,
    pageblockOrder: cfg.pageblockOrder,
    zoneNames: [...names],
    zones: hand.zones.map((z, i) => ({ nid: z.nid, idx: z.idx, name: z.name, managed: managedNow()[i], present: present.get(z.id) ?? 0, highmem: z.name === 'HighMem' || (z.name === 'Movable' && movableIsHigh) })),
    cpusPerNode,
    onlineCpus: b.cpus,
    thpEnabled: thpMode === 'always' || thpMode === 'madvise',
  });
  // 5.10 sizes pcp once, in setup_per_cpu_pageset, before CMA activation; 6.1 with every setup_per_zone_wmarks
  if (profile.behaviour.pcp.high === 'six-batch') s = setupPerCpuPageset510(s, managedNow());

  // core_initcall: cma_init_reserved_areas
  for (const a of b.cmaAreas) {
    const basePfn = Math.floor(a.base / 4096);
    const count = Math.floor(a.size / 4096);
    // pfn_valid / zone checks of cma_activate_area: an area outside RAM (a static reserved-memory
    // region the DT put outside /memory) is never activated.
    const inRam = b.mb.isRegionMemory(a.base, a.size) && basePfn >= buddy.basePfn && basePfn + count <= buddy.endPfn && buddy.zoneIdOf(basePfn) >= 0;
    a.activated = inRam && buddy.cmaActivateArea(basePfn, count);
    if (!a.activated) dmesg.push(`cma: CMA area ${a.name} could not be activated`);
  }
  s = withManaged(s, managedNow());
  const managedAtWmarkList = managedNow();
  const managedAtWmark = new Map(hand.zones.map((z, i) => [z.id, managedAtWmarkList[i]]));
  // postcore_initcall: init_per_zone_wmark_min; subsys_initcall: hugetlb_init (mm/hugetlb.o links
  // before mm/huge_memory.o: gigantic boot pages join managed first), then hugepage_init
  s = initPerZoneWmarkMin(s);
  if (hugetlbInit(b, buddy, dmesg)) s = withManaged(s, managedNow());
  let hugetlbReportAt = dmesg.length;
  const totalram = managedNow().reduce((x, y) => x + y, 0);
  s = hugepageInit(s, totalram);

  for (const f of lateFrees.filter((x) => !x.beforeInitcalls)) freeReservedArea(b, hand, f, dmesg);
  s = withManaged(s, managedNow());
  if (b.cmaAreas.length) {
    dmesg.unshift(...b.cmaAreas.map((a) => `cma: area ${a.name} at ${fmtPa(a.base, b.mb.physAddrBytes)}, ${a.size / SZ_1M} MiB`));
    hugetlbReportAt += b.cmaAreas.length;
  }
  return { tunables: s, managedAtWmark, dmesg, hugetlbReportAt };
}
