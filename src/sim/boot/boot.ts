/**
 * The boot pipeline: firmware → setup_arch (memblock) → free_area_init (zones) →
 * memblock_free_all (buddy) → initcalls (CMA activation, watermarks, THP raise) → late frees →
 * run-time sysctls. Each stage's result is kept on the Machine as an immutable snapshot.
 */
import { checkBootLogProfile, checkKconfigProfile } from '../input/profile-check';
import { MmError } from '../errors';
import { Memblock } from '../memblock/memblock';
import { parseMemblockDebugfs } from '../memblock/debugfs-parse';
import { parseCmdline } from '../input/cmdline';
import { parseBootLog } from '../input/boot-log';
import { defaultKernelConfig } from '../input/profiles';
import { parseKconfig } from '../input/kconfig';
import type { Arch, KernelVersion, Profile } from '../types';
import { zoneNames } from '../zone-types';
import { isKernelVersion, kernelBehaviour, KERNEL_VERSIONS } from '../kernel-behaviour';
import type { ArchBoot, FirmwareDesc, RmemBase } from './context';
import { kernelBuild, type LateFree } from '../arch/kernel-build';
import { arm64Boot } from '../arch/arm64';
import { x86Boot, firmwareFromE820 } from '../arch/x86';
import { armBoot } from '../arch/arm';
import { firmwareFromDtb, topologyDtb, topologyE820, type Topology } from '../machine/firmware';
import { bootLogFacts, replayBootLog, replayReservedListing } from '../machine/boot-log-replay';
import { zoneLayout } from '../mm-init/zone-layout';
import { handOver } from '../mm-init/mem-init';
import { runInitcalls } from '../mm-init/initcalls';
import { Machine } from '../machine/machine';
import { checkTopology } from '../machine/topology-check';
import { COMMAND_LINE_SIZE } from '../limits';
import { newHugetlbBoot } from '../hugetlb/boot-state';
import { hugetlbBootPools } from '../hugetlb/boot-pools';

export interface BootRequest {
  arch: Arch;
  kernel: KernelVersion;
  dtb?: Uint8Array;
  /** /sys/firmware/memmap listing or a boot log with BIOS-e820 lines */
  e820?: string;
  topology?: Topology;
  cmdline?: string;
  cpus?: number;
  /** text of a kernel .config overriding the profile's defaults */
  kconfig?: string;
  bootLog?: string;
  /** text of a debugfs memblock/reserved listing */
  reserved?: string;
  sysctls?: Array<[string, string | number]>;
  /** where the bootloader loaded the DTB (default: QEMU's placement) */
  dtbAddr?: number;
  /**
   * Called as each boot stage starts, with the share of a large boot's time done before it
   * (measured on the 64 GiB bench machine): a progress bar's position, not a promise.
   */
  onStage?: (stage: BootStage, fraction: number) => void;
}

/** The boot stages in order, with the share of a 64 GiB boot's time spent before each starts. */
export const BOOT_STAGES = [
  ['firmware', 0],
  ['setup_arch', 0.002],
  ['free_area_init', 0.17],
  ['memblock_free_all', 0.17],
  ['initcalls', 0.99],
  ['sysctls', 0.999],
] as const;
export type BootStage = (typeof BOOT_STAGES)[number][0];

function stageReporter(cb: BootRequest['onStage']): (s: BootStage) => void {
  if (!cb) return () => {};
  const at = new Map<BootStage, number>(BOOT_STAGES);
  return (s) => cb(s, at.get(s)!);
}

/** BAD_ARCH / BAD_KERNEL unless `arch` and `kernel` name a built-in profile. */
export function checkProfileName(arch: string, kernel: string, where?: { arch?: string; kernel?: string }): asserts arch is Arch {
  if (arch !== 'arm64' && arch !== 'arm' && arch !== 'x86_64') throw new MmError('BAD_ARCH', `unknown arch '${String(arch)}'; expected arm64, arm or x86_64`, where?.arch);
  if (!isKernelVersion(kernel)) throw new MmError('BAD_KERNEL', `unknown kernel profile '${String(kernel)}'; expected ${KERNEL_VERSIONS.join(' or ')}`, where?.kernel);
}

export function makeProfile(arch: Arch, kernel: KernelVersion, kconfig?: string): Profile {
  checkProfileName(arch, kernel);
  if (kconfig) checkKconfigProfile(kconfig, arch, kernel);
  const config = { ...defaultKernelConfig(arch, kernel), ...(kconfig ? parseKconfig(kconfig) : {}) };
  return { arch, kernel, config, behaviour: kernelBehaviour(kernel, config) };
}

function firmwareOf(req: BootRequest, profile: Profile): FirmwareDesc {
  const given = [req.dtb, req.e820, req.topology].filter((x) => x !== undefined).length;
  if (given !== 1) throw new MmError('BOOT_INPUT', 'give exactly one of a DTB, an e820 map or a topology');
  if (req.topology) {
    const t = req.topology;
    checkTopology(t, profile);
    if (profile.arch === 'x86_64') return firmwareFromE820(topologyE820(t));
    let dtb: Uint8Array;
    try {
      dtb = topologyDtb(t);
    } catch (e) {
      // every field but the reserved-memory children was checked above
      if (e instanceof MmError && e.code.startsWith('FDT_BUILD')) throw new MmError('TOPOLOGY_INVALID', `topology reserved: ${e.message}`, 'reserved');
      throw e;
    }
    return firmwareFromDtb(dtb, profile.arch, profile.kernel, undefined, true);
  }
  if (req.dtb) {
    if (profile.arch === 'x86_64') throw new MmError('BOOT_INPUT', 'x86_64 boots from an e820 map, not a device tree');
    return firmwareFromDtb(req.dtb, profile.arch, profile.kernel, req.dtbAddr);
  }
  if (profile.arch !== 'x86_64') throw new MmError('BOOT_INPUT', `${profile.arch} boots from a device tree, not an e820 map`);
  // NUMA comes from SRAT: a /sys/firmware/memmap listing has none, so take it from the boot log if given.
  const srat = (req.bootLog ?? '').split(/\r?\n/).filter((l) => /SRAT: (Node \d+ PXM|PXM \d+ -> APIC)/.test(l));
  return firmwareFromE820(srat.length && !/SRAT:/.test(req.e820!) ? `${req.e820!}\n${srat.join('\n')}\n` : req.e820!);
}

/**
 * The pages free_initrd_mem gives back of [initrd_start, initrd_end). arm64 uses the generic one
 * (init/initramfs.c), whose free_reserved_area frees only the whole pages inside; arm's
 * (arch/arm/mm/init.c) rounds the start down and the end up; x86's (arch/x86/mm/init.c) frees up to
 * PAGE_ALIGN(end).
 */
export function freeInitrdMem(arch: Arch, start: number, end: number): { start: number; end: number } {
  const up = (x: number) => Math.ceil(x / 4096);
  const down = (x: number) => Math.floor(x / 4096);
  if (arch === 'arm') return { start: down(start), end: up(end) };
  if (arch === 'x86_64') return { start: up(start), end: up(end) };
  return { start: up(start), end: down(end) };
}

/**
 * The command line as the kernel keeps it: at most COMMAND_LINE_SIZE - 1 bytes (x86 copy_bootdata's
 * strscpy, the DT path's strlcpy in early_init_dt_scan_chosen). A multi-byte character cut in two
 * is dropped.
 */
export function truncateCmdline(cmdline: string, size: number): string {
  const bytes = new TextEncoder().encode(cmdline);
  if (bytes.length < size) return cmdline;
  return new TextDecoder().decode(bytes.subarray(0, size - 1)).replace(/\uFFFD$/, '');
}

export function bootMachine(req: BootRequest): Machine {
  const stage = stageReporter(req.onStage);
  const profile = makeProfile(req.arch, req.kernel, req.kconfig);
  const { arch, kernel, config: cfg } = profile;
  if (req.bootLog !== undefined) checkBootLogProfile(req.bootLog, arch, kernel);
  stage('firmware');
  const fwRaw = firmwareOf(req, profile);
  // Without CONFIG_NUMA the kernel never reads numa-node-id or SRAT: every bank and CPU is node 0.
  let fw: FirmwareDesc = cfg.numa ? fwRaw : { ...fwRaw, banks: fwRaw.banks.map((x) => ({ ...x, nid: 0 })), cpuNodes: fwRaw.cpuNodes.map(() => 0), distance: undefined };
  // the command line: given, else the DT's bootargs, else what a boot log says the kernel booted with
  const logCmdline = (t?: string) => (t ? parseBootLog(t).commandLine : undefined);
  const cmdline = truncateCmdline(req.cmdline ?? fw.bootargs ?? req.topology?.cmdline ?? logCmdline(req.bootLog) ?? logCmdline(req.e820) ?? '', COMMAND_LINE_SIZE[arch]);
  const params = parseCmdline(cmdline, arch);
  if (req.cpus !== undefined && (!Number.isInteger(req.cpus) || req.cpus < 1 || req.cpus > cfg.nrCpus))
    throw new MmError('BAD_CPUS', `--cpus must be an integer from 1 to ${cfg.nrCpus} (CONFIG_NR_CPUS), got ${req.cpus}`);
  const early: string[] = [];
  if (fw.cpuNodes.length > cfg.nrCpus) {
    // CPUs past NR_CPUS are not possible: smp_init_cpus (arch/arm64/kernel/smp.c), arm_dt_init_cpu_maps
    // (arch/arm/kernel/devtree.c), generic_processor_info (arch/x86/kernel/apic/apic.c, per CPU ignored)
    const n = fw.cpuNodes.length;
    early.push(arch === 'arm64' ? `Number of cores (${n}) exceeds configured maximum of ${cfg.nrCpus} - clipping`
      : arch === 'arm' ? `DT /cpu ${n} nodes greater than max cores ${cfg.nrCpus}, capping them`
      : `APIC: NR_CPUS/possible_cpus limit of ${cfg.nrCpus} reached. Processor ${cfg.nrCpus}/0x${cfg.nrCpus.toString(16)} ignored.`);
    fw = { ...fw, cpuNodes: fw.cpuNodes.slice(0, cfg.nrCpus) };
  }
  const cpus = req.cpus ?? (fw.cpuNodes.length || req.topology?.cpus || 1);
  const mb = new Memblock({
    kernel,
    physAddrBytes: arch === 'arm' && !cfg.armLpae ? 4 : 8,
    maxNumnodes: cfg.numa ? 2 ** cfg.nodesShift : 1,
    numa: cfg.numa,
    debug: params.memblockDebug,
    arch,
    smpCacheBytes: 64,
  });
  const nids = [...new Set(fw.banks.map((b) => b.nid))].sort((a, b) => a - b);
  const b: ArchBoot = {
    profile, build: kernelBuild(arch, kernel), fw, params, cmdline, cpus, mb,
    cmaAreas: [], dmesg: early, reservations: [], maxPfn: 0, maxLowPfn: 0, maxZonePfn: [], nids, highmemStart: 0,
    hugetlb: cfg.hugetlbPage ? newHugetlbBoot(params.tokens, profile.behaviour, cfg.cma, mb.maxNumnodes) : undefined,
  };
  stage('setup_arch');
  const rmem: RmemBase = { arch, rules: profile.behaviour, config: cfg, pageblockOrder: cfg.pageblockOrder, maxOrder: cfg.maxOrder, smpCacheBytes: 64, cmaCmdline: !!params.cma };
  if (arch === 'arm64') arm64Boot(b, rmem);
  else if (arch === 'x86_64') x86Boot(b);
  else armBoot(b, rmem);

  // populate_rootfs frees the initrd (free_initrd_mem) before free_initmem frees __init memory
  const initrd = b.reservations.find((r) => r.what === 'initrd');
  const initrdFree = initrd && fw.initrd ? freeInitrdMem(arch, fw.initrd.start, fw.initrd.start + fw.initrd.size) : undefined;
  let lateFrees: LateFree[] = [
    ...(initrdFree ? [{ what: 'initrd memory', kb: (initrdFree.end - initrdFree.start) * 4, beforeInitcalls: false, pfns: initrdFree }] : []),
    ...b.build.lateFrees,
  ];
  let source: 'model' | 'boot-log' | 'reserved' = 'model';
  const modelReserved = mb.reserved.map((r) => ({ ...r }));
  const logLen = mb.log.length;
  if (req.bootLog !== undefined) {
    const facts = bootLogFacts(req.bootLog);
    replayBootLog(mb, facts);
    // the log's areas, keeping the model's name (and hugetlb_cma node and order_per_bit) for an area at the same base
    b.cmaAreas.splice(0, b.cmaAreas.length, ...facts.cma.map((c, i) => {
      const same = b.cmaAreas.find((a) => a.fromDt === c.fromDt && a.base === c.base);
      return { ...same, ...c, name: same?.name ?? (c.fromDt ? `dt${i}` : 'reserved') };
    }));
    lateFrees = facts.lateFrees;
    if (facts.initrd && !b.reservations.some((r) => r.what === 'initrd')) b.reservations.push({ what: 'initrd', ...facts.initrd });
    source = 'boot-log';
  } else if (req.reserved !== undefined) {
    replayReservedListing(mb, parseMemblockDebugfs(req.reserved).map((r) => ({ base: r.base, size: r.size })));
    source = 'reserved';
  }
  mb.log.splice(logLen);

  const names = zoneNames(arch, cfg);
  stage('free_area_init');
  const layout = zoneLayout(b, names);
  stage('memblock_free_all');
  const hand = handOver(b, layout, names);
  stage('initcalls');
  const init = runInitcalls(b, layout, names, hand, lateFrees);
  let m = new Machine({ profile, fw, params, cmdline, cpus: b.cpus, memblock: mb, inBuddy: hand.inBuddy, memblockLog: mb.log.slice(), modelReserved, source, names, layout, buddy: hand.buddy, tunables: init.tunables, cmaAreas: b.cmaAreas, dmesg: [...b.dmesg, ...init.dmesg], reservations: b.reservations, lateFrees, managedAtWmark: init.managedAtWmark, hugetlb: b.hugetlb });
  // hugetlb_init's buddy-sized pools (hugepages= for non-gigantic sizes) and report_hugepages
  m = hugetlbBootPools(m, b.dmesg.length + init.hugetlbReportAt);
  stage('sysctls');
  for (const [name, value] of req.sysctls ?? []) m = m.sysctl(name, value);
  return m;
}
