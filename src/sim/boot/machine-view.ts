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
import type { NodeLayout } from './free-area-init';

export interface ViewInput {
  profile: Profile;
  names: readonly ZoneName[];
  nodes: NodeLayout[];
  buddy: Buddy;
  inBuddy: ReadonlySet<number>;
  tunables: TunableState;
  memblock: Memblock;
  cpus: number;
  totalcma: number;
}

export function machineView(inp: ViewInput): MachineViewExtra {
  const { profile, names, buddy, tunables } = inp;
  const cfg = profile.config;
  const nz = names.length;
  const mtNames = [...MIGRATETYPE_NAMES];
  const maxOrder = cfg.maxOrder;
  let totalram = 0;
  let totalhigh = 0;
  const nodes: NodeView[] = inp.nodes.map((n) => {
    const zones = n.zones.map((zl): ZoneView => {
      const id = n.nid * nz + zl.idx;
      const t = tunables.zones.find((z) => z.nid === n.nid && z.idx === zl.idx)!;
      const has = inp.inBuddy.has(id);
      const managed = has ? buddy.managed(id) : 0;
      totalram += managed;
      if (t.highmem) totalhigh += managed;
      const boost = t.boost;
      return {
        nid: n.nid,
        idx: zl.idx,
        name: zl.name,
        free: has ? buddy.freePages(id) : 0,
        boost,
        min: t.wmark.min + boost,
        low: t.wmark.low + boost,
        high: t.wmark.high + boost,
        promo: t.wmark.promo + boost,
        spanned: zl.spanned,
        present: zl.present,
        managed,
        cma: has ? buddy.cmaPages(id) : 0,
        protection: [...t.lowmemReserve],
        freeCma: has ? buddy.freeCma(id) : 0,
        freeArea: has ? buddy.freeArea(id) : Array.from({ length: maxOrder }, () => mtNames.map(() => 0)),
        blocksByType: has ? buddy.blocksByType(id) : mtNames.map(() => 0),
        pcp: Array.from({ length: inp.cpus }, (_, cpu) => ({ cpu, count: 0, high: t.pcpHigh, batch: t.pcpBatch })),
        statThreshold: t.statThreshold ?? 0,
        nodeUnreclaimable: 0,
        startPfn: zl.startPfn,
        stats: {},
      };
    });
    return { nid: n.nid, zones, stats: {} };
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
    memblock: {
      memory: mb.memory.filter((r) => r.size).map((r) => ({ base: r.base, size: r.size, flags: r.flags, nid: r.nid })),
      reserved: mb.reserved.filter((r) => r.size).map((r) => ({ base: r.base, size: r.size, flags: r.flags, nid: r.nid })),
    },
    counters: {},
    features: { swap: cfg.swap, memoryFailure: cfg.memoryFailure },
  };
}
