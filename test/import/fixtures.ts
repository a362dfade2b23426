/** The zoneinfo dumps of test/fixtures/zoneinfo and the oracles' dumps, for the import tests. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ORACLE } from '../helpers/oracle-dir';

export { ORACLE };
export const FIXTURES = resolve(import.meta.dirname, '../fixtures/zoneinfo');
/** the run-time snapshots beside the boot oracles (../shared/oracle-rt) */
export const ORACLE_RT = resolve(ORACLE, '../oracle-rt');

export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
export const oracle = (folder: string, file = 'zoneinfo.txt'): string => readFileSync(join(ORACLE, folder, file), 'utf8');

export type Profile = { arch: 'arm64' | 'arm' | 'x86_64'; kernel: '5.10' | '6.1' };
export function folderProfile(folder: string): Profile {
  return { arch: folder.startsWith('a32') ? 'arm' : folder.includes('x64') ? 'x86_64' : 'arm64', kernel: folder.includes('k510') ? '5.10' : '6.1' };
}

/** Every zoneinfo dump of the oracles (boot and run time), with its folder. */
export function oracleDumps(): Array<{ folder: string; file: string; path: string; text: string }> {
  const out: Array<{ folder: string; file: string; path: string; text: string }> = [];
  for (const root of [ORACLE, ORACLE_RT]) {
    if (!existsSync(root)) continue;
    for (const folder of readdirSync(root)) {
      const dir = join(root, folder);
      if (!existsSync(join(dir, 'zoneinfo.txt'))) continue;
      for (const file of readdirSync(dir).filter((f) => f.endsWith('zoneinfo.txt') || f.endsWith('zoneinfo.after_sysctl.txt'))) {
        out.push({ folder, file, path: join(dir, file), text: readFileSync(join(dir, file), 'utf8') });
      }
    }
  }
  return out;
}
