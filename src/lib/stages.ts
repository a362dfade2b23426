/**
 * Plain-data snapshots of a machine's boot stages, for notebooks and plots: what the firmware
 * described, the memblock maps with the model's named reservations, the node/zone layout, and
 * the buddy free lists after the hand-over. Structured-clonable (no class instances).
 */
import { zoneId, type Machine, type MachineView } from '../sim/index';

export interface Region { base: number; size: number; flags: number; nid: number }

export interface MachineStages {
  firmware: {
    kind: string;
    banks: Array<{ base: number; size: number; nid: number }>;
    reservedMemory: Array<{ name: string; base: number; size: number; dynamic: boolean; noMap: boolean; reusable: boolean; compatible: string[] }>;
    bootargs: string | null;
    initrd: { start: number; size: number } | null;
    dtb: { base: number; size: number } | null;
    cpus: number;
  };
  cmdline: string;
  memblock: {
    memory: Region[];
    reserved: Region[];
    /** the memblock=debug lines the boot printed (empty without memblock=debug) */
    log: string[];
    /** the model's reservations by name (kernel image, memmap, page tables, CMA, …) */
    reservations: Array<{ what: string; base: number; size: number }>;
    source: 'model' | 'boot-log' | 'reserved' | 'zoneinfo';
  };
  cma: Array<{ name: string; base: number; size: number; fromDt: boolean }>;
  zones: Array<{ nid: number; idx: number; name: string; startPfn: number; spanned: number; present: number; managed: number; managedAtWatermarks: number }>;
  buddy: Array<{ nid: number; zone: string; nrFree: number[]; freePages: number; freeCma: number }>;
  lateFrees: Array<{ what: string; kb: number; beforeInitcalls: boolean }>;
  dmesg: string[];
}

export function machineStages(m: Machine): MachineStages {
  const p = m.parts;
  const v: MachineView = m.view();
  const fw = p.fw;
  const mb = p.memblock;
  const nz = p.names.length;
  return {
    firmware: {
      kind: fw?.kind ?? 'zoneinfo',
      banks: (fw?.banks ?? []).map((b) => ({ base: b.base, size: b.size, nid: b.nid })),
      reservedMemory: (fw?.reservedMem.entries ?? []).map((e) => ({ name: e.name, base: e.base, size: e.size || e.allocSize || 0, dynamic: e.dynamic, noMap: e.noMap, reusable: e.reusable, compatible: [...e.compatible] })),
      bootargs: fw?.bootargs ?? null,
      initrd: fw?.initrd ? { ...fw.initrd } : null,
      dtb: fw?.dtb ? { base: fw.dtb.base, size: fw.dtb.size } : null,
      cpus: p.cpus,
    },
    cmdline: p.cmdline,
    memblock: {
      memory: (mb?.memory ?? []).filter((r) => r.size).map((r) => ({ base: r.base, size: r.size, flags: r.flags, nid: r.nid })),
      reserved: (mb?.reserved ?? []).filter((r) => r.size).map((r) => ({ base: r.base, size: r.size, flags: r.flags, nid: r.nid })),
      log: [...p.memblockLog],
      reservations: coalesce(p.reservations),
      source: p.source,
    },
    cma: p.cmaAreas.map((a) => ({ ...a })),
    zones: v.nodes.flatMap((n) => n.zones.map((z) => ({
      nid: z.nid, idx: z.idx, name: z.name, startPfn: z.startPfn, spanned: z.spanned, present: z.present, managed: z.managed,
      managedAtWatermarks: p.managedAtWmark.get(zoneId(z.nid, z.idx, nz)) ?? z.managed,
    }))),
    buddy: v.nodes.flatMap((n) => n.zones.filter((z) => z.present > 0).map((z) => ({
      nid: z.nid, zone: z.name, nrFree: z.freeArea.map((row) => row.reduce((a, b) => a + b, 0)), freePages: z.free, freeCma: z.freeCma,
    }))),
    lateFrees: p.lateFrees.map((f) => ({ ...f })),
    dmesg: [...p.layout.dmesg, ...p.dmesg],
  };
}

/** Adjacent reservations of the same kind (e.g. hundreds of page-table pages) become one row. */
function coalesce(rs: ReadonlyArray<{ what: string; base: number; size: number }>): Array<{ what: string; base: number; size: number }> {
  const out: Array<{ what: string; base: number; size: number }> = [];
  for (const r of [...rs].sort((a, b) => a.base - b.base)) {
    const last = out[out.length - 1];
    if (last && last.what === r.what && last.base + last.size === r.base) last.size += r.size;
    else out.push({ ...r });
  }
  return out;
}
