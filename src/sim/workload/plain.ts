/**
 * `plain` copies what the run-time modules return (cma_alloc outcomes, compaction summaries,
 * failure explanations) into structured-cloneable data for the workload result.
 */
/** A structured-cloneable copy: numbers, strings, booleans, null, arrays, typed arrays and plain objects (functions dropped). */
export function plain(v: unknown, depth = 0): unknown {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (typeof v === 'bigint') return Number(v);
  if (depth > 8) return String(v);
  if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice();
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1) ?? null);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x, depth + 1)]));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as object)) {
      const c = plain(x, depth + 1);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return String(v);
}
