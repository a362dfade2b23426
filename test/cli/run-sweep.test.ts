/**
 * `mmbook run --sweep name=a:b:n[,seeds=k]`: one JSON line per point on stdout, in the points'
 * order, points run in parallel worker threads; the range's rules and its user errors.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSweep, sweepPoints } from '../../src/cli/sweep-args';
import { parseRunArgs } from '../../src/cli/run';

const root = new URL('../..', import.meta.url).pathname;
const SWEEP = 'test/fixtures/notebooks/sweep.html';
function mmbook(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/mmbook.js'), 'run', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('sweep ranges', () => {
  it('n values from a to b, integers when a and b are, each with seeds 1…k', () => {
    expect(sweepPoints(parseSweep('watermark_scale_factor=10:1000:4'))).toEqual([10, 340, 670, 1000].map((v) => ({ watermark_scale_factor: v })));
    expect(sweepPoints(parseSweep('x=10:1000:20')).map((p) => p.x)).toEqual(Array.from({ length: 20 }, (_, i) => Math.round(10 + (i * 990) / 19)));
    expect(sweepPoints(parseSweep('x=0.0:1:3'))).toEqual([{ x: 0 }, { x: 0.5 }, { x: 1 }]);
    expect(sweepPoints(parseSweep('x=5:1:3,seeds=2'))).toEqual([{ x: 5, seed: 1 }, { x: 5, seed: 2 }, { x: 3, seed: 1 }, { x: 3, seed: 2 }, { x: 1, seed: 1 }, { x: 1, seed: 2 }]);
    expect(sweepPoints(parseSweep('x=7:9:1'))).toEqual([{ x: 7 }]);
  });

  it('refuses what is not a range, naming the problem', () => {
    const bad = (arg: string) => { try { parseSweep(arg); return 'accepted'; } catch (e) { return (e as Error).message; } };
    expect(bad('x=0:1')).toMatch(/^--sweep 'x=0:1' is not name=a:b:n; expected/);
    expect(bad('x=a:1:2')).toMatch(/^--sweep start 'a' is not a number/);
    expect(bad('x=0:1:0')).toMatch(/the number of values '0' is not a whole number of at least 1/);
    expect(bad('x=1:2:5')).toMatch(/^--sweep x=1:2:5: 5 integer values do not fit between 1 and 2 \(at most 2; write 1\.0 for fractional values\)/);
    expect(bad('1x=0:1:2')).toMatch(/parameter name '1x' is not a JavaScript identifier/);
    expect(bad('x=0:1:2,seeds=0')).toMatch(/option 'seeds=0' is not seeds=k with k at least 1/);
    expect(bad('seed=0:9:2,seeds=2')).toMatch(/sweeps seed itself/);
    expect(bad('x=0:1000000:1000000,seeds=2')).toMatch(/2000000 points are more than 100000/);
    const args = (...a: string[]) => { try { parseRunArgs(a); return 'accepted'; } catch (e) { return (e as Error).message; } };
    expect(args('nb.html', '--sweep', 'x=0:1:2', '--json', 'o.json')).toMatch(/--json and --sweep do not go together/);
    expect(args('nb.html', '--sweep', 'x=0:1:2', '-p', 'x=3')).toMatch(/x is given with -p and swept by --sweep/);
    expect(args('nb.html', '--sweep', 'x=0:1:2,seeds=2', '-p', 'seed=3')).toMatch(/seed is given with -p and swept/);
    expect(args('nb.html', '--sweep', 'x=0:1:2', '--sweep', 'y=0:1:2')).toMatch(/--sweep is given twice/);
    expect(args('nb.html', '--jobs', '2')).toMatch(/--jobs is for --sweep/);
    expect(args('nb.html', '--values', 'y')).toMatch(/--values is for --sweep/);
    expect(args('nb.html', '--sweep', 'x=0:1:2', '--values', 'y,2z')).toMatch(/--values takes names separated by commas; '2z' is not a name/);
    expect(args('nb.html', '--sweep', 'x=0:1:2', '--jobs', '0')).toMatch(/--jobs must be a whole number of at least 1, got '0'/);
  });
});

describe('mmbook run --sweep', () => {
  it('writes one JSON line per point in order; a failing point is ok: false with its errors, and the exit status is 1', () => {
    const r = mmbook(SWEEP, '--sweep', 'x=0:100:3,seeds=2', '--jobs', '2');
    expect(r.err).toBe('');
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.point)).toEqual([{ x: 0, seed: 1 }, { x: 0, seed: 2 }, { x: 50, seed: 1 }, { x: 50, seed: 2 }, { x: 100, seed: 1 }, { x: 100, seed: 2 }]);
    expect(lines.map((l) => l.ok)).toEqual([true, true, true, true, false, false]);
    expect(lines.slice(0, 4).map((l) => l.values)).toEqual([
      { x: 0, seed: 1, y: 1, checked: true }, { x: 0, seed: 2, y: 2, checked: true }, { x: 50, seed: 1, y: 501, checked: true }, { x: 50, seed: 2, y: 502, checked: true }]);
    expect(lines[4]).toMatchObject({ values: { x: 100, seed: 1, y: 1001 }, summary: '1 of 4 cells failed', errors: [expect.stringMatching(/^cell 4: Error: x=100 is too large/)] });
    expect(Object.keys(lines[0])).toEqual(['point', 'values', 'ok']);
    expect(r.code).toBe(1);
  });

  it('-p values apply to every point; all points succeeding exit 0; --values keeps the names asked for', () => {
    const r = mmbook(SWEEP, '-p', 'seed=7', '--sweep', 'x=1:2:2');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { point: { x: 1 }, values: { x: 1, seed: 7, y: 17, checked: true }, ok: true },
      { point: { x: 2 }, values: { x: 2, seed: 7, y: 27, checked: true }, ok: true },
    ]);
    const kept = mmbook(SWEEP, '--sweep', 'x=1:2:2', '--values', 'y,checked');
    expect(kept.out).toBe('{"point":{"x":1},"values":{"y":10,"checked":true},"ok":true}\n{"point":{"x":2},"values":{"y":20,"checked":true},"ok":true}\n');
    const typo = mmbook(SWEEP, '--sweep', 'x=1:2:2', '--values', 'why', '--jobs', '1');
    expect(typo.code).toBe(2);
    expect(typo.out).toBe('');
    expect(typo.err).toBe(`mmbook: UNKNOWN_VALUE: ${SWEEP} defines no value named 'why'; its named values are: x, seed, y, checked (at mmbook run --values)\n`);
  });

  it('a point stuck in a synchronous loop is stopped at --timeout; the points after it run in a new thread', () => {
    const r = mmbook(SWEEP, '--sweep', 'x=12:14:3', '--timeout', '1', '--jobs', '1');
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.point.x, l.ok])).toEqual([[12, true], [13, false], [14, true]]);
    expect(lines[1].errors).toContainEqual(expect.stringMatching(/^cell 4: did not finish within 1 s and never yielded/));
    expect(lines[2].values).toEqual({ x: 14, seed: 0, y: 140, checked: true });
    expect(r.code).toBe(1);
  });

  it('sweeps a notebook whose response comes from mm.workload: kswapd wakes and failures against watermark_scale_factor', () => {
    const r = mmbook('test/fixtures/notebooks/sweep-workload.html', '-p', 'steps=60', '--sweep', 'watermark_scale_factor=10:1000:3', '--values', 'kswapd_wakes,failures');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { point: { watermark_scale_factor: number }; values: { kswapd_wakes: number; failures: number }; ok: boolean });
    expect(lines.map((l) => [l.point.watermark_scale_factor, l.ok, Object.keys(l.values)])).toEqual([10, 505, 1000].map((w) => [w, true, ['kswapd_wakes', 'failures']]));
    // a larger scale factor spreads min, low and high: kswapd starts earlier and reclaims more per wake-up, so it wakes less often and the GFP_NOWAIT bursts stop failing
    const wakes = lines.map((l) => l.values.kswapd_wakes);
    expect(wakes[0]).toBeGreaterThan(wakes[1]!);
    expect(wakes[1]).toBeGreaterThanOrEqual(wakes[2]!);
    expect(lines[0]!.values.failures).toBeGreaterThan(0);
    expect(lines[2]!.values.failures).toBe(0);
  });

  it('a parameter the notebook does not have (the swept one, or seed) is a user error: exit 2, nothing on stdout', () => {
    const r = mmbook(SWEEP, '--sweep', 'nosuch=0:1:2');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`mmbook: UNKNOWN_PARAM: ${SWEEP} has no input named 'nosuch'; its inputs are: x, seed (at mmbook run -p)\n`);
    const s = mmbook('test/fixtures/notebooks/ok.html', '--sweep', 'scale=0:1:2,seeds=2');
    expect(s.code).toBe(2);
    expect(s.err).toBe(`mmbook: UNKNOWN_PARAM: test/fixtures/notebooks/ok.html has no input named 'seed'; its inputs are: scale (at mmbook run -p)\n`);
  });
});
