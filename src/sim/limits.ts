/**
 * The largest machine mmbook boots, per arch: the kernel's own bounds (its physical address
 * width, COMMAND_LINE_SIZE, and the profile's CONFIG_NR_CPUS and MAX_NUMNODES) and the limit
 * mmbook states on top of them, because its page state costs memory and time in proportion to
 * the RAM it spans. The boot refuses a machine beyond them before it builds any per-page state
 * (checkMachineSize); the CLI and the workbench read the same numbers to bound their inputs.
 */
import { MmError } from './errors';
import type { Arch, KernelConfig } from './types';

const TiB = 2 ** 40;

/**
 * The physical address bits the kernel maps: arm64 PHYS_MASK_SHIFT (CONFIG_ARM64_PA_BITS=48 in
 * Debian's arm64 configs; arm64_memblock_init removes RAM above it), x86_64 MAX_PHYSMEM_BITS
 * with 4-level paging (46; Debian enables CONFIG_X86_5LEVEL, but QEMU's default CPU has no LA57),
 * arm PHYS_MASK_SHIFT of LPAE (40, arch/arm/include/asm/pgtable-3level-hwdef.h), else 32.
 */
export function physAddrBits(arch: Arch, config: Pick<KernelConfig, 'armLpae'>): number {
  if (arch === 'arm64') return 48;
  if (arch === 'x86_64') return 46;
  return config.armLpae ? 40 : 32;
}

/** COMMAND_LINE_SIZE (arch/{arm64,x86}/include/asm/setup.h: 2048; arch/arm/include/uapi/asm/setup.h: 1024), with its NUL. */
export const COMMAND_LINE_SIZE: Readonly<Record<Arch, number>> = { arm64: 2048, x86_64: 2048, arm: 1024 };

/**
 * mmbook's own limit on RAM, the same in the workbench and the CLI: 256 GiB, the sum of
 * memblock.memory once setup_arch has applied the firmware map and mem=. A booted machine keeps 9
 * bytes a page (src/sim/buddy/buddy.ts) and a running one 12 more (src/sim/run/run-state.ts), so a
 * 256 GiB machine holds about 600 MB booted and 1.4 GB while it runs: what a browser tab can hold.
 */
export const MAX_RAM_BYTES = 256 * 2 ** 30;
/**
 * The page state covers every pfn from the lowest RAM page to the highest, holes included: the
 * span may be at most twice the RAM limit (x86 moves 1 GiB or more above the 4 GiB PCI hole;
 * NUMA servers leave gaps between nodes).
 */
export const MAX_SPAN_BYTES = 2 * MAX_RAM_BYTES;
/** The buddy allocator's pfns stay below 2^31 (src/sim/buddy/buddy.ts MAX_PFN_LIMIT): RAM ends at 8 TiB. */
export const MAX_RAM_END = 8 * TiB;
/**
 * The largest input file mmbook reads (a DTB, e820 map, boot log, kernel config, zoneinfo,
 * memblock listing or topology). A DTB's totalsize is a u32 but real ones are kilobytes; the
 * largest real inputs are boot logs of many-CPU machines with memblock=debug, a few MiB.
 */
export const MAX_INPUT_BYTES = 64 * 2 ** 20;

export interface MachineLimits {
  arch: Arch;
  /** RAM (bytes) mmbook boots at most */
  maxRamBytes: number;
  /** lowest to highest RAM address (bytes) */
  maxSpanBytes: number;
  /** RAM must end at or below this address */
  maxRamEnd: number;
  /** the kernel's physical address bits (RAM above 2^bits is dropped or unreachable) */
  physAddrBits: number;
  /** MAX_NUMNODES of the profile (1 without CONFIG_NUMA) */
  maxNodes: number;
  /** CONFIG_NR_CPUS of the profile */
  maxCpus: number;
  /** COMMAND_LINE_SIZE: a command line keeps at most this many bytes minus one */
  commandLineSize: number;
}

/** The limits of a profile (arch plus its kernel config). */
export function machineLimits(arch: Arch, config: Pick<KernelConfig, 'armLpae' | 'numa' | 'nodesShift' | 'nrCpus'>): MachineLimits {
  const bits = physAddrBits(arch, config);
  return {
    arch,
    maxRamBytes: MAX_RAM_BYTES,
    maxSpanBytes: MAX_SPAN_BYTES,
    maxRamEnd: Math.min(MAX_RAM_END, 2 ** bits),
    physAddrBits: bits,
    maxNodes: config.numa ? 2 ** config.nodesShift : 1,
    maxCpus: config.nrCpus,
    commandLineSize: COMMAND_LINE_SIZE[arch],
  };
}

/**
 * A byte count for messages, in the largest binary unit that holds it exactly ("1 TiB",
 * "640 KiB", "1073741828 KiB (about 1.0 TiB)").
 */
export function fmtBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  if (n === 0) return '0 bytes';
  let exact = 0;
  while (exact < units.length - 1 && n % 2 ** (10 * (exact + 1)) === 0) exact++;
  let top = 0;
  while (top < units.length - 1 && n >= 2 ** (10 * (top + 1))) top++;
  const s = `${n / 2 ** (10 * exact)} ${units[exact]}`;
  return top > exact + 1 ? `${s} (about ${(n / 2 ** (10 * top)).toFixed(1)} ${units[top]})` : s;
}

/**
 * MACHINE_TOO_LARGE unless the RAM (memblock.memory once the arch has applied the firmware map
 * and mem=) is within mmbook's limits. Called by each arch's setup_arch before anything that
 * costs time or memory per page of RAM.
 */
export function checkMachineSize(memory: ReadonlyArray<{ base: number; size: number }>, limits: MachineLimits): void {
  let total = 0;
  let lo = Infinity;
  let hi = 0;
  for (const r of memory) {
    if (r.size <= 0) continue;
    total += r.size;
    lo = Math.min(lo, r.base);
    hi = Math.max(hi, r.base + r.size);
  }
  if (total === 0) return;
  const hint = 'describe a smaller machine, or boot it with mem=';
  if (total > limits.maxRamBytes) {
    throw new MmError('MACHINE_TOO_LARGE', `the machine has ${fmtBytes(total)} of RAM; mmbook boots at most ${fmtBytes(limits.maxRamBytes)} (its page state takes 9 bytes a page): ${hint}`, 'memblock.memory');
  }
  if (hi > limits.maxRamEnd) {
    throw new MmError('MACHINE_TOO_LARGE', `RAM ends at 0x${hi.toString(16)} (${fmtBytes(hi)}); mmbook boots RAM below ${fmtBytes(limits.maxRamEnd)} on ${limits.arch}: ${hint}`, 'memblock.memory');
  }
  if (hi - lo > limits.maxSpanBytes) {
    throw new MmError('MACHINE_TOO_LARGE', `RAM spans ${fmtBytes(hi - lo)} of physical address space ([0x${lo.toString(16)}, 0x${hi.toString(16)}), holes included); mmbook boots a span of at most ${fmtBytes(limits.maxSpanBytes)}: ${hint}`, 'memblock.memory');
  }
}
