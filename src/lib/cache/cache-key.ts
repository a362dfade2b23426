/**
 * The key of a cached result: SHA-256 of the canonical JSON of the caller's key parts (machine,
 * tunables, workload spec, seed, …) together with the simulator's versions (the package version
 * and SIM_VERSION), so a release that changes results never reads an older one back.
 */
import { version as PACKAGE_VERSION } from '../../../package.json';
import { SIM_VERSION } from '../../sim/index';
import { canonicalJSON } from './canonical-json';
import { sha256Hex } from './sha256';

export const RESULT_VERSIONS = { package: PACKAGE_VERSION, sim: SIM_VERSION } as const;

/** The text that is hashed: the parts and the versions, canonical. Throws CACHE_KEY for parts that are not plain data. */
export function keyText(parts: unknown): string {
  return `{"parts":${canonicalJSON(parts, 'cached() key')},"versions":${canonicalJSON(RESULT_VERSIONS)}}`;
}

export async function cacheKey(parts: unknown): Promise<string> {
  return sha256Hex(keyText(parts));
}
