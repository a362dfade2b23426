/**
 * Where `mmbook build` may write. A build empties its output directory first, so it only ever
 * empties one that a build made: every site build leaves a stamp file in it (buildStamp in
 * vite.config.ts, for `mmbook build`, `npm run build` and `vite build` alike). A directory that holds
 * anything else, the checkout itself or a directory above it, is refused.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { MmError } from '../sim/index';

export const BUILD_STAMP = '.mmbook-build';
const STAMP_TEXT = 'This directory is a site built by mmbook (mmbook build, npm run build). The next build into it deletes everything in it.\n';

/** Writes the stamp that marks `dir` as a build's output. */
export function writeBuildStamp(dir: string): void {
  writeFileSync(join(dir, BUILD_STAMP), STAMP_TEXT);
}

/** Is `inner` equal to `outer` or inside it? */
function within(inner: string, outer: string): boolean {
  const r = relative(outer, inner);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/**
 * Makes `out` ready for a build of the site in `root`: refuses the checkout, a directory above it,
 * a file, or a non-empty directory without the stamp; empties a previous build; leaves the stamp
 * in it (so a build that fails half-way can still be rebuilt over).
 */
export function prepareBuildOut(outArg: string, root: string): void {
  const out = resolve(outArg);
  if (within(resolve(root), out)) {
    throw new MmError('BUILD_OUT_UNSAFE', `--out '${outArg}' is the mmbook checkout or a directory above it: a build empties its output, which would delete the sources`, 'mmbook build --out');
  }
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new MmError('BUILD_OUT_NOT_DIR', `--out '${outArg}' exists and is not a directory`, 'mmbook build --out');
    const entries = readdirSync(out);
    if (entries.length && !entries.includes(BUILD_STAMP)) {
      const shown = entries.slice(0, 3).map((e) => `'${e}'`).join(', ') + (entries.length > 3 ? `, … (${entries.length} entries)` : '');
      throw new MmError('BUILD_OUT_NOT_EMPTY', `--out '${outArg}' is not empty (${shown}) and is not a previous build (it has no ${BUILD_STAMP} stamp): a build empties its output, so give a new or empty directory`, 'mmbook build --out');
    }
    unwritable(outArg, () => {
      for (const e of entries) rmSync(join(out, e), { recursive: true, force: true });
    });
  }
  unwritable(outArg, () => {
    mkdirSync(out, { recursive: true });
    writeBuildStamp(out);
  });
}

/** Runs `f`; a file-system error becomes BUILD_OUT_UNWRITABLE naming --out. */
function unwritable(outArg: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    throw new MmError('BUILD_OUT_UNWRITABLE', `cannot write the --out directory '${outArg}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'mmbook build --out');
  }
}
