/**
 * The files a *booted* machine prints, against what the real kernel printed for the same machine
 * (same DTB or e820 map, command line, CPUs and boot log): every line the kernel prints, in its
 * order and spacing, with only the numbers free; and exactly the numbers the simulator models
 * (meminfo totals, pageblock counts per zone, CMA pageblocks, memblock listings).
 */
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/boot/boot';
import { parseMeminfo } from '../../src/sim/format/meminfo-parse';
import { parsePagetypeinfo } from '../../src/sim/format/pagetypeinfo-parse';
import { stripConsoleNoise } from '../../src/sim/format/lines';
import type { ProcName } from '../../src/sim/format/proc';
import { oracleCases } from '../oracle/cases';

/** A line with every number replaced: what the kernel's format fixes, whatever the values. */
const template = (text: string): string[] => stripConsoleNoise(text).split('\n').map((l) => l.replace(/ *\d+/g, ' #'));

const FILES: ProcName[] = ['zoneinfo', 'buddyinfo', 'pagetypeinfo', 'meminfo', 'vmstat'];
/** meminfo lines whose values follow from the layout and the build, not from user space */
const MODELED_MEMINFO = ['MemTotal', 'HighTotal', 'LowTotal', 'CmaTotal', 'CommitLimit', 'VmallocTotal', 'HugePages_Total', 'Hugepagesize', 'Hugetlb'];

describe.each(oracleCases().map((c) => [c.name, c] as const))('booted %s prints what the kernel printed', (_name, c) => {
  const m = bootMachine({ ...c.request, bootLog: c.bootLog });

  for (const file of FILES) {
    it(`${file}: the same lines in the same order and spacing`, () => {
      expect(template(m.render(file))).toEqual(template(c.read(`${file}.txt`)));
    });
  }

  it('meminfo: the values the simulator models are exact', () => {
    const sim = parseMeminfo(m.render('meminfo'));
    const real = parseMeminfo(c.read('meminfo.txt'));
    const pick = (p: Record<string, number>) => Object.fromEntries(MODELED_MEMINFO.filter((k) => k in real).map((k) => [k, p[k]]));
    expect(pick(sim)).toEqual(pick(real));
  });

  it('pagetypeinfo: pageblocks per zone and CMA pageblocks are exact', () => {
    const sim = parsePagetypeinfo(m.render('pagetypeinfo'));
    const real = parsePagetypeinfo(c.read('pagetypeinfo.txt'));
    // the Unmovable/Reclaimable split comes from allocations made after boot (it moves between boots)
    const shape = (p: ReturnType<typeof parsePagetypeinfo>) => p.blocks.map((b) => ({
      zone: `${b.nid}/${b.zone}`,
      total: Object.values(b.counts).reduce((s, n) => s + n, 0),
      cma: b.counts.CMA ?? 0,
    }));
    expect(shape(sim)).toEqual(shape(real));
    expect([sim.pageblockOrder, sim.orders]).toEqual([real.pageblockOrder, real.orders]);
  });

  if (c.arch !== 'x86_64') {
    const sections = (text: string) => Object.fromEntries(text.split(/^==> memblock\/(\w+) <==\n/m).slice(1)
      .reduce<string[][]>((acc, x, i) => (i % 2 ? acc[acc.length - 1]!.push(x.replace(/\n\n$/, '\n')) : acc.push([x]), acc), []));
    it('debugfs memblock/memory is exact', () => {
      expect(sections(m.render('memblock')).memory).toBe(c.read('memblock_memory.txt'));
    });
    it('debugfs memblock/reserved is exact', () => {
      expect(sections(m.render('memblock')).reserved).toBe(c.read('memblock_reserved.txt'));
    });
  }
});
