/**
 * Flattened device tree (DTB) parser: header validation, memory reservation block, structure
 * block walk and strings block lookup, as libfdt (`scripts/dtc/libfdt/fdt.c`, `fdt_ro.c`) and
 * the kernel's flat-tree scanner (`drivers/of/fdt.c`) read them.
 *
 * Every defect raises an MmError with a stable code and a location "offset 0x… in node /path"
 * (offsets are absolute blob offsets). Time and memory are linear in the blob size: no field of
 * the blob is trusted to size an allocation, property values are views into one copy of the blob,
 * and property names are looked up through a per-offset cache.
 */
import { MmError } from '../errors';

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;
/** Size of a version 17 header (10 big-endian u32 fields). */
export const FDT_V17_HEADER_SIZE = 40;
/** Size of a version 16 header (no size_dt_struct). */
export const FDT_V16_HEADER_SIZE = 36;
/** Nesting bound; the kernel's unflattener uses FDT_MAX_DEPTH = 64 (`drivers/of/fdt.c`). */
export const FDT_MAX_DEPTH = 64;
/** Longest property name accepted (bounds the name-lookup work; real names are < 64 bytes). */
export const FDT_MAX_PROP_NAME = 256;

export interface FdtHeader {
  magic: number;
  totalsize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  sizeDtStrings: number;
  /** Present from version 17; for version 16 it is the length up to and including FDT_END. */
  sizeDtStruct: number;
}

export interface FdtNode {
  /** Full node name including the unit address ("memory@40000000"); "" for the root. */
  name: string;
  /** "/" for the root, otherwise "/parent/name@unit". */
  path: string;
  /** Absolute blob offset of the node's FDT_BEGIN_NODE token. */
  offset: number;
  /** Properties in blob order. A repeated name keeps its first value, as `fdt_getprop` does. */
  props: Map<string, Uint8Array>;
  /** Absolute blob offset of each property's FDT_PROP token (for error locations). */
  propOffsets: Map<string, number>;
  children: FdtNode[];
  parent: FdtNode | null;
  depth: number;
}

export interface FdtReserveEntry {
  address: number;
  size: number;
}

export interface FdtTree {
  header: FdtHeader;
  root: FdtNode;
  /** Memory reservation block (/memreserve/), up to but excluding the first entry with size 0. */
  memReserve: FdtReserveEntry[];
  /** Number of nodes in the tree. */
  nodeCount: number;
  /** Structure-block tokens the walk consumed (a work measure: at most size_dt_struct / 4). */
  tokensRead: number;
}

const hex = (n: number): string => '0x' + n.toString(16);

/** Bytes [start, end) as a Latin-1 string (one char per byte), without a TextDecoder round trip. */
export function bytesToString(b: Uint8Array, start = 0, end = b.length): string {
  let out = '';
  if (end - start <= 64) {
    for (let i = start; i < end; i++) out += String.fromCharCode(b[i]!);
    return out;
  }
  for (let i = start; i < end; i += 4096) {
    out += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  }
  return out;
}

function loc(off: number, path?: string): string {
  return path === undefined ? `DTB offset ${hex(off)}` : `DTB offset ${hex(off)} in node ${path}`;
}

function u32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

/** Read a big-endian u64 as a number; throws FDT_VALUE_TOO_LARGE above 2^53 - 1. */
function u64(b: Uint8Array, off: number, what: string): number {
  const hi = u32(b, off);
  const lo = u32(b, off + 4);
  if (hi > 0x1fffff) {
    throw new MmError('FDT_VALUE_TOO_LARGE', `${what} 0x${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')} does not fit in 53 bits`, loc(off));
  }
  return hi * 0x1_0000_0000 + lo;
}

/** Validate the header (`fdt_check_header`, stricter where the brief asks for it). */
export function parseFdtHeader(b: Uint8Array): FdtHeader {
  if (b.length < 4) throw new MmError('FDT_TRUNCATED', `device tree blob of ${b.length} bytes is shorter than the magic`, loc(0));
  const magic = u32(b, 0);
  if (magic !== FDT_MAGIC) throw new MmError('FDT_BAD_MAGIC', `not a device tree blob: magic ${hex(magic)} is not 0xd00dfeed`, loc(0));
  if (b.length < FDT_V16_HEADER_SIZE) throw new MmError('FDT_TRUNCATED', `device tree blob of ${b.length} bytes is shorter than a version 16 header`, loc(0));
  const version = u32(b, 0x14);
  const lastComp = u32(b, 0x18);
  if (version < 16) throw new MmError('FDT_BAD_VERSION', `version ${version} is older than 16`, loc(0x14));
  if (lastComp > 17) throw new MmError('FDT_BAD_VERSION', `last_comp_version ${lastComp} is newer than 17`, loc(0x18));
  const hdrSize = version >= 17 ? FDT_V17_HEADER_SIZE : FDT_V16_HEADER_SIZE;
  if (b.length < hdrSize) throw new MmError('FDT_TRUNCATED', `device tree blob of ${b.length} bytes is shorter than the ${hdrSize}-byte header`, loc(0));
  const totalsize = u32(b, 0x04);
  if (totalsize > b.length) throw new MmError('FDT_TRUNCATED', `totalsize ${totalsize} exceeds the ${b.length} bytes given`, loc(0x04));
  if (totalsize < hdrSize) throw new MmError('FDT_BAD_OFFSET', `totalsize ${totalsize} is smaller than the header`, loc(0x04));
  const h: FdtHeader = {
    magic,
    totalsize,
    offDtStruct: u32(b, 0x08),
    offDtStrings: u32(b, 0x0c),
    offMemRsvmap: u32(b, 0x10),
    version,
    lastCompVersion: lastComp,
    bootCpuidPhys: u32(b, 0x1c),
    sizeDtStrings: u32(b, 0x20),
    sizeDtStruct: version >= 17 ? u32(b, 0x24) : totalsize - u32(b, 0x08),
  };
  checkBlock(h.offMemRsvmap, 0, hdrSize, totalsize, 'off_mem_rsvmap', 0x10);
  if (h.offMemRsvmap % 8 !== 0) throw new MmError('FDT_BAD_OFFSET', `off_mem_rsvmap ${hex(h.offMemRsvmap)} is not 8-byte aligned`, loc(0x10));
  checkBlock(h.offDtStrings, h.sizeDtStrings, hdrSize, totalsize, 'strings block', 0x0c);
  if (version < 17 && h.offDtStruct > totalsize) {
    throw new MmError('FDT_BAD_OFFSET', `off_dt_struct ${hex(h.offDtStruct)} lies outside totalsize ${hex(totalsize)}`, loc(0x08));
  }
  checkBlock(h.offDtStruct, h.sizeDtStruct, hdrSize, totalsize, 'structure block', 0x08);
  if (h.offDtStruct % 4 !== 0) throw new MmError('FDT_BAD_OFFSET', `off_dt_struct ${hex(h.offDtStruct)} is not 4-byte aligned`, loc(0x08));
  return h;
}

function checkBlock(off: number, size: number, hdrSize: number, total: number, what: string, field: number): void {
  if (off < hdrSize || off > total || size > total - off) {
    throw new MmError('FDT_BAD_OFFSET', `${what} [${hex(off)}, +${hex(size)}) lies outside the blob (header ${hdrSize}, totalsize ${hex(total)})`, loc(field));
  }
}

/** Read the memory reservation block up to the first entry with size 0 (`fdt_get_mem_rsv`). */
function parseMemReserve(b: Uint8Array, h: FdtHeader): FdtReserveEntry[] {
  const out: FdtReserveEntry[] = [];
  for (let off = h.offMemRsvmap; ; off += 16) {
    if (off + 16 > h.totalsize) {
      throw new MmError('FDT_TRUNCATED', `memory reservation block runs past totalsize without a terminating entry`, loc(off));
    }
    const address = u64(b, off, 'memreserve address');
    const size = u64(b, off + 8, 'memreserve size');
    if (size === 0) return out;
    out.push({ address, size });
  }
}

/**
 * Parse a DTB. The input is copied once (up to totalsize); property values are views into
 * that private copy, so later changes to `bytes` do not alter the tree.
 */
export function parseFdt(bytes: Uint8Array): FdtTree {
  const h = parseFdtHeader(bytes);
  const b = bytes.slice(0, h.totalsize);
  const memReserve = parseMemReserve(b, h);
  const sBase = h.offDtStrings;
  const sEnd = h.offDtStrings + h.sizeDtStrings;
  const nameCache = new Map<number, string>();

  const propName = (nameoff: number, at: number, path: string): string => {
    const cached = nameCache.get(nameoff);
    if (cached !== undefined) return cached;
    if (nameoff >= h.sizeDtStrings) {
      throw new MmError('FDT_BAD_STRING', `property name offset ${hex(nameoff)} is outside the ${h.sizeDtStrings}-byte strings block`, loc(at, path));
    }
    const start = sBase + nameoff;
    const limit = Math.min(sEnd, start + FDT_MAX_PROP_NAME + 1);
    let i = start;
    while (i < limit && b[i] !== 0) i++;
    if (i >= limit) {
      const why = i >= sEnd ? 'is not NUL-terminated inside the strings block' : `is longer than ${FDT_MAX_PROP_NAME} bytes`;
      throw new MmError('FDT_BAD_STRING', `property name at strings offset ${hex(nameoff)} ${why}`, loc(at, path));
    }
    if (i === start) throw new MmError('FDT_BAD_STRING', `property name at strings offset ${hex(nameoff)} is empty`, loc(at, path));
    const s = bytesToString(b, start, i);
    nameCache.set(nameoff, s);
    return s;
  };

  const stBase = h.offDtStruct;
  const stEnd = h.offDtStruct + h.sizeDtStruct;
  let p = stBase;
  const token = (path: string): number => {
    if (p + 4 > stEnd) throw new MmError('FDT_TRUNCATED', `structure block ends before the next token`, loc(p, path));
    const t = u32(b, p);
    p += 4;
    return t;
  };
  const align4 = (x: number): number => stBase + ((x - stBase + 3) & ~3);

  let root: FdtNode | null = null;
  let cur: FdtNode | null = null;
  let nodeCount = 0;
  let tokensRead = 0;
  for (;;) {
    tokensRead++;
    const at = p;
    const path = cur ? cur.path : '/';
    const t = token(path);
    if (t === FDT_NOP) continue;
    if (t === FDT_BEGIN_NODE) {
      if (root && !cur) throw new MmError('FDT_BAD_STRUCTURE', `second top-level node after the root was closed`, loc(at));
      let e = p;
      while (e < stEnd && b[e] !== 0) e++;
      if (e >= stEnd) throw new MmError('FDT_TRUNCATED', `node name is not NUL-terminated inside the structure block`, loc(at, path));
      const name = bytesToString(b, p, e);
      const nextP = align4(e + 1);
      if (nextP > stEnd) throw new MmError('FDT_TRUNCATED', `node name padding runs past the structure block`, loc(at, path));
      p = nextP;
      const depth = cur ? cur.depth + 1 : 0;
      if (depth >= FDT_MAX_DEPTH) throw new MmError('FDT_TOO_DEEP', `nodes nest deeper than ${FDT_MAX_DEPTH}`, loc(at, path));
      if (cur && name.length === 0) throw new MmError('FDT_BAD_NAME', `non-root node has an empty name`, loc(at, path));
      if (name.includes('/')) throw new MmError('FDT_BAD_NAME', `node name "${name}" contains '/'`, loc(at, path));
      const node: FdtNode = {
        name: cur ? name : '',
        path: cur ? (cur.path === '/' ? '/' + name : cur.path + '/' + name) : '/',
        offset: at,
        props: new Map(),
        propOffsets: new Map(),
        children: [],
        parent: cur,
        depth,
      };
      nodeCount++;
      if (cur) cur.children.push(node);
      else root = node;
      cur = node;
    } else if (t === FDT_END_NODE) {
      if (!cur) throw new MmError('FDT_BAD_STRUCTURE', `FDT_END_NODE outside any node`, loc(at));
      cur = cur.parent;
    } else if (t === FDT_PROP) {
      if (!cur) throw new MmError('FDT_BAD_STRUCTURE', `FDT_PROP outside any node`, loc(at));
      if (p + 8 > stEnd) throw new MmError('FDT_TRUNCATED', `property header runs past the structure block`, loc(at, path));
      const len = u32(b, p);
      const nameoff = u32(b, p + 4);
      p += 8;
      if (len > stEnd - p) {
        throw new MmError('FDT_BAD_PROPERTY', `property length ${len} runs past the structure block (${stEnd - p} bytes left)`, loc(at, path));
      }
      const name = propName(nameoff, at, path);
      if (!cur.props.has(name)) {
        cur.props.set(name, b.subarray(p, p + len));
        cur.propOffsets.set(name, at);
      }
      p = align4(p + len);
      if (p > stEnd) throw new MmError('FDT_TRUNCATED', `property padding runs past the structure block`, loc(at, path));
    } else if (t === FDT_END) {
      if (cur) throw new MmError('FDT_BAD_STRUCTURE', `FDT_END inside node ${cur.path} (missing FDT_END_NODE)`, loc(at, path));
      if (!root) throw new MmError('FDT_BAD_STRUCTURE', `FDT_END before any node`, loc(at));
      break;
    } else {
      throw new MmError('FDT_BAD_TOKEN', `unknown structure token ${hex(t)}`, loc(at, path));
    }
  }
  return { header: h, root: root!, memReserve, nodeCount, tokensRead };
}
