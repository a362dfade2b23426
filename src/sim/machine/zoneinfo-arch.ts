/**
 * Could the chosen architecture have printed this zoneinfo? mmbook models arm64, 32-bit arm and
 * x86_64; a dump of another architecture (s390x, riscv64, ppc64, i386, mips, …) must be refused,
 * not read as one of them. Only what an arch's kernel cannot print is refused:
 * - zones: arm64 and x86_64 have no ZONE_HIGHMEM (64-bit); 32-bit arm has no ZONE_DMA32
 *   (mm/Kconfig ZONE_DMA32 depends on 64BIT-only arch selects).
 * - x86_64's ZONE_DMA is the first 16 MiB (MAX_DMA_PFN, arch/x86/include/asm/dma.h) and
 *   ZONE_DMA32 ends at 4 GiB (MAX_DMA32_PFN): a DMA zone past pfn 4096 (s390x's 2 GiB DMA,
 *   an arm64 DMA at its RAM base) is not x86_64.
 * - x86 starts ZONE_DMA at pfn 1 with at most 4095 pages (e820 trims page 0 from RAM,
 *   e820__memblock_setup); arm and arm64 zones start at the RAM base pfn (0 when RAM is at 0):
 *   a DMA zone at pfn 1 ending by 16 MiB is an x86 (i386 or x86_64) dump.
 * - NR_CPUS: at most 8192 on x86_64 (MAXSMP), 4096 on arm64, 32 on arm (arch Kconfig ranges).
 * - pageblock order (pagetypeinfo): 9 with 4 KiB pages on all three (HPAGE_PMD_ORDER; 32-bit
 *   arm without LPAE: MAX_ORDER - 1 = 10); 8 is s390x's 1 MiB huge pages or ppc64's 16 MiB/64 KiB,
 *   11 and 13 are arm64/ppc64 with 16 KiB or 64 KiB pages, which mmbook does not model.
 * - s390x: a DMA zone of exactly the first 2 GiB from address 0 with memory above and no DMA32.
 * - 32-bit arm lowmem (DMA + Normal) is at most 3 GiB (VMSPLIT_1G); more is a 64-bit machine.
 * Zone sets that a modelled arch can build (an Android arm64 kernel without ZONE_DMA, an x86_64
 * one without ZONE_DEVICE) are accepted: riscv64's DMA32/Normal/Movable is also a valid arm64
 * zone set, and nothing in zoneinfo tells the two apart.
 */
import { MmError } from '../errors';
import type { ParsedZoneinfo } from '../format/zoneinfo-parse';
import type { Arch, ZoneName } from '../types';

const MAX_CPUS: Record<Arch, number> = { x86_64: 8192, arm64: 4096, arm: 32 };
const ARCH_ZONES: Record<Arch, readonly ZoneName[]> = {
  arm64: ['DMA', 'DMA32', 'Normal', 'Movable', 'Device'],
  x86_64: ['DMA', 'DMA32', 'Normal', 'Movable', 'Device'],
  arm: ['DMA', 'Normal', 'HighMem', 'Movable', 'Device'],
};
/** MAX_DMA_PFN and MAX_DMA32_PFN of x86_64 */
const X86_DMA_END = 4096;
const X86_DMA32_END = 0x100000;

const refuse = (msg: string, hint: string): never => {
  throw new MmError('ZONEINFO_PROFILE_MISMATCH', `${msg}${hint ? `; ${hint}` : ''}`, 'zoneinfo');
};

/** Why `arch` cannot have printed this dump, or null. */
export function archObjection(p: ParsedZoneinfo, arch: Arch): string | null {
  const odd = p.zoneNames.filter((z) => !ARCH_ZONES[arch].includes(z));
  if (odd.length > 0) {
    return `the zoneinfo has zone ${odd.join(', ')}, which ${arch} kernels do not have (${arch === 'arm' ? '32-bit arm has no ZONE_DMA32' : '64-bit kernels have no ZONE_HIGHMEM'})`;
  }
  const dma = p.zones.find((z) => z.zone === 'DMA' && z.startPfn !== undefined && z.spanned);
  const end = (z: { startPfn?: number; spanned?: number }) => (z.startPfn ?? 0) + (z.spanned ?? 0);
  if (arch === 'x86_64') {
    if (dma && end(dma) > X86_DMA_END) return `its DMA zone ends at pfn ${end(dma)}, but x86_64's ZONE_DMA is the first 16 MiB (it ends by pfn ${X86_DMA_END})`;
    const dma32 = p.zones.find((z) => z.zone === 'DMA32' && z.startPfn !== undefined && z.spanned);
    if (dma32 && end(dma32) > X86_DMA32_END) return `its DMA32 zone ends at pfn ${end(dma32)}, past 4 GiB, where x86_64's ZONE_DMA32 ends`;
  } else if (dma && dma.startPfn === 1 && end(dma) <= X86_DMA_END) {
    return `its DMA zone is pfn 1–${end(dma)} (the first 16 MiB less page 0): that is x86's layout, not ${arch}'s`;
  }
  // s390x: ZONE_DMA is the first 2 GiB (MAX_DMA_ADDRESS, arch/s390/include/asm/dma.h), no DMA32;
  // no modelled arch puts a DMA zone at address 0 that ends at 2 GiB with RAM above and no DMA32
  const above = dma && p.zones.some((z) => z.nid === dma.nid && z.present && (z.startPfn ?? 0) >= end(dma));
  if (dma && dma.startPfn === 0 && end(dma) === 0x80000 && above && !p.zoneNames.includes('DMA32')) {
    return "its DMA zone is the first 2 GiB from address 0 with memory above and no DMA32 zone: that is s390x's layout";
  }
  // 32-bit arm: lowmem (DMA, Normal) is what fits below the kernel's virtual split, at most 3 GiB (VMSPLIT_1G)
  const lowmem = p.zones.filter((z) => z.zone === 'DMA' || z.zone === 'Normal').reduce((s, z) => s + (z.spanned ?? 0), 0);
  if (arch === 'arm' && lowmem > 0xc0000) return `its DMA and Normal zones span ${lowmem} pages, more than 32-bit arm's lowmem can (3 GiB at most)`;
  const maxCpu = Math.max(-1, ...p.zones.flatMap((z) => z.pagesets.map((s) => s.cpu)));
  if (maxCpu >= MAX_CPUS[arch]) return `it lists cpu ${maxCpu}, but ${arch} kernels have at most ${MAX_CPUS[arch]} CPUs (NR_CPUS)`;
  return null;
}

/** Refuse a dump the chosen arch cannot have printed, naming the arches that could. */
export function checkZoneinfoArch(p: ParsedZoneinfo, arch: Arch): void {
  const why = archObjection(p, arch);
  if (why === null) return;
  const fits = (['arm64', 'arm', 'x86_64'] as const).filter((a) => a !== arch && archObjection(p, a) === null);
  refuse(why, fits.length
    ? `it matches the ${fits.flatMap((a) => [`${a} 6.1`, `${a} 5.10`]).join(', ')} profiles`
    : 'it is not from an architecture mmbook models (arm64, arm, x86_64)');
}

/** Pageblock order from a pagetypeinfo of the same machine against the profile's. */
export function checkPageblockOrder(order: number, profileOrder: number, arch: Arch): void {
  if (order === profileOrder) return;
  const why = order === 8 ? ' (s390x or ppc64 huge pages)' : order > 10 ? ' (16 or 64 KiB pages)' : '';
  refuse(`the pagetypeinfo has page block order ${order}${why}, but the ${arch} profile has ${profileOrder}`, 'mmbook models 4 KiB pages on arm64, arm and x86_64');
}
