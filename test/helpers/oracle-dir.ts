/**
 * Where the real kernels' dumps are: $MMBOOK_ORACLE, else ../shared/oracle next to this checkout,
 * else /work/shared/oracle (the workspace's read-only input). A missing oracle is an error, not a skip.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const candidates = [
  process.env.MMBOOK_ORACLE,
  resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/oracle'),
  '/work/shared/oracle',
].filter((x): x is string => !!x);

const found = candidates.find((d) => existsSync(d));
if (!found) throw new Error(`the oracle dumps are missing: looked in ${candidates.join(', ')} (set MMBOOK_ORACLE)`);

export const ORACLE: string = found;
