/**
 * Declarative topology → device tree: memory banks, /reserved-memory children, /chosen
 * (bootargs, initrd), CPUs with NUMA ids and a distance map, turned into a DTB with the same
 * layout QEMU's `virt` board uses (root #address-cells = #size-cells = 2 unless given).
 */
import type { FdtReserveEntry } from './fdt-parse';
import { buildFdt, encodeCells, type FdtNodeSpec, type FdtPropValue } from './fdt-build';

export interface TopologyBank {
  base: number;
  size: number;
  nid?: number;
  hotpluggable?: boolean;
  status?: string;
}

export interface TopologyReserved {
  /** Node name, e.g. "linux,cma" or "nomap@60000000". */
  name: string;
  /** Static region(s). */
  reg?: { base: number; size: number }[];
  /** Dynamic region: size, optional alignment and alloc-ranges. */
  size?: number;
  alignment?: number;
  allocRanges?: { start: number; size: number }[];
  noMap?: boolean;
  reusable?: boolean;
  compatible?: string | string[];
  cmaDefault?: boolean;
  status?: string;
  phandle?: number;
}

export interface FdtTopology {
  addrCells?: number;
  sizeCells?: number;
  memory: TopologyBank[];
  reserved?: TopologyReserved[];
  bootargs?: string;
  initrd?: { start: number; end: number };
  /** One entry per CPU; `nid` becomes `numa-node-id`. */
  cpus?: { nid?: number }[];
  distances?: { from: number; to: number; distance: number }[];
  memReserve?: FdtReserveEntry[];
}

const hexName = (n: number): string => n.toString(16);

export function topologyFdtSpec(t: FdtTopology): { root: FdtNodeSpec; memReserve?: FdtReserveEntry[] } {
  const ac = t.addrCells ?? 2;
  const sc = t.sizeCells ?? 2;
  const regOf = (pairs: { base: number; size: number }[]): FdtPropValue => {
    // Address and size may use different cell counts: encode each separately and concatenate.
    const bytes: number[] = [];
    for (const p of pairs) {
      bytes.push(...encodeNumber(p.base, ac), ...encodeNumber(p.size, sc));
    }
    return new Uint8Array(bytes);
  };
  const children: FdtNodeSpec[] = [];
  if (t.cpus?.length) {
    children.push({
      name: 'cpus',
      props: { '#address-cells': [1], '#size-cells': [0] },
      children: t.cpus.map((c, i) => ({
        name: `cpu@${hexName(i)}`,
        props: { device_type: 'cpu', compatible: 'arm,cortex-a57', reg: [i], ...(c.nid !== undefined ? { 'numa-node-id': [c.nid] } : {}) },
      })),
    });
  }
  for (const m of t.memory) {
    const props: Record<string, FdtPropValue> = { device_type: 'memory', reg: regOf([m]) };
    if (m.nid !== undefined) props['numa-node-id'] = [m.nid];
    if (m.hotpluggable) props['hotpluggable'] = true;
    if (m.status !== undefined) props['status'] = m.status;
    children.push({ name: `memory@${hexName(m.base)}`, props });
  }
  if (t.reserved?.length) {
    children.push({
      name: 'reserved-memory',
      props: { '#address-cells': [ac], '#size-cells': [sc], ranges: true },
      children: t.reserved.map((r) => {
        const props: Record<string, FdtPropValue> = {};
        if (r.compatible !== undefined) props['compatible'] = Array.isArray(r.compatible) ? r.compatible : [r.compatible];
        if (r.reg) props['reg'] = regOf(r.reg);
        if (r.size !== undefined) props['size'] = new Uint8Array(encodeNumber(r.size, sc));
        if (r.alignment !== undefined) props['alignment'] = new Uint8Array(encodeNumber(r.alignment, ac));
        if (r.allocRanges) props['alloc-ranges'] = regOf(r.allocRanges.map((x) => ({ base: x.start, size: x.size })));
        if (r.noMap) props['no-map'] = true;
        if (r.reusable) props['reusable'] = true;
        if (r.cmaDefault) props['linux,cma-default'] = true;
        if (r.status !== undefined) props['status'] = r.status;
        if (r.phandle !== undefined) props['phandle'] = [r.phandle];
        return { name: r.name, props };
      }),
    });
  }
  if (t.distances?.length) {
    children.push({
      name: 'distance-map',
      props: { compatible: 'numa-distance-map-v1', 'distance-matrix': t.distances.flatMap((d) => [d.from, d.to, d.distance]) },
    });
  }
  const chosen: Record<string, FdtPropValue> = {};
  if (t.bootargs !== undefined) chosen['bootargs'] = t.bootargs;
  if (t.initrd) {
    chosen['linux,initrd-start'] = { cells: [t.initrd.start], size: t.initrd.start > 0xffffffff ? 2 : 1 };
    chosen['linux,initrd-end'] = { cells: [t.initrd.end], size: t.initrd.end > 0xffffffff ? 2 : 1 };
  }
  children.push({ name: 'chosen', props: chosen });
  return {
    root: { name: '', props: { '#address-cells': [ac], '#size-cells': [sc], compatible: 'linux,dummy-virt', model: 'linux,dummy-virt' }, children },
    ...(t.memReserve ? { memReserve: t.memReserve } : {}),
  };
}

function encodeNumber(v: number, cells: number): number[] {
  return Array.from(encodeCells([v], cells));
}

/** Build a DTB from a declarative topology. */
export function buildTopologyFdt(t: FdtTopology): Uint8Array {
  return buildFdt(topologyFdtSpec(t));
}
