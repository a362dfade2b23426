/**
 * Facts about the Debian kernel *builds* that the profiles pin, which no device tree or e820 map
 * can tell: where the image sits and how big it is, what paging_init gives back, the per-cpu unit
 * size, and the sizes of the `__init` and other late frees. They are properties of the kernel
 * binary (like sizeof(struct page)), read off the oracle boot logs of those exact builds
 * (`memblock_reserve` of `_stext.._end`, "percpu: Embedded … u<unit>", "Freeing unused kernel
 * memory: NK"). A --boot-log replaces all of them with the real machine's values.
 */
import type { Arch, KernelVersion } from '../types';

export interface LateFree {
  /** the dmesg text after "Freeing " and before ": NK" */
  what: string;
  kb: number;
  /** true when the free happens before the postcore initcalls (so watermarks see it) */
  beforeInitcalls: boolean;
}

export interface KernelBuild {
  /** offset of the reserved kernel image (_stext or _text) from the start of DRAM, with nokaslr */
  imageOffset: number;
  /** bytes memblock_reserve'd for the image */
  imageSize: number;
  /** bytes at the end of that reservation that paging_init hands back (init_pg_dir) */
  pagingInitFree: number;
  /** arm32: swapper_pg_dir reservation (offset from DRAM start, size) */
  swapperPgDir?: { offset: number; size: number };
  /** per-cpu first chunk unit size (bytes, per CPU) */
  pcpuUnitSize: number;
  /** bytes of each unit the first chunk uses ("Embedded N pages/cpu"); the rest of the unit is freed */
  pcpuUsed?: number;
  /** late frees of init memory, in boot order */
  lateFrees: LateFree[];
  /** x86: extra fixed early reservations below 1 MiB and around the image (base, size) */
  fixed?: Array<{ base: number; size: number }>;
}

const KB = 1024;

const BUILDS: Record<string, KernelBuild> = {
  // Debian 6.1.0-50-arm64 (6.1.176-1): memblock_reserve [0x40210000-0x4220ffff], paging_init frees 0x5000.
  'arm64/6.1': {
    imageOffset: 0x210000,
    imageSize: 0x2000000,
    pagingInitFree: 0x5000,
    pcpuUnitSize: 126976,
    lateFrees: [{ what: 'unused kernel memory', kb: 6464, beforeInitcalls: false }],
  },
  // Debian 5.10.0-32-arm64 (5.10.223-1): memblock_reserve [0x40200000-0x41ccffff], paging_init frees 0x5000 at end-0x8000.
  'arm64/5.10': {
    imageOffset: 0x200000,
    imageSize: 0x1ad0000,
    pagingInitFree: 0x5000,
    pcpuUnitSize: 135168,
    lateFrees: [{ what: 'unused kernel memory', kb: 5440, beforeInitcalls: false }],
  },
  // Debian 6.1.0-50-armmp-lpae: memblock_reserve [0x40400000-0x4180d287], swapper_pg_dir [0x40203000-0x40207fff].
  'arm/6.1': {
    imageOffset: 0x400000,
    imageSize: 0x140d288,
    pagingInitFree: 0,
    swapperPgDir: { offset: 0x203000, size: 0x5000 },
    pcpuUnitSize: 77824,
    lateFrees: [{ what: 'unused kernel image (initmem) memory', kb: 2048, beforeInitcalls: false }],
  },
  // Debian 6.1.0-50-amd64: image [0x1000000-0x4410fff] (text..brk), plus the x86 late frees.
  'x86_64/6.1': {
    imageOffset: 0x1000000,
    imageSize: 0x3411000,
    pagingInitFree: 0,
    pcpuUnitSize: 2097152,
    pcpuUsed: 62 * 4096,
    lateFrees: [
      { what: 'SMP alternatives memory', kb: 36, beforeInitcalls: true },
      { what: 'unused decrypted memory', kb: 2036, beforeInitcalls: false },
      { what: 'unused kernel image (initmem) memory', kb: 2820, beforeInitcalls: false },
      { what: 'unused kernel image (text/rodata gap) memory', kb: 2040, beforeInitcalls: false },
      { what: 'unused kernel image (rodata/data gap) memory', kb: 1124, beforeInitcalls: false },
    ],
  },
  // Debian 5.10.0-32-amd64: image [0x1000000-0x400cfff].
  'x86_64/5.10': {
    imageOffset: 0x1000000,
    imageSize: 0x300d000,
    pagingInitFree: 0,
    pcpuUnitSize: 2097152,
    pcpuUsed: 63 * 4096,
    lateFrees: [
      { what: 'SMP alternatives memory', kb: 32, beforeInitcalls: true },
      { what: 'unused decrypted memory', kb: 2036, beforeInitcalls: false },
      { what: 'unused kernel image (initmem) memory', kb: 2676, beforeInitcalls: false },
      { what: 'unused kernel image (text/rodata gap) memory', kb: 2040, beforeInitcalls: false },
      { what: 'unused kernel image (rodata/data gap) memory', kb: 560, beforeInitcalls: false },
    ],
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
