/**
 * Huge page sizes (struct hstate) per arch, as the profiles' kernels register them, with 4 KiB
 * pages:
 * - arm64 (arch/arm64/mm/hugetlbpage.c, arch_hugetlb_valid_size and hugetlbpage_init, an
 *   arch_initcall): PUD 1 GiB (order 18), CONT_PMD 32 MiB (13), PMD 2 MiB (9), CONT_PTE 64 KiB (4),
 *   registered in that order, 5.10 and 6.1 alike (6.1 asks pud_sect_supported(), true with 4K
 *   pages and four levels);
 * - x86_64 (arch/x86/mm/hugetlbpage.c): 2 MiB, and 1 GiB only with X86_FEATURE_GBPAGES, which the
 *   QEMU CPU of the oracle machines lacks (their logs register 2 MiB alone): mmbook's x86 CPU has
 *   no GBPAGES;
 * - arm with LPAE (the generic arch_hugetlb_valid_size): HPAGE_SIZE = PMD_SIZE = 2 MiB.
 * hugetlb_init adds HUGETLB_PAGE_ORDER (9, 2 MiB) when missing; hstates the command line creates
 * (hugepagesz=, default_hugepagesz=) come before the arch ones.
 */
import type { VersionRules } from '../kernel-behaviour';
import type { Arch } from '../types';

/** HUGETLB_PAGE_ORDER = HPAGE_SHIFT − PAGE_SHIFT: 2 MiB on every profile */
export const HUGETLB_PAGE_ORDER = 9;

/** The orders hugetlbpage_init / gigantic_pages_init register, in order (arch_initcall). */
export function archHstateOrders(arch: Arch): number[] {
  if (arch === 'arm64') return [18, 13, 9, 4];
  return [];
}

/** arch_hugetlb_valid_size: is a huge page of `bytes` supported? */
export function archHugetlbValidSize(arch: Arch, bytes: number): boolean {
  if (arch === 'arm64') return bytes === 2 ** 30 || bytes === 2 ** 25 || bytes === 2 ** 21 || bytes === 2 ** 16;
  return bytes === 2 ** 21;
}

/** hstate_is_gigantic: order ≥ MAX_ORDER (allocated with alloc_contig_range or from memblock, not the buddy) */
export function isGigantic(order: number, maxOrder: number): boolean {
  return order >= maxOrder;
}

/** huge_page_size(h) / 1024: the kB of hugepages-<kB>kB and of meminfo */
export function hstateKb(order: number): number {
  return 4 * 2 ** order;
}

/**
 * string_get_size(size, 1, STRING_UNITS_2) for the power-of-two sizes of huge pages: three
 * significant digits ("64.0 KiB", "2.00 MiB", "32.0 MiB", "1.00 GiB", "512 MiB").
 */
export function stringGetSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let k = 0;
  let v = bytes;
  while (v >= 1024 && k < units.length - 1) {
    v /= 1024;
    k++;
  }
  if (k === 0) return `${v} B`;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  // the kernel truncates rather than rounds; huge page sizes are exact powers of two
  const s = (Math.floor(v * 10 ** digits) / 10 ** digits).toFixed(digits);
  return `${s} ${units[k]}`;
}

/**
 * hugetlb_vmemmap_optimizable_size(h) in KiB, the "vmemmap can be freed" line (6.1): the struct
 * pages of a huge page minus the one page HugeTLB Vmemmap Optimization keeps, on kernels built with
 * CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP (Debian amd64); 0 where it is not (Debian arm64 and armmp).
 */
export function vmemmapFreeableKb(arch: Arch, order: number, structPageSize: number): number {
  if (arch !== 'x86_64') return 0;
  return Math.floor((2 ** order * structPageSize - 4096) / 1024);
}

/** report_hugepages (mm/hugetlb.c): one line per hstate, and 6.1's vmemmap line. */
export function reportHugepages(rules: Pick<VersionRules, 'hugetlb'>, arch: Arch, order: number, preallocated: number, structPageSize: number): string[] {
  const size = stringGetSize(4096 * 2 ** order);
  if (!rules.hugetlb.reportVmemmap) return [`HugeTLB registered ${size} page size, pre-allocated ${preallocated} pages`];
  return [`HugeTLB: registered ${size} page size, pre-allocated ${preallocated} pages`, `HugeTLB: ${vmemmapFreeableKb(arch, order, structPageSize)} KiB vmemmap can be freed for a ${size} page`];
}
