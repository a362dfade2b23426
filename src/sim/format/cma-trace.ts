/**
 * The text of the cma tracepoints (include/trace/events/cma.h) and test_pages_isolated
 * (include/trace/events/page_isolation.h), as the tracefs "trace" file prints the event part:
 * - 5.10 `cma_alloc: pfn=%lx page=%p count=%u align=%u`, `cma_release: pfn=%lx page=%p count=%u`;
 * - 6.1 `cma_alloc_start: name=%s count=%lu align=%u`, `cma_alloc_busy_retry` and
 *   `cma_alloc_finish: name=%s pfn=0x%lx page=%p count=%lu align=%u`,
 *   `cma_release: name=%s pfn=0x%lx page=%p count=%lu`;
 * - `test_pages_isolated: start_pfn=0x%lx end_pfn=0x%lx fin_pfn=0x%lx ret=%s`.
 * A pfn of −1 is all ones (unsigned long). %p of NULL is zeros; of a page the kernel prints a hashed
 * pointer no model can reproduce: mmbook prints the page's struct page address in the vmemmap
 * (VMEMMAP_START + pfn × sizeof(struct page)) as the stand-in.
 */
import type { TraceRecord } from '../run/trace';

export interface CmaTraceContext {
  /** area names by index */
  areas: readonly string[];
  /** sizeof(unsigned long): 8 on 64-bit, 4 on 32-bit arm */
  longBytes: 4 | 8;
  /** sizeof(struct page) */
  structPageSize: number;
  /** the events carry the area's name (6.1: rules.cma.allocEvents is 'start-finish') */
  named: boolean;
}

const VMEMMAP_START = 0xfffffc0000000000n;

function ulong(v: number, ctx: CmaTraceContext): string {
  const bits = BigInt(ctx.longBytes * 8);
  const u = v < 0 ? (1n << bits) + BigInt(v) : BigInt(v);
  return u.toString(16);
}

function page(pfn: number, ok: boolean, ctx: CmaTraceContext): string {
  const w = ctx.longBytes * 2;
  if (!ok || pfn < 0) return '0'.repeat(w);
  const a = ctx.longBytes === 8 ? VMEMMAP_START + BigInt(pfn) * BigInt(ctx.structPageSize) : BigInt(pfn * ctx.structPageSize);
  return (a & ((1n << BigInt(w * 4)) - 1n)).toString(16).padStart(w, '0');
}

/** "event: fields" for a cma or page_isolation event, or null for other events. */
export function formatCmaTrace(r: TraceRecord, ctx: CmaTraceContext): string | null {
  const a = r.args;
  const name = (k: number): string => ctx.areas[k] ?? `cma${k}`;
  switch (r.event) {
    case 'cma_alloc_start':
      return `cma_alloc_start: name=${name(a[0])} count=${a[1]} align=${a[2]}`;
    case 'cma_alloc_busy_retry':
      return `cma_alloc_busy_retry: name=${name(a[0])} pfn=0x${ulong(a[1], ctx)} page=${page(a[1], true, ctx)} count=${a[2]} align=${a[3]}`;
    case 'cma_alloc_finish':
      return `cma_alloc_finish: name=${name(a[0])} pfn=0x${ulong(a[1], ctx)} page=${page(a[1], a[4] === 0, ctx)} count=${a[2]} align=${a[3]}`;
    case 'cma_alloc':
      return `cma_alloc: pfn=${ulong(a[0], ctx)} page=${page(a[0], a[3] === 0, ctx)} count=${a[1]} align=${a[2]}`;
    case 'cma_release':
      return !ctx.named
        ? `cma_release: pfn=${ulong(a[1], ctx)} page=${page(a[1], true, ctx)} count=${a[2]}`
        : `cma_release: name=${name(a[0])} pfn=0x${ulong(a[1], ctx)} page=${page(a[1], true, ctx)} count=${a[2]}`;
    case 'test_pages_isolated':
      return `test_pages_isolated: start_pfn=0x${ulong(a[0], ctx)} end_pfn=0x${ulong(a[1], ctx)} fin_pfn=0x${ulong(a[2], ctx)} ret=${a[2] >= a[1] ? 'success' : 'fail'}`;
    default:
      return null;
  }
}
