/** `mmbook boot` as other tools call it: flags, output layout, exit codes and one-line errors. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORACLE } from '../oracle/cases';

const BIN = resolve(import.meta.dirname, '../../bin/mmbook.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const DTB = join(ORACLE, 'a64-512m/virt.dtb');

describe('mmbook boot', () => {
  it('prints zoneinfo by default, exactly as the kernel lays it out', () => {
    const r = run(['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', DTB]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('Node 0, zone      DMA\n  per-node stats\n')).toBe(true);
    expect(r.stdout).toMatch(/\n  start_pfn:           262144\n/);
  });

  it('--show prints the files in order, each after ==> NAME <== when there are several', () => {
    const r = run(['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', DTB, '--show', 'buddyinfo,meminfo']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('==> buddyinfo <==');
    expect(lines[1]).toMatch(/^Node 0, zone      DMA( +\d+){11} $/);
    expect(lines[2]).toBe('==> meminfo <==');
    expect(lines[3]).toMatch(/^MemTotal: +\d+ kB$/);
    const one = run(['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', DTB, '--show', 'buddyinfo']);
    expect(one.stdout).not.toContain('==>');
  });

  it('--sysctl writes apply after boot, in order', () => {
    const base = run(['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', DTB]).stdout;
    const tuned = run(['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', DTB, '--sysctl', 'vm.watermark_scale_factor=200', '--sysctl', 'vm.min_free_kbytes=16384']).stdout;
    const low = (t: string) => Number(/\n        low      (\d+)/.exec(t)![1]);
    expect(low(tuned)).toBeGreaterThan(low(base));
    expect(tuned).toMatch(/\n        min      4096\n/);
  });

  it('--topology boots a declarative machine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmbook-'));
    const f = join(dir, 't.json');
    writeFileSync(f, JSON.stringify({ ramMiB: 4096, nodes: 2, cpus: 2 }));
    const r = run(['boot', '--arch', 'x86_64', '--kernel', '6.1', '--topology', f, '--show', 'buddyinfo']);
    expect(r.status).toBe(0);
    // QEMU's SRAT gives each node 2 GiB of RAM in address order: node 1 is [2 GiB, 3 GiB) + [4 GiB, 5 GiB)
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.slice(0, 21))).toEqual(['Node 0, zone      DMA', 'Node 0, zone    DMA32', 'Node 1, zone    DMA32', 'Node 1, zone   Normal']);
  });

  it.each([
    [['boot', '--arch', 'arm64', '--kernel', '6.1'], 'CLI_USAGE'],
    [['boot', '--arch', 'sparc', '--kernel', '6.1', '--dtb', DTB], 'BAD_ARCH'],
    [['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', '/nonexistent.dtb'], 'FILE_UNREADABLE'],
    [['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', DTB, '--cmdline', 'cma=1G'], 'CMA_NO_SPACE'],
    [['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', DTB, '--sysctl', 'vm.watermark_scale_factor=0'], 'SYSCTL_INVALID'],
    [['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', DTB, '--show', 'slabinfo'], 'CLI_USAGE'],
    [['boot', '--arch', 'x86_64', '--kernel', '6.1', '--e820', DTB], 'E820_EMPTY'],
  ])('user error %j: one line on stderr, exit 2', (args, code) => {
    const r = run(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^mmbook: ${code}: .{10,}`));
  });

  it('a truncated DTB is a clear FDT error, not a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmbook-'));
    const f = join(dir, 'bad.dtb');
    writeFileSync(f, Buffer.from(execFileSync('head', ['-c', '300', DTB])));
    const r = run(['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^mmbook: FDT_[A-Z_]+: .*offset/);
  });
});
