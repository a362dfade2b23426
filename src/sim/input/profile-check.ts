/**
 * Cross-checks between the arch/kernel profile and the files that came from a real machine, which
 * the simulator would otherwise replay into the wrong profile silently: a boot log's "Linux
 * version" banner (start_kernel's linux_banner, init/version.c) and a kernel .config's arch
 * options and header. bootMachine and makeProfile run them, so notebooks (mm.boot) and the CLI
 * refuse the same inputs. (A pasted /proc/zoneinfo is checked by checkZoneinfoLayout,
 * src/sim/format/zoneinfo-layout.ts.)
 */
import { MmError } from '../errors';
import { isKernelVersion } from '../kernel-behaviour';
import type { Arch, KernelVersion } from '../types';
import { kconfigArch, kconfigVersion, readKconfigValues } from './kconfig';

/** Debian's kernel flavours (the release suffix) and the arch they run on. */
const FLAVOUR_ARCH: Array<[RegExp, Arch]> = [[/-arm64\b/, 'arm64'], [/-amd64\b/, 'x86_64'], [/-armmp(-lpae)?\b/, 'arm']];

/** The release of the "Linux version X.Y.Z-…" banner, when the log has one. */
export function bannerRelease(log: string): string | null {
  return /Linux version (\d+\.\d+\S*)/.exec(log)?.[1] ?? null;
}

/**
 * The boot log must not be of the other profile's kernel version, nor (a Debian flavour) of another
 * arch. Other versions (5.15, …) have no profile and are the user's approximation to make.
 */
export function checkBootLogProfile(log: string, arch: Arch, kernel: KernelVersion): void {
  const release = bannerRelease(log);
  if (!release) return;
  const version = /^(\d+\.\d+)/.exec(release)![1];
  if (isKernelVersion(version) && version !== kernel) {
    throw new MmError('BOOTLOG_MISMATCH', `the boot log is of Linux ${release}, but the kernel profile is ${kernel}`, 'Linux version banner');
  }
  const flavour = FLAVOUR_ARCH.find(([re]) => re.test(release));
  if (flavour && flavour[1] !== arch) {
    throw new MmError('BOOTLOG_MISMATCH', `the boot log is of Linux ${release}, an ${flavour[1]} kernel, but the arch is ${arch}`, 'Linux version banner');
  }
}

/**
 * A kernel .config made for another architecture or kernel than the profile would graft, say,
 * amd64's ZONE_DEVICE onto an arm64 boot: refuse it (CONFIG_ARM64 / CONFIG_X86_64 / CONFIG_ARM and
 * the "# Linux/<arch> X.Y.Z Kernel Configuration" header).
 */
export function checkKconfigProfile(text: string, arch: Arch, kernel: KernelVersion, name = '.config'): void {
  const made = kconfigArch(readKconfigValues(text, name));
  if (made && made !== arch) {
    throw new MmError('KCONFIG_MISMATCH', `this is an ${made} kernel config (CONFIG_${made === 'x86_64' ? 'X86_64' : made === 'arm64' ? 'ARM64' : 'ARM'}=y), but the arch is ${arch}`);
  }
  const version = kconfigVersion(text);
  if (version && version !== kernel) {
    throw new MmError('KCONFIG_MISMATCH', `this is a ${version} kernel config, but the kernel profile is ${kernel}`);
  }
}
