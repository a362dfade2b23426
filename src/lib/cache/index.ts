/**
 * The result cache (README: "Result cache"): `cached(parts, compute)` for workload and replay
 * results. In the workbench a ResultCache keeps them in IndexedDB; the CLI does not cache
 * (`headlessCached` only checks the key and computes).
 */
export { ResultCache, DEFAULT_CAP_BYTES, type CacheProblem, type CacheStats, type ResultCacheOptions } from './result-cache';
export { cacheKey, keyText, RESULT_VERSIONS } from './cache-key';
export { canonicalJSON, CacheKeyError } from './canonical-json';
export { sizeOf, formatBytes } from './size';
export { sha256Hex, sha256HexSync } from './sha256';
export { headlessCached } from './headless';
