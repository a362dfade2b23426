/**
 * The kernel's integer helpers used by the tunables, with its exact truncating arithmetic.
 * Values are JS numbers holding non-negative integers; products that can pass 2^53 go
 * through BigInt.
 */

/** int_sqrt (lib/math/int_sqrt.c): floor(sqrt(x)) for x >= 0. */
export function intSqrt(x: number): number {
  if (x < 2) return Math.max(0, Math.floor(x));
  const bx = BigInt(Math.floor(x));
  let r = BigInt(Math.floor(Math.sqrt(x)));
  while (r * r > bx) r -= 1n;
  while ((r + 1n) * (r + 1n) <= bx) r += 1n;
  return Number(r);
}

/** mult_frac(x, numer, denom) (include/linux/math.h): (x/d)*n + ((x%d)*n)/d, truncating. */
export function multFrac(x: number, numer: number, denom: number): number {
  const q = Math.floor(x / denom);
  const r = x % denom;
  return q * numer + Math.floor((r * numer) / denom);
}

/** (u64)a * b / c with do_div truncation (exact for any sizes). */
export function mulDivU64(a: number, b: number, c: number): number {
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/**
 * fls / fls64 (include/asm-generic/bitops/fls.h, fls64.h): 1-based index of the highest set bit,
 * 0 for 0. Exact for every safe integer (Math.log2 rounds up just below powers of two above 2^49).
 */
export function fls(x: number): number {
  let n = 0;
  let v = Math.floor(x);
  while (v > 0) {
    n++;
    v = Math.floor(v / 2);
  }
  return n;
}

/** rounddown_pow_of_two (include/linux/log2.h), for x >= 1. */
export function rounddownPowOfTwo(x: number): number {
  return 2 ** (fls(x) - 1);
}

/** clamp(v, lo, hi) (include/linux/minmax.h) */
export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
