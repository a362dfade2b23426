/** `mmbook replay` as a user calls it: flags, gzip, --json, --show, --state, --mark-rule, and the one-line errors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseMarkRule, parseReplayArgs } from '../../src/cli/replay';
import { MmError } from '../../src/sim/errors';
import { ORACLE, ORACLE_RT } from '../helpers/oracle-dir';
import { alloc, free, header, mark } from './helpers';

const BIN = resolve(import.meta.dirname, '../../bin/mmbook.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'replay', ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
const DTB = join(ORACLE, 'a64-512m/virt.dtb');
const MACHINE = ['--arch', 'arm64', '--kernel', '6.1', '--dtb', DTB];
const tmp = mkdtempSync(join(tmpdir(), 'mmbook-replay-'));

const MOV = 'GFP_HIGHUSER_MOVABLE|__GFP_COMP';
const body = [mark('rt_before end'), ...Array.from({ length: 200 }, (_, k) => alloc(0x48000 + k, 0, MOV)), mark('rt_phase 01 x begin'), ...Array.from({ length: 100 }, (_, k) => free(0x48000 + k)), mark('rt_after begin'), alloc(0x49000, 0, MOV)];
const TEXT = [...header(), ...body].join('\n') + '\n';
const PLAIN = join(tmp, 'trace.txt');
const GZ = join(tmp, 'trace.txt.gz');
writeFileSync(PLAIN, TEXT);
writeFileSync(GZ, gzipSync(TEXT));

describe('mmbook replay', () => {
  it('replays a gzip trace between the marks, writes the --json result and prints a summary', () => {
    const out = join(tmp, 'out.json');
    const r = run([...MACHINE, '--trace', GZ, '--start-mark', 'rt_before end', '--end-mark', 'rt_after begin', '--json', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^start: fresh boot\n/);
    expect(r.stdout).toMatch(/events: 300 replayed \(200 requests, 0 failed in the simulator; 100 frees\)/);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['marks', 'commands', 'kswapd', 'events', 'vmstat']));
    expect(j.marks.map((m: { text: string }) => m.text)).toEqual(['rt_before end', 'rt_phase 01 x begin', 'rt_after begin']);
    for (const f of ['buddyinfo', 'pagetypeinfo', 'zoneinfo', 'meminfo']) expect(typeof j.marks[2][f]).toBe('string');
    expect(j.kswapd).toMatchObject({ wakes: [], sleeps: [] });
    expect(j.events).toMatchObject({ replayed: 300, skipped: 0, unknownFrees: 0 });
    expect(j.vmstat).toMatch(/^nr_free_pages \d+\n/);
    // plain text gives the same result
    const out2 = join(tmp, 'out2.json');
    expect(run([...MACHINE, '--trace', PLAIN, '--start-mark', 'rt_before end', '--end-mark', 'rt_after begin', '--json', out2]).status).toBe(0);
    expect(JSON.parse(readFileSync(out2, 'utf8'))).toEqual(j);
  });

  it('--show prints the files at the end; --sysctl replays under another tuning', () => {
    const r = run([...MACHINE, '--trace', PLAIN, '--show', 'buddyinfo,zoneinfo', '--sysctl', 'vm.min_free_kbytes=32768']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\n==> buddyinfo <==\nNode 0, zone      DMA( +\d+){11} \n==> zoneinfo <==\nNode 0, zone      DMA\n/);
    expect(r.stdout).toMatch(/\n {8}min {6}8192\n/);
  });

  it('--mark-rule rewrites marks into commands', () => {
    const t = join(tmp, 'cmd.txt');
    writeFileSync(t, [...header(), mark('phase 2 end'), alloc(0x48000, 0, MOV), mark('phase 3 begin')].join('\n') + '\n');
    const out = join(tmp, 'cmd.json');
    const r = run([...MACHINE, '--trace', t, '--json', out, '--mark-rule', '^phase 2 end$=>phase 2 end\\nmmbook: do compact_memory', '--mark-rule', '^phase 3 begin$=>mmbook: done\\nphase 3 begin']);
    expect(r.status).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.commands).toHaveLength(1);
    expect(j.commands[0]).toMatchObject({ command: 'compact_memory', line: 13 });
    expect(j.events.skipped).toBe(1);
    expect(parseMarkRule('x=>')).toEqual({ match: /x/, replace: [] });
    expect(() => parseMarkRule('nothing')).toThrow(MmError);
  });

  it('bad input: one line, exit 2, with the line number', () => {
    const bad = join(tmp, 'bad.txt');
    writeFileSync(bad, [...header(), alloc(0x48000, 0, MOV), 'this is not ftrace'].join('\n') + '\n');
    const r = run([...MACHINE, '--trace', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^mmbook: TRACE_PARSE: --trace file '.*bad\.txt': line 14: not an ftrace event line/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    const out = join(tmp, 'pfn.txt');
    writeFileSync(out, [...header(), free(0x10)].join('\n') + '\n');
    expect(run([...MACHINE, '--trace', out]).stderr).toMatch(/^mmbook: TRACE_PFN: .*line 13: mm_page_free of pfn 0x10, outside/);
    expect(run([...MACHINE]).stderr).toMatch(/^mmbook: CLI_USAGE: --trace is required/);
    expect(run([...MACHINE, '--trace', join(tmp, 'missing.txt')]).stderr).toMatch(/^mmbook: FILE_UNREADABLE: cannot read --trace file/);
    expect(run(['--arch', 'arm64', '--kernel', '6.1', '--trace', PLAIN]).stderr).toMatch(/^mmbook: CLI_USAGE: give exactly one of --dtb/);
  });

  it('#P: above --cpus is a warning on stderr', () => {
    const t = join(tmp, 'p4.txt');
    writeFileSync(t, [...header(4), alloc(0x48000, 0, MOV, 1, { cpu: 2 })].join('\n') + '\n');
    const r = run([...MACHINE, '--trace', t, '--cpus', '2']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^mmbook: warning: the trace was recorded on 4 CPUs \(#P:4\); the machine has 2/m);
  });

  it('--state starts from a real snapshot: a prefix path or --state-prefix, --sysctl at the snapshot\'s moment, errors naming the file', () => {
    const dir = join(ORACLE_RT, 'rt-a64-1g-fill');
    const fill = ['--arch', 'arm64', '--kernel', '6.1', '--dtb', join(dir, 'virt.dtb'), '--boot-log', join(dir, 'kernel-console.txt'), '--cmdline', readFileSync(join(dir, 'cmdline.txt'), 'utf8').trim()];
    const a = parseReplayArgs([...fill, '--trace', 'x', '--state', 'd', '--start-mark=a b', '--end-mark', 'c']);
    expect(a).toMatchObject({ trace: 'x', startMark: 'a b', endMark: 'c', show: [] });
    expect(a.bootArgv).toEqual(expect.arrayContaining(['--state', 'd']));
    const byPath = run([...fill, '--state', join(dir, 'rt_before'), '--trace', GZ, '--show', 'buddyinfo']);
    expect(byPath.status, byPath.stderr).toBe(0);
    expect(byPath.stdout).toMatch(/^start: snapshot \(page state from kpageflags\)\n/);
    // the import's notes: per zone, how close it is to the snapshot's files
    expect(byPath.stderr).toMatch(/^mmbook: note: node 0 zone DMA: page state from kpageflags; free blocks /m);
    const byPrefix = run([...fill, '--state', dir, '--state-prefix', 'rt_before', '--trace', GZ, '--show', 'buddyinfo']);
    expect(byPrefix.stdout).toBe(byPath.stdout);
    // a sysctl written at the snapshot's moment: the watermarks follow it, from the snapshot's managed pages
    const wm = (out: string) => /\n\s+min\s+(\d+)/.exec(out)![1];
    const base = run([...fill, '--state', join(dir, 'rt_before'), '--trace', GZ, '--show', 'zoneinfo']);
    const tuned = run([...fill, '--state', join(dir, 'rt_before'), '--sysctl', 'vm.min_free_kbytes=32768', '--trace', GZ, '--show', 'zoneinfo']);
    expect(Number(wm(base.stdout))).toBe(5632);
    expect(Number(wm(tuned.stdout))).toBe(8192);
    const missing = run([...fill, '--state', join(dir, 'rt_nothing'), '--trace', GZ]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^mmbook: SNAPSHOT_MISSING: --state directory '.*rt-a64-1g-fill' has no rt_nothing\.zoneinfo .*its prefixes are .*rt_before/);
  });
});
