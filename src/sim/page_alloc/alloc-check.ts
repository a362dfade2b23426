/**
 * "Can an order-N allocation with these GFP flags succeed in this zone now?": the watermark checks
 * get_page_from_freelist (mm/page_alloc.c) makes for one attempt, zone by zone of the request's
 * zonelist, on a MachineView (explain-view.ts builds the input). Every zone is explained with the
 * kernel's arithmetic (explain.ts: __zone_watermark_unusable_free, the reserve flags' reductions,
 * `free <= mark + lowmem_reserve`, the block test, zone_watermark_fast), those that pass as well
 * as those that refuse; the verdict names the zone the block would come from, or what the
 * allocator does next when none passes. The other attempt (fast ↔ slow) is checked too, so the
 * verdict can say whether waking kswapd and dropping to the min watermark changes the answer.
 */
import { explainFailure, renderExplanation, zonesPass, type ExplainInput, type FailureExplanation } from './explain';
import { viewExplainInput, type CheckRequest, type ViewInputOptions } from './explain-view';
import { __GFP_DIRECT_RECLAIM, __GFP_MEMALLOC, __GFP_NOMEMALLOC, __GFP_NOWARN } from './gfp';
import type { MachineView } from '../view';

export interface AllocationCheck {
  attempt: 'fast' | 'slow';
  /** the preferred node */
  nid: number;
  /** some zone of the zonelist passes this attempt's check */
  ok: boolean;
  /** the zone get_page_from_freelist takes the block from: the first of the zonelist that passes */
  zone: string | null;
  /** the other attempt (fast ↔ slow) on the same numbers */
  other: { attempt: 'fast' | 'slow'; ok: boolean; zone: string | null };
  /** per zone the arithmetic (explanation.zones), fallback, reclaim, compaction, tuning (only when no zone passes), notes, verdict, text */
  explanation: FailureExplanation;
}

function firstPassing(input: ExplainInput, pass: readonly boolean[]): string | null {
  const k = pass.indexOf(true);
  if (k < 0) return null;
  const z = input.zones[k]!;
  return input.numa ? `Node ${z.nid} ${z.name}` : z.name;
}

/** Check one attempt of `req` on `view`. */
export function checkAllocation(view: MachineView, req: CheckRequest, opts: ViewInputOptions = {}): AllocationCheck {
  const attempt = req.attempt ?? 'fast';
  const otherAttempt = attempt === 'fast' ? 'slow' : 'fast';
  const probe = viewExplainInput(view, req, { ...opts, tunables: null });
  const pass = zonesPass(probe);
  const ok = pass.some(Boolean);
  // the tuning search only when nothing passes (it looks for the value that lets the check pass)
  const input: ExplainInput = ok ? probe : { ...probe, tunables: opts.tunables ?? null };
  const otherInput = viewExplainInput(view, { ...req, attempt: otherAttempt }, { ...opts, tunables: null });
  const otherPass = zonesPass(otherInput);
  const other = { attempt: otherAttempt, ok: otherPass.some(Boolean), zone: firstPassing(otherInput, otherPass) } as const;
  const e = explainFailure(input);
  const zone = firstPassing(input, pass);
  e.verdict = checkVerdict(input, e, attempt, zone, other);
  e.text = renderExplanation(e);
  return { attempt, nid: req.nid ?? input.zones[0]?.nid ?? view.nodes[0]?.nid ?? 0, ok, zone, other, explanation: e };
}

function checkVerdict(input: ExplainInput, e: FailureExplanation, attempt: 'fast' | 'slow', zone: string | null, other: AllocationCheck['other']): string {
  const req = `order-${input.order} ${e.migratetype} request (${input.gfpText}, zones up to ${e.highest_zone})`;
  const at = attempt === 'fast' ? 'the fast path\'s first attempt (low watermark)' : 'the slow path\'s attempt at the min watermark';
  if (!e.zones.length) return `The ${req} has no zone to allocate from on this node.`;
  if (zone) {
    const z = e.zones.find((x) => x.zone === zone)!;
    const refused = e.zones.slice(0, e.zones.indexOf(z));
    const before = refused.length ? ` after ${refused.map((r) => `${r.zone} refused (${r.failed_test === 'watermark' ? `${r.counted_free} ≤ ${r.mark} + ${r.reserve}` : 'no free block of the order'})`).join(', ')}` : '';
    return `It succeeds: on ${at}, get_page_from_freelist takes the ${req} from ${zone}${before}: counted free ${z.counted_free} > ${z.mark} (${z.mark_name}${z.mark !== z.mark_base ? ' after the reserve flags' : ''}) + ${z.reserve} (lowmem_reserve)${input.order ? `, and ${z.free_at_order_exact ? '' : 'up to '}${z.free_at_order} free blocks of order ≥ ${input.order} are on lists it may use` : ''}.${attempt === 'fast' ? ' No reclaim; kswapd is not woken by this allocation.' : ''}`;
  }
  const why = e.zones.map((z) => `${z.zone} ${z.failed_test === 'watermark' ? `${z.counted_free} ≤ ${z.mark} + ${z.reserve}` : `no free block of order ≥ ${input.order} on a usable list`}`).join('; ');
  if (attempt === 'fast') {
    return other.ok
      ? `The ${req} is refused on the first attempt (${why}): __alloc_pages_slowpath wakes kswapd and retries at the min watermark, where ${other.zone} passes, so it succeeds without reclaim, a little below low.`
      : `The ${req} is refused on the first attempt (${why}), and on the slow path's at min: ${slowPathNext(input)}`;
  }
  return `No zone passes the ${req} at the min watermark (${why}). ${slowPathNext(input)}`;
}

/** What __alloc_pages_slowpath does after its min attempt fails, from the mask. */
function slowPathNext(input: ExplainInput): string {
  const gfp = input.gfp;
  const warn = gfp & __GFP_NOWARN ? 'quietly (__GFP_NOWARN)' : 'and warn_alloc prints a "page allocation failure" report';
  if (gfp & __GFP_MEMALLOC && !(gfp & __GFP_NOMEMALLOC)) return 'with __GFP_MEMALLOC the next attempt ignores the watermarks (ALLOC_NO_WATERMARKS) and takes the reserves.';
  if (!(gfp & __GFP_DIRECT_RECLAIM)) return `the request cannot sleep (no __GFP_DIRECT_RECLAIM), so it fails here ${warn}.`;
  return `it may sleep, so it enters direct reclaim${input.order ? ' and compaction' : ''} (see reclaim${input.order ? ' and compaction' : ''} below), retries while should_reclaim_retry allows, then the OOM killer or failure, by its flags.`;
}
