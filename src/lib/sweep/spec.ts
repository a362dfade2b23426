/**
 * A sweep's parameter range and its points, the same for `mmbook run --sweep` (src/cli/sweep-args.ts
 * parses `name=a:b:n[,seeds=k]`) and the workbench's sweep panel (src/app/sweep/). `steps` values
 * evenly spaced from `from` to `to`, both included (steps = 1: just `from`); with `integers` the
 * values are rounded to integers (so there can be at most |to − from| + 1 of them). `seeds` runs
 * each value with seed 1 … k (the notebook's `seed` input), the seeds of a value next to each other.
 */
export interface SweepSpec { name: string; from: number; to: number; steps: number; integers: boolean; seeds?: number }
export type SweepPoint = Record<string, number>;

/** The largest sweep (points × seeds) one command or one panel runs. */
export const MAX_SWEEP_POINTS = 100_000;

/** Why `s` is not a sweep (one sentence, naming the value), or undefined when it is one. */
export function sweepProblem(s: SweepSpec): string | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(s.name)) return `parameter name '${s.name}' is not a JavaScript identifier`;
  if (!Number.isFinite(s.from)) return `start '${s.from}' is not a number`;
  if (!Number.isFinite(s.to)) return `end '${s.to}' is not a number`;
  if (!Number.isInteger(s.steps) || s.steps < 1) return `the number of values '${s.steps}' is not a whole number of at least 1`;
  if (s.integers && (!Number.isInteger(s.from) || !Number.isInteger(s.to))) return `${s.name}: integer values need whole numbers at both ends, got ${s.from} and ${s.to}`;
  if (s.integers && s.steps > Math.abs(s.to - s.from) + 1) {
    return `${s.name}=${s.from}:${s.to}:${s.steps}: ${s.steps} integer values do not fit between ${s.from} and ${s.to} (at most ${Math.abs(s.to - s.from) + 1}; write ${s.from}.0 for fractional values)`;
  }
  if (s.seeds !== undefined && (!Number.isInteger(s.seeds) || s.seeds < 1)) return `seeds=${s.seeds} is not a whole number of at least 1`;
  if (s.seeds !== undefined && s.name === 'seed') return 'sweeps seed itself: give seeds=k or a seed range, not both';
  const total = s.steps * (s.seeds ?? 1);
  if (total > MAX_SWEEP_POINTS) return `${total} points are more than ${MAX_SWEEP_POINTS}`;
  return undefined;
}

/** The values of the swept parameter, in order. */
export function sweepValues(s: SweepSpec): number[] {
  return Array.from({ length: s.steps }, (_, i) => {
    const v = s.steps === 1 ? s.from : s.from + (i * (s.to - s.from)) / (s.steps - 1);
    return s.integers ? Math.round(v) : v;
  });
}

/** The points in order: each value, and with seeds each value once per seed. */
export function sweepPoints(s: SweepSpec): SweepPoint[] {
  const values = sweepValues(s);
  if (s.seeds === undefined) return values.map((v) => ({ [s.name]: v }));
  return values.flatMap((v) => Array.from({ length: s.seeds! }, (_, k) => ({ [s.name]: v, seed: k + 1 })));
}

/** `watermark_scale_factor=10 seed=1`: a point in a message. */
export function pointLabel(p: SweepPoint): string {
  return Object.entries(p).map(([k, v]) => `${k}=${v}`).join(' ');
}
