/** Shared helpers for the fuzz tests: a seeded PRNG and failure reporting. */
import { MmError } from '../../src/sim/errors';
import { Prng } from '../../src/sim/workload/prng';

/** The simulator's mulberry32 (src/sim/workload/prng.ts), with the draws the fuzz cases use. */
export class Rng extends Prng {
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  u32(): number {
    return (this.next() * 4294967296) >>> 0;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The base seed: FUZZ_SEED from the environment, or a fixed default so runs reproduce. */
export function fuzzSeed(dflt: number): number {
  const s = process.env['FUZZ_SEED'];
  return s !== undefined && s !== '' ? Number(s) >>> 0 : dflt;
}

export interface Outcome {
  values: number;
  errors: number;
  codes: Map<string, number>;
}

export function newOutcome(): Outcome {
  return { values: 0, errors: 0, codes: new Map() };
}

/**
 * Run one case: a value or an MmError is fine; any other exception is returned as a failure
 * description that names the seed and case so it can be replayed.
 */
export function runCase<T>(o: Outcome, what: string, seed: number, i: number, input: () => string, f: () => T): { ok: true; value?: T } | { ok: false; message: string } {
  try {
    const value = f();
    o.values++;
    return { ok: true, value };
  } catch (e) {
    if (e instanceof MmError) {
      o.errors++;
      o.codes.set(e.code, (o.codes.get(e.code) ?? 0) + 1);
      return { ok: true };
    }
    const err = e as Error;
    return { ok: false, message: `${what} case ${i} (FUZZ_SEED=${seed}) threw ${err?.name}: ${err?.message}\ninput: ${input()}\n${err?.stack ?? ''}` };
  }
}
