/** Finds the oracle dumps of one kind (test helper; reads the oracle, test/helpers/oracle-dir.ts). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ORACLE } from '../helpers/oracle-dir';

export { ORACLE };

export interface OracleFile {
  /** folder/file, e.g. a64-512m/zoneinfo.txt */
  name: string;
  folder: string;
  text: string;
}

/** Every `<kind>.txt` and `<kind>.*.txt` (e.g. zoneinfo.after_sysctl.txt) in the oracle folders. */
export function oracleFiles(kind: string): OracleFile[] {
  const out: OracleFile[] = [];
  for (const folder of readdirSync(ORACLE).sort()) {
    const dir = join(ORACLE, folder);
    if (folder === 'kernel-configs' || !existsSync(join(dir, 'version.txt'))) continue;
    for (const f of readdirSync(dir).sort()) {
      if (f === `${kind}.txt` || (f.startsWith(`${kind}.`) && f.endsWith('.txt'))) {
        out.push({ name: `${folder}/${f}`, folder, text: readFileSync(join(dir, f), 'utf8') });
      }
    }
  }
  return out;
}

/** arch and kernel of a folder, from its name (a64-*, a32-*, x64-*; *-k510 is 5.10). */
export function folderProfile(folder: string): { arch: 'arm64' | 'arm' | 'x86_64'; kernel: '5.10' | '6.1' } {
  const arch = folder.startsWith('a64') ? 'arm64' : folder.startsWith('a32') ? 'arm' : 'x86_64';
  return { arch, kernel: folder.endsWith('-k510') ? '5.10' : '6.1' };
}
