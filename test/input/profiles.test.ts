import { describe, expect, it } from 'vitest';
import { readFileSync } from 'fs';
import { parseKconfig, readKconfigValues, kconfigArch, kconfigVersion } from '../../src/sim/input/kconfig';
import { defaultKernelConfig } from '../../src/sim/input/profiles';
import type { Arch, KernelVersion } from '../../src/sim/types';
import { MmError } from '../../src/sim/errors';
import { ORACLE } from '../helpers/oracle-dir';

const DIR = `${ORACLE}/kernel-configs`;
const CONFIGS: [string, Arch, KernelVersion][] = [
  ['config-5.10.0-32-arm64', 'arm64', '5.10'],
  ['config-6.1.0-50-arm64', 'arm64', '6.1'],
  ['config-5.10.0-32-amd64', 'x86_64', '5.10'],
  ['config-6.1.0-50-amd64', 'x86_64', '6.1'],
  ['config-6.1.0-50-armmp-lpae', 'arm', '6.1'],
];

describe('profiles agree with the Debian configs', () => {
  for (const [file, arch, kernel] of CONFIGS) {
    it(`${arch} ${kernel} = parseKconfig(${file})`, () => {
      const text = readFileSync(`${DIR}/${file}`, 'utf8');
      expect(kconfigArch(readKconfigValues(text))).toBe(arch);
      expect(kconfigVersion(text)).toBe(kernel);
      const parsed = parseKconfig(text, file);
      const profile = defaultKernelConfig(arch, kernel);
      // Every KernelConfig field is determined by a complete .config.
      expect(Object.keys(parsed).sort()).toEqual(Object.keys(profile).sort());
      expect(parsed).toEqual(profile);
    });
  }
  it('arm 5.10 is derived from the 6.1 armmp-lpae config, without the 6.1-only CONFIG_PCP_BATCH_SCALE_MAX', () => {
    expect(defaultKernelConfig('arm', '5.10')).toEqual({ ...defaultKernelConfig('arm', '6.1'), pcpBatchScaleMax: 0 });
  });
  it('the oracle-visible facts hold', () => {
    // arm64 reserves 64 MiB of CMA by default, armhf 16 MiB, x86 none (README "Kernel config matters").
    expect(defaultKernelConfig('arm64', '6.1').cmaSizeMbytes).toBe(64);
    expect(defaultKernelConfig('arm', '6.1').cmaSizeMbytes).toBe(16);
    expect(defaultKernelConfig('x86_64', '6.1').cma).toBe(false);
    // The armmp-lpae buddyinfo has 12 order columns and pagetypeinfo says "Page block order: 9".
    const buddy = readFileSync(`${ORACLE}/a32-2g-highmem/buddyinfo.txt`, 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(4);
    expect(defaultKernelConfig('arm', '6.1').maxOrder).toBe(buddy.length);
    const pbo = /Page block order: (\d+)/.exec(readFileSync(`${ORACLE}/a32-2g-highmem/pagetypeinfo.txt`, 'utf8'))![1];
    expect(defaultKernelConfig('arm', '6.1').pageblockOrder).toBe(Number(pbo));
    const x = /Page block order: (\d+)/.exec(readFileSync(`${ORACLE}/x64-1g/pagetypeinfo.txt`, 'utf8'))![1];
    expect(defaultKernelConfig('x86_64', '6.1').pageblockOrder).toBe(Number(x));
  });
  it('returns a fresh copy', () => {
    const a = defaultKernelConfig('arm64', '6.1');
    a.cmaSizeMbytes = 1;
    expect(defaultKernelConfig('arm64', '6.1').cmaSizeMbytes).toBe(64);
  });
});

describe('parseKconfig on fragments', () => {
  it('returns only what a fragment states, plus derivations', () => {
    const p = parseKconfig('CONFIG_CMA=y\nCONFIG_CMA_SIZE_MBYTES=128\n# CONFIG_TRANSPARENT_HUGEPAGE is not set\nCONFIG_CMDLINE="quiet splash"\nCONFIG_CMDLINE_FORCE=y\n');
    expect(p).toEqual({ cma: true, cmaSizeMbytes: 128, thp: 'off', cmdline: 'quiet splash', cmdlineMode: 'force' });
  });
  it('derives pageblock order and struct page size', () => {
    const arm64 = 'CONFIG_ARM64=y\nCONFIG_ARM64_PAGE_SHIFT=12\n# CONFIG_HUGETLB_PAGE is not set\n# CONFIG_MEMCG is not set\nCONFIG_HAVE_ALIGNED_STRUCT_PAGE=y\n';
    expect(parseKconfig(arm64)).toMatchObject({ maxOrder: 11, pageblockOrder: 10, structPageSize: 64 });
    expect(parseKconfig(arm64.replace('CONFIG_HAVE_ALIGNED_STRUCT_PAGE=y\n', ''))).toMatchObject({ structPageSize: 56 });
    expect(parseKconfig('CONFIG_ARM=y\n# CONFIG_MEMCG is not set\nCONFIG_ARCH_FORCE_MAX_ORDER=11\nCONFIG_HUGETLB_PAGE=y\n')).toMatchObject({ maxOrder: 11, pageblockOrder: 9, structPageSize: 32, armLpae: false });
    expect(parseKconfig('CONFIG_X86_64=y\nCONFIG_TRANSPARENT_HUGEPAGE=y\nCONFIG_TRANSPARENT_HUGEPAGE_MADVISE=y\n')).toMatchObject({ maxOrder: 11, thp: 'madvise' });
  });
  it('rejects malformed lines and unsupported page sizes', () => {
    const code = (t: string) => {
      try {
        parseKconfig(t, 'my.config');
      } catch (e) {
        return [(e as MmError).code, (e as MmError).location];
      }
      return null;
    };
    expect(code('CONFIG_CMA=y\nthis is not a config line\n')).toEqual(['KCONFIG_BAD_LINE', 'my.config:2']);
    expect(code('CONFIG_CMA_SIZE_MBYTES=lots\n')?.[0]).toBe('KCONFIG_BAD_VALUE');
    expect(code('CONFIG_ARM64=y\nCONFIG_ARM64_PAGE_SHIFT=16\nCONFIG_HUGETLB_PAGE=y\n')?.[0]).toBe('KCONFIG_UNSUPPORTED');
  });
});
