/**
 * The largest machine mmbook simulates, one set of numbers for the workbench and the CLI: the RAM
 * limit is the simulator's (src/sim/limits.ts MAX_RAM_BYTES, which the boot itself enforces for
 * the CLI too); the custom-topology inputs of the notebooks take their ranges from here (through
 * `mm.limits`), and `mm.boot` refuses a topology outside them. The kernel's own limits
 * (MAX_NUMNODES, CONFIG_NR_CPUS of a profile) still apply inside these.
 */
import { MAX_RAM_BYTES } from '../sim/index';

export interface Range { readonly min: number; readonly max: number }

export const LIMITS = {
  /** RAM of a declarative machine, MiB */
  ramMiB: { min: 64, max: MAX_RAM_BYTES / 2 ** 20 },
  /** NUMA nodes of a declarative machine (arm64 MAX_NUMNODES, CONFIG_NODES_SHIFT=4) */
  nodes: { min: 1, max: 16 },
  /** CPUs of a declarative machine */
  cpus: { min: 1, max: 256 },
} as const satisfies Record<string, Range>;

export type LimitName = keyof typeof LIMITS;

const UNIT: Record<LimitName, (v: number) => string> = {
  ramMiB: (v) => (v >= 1024 && v % 1024 === 0 ? `${v / 1024} GiB` : `${v} MiB`),
  nodes: (v) => `${v} node${v === 1 ? '' : 's'}`,
  cpus: (v) => `${v} CPU${v === 1 ? '' : 's'}`,
};

/** Why `value` is outside the limit `name` (a sentence naming both), or null when it is inside. */
export function limitProblem(name: LimitName, value: unknown): string | null {
  const r = LIMITS[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a number from ${r.min} to ${r.max}, got ${JSON.stringify(value)}`;
  if (name !== 'ramMiB' && !Number.isInteger(value)) return `${name} must be a whole number from ${r.min} to ${r.max}, got ${value}`;
  if (value < r.min) return `${name} ${value} is below the smallest machine mmbook simulates (${UNIT[name](r.min)})`;
  if (value > r.max) return `${name} ${value} is above the largest machine mmbook simulates (${UNIT[name](r.max)})`;
  return null;
}
