/**
 * The imported machine's tunables hold the running machine's own derived values: the kernel
 * computed its watermarks, lowmem_reserve and pcp sizes at boot (before the initrd and init
 * memory were freed) or at its last sysctl write, and they stay until the next write. mmbook's
 * recomputation from the final managed differs by 2–14 % on real machines, so the dump's values
 * are kept: _watermark[] = printed - boost, watermark_boost, lowmem_reserve[], the first CPU's
 * pcp high/batch and stat threshold. A later writeSysctl recomputes what the kernel's handler
 * recomputes from the managed of that moment, exactly as on the real machine.
 * Values the dump lacks keep mmbook's recomputation; min_free_kbytes and watermark_scale_factor
 * are the inferred ones (zoneinfo-infer.ts), which the next write's recomputation uses.
 */
import { versionRules } from '../kernel-behaviour';
import { calculateTotalreservePages, cloneState, type TunableState } from '../tunables';
import type { ParsedZoneinfoZone } from '../format/zoneinfo-parse';

export interface SeedResult {
  tunables: TunableState;
  /** ZONEINFO_* warnings about values the dump had that could not be kept */
  warnings: string[];
}

export function seedFromDump(recomputed: TunableState, dumpZones: Array<ParsedZoneinfoZone | undefined>, minFreeKbytes: number, watermarkScaleFactor: number): SeedResult {
  const d = cloneState(recomputed);
  const warnings: string[] = [];
  const badProtection: string[] = [];
  d.zones.forEach((z, i) => {
    const dz = dumpZones[i];
    if (!dz) return;
    const where = `node ${dz.nid} zone ${dz.zone} (line ${dz.line})`;
    if (dz.min !== undefined && dz.low !== undefined && dz.high !== undefined) {
      let boost = dz.boost ?? 0;
      if (boost > dz.min) {
        warnings.push(`ZONEINFO_BAD_BOOST: ${where} prints boost ${boost} above its min ${dz.min}, which the kernel's min = _watermark + boost cannot give; boost is taken as 0`);
        boost = 0;
      }
      z.boost = boost;
      z.wmark.min = dz.min - boost;
      z.wmark.low = dz.low - boost;
      z.wmark.high = dz.high - boost;
      const dist = z.wmark.high - z.wmark.low;
      // WMARK_PROMO (5.18+) = high + dist; >= 6.x prints it
      z.wmark.promo = versionRules(d.kernel).promoWatermark ? (dz.promo !== undefined ? dz.promo - boost : z.wmark.high + dist) : 0;
    }
    if (dz.protection !== undefined) {
      if (dz.protection.length === d.nrZoneTypes) z.lowmemReserve = [...dz.protection];
      else badProtection.push(`${dz.zone} (line ${dz.line}: ${dz.protection.length})`);
    }
    const cpu = dz.pagesets.find((p) => p.high !== undefined && p.batch !== undefined);
    if (cpu) {
      z.pcpHigh = cpu.high!;
      z.pcpBatch = cpu.batch!;
    }
    const th = dz.pagesets.find((p) => p.statThreshold !== undefined);
    if (th) z.statThreshold = th.statThreshold;
  });
  if (badProtection.length > 0) {
    warnings.push(`ZONEINFO_PROTECTION: the dump's protection tuples have another number of entries than the machine's ${d.nrZoneTypes} zone types (${badProtection.join(', ')}): its kernel had other zones configured; mmbook's own lowmem_reserve is printed`);
  }
  d.minFreeKbytes = minFreeKbytes;
  d.watermarkScaleFactor = watermarkScaleFactor;
  // calculate_totalreserve_pages of the kept values, as the kernel last computed it
  return { tunables: calculateTotalreservePages(d), warnings };
}
