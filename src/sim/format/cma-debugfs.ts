/**
 * debugfs cma/ (mm/cma_debug.c): one directory per area — "cma-<name>" cut to 15 characters (5.10,
 * a 16-byte buffer) or "<name>" (6.1) — with base_pfn, count, order_per_bit, used (set bits <<
 * order_per_bit) and maxchunk (the longest clear run << order_per_bit), each "%llu\n", and bitmap,
 * a debugfs u32 array: the bitmap's 32-bit words, "%u" separated by spaces, the last followed by
 * a newline (little-endian: bit n of the bitmap is bit n % 32 of word n / 32).
 */
import { MmError } from '../errors';
import type { VersionRules } from '../kernel-behaviour';

export const CMA_DEBUGFS_FILES = ['base_pfn', 'count', 'order_per_bit', 'used', 'maxchunk', 'bitmap'] as const;
export type CmaDebugfsFile = (typeof CMA_DEBUGFS_FILES)[number];

/** What the renderer needs of an area (src/sim/cma CmaAreaRun has it). */
export interface CmaDebugfsArea {
  name: string;
  basePfn: number;
  count: number;
  orderPerBit: number;
  /** one byte per bitmap bit */
  bitmap: Uint8Array;
  used(): number;
  maxchunk(): number;
}

/** The area's directory under <debugfs>/cma/. */
export function cmaDebugfsDir(rules: Pick<VersionRules, 'cma'>, name: string): string {
  return rules.cma.debugfsDir === 'cma-prefixed' ? `cma-${name}`.slice(0, 15) : name;
}

/** u32_array_read's text of the bitmap. */
function bitmapWords(bits: Uint8Array): string {
  const n = Math.ceil(bits.length / 32);
  const words: string[] = [];
  for (let w = 0; w < n; w++) {
    let v = 0;
    for (let k = 0; k < 32; k++) if (bits[w * 32 + k]) v += 2 ** k;
    words.push(String(v));
  }
  return n ? `${words.join(' ')}\n` : '';
}

export function renderCmaDebugfs(a: CmaDebugfsArea, file: CmaDebugfsFile): string {
  switch (file) {
    case 'base_pfn': return `${a.basePfn}\n`;
    case 'count': return `${a.count}\n`;
    case 'order_per_bit': return `${a.orderPerBit}\n`;
    case 'used': return `${a.used()}\n`;
    case 'maxchunk': return `${a.maxchunk()}\n`;
    case 'bitmap': return bitmapWords(a.bitmap);
    default:
      throw new MmError('FORMAT_UNKNOWN', `unknown debugfs cma file "${String(file)}"; known: ${CMA_DEBUGFS_FILES.join(', ')}`, String(file));
  }
}
