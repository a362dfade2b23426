/**
 * CPU nodes, the NUMA distance map and the arm64 dma-ranges walk.
 * - `scanCpus`: `for_each_of_cpu_node` (`drivers/of/base.c`) with `numa-node-id` (`of_numa_parse_cpu_nodes`).
 * - `scanDistanceMap`: `of_numa_parse_distance_map_v1` (`drivers/of/of_numa.c`).
 * - `ofDmaGetMaxCpuAddress`: `of_dma_get_max_cpu_address` (`drivers/of/address.c`), which sizes
 *   arm64 ZONE_DMA (`zone_dma_bits` in arch/arm64/mm/init.c zone_sizes_init, from of_dma_get_max_cpu_address in drivers/of/address.c).
 */
import { MmError } from '../errors';
import type { FdtNode, FdtTree } from './fdt-parse';
import { findNode, isAvailable, isCompatible, propFirstU32, propString, readCells, walkNodes, where } from './fdt-props';

export interface FdtCpu {
  path: string;
  /** First `reg` value (the MPIDR / hart id), read with /cpus #address-cells, or null. */
  reg: number | null;
  nid: number | null;
  available: boolean;
}

export interface FdtDistance {
  from: number;
  to: number;
  distance: number;
}

/** LOCAL_DISTANCE (`include/linux/topology.h`). */
export const LOCAL_DISTANCE = 10;

function nodeNameBase(name: string): string {
  const at = name.indexOf('@');
  return at < 0 ? name : name.slice(0, at);
}

/** CPU nodes under /cpus: named "cpu" (unit address ignored) or with device_type "cpu". */
export function scanCpus(tree: FdtTree): FdtCpu[] {
  const cpus = findNode(tree, '/cpus');
  if (!cpus) return [];
  const acRaw = propFirstU32(cpus, '#address-cells');
  const ac = acRaw === null ? 1 : acRaw;
  const out: FdtCpu[] = [];
  for (const c of cpus.children) {
    if (nodeNameBase(c.name) !== 'cpu' && propString(c, 'device_type') !== 'cpu') continue;
    const regProp = c.props.get('reg');
    const reg = regProp && ac > 0 && ac <= 2 && regProp.length >= ac * 4 ? readCells(regProp, ac, 0, where(c, 'reg')) : null;
    const nidProp = c.props.get('numa-node-id');
    const nid = nidProp && nidProp.length >= 4 ? readCells(nidProp, 1) : null;
    out.push({ path: c.path, reg, nid, available: isAvailable(c) });
  }
  return out;
}

/**
 * The first node compatible with "numa-distance-map-v1": its `distance-matrix` (from, to,
 * distance) triplets in order. Invalid entries (local distance other than 10, remote distance
 * <= 10) make the kernel reject the whole map: null plus a warning. Null when absent.
 */
export function scanDistanceMap(tree: FdtTree, warnings: string[]): FdtDistance[] | null {
  let map: FdtNode | null = null;
  for (const n of walkNodes(tree.root)) {
    if (isCompatible(n, 'numa-distance-map-v1')) {
      map = n;
      break;
    }
  }
  if (!map) return null;
  const m = map.props.get('distance-matrix');
  if (!m) {
    warnings.push(`No distance-matrix property in ${map.path}`);
    return null;
  }
  const count = Math.floor(m.length / 4);
  if (count <= 0) {
    warnings.push(`empty distance-matrix in ${map.path}`);
    return null;
  }
  const out: FdtDistance[] = [];
  for (let i = 0; i + 2 < count; i += 3) {
    const from = readCells(m, 1, i);
    const to = readCells(m, 1, i + 1);
    const distance = readCells(m, 1, i + 2);
    if ((from === to && distance !== LOCAL_DISTANCE) || (from !== to && distance <= LOCAL_DISTANCE)) {
      warnings.push(`Invalid distance[node${from} -> node${to}] = ${distance} in ${map.path}`);
      return null;
    }
    out.push({ from, to, distance });
  }
  return out;
}

/** `of_bus_n_addr_cells` / `of_bus_n_size_cells`: the node's own value, else the nearest ancestor's, else 1. */
function busCells(n: FdtNode | null, prop: '#address-cells' | '#size-cells'): number {
  for (let p = n; p; p = p.parent) {
    const v = p.props.get(prop);
    if (v && v.length >= 4) return propFirstU32(p, prop)!;
  }
  return 1;
}

function isPciBus(n: FdtNode): boolean {
  const t = propString(n, 'device_type');
  return t === 'pci' || t === 'pciex';
}

/**
 * Highest CPU address reachable by DMA: the minimum over every available node with a non-empty
 * `dma-ranges` of (cpu_addr + size - 1) maximised over its ranges. Null stands for PHYS_ADDR_MAX
 * (no dma-ranges anywhere). The CPU address is read untranslated in the parent's address cells
 * (the kernel translates it through the ancestors' ranges; trees that rely on a non-identity
 * translation above a dma-ranges node are not modelled).
 */
export function ofDmaGetMaxCpuAddress(tree: FdtTree): number | null {
  let best: number | null = null;
  const stack: FdtNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    const dr = n.props.get('dma-ranges');
    if (dr && dr.length > 0) {
      const na = busCells(n, '#address-cells');
      const pna = busCells(n.parent ?? n, '#address-cells');
      const ns = busCells(n, '#size-cells');
      const per = na + pna + ns;
      const cells = Math.floor(dr.length / 4);
      let cpuEnd = 0;
      if (per > 0 && (!isPciBus(n) || na >= 1)) {
        const w = where(n, 'dma-ranges');
        for (let c = 0; c + per <= cells; c += per) {
          let cpu: number;
          let size: number;
          try {
            cpu = readCells(dr, pna, c + na, w);
            size = readCells(dr, ns, c + na + pna, w);
          } catch (e) {
            // A range reaching beyond 2^53 cannot lower the limit of any real machine.
            if (e instanceof MmError && e.code === 'FDT_VALUE_TOO_LARGE') {
              cpuEnd = Infinity;
              continue;
            }
            throw e;
          }
          if (cpu + size > cpuEnd) cpuEnd = cpu + size - 1;
        }
      }
      if (cpuEnd !== Infinity && (best === null || cpuEnd < best)) best = cpuEnd;
    }
    for (let i = n.children.length - 1; i >= 0; i--) {
      const c = n.children[i]!;
      if (isAvailable(c)) stack.push(c);
    }
  }
  return best;
}
