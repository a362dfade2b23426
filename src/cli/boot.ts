/**
 * `mmbook boot`: boot a simulated machine and print /proc files in the kernel's exact text.
 * The flags are a contract other tools depend on (see README "CLI").
 */
import {
  MmError, bootMachine, bootFromZoneinfo, renderProc, checkProfileName, ImportedMachine, COMMAND_LINE_SIZE,
  snapshotSummary, startImported,
  type Machine, type ProcName, type Arch, type KernelVersion, type RunningMachine, type SnapshotImport,
} from '../sim/index';
import { importStateDir } from './state-dir';
import { loadTopology } from './topology';
import { unmodeledParams } from './cmdline-check';
import { printable } from './printable';
import { readInputFile } from './input-file';
import { argvFlags, parseShowList } from './argv';

export interface BootArgs {
  arch?: string;
  kernel?: string;
  dtb?: string;
  e820?: string;
  zoneinfo?: string;
  /** the same machine's /proc/buddyinfo and /proc/pagetypeinfo (with --zoneinfo only) */
  buddyinfo?: string;
  pagetypeinfo?: string;
  topology?: string;
  cmdline?: string;
  cpus?: number;
  kconfig?: string;
  bootLog?: string;
  reserved?: string;
  sysctls: Array<[string, string]>;
  show: ProcName[];
  /** a workload spec to run after the boot, and where to write its result */
  workload?: string;
  json?: string;
  /** a running machine's /proc snapshot to start from (a directory), and its files' name prefix */
  state?: string;
  statePrefix?: string;
}

const VALUE_FLAGS: Record<string, keyof BootArgs> = {
  '--arch': 'arch', '--kernel': 'kernel', '--dtb': 'dtb', '--e820': 'e820', '--zoneinfo': 'zoneinfo',
  '--topology': 'topology', '--cmdline': 'cmdline', '--kconfig': 'kconfig', '--boot-log': 'bootLog', '--reserved': 'reserved',
  '--buddyinfo': 'buddyinfo', '--pagetypeinfo': 'pagetypeinfo', '--workload': 'workload', '--json': 'json',
  '--state': 'state', '--state-prefix': 'statePrefix',
};

export function parseBootArgs(argv: string[]): BootArgs {
  const a: BootArgs = { sysctls: [], show: ['zoneinfo'] };
  for (const { arg, flag, value: take } of argvFlags(argv)) {
    if (flag in VALUE_FLAGS) {
      const rec = a as unknown as Record<string, string>;
      if (rec[VALUE_FLAGS[flag]] !== undefined) throw new MmError('CLI_USAGE', `${flag} given twice ('${rec[VALUE_FLAGS[flag]]}' and '${take()}')`);
      rec[VALUE_FLAGS[flag]] = take();
    } else if (flag === '--cpus') {
      const v = take();
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new MmError('CLI_USAGE', `--cpus must be a positive integer, got '${v}'`);
      a.cpus = Number(v);
    } else if (flag === '--sysctl') {
      const v = take();
      // sysctl -w style, sysctl.conf style ("vm.NAME = VALUE") or the /proc/sys path
      const m = /^\s*((?:vm[./]|\/proc\/sys\/vm\/)[a-z_]+)\s*=\s*(.*)$/.exec(v);
      if (!m) throw new MmError('CLI_USAGE', `--sysctl expects vm.NAME=VALUE, got '${v}'`);
      a.sysctls.push([m[1].replace(/^\/proc\/sys\//, '').replace('/', '.'), m[2]]);
    } else if (flag === '--show') {
      a.show = parseShowList(take());
    } else {
      throw new MmError('CLI_USAGE', `unknown option '${arg}' for mmbook boot`);
    }
  }
  if (a.arch === undefined) throw new MmError('CLI_USAGE', '--arch is required (arm64, arm or x86_64)');
  if (a.kernel === undefined) throw new MmError('CLI_USAGE', '--kernel is required (5.10 or 6.1)');
  checkProfileName(a.arch, a.kernel, { arch: '--arch', kernel: '--kernel' });
  const inputs = ['dtb', 'e820', 'zoneinfo', 'topology'].filter((k) => (a as unknown as Record<string, unknown>)[k] !== undefined);
  if (inputs.length !== 1) throw new MmError('CLI_USAGE', `give exactly one of --dtb, --e820, --zoneinfo or --topology (got ${inputs.length ? inputs.map((k) => '--' + k).join(', ') : 'none'})`);
  if (a.zoneinfo === undefined && (a.buddyinfo !== undefined || a.pagetypeinfo !== undefined)) {
    throw new MmError('CLI_USAGE', `--${a.buddyinfo !== undefined ? 'buddyinfo' : 'pagetypeinfo'} gives the free lists of a machine imported with --zoneinfo; a --dtb, --e820 or --topology boot has its own`);
  }
  if (a.statePrefix !== undefined && a.state === undefined) throw new MmError('CLI_USAGE', '--state-prefix names the files of a --state directory; give --state DIR too');
  if (a.state !== undefined && a.zoneinfo !== undefined) throw new MmError('CLI_USAGE', '--state starts a machine booted from its firmware inputs (--dtb, --e820 or --topology) from a snapshot; a --zoneinfo import has no page state to put it in');
  if (a.json !== undefined && a.workload === undefined) throw new MmError('CLI_USAGE', '--json writes the result of a --workload run; give --workload SPEC.json too');
  if (a.zoneinfo !== undefined && a.reserved !== undefined) throw new MmError('CLI_USAGE', '--reserved replays a memblock/reserved listing into a --dtb, --e820 or --topology boot; a --zoneinfo import takes managed from the file and has no memblock');
  return a;
}

function readText(flag: string, path: string): string {
  return readBytes(flag, path).toString('utf8');
}

function readBytes(flag: string, path: string): Buffer {
  return readInputFile(flag, path);
}

/** Which file an input error came from, by the error code's family. */
const FILE_OF_CODE: Array<[RegExp, keyof BootArgs, string]> = [
  [/^FDT_/, 'dtb', '--dtb'],
  [/^E820_/, 'e820', '--e820'],
  [/^BUDDYINFO_/, 'buddyinfo', '--buddyinfo'],
  [/^PAGETYPEINFO_/, 'pagetypeinfo', '--pagetypeinfo'],
  [/^(ZONEINFO_|FORMAT_)/, 'zoneinfo', '--zoneinfo'],
  [/^KCONFIG_/, 'kconfig', '--kconfig'],
  [/^BOOTLOG_/, 'bootLog', '--boot-log'],
  [/^MEMBLOCK_PARSE$/, 'reserved', '--reserved'],
  // the machine the firmware input describes
  ...(['dtb', 'e820', 'topology'] as const).map((k): [RegExp, keyof BootArgs, string] => [/^(TOPOLOGY_INVALID|MACHINE_TOO_LARGE|KERNEL_IMAGE_OUTSIDE_RAM)$/, k, `--${k}`]),
];

export function bootFromArgs(a: BootArgs): Machine {
  try {
    return bootFromFiles(a);
  } catch (e) {
    // name the file: "FDT_TRUNCATED: --dtb file 'board.dtb': device tree blob of 8 bytes …"
    const hit = e instanceof MmError ? FILE_OF_CODE.find(([re, key]) => re.test(e.code) && a[key] !== undefined) : undefined;
    if (!hit) throw e;
    const err = e as MmError;
    if (err.message.startsWith(`${hit[2]} file `)) throw err;
    throw new MmError(err.code, `${hit[2]} file '${String(a[hit[1]])}': ${err.message}`);
  }
}

function bootFromFiles(a: BootArgs): Machine {
  const arch = a.arch as Arch;
  const kernel = a.kernel as KernelVersion;
  const kconfig = a.kconfig !== undefined ? readText('--kconfig', a.kconfig) : undefined;
  const bootLog = a.bootLog !== undefined ? readText('--boot-log', a.bootLog) : undefined;
  const common = { arch, kernel, cmdline: a.cmdline, cpus: a.cpus, kconfig, bootLog, sysctls: a.sysctls };
  if (a.zoneinfo !== undefined) {
    // the layout and arch checks run in bootFromZoneinfo (src/sim), as for mm.boot
    const zoneinfo = readText('--zoneinfo', a.zoneinfo);
    const buddyinfo = a.buddyinfo !== undefined ? readText('--buddyinfo', a.buddyinfo) : undefined;
    const pagetypeinfo = a.pagetypeinfo !== undefined ? readText('--pagetypeinfo', a.pagetypeinfo) : undefined;
    return bootFromZoneinfo({ ...common, zoneinfo, buddyinfo, pagetypeinfo });
  }
  return bootMachine({
    ...common,
    reserved: a.reserved !== undefined ? readText('--reserved', a.reserved) : undefined,
    dtb: a.dtb !== undefined ? new Uint8Array(readBytes('--dtb', a.dtb)) : undefined,
    e820: a.e820 !== undefined ? readText('--e820', a.e820) : undefined,
    topology: a.topology !== undefined ? loadTopology(a.topology, arch, kernel) : undefined,
  });
}

export async function bootCommand(argv: string[]): Promise<number> {
  const a = parseBootArgs(argv);
  // with --state, the --sysctl writes happen at the snapshot's moment, on the running machine
  const m = bootFromArgs(a.state !== undefined ? { ...a, sysctls: [] } : a);
  const state = a.state !== undefined ? startFromStateDir(m, a.state, a.statePrefix) : undefined;
  for (const [name, value] of state ? a.sysctls : []) state!.run.sysctl(name, value);
  // --workload: the files of the state the workload leaves (from the snapshot, with --state)
  const wl = a.workload !== undefined ? (await import('./workload')) : undefined;
  const result = wl ? wl.runWorkloadFile(state?.run ?? m, a.workload!, a.json) : undefined;
  const out: string[] = [];
  for (const name of a.show) {
    if (a.show.length > 1) out.push(`==> ${name} <==\n`);
    out.push(result ? renderProc(result.final, name) : state ? state.run.render(name) : m.render(name));
  }
  // setup_arch keeps COMMAND_LINE_SIZE - 1 bytes of the command line, silently
  const size = COMMAND_LINE_SIZE[m.parts.profile.arch];
  const given = a.cmdline !== undefined ? Buffer.byteLength(a.cmdline) : 0;
  if (given >= size) process.stderr.write(`mmbook: warning: CMDLINE_TRUNCATED: --cmdline is ${given} bytes; the ${m.parts.profile.arch} kernel keeps the first ${size - 1} (COMMAND_LINE_SIZE ${size}) and ignores the rest\n`);
  // the command line as booted: --cmdline, or the DTB's /chosen/bootargs
  for (const w of unmodeledParams(m.parts.params.tokens, m.parts.profile.arch)) process.stderr.write(`mmbook: warning: ${printable(w)}\n`);
  // what an imported /proc/zoneinfo lacked or had unusual; the sysctls inferred from it
  for (const w of m.parts.warnings ?? []) process.stderr.write(`mmbook: warning: ${printable(w)}\n`);
  for (const n of importNotes(m)) process.stderr.write(`mmbook: note: ${printable(n)}\n`);
  // what the snapshot disagreed in (read moments apart, sysctls since boot) and how close the import is
  for (const w of state?.imp.report.warnings ?? []) process.stderr.write(`mmbook: warning: ${printable(w)}\n`);
  for (const n of state ? snapshotSummary(state.imp.report) : []) process.stderr.write(`mmbook: note: state: ${printable(n)}\n`);
  if (wl && result) process.stderr.write(`mmbook: ${wl.workloadSummary(result)}\n`);
  process.stdout.write(out.join(''));
  return 0;
}

/** The machine started from a --state directory's snapshot (an import error names the file). */
function startFromStateDir(m: Machine, dir: string, prefix: string | undefined): { imp: SnapshotImport; run: RunningMachine } {
  const imp = importStateDir(m, dir, prefix);
  return { imp, run: startImported(imp) };
}

/** "vm.NAME = V (inferred from the dump's watermarks: basis)" for each sysctl an import inferred and no --sysctl wrote. */
function importNotes(m: Machine): string[] {
  if (!(m instanceof ImportedMachine)) return [];
  const written = new Set((m.parts.sysctlLog ?? []).map(([n]) => n));
  const out: string[] = [];
  for (const [name, inf] of Object.entries({ 'vm.min_free_kbytes': m.imported.inferred.minFreeKbytes, 'vm.watermark_scale_factor': m.imported.inferred.watermarkScaleFactor })) {
    if (!inf || written.has(name)) continue;
    const range = inf.range && inf.range[0] !== inf.range[1] ? `; ${inf.range[0]}–${inf.range[1]} are consistent` : '';
    out.push(`${name} = ${inf.value}, inferred from the dump's watermarks (${inf.basis}${range})${inf.exact ? '' : '; not exact'}`);
  }
  return out;
}
