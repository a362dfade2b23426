/**
 * --zoneinfo: import a real machine. Nodes and zones take start_pfn, spanned, present and managed
 * from the pasted /proc/zoneinfo; everything derived (min_free_kbytes, watermarks, lowmem_reserve,
 * pcp high/batch, stat thresholds) is recomputed by the kernel's rules. With a boot log, the late
 * frees are taken off managed for the watermark computation, as at boot.
 */
import { MmError } from '../errors';
import { parseZoneinfo } from '../format/zoneinfo-parse';
import { zoneinfoToView } from '../format/zoneinfo-view';
import { parseCmdline } from '../input/cmdline';
import { parseBootLog } from '../input/boot-log';
import { hugepageInit, initPerZoneWmarkMin, makeTunableState, setupPerCpuPageset510, withManaged } from '../tunables';
import type { Arch, KernelVersion } from '../types';
import { zoneId, zoneNames } from '../zone-types';
import { makeProfile } from '../boot/boot';
import { bootLogFacts } from './boot-log-replay';
import type { CmaArea } from '../mm-init/cma-reserve';
import type { NodeLayout } from '../mm-init/free-area-init';
import { kernelBuild } from '../arch/kernel-build';
import { Machine } from './machine';

export interface ZoneinfoImportRequest {
  arch: Arch;
  kernel: KernelVersion;
  zoneinfo: string;
  cmdline?: string;
  cpus?: number;
  kconfig?: string;
  bootLog?: string;
  sysctls?: Array<[string, string | number]>;
}

/** The built-in arch/kernel profiles whose kernels print exactly these zones (a pasted zoneinfo's hint). */
function profilesWithZones(zones: readonly string[]): string[] {
  const out: string[] = [];
  for (const arch of ['arm64', 'arm', 'x86_64'] as const) {
    for (const kernel of ['6.1', '5.10'] as const) {
      if (zoneNames(arch, makeProfile(arch, kernel).config).join(',') === zones.join(',')) out.push(`${arch} ${kernel}`);
    }
  }
  return out;
}

export function bootFromZoneinfo(req: ZoneinfoImportRequest): Machine {
  const profile = makeProfile(req.arch, req.kernel, req.kconfig);
  const cfg = profile.config;
  const parsed = parseZoneinfo(req.zoneinfo);
  const names = zoneNames(profile.arch, cfg);
  if (parsed.zoneNames.join(',') !== names.join(',')) {
    const fits = profilesWithZones(parsed.zoneNames);
    const hint = fits.length ? `it matches the ${fits.join(', ')} profile${fits.length > 1 ? 's' : ''}` : 'no built-in profile has these zones: give the kernel .config that built them';
    throw new MmError('ZONEINFO_PROFILE_MISMATCH', `the zoneinfo lists zones ${parsed.zoneNames.join(', ')}, but the ${profile.arch} ${profile.kernel} profile has ${names.join(', ')}; ${hint}`, 'zoneinfo');
  }
  const base = zoneinfoToView(parsed, { arch: profile.arch, kernel: profile.kernel, zoneNames: names, numa: cfg.numa, zsmalloc: cfg.zsmalloc, thpBuilt: cfg.thp !== 'off', pageblockOrder: cfg.pageblockOrder, maxOrder: cfg.maxOrder });
  const facts = req.bootLog !== undefined ? bootLogFacts(req.bootLog) : null;
  const cmdline = req.cmdline ?? (req.bootLog !== undefined ? parseBootLog(req.bootLog).commandLine : undefined) ?? '';
  const params = parseCmdline(cmdline, profile.arch);
  const cpus = req.cpus ?? Math.max(1, ...parsed.zones.map((z) => z.pagesets.length));

  const nodes: NodeLayout[] = parsed.nodes.map((n) => {
    const zs = parsed.zones.filter((z) => z.nid === n.nid);
    const starts = zs.filter((z) => z.spanned).map((z) => z.startPfn ?? 0);
    return {
      nid: n.nid,
      startPfn: starts.length ? Math.min(...starts) : 0,
      endPfn: Math.max(0, ...zs.filter((z) => z.spanned).map((z) => (z.startPfn ?? 0) + z.spanned)),
      zones: zs.map((z, idx) => ({ nid: n.nid, idx, name: z.zone, startPfn: z.startPfn ?? 0, spanned: z.spanned, present: z.present })),
    };
  });
  const zones = parsed.zones;
  const finalManaged = zones.map((z) => z.managed);
  // CMA pages per zone: 6.1 prints them; otherwise the boot log's areas, placed by address.
  const zoneOfPfn = (pfn: number) => zones.findIndex((z) => z.present && (z.startPfn ?? 0) <= pfn && pfn < (z.startPfn ?? 0) + z.spanned);
  const cmaAreas: CmaArea[] = facts?.cma ?? [];
  const cmaPages = zones.map((z) => z.cma ?? 0);
  if (parsed.layout === '5.10') for (const a of cmaAreas) { const i = zoneOfPfn(Math.floor(a.base / 4096)); if (i >= 0) cmaPages[i] += Math.floor(a.size / 4096); }
  // Late frees go back to the zone that holds the kernel image.
  const build = kernelBuild(profile.arch, profile.kernel);
  const firstPfn = Math.min(...zones.filter((z) => z.present).map((z) => z.startPfn ?? 0));
  const imagePfn = profile.arch === 'x86_64' ? Math.floor(build.imageOffset / 4096) : firstPfn + Math.floor(build.imageOffset / 4096);
  const imageZone = Math.max(0, zoneOfPfn(imagePfn));
  const late = (facts?.lateFrees ?? []).filter((f) => !f.beforeInitcalls).reduce((s, f) => s + Math.floor((f.kb * 1024) / 4096), 0);
  const atWmark = finalManaged.map((m, i) => (i === imageZone ? Math.max(0, m - late) : m));
  const movableZone = names.indexOf(profile.arch === 'arm' && cfg.highmem && zones.some((z) => z.zone === 'HighMem' && z.present) ? 'HighMem' : 'Normal');
  const nodeIds = nodes.filter((n) => n.endPfn > n.startPfn).map((n) => n.nid);
  const cpusPerNode: number[] = [];
  for (let c = 0; c < cpus; c++) {
    const nid = nodeIds[c % Math.max(1, nodeIds.length)] ?? 0;
    cpusPerNode[nid] = (cpusPerNode[nid] ?? 0) + 1;
  }
  for (let i = 0; i < cpusPerNode.length; i++) cpusPerNode[i] ??= 0;
  const thpMode = cfg.thp === 'off' ? 'off' : (params.transparentHugepage ?? cfg.thp);
  let s = makeTunableState({
    kernel: profile.kernel,
    pageblockOrder: cfg.pageblockOrder,
    zoneNames: [...names],
    zones: zones.map((z, i) => ({ nid: z.nid, idx: i % names.length, name: z.zone, managed: atWmark[i], present: z.present, highmem: z.zone === 'HighMem' || (z.zone === 'Movable' && names[movableZone] === 'HighMem') })),
    cpusPerNode,
    onlineCpus: cpus,
    thpEnabled: thpMode === 'always' || thpMode === 'madvise',
  });
  if (profile.kernel === '5.10') s = setupPerCpuPageset510(s, atWmark.map((m, i) => m - cmaPages[i]));
  s = initPerZoneWmarkMin(s);
  s = hugepageInit(s, atWmark.reduce((a, b) => a + b, 0));
  s = withManaged(s, finalManaged);
  let m = new Machine({
    profile, params, cmdline, cpus, source: 'zoneinfo', names, imported: base, inBuddy: new Set(),
    layout: { nodes, ranges: [], movableZone, zoneMovablePfn: new Map(), dmesg: [] },
    tunables: s, cmaAreas, dmesg: [], reservations: [], lateFrees: facts?.lateFrees ?? [], managedAtWmark: new Map(zones.map((z, i) => [zoneId(z.nid, i % names.length, names.length), atWmark[i]])),
    memblockLog: [], modelReserved: [],
  });
  for (const [name, value] of req.sysctls ?? []) m = m.sysctl(name, value);
  return m;
}
