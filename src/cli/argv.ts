/**
 * Reading a command line's flags (mmbook boot, explain, replay): `--flag VALUE` and `--flag=VALUE`,
 * and the --show list of /proc files.
 */
import { MmError } from '../sim/errors';
import { PROC_NAMES, type ProcName } from '../sim/format/proc';
import { printable } from './printable';

/** One argument of a command line, as a flag. */
export interface ArgvFlag {
  /** the argument as given */
  arg: string;
  /** the argument without its `=VALUE`, when it was split there */
  flag: string;
  /** the `=VALUE` of the argument, else the next argument (consumed); CLI_USAGE when there is none */
  value(): string;
}

/**
 * The arguments of `argv` in order. `--flag=VALUE` is split at its first '=' when `splits(flag)`
 * (every `--` flag by default); a command passing flags on to another's parser splits only its own.
 */
export function* argvFlags(argv: string[], splits: (flag: string) => boolean = () => true): Generator<ArgvFlag> {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    let flag = arg;
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0 && splits(arg.slice(0, eq))) {
      inline = arg.slice(eq + 1);
      flag = arg.slice(0, eq);
    }
    yield {
      arg,
      flag,
      value: () => {
        if (inline !== undefined) return inline;
        const v = argv[++i];
        if (v === undefined) throw new MmError('CLI_USAGE', `${flag} needs a value`);
        return v;
      },
    };
    i++;
  }
}

/** --show FILE,FILE…: /proc file names, at least one, each one the simulator renders. */
export function parseShowList(value: string): ProcName[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) if (!PROC_NAMES.includes(s as ProcName)) throw new MmError('CLI_USAGE', `--show: unknown file '${printable(s)}'; known: ${PROC_NAMES.join(', ')}`);
  if (!list.length) throw new MmError('CLI_USAGE', '--show needs at least one file name');
  return list as ProcName[];
}
