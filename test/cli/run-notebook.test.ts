/**
 * `mmbook run` on what a new user tripped on: unknown parameters are user errors naming the
 * notebook's inputs, cells waiting for input are reported as waiting (exit 3), warnings reach
 * stderr and the JSON report, text blocks are printed as text, an unknown machine says so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mmbook-run-ux-'));
function mmbook(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/mmbook.js'), 'run', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const WAITS = 'test/fixtures/notebooks/waits.html';

describe('mmbook run: parameters', () => {
  it('a parameter no cell defines exits 2 naming the notebook\'s inputs', () => {
    const r = mmbook(WAITS, '-p', 'nosuch=1');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`mmbook: UNKNOWN_PARAM: ${WAITS} has no input named 'nosuch'; its inputs are: pasted (at mmbook run -p)\n`);
  });

  it('a field a form input does not have exits 2 naming its fields', () => {
    const r = mmbook(WAITS, '-p', 'pasted.txt=a,b');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`mmbook: UNKNOWN_PARAM: the input pasted of ${WAITS} has no field 'txt'; its fields are: text, sep (at mmbook run -p)\n`);
  });

  it('an unknown machine in the watermarks notebook says so and lists the machines', () => {
    const r = mmbook('notebooks/watermarks.html', '-p', 'machine_name=bogus');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^error {3}cell 6: UNKNOWN_MACHINE: unknown machine “bogus”; the machines are: a64-512m, .*x64-1g.*, custom topology, your own machine/m);
    expect(r.out).not.toMatch(/BOOT_INPUT/);
  });
});

describe('mmbook run: waiting, warnings, text', () => {
  it('cells waiting for input are reported as waiting, not failed, and the run exits 3', () => {
    const json = join(dir, 'waits.json');
    const r = mmbook(WAITS, '--json', json);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^waiting cell 2: waiting for pasted \(cell 1\): paste a list above$/m);
    expect(r.out).toMatch(/^waiting cell 3: waiting for pasted \(cell 1\)$/m);
    expect(r.out).not.toMatch(/^(error|blocked)/m);
    expect(r.out.trim().split('\n').at(-1)).toBe('3 of 4 cells wait for input: pasted (cell 1): paste a list above (give it with -p pasted=…)');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.cells[1]).toEqual({ id: 2, state: 'waiting', durationMs: null, outputs: ['items'], waitingFor: { name: 'pasted', cellId: 1 }, message: 'paste a list above' });
  });

  it('given the input, warnings go to stderr and the report, and a <pre> is printed as its text', () => {
    const json = join(dir, 'given.json');
    const r = mmbook(WAITS, '-p', 'pasted.text=a,b,c,d', '--json', json);
    expect(r.code).toBe(0);
    expect(r.err).toBe('mmbook: warning: cell 3: 4 items: only the first 3 are used\n');
    expect(r.out).toMatch(/^ok {6}cell 4 \(.*\)  <pre> 3 lines, below\n {4}a\n {4}b\n {4}c\n/m);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.cells[2].warnings).toEqual(['4 items: only the first 3 are used']);
    expect(report.cells[3]).not.toHaveProperty('warnings');
  });

  it('watermarks: min_free_kbytes=99999999 warns that the min watermark is above the zone\'s managed pages', () => {
    const r = mmbook('notebooks/watermarks.html', '-p', 'min_free_kbytes=99999999');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^mmbook: warning: cell 20: WATERMARK_ABOVE_MANAGED: Node 0 DMA: min watermark 390340 pages is above the zone's 3840 managed pages \(vm.min_free_kbytes=99999999\)/m);
    // the zoneinfo cell prints the text itself
    expect(r.out).toMatch(/^ok {6}cell 30 .*<pre> \d+ lines, below\n {4}Node 0, zone {6}DMA\n/m);
    expect(r.out).toMatch(/^ {12}min {6}390340$/m);
  });
});
