/** `mmbook boot … --workload SPEC.json --json OUT`: a 1M-allocation workload in a subprocess, as tools call it. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderProc } from '../../src/sim/index';
import { runWorkload } from '../../src/sim/workload/index';
import { KERNELS, machine } from './helpers';

const BIN = resolve(import.meta.dirname, '../../bin/mmbook.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });

describe('mmbook boot --workload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmbook-workload-'));
  writeFileSync(join(dir, 'machine.json'), JSON.stringify({ ramMiB: 1024, cpus: 2 }));
  const spec = {
    seed: 2024, steps: 1000, sampleEvery: 10,
    streams: [
      { name: 'anon', kind: 'anon', rate: 800, lifetime: { fixed: 150 }, cpu: 'spread' },
      { name: 'slab', kind: 'slab', rate: 150, order: { 0: 0.9, 1: 0.1 }, lifetime: { exponential: { mean: 200 } } },
      { name: 'cache', kind: 'file', rate: 50, lifetime: 'event' },
    ],
    events: [{ at: 500, op: 'free', stream: 'cache', every: 2 }, { at: 700, op: 'compact_memory' }],
  };
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));

  for (const kernel of KERNELS) {
    it(`${kernel}: 1M allocations; --show prints the final state, stderr a summary, --json the result`, () => {
      const out = join(dir, `out-${kernel}.json`);
      const r = run(['boot', '--arch', 'arm64', '--kernel', kernel, '--topology', join(dir, 'machine.json'), '--cpus', '2', '--workload', join(dir, 'spec.json'), '--json', out, '--show', 'buddyinfo,pagetypeinfo']);
      expect(r.stderr).toMatch(/^mmbook: workload: 1000 steps, 1000000 allocations \(\d+ pages\), 0 failed allocations, \d+ pages freed, 0 reclaimed, kswapd woke \d+ times?, kcompactd \d+ times?\n$/);
      expect(r.status).toBe(0);
      const json = JSON.parse(readFileSync(out, 'utf8'));
      expect(json.totals.allocations).toBe(1_000_000);
      expect(json.samples.step).toHaveLength(100);
      expect(json.samples.zones[0].freeByOrder).toHaveLength(json.orders);
      expect(json.events.map((e: { op: string }) => e.op)).toEqual(['free', 'compact_memory']);
      // the printed files are the result's final state, and the same as the run in this process
      const local = runWorkload(machine('arm64', kernel, 1024, 2), spec);
      const files = `==> buddyinfo <==\n${renderProc(local.final, 'buddyinfo')}==> pagetypeinfo <==\n${renderProc(local.final, 'pagetypeinfo')}`;
      expect(r.stdout).toBe(files);
      expect(renderProc(json.final, 'buddyinfo')).toBe(renderProc(local.final, 'buddyinfo'));
      expect(json.totals).toEqual(local.totals);
    });
  }

  it('a bad spec or --json without --workload is a one-line error naming it', () => {
    writeFileSync(join(dir, 'bad.json'), '{"steps": 10, "streams": [{"kind": "anon", "rate": 1, "lifetime": {"exponential": {"mean": -3}}}]}');
    writeFileSync(join(dir, 'notjson.json'), '{"steps": 10,');
    const base = ['boot', '--arch', 'arm64', '--kernel', '6.1', '--topology', join(dir, 'machine.json')];
    const bad = run([...base, '--workload', join(dir, 'bad.json')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`mmbook: WORKLOAD_SPEC: --workload file '${join(dir, 'bad.json')}': streams[0].lifetime.exponential.mean must be a positive number, got -3\n`);
    const notJson = run([...base, '--workload', join(dir, 'notjson.json')]);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toMatch(/^mmbook: WORKLOAD_SPEC: --workload file '.*notjson\.json' is not JSON: /);
    const noWorkload = run([...base, '--json', join(dir, 'x.json')]);
    expect(noWorkload.stderr).toBe('mmbook: CLI_USAGE: --json writes the result of a --workload run; give --workload SPEC.json too\n');
  });
});
