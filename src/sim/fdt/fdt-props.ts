/**
 * Property decoding helpers for parsed FDT nodes: cells (`of_read_number`), strings, string
 * lists, and path lookup with libfdt's node-name matching (`fdt_path_offset`).
 */
import { MmError } from '../errors';
import { bytesToString, type FdtNode, type FdtTree } from './fdt-parse';

const TWO32 = 0x1_0000_0000;

function cell(bytes: Uint8Array, i: number): number {
  const o = i * 4;
  return ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>> 0;
}

/**
 * `of_read_number`: assemble `cells` big-endian u32 cells starting at cell index `at`.
 * Like the kernel only the low 64 bits survive (more than 2 cells: the leading cells are
 * dropped). A value above 2^53 - 1 cannot be represented exactly and raises
 * FDT_VALUE_TOO_LARGE; reading past the property raises FDT_BAD_PROPERTY.
 */
export function readCells(bytes: Uint8Array, cells: number, at = 0, where?: string): number {
  if (!Number.isInteger(cells) || cells < 0) {
    throw new MmError('FDT_BAD_PROPERTY', `cannot read ${cells} cells`, where);
  }
  if ((at + cells) * 4 > bytes.length) {
    throw new MmError('FDT_BAD_PROPERTY', `reading ${cells} cell(s) at cell ${at} runs past the ${bytes.length}-byte property`, where);
  }
  const lo = cells >= 1 ? cell(bytes, at + cells - 1) : 0;
  const hi = cells >= 2 ? cell(bytes, at + cells - 2) : 0;
  if (hi > 0x1fffff) {
    throw new MmError(
      'FDT_VALUE_TOO_LARGE',
      `value 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} does not fit in 53 bits`,
      where,
    );
  }
  return hi * TWO32 + lo;
}

/** The property as a u32, or null when absent; FDT_BAD_PROPERTY unless it is exactly 4 bytes. */
export function propU32(node: FdtNode, name: string): number | null {
  const v = node.props.get(name);
  if (v === undefined) return null;
  if (v.length !== 4) {
    throw new MmError('FDT_BAD_PROPERTY', `property ${name} is ${v.length} bytes, expected 4`, where(node, name));
  }
  return cell(v, 0);
}

/** The property's first u32 like `be32_to_cpup`, or null when absent or shorter than 4 bytes. */
export function propFirstU32(node: FdtNode, name: string): number | null {
  const v = node.props.get(name);
  if (v === undefined || v.length < 4) return null;
  return cell(v, 0);
}


/**
 * The property as a C string (up to the first NUL, as strcmp would read it), or null when
 * absent. A value without NUL is taken whole.
 */
export function propString(node: FdtNode, name: string): string | null {
  const v = node.props.get(name);
  if (v === undefined) return null;
  const nul = v.indexOf(0);
  return bytesToString(v, 0, nul < 0 ? v.length : nul);
}

/** A string-list property (`compatible`): the NUL-separated strings; a trailing piece without NUL is kept. */
export function propStringList(node: FdtNode, name: string): string[] {
  const v = node.props.get(name);
  if (v === undefined || v.length === 0) return [];
  const out: string[] = [];
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === 0) {
      out.push(bytesToString(v, s, i));
      s = i + 1;
    }
  }
  if (s < v.length) out.push(bytesToString(v, s));
  return out;
}

/** `of_fdt_device_is_available`: status absent, "okay" or "ok". */
export function isAvailable(node: FdtNode): boolean {
  const s = propString(node, 'status');
  return s === null || s === 'okay' || s === 'ok';
}

/** `of_flat_dt_is_compatible`-style membership test. */
export function isCompatible(node: FdtNode, compat: string): boolean {
  return propStringList(node, 'compatible').includes(compat);
}

/**
 * libfdt `fdt_nodename_eq_`: "name" matches "name" and, when the search string has no unit
 * address, also "name@anything".
 */
export function nodeNameMatches(nodeName: string, search: string): boolean {
  if (nodeName === search) return true;
  return !search.includes('@') && nodeName.startsWith(search) && nodeName[search.length] === '@';
}

/** `fdt_path_offset`: walk the absolute path component by component; the first matching child wins. */
export function findNode(tree: FdtTree, path: string): FdtNode | null {
  if (!path.startsWith('/')) return null;
  let node: FdtNode | null = tree.root;
  for (const part of path.split('/')) {
    if (part === '') continue;
    node = node.children.find((c) => nodeNameMatches(c.name, part)) ?? null;
    if (!node) return null;
  }
  return node;
}

/** Pre-order walk over every node (iterative; the parser bounds the depth). */
export function* walkNodes(root: FdtNode): Generator<FdtNode> {
  const stack: FdtNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
}

/** Location string for a property: "offset 0x… in node /path (property name)". */
export function where(node: FdtNode, prop?: string): string {
  const off = prop !== undefined ? node.propOffsets.get(prop) ?? node.offset : node.offset;
  return `offset 0x${off.toString(16)} in node ${node.path}${prop !== undefined ? ` (property ${prop})` : ''}`;
}
