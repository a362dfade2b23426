/**
 * Deterministic `random` builtin: a mulberry32 stream seeded by (notebook seed, cell id), restarted
 * on every run of the cell, so re-running a notebook gives the same values.
 */

/** FNV-1a 32-bit hash of a string. */
export function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface SeededRandom {
  (): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** the 32-bit seed of this stream */
  readonly seed: number;
}

export function seededRandom(seed: string, cellId: number): SeededRandom {
  const s0 = hashSeed(`${seed}\u0000${cellId}`);
  let a = s0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(next, { int: (n: number) => Math.floor(next() * n), seed: s0 });
}
