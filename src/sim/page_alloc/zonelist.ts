/**
 * Zonelists (mm/page_alloc.c __build_all_zonelists → build_zonelists, find_next_best_node,
 * build_zonelists_in_node_order, build_zonerefs_node, build_thisnode_zonelists). Each node has a
 * FALLBACK list (its own zones, then the other nodes' by distance) and a NOFALLBACK list (its own
 * zones only, for __GFP_THISNODE). Within a node, zones go from the highest index to the lowest;
 * a zone is listed when managed_zone (5.10.89) or populated_zone (6.1) holds.
 */
import type { VersionRules } from '../kernel-behaviour';

export interface ZonelistZone {
  /** the caller's index of the zone (RunState internal zone index) */
  zi: number;
  nid: number;
  /** zone_idx in the profile's enum */
  idx: number;
  present: number;
  managed: number;
}

/** Zonelists of every node, as arrays of internal zone indexes in iteration order. */
export interface Zonelists {
  /** nid → FALLBACK zonelist */
  fallback: Map<number, Int32Array>;
  /** nid → NOFALLBACK zonelist */
  thisnode: Map<number, Int32Array>;
  /** nid → node order of its FALLBACK list (for reports) */
  nodeOrder: Map<number, number[]>;
}

const PENALTY_FOR_NODE_WITH_CPUS = 1;

/** node_distance: the firmware's table, else LOCAL_DISTANCE 10 / REMOTE_DISTANCE 20. */
function distanceOf(distance: number[][] | undefined, a: number, b: number): number {
  const d = distance?.[a]?.[b];
  if (d !== undefined) return d;
  return a === b ? 10 : 20;
}

/**
 * build_all_zonelists for every node with memory. `nodesWithCpus` are the nodes whose cpumask is
 * not empty (find_next_best_node penalises them). node_load[] carries over from one node's list
 * to the next, as the kernel's static array does within __build_all_zonelists.
 */
export function buildAllZonelists(
  rules: Pick<VersionRules, 'zonelistMembership'>,
  zones: readonly ZonelistZone[],
  distance: number[][] | undefined,
  nodesWithCpus: ReadonlySet<number>,
): Zonelists {
  const nodes = [...new Set(zones.map((z) => z.nid))].sort((a, b) => a - b);
  const listed = (z: ZonelistZone) => (rules.zonelistMembership === 'populated' ? z.present > 0 : z.managed > 0);
  const zonesOfNode = (nid: number): number[] =>
    zones.filter((z) => z.nid === nid && listed(z)).sort((a, b) => b.idx - a.idx).map((z) => z.zi);
  const nodeLoad = new Map<number, number>(nodes.map((n) => [n, 0]));
  const maxNodeLoad = nodes.length;
  const out: Zonelists = { fallback: new Map(), thisnode: new Map(), nodeOrder: new Map() };
  for (const local of nodes) {
    const used = new Set<number>();
    const order: number[] = [];
    let prev = local;
    let load = nodes.length;
    for (;;) {
      const node = findNextBestNode(local, used, nodes, distance, nodesWithCpus, nodeLoad, maxNodeLoad);
      if (node < 0) break;
      // build_zonelists: spread the load of equidistant nodes round-robin
      if (distanceOf(distance, local, node) !== distanceOf(distance, local, prev)) nodeLoad.set(node, (nodeLoad.get(node) ?? 0) + load);
      order.push(node);
      prev = node;
      load--;
    }
    out.nodeOrder.set(local, order);
    out.fallback.set(local, Int32Array.from(order.flatMap(zonesOfNode)));
    out.thisnode.set(local, Int32Array.from(zonesOfNode(local)));
  }
  return out;
}

/** find_next_best_node (mm/page_alloc.c). Returns −1 when every node is used. */
function findNextBestNode(
  local: number,
  used: Set<number>,
  nodes: readonly number[],
  distance: number[][] | undefined,
  withCpus: ReadonlySet<number>,
  nodeLoad: Map<number, number>,
  maxNodeLoad: number,
): number {
  if (!used.has(local)) {
    used.add(local);
    return local;
  }
  let best = -1;
  let minVal = Number.MAX_SAFE_INTEGER;
  for (const n of nodes) {
    if (used.has(n)) continue;
    let val = distanceOf(distance, local, n);
    if (n < local) val += 1; // prefer a node after the local one
    if (withCpus.has(n)) val += PENALTY_FOR_NODE_WITH_CPUS;
    val *= maxNodeLoad * 1024; // MAX_NODE_LOAD * MAX_NUMNODES: only the order matters
    val += nodeLoad.get(n) ?? 0;
    if (val < minVal) {
      minVal = val;
      best = n;
    }
  }
  if (best >= 0) used.add(best);
  return best;
}
