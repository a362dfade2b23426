/** vm.min_free_kbytes and vm.watermark_scale_factor inferred from a dump's watermarks. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootFromZoneinfo } from '../../src/sim/machine/zoneinfo-import';
import { inferMinFreeKbytes, inferWatermarkScaleFactor } from '../../src/sim/machine/zoneinfo-infer';
import { fixture, folderProfile, oracle, ORACLE } from './fixtures';

const FOLDERS = ['a32-2g-highmem', 'a64-1g-nothp', 'a64-1g-reserved', 'a64-1g-tuned', 'a64-2g-cma64', 'a64-512m', 'a64-512m-k510', 'x64-1g', 'x64-1g-k510', 'x64-6g-numa2'];
const sysctl = (folder: string, name: string) => Number(readFileSync(join(ORACLE, folder, `${name}.txt`), 'utf8'));

describe('min_free_kbytes inferred from the watermarks', () => {
  for (const folder of FOLDERS) {
    it(`${folder}: the real value's 4 kB class without a boot log, the exact value with one`, () => {
      const real = sysctl(folder, 'min_free_kbytes');
      const plain = bootFromZoneinfo({ ...folderProfile(folder), zoneinfo: oracle(folder) }).imported.inferred.minFreeKbytes!;
      expect(plain.value >> 2).toBe(real >> 2);
      expect(plain.range![0] <= real && real <= plain.range![1]).toBe(true);
      const withLog = bootFromZoneinfo({ ...folderProfile(folder), zoneinfo: oracle(folder), bootLog: oracle(folder, 'kernel-console.txt') });
      expect(withLog.imported.inferred.minFreeKbytes).toMatchObject({ value: real, inferred: true, exact: true });
      expect(withLog.readSysctl('min_free_kbytes')).toBe(`${real}\n`);
    });
  }

  it('3.4 arm (no managed): int_sqrt(lowmem_kbytes * 16), exact', () => {
    const m = bootFromZoneinfo({ arch: 'arm', kernel: '5.10', zoneinfo: fixture('3.4-arm-nomanaged.txt') });
    expect(m.imported.inferred.minFreeKbytes).toMatchObject({ value: 3453, exact: true });
  });

  it('a value set at run time (a64-1g-tuned after its writes) is found from the mins', () => {
    const m = bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-1g-tuned', 'zoneinfo.after_sysctl.txt') });
    expect(m.imported.inferred.minFreeKbytes).toMatchObject({ value: 16384, exact: true, range: [16384, 16387] });
    expect(m.imported.inferred.watermarkScaleFactor).toMatchObject({ value: 200, exact: true, range: [200, 200] });
  });

  it('the sum of the mins bounds pages_min: S <= pages_min <= S + zones - 1', () => {
    // 2 zones, pages_min 1000, managed 3000 and 7001: mins 299 and 700 sum to 999
    const zones = [{ name: 'A', highmem: false, min: 299, managed: 3000, atWmark: 3000 }, { name: 'B', highmem: false, min: 700, managed: 7001, atWmark: 7001 }];
    const r = inferMinFreeKbytes(zones, 9, 1);
    expect(r!.range).toEqual([3996, 4003]);
    expect(r!.value >> 2).toBe(1000);
  });
});

describe('watermark_scale_factor', () => {
  it('only an upper bound when low - min = min/4 (THP-raised min): the default 10, not exact', () => {
    const w = bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-2g-cma64') }).imported.inferred.watermarkScaleFactor!;
    expect(w).toMatchObject({ value: 10, exact: false });
    expect(w.basis).toMatch(/upper bound/);
  });
  it('before 4.6 (low = min + min/4, high = min + min/2) there is none to infer', () => {
    const w = bootFromZoneinfo({ arch: 'x86_64', kernel: '5.10', zoneinfo: fixture('3.10-x86_64.txt') }).imported.inferred.watermarkScaleFactor!;
    expect(w.exact).toBe(false);
    expect(w.basis).toMatch(/before 4\.6/);
  });
  it('pinned by mult_frac when dist > min/4', () => {
    const z = { name: 'N', highmem: false, min: 1000, low: 1000 + 3000, high: 1000 + 6000, managed: 1000000, atWmark: 1000000 };
    expect(inferWatermarkScaleFactor([z], '6.1', true)).toMatchObject({ value: 30, exact: true, range: [30, 30] });
  });
  it('a --sysctl given with the import overrides the inferred value', () => {
    const m = bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-2g-cma64'), sysctls: [['vm.watermark_scale_factor', 100]] });
    expect(m.readSysctl('watermark_scale_factor')).toBe('100\n');
  });
});
