/**
 * mmbook's own tunables for an imported zone layout: the boot sequence of the tunables
 * (src/sim/tunables/index.ts) run on the dump's managed counts. With a boot log, the late frees
 * are taken off managed for the watermark computation, as at boot. This is what mmbook would
 * print for the layout; the imported machine prints the dump's own values instead
 * (zoneinfo-seed.ts) and keeps these for comparison (ImportedMachine.recomputedView).
 */
import { hugepageInit, initPerZoneWmarkMin, makeTunableState, setupPerCpuPageset510, withManaged, type TunableState } from '../tunables';
import type { Profile, ZoneName } from '../types';
import type { BootParams } from '../input/cmdline';
import type { BootLogFacts } from './boot-log-replay';
import type { CmaArea } from '../mm-init/cma-reserve';
import type { ZoneLayout } from '../mm-init/free-area-init';
import { kernelBuild } from '../arch/kernel-build';

/** One zone of the imported layout (the dump's span and present), every zone of every node in (nid, idx) order. */
export interface ImportZone extends ZoneLayout {
  /** managed as the dump prints it (present when the dump has no managed line) */
  managed: number;
  /** CMA pages: the dump's cma line, else the boot log's areas placed by address */
  cma: number;
}

export interface Recomputed {
  tunables: TunableState;
  /** managed at the watermark computation (final managed less the boot log's late frees) */
  atWmark: number[];
  movableZone: number;
}

export function recomputeTunables(profile: Profile, names: readonly ZoneName[], zones: ImportZone[], params: BootParams, cpus: number, facts: BootLogFacts | null): Recomputed {
  const cfg = profile.config;
  const finalManaged = zones.map((z) => z.managed);
  const zoneOfPfn = (pfn: number) => zones.findIndex((z) => z.present && z.startPfn <= pfn && pfn < z.startPfn + z.spanned);
  // Late frees go back to the zone that holds the kernel image.
  const build = kernelBuild(profile.arch, profile.kernel);
  const present = zones.filter((z) => z.present);
  const firstPfn = present.length ? Math.min(...present.map((z) => z.startPfn)) : 0;
  const imagePfn = profile.arch === 'x86_64' ? Math.floor(build.imageOffset / 4096) : firstPfn + Math.floor(build.imageOffset / 4096);
  const imageZone = Math.max(0, zoneOfPfn(imagePfn));
  const late = (facts?.lateFrees ?? []).filter((f) => !f.beforeInitcalls).reduce((s, f) => s + Math.floor((f.kb * 1024) / 4096), 0);
  const atWmark = finalManaged.map((m, i) => (i === imageZone ? Math.max(0, m - late) : m));
  const movableZone = names.indexOf(profile.arch === 'arm' && names.includes('HighMem') && zones.some((z) => z.name === 'HighMem' && z.present) ? 'HighMem' : 'Normal');
  const nodeIds = [...new Set(zones.filter((z) => z.spanned).map((z) => z.nid))];
  const cpusPerNode: number[] = [];
  for (let c = 0; c < cpus; c++) {
    const nid = nodeIds[c % Math.max(1, nodeIds.length)] ?? 0;
    cpusPerNode[nid] = (cpusPerNode[nid] ?? 0) + 1;
  }
  const maxNid = Math.max(0, ...zones.map((z) => z.nid));
  for (let i = 0; i <= maxNid; i++) cpusPerNode[i] ??= 0;
  const thpMode = cfg.thp === 'off' ? 'off' : (params.transparentHugepage ?? cfg.thp);
  let s = makeTunableState({
    kernel: profile.kernel,
    pageblockOrder: cfg.pageblockOrder,
    zoneNames: [...names],
    zones: zones.map((z, i) => ({ nid: z.nid, idx: z.idx, name: z.name, managed: atWmark[i]!, present: z.present, highmem: z.name === 'HighMem' || (z.name === 'Movable' && names[movableZone] === 'HighMem') })),
    cpusPerNode,
    onlineCpus: cpus,
    thpEnabled: thpMode === 'always' || thpMode === 'madvise',
  });
  if (profile.behaviour.pcp.high === 'six-batch') s = setupPerCpuPageset510(s, atWmark.map((m, i) => m - zones[i]!.cma));
  s = initPerZoneWmarkMin(s);
  s = hugepageInit(s, atWmark.reduce((a, b) => a + b, 0));
  s = withManaged(s, finalManaged);
  return { tunables: s, atWmark, movableZone };
}

/** CMA pages per zone: the dump's cma lines, else the boot log's areas placed by address. */
export function cmaPerZone(zones: Array<Omit<ImportZone, 'cma'> & { cma?: number }>, areas: CmaArea[]): number[] {
  const out = zones.map((z) => z.cma ?? 0);
  if (zones.some((z) => z.cma !== undefined)) return out;
  for (const a of areas) {
    const pfn = Math.floor(a.base / 4096);
    const i = zones.findIndex((z) => z.present && z.startPfn <= pfn && pfn < z.startPfn + z.spanned);
    if (i >= 0) out[i] += Math.floor(a.size / 4096);
  }
  return out;
}
