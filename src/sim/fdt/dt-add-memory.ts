/**
 * early_init_dt_scan_memory → early_init_dt_add_memory_arch (drivers/of/fdt.c): the firmware's
 * memory banks become memblock.memory (sanitised to whole pages), hotpluggable banks are marked.
 */
import { MmError } from '../errors';
import { earlyInitDtAddMemoryArch } from './fdt-scan';
import type { ArchBoot } from '../boot/context';

export function addFirmwareMemory(b: ArchBoot): void {
  const maxAddr = 2 ** 48 - 1;
  for (const bank of b.fw.banks) {
    const s = earlyInitDtAddMemoryArch(bank.base, bank.size, { minAddr: 0, maxAddr });
    if (!s) continue;
    b.mb.add(s.base, s.size, 'early_init_dt_add_memory_arch+0x0/0x0');
    if (bank.hotplug) b.mb.markHotplug(s.base, s.size);
  }
  if (!b.mb.memory.some((r) => r.size > 0)) {
    const list = b.fw.banks.map((x) => `[0x${x.base.toString(16)}, +0x${x.size.toString(16)})`).join(', ');
    throw new MmError('NO_MEMORY', `no usable memory: every /memory bank is empty, smaller than a page or outside the addressable range (${list})`, '/memory');
  }
}
