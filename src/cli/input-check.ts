/**
 * Cross-checks between the --arch/--kernel profile and the files that came from a real machine,
 * which the simulator would otherwise replay into the wrong profile silently: a boot log's
 * "Linux version" banner (start_kernel's linux_banner, init/version.c) and the layout of a
 * pasted /proc/zoneinfo (zoneinfo_show_print, mm/vmstat.c: src/sim/format/zoneinfo-layout.ts).
 */
import { MmError } from '../sim/errors';
import { parseZoneinfo } from '../sim/format/zoneinfo-parse';
import { checkZoneinfoLayout } from '../sim/format/zoneinfo-layout';
import type { Arch, KernelVersion } from '../sim/types';

/** Debian's kernel flavours (the release suffix) and the arch they run on. */
const FLAVOUR_ARCH: Array<[RegExp, Arch]> = [[/-arm64\b/, 'arm64'], [/-amd64\b/, 'x86_64'], [/-armmp(-lpae)?\b/, 'arm']];

/** The release of the "Linux version X.Y.Z-…" banner, when the log has one. */
export function bannerRelease(log: string): string | null {
  return /Linux version (\d+\.\d+\S*)/.exec(log)?.[1] ?? null;
}

/** The boot log must not be of the other profile's kernel version, nor (a Debian flavour) of another arch. */
export function checkBootLogProfile(log: string, arch: Arch, kernel: KernelVersion): void {
  const release = bannerRelease(log);
  if (!release) return;
  const version = /^(\d+\.\d+)/.exec(release)![1];
  // another profile's log would replay its reservations into this one; other versions (5.15, …)
  // have no profile and are the user's approximation to make
  if ((version === '5.10' || version === '6.1') && version !== kernel) {
    throw new MmError('BOOTLOG_MISMATCH', `the boot log is of Linux ${release}, but --kernel is ${kernel}`, 'Linux version banner');
  }
  const flavour = FLAVOUR_ARCH.find(([re]) => re.test(release));
  if (flavour && flavour[1] !== arch) {
    throw new MmError('BOOTLOG_MISMATCH', `the boot log is of Linux ${release}, an ${flavour[1]} kernel, but --arch is ${arch}`, 'Linux version banner');
  }
}

/**
 * A zoneinfo whose layout is exactly the other profile's (a 5.10 dump under 6.1, or the reverse)
 * is refused; other layouts are warnings. The check lives in src/sim (checkZoneinfoLayout) so
 * that mm.boot runs it too; bootFromZoneinfo calls it, this is the CLI's name for it.
 */
export function checkZoneinfoProfile(text: string, kernel: KernelVersion): string[] {
  return checkZoneinfoLayout(parseZoneinfo(text).format, kernel).map((w) => `${w.code}: ${w.message}`);
}
