/**
 * early_init_dt_scan_memory → early_init_dt_add_memory_arch (drivers/of/fdt.c): the firmware's
 * memory banks become memblock.memory (sanitised to whole pages), hotpluggable banks are marked.
 */
import { MmError } from '../errors';
import type { ArchBoot } from './context';

const PAGE = 4096;

/** early_init_dt_add_memory_arch: page-align the bank and clip it to the arch's addressable range. */
export function sanitizeBank(base: number, size: number, minAddr: number, maxAddr: number): { base: number; size: number } | null {
  if (size < PAGE - (base % PAGE)) return null;
  if (base % PAGE) {
    size -= PAGE - (base % PAGE);
    base += PAGE - (base % PAGE);
  }
  size -= size % PAGE;
  if (base > maxAddr) return null;
  if (base + size - 1 > maxAddr) size = maxAddr - base + 1;
  if (base + size < minAddr) return null;
  if (base < minAddr) {
    size -= minAddr - base;
    base = minAddr;
  }
  return size > 0 ? { base, size } : null;
}

export function addFirmwareMemory(b: ArchBoot): void {
  const maxAddr = 2 ** 48 - 1;
  for (const bank of b.fw.banks) {
    const s = sanitizeBank(bank.base, bank.size, 0, maxAddr);
    if (!s) continue;
    b.mb.add(s.base, s.size, 'early_init_dt_add_memory_arch+0x0/0x0');
    if (bank.hotplug) b.mb.markHotplug(s.base, s.size);
  }
  if (!b.mb.memory.some((r) => r.size > 0)) {
    const list = b.fw.banks.map((x) => `[0x${x.base.toString(16)}, +0x${x.size.toString(16)})`).join(', ');
    throw new MmError('NO_MEMORY', `no usable memory: every /memory bank is empty, smaller than a page or outside the addressable range (${list})`, '/memory');
  }
}
