/**
 * `mmbook build [--out DIR] [--base PATH]`: builds the static site (every notebook in notebooks/,
 * the workbench and the simulator worker) with Vite. The output needs no network: all `npm:`
 * imports are bundled from node_modules, and asset URLs are relative, so any static file server
 * (or a sub-path of one) can serve it. The output directory is emptied first, so it must be new,
 * empty, or a previous build (marked by a stamp file: build-out.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MmError } from '../sim/index';
import { prepareBuildOut, writeBuildStamp } from './build-out';

/** The checkout: the nearest directory above this module with a package.json (src/cli/ from source, dist-cli/ compiled). */
function checkoutRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const ROOT = checkoutRoot();

export interface BuildOptions { out: string; base?: string }

export function parseBuildArgs(argv: string[]): BuildOptions {
  const o: BuildOptions = { out: join(ROOT, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new MmError('CLI_USAGE', `${a} needs a value`, `argument ${i}`);
      return v;
    };
    if (a === '--out') o.out = resolve(value());
    else if (a === '--base') o.base = value();
    else throw new MmError('CLI_USAGE', `mmbook build: unknown option '${a}' (expected --out DIR, --base PATH)`, `argument ${i + 1}`);
  }
  return o;
}

export async function buildCommand(argv: string[]): Promise<number> {
  const o = parseBuildArgs(argv);
  if (!existsSync(join(ROOT, 'index.html'))) throw new MmError('BUILD_NO_SITE', `no index.html in ${ROOT}`);
  // refuses a directory that is not a previous build, empties one that is (see build-out.ts)
  prepareBuildOut(o.out, ROOT);
  const { build } = await import('vite');
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', base: o.base, build: { outDir: o.out, emptyOutDir: false } });
  writeBuildStamp(o.out);
  process.stdout.write(`mmbook: built the site into ${o.out}\n`);
  return 0;
}
