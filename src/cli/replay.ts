/**
 * `mmbook replay`: replay a real ftrace recording of the page allocator through the simulator's
 * own allocator (src/sim/replay), on a booted machine and a tuning of choice.
 *
 *   mmbook replay --arch A --kernel K (--dtb F | --e820 F | --topology F) [--cmdline S] [--cpus N]
 *                 [--kconfig F] [--sysctl vm.X=Y]... [--state DIR [--state-prefix P]] --trace FILE[.gz]
 *                 [--start-mark TEXT] [--end-mark TEXT] [--json OUT] [--show FILES]
 *                 [--mark-rule 'REGEX=>TEXT']...
 *
 * The boot flags are `mmbook boot`'s. --trace is the tracefs `trace` file or `trace-cmd report`
 * output, plain or gzip (read as a stream). --state is the starting state, a real kernel's /proc
 * snapshot as `mmbook boot --state` reads it (src/cli/state-dir.ts): a directory of zoneinfo,
 * buddyinfo, pagetypeinfo, kpageflags[.gz], meminfo and vmstat, with --state-prefix P for
 * P.zoneinfo.txt, …, or a prefix path such as `DIR/rt_before`; without it the replay starts from the
 * freshly booted machine. The --sysctl writes happen on the started machine, at the snapshot's
 * moment, as a write to /proc/sys would. --mark-rule (an extension) rewrites marks before the replay reads
 * them: `'^rt_hugetlb (\d+)kB request (\d+)$=>mmbook: do hugetlb $1kB $2'`; `\n` in TEXT makes
 * several marks, an empty TEXT drops the mark.
 *
 * Output: a summary on stdout (then the --show files), warnings on stderr, the full result as
 * JSON with --json. Errors: `mmbook: CODE: message`, exit 2.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { MmError } from '../sim/errors';
import type { ProcName } from '../sim/index';
import { renderProc } from '../sim/format/proc';
import { runView } from '../sim/run/run-view';
import { TraceReplay, startReplayRun, type MarkRule, type ReplayResult } from '../sim/replay/index';
import { bootFromArgs, parseBootArgs } from './boot';
import { importStateDir } from './state-dir';
import { printable } from './printable';
import { argvFlags, parseShowList } from './argv';

export interface ReplayArgs {
  bootArgv: string[];
  trace: string;
  startMark?: string;
  endMark?: string;
  json?: string;
  show: ProcName[];
  rules: MarkRule[];
}

/** `REGEX=>TEXT`: the mark rule of --mark-rule. */
export function parseMarkRule(v: string): MarkRule {
  const k = v.indexOf('=>');
  if (k <= 0) throw new MmError('CLI_USAGE', `--mark-rule expects 'REGEX=>TEXT', got '${printable(v)}'`);
  let match: RegExp;
  try {
    match = new RegExp(v.slice(0, k));
  } catch (e) {
    throw new MmError('CLI_USAGE', `--mark-rule: '${printable(v.slice(0, k))}' is not a regular expression (${(e as Error).message})`);
  }
  const text = v.slice(k + 2);
  return { match, replace: text === '' ? [] : text.split('\\n') };
}

export function parseReplayArgs(argv: string[]): ReplayArgs {
  const bootArgv: string[] = [];
  const a: Partial<ReplayArgs> & { rules: MarkRule[]; show: ProcName[] } = { rules: [], show: [] };
  const own: Record<string, 'trace' | 'startMark' | 'endMark' | 'json'> = {
    '--trace': 'trace', '--start-mark': 'startMark', '--end-mark': 'endMark', '--json': 'json',
  };
  const splits = (flag: string) => flag in own || flag === '--show' || flag === '--mark-rule';
  for (const { arg, flag, value: take } of argvFlags(argv, splits)) {
    if (flag in own) {
      const key = own[flag]!;
      if (a[key] !== undefined) throw new MmError('CLI_USAGE', `${flag} given twice`);
      a[key] = take();
    } else if (flag === '--show') {
      a.show = parseShowList(take());
    } else if (flag === '--mark-rule') {
      a.rules.push(parseMarkRule(take()));
    } else if (flag === '--zoneinfo' || flag === '--buddyinfo' || flag === '--pagetypeinfo') {
      throw new MmError('CLI_USAGE', `${flag}: a replay needs a machine with page state; give --dtb, --e820 or --topology (and --state for a real starting state)`);
    } else {
      bootArgv.push(arg);
    }
  }
  if (a.trace === undefined) throw new MmError('CLI_USAGE', '--trace is required (the tracefs trace file or trace-cmd report output, plain or .gz)');
  // the boot flags are checked by mmbook boot's parser
  parseBootArgs(bootArgv);
  return { bootArgv, trace: a.trace, startMark: a.startMark, endMark: a.endMark, json: a.json, show: a.show, rules: a.rules };
}

/** Feed the trace file to the replay as a stream (gunzipped when it starts with the gzip magic); stops at the end mark. */
async function feedTrace(path: string, replay: TraceReplay): Promise<void> {
  const head = Buffer.alloc(2);
  try {
    const fd = openSync(path, 'r');
    try {
      if (fstatSync(fd).isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
      readSync(fd, head, 0, 2, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new MmError('FILE_UNREADABLE', `cannot read --trace file '${printable(path)}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = gz ? file.pipe(createGunzip({ chunkSize: 1 << 20 })) : file;
  stream.setEncoding('latin1');
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      replay.feed(chunk);
      if (replay.done) break;
    }
  } catch (e) {
    if (e instanceof MmError) throw e;
    throw new MmError('TRACE_UNREADABLE', `--trace file '${printable(path)}': ${(e as Error).message}`);
  } finally {
    file.destroy();
    if (stream !== file) (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
  }
}

/** The summary printed on stdout. */
export function replaySummary(r: ReplayResult): string {
  const e = r.events;
  const k = r.kswapd;
  const lines = [
    `start: ${r.start}`,
    `window: lines ${r.window.startLine ?? '?'}–${r.window.endLine ?? r.window.lines} (${r.marks.length} marks)`,
    `events: ${e.replayed} replayed (${e.allocs.requests} requests, ${e.allocs.simFailed} failed in the simulator; ${e.frees.tied} frees), ${e.skipped} skipped, ${e.compared} compared, ${e.unknownFrees} unknown frees`,
    `pcp: kernel refilled ${r.pcp.kernel.refillPages} and drained ${r.pcp.kernel.drainPages} pages; simulator ${r.pcp.sim.refillPages} and ${r.pcp.sim.drainPages}`,
    `kswapd: simulator woke it ${k.wakes.length} times and let it sleep ${k.sleeps.length} times; kernel: ${k.kernel.wakes.length} wakes in ${k.kernel.episodes} episodes`,
  ];
  for (const c of r.commands) lines.push(`command line ${c.line}: ${c.command}: requested ${c.requested ?? '-'}, got ${c.got ?? '-'}${c.note ? ` (${c.note})` : ''}`);
  return lines.join('\n') + '\n';
}

export async function replayCommand(argv: string[]): Promise<number> {
  const a = parseReplayArgs(argv);
  const boot = parseBootArgs(a.bootArgv);
  // with --state, the --sysctl writes happen on the started machine, at the snapshot's moment
  const machine = bootFromArgs(boot.state !== undefined ? { ...boot, sysctls: [] } : boot);
  const imp = boot.state !== undefined ? importStateDir(machine, boot.state, boot.statePrefix, { daemons: 'manual' }) : undefined;
  const { run, start, notes } = startReplayRun(machine, imp);
  for (const [name, value] of imp ? boot.sysctls : []) run.sysctl(name, value);
  for (const w of imp?.report.warnings ?? []) process.stderr.write(`mmbook: warning: ${printable(w)}\n`);
  for (const n of notes) process.stderr.write(`mmbook: note: ${printable(n)}\n`);
  const replay = new TraceReplay(run, { startMark: a.startMark, endMark: a.endMark, markRewrites: a.rules, start });
  try {
    await feedTrace(a.trace, replay);
  } catch (e) {
    if (e instanceof MmError && e.code.startsWith('TRACE_')) throw new MmError(e.code, `--trace file '${printable(a.trace)}': ${e.message}`);
    throw e;
  }
  const r = replay.finish();
  for (const w of r.warnings) process.stderr.write(`mmbook: warning: ${printable(w)}\n`);
  if (a.json !== undefined) {
    try {
      await writeFile(a.json, JSON.stringify(r) + '\n');
    } catch (e) {
      throw new MmError('FILE_UNWRITABLE', `cannot write --json file '${printable(a.json)}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const out = [replaySummary(r)];
  if (a.show.length) {
    const v = runView(run.rs);
    for (const name of a.show) {
      if (a.show.length > 1) out.push(`==> ${name} <==\n`);
      out.push(renderProc(v, name));
    }
  }
  process.stdout.write(out.join(''));
  return 0;
}
