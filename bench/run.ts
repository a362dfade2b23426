/**
 * `npm run bench [-- --json] [-- --only boot|buddy|kernel|runtime|workload|cma|cli|replay]`: every benchmark, printed as figures
 * with same-run baselines and ratios. With --json, one JSON object per line:
 * {"name", "value", "unit", "baseline"?, "ratio"?, "target"?}.
 */
import { benchBoot } from './boot';
import { benchBuddy, type BenchResult } from './boot-fill';
import { benchKernel } from './kernel';
import { benchRuntime } from './runtime';
import { benchCli } from './cli';
import { benchWorkload } from './workload';
import { benchCma } from './cma';
import { benchReplay } from './replay';

const args = process.argv.slice(2);
const json = args.includes('--json');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const suites: Array<[string, () => Promise<BenchResult[]>]> = [
  ['boot', benchBoot],
  ['buddy', benchBuddy],
  ['kernel', benchKernel],
  ['runtime', benchRuntime],
  ['workload', benchWorkload],
  ['cma', benchCma],
  ['cli', benchCli],
  ['replay', benchReplay],
];

for (const [name, run] of suites) {
  if (only && only !== name) continue;
  const results = await run();
  for (const r of results) {
    if (json) {
      process.stdout.write(JSON.stringify(r) + '\n');
      continue;
    }
    const base = r.baseline !== undefined ? `  baseline ${r.baseline} ${r.unit === 'x' ? 'ms' : r.unit}` : '';
    const ratio = r.ratio !== undefined ? `  ratio ${r.ratio.toFixed(2)}x` : '';
    const target = r.target !== undefined ? `  target ${r.unit === 'x' || r.ratio !== undefined ? '≤ ' + r.target + 'x' : '≤ ' + r.target + ' ' + r.unit}` : '';
    const ok = r.target === undefined ? '' : (r.ratio ?? r.value) <= r.target ? '  ok' : '  MISSED';
    process.stdout.write(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}${base}${ratio}${target}${ok}\n`);
  }
}
