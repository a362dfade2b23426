/**
 * Default kernel-config values per (arch, kernel), embedded from the Debian configs the oracle
 * kernels were built with (the oracle's `kernel-configs/` folder; test/input/profiles.test.ts
 * parses those files with `parseKconfig` and checks these constants agree field by field):
 * - arm64 5.10: config-5.10.0-32-arm64;  arm64 6.1: config-6.1.0-50-arm64
 * - x86_64 5.10: config-5.10.0-32-amd64; x86_64 6.1: config-6.1.0-50-amd64
 * - arm 6.1: config-6.1.0-50-armmp-lpae
 * - arm 5.10: no 5.10 armmp-lpae config is available; it is the 6.1 armmp-lpae profile unchanged.
 *   MAX_ORDER is 12 there as well, because the arm Kconfig default ("12" if SOC_AM33XX, which the
 *   multiplatform config enables) is the same in 5.10 (CONFIG_FORCE_MAX_ZONEORDER) and 6.1
 *   (CONFIG_ARCH_FORCE_MAX_ORDER); the other fields are options whose 5.10 Kconfig is the same.
 * Derived fields (pageblockOrder, structPageSize, …) follow the rules documented in kconfig.ts.
 */
import { MmError } from '../errors';
import type { Arch, KernelConfig, KernelVersion } from '../types';

const ARM64: KernelConfig = {
  cma: true,
  cmaSizeMbytes: 64,
  cmaSizeSel: 'mbytes',
  cmaSizePercentage: 0,
  cmaAreas: 19,
  thp: 'always',
  zoneDma: true,
  zoneDma32: true,
  zoneDevice: false,
  highmem: false,
  hugetlbPage: true,
  maxOrder: 11,
  pageblockOrder: 9,
  structPageSize: 64,
  numa: true,
  nodesShift: 4,
  sparsememVmemmap: true,
  armLpae: false,
  pageOffset: 0,
  zsmalloc: true,
  memoryFailure: true,
  swap: true,
  cmdline: '',
  cmdlineMode: 'default',
  deferredStructPageInit: true,
  nrCpus: 256,
  pcpBatchScaleMax: 5,
};

const AMD64: KernelConfig = {
  ...ARM64,
  cma: false,
  cmaSizeMbytes: 0,
  cmaAreas: 0,
  zoneDevice: true,
  nodesShift: 10,
  nrCpus: 8192,
};

const ARMMP_LPAE: KernelConfig = {
  ...ARM64,
  cmaSizeMbytes: 16,
  cmaAreas: 7,
  zoneDma32: false,
  highmem: true,
  maxOrder: 12,
  structPageSize: 36,
  numa: false,
  nodesShift: 0,
  sparsememVmemmap: false,
  armLpae: true,
  pageOffset: 0xc0000000,
  memoryFailure: false,
  deferredStructPageInit: false,
  nrCpus: 8,
};

/** 5.10 has no CONFIG_PCP_BATCH_SCALE_MAX (added in 6.10 and backported to 6.1.y only). */
const K510 = (c: KernelConfig): KernelConfig => ({ ...c, pcpBatchScaleMax: 0 });

const PROFILES: Record<Arch, Record<KernelVersion, KernelConfig>> = {
  arm64: { '5.10': K510(ARM64), '6.1': ARM64 },
  x86_64: { '5.10': K510(AMD64), '6.1': AMD64 },
  arm: { '5.10': K510(ARMMP_LPAE), '6.1': ARMMP_LPAE },
};

/** The Debian kernel-config defaults for `arch` and `kernel` (a fresh copy). */
export function defaultKernelConfig(arch: Arch, kernel: KernelVersion): KernelConfig {
  const c = PROFILES[arch]?.[kernel];
  if (!c) throw new MmError('PROFILE_UNKNOWN', `no kernel profile for arch "${arch}" and kernel "${kernel}"`);
  return { ...c };
}
