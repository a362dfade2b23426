/** `mmbook explain` as a command: output, --json, --report, warnings and one-line errors (exit 2). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExplainArgs } from '../../src/cli/explain';
import { ORACLE_RT } from '../helpers/oracle-dir';

const BIN = resolve(import.meta.dirname, '../../bin/mmbook.js');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input });
const REAL = join(ORACLE_RT, 'rt-a64-2g-hugetlb-cma/rt_dmesg.txt');

describe('mmbook explain', () => {
  it('prints the check per zone and the verdict for the real report', () => {
    const r = run(['explain', '--arch', 'arm64', '--kernel', '6.1', REAL]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout.split('\n');
    expect(out[0]).toBe(`${REAL} line 1086: init: page allocation failure: order:0, mode:0x144cc8(GFP_USER|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_MOVABLE)`);
    expect(out[1]).toBe("profile: arm64 (given), kernel 6.1 (given); the report's kernel is 6.1.176");
    expect(r.stdout).toContain('Node 0 DMA: REFUSED (watermark)');
    expect(r.stdout).toContain('  test:         5577 <= 5632 + 0: free pages counted are not above the min watermark');
    expect(r.stdout).toMatch(/\nverdict: Every zone .* Node 0 DMA counted 5577 ≤ 5632\./);
  });

  it('--json OUT writes {order, gfp, zones: [{zone, counted_free, mark, reserve, highatomic, free_at_order, ok, reason}], verdict}', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmbook-explain-'));
    const out = join(dir, 'e.json');
    const r = run(['explain', REAL, '--json', out]);
    expect(r.status).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.order).toBe(0);
    expect(j.gfp).toBe('0x144cc8(GFP_USER|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_MOVABLE)');
    expect(j.zones[0]).toMatchObject({ zone: 'Node 0 DMA', counted_free: 5577, mark: 5632, reserve: 0, highatomic: 0, ok: false });
    expect(typeof j.zones[0].free_at_order).toBe('number');
    expect(j.verdict).toMatch(/lack of free memory/);
    expect(j.inferred.length).toBeGreaterThan(0);
    // --json - prints only the JSON
    const s = run(['explain', '--json', '-', REAL]);
    expect(JSON.parse(s.stdout).zones[0].counted_free).toBe(5577);
  });

  it('reads stdin, picks a report with --report, and warns about the others', () => {
    const one = readFileSync(REAL, 'utf8');
    const two = one + one.split('\n').filter((l) => l.includes('page allocation failure') || /Mem-Info|DMA|lowmem|hugepages|pages/.test(l)).join('\n');
    const r = run(['explain', '-'], two);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^mmbook: warning: stdin holds 2 reports \(lines 1086, \d+\); explaining the first, --report N picks another\n/);
    const r2 = run(['explain', '--report', '2', '-'], two);
    expect(r2.status).toBe(0);
    expect(r2.stdout).toMatch(/^stdin line \d+: init: page allocation failure/);
    const r3 = run(['explain', '--report', '3', '-'], two);
    expect(r3.status).toBe(2);
    expect(r3.stderr).toBe('mmbook: CLI_USAGE: --report 3: stdin holds 2 reports\n');
  });

  it('a contradiction with --arch is a warning on stderr, not a failure', () => {
    const r = run(['explain', '--arch', 'x86_64', REAL]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^mmbook: warning: the report looks like arm64 .* but --arch is x86_64; x86_64 is used\n/m);
  });

  it('malformed input: one line "mmbook: CODE: message" with the line number, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmbook-explain-'));
    const f = join(dir, 'bad.txt');
    writeFileSync(f, 'boot\nx: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL)\nMem-Info:\nNode 0 DMA free:12kB low:3kB\n');
    const r = run(['explain', f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`mmbook: REPORT_MALFORMED: ${f} line 4: the zone line of Node 0 DMA has no min:NkB field: "free:12kB low:3kB"\n`);
    const none = run(['explain', '/dev/null']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^mmbook: REPORT_NONE: \/dev\/null: no "page allocation failure/);
    const missing = run(['explain', join(dir, 'nope.txt')]);
    expect(missing.stderr).toMatch(/^mmbook: FILE_UNREADABLE: cannot read log file '.*nope\.txt' \(ENOENT\)\n$/);
  });

  it('argument errors', () => {
    expect(() => parseExplainArgs([])).toThrow(/missing FILE/);
    expect(() => parseExplainArgs(['--arch', 'sparc', 'f'])).toThrow(/unknown arch 'sparc'/);
    expect(() => parseExplainArgs(['--kernel', '4.19', 'f'])).toThrow(/unknown kernel profile '4.19'/);
    expect(() => parseExplainArgs(['--report', '0', 'f'])).toThrow(/--report must be a positive integer/);
    expect(() => parseExplainArgs(['--bogus', 'f'])).toThrow(/unknown option '--bogus'/);
    expect(() => parseExplainArgs(['a', 'b'])).toThrow(/one log file per run/);
    expect(parseExplainArgs(['--arch=arm', '--kernel=5.10', '--json', 'o.json', 'f'])).toEqual({ file: 'f', arch: 'arm', kernel: '5.10', report: undefined, json: 'o.json', extfragThreshold: undefined });
    expect(parseExplainArgs(['--sysctl', 'vm.extfrag_threshold=300', 'f']).extfragThreshold).toBe(300);
    expect(parseExplainArgs(['--sysctl=extfrag_threshold = 0', 'f']).extfragThreshold).toBe(0);
    expect(() => parseExplainArgs(['--sysctl', 'vm.min_free_kbytes=1024', 'f'])).toThrow(/takes vm\.extfrag_threshold=N .*got 'vm\.min_free_kbytes=1024'/);
    expect(() => parseExplainArgs(['--sysctl', 'vm.extfrag_threshold=1001', 'f'])).toThrow(/must be 0\.\.1000/);
  });
});
