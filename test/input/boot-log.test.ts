import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { parseBootLog } from '../../src/sim/input/boot-log';
import { ORACLE } from '../helpers/oracle-dir';

const dirs = readdirSync(ORACLE).filter((d) => existsSync(`${ORACLE}/${d}/kernel-console.txt`));

describe('parseBootLog on the oracle consoles', () => {
  it('has all ten boots', () => expect(dirs.length).toBe(10));
  for (const d of dirs) {
    it(`${d}`, () => {
      const text = readFileSync(`${ORACLE}/${d}/kernel-console.txt`, 'utf8');
      const log = parseBootLog(text);
      const lines = text.split('\n');
      // Every memblock debug line is read, in order, and nothing else.
      const mbLines = lines.map((l, i) => [l, i + 1] as const).filter(([l]) => /\] memblock_\w+: /.test(l) || /^memblock_\w+: /.test(l));
      expect(log.memblock.map((o) => o.line)).toEqual(mbLines.map(([, n]) => n));
      expect(log.warnings).toEqual([]);
      for (const o of log.memblock) {
        expect(o.caller).not.toContain('+');
        if (o.kind === 'range') expect(o.size).toBe(o.end! - o.base! + 1);
        else expect(o.align).toBeGreaterThan(0);
      }
      expect(log.commandLine).toBe(readFileSync(`${ORACLE}/${d}/cmdline.txt`, 'utf8').trim());
      expect(log.memoryLine).toBeDefined();
      expect(log.memoryLine!.availableK).toBeLessThanOrEqual(log.memoryLine!.totalK);
      expect(log.zonelists?.totalPages).toBeGreaterThan(0);
      expect(log.percpu?.pagesPerCpu).toBeGreaterThan(0);
      // Late frees: sums agree with the individual lines.
      const freeLines = lines.filter((l) => /Freeing .+ memory: \d+K/.test(l));
      expect(log.frees.length).toBe(freeLines.length);
      expect(log.initrdFreedK).toBe(log.frees.filter((f) => f.what === 'initrd').reduce((n, f) => n + f.kib, 0));
      expect(log.initrdFreedK).toBeGreaterThan(0);
      expect(log.unusedKernelFreedK).toBeGreaterThan(0);
      if (d.startsWith('x64')) {
        expect(log.e820.length).toBeGreaterThanOrEqual(6);
        expect(log.e820[0]).toEqual({ start: 0, end: 0x9fbff, type: 1 });
      } else expect(log.e820).toEqual([]);
      expect(log.srat.length).toBe(d === 'x64-6g-numa2' ? 3 : 0);
      expect(log.sratCpus.length).toBe(d === 'x64-6g-numa2' ? 2 : 0);
      // CMA: arm boots reserve the Kconfig default (or cma=64M); x86 has no CMA.
      expect(log.cma.length).toBe(d.startsWith('x64') ? 0 : 1);
    });
  }
  it('reads specific values from x64-6g-numa2', () => {
    const log = parseBootLog(readFileSync(`${ORACLE}/x64-6g-numa2/kernel-console.txt`, 'utf8'));
    expect(log.memoryLine).toEqual({ availableK: 338620, totalK: 6290936, kernelCodeK: 14343, rwdataK: 2338, rodataK: 9116, initK: 2820, bssK: 17356, reservedK: 220492, cmaReservedK: 0 });
    expect(log.percpu).toEqual({ pagesPerCpu: 62, staticSize: 217088, reservedSize: 8192, dynamicSize: 28672, unitSize: 2097152 });
    expect(log.zonelists).toEqual({ count: 2, mobilityGrouping: true, totalPages: 1548000 });
    expect(log.initrdFreedK).toBe(1012);
    // initmem 2820K + text/rodata gap 2040K + rodata/data gap 1124K
    expect(log.unusedKernelFreedK).toBe(2820 + 2040 + 1124);
    const alloc = log.memblock.find((o) => o.op === 'memblock_alloc_try_nid' && o.caller === 'e820__reserve_resources');
    expect(alloc).toMatchObject({ kind: 'alloc', size: 576, align: 0x40, nid: -1, from: 0, maxAddr: 0, callerRaw: 'e820__reserve_resources+0x2a/0x1b0' });
  });
  it('reads max_addr=~0 (MEMBLOCK_ALLOC_ANYWHERE) of the dynamic reserved-memory allocation', () => {
    const log = parseBootLog(readFileSync(`${ORACLE}/a64-1g-reserved/kernel-console.txt`, 'utf8'));
    const a = log.memblock.find((o) => o.caller === 'early_init_dt_alloc_reserved_memory_arch');
    expect(a).toMatchObject({ op: 'memblock_phys_alloc_range', size: 32 << 20, align: 0x400000, from: 0, maxAddr: Infinity });
  });
  it('reads the arm32 highmem Memory line and the CMA line', () => {
    const log = parseBootLog(readFileSync(`${ORACLE}/a32-2g-highmem/kernel-console.txt`, 'utf8'));
    expect(log.memoryLine?.highmemK).toBe(1294336);
    expect(log.cma).toEqual([{ sizeMiB: 16, base: 0xbf000000, line: log.cma[0]!.line }]);
  });
});

describe('parseBootLog on synthetic text', () => {
  it('works without timestamps, with junk before them, and interleaved', () => {
    const log = parseBootLog([
      'noise',
      'memblock_reserve: [0x0000000040000000-0x0000000040000fff] setup_arch+0x10/0x20',
      'c[?7l[2J[    0.000000] memblock_phys_alloc_range: 4096 bytes align=0x1000 from=0x0000000000000000 max_addr=0x0000000000000001 early_pgtable_alloc+0x2c/0xb0',
      '[    1.000000] Freeing unused kernel memory: 6464K',
      '[    1.000000] Freeing unused kernel memory: 100K',
      'memblock_free: [0x0000000041cc8000-0x0000000041cc7fff] x',
      'memblock_remove: [0x00f0000000000000-0x00ffffffffffffff] too_big',
    ].join('\n'));
    expect(log.memblock.map((o) => [o.op, o.size])).toEqual([['memblock_reserve', 0x1000], ['memblock_phys_alloc_range', 4096], ['memblock_free', 0]]);
    expect(log.memblock[1]!.nid).toBeUndefined();
    expect(log.unusedKernelFreedK).toBe(6564);
    expect(log.warnings.length).toBe(1);
  });
});
