/**
 * A notebook that declares a workload over a tunable, run headless (`mmbook run`): the workload
 * cell re-runs with the tunable, and the cells downstream of it see the new run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mm } from '../../src/lib/mm';

const root = new URL('../..', import.meta.url).pathname;
const NOTEBOOK = 'test/fixtures/notebooks/workload.html';

function run(json: string, ...params: string[]): { values: Record<string, unknown>; out: string; code: number | null } {
  const r = spawnSync(process.execPath, [join(root, 'bin/mmbook.js'), 'run', NOTEBOOK, ...params.flatMap((p) => ['-p', p]), '--json', json], { cwd: root, encoding: 'utf8' });
  return { values: r.status === 0 ? JSON.parse(readFileSync(json, 'utf8')).values : {}, out: r.stdout + r.stderr, code: r.status };
}

describe('mm.workload in a notebook', () => {
  it('re-runs when the upstream watermark_scale_factor changes, and its dependents follow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmbook-workload-nb-'));
    const a = run(join(dir, 'a.json'));
    const b = run(join(dir, 'b.json'), 'wsf=500');
    expect(a.out).toMatch(/^5 cells ok$/m);
    expect(b.out).toMatch(/^5 cells ok$/m);
    const high = (wsf: number) => mm.boot({ arch: 'arm64', kernel: '6.1', topology: { ramMiB: 512, cpus: 2 }, sysctls: { 'vm.watermark_scale_factor': wsf } }).view().nodes[0]!.zones.find((z) => z.managed > 0)!.high;
    expect(a.values.high).toEqual(Array(20).fill(high(10)));
    expect(b.values.high).toEqual(Array(20).fill(high(500)));
    // the fill at step 100 leaves 5 % of the zone free: above the high watermark at factor 10
    // (0.1 % of managed above min), below the low watermark at 500 (5 % above min): kswapd wakes then
    expect(a.values.summary).toEqual({ steps: 200, allocations: (b.values.summary as { allocations: number }).allocations, kswapdWakes: 0 });
    expect((b.values.summary as { kswapdWakes: number }).kswapdWakes).toBeGreaterThanOrEqual(1);
  });
});
