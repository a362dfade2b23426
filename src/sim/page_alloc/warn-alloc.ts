/**
 * warn_alloc (mm/page_alloc.c, the same in 5.10 and 6.1): the report of a failed allocation.
 *
 *   if (__GFP_NOWARN || !__ratelimit(&nopage_rs) || (__GFP_DMA && !has_managed_dma())) return;
 *   pr_warn("%s: page allocation failure: order:%u, mode:%#x(%pGg), nodemask=%*pbl", comm, …);
 *   cpuset_print_current_mems_allowed();   // ",cpuset=/,mems_allowed=0"
 *   pr_cont("\n"); dump_stack(); warn_alloc_show_mem(gfp, nodemask);
 *
 * The order of the three tests matters: a __GFP_NOWARN failure does not use up the rate limit, a
 * silent DMA failure does. The DMA rule is 6.1's (rules.warnAllocDmaSilent; 5.10.89 lacks it).
 *
 * Every failure is recorded (rs.failures) with its explanation, whether or not a report is printed;
 * a printed report goes into rs.log line by line and into the record. The model's choices:
 * - rate limit: nopage_rs allows one report per 10 s; the model has no clock and counts calls
 *   (ratelimit.ts): one report per 10 reportable failures, each later one preceded by
 *   "warn_alloc: N callbacks suppressed". rs.warnRatelimit.interval = 0 prints every report.
 * - the stack dump is one line saying the model has no call trace.
 * - the cpuset fields are printed (CONFIG_CPUSETS in every Debian config): the root cpuset, and
 *   every node with memory allowed; the nodemask is NULL (the model has no mempolicies).
 * - the task is the allocation's owner (RunningMachine.task); the kernel's own allocations
 *   (task 0) print as "kernel", PID 0.
 */
import type { AllocContext } from './alloc-pages';
import { formatAllocFlags } from './alloc-flags';
import { runExplainInput } from './explain-run';
import { explainFailure, type FailureExplanation } from './explain';
import { __GFP_DMA, __GFP_NOWARN, formatGfp, formatGfpMode } from './gfp';
import { ratelimit } from './ratelimit';
import { nodeListText, showMemLines } from './show-mem';
import type { RunState } from '../run/run-state';

export interface AllocFailure {
  order: number;
  gfp: number;
  /** %pGg of gfp */
  gfpText: string;
  /** the alloc_flags of the slow path's last attempt */
  allocFlags: number;
  allocFlagsText: string;
  /** the preferred node */
  nid: number;
  cpu: number;
  /** the requesting task (0 = the kernel), its pid and comm */
  task: number;
  pid: number;
  comm: string;
  /** the report as printed (lines joined with "\n"), or null when none was printed */
  report: string | null;
  /** why no report was printed: __GFP_NOWARN, the rate limit, or 6.1's rule for __GFP_DMA without a managed DMA zone */
  suppressed: 'nowarn' | 'ratelimit' | 'dma' | null;
  /** what the OOM killer said when it was asked and could not help ("Out of memory and no killable processes...", or why it did not kill), else null */
  oom: string | null;
  /**
   * why it failed: per zone of the zonelist, the check, its numbers, and what could have helped;
   * taken from the zone state at the failure and worked out when first read
   */
  readonly explanation: FailureExplanation;
}

/** A failure's fields without its explanation (which is worked out only when read): plain data. */
export function failureFields(f: AllocFailure): Omit<AllocFailure, 'explanation'> {
  const { order, gfp, gfpText, allocFlags, allocFlagsText, nid, cpu, task, pid, comm, report, suppressed, oom } = f;
  return { order, gfp, gfpText, allocFlags, allocFlagsText, nid, cpu, task, pid, comm, report, suppressed, oom };
}

/** has_managed_dma (6.1 mm/page_alloc.c): some node's ZONE_DMA has managed pages. */
function hasManagedDma(rs: RunState): boolean {
  const dma = rs.names.indexOf('DMA');
  if (dma < 0) return false;
  for (let zi = 0; zi < rs.zones; zi++) if (rs.zoneIdx[zi] === dma && rs.buddy.z.managed[zi] > 0) return true;
  return false;
}

/** The warn_alloc header line and the model's stand-in for dump_stack. */
export function warnAllocHeader(rs: RunState, gfp: number, order: number, comm: string): string {
  return `${comm}: page allocation failure: order:${order}, ${formatGfpMode(gfp, rs.profile.kernel)}, nodemask=(null),cpuset=/,mems_allowed=${nodeListText(rs.nodeIds)}`;
}

/** dump_stack()'s first line with the model's note instead of a call trace. */
export function stackPlaceholder(cpu: number, pid: number, comm: string): string {
  return `CPU: ${cpu} PID: ${pid} Comm: ${comm} (mmbook model: no call trace)`;
}

/** warn_alloc: record the failure with its explanation, and print the report unless suppressed. */
export function warnAlloc(rs: RunState, ac: AllocContext, allocFlags: number): void {
  const gfp = ac.gfp;
  const t = rs.tasks.list[ac.owner] ?? rs.tasks.list[0]!;
  const pid = ac.owner ? t.pid : 0;
  // the zone state now; the explanation is worked out from it on first use (a failure loop that nobody reads stays cheap)
  const input = runExplainInput(rs, ac, allocFlags);
  let suppressed: AllocFailure['suppressed'] = null;
  let report: string | null = null;
  if (gfp & __GFP_NOWARN) suppressed = 'nowarn';
  else if (!ratelimit(rs.warnRatelimit, 'warn_alloc', rs.log)) suppressed = 'ratelimit';
  else if (gfp & __GFP_DMA && rs.rules.warnAllocDmaSilent && !hasManagedDma(rs)) suppressed = 'dma';
  else {
    const lines = [warnAllocHeader(rs, gfp, ac.order, t.comm), stackPlaceholder(ac.cpu, pid, t.comm), ...showMemLines(rs, ac.highestZoneidx, ac.cpu)];
    for (const l of lines) rs.log.push(l);
    report = lines.join('\n') + '\n';
  }
  // the OOM killer's verdict when it was asked for this request and found nobody to kill
  const last = rs.ooms[rs.ooms.length - 1];
  let oom: string | null = null;
  if (last && (last.result === 'no-victim' || last.result === 'no-fs') && last.failure === null) {
    oom = last.message;
    last.failure = rs.failures.length;
  }
  const rec = {
    order: ac.order,
    gfp,
    gfpText: formatGfp(gfp, rs.profile.kernel),
    allocFlags,
    allocFlagsText: formatAllocFlags(allocFlags, rs.rules.allocFlags),
    nid: ac.zonelist.length ? rs.zoneNid[ac.zonelist[Math.max(0, ac.preferred)]!] : rs.nodeIds[0]!,
    cpu: ac.cpu,
    task: ac.owner,
    pid,
    comm: t.comm,
    report,
    suppressed,
    oom,
  } as Omit<AllocFailure, 'explanation'> as AllocFailure;
  let explanation: FailureExplanation | null = null;
  Object.defineProperty(rec, 'explanation', {
    enumerable: true, // JSON.stringify and structured clone read it like a field
    get: () => (explanation ??= explainFailure(input)),
  });
  rs.failures.push(rec);
}
