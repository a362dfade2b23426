/**
 * memblock's printed forms: memblock_dump_all / memblock_dump (mm/memblock.c, memblock=debug)
 * and the debugfs listing memblock_debug_show (/sys/kernel/debug/memblock/{memory,reserved}).
 * The same text in 5.10 and 6.1.
 */
import { fmtHashX, fmtPa, physLast, type PhysAddrBytes } from './format';
import type { MemblockType } from './region-array';

export interface DumpOptions {
  physAddrBytes: PhysAddrBytes;
  /** CONFIG_NUMA (CONFIG_NEED_MULTIPLE_NODES in 5.10): only then " on node N" can appear */
  numa: boolean;
  maxNumnodes: number;
}

/** memblock_dump (mm/memblock.c): the cnt line, then one line per region (with a tab). */
export function memblockDump(type: MemblockType, o: DumpOptions): string[] {
  const lines = [` ${type.name}.cnt  = ${fmtHashX(type.regions.length)}`];
  type.regions.forEach((r, idx) => {
    const node = o.numa && r.nid !== o.maxNumnodes ? ` on node ${r.nid}` : '';
    lines.push(
      ` ${type.name}[${fmtHashX(idx)}]\t[${fmtPa(r.base, o.physAddrBytes)}-${fmtPa(physLast(r.base, r.size, o.physAddrBytes), o.physAddrBytes)}], ` +
        `${fmtPa(r.size, o.physAddrBytes)} bytes${node} flags: ${fmtHashX(r.flags)}`,
    );
  });
  return lines;
}

/** __memblock_dump_all (mm/memblock.c) */
export function memblockDumpAll(memory: MemblockType, reserved: MemblockType, o: DumpOptions): string[] {
  return [
    'MEMBLOCK configuration:',
    ` memory size = ${fmtPa(memory.totalSize, o.physAddrBytes)} reserved size = ${fmtPa(reserved.totalSize, o.physAddrBytes)}`,
    ...memblockDump(memory, o),
    ...memblockDump(reserved, o),
  ];
}

/** memblock_debug_show (mm/memblock.c): "%4d: %pa..%pa\n" per region, dummy included. */
export function memblockDebugShow(type: MemblockType, physAddrBytes: PhysAddrBytes): string {
  return type.regions
    .map((r, i) => `${String(i).padStart(4, ' ')}: ${fmtPa(r.base, physAddrBytes)}..${fmtPa(physLast(r.base, r.size, physAddrBytes), physAddrBytes)}\n`)
    .join('');
}
