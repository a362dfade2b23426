/**
 * The workload engine's randomness: one seeded generator per stream (mulberry32), so that the same
 * seed gives the same run in Node and in the browser worker, and adding a stream or an event does
 * not change what the other streams draw. Poisson arrivals and geometric (discrete exponential)
 * lifetimes are drawn from it.
 */

/** mulberry32: a small, fast 32-bit generator; next() is uniform on [0, 1). */
export class Prng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** A 32-bit seed for generator `k` of a workload seeded with `seed` (splitmix32-style mixing). */
export function streamSeed(seed: number, k: number): number {
  // the seed may be any safe integer: fold its high part in
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let x = (seed >>> 0) ^ Math.imul(hi, 0x85ebca6b) ^ Math.imul(k + 1, 0x9e3779b9);
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const LOG_FACT = new Float64Array(256);
for (let k = 1; k < 256; k++) LOG_FACT[k] = LOG_FACT[k - 1]! + Math.log(k);

/** log(k!) (a table below 256, Stirling's series above). */
function logFactorial(k: number): number {
  if (k < 256) return LOG_FACT[k]!;
  const n = k + 1;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * n) - 1 / (360 * n * n * n);
}

/**
 * A Poisson-distributed count with mean `lambda`: Knuth's product method below 30, Hörmann's
 * transformed rejection (PTRS) above.
 */
export function poisson(r: Prng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = r.next();
    while (p > limit) {
      k++;
      p *= r.next();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = r.next() - 0.5;
    const v = r.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
  }
}

/**
 * A lifetime in whole steps with mean `mean`: geometric on 1, 2, 3, … (the discrete exponential:
 * each step a page survives with probability 1 − 1/mean). A mean of 1 or less gives 1.
 */
export function geometric(r: Prng, mean: number): number {
  if (mean <= 1) return 1;
  const u = 1 - r.next(); // (0, 1]
  return 1 + Math.floor(Math.log(u) / Math.log1p(-1 / mean));
}
