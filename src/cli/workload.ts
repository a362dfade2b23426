/**
 * `mmbook boot … --workload SPEC.json [--json OUT]`: after the boot (and its --sysctl writes) run a
 * workload (docs/workload.md) on the machine; --show prints the /proc files of its final state,
 * stderr gets a one-line summary, and --json writes the whole result (typed arrays as arrays).
 */
import { writeFileSync } from 'node:fs';
import { MmError } from '../sim/errors';
import { runWorkload, workloadJsonReplacer, type Machine, type RunningMachine, type WorkloadResult } from '../sim/index';
import { readInputFile } from './input-file';
import { checkJsonWritable, jsonUnwritable } from './json-out';

/** The spec in --workload FILE: JSON, or WORKLOAD_SPEC naming the file and where the JSON breaks. */
export function readWorkloadSpec(path: string): unknown {
  const text = readInputFile('--workload', path).toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MmError('WORKLOAD_SPEC', `--workload file '${path}' is not JSON: ${(e as Error).message}`);
  }
}

/** The one-line summary: steps, allocations, failures, frees, kswapd and kcompactd wakes. */
export function workloadSummary(r: WorkloadResult): string {
  const t = r.totals;
  const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
  return `workload: ${plural(t.steps, 'step')}, ${plural(t.allocations, 'allocation')} (${t.allocatedPages} pages), `
    + `${plural(t.failed, 'failed allocation')}, ${t.freedPages} pages freed, ${t.reclaimedPages} reclaimed, `
    + `kswapd woke ${plural(t.kswapdWakes, 'time')}, kcompactd ${plural(t.kcompactdWakes, 'time')}`;
}

/** Run the workload of --workload on m (a booted machine, or one running from a --state snapshot); writes --json; returns the result. */
export function runWorkloadFile(m: Machine | RunningMachine, specPath: string, jsonPath: string | undefined): WorkloadResult {
  const spec = readWorkloadSpec(specPath);
  if (jsonPath !== undefined) checkJsonWritable(jsonPath, 'result');
  let r: WorkloadResult;
  try {
    r = runWorkload(m, spec);
  } catch (e) {
    if (e instanceof MmError && e.code.startsWith('WORKLOAD_')) throw new MmError(e.code, `--workload file '${specPath}': ${e.message}`);
    throw e;
  }
  if (jsonPath !== undefined) {
    try {
      writeFileSync(jsonPath, JSON.stringify(r, workloadJsonReplacer) + '\n');
    } catch (e) {
      throw jsonUnwritable(jsonPath, 'result', (e as NodeJS.ErrnoException).code ?? (e as Error).message);
    }
  }
  return r;
}
