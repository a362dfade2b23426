/**
 * `mmbook run` in its worker thread: --timeout stops a cell that never yields, the heap limit stops
 * one that allocates without end, both name the cell; --json is checked before anything runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_TIMEOUT_SEC, parseRunArgs } from '../../src/cli/run';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'mmbook-run-limits-'));
function mmbook(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/mmbook.js'), 'run', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

describe('mmbook run limits', () => {
  it('--timeout stops a cell stuck in a synchronous loop, naming it', () => {
    const json = join(dir, 'spin.json');
    const r = mmbook('test/fixtures/notebooks/spin.html', '--timeout', '1', '--json', json);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^running cell 2: did not finish within 1 s and never yielded \(a synchronous loop\?\), so the run was stopped$/m);
    expect(r.out).toMatch(/^queued  cell 3: the run was stopped before it finished$/m);
    expect(r.out).toMatch(/^3 of 3 cells failed$/m);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.cells[1]).toMatchObject({ id: 2, state: 'running', outputs: ['spin'], error: expect.stringContaining('never yielded') });
  });

  it('a cell that allocates without end stops at the heap limit (exit 1, not a V8 abort), naming it', () => {
    const r = mmbook('test/fixtures/notebooks/hog.html', '--max-heap', '64');
    expect(r.signal).toBe(null);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^running cell 2: ran out of memory: the run's heap limit is 64 MiB \(--max-heap\), so the run was stopped$/m);
  });

  it('an async wait still reports every cell with its state after --timeout', () => {
    const r = mmbook('test/fixtures/notebooks/slow.html', '--timeout', '0.5');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^running cell 1: did not finish within 0.5 s$/m);
  });

  it('refuses a --timeout Node cannot keep (it would fire at once) and a bad --max-heap', () => {
    expect(parseRunArgs(['x.html', '--timeout', String(MAX_TIMEOUT_SEC)]).timeoutSec).toBe(2147483);
    expect(() => parseRunArgs(['x.html', '--timeout', '3000000'])).toThrow(/--timeout must be at most 2147483 seconds/);
    expect(() => parseRunArgs(['x.html', '--max-heap', '1.5'])).toThrow(/--max-heap must be a whole number of MiB/);
    const r = mmbook('test/fixtures/notebooks/ok.html', '--timeout', '3000000');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mmbook: CLI_USAGE: --timeout must be at most/);
  });

  it('checks --json before the notebook runs (a spinning notebook with the default 300 s timeout returns at once)', () => {
    for (const [json, why] of [[join(dir, 'no/such/dir/out.json'), /no such directory/], [dir, /it is a directory/]] as const) {
      const r = mmbook('test/fixtures/notebooks/spin.html', '--json', json);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^mmbook: JSON_UNWRITABLE: cannot write the --json report to '.*': /);
      expect(r.err).toMatch(why);
    }
  });
});
