/**
 * `mmbook run --sweep name=a:b:n[,seeds=k]`: parses the range into a SweepSpec; its points come
 * from src/lib/sweep/spec.ts, the same as the workbench's sweeps. `n` evenly spaced values from `a`
 * to `b`, both included (n = 1: just a); when `a` and `b` are written as integers the values are
 * rounded to integers (write `0.0:1:5` for fractional points). `seeds=k` runs each value with seed
 * 1 … k (the notebook's `seed` input), the seeds of a value next to each other.
 */
import { MmError } from '../sim/errors';
import { sweepProblem, type SweepSpec } from '../lib/sweep/spec';

export { MAX_SWEEP_POINTS, pointLabel, sweepPoints, type SweepPoint, type SweepSpec } from '../lib/sweep/spec';

const usage = (why: string): never => { throw new MmError('CLI_USAGE', `--sweep ${why}; expected name=a:b:n or name=a:b:n,seeds=k (n values from a to b)`, 'mmbook run --sweep'); };

export function parseSweep(text: string): SweepSpec {
  const [range, ...opts] = text.split(',');
  const eq = range!.indexOf('=');
  if (eq <= 0) usage(`'${text}' names no parameter`);
  const name = range!.slice(0, eq);
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) usage(`parameter name '${name}' is not a JavaScript identifier`);
  const parts = range!.slice(eq + 1).split(':');
  if (parts.length !== 3) usage(`'${range}' is not name=a:b:n`);
  const [a, b, n] = parts as [string, string, string];
  const num = (s: string, what: string) => {
    const v = s.trim() === '' ? NaN : Number(s);
    if (!Number.isFinite(v)) usage(`${what} '${s}' is not a number`);
    return v;
  };
  const from = num(a, 'start'), to = num(b, 'end');
  if (!/^\d+$/.test(n) || Number(n) < 1) usage(`the number of values '${n}' is not a whole number of at least 1`);
  const integers = /^-?\d+$/.test(a.trim()) && /^-?\d+$/.test(b.trim());
  const spec: SweepSpec = { name, from, to, steps: Number(n), integers };
  for (const o of opts) {
    const m = /^seeds=(\d+)$/.exec(o);
    if (!m || Number(m[1]) < 1) usage(`option '${o}' is not seeds=k with k at least 1`);
    spec.seeds = Number(m![1]);
  }
  const problem = sweepProblem(spec);
  if (problem) usage(problem.replace(`${name}=${from}:${to}:${spec.steps}`, `${name}=${range!.slice(eq + 1)}`));
  return spec;
}
