/**
 * setup_arch's allocations the kernel cannot boot without (a page-table page, NODE_DATA, the
 * memmap): when memblock finds no room for one, the kernel panics with a fixed text. Memory that
 * /memreserve/, reserved-memory or the firmware map leaves without a free page is such a machine;
 * mmbook refuses it with the kernel's own panic message instead of printing one that never booted.
 */
import { MmError } from '../errors';
import { fmtBytes } from '../limits';
import type { Memblock } from '../memblock/memblock';

/** Free bytes of memblock.memory: RAM not reserved. */
function freeBytes(mb: Memblock): number {
  let n = 0;
  for (const r of mb.freeRanges()) n += r.end - r.base;
  return n;
}

/** `addr`, or BOOT_PANIC naming the kernel's panic text and `fn` (the kernel function that panics). */
export function panicIfFailed(mb: Memblock, addr: number, fn: string, panicText: string): number {
  if (addr) return addr;
  const where = mb.currentLimit >= mb.physMax ? 'anywhere in RAM' : `below memblock's current limit 0x${mb.currentLimit.toString(16)}`;
  throw new MmError(
    'BOOT_PANIC',
    `the kernel panics in ${fn}: "${panicText}": no free room for it ${where} (${fmtBytes(freeBytes(mb))} of RAM is unreserved in all; check /memreserve/, reserved-memory, mem= and vmalloc=)`,
    'setup_arch',
  );
}
