/**
 * --boot-log: what a real boot log tells that the model cannot derive. The early reservations
 * come from the last memblock_dump_all ("MEMBLOCK configuration:") plus every memblock=debug
 * add/remove/reserve/free line after it, up to the "Memory:" line that mem_init prints right after
 * memblock_free_all. The CMA areas come from "cma: Reserved" and "created CMA memory pool" lines,
 * and the late frees from the "Freeing … memory: NK" lines. Line parsing is input/boot-log.ts's.
 */
import { MmError } from '../errors';
import { parseBootLog } from '../input/boot-log';
import { stripTimestamp } from '../input/e820';
import type { Memblock } from '../memblock/memblock';
import type { CmaArea } from '../mm-init/cma-reserve';
import { isEarlyFree, type LateFree } from '../arch/kernel-build';

export interface MemblockOp {
  op: 'add' | 'remove' | 'reserve' | 'free';
  base: number;
  size: number;
  line: number;
}

export interface BootLogFacts {
  /** reserved regions of the last dump before the Memory: line, or null without memblock=debug */
  dumpReserved: Array<{ base: number; size: number }> | null;
  /** "memory size = …" of that dump: memblock_phys_mem_size of the logged machine */
  dumpMemorySize?: number;
  /** memblock operations after that dump and before the Memory: line */
  ops: MemblockOp[];
  cma: CmaArea[];
  lateFrees: LateFree[];
  /** x86 "RAMDISK: [mem …]": where the bootloader put the initrd */
  initrd?: { base: number; size: number };
}

const DUMP_REGION = /^ reserved\[0x[0-9a-f]+\]\s+\[(0x[0-9a-f]+)-(0x[0-9a-f]+)\], (0x[0-9a-f]+) bytes/;
const OPS: Record<string, MemblockOp['op']> = { memblock_add: 'add', memblock_remove: 'remove', memblock_reserve: 'reserve', memblock_free: 'free', memblock_phys_free: 'free' };

function hex(s: string): number {
  const v = BigInt(s);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** Extract the memblock facts of a boot log (kernel console or dmesg text). */
export function bootLogFacts(text: string): BootLogFacts {
  const log = parseBootLog(text);
  const lines = text.split(/\r?\n/).map((l) => stripTimestamp(l));
  const memIdx = lines.findIndex((l) => /^Memory: \d+K\/\d+K available/.test(l));
  const end = memIdx < 0 ? lines.length : memIdx;
  let lastDump = -1;
  for (let i = 0; i < end; i++) if (lines[i].startsWith('MEMBLOCK configuration:')) lastDump = i;
  let dumpReserved: BootLogFacts['dumpReserved'] = null;
  let dumpMemorySize: number | undefined;
  if (lastDump >= 0) {
    dumpReserved = [];
    for (let i = lastDump + 1; i < end; i++) {
      const size = /^ memory size = (0x[0-9a-f]+)/.exec(lines[i]);
      if (size) dumpMemorySize = hex(size[1]);
      const m = DUMP_REGION.exec(lines[i]);
      if (m) {
        const size = hex(m[3]);
        if (size) dumpReserved.push({ base: hex(m[1]), size });
      } else if (!/^ (memory size|memory\.cnt|reserved\.cnt|memory\[|physmem)/.test(lines[i])) {
        break;
      }
    }
  }
  // parseBootLog numbers lines from 1; the dump and Memory: indexes above are 0-based
  const ops: MemblockOp[] = log.memblock
    .filter((o) => o.kind === 'range' && o.op in OPS && o.line - 1 > lastDump && o.line - 1 < end && o.base !== undefined && o.size > 0)
    .map((o) => ({ op: OPS[o.op], base: o.base!, size: o.size, line: o.line }));
  const cma: CmaArea[] = log.cma.map((c) => ({ name: 'reserved', base: c.base, size: c.sizeMiB * 2 ** 20, fromDt: false }));
  for (const l of lines) {
    const m = /^Reserved memory: created CMA memory pool at (0x[0-9a-f]+), size (\d+) MiB/.exec(l);
    if (m) cma.push({ name: 'dt', base: hex(m[1]), size: Number(m[2]) * 2 ** 20, fromDt: true });
  }
  const lateFrees: LateFree[] = log.frees.map((f) => ({ what: f.what + ' memory', kb: f.kib, beforeInitcalls: isEarlyFree(f.what) }));
  let initrd: BootLogFacts['initrd'];
  for (const l of lines) {
    const m = /^RAMDISK: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]/.exec(l);
    if (m) initrd = { base: hex(m[1]), size: hex(m[2]) - hex(m[1]) + 1 };
  }
  return { dumpReserved, dumpMemorySize, ops, cma, lateFrees, initrd };
}

/** Replace the model's reservations with the log's: the dump's reserved set, then the later ops. */
export function replayBootLog(mb: Memblock, facts: BootLogFacts): void {
  if (!facts.dumpReserved) {
    throw new MmError('BOOTLOG_NO_MEMBLOCK', 'the boot log has no "MEMBLOCK configuration:" dump; boot with memblock=debug to capture the early reservations');
  }
  // The log must be of this machine: its memblock.memory total is what this boot has at that point.
  if (facts.dumpMemorySize !== undefined && facts.dumpMemorySize !== mb.physMemSize()) {
    throw new MmError(
      'BOOTLOG_MISMATCH',
      `the boot log is of another machine: its MEMBLOCK configuration has memory size 0x${facts.dumpMemorySize.toString(16)}, this boot has 0x${mb.physMemSize().toString(16)} (check --arch, the firmware input and mem=)`,
      'boot-log',
    );
  }
  replayReservedListing(mb, facts.dumpReserved);
  for (const o of facts.ops) {
    if (o.op === 'reserve') mb.reserve(o.base, o.size);
    else if (o.op === 'free') mb.free(o.base, o.size);
    else if (o.op === 'add') mb.add(o.base, o.size);
    else mb.remove(o.base, o.size);
  }
}

/** --reserved: a debugfs memblock/reserved listing becomes the early reservations. */
export function replayReservedListing(mb: Memblock, regions: Array<{ base: number; size: number }>): void {
  for (const r of [...mb.reserved]) if (r.size) mb.free(r.base, r.size);
  for (const r of regions) mb.reserve(r.base, r.size);
}
