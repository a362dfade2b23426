/**
 * debugfs /sys/kernel/debug/memblock/{memory,reserved}: memblock_debug_show
 * (mm/memblock.c), "%4d: %pa..%pa\n" per region; renderer and parser.
 */
import type { MachineView, MemblockRegionView } from '../view';
import { parseError, parseUint, readLines } from './lines';
import { formatPa, padNum } from './printf';
import { echoText } from './echo';

export type MemblockType = 'memory' | 'reserved';

/**
 * memblock_debug_show. An empty type still holds one zero-sized dummy region in the
 * kernel (cnt stays 1), which prints as base 0 and end base+size-1 = all ones.
 */
export function renderMemblockDebugfs(v: MachineView, type: MemblockType): string {
  const regions: MemblockRegionView[] = v.memblock[type].length > 0 ? v.memblock[type] : [{ base: 0, size: 0, flags: 0, nid: 0 }];
  let out = '';
  regions.forEach((r, i) => {
    const base = BigInt(r.base);
    out += `${padNum(i, 4)}: ${formatPa(base, v.physAddrBytes)}..${formatPa(base + BigInt(r.size) - 1n, v.physAddrBytes)}\n`;
  });
  return out;
}

export interface ParsedMemblock {
  /** bytes of phys_addr_t seen in %pa (8 for 16 hex digits, 4 for 8) */
  physAddrBytes: number;
  /** regions (flags and nid are not printed: 0); the empty-type dummy line gives [] */
  regions: MemblockRegionView[];
}

const CODE = 'MEMBLOCK_PARSE';
const WHAT = 'debugfs memblock';

export function parseMemblockDebugfs(text: string): ParsedMemblock {
  const regions: MemblockRegionView[] = [];
  let bytes = 0;
  let dummy = false;
  for (const l of readLines(text)) {
    const m = /^\s*(\S+):\s+0x([0-9a-f]+)\.\.0x([0-9a-f]*)\s*$/.exec(l.text);
    if (!m) throw parseError(CODE, WHAT, l.no, `expected "N: 0xBASE..0xEND", got "${echoText(l.text.trim())}"`);
    const idx = parseUint(m[1], CODE, WHAT, l.no, 'region index');
    if (idx !== regions.length + (dummy ? 1 : 0)) throw parseError(CODE, WHAT, l.no, `region index ${idx}, expected ${regions.length}`);
    const digits = m[2]!.length;
    if ((digits !== 8 && digits !== 16) || m[3]!.length !== digits) {
      throw parseError(CODE, WHAT, l.no, `truncated line: %pa must have 8 or 16 hex digits on both ends`);
    }
    if (bytes !== 0 && digits / 2 !== bytes) throw parseError(CODE, WHAT, l.no, 'address width changes between lines');
    bytes = digits / 2;
    const base = BigInt('0x' + m[2]);
    const end = BigInt('0x' + m[3]);
    const allOnes = (1n << BigInt(bytes * 8)) - 1n;
    if (base === 0n && end === allOnes && idx === 0) { dummy = true; continue; }
    if (dummy) throw parseError(CODE, WHAT, l.no, 'region after the empty-type dummy line');
    if (end < base) throw parseError(CODE, WHAT, l.no, `end 0x${m[3]} below base 0x${m[2]}`);
    const size = end - base + 1n;
    if (end > BigInt(Number.MAX_SAFE_INTEGER)) throw parseError(CODE, WHAT, l.no, `address 0x${m[3]} beyond 2^53`);
    regions.push({ base: Number(base), size: Number(size), flags: 0, nid: 0 });
  }
  if (bytes === 0) throw parseError(CODE, WHAT, undefined, 'no region line');
  return { physAddrBytes: bytes, regions };
}
