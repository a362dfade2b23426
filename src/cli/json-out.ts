/** The --json file of `mmbook run` (its report) and `mmbook boot --workload` (the workload's result). */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MmError } from '../sim/errors';

/** JSON_UNWRITABLE: the --json `what` ('report', 'result') cannot be written to `path`, and why; `where` names the command. */
export function jsonUnwritable(path: string, what: string, why: string, where?: string): MmError {
  return new MmError('JSON_UNWRITABLE', `cannot write the --json ${what} to '${path}': ${why}`, where);
}

/**
 * --json must be writable before the run: a file that can be written, or a new name in a
 * directory that can.
 */
export function checkJsonWritable(path: string, what: string, where?: string): void {
  const fail = (why: string): never => { throw jsonUnwritable(path, what, why, where); };
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) fail('it is a directory');
    if (st) return accessSync(path, constants.W_OK);
    const dir = dirname(resolve(path));
    const ds = statSync(dir, { throwIfNoEntry: false });
    if (!ds) fail(`no such directory '${dir}'`);
    if (!ds!.isDirectory()) fail(`'${dir}' is not a directory`);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof MmError) throw e;
    fail((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
}
