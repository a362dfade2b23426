/** Machines the workload tests run on. */
import { bootMachine, type Machine } from '../../src/sim/index';

export const KERNELS = ['5.10', '6.1'] as const;

const cache = new Map<string, Machine>();

/** A declarative machine (cached: machines are immutable, each workload starts its own run). */
export function machine(arch: 'arm64' | 'x86_64' | 'arm', kernel: '5.10' | '6.1', ramMiB: number, cpus = 1, cmdline?: string): Machine {
  const key = [arch, kernel, ramMiB, cpus, cmdline].join('/');
  let m = cache.get(key);
  if (!m) cache.set(key, (m = bootMachine({ arch, kernel, topology: { arch, kernel, ramMiB, cpus }, cmdline })));
  return m;
}
