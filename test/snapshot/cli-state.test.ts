/** `mmbook boot … --state DIR [--state-prefix PREFIX]`: the imported state's files, notes and errors. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBootArgs } from '../../src/cli/boot';
import { ORACLE_RT } from '../helpers/oracle-dir';

const BIN = resolve(import.meta.dirname, '../../bin/mmbook.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const FILL = join(ORACLE_RT, 'rt-a64-1g-fill');
const boot = (dir: string, ...more: string[]) => ['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', join(dir, 'virt.dtb'), '--boot-log', join(dir, 'kernel-console.txt'), ...more];

describe('mmbook boot --state', () => {
  it('prints the imported state\'s files (the oracle-rt naming with --state-prefix), with a note on how close it is', () => {
    const r = run(boot(FILL, '--state', FILL, '--state-prefix', 'rt_before', '--show', 'buddyinfo,pagetypeinfo'));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`==> buddyinfo <==\n${readFileSync(join(FILL, 'rt_before.buddyinfo.txt'), 'utf8')}==> pagetypeinfo <==\n${readFileSync(join(FILL, 'rt_before.pagetypeinfo.txt'), 'utf8')}`);
    expect(r.stderr).toMatch(/^mmbook: note: state: node 0 zone DMA: page state from kpageflags; free blocks equal buddyinfo; .*pageblocks U\/M\/R\/H\/CMA\/Iso 49\/425\/6\/0\/32\/0 as pagetypeinfo; per-cpu pages 1829 as zoneinfo/m);
  });

  it('--sysctl writes apply to the running machine at the snapshot', () => {
    // setup_per_zone_wmarks with the snapshot's managed 250241: low = min 5632 + 250241 * 200 / 10000 = 10636
    const r = run(boot(FILL, '--state', FILL, '--state-prefix', 'rt_before', '--sysctl', 'vm.watermark_scale_factor=200'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/pages free     226483\n        boost    0\n        min      5632\n        low      10636\n/);
  });

  it('reads a captured directory: plain /proc names, kpageflags raw', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmbook-state-'));
    for (const f of ['zoneinfo', 'buddyinfo', 'pagetypeinfo', 'meminfo', 'vmstat']) copyFileSync(join(FILL, `rt_after.${f}.txt`), join(dir, f));
    writeFileSync(join(dir, 'kpageflags'), gunzipSync(readFileSync(join(FILL, 'rt_after.kpageflags.gz'))));
    const r = run(boot(FILL, '--state', dir, '--show', 'buddyinfo'));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(FILL, 'rt_after.buddyinfo.txt'), 'utf8'));
  });

  it('a snapshot without kpageflags is imported from its counts, with a warning', () => {
    const r = run(boot(FILL, '--state', FILL, '--state-prefix', 'rt_phase.02_deleted_half', '--show', 'buddyinfo'));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(FILL, 'rt_phase.02_deleted_half.buddyinfo.txt'), 'utf8'));
    expect(r.stderr).toMatch(/^mmbook: warning: SNAPSHOT_NO_KPAGEFLAGS: /m);
  });

  it('errors name the file', () => {
    const other = run(boot(join(ORACLE_RT, 'rt-a64-2g-hugetlb-cma'), '--state', FILL, '--state-prefix', 'rt_before'));
    expect(other.status).toBe(2);
    expect(other.stderr).toBe(`mmbook: SNAPSHOT_MISMATCH: --state file '${join(FILL, 'rt_before.zoneinfo.txt')}': node 0 zone DMA: spanned is 262144, the booted machine's is 524288: a snapshot of another machine (or of another mem=, device tree or memory map)\n`);
    const dir = mkdtempSync(join(tmpdir(), 'mmbook-state-'));
    for (const f of ['zoneinfo', 'buddyinfo', 'pagetypeinfo']) copyFileSync(join(FILL, `rt_before.${f}.txt`), join(dir, `${f}.txt`));
    writeFileSync(join(dir, 'kpageflags'), gunzipSync(readFileSync(join(FILL, 'rt_before.kpageflags.gz'))).subarray(0, 8 * 1000));
    const short = run(boot(FILL, '--state', dir));
    expect(short.stderr).toMatch(/^mmbook: SNAPSHOT_MISMATCH: --state file '.*\/kpageflags': kpageflags has 1000 entries/);
    const noPrefix = run(boot(FILL, '--state', join(ORACLE_RT, 'rt-a64-1g-highorder', '..', 'rt-a64-1g-fill'), '--state-prefix', 'rt_nope'));
    expect(noPrefix.stderr).toMatch(/^mmbook: SNAPSHOT_MISSING: --state directory .* has no rt_nope.zoneinfo .*its prefixes are rt_after, rt_before, rt_phase.01_filled/);
  });

  it('--state-prefix needs --state; --state needs a firmware boot', () => {
    expect(() => parseBootArgs(['--arch', 'arm64', '--kernel', '6.1', '--dtb', 'x', '--state-prefix', 'rt_before'])).toThrow(/give --state DIR too/);
    expect(() => parseBootArgs(['--arch', 'arm64', '--kernel', '6.1', '--zoneinfo', 'x', '--state', 'd'])).toThrow(/a --zoneinfo import has no page state/);
    expect(parseBootArgs(['--arch', 'arm64', '--kernel', '6.1', '--dtb', 'x', '--state', 'd', '--state-prefix', 'p'])).toMatchObject({ state: 'd', statePrefix: 'p' });
  });
});
