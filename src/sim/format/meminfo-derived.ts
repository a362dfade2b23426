/**
 * meminfo values that are not counters but follow from the machine and its build:
 * CommitLimit (vm_commit_limit) and VmallocTotal (VMALLOC_END - VMALLOC_START).
 * A value pasted from a real machine (v.counters) wins, so imported text prints back as it was.
 */
import { versionRules } from '../kernel-behaviour';
import type { MachineView } from '../view';

const PAGE_SHIFT = 12n;
const SZ_1M = 1n << 20n;
/** sysctl_overcommit_ratio's default (mm/util.c), with sysctl_overcommit_kbytes = 0 */
const OVERCOMMIT_RATIO = 50;

/** vm_commit_limit (mm/util.c): (totalram - hugetlb) * overcommit_ratio / 100 + total_swap_pages, in pages. */
export function vmCommitLimit(v: MachineView): number {
  const hugetlbPages = Math.floor((v.counters.Hugetlb ?? 0) / 4); // hugetlb_total_pages()
  const swapPages = Math.floor((v.counters.SwapTotal ?? 0) / 4); // total_swap_pages
  return Math.floor(((v.totalram - hugetlbPages) * OVERCOMMIT_RATIO) / 100) + swapPages;
}

/** 2^64 - x: the kernel's negative unsigned long constants. */
const neg = (x: bigint): bigint => (1n << 64n) - x;

/**
 * VMALLOC_TOTAL in bytes for arm64 with 4K pages, VA_BITS = 48 and no KASAN (Debian's configs):
 * arch/arm64/include/asm/memory.h and pgtable.h of each version.
 */
function arm64VmallocTotal(kernel: MachineView['kernel']): bigint {
  const VA_BITS = 48n;
  const PAGE_END = neg(1n << (VA_BITS - 1n)); // _PAGE_END(VA_BITS_MIN)
  const STRUCT_PAGE_MAX_SHIFT = 6n;
  const VMEMMAP_SIZE = (1n << (VA_BITS - 1n)) >> (PAGE_SHIFT - STRUCT_PAGE_MAX_SHIFT);
  if (versionRules(kernel).arm64BpfJitRegion) {
    // MODULES_VADDR = BPF_JIT_REGION_END = _PAGE_END + SZ_128M; VMALLOC_START = MODULES_END
    const VMALLOC_START = PAGE_END + 128n * SZ_1M + 128n * SZ_1M;
    const VMALLOC_END = neg((1n << 30n) + VMEMMAP_SIZE + (64n << 10n)); // - PUD_SIZE - VMEMMAP_SIZE - SZ_64K
    return VMALLOC_END - VMALLOC_START;
  }
  // 6.1: VMALLOC_START = MODULES_END = _PAGE_END + SZ_128M; VMALLOC_END = VMEMMAP_START - SZ_256M
  const VMEMMAP_START = neg(1n << (VA_BITS - (PAGE_SHIFT - STRUCT_PAGE_MAX_SHIFT)));
  return VMEMMAP_START - 256n * SZ_1M - (PAGE_END + 128n * SZ_1M);
}

/**
 * VMALLOC_TOTAL on 32-bit arm (arch/arm/include/asm/pgtable.h): VMALLOC_END = 0xff800000 and
 * VMALLOC_START = high_memory rounded up past an 8 MiB VMALLOC_OFFSET gap, with high_memory
 * = PAGE_OFFSET (0xc0000000, VMSPLIT_3G) + the lowmem size (the end of the lowmem zones).
 */
function armVmallocTotal(v: MachineView): bigint {
  const VMALLOC_OFFSET = 8n * SZ_1M;
  const lowmem = v.nodes.flatMap((n) => n.zones).filter((z) => z.present > 0 && z.name !== 'HighMem' && z.name !== 'Movable');
  if (!lowmem.length) return 0n;
  const physPfn = Math.min(...lowmem.map((z) => z.startPfn));
  const lowEndPfn = Math.max(...lowmem.map((z) => z.startPfn + z.spanned));
  const highMemory = 0xc0000000n + (BigInt(lowEndPfn - physPfn) << PAGE_SHIFT);
  const start = (highMemory + VMALLOC_OFFSET) & ~(VMALLOC_OFFSET - 1n);
  const end = 0xff800000n;
  return end > start ? end - start : 0n;
}

/** (unsigned long)VMALLOC_TOTAL >> 10, as meminfo_proc_show prints it. */
export function vmallocTotalKb(v: MachineView): number {
  let bytes: bigint;
  if (v.arch === 'x86_64') bytes = (32n << 40n) - 1n; // VMALLOC_SIZE_TB = 32 (4-level paging); VMALLOC_END is inclusive
  else if (v.arch === 'arm64') bytes = arm64VmallocTotal(v.kernel);
  else bytes = armVmallocTotal(v);
  return Number(bytes >> 10n);
}
