/** `mmbook build --out`: only a new, empty or previously built directory is emptied; the sources never are. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_STAMP, prepareBuildOut } from '../../src/cli/build-out';
import { MmError } from '../../src/sim/errors';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/mmbook.js');
const code = (f: () => void): string => {
  try {
    f();
  } catch (e) {
    return (e as MmError).code;
  }
  return 'ok';
};

describe('mmbook build --out', () => {
  it('refuses a directory holding anything but a previous build, and leaves it as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmbook-out-'));
    writeFileSync(join(dir, 'thesis.tex'), 'mine');
    mkdirSync(join(dir, 'data'));
    expect(() => prepareBuildOut(dir, ROOT)).toThrow(/is not empty \('data', 'thesis.tex'\) and is not a previous build \(it has no \.mmbook-build stamp\)/);
    expect(readdirSync(dir).sort()).toEqual(['data', 'thesis.tex']);
    // the command refuses before it starts Vite
    const r = spawnSync(process.execPath, [BIN, 'build', '--out', dir], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^mmbook: BUILD_OUT_NOT_EMPTY: --out '.*' is not empty/);
    expect(readFileSync(join(dir, 'thesis.tex'), 'utf8')).toBe('mine');
  });

  it('never empties the checkout, a directory above it, or a source folder', () => {
    expect(code(() => prepareBuildOut(ROOT, ROOT))).toBe('BUILD_OUT_UNSAFE');
    expect(code(() => prepareBuildOut(resolve(ROOT, '..'), ROOT))).toBe('BUILD_OUT_UNSAFE');
    expect(code(() => prepareBuildOut(join(ROOT, 'notebooks'), ROOT))).toBe('BUILD_OUT_NOT_EMPTY');
    expect(code(() => prepareBuildOut(join(ROOT, 'src'), ROOT))).toBe('BUILD_OUT_NOT_EMPTY');
    expect(existsSync(join(ROOT, 'notebooks/watermarks.html'))).toBe(true);
    expect(code(() => prepareBuildOut(join(ROOT, 'package.json'), ROOT))).toBe('BUILD_OUT_NOT_DIR');
  });

  it('empties a previous build, stamps a new or empty directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmbook-out-'));
    prepareBuildOut(dir, ROOT);
    expect(readdirSync(dir)).toEqual([BUILD_STAMP]);
    writeFileSync(join(dir, 'index.html'), 'old build');
    mkdirSync(join(dir, 'assets'));
    prepareBuildOut(dir, ROOT);
    expect(readdirSync(dir)).toEqual([BUILD_STAMP]);
    const fresh = join(dir, 'a/b');
    prepareBuildOut(fresh, ROOT);
    expect(readdirSync(fresh)).toEqual([BUILD_STAMP]);
  });

  it('every Vite build of the site leaves the stamp (vite build and npm run build too)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mmbook-out-')), 'site');
    const { build } = await import('vite');
    await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir: dir, emptyOutDir: true } });
    expect(readdirSync(dir)).toContain(BUILD_STAMP);
    expect(() => prepareBuildOut(dir, ROOT)).not.toThrow();
  }, 120_000);
});
