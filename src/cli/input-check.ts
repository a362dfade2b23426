/**
 * Cross-checks between the --arch/--kernel profile and the files that came from a real machine,
 * which the simulator would otherwise replay into the wrong profile silently: a boot log's
 * "Linux version" banner (start_kernel's linux_banner, init/version.c) and the layout of a
 * pasted /proc/zoneinfo (zoneinfo_show_print, mm/vmstat.c: src/sim/format/zoneinfo-layout.ts).
 */
import { checkZoneinfoLayout, parseZoneinfo, type KernelVersion } from '../sim/index';
export { bannerRelease, checkBootLogProfile } from '../sim/index';

/**
 * A zoneinfo whose layout is exactly the other profile's (a 5.10 dump under 6.1, or the reverse)
 * is refused; other layouts are warnings. The check lives in src/sim (checkZoneinfoLayout) so
 * that mm.boot runs it too; bootFromZoneinfo calls it, this is the CLI's name for it.
 */
export function checkZoneinfoProfile(text: string, kernel: KernelVersion): string[] {
  return checkZoneinfoLayout(parseZoneinfo(text).format, kernel).map((w) => `${w.code}: ${w.message}`);
}
