/**
 * `mmbook explain`: rebuild the zone state a real kernel printed in its allocation-failure report
 * (input/alloc-failure-parse.ts) and run the same request through the model's watermark code
 * (explain.ts → watermark.ts).
 *
 * What the report gives exactly: per zone free, min/low/high (with boost), boost (6.1), the
 * highatomic reserve, managed and present, free CMA, lowmem_reserve[], nr_free per order and which
 * free lists are non-empty at each order (the type letters). What it does not, and is inferred:
 * - per-type block counts (only the letters): free_at_order is exact only where every list at that
 *   order is usable by the request, else an upper bound; the block test itself is exact;
 * - the boost on 5.10 and older (printed min/low/high include it; it is taken as 0);
 * - alloc_flags: gfp_to_alloc_flags of the printed mask (the slow path's WMARK_MIN flags); a
 *   real-time task's ALLOC_HARDER, PF_MEMALLOC or OOM-victim access and 5.10's pinning
 *   (PF_MEMALLOC_NOCMA) cannot be seen in the report;
 * - the kernel (the release in dump_stack's CPU line, else the layout: 6.1 prints boost,
 *   sec_pagetables and node pagetables; 5.10 prints zone pagetables and "Swap cache stats"), the
 *   architecture (call-trace symbols, release, "Hardware name", the zones), the zone enum
 *   (lowmem_reserve[] has MAX_NR_ZONES entries), the page size (the first free-list block);
 * - for the tuning search: min_free_kbytes, watermark_scale_factor and lowmem_reserve_ratio from
 *   the watermarks and reserves, and the managed pages of zones 6.1 leaves out of the report
 *   (those above the request's zone) from lowmem_reserve[].
 * The zonelist is taken in node order (the report does not say which node the task ran on).
 */
import { MmError } from '../errors';
import { defaultKernelConfig } from '../input/profiles';
import { versionRules } from '../kernel-behaviour';
import { PAGE_ALLOC_COSTLY_ORDER, type Arch, type KernelVersion, type ZoneName } from '../types';
import { EXTFRAG_THRESHOLD_DEFAULT } from '../compaction/constants';
import { zoneNames as profileZoneNames } from '../zone-types';
import type { ParsedAllocFailure, ParsedZone } from '../input/alloc-failure-parse';
import { formatAllocFlags, gfpToAllocFlags } from './alloc-flags';
import { explainFailure, zonesPass, type ExplainInput, type FailureExplanation, type ZoneSnapshot } from './explain';
import { __GFP_DIRECT_RECLAIM, __GFP_HIGH, __GFP_THISNODE, formatGfp, gfpMigratetype, gfpZone } from './gfp';
import { before, decodeGfp, versionTuple, type VersionTuple } from './explain-report-gfp';
import { reportTunables } from './explain-report-tunables';

const CANONICAL: readonly ZoneName[] = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'];
const LETTER_TYPE: Record<string, number> = { U: 0, M: 1, E: 2, H: 3, C: 4, I: 5, R: 3 };

export interface ExplainReportOptions {
  arch?: Arch;
  kernel?: KernelVersion;
  /** the log's name, for error messages */
  file?: string;
  /** vm.extfrag_threshold of the machine (a report does not print it); default the kernel's 500, said as assumed */
  extfragThreshold?: number;
}

export interface ReportExplanation {
  /** where the report is and what it says */
  line: number;
  kind: ParsedAllocFailure['kind'];
  comm: string;
  /** the profile used, and whether each part was given or inferred */
  arch: Arch;
  kernel: KernelVersion;
  /** the report's own kernel version when it prints one ("6.1.176") */
  reportVersion: string | null;
  pageKb: number;
  /** what was inferred, in words */
  inferred: string[];
  /** contradictions and gaps (not fatal) */
  warnings: string[];
  explanation: FailureExplanation;
}


function inferKernel(rep: ParsedAllocFailure, ver: VersionTuple | null, given: KernelVersion | undefined, inferred: string[], warnings: string[]): KernelVersion {
  const z0 = rep.zones[0]?.fields ?? {};
  const n0 = rep.nodes[0]?.fields ?? {};
  const says61: string[] = [];
  const says510: string[] = [];
  if ('boost' in z0) says61.push('the zone lines print boost:');
  if ('sec_pagetables' in rep.global || 'sec_pagetables' in n0) says61.push('sec_pagetables is printed');
  if ('pagetables' in n0) says61.push('the node line prints pagetables');
  if ('pagetables' in z0) says510.push('the zone lines print pagetables');
  if (rep.swapCacheStats) says510.push('"Swap cache stats" is printed');
  const byVersion: KernelVersion | null = ver ? (before(ver, 5, 16) ? '5.10' : '6.1') : null;
  const byLayout: KernelVersion | null = says61.length && !says510.length ? '6.1' : says510.length && !says61.length ? '5.10' : null;
  if (given) {
    if (ver && !(ver[0] === Number(given.split('.')[0]) && ver[1] === Number(given.split('.')[1]))) warnings.push(`the report comes from kernel ${ver.join('.')}; explained with the ${given} profile as asked (--kernel ${given})`);
    else if (byLayout && byLayout !== given) warnings.push(`the report's layout looks like ${byLayout} (${(byLayout === '6.1' ? says61 : says510).join(', ')}), but --kernel is ${given}; ${given} is used`);
    return given;
  }
  if (byVersion) {
    inferred.push(`kernel ${byVersion} profile: the report says ${rep.release}${rep.version && rep.version !== rep.release ? ` (${rep.version})` : ''}${ver && !(ver[0] === Number(byVersion.split('.')[0]) && ver[1] === Number(byVersion.split('.')[1])) ? `, and ${byVersion} is the nearest profile` : ''}`);
    return byVersion;
  }
  if (byLayout) {
    inferred.push(`kernel ${byLayout} profile, from the layout: ${(byLayout === '6.1' ? says61 : says510).join(', ')}`);
    return byLayout;
  }
  inferred.push('kernel 6.1 profile: nothing in the report tells the version (assumed)');
  return '6.1';
}

function inferArch(rep: ParsedAllocFailure, given: Arch | undefined, inferred: string[], warnings: string[]): Arch {
  const names = new Set(rep.zones.map((z) => z.name));
  const hints = [...rep.archHints];
  if (names.has('HighMem')) hints.push({ arch: 'arm', why: 'a HighMem zone (32-bit)' });
  if (names.has('DMA32') && !names.has('HighMem')) {
    const dma = rep.zones.find((z) => z.name === 'DMA');
    if (dma && (dma.fields.present ?? Infinity) <= 16384) hints.push({ arch: 'x86_64', why: 'a 16 MiB DMA zone below DMA32' });
  }
  const votes = new Map<Arch, string[]>();
  for (const h of hints) votes.set(h.arch, [...(votes.get(h.arch) ?? []), h.why]);
  const ranked = [...votes.entries()].sort((a, b) => b[1].length - a[1].length);
  if (given) {
    const other = ranked.find(([a]) => a !== given);
    if (other && !votes.has(given)) warnings.push(`the report looks like ${other[0]} (${other[1].join('; ')}), but --arch is ${given}; ${given} is used`);
    return given;
  }
  if (ranked.length) {
    inferred.push(`arch ${ranked[0]![0]}: ${ranked[0]![1].join('; ')}`);
    if (ranked.length > 1) warnings.push(`mixed architecture clues: ${ranked.map(([a, w]) => `${a} (${w.join('; ')})`).join(' vs ')}`);
    return ranked[0]![0];
  }
  const dma = rep.zones.find((z) => z.name === 'DMA');
  const arch: Arch = dma && (dma.fields.present ?? 0) <= 16384 && names.has('DMA32') ? 'x86_64' : 'arm64';
  inferred.push(`arch ${arch}: nothing in the report names it (assumed from the zones)`);
  return arch;
}

/** The zone enum: the profile's, unless the report's lowmem_reserve[] length or zones say otherwise. */
function inferZoneNames(rep: ParsedAllocFailure, arch: Arch, kernel: KernelVersion, inferred: string[], warnings: string[], file: string): ZoneName[] {
  const prof = profileZoneNames(arch, defaultKernelConfig(arch, kernel));
  const lens = [...new Set(rep.zones.map((z) => z.lowmemReserve?.length).filter((n): n is number => n !== undefined))];
  if (lens.length > 1) warnings.push(`lowmem_reserve[] lines have different lengths (${lens.join(', ')}); the longest is used`);
  const n = lens.length ? Math.max(...lens) : prof.length;
  const printed = rep.zones.map((z) => z.name);
  const unknown = printed.filter((p) => !CANONICAL.includes(p as ZoneName));
  if (unknown.length) throw new MmError('REPORT_MALFORMED', `${file} line ${rep.zones.find((z) => unknown.includes(z.name))!.line}: unknown zone name "${unknown[0]}" (the kernel's zones are ${CANONICAL.join(', ')})`);
  if (n === prof.length && printed.every((p) => prof.includes(p as ZoneName))) return prof;
  const need = new Set<ZoneName>([...(printed as ZoneName[]), 'Normal', 'Movable']);
  const prefer: ZoneName[] = [...prof, 'DMA', 'DMA32', 'Device', 'HighMem'];
  for (const z of prefer) {
    if (need.size >= n) break;
    need.add(z);
  }
  const names = CANONICAL.filter((z) => need.has(z));
  if (names.length !== n) warnings.push(`lowmem_reserve[] has ${n} entries but the zones need ${names.length}: ${names.join(', ')}`);
  inferred.push(`zone enum ${names.join(', ')} (MAX_NR_ZONES ${n} from lowmem_reserve[]; the ${arch} ${kernel} profile has ${prof.join(', ')})`);
  return names;
}

const field = (z: ParsedZone, k: string): number | undefined => z.fields[k];


/** The newer reserve rules (6.3; later 6.1 stable releases): does the request's verdict change under them? */
/**
 * The reserve-flag scheme of the report's kernel: ALLOC_HARDER/ALLOC_HIGH ('harder') before 6.3
 * and in 6.1.0–6.1.20; ALLOC_NON_BLOCK/ALLOC_MIN_RESERVE/ALLOC_HIGHATOMIC ('reserves') from 6.3,
 * and in later 6.1 stable releases (the 6.1 profile, 6.1.176, has the backport). A report without
 * a version takes the profile's.
 */
function reserveScheme(ver: VersionTuple | null, kernel: KernelVersion): 'harder' | 'reserves' {
  if (!ver) return versionRules(kernel).allocFlags;
  if (!before(ver, 6, 3)) return 'reserves';
  if (ver[0] === 6 && ver[1] === 1) return (ver[2] ?? 0) > 20 ? 'reserves' : 'harder';
  return 'harder';
}

/** What the other reserve scheme would have made of the same zones, when the version leaves it open. */
function otherSchemeNote(input: ExplainInput, ver: VersionTuple | null): string | null {
  const gfp = input.gfp;
  if (!(gfp & __GFP_HIGH) && gfp & __GFP_DIRECT_RECLAIM) return null; // the schemes only differ for these
  const other = input.allocScheme === 'harder' ? 'reserves' : 'harder';
  const alt: ExplainInput = { ...input, allocScheme: other, allocFlags: gfpToAllocFlags(gfp, input.order, other, input.cmaConfigured, false) };
  const now = zonesPass(input);
  const then = zonesPass(alt);
  const differs = now.some((o, k) => o !== then[k]);
  const names = (s: 'harder' | 'reserves') => (s === 'harder' ? 'ALLOC_HIGH/ALLOC_HARDER' : 'ALLOC_MIN_RESERVE/ALLOC_NON_BLOCK/ALLOC_HIGHATOMIC');
  const which = ver ? `kernel ${ver.join('.')}` : 'this kernel';
  const why = input.allocScheme === 'reserves'
    ? `6.1 stable releases after 6.1.20 took the 6.3 rework of the reserve flags at some point; if ${which} predates it, it used ${names('harder')}`
    : `kernels from 6.3 (and later 6.1 stable releases) use ${names('reserves')}`;
  return `the numbers above use ${names(input.allocScheme)}; ${why}: with those the watermark test would ${differs ? `come out differently (${input.zones.map((z, k) => `${z.name}: ${then[k] ? 'pass' : 'fail'}`).join(', ')})` : 'give the same result'}`;
}

/** A report's zone state and request, rebuilt as the explanation's input, with what was inferred on the way. */
export type ReportInput = Omit<ReportExplanation, 'explanation'> & { input: ExplainInput };

/** Explain one parsed report. */
export function explainReport(rep: ParsedAllocFailure, opts: ExplainReportOptions = {}): ReportExplanation {
  const { input, ...meta } = reportExplainInput(rep, opts);
  return { ...meta, explanation: explainFailure(input) };
}

/** Rebuild the zones and the request of one parsed report (what explainReport explains). */
export function reportExplainInput(rep: ParsedAllocFailure, opts: ExplainReportOptions = {}): ReportInput {
  const inferred: string[] = [];
  const warnings = [...rep.warnings];
  const file = opts.file ?? 'input';
  if (rep.kind === 'oom-killer' && rep.order < 0) {
    throw new MmError('REPORT_NOT_ALLOCATION', `${file} line ${rep.line}: this OOM report has order=${rep.order}: it was triggered by sysrq or a memory cgroup, not by a page allocation`);
  }
  if (!rep.zones.length) {
    throw new MmError('REPORT_NO_ZONES', `${file} line ${rep.line}: the report (lines ${rep.line}–${rep.endLine}) has no show_mem zone lines ("[Node N ]ZONE free:…kB min:…kB …"); the log may be cut after the header or Mem-Info`);
  }
  const ver = versionTuple(rep.version);
  const kernel = inferKernel(rep, ver, opts.kernel, inferred, warnings);
  const arch = inferArch(rep, opts.arch, inferred, warnings);
  const names = inferZoneNames(rep, arch, kernel, inferred, warnings, file);
  const pageKb = rep.zones.find((z) => z.freeArea)?.freeArea!.sizesKb[0] ?? 4;
  if (pageKb !== 4) inferred.push(`page size ${pageKb} KiB (the order-0 free-list block)`);
  const pages = (kb: number | undefined) => Math.floor((kb ?? 0) / pageKb);
  const gfp = decodeGfp(rep, ver, inferred, warnings);
  const cfg = defaultKernelConfig(arch, kernel);
  const hasC = rep.zones.some((z) => z.freeArea?.letters.some((l) => l.includes('C')));
  const cmaConfigured = rep.totals.pagesCmaReserved !== undefined || hasC || rep.zones.some((z) => (field(z, 'free_cma') ?? 0) > 0) || cfg.cma;
  const allocScheme = reserveScheme(ver, kernel);
  const extfragThreshold = opts.extfragThreshold ?? EXTFRAG_THRESHOLD_DEFAULT;
  if (opts.extfragThreshold === undefined && rep.order > PAGE_ALLOC_COSTLY_ORDER) inferred.push(`vm.extfrag_threshold ${EXTFRAG_THRESHOLD_DEFAULT}: the kernel's default (a report does not print it; give the machine's value if it was changed)`);
  const allocFlags = gfpToAllocFlags(gfp, rep.order, allocScheme, cmaConfigured, false);
  inferred.push(`alloc_flags ${formatAllocFlags(allocFlags, allocScheme)}: gfp_to_alloc_flags of the mode, the slow path's last attempt (a real-time task's ALLOC_HARDER or PF_MEMALLOC access cannot be seen in a report)`);
  let hz: number;
  try {
    hz = gfpZone(gfp, names);
  } catch (e) {
    throw new MmError('REPORT_MALFORMED', `${file} line ${rep.line}: ${(e as Error).message}`);
  }
  const numa = rep.zones.some((z) => z.nid !== null);
  const swapPages = rep.totals.freeSwapKb ?? 0;
  const swap = swapPages > 0;
  if (rep.totals.freeSwapKb === undefined) inferred.push('no "Free swap" line: anon pages are taken as not reclaimable');
  const v61boost = rep.zones.some((z) => 'boost' in z.fields);
  if (!v61boost && rep.zones.length) inferred.push('boost is not printed (before 6.x): the printed watermarks include any boost, taken as 0');
  // snapshots
  const snaps: ZoneSnapshot[] = [];
  const nids = [...new Set(rep.zones.map((z) => z.nid ?? 0))].sort((a, b) => a - b);
  if (nids.length > 1) inferred.push(`zonelist in node order ${nids.join(', ')} (the report does not say which node the task ran on)${gfp & __GFP_THISNODE ? '; __GFP_THISNODE would restrict it to that node' : ''}`);
  const orderBlocks = (z: ParsedZone): { nrFree: number[]; typeMask: number[] } => {
    if (!z.freeArea) {
      if (rep.order > 0) warnings.push(`${z.name} (line ${z.line}) has no free-list line: its block test is taken as passing`);
      const nrFree = Array.from({ length: rep.order + 1 }, (_, o) => (o === rep.order && rep.order > 0 ? 1 : 0));
      return { nrFree, typeMask: nrFree.map((c) => (c ? 0b111 : 0)) };
    }
    const typeMask = z.freeArea.letters.map((ls, o) => {
      let m = 0;
      for (const ch of ls) {
        const t = LETTER_TYPE[ch];
        if (t === undefined) warnings.push(`line ${z.freeArea!.line}: unknown free-list type letter "${ch}" at order ${o}`);
        else m |= 1 << t;
      }
      return m;
    });
    return { nrFree: [...z.freeArea.counts], typeMask };
  };
  for (const nid of nids) {
    const zs = rep.zones.filter((z) => (z.nid ?? 0) === nid).sort((a, b) => names.indexOf(b.name as ZoneName) - names.indexOf(a.name as ZoneName));
    for (const z of zs) {
      const idx = names.indexOf(z.name as ZoneName);
      if (idx > hz) continue;
      const boost = pages(field(z, 'boost'));
      const min = pages(field(z, 'min'));
      const low = field(z, 'low') !== undefined ? pages(field(z, 'low')) : min;
      const high = field(z, 'high') !== undefined ? pages(field(z, 'high')) : low;
      if (!z.lowmemReserve) warnings.push(`${z.name} (line ${z.line}) has no lowmem_reserve[] line: taken as 0`);
      const lm = names.map((_, j) => z.lowmemReserve?.[j] ?? 0);
      if (z.fields.reserved_highatomic === undefined && !inferred.some((s) => s.startsWith('the zone lines print no reserved_highatomic'))) inferred.push('the zone lines print no reserved_highatomic: the highatomic reserve is taken as 0');
      const { nrFree, typeMask } = orderBlocks(z);
      snaps.push({
        nid,
        idx,
        name: z.name,
        free: pages(field(z, 'free')),
        freeCma: pages(field(z, 'free_cma')),
        managed: pages(field(z, 'managed')),
        present: pages(field(z, 'present')),
        wmark: [min - boost, low - boost, high - boost],
        boost,
        reservedHighatomic: pages(field(z, 'reserved_highatomic')),
        lowmemReserve: lm,
        nrFree,
        typeMask,
        nrFreeByType: null,
        lru: [pages(field(z, 'inactive_anon')), pages(field(z, 'active_anon')), pages(field(z, 'inactive_file')), pages(field(z, 'active_file')), pages(field(z, 'unevictable'))],
        highmem: z.name === 'HighMem',
      });
      // the per-order lines count every list, NR_FREE_PAGES leaves Isolate pages out
      if (z.freeArea?.totalKb !== null && z.freeArea?.totalKb !== undefined && field(z, 'free') !== undefined) {
        const gap = z.freeArea.totalKb - field(z, 'free')!;
        if (gap > 0 && z.freeArea.letters.some((l) => l.includes('I'))) inferred.push(`${z.name}: the free lists hold ${z.freeArea.totalKb}kB, ${gap}kB more than free: pages on Isolate lists (letter I, being isolated for CMA or memory offlining) are not counted in NR_FREE_PAGES`);
      }
    }
  }
  const tun = reportTunables(rep, kernel, arch, names, pageKb, inferred);
  const notes = [...inferred];
  if (rep.kind === 'oom-killer') notes.push('this is an OOM killer report: the allocation reached out_of_memory, so it may still have succeeded after a kill');
  if (before(ver, 4, 4) && rep.order > 0) notes.push('kernels before 4.4 test high orders by subtracting each lower order\'s free pages (the pre-4.4 __zone_watermark_ok is used)');
  const input: ExplainInput = {
    kernel: rep.version ?? kernel,
    cmaConfigured,
    allocScheme,
    extfragThreshold,
    watermarkFastClamp: versionRules(kernel).watermarkFastClamp,
    order: rep.order,
    gfp,
    gfpText: `0x${rep.gfpHex.toString(16)}(${rep.gfpNames ?? formatGfp(gfp, kernel)})`,
    allocFlags,
    zoneNames: names,
    highestZoneidx: hz,
    migratetype: gfpMigratetype(gfp),
    numa,
    zones: snaps,
    swap,
    pageblockOrder: cfg.pageblockOrder,
    tunables: tun?.t ?? null,
    tunablesInferred: tun?.approx ?? true,
    oldHighOrderCheck: before(ver, 4, 4),
    notes,
  };
  // the scheme is certain except without a version, and in 6.1 stable releases after 6.1.20
  if (ver === null || (ver[0] === 6 && ver[1] === 1 && (ver[2] ?? 0) > 20)) {
    const n = otherSchemeNote(input, ver);
    if (n) notes.push(n);
  }
  return { line: rep.line, kind: rep.kind, comm: rep.comm, arch, kernel, reportVersion: rep.version, pageKb, inferred, warnings, input };
}

/** The JSON `mmbook explain --json` writes. */
export function explanationJson(r: ReportExplanation): Record<string, unknown> {
  const e = r.explanation;
  return {
    order: e.order,
    gfp: e.gfp,
    zones: e.zones.map((z) => ({
      zone: z.zone,
      counted_free: z.counted_free,
      mark: z.mark,
      reserve: z.reserve,
      highatomic: z.highatomic,
      free_at_order: z.free_at_order,
      ok: z.ok,
      reason: z.reason,
      free: z.free,
      cma_excluded: z.cma_excluded,
      mark_name: z.mark_name,
      mark_base: z.mark_base,
      mark_arithmetic: z.mark_arithmetic,
      counted_arithmetic: z.counted_arithmetic,
      free_at_order_exact: z.free_at_order_exact,
      failed_test: z.failed_test,
      reclaimable: z.reclaimable,
      ok_after_reclaim: z.ok_after_reclaim,
      fragmentation_index: z.fragmentation_index,
      compaction: z.compaction,
    })),
    verdict: e.verdict,
    line: r.line,
    kind: r.kind,
    comm: r.comm,
    arch: r.arch,
    kernel: r.kernel,
    report_version: r.reportVersion,
    alloc_flags: e.alloc_flags_text,
    migratetype: e.migratetype,
    highest_zone: e.highest_zone,
    fallback: e.fallback,
    reclaim: e.reclaim,
    compaction: e.compaction,
    tuning: e.tuning,
    inferred: r.inferred,
    warnings: r.warnings,
  };
}

