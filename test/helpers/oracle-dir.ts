/**
 * Where the real kernels' dumps are: $MMBOOK_ORACLE, else ../shared/oracle next to this checkout.
 * A missing oracle is an error, not a skip.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const candidates = [
  process.env.MMBOOK_ORACLE,
  resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/oracle'),
].filter((x): x is string => !!x);

const found = candidates.find((d) => existsSync(d));
if (!found) throw new Error(`the oracle dumps are missing: looked in ${candidates.join(', ')} (set MMBOOK_ORACLE)`);

export const ORACLE: string = found;

/** The run-time oracle (real kernels' traces and snapshots): $MMBOOK_ORACLE_RT, else oracle-rt next to the boot oracle. */
const rtCandidates = [process.env.MMBOOK_ORACLE_RT, resolve(found, '../oracle-rt')].filter((x): x is string => !!x);
const foundRt = rtCandidates.find((d) => existsSync(d));
if (!foundRt) throw new Error(`the run-time oracle is missing: looked in ${rtCandidates.join(', ')} (set MMBOOK_ORACLE_RT)`);

export const ORACLE_RT: string = foundRt;
