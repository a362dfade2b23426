/**
 * A booted Machine as the plain MachineView the /proc renderers print: zone counters from the
 * buddy, watermarks/protection/pcp from the tunables, regions from memblock.
 */
import type { Buddy } from '../buddy/buddy';
import type { MachineViewExtra } from '../format/extra';
import type { Memblock } from '../memblock/memblock';
import type { TunableState } from '../tunables';
import { MIGRATETYPE_NAMES, type Profile, type ZoneName } from '../types';
import type { NodeView, ZoneView } from '../view';
import type { NodeLayout } from '../mm-init/free-area-init';
import { zoneId } from '../zone-types';

export interface ViewInput {
  profile: Profile;
  names: readonly ZoneName[];
  nodes: NodeLayout[];
  /** the simulated buddy; absent for a machine imported from /proc/zoneinfo */
  buddy?: Buddy;
  inBuddy: ReadonlySet<number>;
  tunables: TunableState;
  memblock?: Memblock;
  cpus: number;
  totalcma: number;
  /** the view parsed from a real machine's text (imported machines): counters the simulator does not model */
  base?: MachineViewExtra;
}

export function machineView(inp: ViewInput): MachineViewExtra {
  const { profile, names, buddy, tunables } = inp;
  void buddy;
  const cfg = profile.config;
  const nz = names.length;
  // MIGRATE_CMA exists only with CONFIG_CMA (include/linux/mmzone.h): Debian's amd64 kernels have
  // no CMA, so pagetypeinfo has no CMA rows or column and meminfo no Cma lines.
  const mtNames = MIGRATETYPE_NAMES.filter((n) => n !== 'CMA' || cfg.cma);
  const cmaIdx = MIGRATETYPE_NAMES.indexOf('CMA');
  const byType = <T>(row: T[]): T[] => (cfg.cma ? row : row.filter((_, i) => i !== cmaIdx));
  const maxOrder = cfg.maxOrder;
  let totalram = 0;
  let totalhigh = 0;
  const nodes: NodeView[] = inp.nodes.map((n) => {
    const zones = n.zones.map((zl): ZoneView => {
      const id = zoneId(n.nid, zl.idx, nz);
      const t = tunables.zones.find((z) => z.nid === n.nid && z.idx === zl.idx)!;
      const has = !!buddy && inp.inBuddy.has(id);
      const real = inp.base?.nodes.find((x) => x.nid === n.nid)?.zones.find((x) => x.idx === zl.idx);
      const managed = has ? buddy!.managed(id) : t.managed;
      totalram += managed;
      if (t.highmem) totalhigh += managed;
      const boost = t.boost;
      return {
        nid: n.nid,
        idx: zl.idx,
        name: zl.name,
        free: has ? buddy!.freePages(id) : (real?.free ?? 0),
        boost,
        min: t.wmark.min + boost,
        low: t.wmark.low + boost,
        high: t.wmark.high + boost,
        promo: t.wmark.promo + boost,
        spanned: zl.spanned,
        present: zl.present,
        managed,
        cma: has ? buddy!.cmaPages(id) : (real?.cma ?? 0),
        protection: [...t.lowmemReserve],
        freeCma: has ? buddy!.freeCma(id) : (real?.freeCma ?? 0),
        freeArea: has ? buddy!.freeArea(id).map(byType) : (real?.freeArea ?? Array.from({ length: maxOrder }, () => mtNames.map(() => 0))),
        blocksByType: has ? byType(buddy!.blocksByType(id)) : (real?.blocksByType ?? mtNames.map(() => 0)),
        pcp: Array.from({ length: inp.cpus }, (_, cpu) => ({ cpu, count: real?.pcp[cpu]?.count ?? 0, high: t.pcpHigh, batch: t.pcpBatch })),
        statThreshold: t.statThreshold ?? 0,
        nodeUnreclaimable: real?.nodeUnreclaimable ?? 0,
        startPfn: zl.startPfn,
        stats: { ...(real?.stats ?? {}) },
      };
    });
    return { nid: n.nid, zones, stats: { ...(inp.base?.nodes.find((x) => x.nid === n.nid)?.stats ?? {}) } };
  });
  const mb = inp.memblock;
  return {
    arch: profile.arch,
    kernel: profile.kernel,
    pageblockOrder: cfg.pageblockOrder,
    maxOrder,
    migratetypeNames: mtNames,
    zoneNames: [...names],
    numa: cfg.numa,
    zsmalloc: cfg.zsmalloc,
    highmem: cfg.highmem,
    thpBuilt: cfg.thp !== 'off',
    nodes,
    totalram,
    totalreserve: tunables.totalreservePages,
    totalcma: inp.totalcma,
    totalhigh,
    physAddrBytes: profile.arch === 'arm' && !cfg.armLpae ? 4 : 8,
    memblock: !mb ? { memory: [], reserved: [] } : {
      memory: mb.memory.filter((r) => r.size).map((r) => ({ base: r.base, size: r.size, flags: r.flags, nid: r.nid })),
      reserved: mb.reserved.filter((r) => r.size).map((r) => ({ base: r.base, size: r.size, flags: r.flags, nid: r.nid })),
    },
    counters: { ...(inp.base?.counters ?? {}) },
    features: { swap: cfg.swap, memoryFailure: cfg.memoryFailure, ...(inp.base?.features ?? {}) },
    ...(inp.base?.statNames ? { statNames: inp.base.statNames } : {}),
  };
}
