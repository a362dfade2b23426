/**
 * `mmbook boot … --state DIR [--state-prefix PREFIX]`: a running machine's /proc snapshot read
 * from a directory. Each file is looked for as NAME or NAME.txt (kpageflags as kpageflags or
 * kpageflags.gz), with PREFIX. in front when given: `--state-prefix rt_before` reads
 * rt_before.zoneinfo.txt, rt_before.kpageflags.gz, … (the oracle-rt naming). zoneinfo, buddyinfo
 * and pagetypeinfo are required; kpageflags, meminfo and vmstat are optional. gzip is inflated
 * here with Node's zlib (src/sim would inflate it too, more slowly).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MmError } from '../sim/errors';
import { fmtBytes } from '../sim/limits';
import { importSnapshot, type Machine, type RunOptions, type SnapshotFile, type SnapshotImport, type SnapshotInput } from '../sim/index';
import { readInputFile } from './input-file';

const TEXT_FILES = ['zoneinfo', 'buddyinfo', 'pagetypeinfo', 'meminfo', 'vmstat'] as const;
const REQUIRED: readonly SnapshotFile[] = ['zoneinfo', 'buddyinfo', 'pagetypeinfo'];

export interface StateFiles {
  input: SnapshotInput;
  /** the path each file was read from */
  paths: Partial<Record<SnapshotFile, string>>;
}

/** The prefixes of the snapshots a directory holds ("rt_before", "rt_phase.01_filled", …), for the error hint. */
function prefixesIn(dir: string): string[] {
  try {
    return [...new Set(readdirSync(dir).flatMap((f) => {
      const m = /^(.+)\.zoneinfo(\.txt)?$/.exec(f);
      return m ? [m[1]!] : [];
    }))].sort();
  } catch {
    return [];
  }
}

/**
 * Read the snapshot of `dir`. `maxKpageflagsBytes` is what the machine's kpageflags can be (8 bytes
 * for each pfn below max_pfn): a larger file is refused before it is inflated or read whole.
 */
export function readStateDir(dir: string, prefix: string | undefined, maxKpageflagsBytes: number): StateFiles {
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new MmError('FILE_UNREADABLE', `cannot read --state directory '${dir}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!st.isDirectory()) throw new MmError('CLI_USAGE', `--state takes a directory of /proc files (zoneinfo, buddyinfo, pagetypeinfo, kpageflags[.gz], meminfo, vmstat); '${dir}' is not a directory`);
  const p = prefix === undefined ? '' : `${prefix}.`;
  const find = (names: string[]): string | undefined => names.map((n) => join(dir, p + n)).find((f) => existsSync(f));
  const paths: Partial<Record<SnapshotFile, string>> = {};
  const texts: Partial<Record<(typeof TEXT_FILES)[number], string>> = {};
  for (const name of TEXT_FILES) {
    const path = find([name, `${name}.txt`]);
    if (!path) {
      if (!REQUIRED.includes(name)) continue;
      const have = prefixesIn(dir);
      const hint = have.length && prefix === undefined ? `; the directory holds snapshots with prefixes ${have.join(', ')}: add --state-prefix` : have.length ? `; its prefixes are ${have.join(', ')}` : '';
      throw new MmError('SNAPSHOT_MISSING', `--state directory '${dir}' has no ${p}${name} (or ${p}${name}.txt)${hint}`);
    }
    paths[name] = path;
    texts[name] = readInputFile('--state', path).toString('utf8');
  }
  const kpath = find(['kpageflags', 'kpageflags.gz']);
  let kpageflags: Uint8Array | undefined;
  if (kpath) {
    paths.kpageflags = kpath;
    const raw = readInputFile('--state', kpath, maxKpageflagsBytes + 4096);
    if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
      try {
        kpageflags = new Uint8Array(gunzipSync(raw, { maxOutputLength: maxKpageflagsBytes + 8 }));
      } catch (e) {
        const big = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
        throw new MmError(big ? 'SNAPSHOT_MISMATCH' : 'SNAPSHOT_KPAGEFLAGS', big
          ? `--state file '${kpath}': kpageflags inflates to more than ${fmtBytes(maxKpageflagsBytes)}, more entries than this machine has pfns: a snapshot of a larger machine`
          : `--state file '${kpath}': the gzip data is corrupt (${(e as Error).message})`);
      }
    } else kpageflags = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  }
  return {
    input: { zoneinfo: texts.zoneinfo!, buddyinfo: texts.buddyinfo!, pagetypeinfo: texts.pagetypeinfo!, meminfo: texts.meminfo, vmstat: texts.vmstat, kpageflags },
    paths,
  };
}

/** Name the file an import error came from: "--state file 'snap/zoneinfo': …". */
export function stateError(e: unknown, paths: StateFiles['paths']): unknown {
  if (!(e instanceof MmError)) return e;
  const file = (e.location ?? '').split(' ')[0] as SnapshotFile;
  const path = paths[file];
  if (!path) return e;
  const loc = e.location ? ` (at ${e.location})` : '';
  let msg = loc && e.message.endsWith(loc) ? e.message.slice(0, -loc.length) : e.message;
  msg = msg.replace(new RegExp(`^snapshot ${file}: `), '');
  const rest = e.location!.split(' ').slice(1).join(' ');
  return new MmError(e.code, `--state file '${path}': ${msg}`, rest || undefined);
}

/**
 * `--state DIR [--state-prefix P]`, or `--state DIR/P`: a path that is not there as it is names
 * its directory and, by its last part, the prefix (`--state snaps/rt_before` reads
 * snaps/rt_before.zoneinfo.txt, …).
 */
function resolveStateDir(path: string, prefix: string | undefined): { dir: string; prefix: string | undefined } {
  if (prefix !== undefined || existsSync(path)) return { dir: path, prefix };
  return { dir: dirname(path), prefix: basename(path) };
}

/** The snapshot of a --state directory imported into machine `m` (an import error names the file). */
export function importStateDir(m: Machine, path: string, prefix: string | undefined, opts: RunOptions = {}): SnapshotImport {
  const maxPfn = Math.max(...m.parts.layout.nodes.map((n) => n.endPfn));
  const where = resolveStateDir(path, prefix);
  const files = readStateDir(where.dir, where.prefix, maxPfn * 8);
  try {
    return importSnapshot(m, files.input, opts);
  } catch (e) {
    throw stateError(e, files.paths);
  }
}
