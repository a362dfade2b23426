/**
 * The compiled CLI (scripts/build-cli.mjs): it prints what the TypeScript sources print, runs
 * notebooks in its own worker entry, and bin/mmbook.js uses it only while it is up to date.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ORACLE } from '../oracle/cases';

const ROOT = resolve(import.meta.dirname, '../..');
// inside the checkout (test-artifacts/ is ignored), so the bundle's packages resolve from node_modules
mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
const tmp = mkdtempSync(join(ROOT, 'test-artifacts', 'cli-'));
const OUT = join(tmp, 'dist-cli');
execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs'), '--out', OUT], { cwd: ROOT });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const node = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

describe('the compiled CLI', () => {
  it('lists every source file it was built from', () => {
    const { inputs } = JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')) as { inputs: string[] };
    expect(inputs).toContain('src/cli/main.ts');
    expect(inputs).toContain('src/cli/run-worker.ts');
    expect(inputs).toContain('src/sim/boot/boot.ts');
    expect(inputs.every((f) => f.startsWith('src/'))).toBe(true);
  });

  it('boots a machine exactly as the TypeScript sources do', () => {
    const args = ['boot', '--arch', 'x86_64', '--kernel', '6.1', '--e820', join(ORACLE, 'x64-1g/kernel-console.txt'), '--show', 'zoneinfo,meminfo'];
    const compiled = node([join(OUT, 'main.js'), ...args]);
    const tsx = node([join(ROOT, 'bin/mmbook.js'), ...args], { MMBOOK_TSX: '1' });
    expect(compiled.status).toBe(0);
    expect(compiled.stdout).toBe(tsx.stdout);
    expect(compiled.stdout.length).toBeGreaterThan(1000);
  });

  it('runs a notebook in its worker entry, and stops a stuck one', () => {
    const ok = node([join(OUT, 'main.js'), 'run', 'test/fixtures/notebooks/ok.html', '-p', 'scale=250']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok {6}cell 2 \(.*\)  doubled = 500$/m);
    const spin = node([join(OUT, 'main.js'), 'run', 'test/fixtures/notebooks/spin.html', '--timeout', '1']);
    expect(spin.status).toBe(1);
    expect(spin.stdout).toMatch(/^running cell 2: did not finish within 1 s and never yielded/m);
  });

  it('bin/mmbook.js takes the bundle while its sources are older than the manifest, else tsx', () => {
    // a stand-in checkout: bin/mmbook.js, a "bundle" and a "source" that say which one ran
    const fake = join(tmp, 'fake');
    for (const d of ['bin', 'dist-cli', 'src/cli']) mkdirSync(join(fake, d), { recursive: true });
    copyFileSync(join(ROOT, 'bin/mmbook.js'), join(fake, 'bin/mmbook.js'));
    writeFileSync(join(fake, 'src/cli/main.ts'), "process.stdout.write('tsx');\n");
    writeFileSync(join(fake, 'dist-cli/main.js'), "process.stdout.write('compiled');\n");
    writeFileSync(join(fake, 'dist-cli/manifest.json'), JSON.stringify({ inputs: ['src/cli/main.ts'] }));
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(fake, 'src/cli/main.ts'), past, past);
    const which = (env: Record<string, string> = {}) => node([join(fake, 'bin/mmbook.js')], env).stdout;
    expect(which()).toBe('compiled');
    expect(which({ MMBOOK_TSX: '1' })).toBe('tsx');
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(fake, 'src/cli/main.ts'), future, future);
    expect(which()).toBe('tsx');
  });
});
