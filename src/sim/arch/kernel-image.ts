/**
 * The kernel image must sit in RAM. The bootloader loads it at a fixed place (arm64 and arm: an
 * offset from the start of DRAM; x86_64: 16 MiB, with nokaslr), and setup_arch reserves it there
 * without asking whether RAM exists: a firmware map whose RAM does not hold it is a machine that
 * cannot boot this kernel. The kernel repairs its map only where the RAM is known to be there:
 * x86 e820_add_kernel_range re-adds the image after mem= or a mislabelled map, arm64
 * arm64_memblock_init re-adds it after mem=; those are modelled where they happen.
 */
import { MmError } from '../errors';
import { fmtBytes } from '../limits';
import type { Arch, KernelVersion } from '../types';
import { kernelBuild } from './kernel-build';

export interface Range { base: number; size: number }

/** Whether [base, base+size) is covered by the union of `ram` (e820__mapped_all, arch/x86/kernel/e820.c, on sorted ranges). */
export function coveredBy(ram: readonly Range[], base: number, size: number): boolean {
  let start = base;
  const end = base + size;
  for (const r of [...ram].sort((a, b) => a.base - b.base)) {
    if (r.size <= 0 || r.base >= end || r.base + r.size <= start) continue;
    if (r.base <= start) start = r.base + r.size;
    if (start >= end) return true;
  }
  return start >= end;
}

/** RAM bytes from the start of DRAM (arm64, arm) or from 0 (x86_64) that the image needs to fit. */
export function imageEnd(arch: Arch, kernel: KernelVersion): number {
  const b = kernelBuild(arch, kernel);
  return b.imageOffset + b.imageSize;
}

const hex = (n: number) => '0x' + n.toString(16);

/**
 * KERNEL_IMAGE_OUTSIDE_RAM unless `ram` holds the image [base, base+size). `cause` says whose RAM
 * it is: the firmware's map, or what mem= left.
 */
export function checkKernelImageInRam(ram: readonly Range[], image: Range, arch: Arch, kernel: KernelVersion, cause: 'firmware' | 'mem='): void {
  if (coveredBy(ram, image.base, image.size)) return;
  const listed = ram.filter((r) => r.size > 0);
  const shown = listed.slice(0, 4).map((r) => `[${hex(r.base)}, ${hex(r.base + r.size)})`).join(', ') + (listed.length > 4 ? ', …' : '');
  const ramStart = listed.length ? Math.min(...listed.map((r) => r.base)) : 0;
  const need = arch === 'x86_64' ? '' : `; it needs at least ${Math.ceil((image.base + image.size - ramStart) / 2 ** 20)} MiB of RAM from the start of DRAM`;
  const whose = cause === 'mem=' ? 'the RAM mem= leaves' : 'the RAM the firmware describes';
  throw new MmError(
    'KERNEL_IMAGE_OUTSIDE_RAM',
    `the ${kernel} ${arch} kernel image [${hex(image.base)}, ${hex(image.base + image.size)}) (${fmtBytes(image.size)}) does not fit in ${whose} (${shown || 'none'})${need}: no bootloader can load it there`,
    cause === 'mem=' ? 'mem=' : 'memory map',
  );
}
