/**
 * Run-time features that other modules add to RunningMachine (run-time CMA, the hugetlb pool,
 * failure explanations), found by looking for them: the workload routes its events to them when
 * they are there and says what is missing when they are not. `plain` copies what they return
 * into structured-cloneable data.
 */
import type { RunningMachine } from '../run/running-machine';

export interface CmaAreaApi {
  name?: string;
  basePfn?: number;
  count?: number;
  alloc(count: number, align: number): unknown;
  release(pfn: number, count: number): unknown;
  occupancy?(): unknown;
}

/** run.cma: a list of areas (or { areas }) with alloc and release; null when this build has none. */
export function cmaAreasOf(run: RunningMachine): CmaAreaApi[] | null {
  const c = (run as unknown as { cma?: unknown }).cma;
  const list = Array.isArray(c) ? c : c && typeof c === 'object' && Array.isArray((c as { areas?: unknown }).areas) ? (c as { areas: unknown[] }).areas : null;
  if (!list) return null;
  const ok = list.every((a) => !!a && typeof (a as CmaAreaApi).alloc === 'function' && typeof (a as CmaAreaApi).release === 'function');
  return ok ? (list as CmaAreaApi[]) : null;
}

/** run.hugetlb.setNrHugepages(sizeKb, n) → pages obtained; null when this build has none. */
export function hugetlbOf(run: RunningMachine): { setNrHugepages(sizeKb: number, n: number): unknown } | null {
  const h = (run as unknown as { hugetlb?: { setNrHugepages?: unknown } }).hugetlb;
  return h && typeof h.setNrHugepages === 'function' ? (h as { setNrHugepages(sizeKb: number, n: number): unknown }) : null;
}

/** run.explain(i): the explanation of failure i, when this build explains failures. */
export function explainOf(run: RunningMachine): ((i: number) => unknown) | null {
  const e = (run as unknown as { explain?: unknown }).explain;
  return typeof e === 'function' ? (i: number) => (e as (i: number) => unknown).call(run, i) : null;
}

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
