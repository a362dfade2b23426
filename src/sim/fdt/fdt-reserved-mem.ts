/**
 * /reserved-memory scanning: `__fdt_scan_reserved_mem` (5.10) / `fdt_scan_reserved_mem` (6.1)
 * with `__reserved_mem_check_root`, `__reserved_mem_reserve_reg` and `fdt_reserved_mem_save_node`
 * (`drivers/of/fdt.c`, `drivers/of/of_reserved_mem.c`), plus the property decoding of
 * `__reserved_mem_alloc_size`. Pass 1 (static regions) is returned as the ordered list of
 * reserve/no-map operations; the saved entries (at most 64) feed pass 2, which sorts them with
 * `sortReservedMem` and is carried out by memblock.
 */
import type { KernelVersion } from '../types';
import { versionRules } from '../kernel-behaviour';
import type { FdtNode, FdtTree } from './fdt-parse';
import { findNode, isAvailable, propStringList, readCells, walkNodes, where } from './fdt-props';

/** MAX_RESERVED_REGIONS (`drivers/of/of_reserved_mem.c`). */
export const MAX_RESERVED_REGIONS = 64;

export interface ReservedRegOp {
  /** Node name including the unit address. */
  name: string;
  path: string;
  base: number;
  size: number;
  /** `no-map`: memblock_remove (5.10.0-.7) or mark NOMAP (later), see drivers/of/fdt.c __reserved_mem_reserve_reg and early_init_dt_reserve_memory. */
  noMap: boolean;
}

export interface ReservedMemEntry {
  /** `rmem->name`: the node name including `@unit`. */
  name: string;
  path: string;
  /** Saved base/size: the first `reg` pair, or 0/0 for a dynamic region. */
  base: number;
  size: number;
  dynamic: boolean;
  phandle: number | null;
  compatible: string[];
  noMap: boolean;
  reusable: boolean;
  cmaDefault: boolean;
  /** Dynamic regions: `size`, `alignment` (null when absent) and `alloc-ranges` as decoded. */
  allocSize: number | null;
  alignment: number | null;
  allocRanges: { start: number; size: number }[];
  /**
   * Why `__reserved_mem_alloc_size` would fail before allocating ("invalid size property", …);
   * such an entry stays at size 0 and is skipped by pass 2. Null when the properties are valid.
   */
  allocError: string | null;
}

export interface ReservedMemScan {
  /** 'absent': no node; 'unsupported': cells/ranges check failed ("unsupported node format, ignoring"). */
  status: 'absent' | 'ok' | 'unsupported';
  path: string | null;
  /** Pass-1 operations for every static pair with size > 0, in DT order (also past the 64-entry cap). */
  staticRegs: ReservedRegOp[];
  /** Saved entries in DT order (at most MAX_RESERVED_REGIONS). */
  entries: ReservedMemEntry[];
  /** Entries the kernel could not save ("not enough space for all defined regions"). */
  dropped: number;
}

function findReservedMemoryNode(tree: FdtTree, kernel: KernelVersion): FdtNode | null {
  if (versionRules(kernel).fdt.flatScanLookup) return tree.root.children.find((c) => c.name === 'reserved-memory') ?? null;
  return findNode(tree, '/reserved-memory');
}

function cellsEqual(node: FdtNode, prop: string, want: number): boolean {
  const v = node.props.get(prop);
  return !!v && v.length >= 4 && readCells(v, 1) === want;
}

function readDynamic(n: FdtNode, ac: number, sc: number): Pick<ReservedMemEntry, 'allocSize' | 'alignment' | 'allocRanges' | 'allocError'> {
  const res = { allocSize: null as number | null, alignment: null as number | null, allocRanges: [] as { start: number; size: number }[], allocError: null as string | null };
  const size = n.props.get('size')!;
  if (size.length !== sc * 4) return { ...res, allocError: `invalid size property in '${n.name}' node` };
  res.allocSize = readCells(size, sc, 0, where(n, 'size'));
  const align = n.props.get('alignment');
  if (align) {
    if (align.length !== ac * 4) return { ...res, allocError: `invalid alignment property in '${n.name}' node` };
    res.alignment = readCells(align, ac, 0, where(n, 'alignment'));
  }
  const ranges = n.props.get('alloc-ranges');
  if (ranges) {
    const t = (ac + sc) * 4;
    if (t === 0 || ranges.length % t !== 0) return { ...res, allocError: `invalid alloc-ranges property in '${n.name}', skipping node` };
    const w = where(n, 'alloc-ranges');
    for (let c = 0; c * 4 < ranges.length; c += ac + sc) {
      res.allocRanges.push({ start: readCells(ranges, ac, c, w), size: readCells(ranges, sc, c + ac, w) });
    }
  }
  return res;
}

function makeEntry(n: FdtNode, base: number, size: number, dynamic: boolean, ac: number, sc: number): ReservedMemEntry {
  const ph = n.props.get('phandle') ?? n.props.get('linux,phandle');
  const phandle = ph && ph.length >= 4 ? readCells(ph, Math.floor(ph.length / 4), 0, where(n, 'phandle')) : null;
  const dyn = dynamic ? readDynamic(n, ac, sc) : { allocSize: null, alignment: null, allocRanges: [], allocError: null };
  return {
    name: n.name,
    path: n.path,
    base,
    size,
    dynamic,
    phandle,
    compatible: propStringList(n, 'compatible'),
    noMap: n.props.has('no-map'),
    reusable: n.props.has('reusable'),
    cmaDefault: n.props.has('linux,cma-default'),
    ...dyn,
  };
}

export function scanReservedMem(tree: FdtTree, kernel: KernelVersion, ac: number, sc: number, warnings: string[]): ReservedMemScan {
  const rm = findReservedMemoryNode(tree, kernel);
  const scan: ReservedMemScan = { status: 'absent', path: null, staticRegs: [], entries: [], dropped: 0 };
  if (!rm) return scan;
  scan.path = rm.path;
  if (!cellsEqual(rm, '#size-cells', sc) || !cellsEqual(rm, '#address-cells', ac) || !rm.props.has('ranges')) {
    warnings.push('Reserved memory: unsupported node format, ignoring');
    scan.status = 'unsupported';
    return scan;
  }
  scan.status = 'ok';
  const save = (e: ReservedMemEntry): void => {
    if (scan.entries.length >= MAX_RESERVED_REGIONS) {
      scan.dropped++;
      warnings.push(`not enough space for all defined regions (${e.path})`);
    } else scan.entries.push(e);
  };
  // 6.1: direct children. 5.10: the flat scan also hands deeper descendants to the same routine.
  const nodes: FdtNode[] = [];
  if (versionRules(kernel).fdt.reservedMemoryDescendants) for (const n of walkNodes(rm)) { if (n !== rm) nodes.push(n); }
  else nodes.push(...rm.children);
  const t = ac + sc;
  for (const n of nodes) {
    if (!isAvailable(n)) continue;
    const reg = n.props.get('reg');
    if (!reg) {
      // -ENOENT from __reserved_mem_reserve_reg: a node with `size` is a dynamic region.
      if (n.props.has('size')) save(makeEntry(n, 0, 0, true, ac, sc));
      continue;
    }
    if (reg.length && (t === 0 || reg.length % (t * 4) !== 0)) {
      warnings.push(`Reserved memory: invalid reg property in '${n.name}', skipping node.`);
      continue;
    }
    const noMap = n.props.has('no-map');
    const w = where(n, 'reg');
    for (let c = 0; t > 0 && (c + t) * 4 <= reg.length; c += t) {
      const base = readCells(reg, ac, c, w);
      const size = readCells(reg, sc, c + ac, w);
      if (size > 0) scan.staticRegs.push({ name: n.name, path: n.path, base, size, noMap });
      if (c === 0) save(makeEntry(n, base, size, false, ac, sc));
    }
  }
  return scan;
}

