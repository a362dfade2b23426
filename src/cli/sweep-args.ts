/**
 * `mmbook run --sweep name=a:b:n[,seeds=k]`: the parameter range of a sweep and its points.
 * `n` evenly spaced values from `a` to `b`, both included (n = 1: just a); when `a` and `b` are
 * written as integers the values are rounded to integers (so there can be at most |b − a| + 1 of
 * them; write `0.0:1:5` for fractional points). `seeds=k` runs each value with seed 1 … k (the
 * notebook's `seed` input), the seeds of a value next to each other.
 */
import { MmError } from '../sim/errors';

export interface SweepSpec { name: string; from: number; to: number; steps: number; integers: boolean; seeds?: number }
export type SweepPoint = Record<string, number>;

/** The largest sweep (points × seeds) one command runs. */
export const MAX_SWEEP_POINTS = 100_000;

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
  const steps = Number(n);
  const integers = /^-?\d+$/.test(a.trim()) && /^-?\d+$/.test(b.trim());
  if (integers && steps > Math.abs(to - from) + 1) usage(`${name}=${range!.slice(eq + 1)}: ${steps} integer values do not fit between ${from} and ${to} (at most ${Math.abs(to - from) + 1}; write ${from}.0 for fractional values)`);
  const spec: SweepSpec = { name, from, to, steps, integers };
  for (const o of opts) {
    const m = /^seeds=(\d+)$/.exec(o);
    if (!m || Number(m[1]) < 1) usage(`option '${o}' is not seeds=k with k at least 1`);
    spec.seeds = Number(m![1]);
  }
  if (spec.seeds !== undefined && name === 'seed') usage(`sweeps seed itself: give seeds=k or a seed range, not both`);
  if (steps * (spec.seeds ?? 1) > MAX_SWEEP_POINTS) usage(`${steps * (spec.seeds ?? 1)} points are more than ${MAX_SWEEP_POINTS}`);
  return spec;
}

/** The points in order: each value, and with seeds each value once per seed. */
export function sweepPoints(s: SweepSpec): SweepPoint[] {
  const values = Array.from({ length: s.steps }, (_, i) => {
    const v = s.steps === 1 ? s.from : s.from + (i * (s.to - s.from)) / (s.steps - 1);
    return s.integers ? Math.round(v) : v;
  });
  if (s.seeds === undefined) return values.map((v) => ({ [s.name]: v }));
  return values.flatMap((v) => Array.from({ length: s.seeds! }, (_, k) => ({ [s.name]: v, seed: k + 1 })));
}

/** `watermark_scale_factor=10 seed=1`: a point in a message. */
export function pointLabel(p: SweepPoint): string {
  return Object.entries(p).map(([k, v]) => `${k}=${v}`).join(' ');
}
