/**
 * `mmbook explain [--arch A] [--kernel K] [--report N] [--sysctl vm.extfrag_threshold=N] [--json OUT] FILE`: read a kernel log excerpt
 * holding a real `page allocation failure` (or OOM killer) report, rebuild the zones it printed and
 * run the request through the model's watermark code; print per zone of the zonelist the check
 * that refused it with its numbers, then fallback, reclaim, compaction, tuning and a verdict.
 * `--json OUT` writes the same as data (`-` for stdout, then no text is printed). Without
 * --arch/--kernel what the text allows is inferred and said; a contradiction with a given value is
 * a warning. FILE `-` reads stdin. --sysctl gives the one setting a report does not print and the
 * explanation needs: vm.extfrag_threshold (compaction's test for costly orders; default 500).
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { argvFlags } from './argv';
import { MmError, checkProfileName, explainReport, explanationJson, parseAllocFailureReports, type Arch, type KernelVersion } from '../sim/index';

export interface ExplainArgs {
  file: string;
  arch?: Arch;
  kernel?: KernelVersion;
  report?: number;
  json?: string;
  extfragThreshold?: number;
}

export function parseExplainArgs(argv: string[]): ExplainArgs {
  let file: string | undefined;
  const a: Partial<ExplainArgs> = {};
  for (const { arg, flag, value: take } of argvFlags(argv)) {
    const once = (k: keyof ExplainArgs, v: string) => {
      if (a[k] !== undefined) throw new MmError('CLI_USAGE', `${flag} given twice`);
      (a as Record<string, unknown>)[k] = v;
    };
    if (flag === '--arch') once('arch', take());
    else if (flag === '--kernel') once('kernel', take());
    else if (flag === '--json') once('json', take());
    else if (flag === '--report') {
      const v = take();
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new MmError('CLI_USAGE', `--report must be a positive integer (1 = the first report in the file), got '${v}'`);
      if (a.report !== undefined) throw new MmError('CLI_USAGE', `${flag} given twice`);
      a.report = Number(v);
    } else if (flag === '--sysctl') {
      const v = take();
      const m = /^(?:vm\.|\/proc\/sys\/vm\/)?extfrag_threshold=(\d+)$/.exec(v.replace(/\s+/g, ''));
      if (!m) throw new MmError('CLI_USAGE', `--sysctl: mmbook explain takes vm.extfrag_threshold=N (the report prints the zones' watermarks and reserves themselves), got '${v}'`);
      if (Number(m[1]) > 1000) throw new MmError('CLI_USAGE', `--sysctl vm.extfrag_threshold must be 0..1000 (the kernel's range), got ${m[1]}`);
      if (a.extfragThreshold !== undefined) throw new MmError('CLI_USAGE', `${flag} vm.extfrag_threshold given twice`);
      a.extfragThreshold = Number(m[1]);
    } else if (flag.startsWith('-') && flag !== '-') throw new MmError('CLI_USAGE', `unknown option '${arg}' for mmbook explain`);
    else if (file === undefined) file = flag;
    else throw new MmError('CLI_USAGE', `unexpected argument '${flag}' (one log file per run)`);
  }
  if (file === undefined) throw new MmError('CLI_USAGE', 'missing FILE: a kernel log excerpt holding a "page allocation failure" report (- for stdin)');
  if (a.arch !== undefined || a.kernel !== undefined) {
    checkProfileName(a.arch ?? 'arm64', a.kernel ?? '6.1', { arch: '--arch', kernel: '--kernel' });
  }
  return { file, arch: a.arch as Arch | undefined, kernel: a.kernel as KernelVersion | undefined, report: a.report, json: a.json, extfragThreshold: a.extfragThreshold };
}

function readLog(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MmError('FILE_UNREADABLE', `cannot read log file '${path}'${code ? ` (${code})` : ''}`);
  }
}

export async function explainCommand(argv: string[]): Promise<number> {
  const a = parseExplainArgs(argv);
  const text = readLog(a.file);
  const name = a.file === '-' ? 'stdin' : a.file;
  const reports = parseAllocFailureReports(text, name);
  const k = (a.report ?? 1) - 1;
  const rep = reports[k];
  if (!rep) throw new MmError('CLI_USAGE', `--report ${a.report}: ${name} holds ${reports.length} report${reports.length === 1 ? '' : 's'}`);
  if (reports.length > 1 && a.report === undefined) {
    process.stderr.write(`mmbook: warning: ${name} holds ${reports.length} reports (lines ${reports.map((r) => r.line).join(', ')}); explaining the first, --report N picks another\n`);
  }
  const r = explainReport(rep, { arch: a.arch, kernel: a.kernel, file: name, extfragThreshold: a.extfragThreshold });
  for (const w of r.warnings) process.stderr.write(`mmbook: warning: ${w}\n`);
  if (a.json !== undefined) {
    const json = JSON.stringify(explanationJson(r), null, 2) + '\n';
    if (a.json === '-') {
      process.stdout.write(json);
      return 0;
    }
    try {
      await writeFile(a.json, json);
    } catch (e) {
      throw new MmError('FILE_UNWRITABLE', `cannot write --json file '${a.json}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const head = rep.kind === 'oom-killer'
    ? `${rep.comm} invoked oom-killer: gfp_mask=0x${rep.gfpHex.toString(16)}${rep.gfpNames !== null ? `(${rep.gfpNames})` : ''}, order=${rep.order}`
    : `${rep.comm}: page allocation failure: order:${rep.order}, mode:0x${rep.gfpHex.toString(16)}${rep.gfpNames !== null ? `(${rep.gfpNames})` : ''}`;
  const given = (x: unknown) => (x !== undefined ? 'given' : 'inferred');
  const out = [
    `${name} line ${rep.line}: ${head}`,
    `profile: ${r.arch} (${given(a.arch)}), kernel ${r.kernel} (${given(a.kernel)})${r.reportVersion ? `; the report's kernel is ${r.reportVersion}` : ''}`,
    '',
    r.explanation.text,
  ];
  process.stdout.write(out.join('\n'));
  return 0;
}
