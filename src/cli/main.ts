/**
 * The `mmbook` command: dispatches to boot, run and build.
 * User errors print one line `mmbook: <CODE>: <message>` on stderr and exit 2.
 */
import { MmError } from '../sim/errors';

const USAGE = `usage:
  mmbook boot --arch arm64|arm|x86_64 --kernel 5.10|6.1 (--dtb FILE | --e820 FILE | --zoneinfo FILE | --topology FILE.json)
              [--cmdline STRING] [--cpus N] [--kconfig FILE] [--boot-log FILE] [--reserved FILE]
              [--sysctl vm.NAME=VALUE]... [--show zoneinfo,buddyinfo,pagetypeinfo,meminfo,vmstat,memblock]
  mmbook run NOTEBOOK.html [-p name=value]... [--json out.json] [--timeout SECONDS]
  mmbook build [--out DIR]`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'boot':
      return (await import('./boot')).bootCommand(rest);
    case 'run':
      return (await import('./run')).runCommand(rest);
    case 'build':
      return (await import('./build')).buildCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return cmd === undefined ? 2 : 0;
    default:
      throw new MmError('CLI_USAGE', `unknown command '${cmd}'; expected boot, run or build`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof MmError) {
      process.stderr.write(`mmbook: ${err.code}: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`mmbook: INTERNAL: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
