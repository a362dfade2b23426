/**
 * Reads a debugfs memblock listing (/sys/kernel/debug/memblock/{memory,reserved}, printed by
 * memblock_debug_show in mm/memblock.c as "%4d: %pa..%pa" per region) back into regions.
 * Used by `--reserved FILE`. The empty-array dummy line (0x0..all-ones, size 0) is dropped.
 */
import { MmError } from '../errors';

export interface DebugfsRegion {
  base: number;
  size: number;
}

const LINE = /^\s*(\d+):\s*0x([0-9a-fA-F]{1,16})\.\.0x([0-9a-fA-F]{1,16})\s*$/;

/** Parses the listing; MmError MEMBLOCK_PARSE with location "line N" on a malformed line. */
export function parseMemblockDebugfs(text: string): DebugfsRegion[] {
  const out: DebugfsRegion[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const where = `line ${i + 1}`;
    if (raw.trim() === '') return;
    const m = LINE.exec(raw);
    if (!m) throw new MmError('MEMBLOCK_PARSE', `expected "N: 0xBASE..0xLAST", got ${JSON.stringify(raw)}`, where);
    const width = m[2]!.length > 8 || m[3]!.length > 8 ? 64n : 32n;
    const base = BigInt('0x' + m[2]);
    const last = BigInt('0x' + m[3]);
    const size = (last - base + 1n) & ((1n << width) - 1n);
    if (size === 0n && base === 0n) return; // the dummy region of an empty array
    if (last < base) throw new MmError('MEMBLOCK_PARSE', `last byte 0x${m[3]} is below base 0x${m[2]}`, where);
    if (last >= BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new MmError('MEMBLOCK_PARSE', `region 0x${m[2]}..0x${m[3]} reaches above 2^53, which the simulator cannot represent`, where);
    }
    out.push({ base: Number(base), size: Number(size) });
  });
  return out;
}
