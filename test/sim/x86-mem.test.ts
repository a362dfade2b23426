/**
 * x86 mem= (parse_memopt, e820__range_remove, e820__finish_early_params, e820_add_kernel_range,
 * e820__memblock_setup): the e820 table is cut, memblock never sees the RAM above the limit.
 * Checked against the oracle's real x86 boots where a real kernel's numbers are known: a mem= at
 * or above the end of RAM must leave managed exactly as the real kernel printed it.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/boot/boot';
import { oracleCases } from '../oracle/cases';
import type { Machine } from '../../src/sim/machine/machine';

const x86 = oracleCases().filter((c) => c.arch === 'x86_64');
const zones = (m: Machine) => m.view().nodes.flatMap((n) => n.zones.map((z) => ({ nid: n.nid, name: z.name, spanned: z.spanned, present: z.present, managed: z.managed })));
/** the zones of a real /proc/zoneinfo (read here with a regex, independent of mmbook's parser) */
const real = (text: string) => [...text.matchAll(/^Node (\d+), zone +(\w+)\n[^]*?\n +spanned +(\d+)\n +present +(\d+)\n +managed +(\d+)\n/gm)]
  .map((g) => ({ nid: Number(g[1]), name: g[2], spanned: Number(g[3]), present: Number(g[4]), managed: Number(g[5]) }));

describe('x86 mem=', () => {
  it('covers every x86 oracle boot', () => expect(x86.map((c) => c.name).sort()).toEqual(['x64-1g', 'x64-1g-k510', 'x64-6g-numa2']));

  it.each(x86.map((c) => [c.name, c] as const))('%s: mem= at the end of RAM or above changes nothing: managed matches the real kernel to the page', (_, c) => {
    const end = c.name === 'x64-6g-numa2' ? '0x1c0000000' : '0x3ffe0000';
    const want = real(c.read('zoneinfo.txt'));
    for (const mem of [end, '8G']) {
      const cmdline = `${c.request.cmdline} mem=${mem}`;
      for (const bootLog of [c.bootLog, undefined]) {
        const m = bootMachine({ ...c.request, cmdline, bootLog });
        expect(zones(m)).toEqual(want);
        // the user-defined map is printed, and equals the firmware's after trim_bios_range
        expect(m.parts.dmesg).toContain('user-defined physical RAM map:');
      }
    }
  });

  it('cuts the e820 table at the limit: e820__memblock_setup adds only what is left, and removes nothing', () => {
    const c = x86.find((x) => x.name === 'x64-1g')!;
    const m = bootMachine({ ...c.request, cmdline: `${c.request.cmdline} mem=512M` });
    expect(m.parts.dmesg).toContain('e820: remove [mem 0x20000000-0xfffffffffffffffe] usable');
    expect(m.parts.dmesg.filter((l) => l.startsWith('user: '))).toEqual([
      'user: [mem 0x0000000000000000-0x0000000000000fff] reserved',
      'user: [mem 0x0000000000001000-0x000000000009fbff] usable',
      'user: [mem 0x000000000009fc00-0x000000000009ffff] reserved',
      'user: [mem 0x00000000000f0000-0x00000000000fffff] reserved',
      'user: [mem 0x0000000000100000-0x000000001fffffff] usable',
      'user: [mem 0x000000003ffe0000-0x000000003fffffff] reserved',
      'user: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved',
      'user: [mem 0x000000fd00000000-0x000000ffffffffff] reserved',
    ]);
    const log = m.parts.memblockLog.join('\n');
    expect(log).toMatch(/memblock_add: \[0x0000000000100000-0x000000001fffffff\] e820__memblock_setup/);
    expect(log).not.toMatch(/memblock_remove/);
    // max_pfn = e820__end_of_ram_pfn = 0x20000: DMA [1, 4096), DMA32 [4096, 0x20000)
    expect(zones(m).filter((z) => z.spanned)).toMatchObject([
      { name: 'DMA', spanned: 4095, present: 3998 },
      { name: 'DMA32', spanned: 0x20000 - 4096, present: 0x20000 - 4096 },
    ]);
  });

  it('below the kernel image, e820_add_kernel_range puts the image back as RAM', () => {
    const c = x86.find((x) => x.name === 'x64-1g')!;
    const m = bootMachine({ ...c.request, cmdline: `${c.request.cmdline} mem=20M` });
    expect(m.parts.dmesg).toContain('.text .data .bss are not marked as E820_TYPE_RAM!');
    // the 6.1 image is [16 MiB, 0x4411000): RAM now ends there
    const dma32 = zones(m).find((z) => z.name === 'DMA32')!;
    expect(4096 + dma32.spanned).toBe(0x4411);
  });

  it('a node wholly above the limit has no memory left; the other keeps its RAM below the limit', () => {
    const c = x86.find((x) => x.name === 'x64-6g-numa2')!;
    const m = bootMachine({ ...c.request, cmdline: `${c.request.cmdline} mem=5G` });
    const normal = zones(m).filter((z) => z.name === 'Normal' && z.present);
    expect(normal).toMatchObject([{ nid: 1, spanned: 262144, present: 262144 }]);
  });
});
