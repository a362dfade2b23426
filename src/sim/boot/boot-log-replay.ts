/**
 * --boot-log: what a real boot log tells that the model cannot derive. The early reservations
 * come from the last memblock_dump_all ("MEMBLOCK configuration:") plus every memblock=debug
 * add/remove/reserve/free line after it, up to the "Memory:" line that mem_init prints right after
 * memblock_free_all. The CMA areas come from "cma: Reserved" and "created CMA memory pool" lines,
 * and the late frees from the "Freeing … memory: NK" lines.
 */
import { MmError } from '../errors';
import type { Memblock } from '../memblock/memblock';
import type { CmaArea } from './cma';
import { isEarlyFree, type LateFree } from './kernel-build';

export interface MemblockOp {
  op: 'add' | 'remove' | 'reserve' | 'free';
  base: number;
  size: number;
  line: number;
}

export interface BootLogFacts {
  /** reserved regions of the last dump before the Memory: line, or null without memblock=debug */
  dumpReserved: Array<{ base: number; size: number }> | null;
  /** memblock operations after that dump and before the Memory: line */
  ops: MemblockOp[];
  cma: CmaArea[];
  lateFrees: LateFree[];
  /** x86 "RAMDISK: [mem …]": where the bootloader put the initrd */
  initrd?: { base: number; size: number };
  /** total RAM the log's "Memory:" line reports (kB), for cross-checks */
  memoryLine?: { availableKb: number; totalKb: number };
}

const TS = /^\s*(?:<\d+>)?(?:\[\s*\d+\.\d+\]\s?)?/;
const OP = /^(memblock_add|memblock_remove|memblock_reserve|memblock_free|memblock_phys_free): \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\]/;
const DUMP_REGION = /^ reserved\[0x[0-9a-f]+\]\s+\[(0x[0-9a-f]+)-(0x[0-9a-f]+)\], (0x[0-9a-f]+) bytes/;

function hex(s: string): number {
  const v = BigInt(s);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  return Number(v);
}

/** Extract the memblock facts of a boot log (kernel console or dmesg text). */
export function bootLogFacts(text: string): BootLogFacts {
  const lines = text.split(/\r?\n/).map((l) => l.replace(TS, ''));
  const memIdx = lines.findIndex((l) => /^Memory: \d+K\/\d+K available/.test(l));
  const end = memIdx < 0 ? lines.length : memIdx;
  let lastDump = -1;
  for (let i = 0; i < end; i++) if (lines[i].startsWith('MEMBLOCK configuration:')) lastDump = i;
  let dumpReserved: Array<{ base: number; size: number }> | null = null;
  let i = 0;
  if (lastDump >= 0) {
    dumpReserved = [];
    i = lastDump + 1;
    for (; i < end; i++) {
      const l = lines[i];
      const m = DUMP_REGION.exec(l);
      if (m) {
        const size = hex(m[3]);
        if (size) dumpReserved.push({ base: hex(m[1]), size });
        continue;
      }
      if (/^ (memory size|memory\.cnt|reserved\.cnt|memory\[|physmem)/.test(l)) continue;
      break;
    }
  }
  const ops: MemblockOp[] = [];
  for (; i < end; i++) {
    const m = OP.exec(lines[i]);
    if (!m) continue;
    const base = hex(m[2]);
    const last = BigInt(m[3]);
    // The kernel prints base+size-1 in 64 bits: size 0 prints base-1, and a huge size wraps ("to the top").
    const size = last >= BigInt(base) ? Number(last - BigInt(base) + 1n) : last === BigInt(base) - 1n ? 0 : Number.MAX_SAFE_INTEGER - base;
    const op = m[1] === 'memblock_add' ? 'add' : m[1] === 'memblock_remove' ? 'remove' : m[1] === 'memblock_reserve' ? 'reserve' : 'free';
    if (size > 0) ops.push({ op, base, size, line: i + 1 });
  }
  const cma: CmaArea[] = [];
  const lateFrees: LateFree[] = [];
  let memoryLine: BootLogFacts['memoryLine'];
  let initrd: BootLogFacts['initrd'];
  for (const l of lines) {
    let m = /^cma: Reserved (\d+) MiB at (0x[0-9a-f]+)/.exec(l);
    if (m) cma.push({ name: 'reserved', base: hex(m[2]), size: Number(m[1]) * 2 ** 20, fromDt: false });
    m = /^Reserved memory: created CMA memory pool at (0x[0-9a-f]+), size (\d+) MiB/.exec(l);
    if (m) cma.push({ name: 'dt', base: hex(m[1]), size: Number(m[2]) * 2 ** 20, fromDt: true });
    m = /^Freeing (.+) memory: (\d+)K$/.exec(l);
    if (m) lateFrees.push({ what: m[1], kb: Number(m[2]), beforeInitcalls: isEarlyFree(m[1]) });
    m = /^RAMDISK: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]/.exec(l);
    if (m) initrd = { base: hex(m[1]), size: hex(m[2]) - hex(m[1]) + 1 };
    m = /^Memory: (\d+)K\/(\d+)K available/.exec(l);
    if (m) memoryLine = { availableKb: Number(m[1]), totalKb: Number(m[2]) };
  }
  return { dumpReserved, ops, cma, lateFrees, memoryLine, initrd };
}

/** Replace the model's reservations with the log's: the dump's reserved set, then the later ops. */
export function replayBootLog(mb: Memblock, facts: BootLogFacts): void {
  if (!facts.dumpReserved) {
    throw new MmError('BOOTLOG_NO_MEMBLOCK', 'the boot log has no "MEMBLOCK configuration:" dump; boot with memblock=debug to capture the early reservations');
  }
  for (const r of [...mb.reserved]) if (r.size) mb.free(r.base, r.size);
  for (const r of facts.dumpReserved) mb.reserve(r.base, r.size);
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
