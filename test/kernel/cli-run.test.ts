import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseParamValue, parseRunArgs } from '../../src/cli/run';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mmbook-run-'));
function mmbook(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/mmbook.js'), 'run', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('mmbook run', () => {
  it('exits 0 when every cell succeeds, applies -p over a view, and writes the JSON report', () => {
    const json = join(dir, 'ok.json');
    const r = mmbook('test/fixtures/notebooks/ok.html', '-p', 'scale=250', '--json', json);
    expect(r.err.split('\n').filter((l) => l && !l.startsWith('mmbook: warning:'))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok {6}cell 2 \(.*\)  doubled = 500$/m);
    expect(r.out).toMatch(/^ok {6}cell 3 .*arr = Float64Array\(3\) \[1, 2, 3\]$/m);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(report)).toEqual(['notebook', 'values', 'cells']);
    expect(report.notebook).toBe('test/fixtures/notebooks/ok.html');
    expect(report.values).toEqual({ scale: 250, doubled: 500, arr: [1, 2, 3], chart: '<b>500</b>' });
    expect(report.cells).toHaveLength(5);
    for (const c of report.cells) {
      expect(Object.keys(c)).toEqual(['id', 'state', 'durationMs', 'outputs']);
      expect(c.state).toBe('done');
      expect(typeof c.durationMs).toBe('number');
    }
    expect(report.cells.map((c: { outputs: string[] }) => c.outputs)).toEqual([['scale'], ['doubled'], ['arr'], [], ['chart']]);
  });

  it('exits 1 naming the failing cell, with error and blockedBy in the JSON', () => {
    const json = join(dir, 'fails.json');
    const r = mmbook('test/fixtures/notebooks/fails.html', '--json', json);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^error {3}cell 2: TypeError: Cannot read properties of undefined \(reading 'deeper'\) \(line 2, column \d+\)$/m);
    expect(r.out).toMatch(/^blocked cell 3: blocked by c \(cell 2\)$/m);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.values).toEqual({ a: 1 });
    expect(report.cells[1]).toMatchObject({ id: 2, state: 'error', durationMs: null, outputs: ['b', 'c'], error: expect.stringContaining("reading 'deeper'") });
    expect(report.cells[2]).toEqual({ id: 3, state: 'blocked', durationMs: null, outputs: ['d'], blockedBy: { name: 'c', cellId: 2 } });
  });

  it('exits 1 when cells do not settle within --timeout', () => {
    const r = mmbook('test/fixtures/notebooks/slow.html', '--timeout', '0.5');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/cell 1: did not finish within 0.5 s/);
    expect(r.out).toMatch(/cell 2: did not finish within 0.5 s, waiting for never \(cell 1\)/);
  });

  it('exits 2 on user error, with the MmError code on stderr', () => {
    let r = mmbook('test/fixtures/notebooks/missing.html');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mmbook: NOTEBOOK_NOT_FOUND: /);
    r = mmbook('test/fixtures/notebooks/ok.html', '-p', 'noequals');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mmbook: CLI_USAGE: parameter 'noequals' must be name=value/);
    r = mmbook('test/fixtures/notebooks/ok.html', '--timeout', 'soon');
    expect(r.code).toBe(2);
    r = mmbook();
    expect(r.code).toBe(2);
  });

  it('parses parameters as JSON when they parse, and as strings otherwise', () => {
    expect(parseParamValue('200')).toBe(200);
    expect(parseParamValue('5.10')).toBe('5.10'); // a version, not 5.1
    expect(parseParamValue('6.1')).toBe(6.1); // the notebook's input gives it its type (src/kernel/session.ts defineParam)
    expect(parseParamValue('[1,2]')).toEqual([1, 2]);
    expect(parseParamValue('true')).toBe(true);
    expect(parseParamValue('movable')).toBe('movable');
    expect(parseRunArgs(['x.html', '-p', 'a=1', '-p', 'b=hi', '--json', 'o.json']))
      .toEqual({ notebook: 'x.html', params: { a: 1, b: 'hi' }, json: 'o.json', timeoutSec: 300, maxHeapMiB: 4096 });
  });

  it('-p name=@FILE reads the value from a file; name.field sets one field; @@ is a literal @', () => {
    const text = join(dir, 'zoneinfo.txt');
    const num = join(dir, 'n.json');
    writeFileSync(text, 'Node 0, zone      DMA\n  pages free     3\n');
    writeFileSync(num, '42\n');
    expect(parseRunArgs(['x.html', '-p', `own.text=@${text}`, '-p', 'own.arch=x86_64', '-p', `n=@${num}`, '-p', 'at=@@home']).params)
      .toEqual({ own: { text: 'Node 0, zone      DMA\n  pages free     3\n', arch: 'x86_64' }, n: 42, at: '@home' });
    expect(() => parseRunArgs(['x.html', '-p', 'a=1', '-p', 'a.b=2'])).toThrow(/a is already 1, not an object/);
    expect(() => parseRunArgs(['x.html', '-p', 'a.1=2'])).toThrow(/not a JavaScript identifier/);
    const r = mmbook('test/fixtures/notebooks/ok.html', '-p', `scale=@${join(dir, 'missing.txt')}`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mmbook: FILE_UNREADABLE: cannot read the value of scale from '.*missing.txt' \(ENOENT\)/);
  });
});
