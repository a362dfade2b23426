/**
 * Which kernel's zoneinfo_show_print (mm/vmstat.c) printed a dump, from the lines it has.
 * What each version printed (read in the kernel sources of those versions):
 * - 3.0–3.7: pages free, min, low, high, scanned, spanned, present (no managed); the zone stats
 *   indented by 4 ("\n    %-12s %lu"), then protection after them; pagesets; then
 *   all_unreclaimable, start_pfn, inactive_ratio. Only populated zones are printed.
 * - 3.8–4.7: the same with "managed" after present (zone->managed_pages, added in 3.8).
 * - 4.8–4.11: node-based LRU: "per-node stats" in the node's first populated zone, stats indented
 *   by 6, "node_scanned" (4.8) in place of scanned, node_unreclaimable, node_inactive_ratio.
 * - 4.12–5.11: every zone printed, populated or not; protection right after managed, before the
 *   stats. This is the 5.10 profile's layout.
 * - 5.12–5.15: a "cma" line after managed (zone->cma_pages, 5.12).
 * - 5.16–6.6: a "boost" line after pages free (zone->watermark_boost, 5.16). The 6.1 profile's layout.
 * - >= 6.7: pcp "high_min"/"high_max" (automatically tuned pcp high, 6.7); later 6.x also a
 *   "promo" watermark line after high.
 * Vendor kernels backport some of these: the name is the layout the lines fit, not a version claim.
 */
import { versionRules } from '../kernel-behaviour';
import { MmError } from '../errors';
import type { KernelVersion } from '../types';
import type { ParsedZoneinfoZone, ParseWarning } from './zoneinfo-parsed';

export interface ZoneinfoLayout {
  /** "3.0–3.7", "3.8–4.7", "4.8–4.11", "4.12–5.11", "5.12–5.15", "5.16–6.6", "≥6.7", "partial" */
  name: string;
  /** what told it apart, for messages */
  because: string;
  /** the profile that prints exactly this layout, if one does */
  profile: KernelVersion | null;
}

const has = (zones: ParsedZoneinfoZone[], f: (z: ParsedZoneinfoZone) => boolean): boolean => zones.some(f);

export function detectLayout(zones: ParsedZoneinfoZone[], perNodeStats: boolean): ZoneinfoLayout {
  const full = has(zones, (z) => z.statNames.length > 0 || z.hasPagesets);
  if (has(zones, (z) => z.pagesets.some((p) => p.highMin !== undefined)) || has(zones, (z) => z.promo !== undefined)) {
    return { name: '≥6.7', because: 'pcp high_min/high_max or a promo watermark line', profile: null };
  }
  if (has(zones, (z) => z.boost !== undefined)) return { name: '5.16–6.6', because: 'boost and cma lines', profile: '6.1' };
  if (has(zones, (z) => z.cma !== undefined)) return { name: '5.12–5.15', because: 'a cma line but no boost line', profile: null };
  if (!full) {
    return { name: 'partial', because: 'no zone stats or pagesets: the kernel version cannot be told', profile: null };
  }
  if (!has(zones, (z) => z.managed !== undefined)) return { name: '3.0–3.7', because: 'no managed line', profile: null };
  if (has(zones, (z) => z.scanned !== undefined && !z.lines.node_scanned)) {
    return { name: '3.8–4.7', because: 'a scanned line and no per-node stats', profile: null };
  }
  if (!perNodeStats) return { name: '3.8–4.7', because: 'no per-node stats', profile: null };
  if (has(zones, (z) => z.protectionAfterStats === true)) {
    return { name: '4.8–4.11', because: 'per-node stats, protection after the zone stats', profile: null };
  }
  return { name: '4.12–5.11', because: 'protection before the zone stats, no boost or cma lines', profile: '5.10' };
}

/** What the profile prints that this layout lacks, or prints differently. */
function differences(layout: ZoneinfoLayout, kernel: KernelVersion): string {
  if (layout.name === 'partial') return 'only the lines the dump has are printed';
  const out: string[] = [];
  const boostCma = versionRules(kernel).zoneinfoBoostCma;
  if (boostCma && !['5.16–6.6', '≥6.7'].includes(layout.name)) out.push('no boost line (taken as 0: the printed watermarks include any boost)');
  if (['3.0–3.7'].includes(layout.name)) out.push('no managed line (present is used, as those kernels did)');
  if (['3.0–3.7', '3.8–4.7'].includes(layout.name)) out.push('no per-node stats');
  if (layout.name === '≥6.7') out.push('pcp high_min/high_max and promo are not printed');
  if (!boostCma && ['5.12–5.15', '5.16–6.6', '≥6.7'].includes(layout.name)) out.push('its boost and cma lines are not printed (the 5.10 layout has none)');
  return out.length ? out.join('; ') : 'the lines it lacks are not printed';
}

/**
 * A dump whose layout is exactly the other profile's cannot be this profile's kernel: refused,
 * naming the profile it fits. Any other layout (older, newer, in between, partial) is imported
 * into the chosen profile with a ZONEINFO_LAYOUT warning saying what differs.
 */
export function checkZoneinfoLayout(layout: ZoneinfoLayout, kernel: KernelVersion): ParseWarning[] {
  if (layout.profile !== null && layout.profile !== kernel) {
    const what = versionRules(layout.profile).zoneinfoBoostCma ? 'with the boost and cma lines' : 'without the boost and cma lines';
    throw new MmError(
      'ZONEINFO_PROFILE_MISMATCH',
      `the zoneinfo has the ${layout.profile} layout (Linux ${layout.name}, ${what}), which a ${kernel} kernel does not print: choose the ${layout.profile} kernel profile`,
      'zoneinfo',
    );
  }
  if (layout.profile === kernel) return [];
  return [{
    code: 'ZONEINFO_LAYOUT',
    message: `the zoneinfo has the Linux ${layout.name} layout (${layout.because}); it is imported into the ${kernel} profile and printed in its layout: ${differences(layout, kernel)}`,
  }];
}
