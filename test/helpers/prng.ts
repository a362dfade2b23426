/** The small seeded PRNG every property and fuzz test uses, so failures reproduce: the simulator's mulberry32 (src/sim/workload/prng.ts). */
import { Prng } from '../../src/sim/workload/prng';

export function rng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.next();
}
