/**
 * The tunables of a real report's machine (for explain-report.ts's tuning search): the zones with
 * their managed pages (those the report leaves out estimated from lowmem_reserve[] and "pages RAM"),
 * lowmem_reserve_ratio, min_free_kbytes and watermark_scale_factor inferred from the printed
 * reserves and watermarks, through the tunables calculator's own arithmetic.
 */
import { defaultKernelConfig } from '../input/profiles';
import { versionRules } from '../kernel-behaviour';
import { cloneState, makeTunableState, writeSysctl, type TunableState } from '../tunables';
import { setupPerZoneWmarksCoreMut } from '../tunables/watermarks';
import { multFrac } from '../tunables/int-math';
import type { Arch, KernelVersion, ZoneName } from '../types';
import type { ParsedAllocFailure, ParsedZone } from '../input/alloc-failure-parse';

const CANONICAL: readonly ZoneName[] = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'];
const field = (z: ParsedZone, k: string): number | undefined => z.fields[k];

/** The tunables state of the report's machine, for the tuning search; null when it cannot be built. */
export function reportTunables(rep: ParsedAllocFailure, kernel: KernelVersion, arch: Arch, names: ZoneName[], pageKb: number, inferred: string[]): { t: TunableState; approx: boolean } | null {
  if (pageKb !== 4) {
    inferred.push(`no tuning search: the tunables calculator models 4 KiB pages, this kernel uses ${pageKb} KiB`);
    return null;
  }
  const cfg = defaultKernelConfig(arch, kernel);
  const nids = [...new Set(rep.zones.map((z) => z.nid ?? 0))].sort((a, b) => a - b);
  const pages = (kb: number | undefined) => Math.floor((kb ?? 0) / pageKb);
  // zones 6.1 leaves out (above the request's zone): managed from the lowmem_reserve steps of a lower zone (default ratio)
  const est: string[] = [];
  const zones = nids.flatMap((nid) =>
    names.map((name, idx) => {
      const z = rep.zones.find((zz) => (zz.nid ?? 0) === nid && zz.name === name);
      if (z) return { nid, idx, name, managed: pages(field(z, 'managed')), present: Math.max(pages(field(z, 'present')), pages(field(z, 'managed'))), highmem: name === 'HighMem' };
      let managed = 0;
      const low = rep.zones.filter((zz) => (zz.nid ?? 0) === nid && names.indexOf(zz.name as ZoneName) < idx && zz.lowmemReserve && (field(zz, 'managed') ?? 0) > 0);
      for (const l of low) {
        const li = names.indexOf(l.name as ZoneName);
        const ratio = [256, 256, 32, 0, 0, 0][CANONICAL.indexOf(l.name as ZoneName)] ?? 0;
        const r = l.lowmemReserve!;
        const step = (r[idx] ?? 0) - (r[idx - 1] ?? 0);
        if (ratio && step > 0 && li < idx) {
          managed = step * ratio;
          est.push(`${name} ≈ ${managed} pages`);
          break;
        }
      }
      return { nid, idx, name, managed, present: managed, highmem: name === 'HighMem' };
    }),
  );
  let estimated = est.length > 0;
  if (est.length) inferred.push(`managed pages of zones the report leaves out, from lowmem_reserve[] with the default ratio: ${est.join(', ')}`);
  // memory the report does not show at all (6.1 leaves out nodes without a zone up to the request's):
  // "pages RAM" counts every populated zone, "pages HighMem/MovableOnly" the highmem ones, "pages reserved" present − managed
  const ram = rep.totals.pagesRam;
  const shownPresent = zones.reduce((a, z) => a + z.present, 0);
  if (ram !== undefined && ram > shownPresent) {
    const shownHigh = zones.filter((z) => z.highmem).reduce((a, z) => a + z.present, 0);
    const highMissing = Math.max(0, Math.min(ram - shownPresent, (rep.totals.pagesHighmem ?? 0) - shownHigh));
    const shownReserved = rep.zones.reduce((a, z) => a + Math.max(0, pages(field(z, 'present')) - pages(field(z, 'managed'))), 0);
    const reservedMissing = Math.max(0, (rep.totals.pagesReserved ?? 0) - shownReserved);
    const lowMissing = ram - shownPresent - highMissing;
    const lowManaged = Math.max(0, lowMissing - reservedMissing);
    const extra = Math.max(...nids) + 1;
    const lowName: ZoneName = names.includes('Normal') ? 'Normal' : names[0]!;
    for (const name of names) {
      const idx = names.indexOf(name);
      const managed = name === lowName ? lowManaged : name === 'HighMem' ? highMissing : 0;
      const present = name === lowName ? lowMissing : name === 'HighMem' ? highMissing : 0;
      zones.push({ nid: extra, idx, name, managed, present, highmem: name === 'HighMem' });
    }
    estimated = true;
    inferred.push(`memory the report leaves out ("pages RAM" ${ram} − the zones shown ${shownPresent}): ≈ ${lowManaged} managed lowmem pages${highMissing ? ` and ${highMissing} highmem pages` : ''}, counted in the watermark computation as a node of their own`);
  }
  let t = makeTunableState({ kernel, pageblockOrder: cfg.pageblockOrder, zoneNames: names, zones, cpusPerNode: Array.from({ length: Math.max(...zones.map((z) => z.nid)) + 1 }, () => 1), thpEnabled: false });
  for (const tz of t.zones) {
    const z = rep.zones.find((zz) => (zz.nid ?? 0) === tz.nid && zz.name === tz.name);
    if (z) tz.boost = pages(field(z, 'boost'));
  }
  // lowmem_reserve_ratio: per zone type, a value that reproduces the printed reserve (the default when it does)
  const ratios = [...t.lowmemReserveRatio];
  for (let i = 0; i < names.length; i++) {
    const z = rep.zones.find((zz) => zz.name === names[i] && zz.lowmemReserve && (field(zz, 'managed') ?? 0) > 0);
    if (!z) continue;
    const tzs = t.zones.filter((tz) => tz.nid === (z.nid ?? 0));
    let S = 0;
    let best: { S: number; R: number } | null = null;
    for (let j = i + 1; j < names.length; j++) {
      S += tzs.find((tz) => tz.idx === j)?.managed ?? 0;
      if (S > 0) best = { S, R: z.lowmemReserve![j] ?? 0 };
    }
    if (!best) continue;
    const def = ratios[i]!;
    const { S: s, R } = best;
    if (R > 0) {
      const lo = Math.floor(s / (R + 1)) + 1;
      const hi = Math.floor(s / R);
      if (!(def >= lo && def <= hi) && hi >= 1) ratios[i] = hi;
    } else if (def && def <= s) ratios[i] = 0;
  }
  if (ratios.join() !== t.lowmemReserveRatio.join()) inferred.push(`lowmem_reserve_ratio ≈ ${ratios.join(' ')} (the printed reserves are not the default ${t.lowmemReserveRatio.join(' ')})`);
  t = writeSysctl(t, 'vm.lowmem_reserve_ratio', ratios);
  // min_free_kbytes: the value whose setup_per_zone_wmarks gives the printed min of every lowmem zone (min − boost);
  // a lowmem zone gets pages_min × managed / lowmem_pages, so the printed zones' sum is scaled up by the memory not shown
  const lowmem = rep.zones.filter((z) => z.name !== 'HighMem' && z.name !== 'Movable');
  const sumMin = lowmem.reduce((a, z) => a + pages(field(z, 'min')) - pages(field(z, 'boost')), 0);
  const lowAll = t.zones.filter((z) => !z.highmem).reduce((a, z) => a + z.managed, 0);
  const lowShown = lowmem.reduce((a, z) => a + pages(field(z, 'managed')), 0);
  const scale = lowShown > 0 ? lowAll / lowShown : 1;
  const p0 = Math.round(sumMin * scale);
  const scratch = cloneState(t);
  const reproduces = (p: number): boolean => {
    scratch.minFreeKbytes = 4 * p;
    setupPerZoneWmarksCoreMut(scratch);
    return lowmem.every((z) => scratch.zones.find((tz) => tz.nid === (z.nid ?? 0) && tz.name === z.name)?.wmark.min === pages(field(z, 'min')) - pages(field(z, 'boost')));
  };
  const w = Math.min(20000, Math.ceil(scale * (lowmem.length + 2)) + 2);
  let minFree = 4 * p0;
  let exact = false;
  for (let d = 0; d <= w && !exact; d++) {
    for (const p of d ? [p0 + d, p0 - d] : [p0]) {
      if (p >= 0 && reproduces(p)) {
        minFree = 4 * p;
        exact = true;
        break;
      }
    }
  }
  // watermark_scale_factor: the factor whose dist (low − min) matches the largest lowmem zone, the default when it does
  const big = [...lowmem].sort((a, b) => (field(b, 'managed') ?? 0) - (field(a, 'managed') ?? 0))[0];
  let wsf = 10;
  if (big && field(big, 'low') !== undefined) {
    const managed = pages(field(big, 'managed'));
    const dist = pages(field(big, 'low')) - pages(field(big, 'min'));
    const tmpq = Math.floor((pages(field(big, 'min')) - pages(field(big, 'boost'))) / 4);
    const fits = (f: number) => Math.max(tmpq, multFrac(managed, f, 10000)) === dist;
    if (!fits(10)) {
      for (let f = 1; f <= versionRules(kernel).watermarkScaleFactorMax; f++) if (fits(f)) { wsf = f; break; }
    }
  }
  t = { ...t, minFreeKbytes: minFree, userMinFreeKbytes: minFree, watermarkScaleFactor: wsf };
  const found = exact;
  if (estimated) exact = false;
  inferred.push(`vm.min_free_kbytes ${exact ? '=' : '≈'} ${minFree}${exact ? ' (reproduces every printed min watermark)' : found ? ' (reproduces the printed min watermarks with the estimated managed pages)' : ' (from the min watermarks; not reproduced exactly: the watermarks were computed when managed differed, e.g. at boot)'}; vm.watermark_scale_factor ≈ ${wsf}`);
  return { t, approx: !exact };
}
