/**
 * The kernel's early flat-tree scan (`early_init_dt_scan_nodes`, `drivers/of/fdt.c`): root
 * cells, /chosen, memory nodes and `linux,usable-memory-range`, plus the reserved-memory, CPU,
 * NUMA-distance and dma-ranges information later boot stages read. 5.10 and 6.1 differ in
 * visit order and in which nodes count (drivers/of/fdt.c early_init_dt_scan_nodes, early_init_dt_scan_chosen, early_init_dt_scan_memory); `kernel` decides through kernel-behaviour.ts.
 *
 * The scan only reads: it returns raw (base, size) pairs in scan order and leaves memblock to
 * the caller (`earlyInitDtAddMemoryArch` sanitises one pair the way the kernel does).
 */
import { versionRules } from '../kernel-behaviour';
import { MmError } from '../errors';
import { PAGE_SIZE, type KernelConfig, type KernelVersion } from '../types';
import type { FdtNode, FdtReserveEntry, FdtTree } from './fdt-parse';
import { findNode, isAvailable, propFirstU32, propString, readCells, walkNodes, where } from './fdt-props';
import { scanReservedMem, type ReservedMemScan } from './fdt-reserved-mem';
import { scanCpus, scanDistanceMap, ofDmaGetMaxCpuAddress, type FdtCpu, type FdtDistance } from './fdt-numa';

/** OF_ROOT_NODE_ADDR_CELLS_DEFAULT / OF_ROOT_NODE_SIZE_CELLS_DEFAULT (`drivers/of/of_private.h`). */
export const ROOT_ADDR_CELLS_DEFAULT = 1;
export const ROOT_SIZE_CELLS_DEFAULT = 1;
/** COMMAND_LINE_SIZE on arm64 and x86 (arm32 is 1024). */
export const COMMAND_LINE_SIZE_DEFAULT = 2048;

export interface FdtMemoryRange {
  base: number;
  size: number;
  /** Path of the memory node the pair came from. */
  node: string;
  /** The node has `hotpluggable`: the range is also marked MEMBLOCK_HOTPLUG. */
  hotpluggable: boolean;
  /** The node's `numa-node-id`, or null. */
  nid: number | null;
  /** Decoded from `linux,usable-memory` rather than `reg`. */
  usableMemory: boolean;
}

export interface FdtRange {
  base: number;
  size: number;
}

export interface FdtChosen {
  path: string;
  /** `bootargs` as the kernel copies it (up to the first NUL, at most COMMAND_LINE_SIZE-1 chars), or null. */
  bootargs: string | null;
  /** `linux,initrd-start`/`-end`, each read with len/4 cells; null unless both are present. */
  initrd: { start: number; end: number } | null;
  /** `linux,usable-memory-range`: 5.10 reads the first pair, 6.1 up to two (MAX_USABLE_RANGES). */
  usableMemoryRanges: FdtRange[];
}

export interface FdtScan {
  kernel: KernelVersion;
  rootAddrCells: number;
  rootSizeCells: number;
  chosen: FdtChosen | null;
  /** Raw memory pairs in the kernel's scan order (size-0 pairs already skipped). */
  memory: FdtMemoryRange[];
  /** /memreserve/ entries: each is memblock_reserve'd (never no-map). */
  memReserve: FdtReserveEntry[];
  reservedMem: ReservedMemScan;
  cpus: FdtCpu[];
  distanceMap: FdtDistance[] | null;
  /** arm64 `of_dma_get_max_cpu_address(NULL)`, or null when no available node has dma-ranges. */
  dmaMaxCpuAddress: number | null;
  /** What the kernel would log about the tree (ignored nodes, bad properties). */
  warnings: string[];
}

export interface FdtScanOptions {
  commandLineSize?: number;
}

/** `early_init_dt_scan_root`: the root's #address-cells / #size-cells, default 1 / 1. */
export function scanRootCells(tree: FdtTree): { addrCells: number; sizeCells: number } {
  const cellsOf = (name: string, dflt: number): number => {
    const v = tree.root.props.get(name);
    if (v === undefined) return dflt;
    const n = propFirstU32(tree.root, name);
    if (n === null) throw new MmError('FDT_BAD_PROPERTY', `root ${name} is ${v.length} bytes, expected 4`, where(tree.root, name));
    return n;
  };
  return { addrCells: cellsOf('#address-cells', ROOT_ADDR_CELLS_DEFAULT), sizeCells: cellsOf('#size-cells', ROOT_SIZE_CELLS_DEFAULT) };
}

/** Decode consecutive (addr, size) pairs while a whole pair remains (`dt_mem_next_cell`). */
export function decodePairs(node: FdtNode, prop: string, ac: number, sc: number): FdtRange[] {
  const v = node.props.get(prop);
  if (!v) return [];
  const per = ac + sc;
  if (per === 0) return [];
  const cells = Math.floor(v.length / 4);
  const out: FdtRange[] = [];
  const w = where(node, prop);
  for (let c = 0; cells - c >= per; c += per) {
    out.push({ base: readCells(v, ac, c, w), size: readCells(v, sc, c + ac, w) });
  }
  return out;
}

/** `early_init_dt_check_for_initrd`: start/end each read with as many cells as the property holds. */
function readInitrd(chosen: FdtNode): { start: number; end: number } | null {
  const s = chosen.props.get('linux,initrd-start');
  if (!s) return null;
  const e = chosen.props.get('linux,initrd-end');
  if (!e) return null;
  const start = readCells(s, Math.floor(s.length / 4), 0, where(chosen, 'linux,initrd-start'));
  const end = readCells(e, Math.floor(e.length / 4), 0, where(chosen, 'linux,initrd-end'));
  return { start, end };
}

function readBootargs(chosen: FdtNode, cmdlineSize: number): string | null {
  const v = chosen.props.get('bootargs');
  if (!v || v.length === 0) return null;
  // strlcpy(data, p, min(l, COMMAND_LINE_SIZE)): at most n-1 bytes, stopping at NUL.
  const n = Math.min(v.length, cmdlineSize) - 1;
  const s = propString(chosen, 'bootargs')!;
  return s.length > n ? s.slice(0, n) : s;
}

function findChosen(tree: FdtTree, kernel: KernelVersion): FdtNode | null {
  if (versionRules(kernel).fdt.flatScanLookup) {
    // of_scan_flat_dt visits in DT order; the first depth-1 node named exactly chosen or chosen@0.
    return tree.root.children.find((c) => c.name === 'chosen' || c.name === 'chosen@0') ?? null;
  }
  return findNode(tree, '/chosen') ?? findNode(tree, '/chosen@0');
}

function usableMemoryRanges(chosen: FdtNode, kernel: KernelVersion, ac: number, sc: number, warnings: string[]): FdtRange[] {
  const v = chosen.props.get('linux,usable-memory-range');
  if (!v) return [];
  if (!versionRules(kernel).fdt.usableMemRangeAddsSecond) {
    // early_init_dt_scan_usablemem (arm64): needs len >= ac+sc (bytes compared with cells, as the kernel does).
    if (v.length < ac + sc) return [];
    return decodePairs(chosen, 'linux,usable-memory-range', ac, sc).slice(0, 1);
  }
  // early_init_dt_check_for_usable_mem_range: rejects len % (ac+sc) != 0 (bytes modulo cells, a kernel quirk).
  if (ac + sc === 0 || v.length % (ac + sc) !== 0) {
    warnings.push(`linux,usable-memory-range in ${chosen.path}: length ${v.length} rejected`);
    return [];
  }
  return decodePairs(chosen, 'linux,usable-memory-range', ac, sc).slice(0, 2);
}

function isMemoryNode(n: FdtNode): boolean {
  return propString(n, 'device_type') === 'memory';
}

/** `early_init_dt_scan_memory` for one node: `linux,usable-memory` over `reg`, size-0 pairs skipped. */
function scanMemoryNode(n: FdtNode, ac: number, sc: number, out: FdtMemoryRange[]): void {
  const usable = n.props.has('linux,usable-memory');
  const prop = usable ? 'linux,usable-memory' : 'reg';
  if (!n.props.has(prop)) return;
  const hotpluggable = n.props.has('hotpluggable');
  const nidProp = n.props.get('numa-node-id');
  const nid = nidProp && nidProp.length >= 4 ? readCells(nidProp, 1) : null;
  for (const r of decodePairs(n, prop, ac, sc)) {
    if (r.size === 0) continue;
    out.push({ base: r.base, size: r.size, node: n.path, hotpluggable, nid, usableMemory: usable });
  }
}

/** Scan a parsed tree the way `kernel` does at boot. */
export function fdtScan(tree: FdtTree, kernel: KernelVersion, opts: FdtScanOptions = {}): FdtScan {
  const warnings: string[] = [];
  const { addrCells: ac, sizeCells: sc } = scanRootCells(tree);
  const cmdlineSize = opts.commandLineSize ?? COMMAND_LINE_SIZE_DEFAULT;
  const chosenNode = findChosen(tree, kernel);
  const chosen: FdtChosen | null = chosenNode
    ? {
        path: chosenNode.path,
        bootargs: readBootargs(chosenNode, cmdlineSize),
        initrd: readInitrd(chosenNode),
        // 5.10 arm64 (early_init_dt_scan_usablemem) looks for a depth-1 node named exactly "chosen".
        usableMemoryRanges: (() => {
          const n = versionRules(kernel).fdt.flatScanLookup ? tree.root.children.find((c) => c.name === 'chosen') : chosenNode;
          return n ? usableMemoryRanges(n, kernel, ac, sc, warnings) : [];
        })(),
      }
    : null;
  if (chosen?.initrd && chosen.initrd.end < chosen.initrd.start) {
    warnings.push(`initrd end 0x${chosen.initrd.end.toString(16)} is below its start 0x${chosen.initrd.start.toString(16)}`);
  }

  const memory: FdtMemoryRange[] = [];
  if (versionRules(kernel).fdt.memoryAnyDepth) {
    // of_scan_flat_dt: every node at any depth, status not checked.
    for (const n of walkNodes(tree.root)) if (isMemoryNode(n)) scanMemoryNode(n, ac, sc, memory);
  } else {
    for (const n of tree.root.children) if (isMemoryNode(n) && isAvailable(n)) scanMemoryNode(n, ac, sc, memory);
  }

  return {
    kernel,
    rootAddrCells: ac,
    rootSizeCells: sc,
    chosen,
    memory,
    memReserve: tree.memReserve,
    reservedMem: scanReservedMem(tree, kernel, ac, sc, warnings),
    cpus: scanCpus(tree),
    distanceMap: scanDistanceMap(tree, warnings),
    dmaMaxCpuAddress: ofDmaGetMaxCpuAddress(tree),
    warnings,
  };
}

/**
 * `early_init_dt_add_memory_arch` (generic, `drivers/of/fdt.c`): page-align one memory pair and
 * clip it to [minAddr, maxAddr]. Returns the range to memblock_add, or null to ignore it.
 * minAddr is MIN_MEMBLOCK_ADDR = __pa(PAGE_OFFSET) (PHYS_OFFSET on arm32, 0 elsewhere);
 * maxAddr is MAX_MEMBLOCK_ADDR, the highest addressable byte (default: unlimited).
 */
export function earlyInitDtAddMemoryArch(
  base: number,
  size: number,
  opts: { minAddr?: number; maxAddr?: number } = {},
): FdtRange | null {
  const minAddr = opts.minAddr ?? 0;
  const maxAddr = opts.maxAddr ?? Infinity;
  const off = base % PAGE_SIZE;
  if (size < PAGE_SIZE - off) return null;
  if (off !== 0) {
    size -= PAGE_SIZE - off;
    base += PAGE_SIZE - off;
  }
  size -= size % PAGE_SIZE;
  if (base > maxAddr) return null;
  if (base + size - 1 > maxAddr) size = maxAddr - base + 1;
  if (base + size < minAddr) return null;
  if (base < minAddr) {
    size -= minAddr - base;
    base = minAddr;
  }
  if (size === 0) return null; // memblock_add_range ignores an empty range
  return { base, size };
}

/**
 * CONFIG_CMDLINE handling after /chosen (`early_init_dt_scan_chosen`): EXTEND appends after a
 * space, FORCE replaces, otherwise CONFIG_CMDLINE is used only when bootargs are empty. 5.10 applies
 * it only when a chosen node was found; 6.1 always.
 */
export function applyConfigCmdline(
  bootargs: string | null,
  config: Pick<KernelConfig, 'cmdline' | 'cmdlineMode'>,
  kernel: KernelVersion,
  chosenFound: boolean,
  commandLineSize = COMMAND_LINE_SIZE_DEFAULT,
): string {
  let s = bootargs ?? '';
  if (versionRules(kernel).fdt.flatScanLookup && !chosenFound) return s;
  if (config.cmdlineMode === 'extend') s = s + ' ' + config.cmdline;
  else if (config.cmdlineMode === 'force') s = config.cmdline;
  else if (s === '') s = config.cmdline;
  return s.slice(0, commandLineSize - 1);
}
