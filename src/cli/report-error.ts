/**
 * The one line the CLI prints when a command fails, and its exit status: `mmbook: CODE: message`
 * and 2 for a user error (an MmError naming the input); `mmbook: INTERNAL: …` and 1 for anything
 * else, including the simulator's own consistency checks, whose codes mean an mmbook bug, not bad
 * input (input checks run first and name the input). Never a stack trace.
 */
import { MmError } from '../sim/index';
import { printable } from './printable';

/** The buddy allocator's, memblock's argument checks, the tunables' input checks, the DTB builder's. */
export const INTERNAL_CODES = /^(BUDDY_|TUNABLES_BAD_INPUT$|MEMBLOCK_BAD_(ARG|OPTION|ALIGN)$|FDT_BUILD_|PROFILE_UNKNOWN$)/;

export function errorReport(err: unknown): { text: string; status: 1 | 2 } {
  if (err instanceof MmError && !INTERNAL_CODES.test(err.code)) return { text: `mmbook: ${err.code}: ${printable(err.message)}\n`, status: 2 };
  const what = err instanceof MmError
    ? `${err.message} (the simulator's own check ${err.code} failed: this is an mmbook bug, please report it with the command line)`
    : err instanceof Error ? err.message : String(err);
  return { text: `mmbook: INTERNAL: ${printable(what)}\n`, status: 1 };
}
