/** Seeded random machines for the boot fuzz test. */
import { rng } from '../helpers/prng';

const MiB = 2 ** 20;

export function randomCase(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const banks = Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({
    base: pick([0x40000000, 0x40000000 + Math.floor(r() * 512) * MiB, 0x80000000, 0x40000000 + Math.floor(r() * 4096) * 4096 + 123, 0]),
    size: pick([0, 4096, 64 * MiB, 256 * MiB, Math.floor(r() * 300) * MiB + 17, 768 * MiB]),
    nid: pick([undefined, 0, 1]),
  }));
  const reserved = Array.from({ length: Math.floor(r() * 3) }, (_, i) => {
    const dyn = r() < 0.5;
    return {
      name: `r${i}@${i}`,
      reg: dyn ? undefined : [{ base: 0x40000000 + Math.floor(r() * 1024) * MiB, size: pick([MiB, 3 * MiB, 32 * MiB, 0]) }],
      size: dyn ? pick([MiB, 16 * MiB, 32 * MiB, 4096 * MiB]) : undefined,
      noMap: r() < 0.3,
      reusable: r() < 0.5,
      compatible: pick(['shared-dma-pool', 'vendor,thing']),
      cmaDefault: r() < 0.2,
    };
  });
  const cmdline = [
    pick(['', 'cma=16M', 'cma=0', 'cma=64M@0x48000000', 'cma=1G', 'cma=8M@0x41000001']),
    pick(['', 'mem=256M', 'mem=1G', 'mem=4K']),
    pick(['', 'movablecore=128M', 'kernelcore=50%', 'movablecore=90%', 'kernelcore=mirror']),
    pick(['', 'transparent_hugepage=never', 'transparent_hugepage=always', 'memblock=debug']),
  ].filter(Boolean).join(' ');
  const arch = pick(['arm64', 'arm64', 'arm'] as const);
  const kernel = pick(['5.10', '6.1'] as const);
  const sysctls: Array<[string, string]> = r() < 0.3 ? [[pick(['vm.min_free_kbytes', 'vm.watermark_scale_factor', 'vm.lowmem_reserve_ratio']), pick(['0', '16384', '3000', '64 64 16 0', '-1', 'x'])]] : [];
  return { arch, kernel, banks, reserved, cmdline, sysctls };
}

