/** `mmbook boot --zoneinfo` and mm.boot({ zoneinfo }) with the import's warnings, notes and free-list files. */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mm } from '../../src/lib/mm';
import { FIXTURES, ORACLE, oracle } from './fixtures';

const BIN = resolve(import.meta.dirname, '../../bin/mmbook.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('mmbook boot --zoneinfo', () => {
  it('prints an older layout in the profile\'s, with its warnings and the inferred sysctls on stderr', () => {
    const r = run(['boot', '--arch', 'arm', '--kernel', '5.10', '--zoneinfo', join(FIXTURES, '3.4-arm-nomanaged.txt')]);
    expect(r.status).toBe(0);
    const err = r.stderr.split('\n').filter(Boolean);
    expect(err).toContain('mmbook: warning: ZONEINFO_NO_MANAGED: the dump has no managed lines (Linux 3.7 and older): present is used as managed, as those kernels computed their watermarks from it');
    expect(err.some((l) => l.startsWith('mmbook: warning: ZONEINFO_LAYOUT: the zoneinfo has the Linux 3.0–3.7 layout'))).toBe(true);
    expect(err).toContain("mmbook: note: vm.min_free_kbytes = 3453, inferred from the dump's watermarks (int_sqrt(lowmem_kbytes * 16) (calculate_min_free_kbytes); 3452–3455 are consistent)");
    expect(r.stdout).toMatch(/^Node 0, zone      DMA\n  pages free     0\n/);
    expect(r.stdout).toContain('Node 0, zone   Normal\n  pages free     152318\n        min      863\n        low      1078\n        high     1294\n        spanned  188416\n        present  186368\n        managed  186368\n');
  });
  it('--buddyinfo and --pagetypeinfo give the free lists; without --zoneinfo they are a usage error', () => {
    const dir = join(ORACLE, 'a64-2g-cma64');
    const r = run(['boot', '--arch', 'arm64', '--kernel', '6.1', '--zoneinfo', join(dir, 'zoneinfo.txt'), '--pagetypeinfo', join(dir, 'pagetypeinfo.txt'), '--show', 'pagetypeinfo']);
    expect([r.status, r.stdout]).toEqual([0, oracle('a64-2g-cma64', 'pagetypeinfo.txt')]);
    const u = run(['boot', '--arch', 'arm64', '--kernel', '6.1', '--dtb', join(ORACLE, 'a64-512m/virt.dtb'), '--buddyinfo', join(dir, 'buddyinfo.txt')]);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/^mmbook: CLI_USAGE: --buddyinfo gives the free lists of a machine imported with --zoneinfo/);
  });
  it('a bad --pagetypeinfo names its file', () => {
    const r = run(['boot', '--arch', 'arm64', '--kernel', '6.1', '--zoneinfo', join(ORACLE, 'a64-2g-cma64/zoneinfo.txt'), '--pagetypeinfo', join(ORACLE, 'a64-2g-cma64/zoneinfo.txt')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^mmbook: PAGETYPEINFO_PARSE: --pagetypeinfo file '.*zoneinfo\.txt': /);
  });
  it('an s390x dump is refused with the reason, naming the file', () => {
    const r = run(['boot', '--arch', 'arm64', '--kernel', '5.10', '--zoneinfo', join(FIXTURES, 's390x.txt')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^mmbook: ZONEINFO_PROFILE_MISMATCH: --zoneinfo file '.*s390x\.txt': its DMA zone is the first 2 GiB .*s390x's layout/);
  });
});

describe('mm.boot({ zoneinfo })', () => {
  it('runs the layout check: a 5.10 zoneinfo under 6.1 is refused with the reason', () => {
    expect(() => mm.boot({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-512m-k510') })).toThrow(/the 5\.10 layout .*choose the 5\.10 kernel profile/);
  });
  it('returns the import\'s warnings and takes buddyinfo / pagetypeinfo', () => {
    const m = mm.boot({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-2g-cma64').replace(/\n        boost    0/g, ''), buddyinfo: oracle('a64-2g-cma64', 'buddyinfo.txt') });
    expect(m.warnings.map((w) => w.split(':')[0])).toEqual(['ZONEINFO_LAYOUT']);
    expect(m.render('buddyinfo')).toBe(oracle('a64-2g-cma64', 'buddyinfo.txt'));
    expect(() => mm.boot({ arch: 'arm64', kernel: '6.1', buddyinfo: 'x' })).toThrow(/paste the zoneinfo too/);
    const info = m.imported()!;
    expect([info.layout, info.inferred.minFreeKbytes!.value]).toEqual(['5.12–5.15', 22528]);
    expect(info.recomputedView.nodes[0]!.zones[0]!.managed).toBe(507392);
    expect(mm.boot({ fixture: 'x64-1g' }).imported()).toBeNull();
  });
});
