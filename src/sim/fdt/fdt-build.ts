/**
 * A small DTB writer (the layout dtc emits: header, memory reservation block, structure block,
 * strings block; version 17, last_comp_version 16). Used by tests and by declarative
 * topologies to produce blobs that `parseFdt` and the kernel's scanner accept.
 */
import { MmError } from '../errors';
import { FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_MAGIC, FDT_PROP, FDT_V17_HEADER_SIZE, type FdtReserveEntry } from './fdt-parse';

/**
 * A property value: `true` (empty, e.g. `no-map`), a string (NUL-terminated), a string list,
 * raw bytes, or cells (`{ cells: [...], size: n }` encodes each value in n big-endian u32 cells;
 * a plain number[] is a list of u32 cells).
 */
export type FdtPropValue = true | string | string[] | Uint8Array | number[] | { cells: number[]; size: number };

export interface FdtNodeSpec {
  /** Node name with unit address; "" for the root. */
  name: string;
  props?: Record<string, FdtPropValue>;
  children?: FdtNodeSpec[];
}

export interface FdtSpec {
  root: FdtNodeSpec;
  memReserve?: FdtReserveEntry[];
  bootCpuidPhys?: number;
}

const enc = new TextEncoder();

function checkU64(v: number, what: string): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new MmError('FDT_BUILD_BAD_VALUE', `${what} ${v} is not an integer in [0, 2^53)`);
}

/** Encode values as big-endian numbers of `size` u32 cells each (the high cells of a >2-cell value are 0). */
export function encodeCells(values: readonly number[], size: number): Uint8Array {
  if (!Number.isInteger(size) || size < 0 || size > 4) throw new MmError('FDT_BUILD_BAD_VALUE', `cell size ${size} is not 0..4`);
  const out = new Uint8Array(values.length * size * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    checkU64(v, 'cell value');
    const base = i * size * 4;
    const hi = Math.floor(v / 0x1_0000_0000);
    const lo = v % 0x1_0000_0000;
    if (size === 0) return;
    if (size === 1 && hi !== 0) throw new MmError('FDT_BUILD_BAD_VALUE', `value 0x${v.toString(16)} does not fit in one cell`);
    dv.setUint32(base + (size - 1) * 4, lo);
    if (size >= 2) dv.setUint32(base + (size - 2) * 4, hi);
  });
  return out;
}

export function encodeProp(v: FdtPropValue): Uint8Array {
  if (v === true) return new Uint8Array(0);
  if (typeof v === 'string') return enc.encode(v + '\0');
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return enc.encode((v as string[]).map((s) => s + '\0').join(''));
    return encodeCells(v as number[], 1);
  }
  return encodeCells(v.cells, v.size);
}

class ByteSink {
  private buf = new Uint8Array(256);
  len = 0;
  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }
  u32(v: number): void {
    this.grow(4);
    new DataView(this.buf.buffer).setUint32(this.len, v >>> 0);
    this.len += 4;
  }
  bytes(b: Uint8Array): void {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  pad4(): void {
    while (this.len % 4) this.bytes(new Uint8Array(1));
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Serialise a node tree into a version 17 DTB. */
export function buildFdt(spec: FdtSpec): Uint8Array {
  const strings = new ByteSink();
  const strOff = new Map<string, number>();
  const nameOff = (s: string): number => {
    let o = strOff.get(s);
    if (o === undefined) {
      o = strings.len;
      strOff.set(s, o);
      strings.bytes(enc.encode(s + '\0'));
    }
    return o;
  };
  const st = new ByteSink();
  const emit = (n: FdtNodeSpec, depth: number): void => {
    if (depth > 0 && (!n.name || n.name.includes('/'))) throw new MmError('FDT_BUILD_BAD_VALUE', `bad node name "${n.name}"`);
    st.u32(FDT_BEGIN_NODE);
    st.bytes(enc.encode((depth === 0 ? '' : n.name) + '\0'));
    st.pad4();
    for (const [k, v] of Object.entries(n.props ?? {})) {
      const val = encodeProp(v);
      st.u32(FDT_PROP);
      st.u32(val.length);
      st.u32(nameOff(k));
      st.bytes(val);
      st.pad4();
    }
    for (const c of n.children ?? []) emit(c, depth + 1);
    st.u32(FDT_END_NODE);
  };
  emit(spec.root, 0);
  st.u32(FDT_END);

  const rsv = new ByteSink();
  for (const r of spec.memReserve ?? []) {
    checkU64(r.address, 'memreserve address');
    checkU64(r.size, 'memreserve size');
    rsv.bytes(encodeCells([r.address, r.size], 2));
  }
  rsv.bytes(new Uint8Array(16));

  const offRsv = FDT_V17_HEADER_SIZE; // 40 is 8-byte aligned
  const offStruct = offRsv + rsv.len;
  const structBytes = st.result();
  const offStrings = offStruct + structBytes.length;
  const stringBytes = strings.result();
  const total = offStrings + stringBytes.length;
  const out = new ByteSink();
  for (const v of [FDT_MAGIC, total, offStruct, offStrings, offRsv, 17, 16, spec.bootCpuidPhys ?? 0, stringBytes.length, structBytes.length]) out.u32(v);
  out.bytes(rsv.result());
  out.bytes(structBytes);
  out.bytes(stringBytes);
  return out.result();
}
