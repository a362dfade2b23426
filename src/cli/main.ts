/**
 * The `mmbook` command: dispatches to boot, run, build and explain.
 * User errors print one line `mmbook: <CODE>: <message>` on stderr and exit 2.
 */
import { MmError } from '../sim/index';
import { errorReport } from './report-error';

const USAGE = `usage:
  mmbook boot --arch arm64|arm|x86_64 --kernel 5.10|6.1 (--dtb FILE | --e820 FILE | --zoneinfo FILE | --topology FILE.json)
              [--cmdline STRING] [--cpus N] [--kconfig FILE] [--boot-log FILE] [--reserved FILE]
              [--sysctl vm.NAME=VALUE]... [--state DIR [--state-prefix PREFIX]]
              [--show zoneinfo,buddyinfo,pagetypeinfo,meminfo,vmstat,memblock]
              [--workload SPEC.json [--json OUT.json]]
  mmbook replay --arch A --kernel K (--dtb F | --e820 F | --topology F) [boot flags] [--state DIR] --trace FILE[.gz]
              [--start-mark TEXT] [--end-mark TEXT] [--json OUT] [--show FILES] [--mark-rule 'REGEX=>TEXT']...
  mmbook run NOTEBOOK.html [-p name=value | name=@FILE | name.field=value]... [--json out.json] [--timeout SECONDS] [--max-heap MIB]
             [--sweep name=a:b:n[,seeds=k] [--jobs N] [--values NAME,...]]
  mmbook build [--out DIR]
  mmbook explain [--arch arm64|arm|x86_64] [--kernel 5.10|6.1] [--report N] [--json OUT] LOGFILE`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'boot':
      return (await import('./boot')).bootCommand(rest);
    case 'run':
      return (await import('./run')).runCommand(rest);
    case 'replay':
      return (await import('./replay')).replayCommand(rest);
    case 'build':
      return (await import('./build')).buildCommand(rest);
    case 'explain':
      return (await import('./explain')).explainCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return cmd === undefined ? 2 : 0;
    default:
      throw new MmError('CLI_USAGE', `unknown command '${cmd}'; expected boot, run, replay, build or explain`);
  }
}

/**
 * process.exit once stdout and stderr have written everything: when they are pipes
 * (`mmbook boot … | grep`), Node writes them asynchronously and exiting at once would cut the
 * output off at the first 64 KiB.
 */
function exitWhenFlushed(code: number): void {
  const streams = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  let pending = streams.length;
  if (!pending) process.exit(code);
  for (const s of streams) {
    const done = () => { if (--pending === 0) process.exit(code); };
    s.once('drain', done);
    s.once('error', done); // a closed pipe (`| head`): nothing more can be written
  }
}

main(process.argv.slice(2)).then(
  (code) => exitWhenFlushed(code),
  (err: unknown) => {
    const r = errorReport(err);
    process.stderr.write(r.text);
    exitWhenFlushed(r.status);
  },
);
