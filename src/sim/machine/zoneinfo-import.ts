/**
 * --zoneinfo / mm.boot({ zoneinfo }): import a real machine from its /proc/zoneinfo (any layout
 * from 3.x to 6.12, partial or framed; see format/zoneinfo-parse.ts), optionally with its
 * /proc/buddyinfo and /proc/pagetypeinfo for the free-list shape.
 *
 * Nodes and zones take start_pfn, spanned, present and managed from the dump. The machine then
 * prints the dump's own derived values (watermarks, boost, protection, pcp, stat thresholds) as
 * the running kernel computed them (zoneinfo-seed.ts), until a sysctl write recomputes what the
 * kernel's handler recomputes (zoneinfo-machine.ts). vm.min_free_kbytes and
 * vm.watermark_scale_factor are inferred from the dump (zoneinfo-infer.ts). mmbook's own
 * recomputation of everything derived is kept for comparison (ImportedMachine.recomputedView).
 *
 * Refused (MmError): text with no zone; a layout that is exactly the other profile's
 * (ZONEINFO_PROFILE_MISMATCH); a dump the chosen arch cannot have printed (zoneinfo-arch.ts);
 * zones without spanned/present lines, or with managed > present > spanned (ZONEINFO_INCOMPLETE);
 * free-list files of another machine (ZONEINFO_FREE_LISTS_MISMATCH). Everything else unusual is
 * a warning on machine.parts.warnings ("CODE: message").
 */
import { checkBootLogProfile } from '../input/profile-check';
import { MmError } from '../errors';
import { mergeFreeLists, pagetypeinfoPageblockOrder } from '../format/free-lists-import';
import { checkZoneinfoLayout } from '../format/zoneinfo-layout';
import { parseZoneinfo, ZONE_NAMES, type ParsedZoneinfo, type ParsedZoneinfoZone } from '../format/zoneinfo-parse';
import { zoneinfoToView } from '../format/zoneinfo-view';
import { parseCmdline } from '../input/cmdline';
import { parseBootLog } from '../input/boot-log';
import type { Arch, KernelVersion, ZoneName } from '../types';
import { zoneId, zoneNames } from '../zone-types';
import { makeProfile } from '../boot/boot';
import { bootLogFacts } from './boot-log-replay';
import type { NodeLayout } from '../mm-init/free-area-init';
import { checkPageblockOrder, checkZoneinfoArch } from './zoneinfo-arch';
import { inferMinFreeKbytes, inferWatermarkScaleFactor, type InferZone } from './zoneinfo-infer';
import { ImportedMachine } from './zoneinfo-machine';
import { cmaPerZone, recomputeTunables, type ImportZone } from './zoneinfo-recompute';
import { seedFromDump } from './zoneinfo-seed';

export interface ZoneinfoImportRequest {
  arch: Arch;
  kernel: KernelVersion;
  zoneinfo: string;
  /** the same machine's /proc/buddyinfo and /proc/pagetypeinfo (free-list shape) */
  buddyinfo?: string;
  pagetypeinfo?: string;
  cmdline?: string;
  cpus?: number;
  kconfig?: string;
  bootLog?: string;
  /** run-time writes after the import, in order (each recomputes what its handler does) */
  sysctls?: Array<[string, string | number]>;
}

/** Layouts that print every zone, populated or not (>= 4.12). */
const PRINTS_ALL_ZONES = ['4.12–5.11', '5.12–5.15', '5.16–6.6', '≥6.7'];

/** The zone enum to import into: the dump's when it shows the whole enum, else the profile's plus the dump's. */
function chooseZoneNames(p: ParsedZoneinfo, profileNames: ZoneName[], warnings: string[]): ZoneName[] {
  const same = (a: readonly string[], b: readonly string[]) => a.join(',') === b.join(',');
  if (same(p.zoneNames, profileNames)) return profileNames;
  const nids = [...new Set(p.zones.map((z) => z.nid))];
  const whole = PRINTS_ALL_ZONES.includes(p.format.name) && nids.every((n) => same(p.zones.filter((z) => z.nid === n).map((z) => z.zone), p.zoneNames));
  const names = whole ? [...p.zoneNames] : ZONE_NAMES.filter((n) => profileNames.includes(n) || p.zones.some((z) => z.zone === n));
  if (!same(names, profileNames)) {
    warnings.push(`ZONEINFO_ZONES: the dump's kernel has zones ${p.zoneNames.join(', ')}${whole ? '' : ' (this layout prints populated zones only)'}, the profile's ${profileNames.join(', ')}; the machine has zones ${names.join(', ')}`);
  }
  return names;
}

function incomplete(z: ParsedZoneinfoZone, msg: string): MmError {
  return new MmError('ZONEINFO_INCOMPLETE', `/proc/zoneinfo: node ${z.nid} zone ${z.zone} ${msg}`, `line ${z.line}`);
}

/** Every zone of every node in enum order, with the dump's zone where it printed one. */
function importZones(p: ParsedZoneinfo, names: ZoneName[]): Array<Omit<ImportZone, 'cma'> & { cma?: number; dump?: ParsedZoneinfoZone }> {
  const out: Array<Omit<ImportZone, 'cma'> & { cma?: number; dump?: ParsedZoneinfoZone }> = [];
  for (const nid of [...new Set(p.zones.map((z) => z.nid))].sort((a, b) => a - b)) {
    let next = 0;
    names.forEach((name, idx) => {
      const dz = p.zones.find((z) => z.nid === nid && z.zone === name);
      if (!dz) { out.push({ nid, idx, name, startPfn: next, spanned: 0, present: 0, managed: 0 }); return; }
      if (dz.spanned === undefined || dz.present === undefined) throw incomplete(dz, `has no ${dz.spanned === undefined ? 'spanned' : 'present'} line: mmbook needs every zone's size`);
      const managed = dz.managed ?? dz.present;
      if (dz.present > dz.spanned) throw incomplete(dz, `has present ${dz.present} above spanned ${dz.spanned}, which no kernel prints`);
      if (managed > dz.present) throw incomplete(dz, `has managed ${managed} above present ${dz.present}, which no kernel prints`);
      const startPfn = dz.startPfn ?? next;
      next = startPfn + dz.spanned;
      out.push({ nid, idx, name, startPfn, spanned: dz.spanned, present: dz.present, managed, cma: dz.cma, dump: dz });
    });
  }
  return out;
}

export function bootFromZoneinfo(req: ZoneinfoImportRequest): ImportedMachine {
  const profile = makeProfile(req.arch, req.kernel, req.kconfig);
  const cfg = profile.config;
  const parsed = parseZoneinfo(req.zoneinfo);
  const warnings = parsed.warnings.map((w) => `${w.code}: ${w.message}`);
  checkZoneinfoArch(parsed, profile.arch);
  warnings.push(...checkZoneinfoLayout(parsed.format, profile.kernel).map((w) => `${w.code}: ${w.message}`));
  const ptOrder = pagetypeinfoPageblockOrder(req.pagetypeinfo);
  if (ptOrder !== undefined) checkPageblockOrder(ptOrder, cfg.pageblockOrder, profile.arch);
  const names = chooseZoneNames(parsed, zoneNames(profile.arch, cfg), warnings);
  const zs = importZones(parsed, names);
  if (parsed.zones.some((z) => z.managed === undefined)) warnings.push('ZONEINFO_NO_MANAGED: the dump has no managed lines (Linux 3.7 and older): present is used as managed, as those kernels computed their watermarks from it');

  if (req.bootLog !== undefined) checkBootLogProfile(req.bootLog, profile.arch, profile.kernel);
  const facts = req.bootLog !== undefined ? bootLogFacts(req.bootLog) : null;
  const cmdline = req.cmdline ?? (req.bootLog !== undefined ? parseBootLog(req.bootLog).commandLine : undefined) ?? '';
  const params = parseCmdline(cmdline, profile.arch);
  const cpus = req.cpus ?? Math.max(1, ...parsed.zones.map((z) => z.pagesets.length));
  const cmaAreas = facts?.cma ?? [];
  const cma = cmaPerZone(zs, cmaAreas);
  const zones: ImportZone[] = zs.map((z, i) => ({ nid: z.nid, idx: z.idx, name: z.name, startPfn: z.startPfn, spanned: z.spanned, present: z.present, managed: z.managed, cma: cma[i]! }));
  const rec = recomputeTunables(profile, names, zones, params, cpus, facts);

  // what the dump says, and what can be inferred from it
  const inferZones: InferZone[] = zs.map((z, i) => {
    const d = z.dump;
    const boost = d?.boost ?? 0;
    const wm = d && d.min !== undefined && d.low !== undefined && d.high !== undefined;
    // a zone an old layout did not print is empty: its min is 0
    if (!d) return { name: z.name, highmem: rec.tunables.zones[i]!.highmem, min: 0, low: 0, high: 0, managed: 0, atWmark: 0 };
    return { name: z.name, highmem: rec.tunables.zones[i]!.highmem, min: wm ? d.min! - boost : undefined, low: wm ? d.low! - boost : undefined, high: wm ? d.high! - boost : undefined, managed: z.managed, atWmark: rec.atWmark[i]! };
  });
  const inferred = {
    minFreeKbytes: inferMinFreeKbytes(inferZones, cfg.pageblockOrder, rec.tunables.minFreeKbytes),
    watermarkScaleFactor: inferWatermarkScaleFactor(inferZones, profile.kernel, facts !== null),
  };
  const seed = seedFromDump(rec.tunables, zs.map((z) => z.dump), inferred.minFreeKbytes?.value ?? rec.tunables.minFreeKbytes, inferred.watermarkScaleFactor?.value ?? 10);
  warnings.push(...seed.warnings);
  const lacking = [...new Set(parsed.zones.flatMap((z) => [z.protection === undefined ? 'protection' : '', z.min === undefined ? 'watermarks' : '', z.hasPagesets || !z.populated ? '' : 'pagesets'].filter(Boolean)))];
  if (lacking.length) warnings.push(`ZONEINFO_DERIVED: the dump has no ${lacking.join(', ')} line${lacking.length > 1 ? 's' : ''} for some zones: mmbook's recomputation is printed for ${lacking.includes('pagesets') ? 'protection and watermarks; pagesets are not printed' : 'them'}`);

  const base = zoneinfoToView(parsed, { arch: profile.arch, kernel: profile.kernel, zoneNames: names, numa: cfg.numa, zsmalloc: cfg.zsmalloc, thpBuilt: cfg.thp !== 'off', pageblockOrder: cfg.pageblockOrder, maxOrder: cfg.maxOrder });
  zs.forEach((z, i) => {
    const bz = base.nodes.find((n) => n.nid === z.nid)?.zones.find((q) => q.name === z.name);
    if (bz) bz.cma = cma[i]!;
  });
  warnings.push(...mergeFreeLists(base, { buddyinfo: req.buddyinfo, pagetypeinfo: req.pagetypeinfo }));

  const nodes: NodeLayout[] = [...new Set(zs.map((z) => z.nid))].map((nid) => {
    const mine = zs.filter((z) => z.nid === nid);
    const spanned = mine.filter((z) => z.spanned);
    return {
      nid,
      startPfn: spanned.length ? Math.min(...spanned.map((z) => z.startPfn)) : 0,
      endPfn: Math.max(0, ...spanned.map((z) => z.startPfn + z.spanned)),
      zones: mine.map((z) => ({ nid, idx: z.idx, name: z.name, startPfn: z.startPfn, spanned: z.spanned, present: z.present })),
    };
  });
  let m = new ImportedMachine({
    profile, params, cmdline, cpus, source: 'zoneinfo', names, imported: base, inBuddy: new Set(),
    layout: { nodes, ranges: [], movableZone: rec.movableZone, zoneMovablePfn: new Map(), dmesg: [] },
    tunables: seed.tunables, cmaAreas, dmesg: [], reservations: [], lateFrees: facts?.lateFrees ?? [], managedAtWmark: new Map(zones.map((z, i) => [zoneId(z.nid, z.idx, names.length), rec.atWmark[i]!])),
    memblockLog: [], modelReserved: [], warnings,
  }, {
    layout: parsed.format.name, parsed, inferred, recomputed: rec.tunables, pcpFromDump: true,
    boostKnown: parsed.zones.some((z) => z.boost !== undefined),
    cmaKnown: parsed.zones.some((z) => z.cma !== undefined) || facts !== null,
  });
  for (const [name, value] of req.sysctls ?? []) m = m.sysctl(name, value);
  return m;
}
