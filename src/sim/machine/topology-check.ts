/**
 * A declarative topology (notebooks, `mmbook boot --topology`) is mmbook's own input, not firmware:
 * each field is checked against the profile before a device tree or e820 map is built from it, so
 * a bad value is refused naming the field, up front, instead of surfacing as a DTB builder error,
 * a machine too big to simulate, or a kernel image that lies outside RAM.
 */
import { MmError } from '../errors';
import { fmtBytes, machineLimits } from '../limits';
import type { Profile } from '../types';
import type { Topology } from './firmware';
import { imageEnd } from '../arch/kernel-image';

const MiB = 2 ** 20;
/** the PC layout topologyE820 builds keeps the top 128 KiB below the PCI hole reserved */
const X86_LOW_RESERVED = 0x20000;

function bad(field: string, msg: string): never {
  throw new MmError('TOPOLOGY_INVALID', `topology ${field} ${msg}`, field);
}

const isUint = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** The smallest ramMiB whose RAM holds the profile's kernel image where the bootloader puts it. */
export function minTopologyRamMiB(profile: Pick<Profile, 'arch' | 'kernel'>): number {
  const end = imageEnd(profile.arch, profile.kernel) + (profile.arch === 'x86_64' ? X86_LOW_RESERVED : 0);
  return Math.ceil(end / MiB);
}

/** TOPOLOGY_INVALID (or MACHINE_TOO_LARGE) for a field the profile cannot boot. */
export function checkTopology(t: Topology, profile: Profile): void {
  const lim = machineLimits(profile.arch, profile.config);
  const ram = t.ramMiB;
  if (typeof ram !== 'number' || !Number.isFinite(ram) || ram <= 0) bad('ramMiB', `must be a positive number of MiB, got ${JSON.stringify(ram)}`);
  if (!Number.isSafeInteger(ram * 256)) bad('ramMiB', `must be a whole number of 4 KiB pages (a multiple of 1/256 MiB), got ${ram}`);
  if (ram * MiB > lim.maxRamBytes) {
    throw new MmError('MACHINE_TOO_LARGE', `topology ramMiB ${ram} (${fmtBytes(ram * MiB)}) is more RAM than mmbook boots: at most ${lim.maxRamBytes / MiB} (${fmtBytes(lim.maxRamBytes)})`, 'ramMiB');
  }
  const min = minTopologyRamMiB(profile);
  if (ram < min) {
    throw new MmError('KERNEL_IMAGE_OUTSIDE_RAM', `topology ramMiB ${ram} is too small: the ${profile.kernel} ${profile.arch} kernel image alone ends ${fmtBytes(imageEnd(profile.arch, profile.kernel))} into RAM; give at least ${min}`, 'ramMiB');
  }
  // a kernel without CONFIG_NUMA ignores numa-node-id, so there the bound is mmbook's: no more
  // nodes than the largest MAX_NUMNODES of any profile (amd64's NODES_SHIFT 10)
  const maxNodes = profile.config.numa ? lim.maxNodes : 1024;
  if (t.nodes !== undefined && !(Number.isInteger(t.nodes) && t.nodes >= 1 && t.nodes <= maxNodes)) {
    bad('nodes', `must be an integer from 1 to ${maxNodes} (${profile.config.numa ? `MAX_NUMNODES of the ${profile.arch} ${profile.kernel} profile` : 'the profile has no CONFIG_NUMA, which ignores them'}), got ${JSON.stringify(t.nodes)}`);
  }
  // the topology gives each node a whole number of 2 MiB blocks
  if (t.nodes !== undefined && ram / t.nodes < 2) bad('nodes', `${t.nodes} leaves less than 2 MiB of the ${ram} MiB to each node`);
  if (t.cpus !== undefined && !(Number.isInteger(t.cpus) && t.cpus >= 1 && t.cpus <= lim.maxCpus)) {
    bad('cpus', `must be an integer from 1 to ${lim.maxCpus} (CONFIG_NR_CPUS), got ${JSON.stringify(t.cpus)}`);
  }
  if (t.dramBase !== undefined) {
    if (!isUint(t.dramBase) || t.dramBase % 4096) bad('dramBase', `must be a page-aligned address, got ${JSON.stringify(t.dramBase)}`);
    if (profile.arch === 'x86_64') bad('dramBase', 'is not used on x86_64 (RAM starts at 0 in the PC layout); leave it out');
    if (t.dramBase + ram * MiB > lim.maxRamEnd) {
      throw new MmError('MACHINE_TOO_LARGE', `topology dramBase 0x${t.dramBase.toString(16)} + ramMiB ${ram} ends RAM at ${fmtBytes(t.dramBase + ram * MiB)}; mmbook boots RAM below ${fmtBytes(lim.maxRamEnd)} on ${profile.arch}`, 'dramBase');
    }
  }
  if (t.initrdKiB !== undefined && !isUint(t.initrdKiB)) bad('initrdKiB', `must be a whole number of KiB, got ${JSON.stringify(t.initrdKiB)}`);
  if (t.cmdline !== undefined && typeof t.cmdline !== 'string') bad('cmdline', `must be a string, got ${JSON.stringify(t.cmdline)}`);
}
