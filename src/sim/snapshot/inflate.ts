/**
 * gzip (RFC 1952) / DEFLATE (RFC 1951) decoding of bytes, so that a snapshot's kpageflags.gz can be
 * given as it was captured, in the browser as in Node, without I/O or async streams (src/sim stays
 * pure). The CLI inflates with Node's zlib before calling in (faster); this is the fallback.
 */
import { MmError } from '../errors';

const fail = (msg: string): never => {
  throw new MmError('SNAPSHOT_KPAGEFLAGS', `kpageflags: the gzip data is corrupt: ${msg}`, 'kpageflags');
};

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman decoding table: for each (bits, reversed code) the symbol, as (len << 16) | sym in a 2^maxLen table. */
interface Table {
  t: Int32Array;
  bits: number;
}

function buildTable(lengths: ArrayLike<number>, n: number): Table {
  let maxLen = 0;
  for (let i = 0; i < n; i++) if (lengths[i]! > maxLen) maxLen = lengths[i]!;
  if (maxLen === 0) return { t: new Int32Array(1).fill(-1), bits: 0 };
  const count = new Int32Array(16);
  for (let i = 0; i < n; i++) count[lengths[i]!]++;
  count[0] = 0;
  const next = new Int32Array(16);
  let code = 0;
  for (let l = 1; l <= 15; l++) {
    code = (code + count[l - 1]) << 1;
    next[l] = code;
  }
  const size = 1 << maxLen;
  const t = new Int32Array(size).fill(-1);
  for (let sym = 0; sym < n; sym++) {
    const len = lengths[sym]!;
    if (!len) continue;
    const c = next[len]++;
    // reverse the code's bits (DEFLATE sends Huffman codes MSB first into an LSB-first stream)
    let r = 0;
    for (let k = 0; k < len; k++) r |= ((c >> k) & 1) << (len - 1 - k);
    for (let k = r; k < size; k += 1 << len) t[k] = (len << 16) | sym;
  }
  return { t, bits: maxLen };
}

let FIXED_LIT: Table | null = null;
let FIXED_DIST: Table | null = null;

/** Inflate raw DEFLATE data starting at `pos`; returns the output (at most maxOut bytes) and the end position. */
function inflateRaw(src: Uint8Array, pos: number, sizeHint: number, maxOut: number): { out: Uint8Array; end: number } {
  let out = new Uint8Array(Math.max(1024, Math.min(sizeHint, maxOut)));
  let op = 0;
  let bitBuf = 0;
  let bitCnt = 0;
  let p = pos;
  const need = (n: number): void => {
    while (bitCnt < n) {
      if (p >= src.length) fail('unexpected end of data');
      bitBuf |= src[p++]! << bitCnt;
      bitCnt += 8;
    }
  };
  const bits = (n: number): number => {
    if (n === 0) return 0;
    need(n);
    const v = bitBuf & ((1 << n) - 1);
    bitBuf >>>= n;
    bitCnt -= n;
    return v;
  };
  const decode = (tb: Table): number => {
    if (tb.bits === 0) fail('an empty Huffman table is used');
    // fill as many bits as available up to tb.bits
    while (bitCnt < tb.bits && p < src.length) {
      bitBuf |= src[p++]! << bitCnt;
      bitCnt += 8;
    }
    const e = tb.t[bitBuf & ((1 << tb.bits) - 1)]!;
    if (e < 0) fail('an invalid Huffman code');
    const len = e >>> 16;
    if (len > bitCnt) fail('unexpected end of data');
    bitBuf >>>= len;
    bitCnt -= len;
    return e & 0xffff;
  };
  const grow = (n: number): void => {
    if (op + n <= out.length) return;
    if (op + n > maxOut) throw new MmError('SNAPSHOT_MISMATCH', `kpageflags inflates to more than ${maxOut} bytes, more than this machine's max_pfn entries: a snapshot of a larger machine`, 'kpageflags');
    let len = out.length * 2;
    while (len < op + n) len *= 2;
    const o = new Uint8Array(Math.min(len, maxOut));
    o.set(out.subarray(0, op));
    out = o;
  };
  let last = 0;
  while (!last) {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      p -= bitCnt >> 3;
      bitBuf = 0;
      bitCnt = 0;
      if (p + 4 > src.length) fail('unexpected end of data');
      const len = src[p]! | (src[p + 1]! << 8);
      const nlen = src[p + 2]! | (src[p + 3]! << 8);
      if ((len ^ 0xffff) !== nlen) fail('a stored block length does not match its complement');
      p += 4;
      if (p + len > src.length) fail('unexpected end of data');
      grow(len);
      out.set(src.subarray(p, p + len), op);
      op += len;
      p += len;
      continue;
    }
    let lit: Table;
    let dist: Table;
    if (type === 1) {
      if (!FIXED_LIT) {
        const l = new Uint8Array(288);
        l.fill(8, 0, 144);
        l.fill(9, 144, 256);
        l.fill(7, 256, 280);
        l.fill(8, 280, 288);
        FIXED_LIT = buildTable(l, 288);
        FIXED_DIST = buildTable(new Uint8Array(30).fill(5), 30);
      }
      lit = FIXED_LIT;
      dist = FIXED_DIST!;
    } else if (type === 2) {
      const hlit = bits(5) + 257;
      const hdist = bits(5) + 1;
      const hclen = bits(4) + 4;
      const cl = new Uint8Array(19);
      for (let i = 0; i < hclen; i++) cl[CL_ORDER[i]!] = bits(3);
      const clt = buildTable(cl, 19);
      const lens = new Uint8Array(hlit + hdist);
      for (let i = 0; i < hlit + hdist;) {
        const sym = decode(clt);
        if (sym < 16) lens[i++] = sym;
        else {
          let rep: number;
          let v = 0;
          if (sym === 16) {
            if (i === 0) fail('a repeat with no previous length');
            v = lens[i - 1]!;
            rep = 3 + bits(2);
          } else if (sym === 17) rep = 3 + bits(3);
          else rep = 11 + bits(7);
          if (i + rep > hlit + hdist) fail('code lengths overrun');
          lens.fill(v, i, i + rep);
          i += rep;
        }
      }
      lit = buildTable(lens.subarray(0, hlit), hlit);
      dist = buildTable(lens.subarray(hlit), hdist);
    } else {
      return fail('a reserved block type');
    }
    for (;;) {
      const sym = decode(lit);
      if (sym < 256) {
        if (op >= out.length) grow(1);
        out[op++] = sym;
      } else if (sym === 256) {
        break;
      } else {
        const li = sym - 257;
        if (li >= 29) fail('an invalid length symbol');
        const len = LEN_BASE[li]! + bits(LEN_EXTRA[li]!);
        const di = decode(dist);
        if (di >= 30) fail('an invalid distance symbol');
        const d = DIST_BASE[di]! + bits(DIST_EXTRA[di]!);
        if (d > op) fail('a distance before the start of the output');
        grow(len);
        let from = op - d;
        if (d >= len) {
          out.copyWithin(op, from, from + len);
          op += len;
        } else {
          for (let k = 0; k < len; k++) out[op++] = out[from++]!;
        }
      }
    }
  }
  // give back the whole bytes still in the bit buffer
  p -= bitCnt >> 3;
  return { out: out.subarray(0, op), end: p };
}

/** The concatenated members of a gzip file, at most maxOut bytes. */
export function gunzip(src: Uint8Array, maxOut: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let p = 0;
  while (p < src.length) {
    if (src.length - p < 18 || src[p] !== 0x1f || src[p + 1] !== 0x8b) {
      if (parts.length) break; // trailing garbage after a member, as gzip -d tolerates zero padding
      fail('no gzip header');
    }
    if (src[p + 2] !== 8) fail('not DEFLATE-compressed');
    const flg = src[p + 3]!;
    let q = p + 10;
    if (flg & 4) q += 2 + (src[q]! | (src[q + 1]! << 8));
    if (flg & 8) while (q < src.length && src[q++] !== 0);
    if (flg & 16) while (q < src.length && src[q++] !== 0);
    if (flg & 2) q += 2;
    if (q > src.length) fail('a truncated header');
    // ISIZE of a single-member file sizes the output at once
    const isize = (src[src.length - 4]! | (src[src.length - 3]! << 8) | (src[src.length - 2]! << 16) | (src[src.length - 1]! << 24)) >>> 0;
    const { out, end } = inflateRaw(src, q, isize || 1 << 20, maxOut - total);
    parts.push(out);
    total += out.length;
    p = end + 8;
    if (p > src.length) fail('a truncated trailer');
  }
  if (parts.length === 1) return parts[0]!;
  const all = new Uint8Array(total);
  let o = 0;
  for (const x of parts) {
    all.set(x, o);
    o += x.length;
  }
  return all;
}
