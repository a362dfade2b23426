/**
 * The OOM killer (mm/oom_kill.c out_of_memory, the same in 5.10 and 6.1 for what the model has):
 *
 * 1. no OOM notifiers, the killer is never disabled;
 * 2. task_will_free_mem(current): an allocating task that is already a victim is only marked again
 *    (true, no messages);
 * 3. a request without __GFP_FS returns true without killing (the allocator retries);
 * 4. constrained_alloc: no cpusets, mempolicies or memcgs in the model, so CONSTRAINT_NONE (also
 *    for __GFP_THISNODE, as the kernel decides) and the nodemask prints "(null)";
 *    totalpages = totalram_pages + total_swap_pages (the model has no swap space: 0);
 * 5. vm.panic_on_oom and vm.oom_kill_allocating_task are 0 (their defaults);
 * 6. select_bad_process: every task in creation order (oom_evaluate_task); task 0, the kernel,
 *    is unkillable like kernel threads (and prints oom_score_adj 0, as a kthread does, when it is
 *    the allocating task); a killed task has exited; oom_badness below; a task is
 *    chosen unless its points are below the best so far, so a later task with equal points wins;
 * 7. no victim: dump_header(oc, NULL) and "Out of memory and no killable processes..." — the kernel
 *    panics; the model does not: out_of_memory returns false and the allocation fails with that
 *    reason (AllocFailure.oom);
 * 8. oom_kill_process: dump_header, then __oom_kill_process: oom_kill += 1, mark_oom_victim
 *    (tracepoint mark_victim), "Out of memory: Killed process …".
 *
 * The model's task accounting (run/tasks.ts; rs.owner[] names each allocated block's task):
 * - rss = the task's anon + file (clean and dirty) + shmem pages (MM_ANONPAGES, MM_FILEPAGES,
 *   MM_SHMEMPAGES); kernel, slab and reclaimable-slab pages charged to a task stand for its page
 *   tables (pgtables_bytes = pages × 4096); hugetlb pages are not rss (as in the kernel), but count
 *   in total_vm; the model has no swap entries.
 * - oom_badness = rss + swapents + pgtables_bytes / PAGE_SIZE, plus oom_score_adj × (totalpages /
 *   1000) (integer division first); −1000 is never chosen.
 * - the kill frees what the victim's exit frees at once (exit_mmap; the OOM reaper's own message
 *   is not printed): its anon pages and the kernel memory charged to it. Its page-cache and shmem
 *   pages stay allocated (they belong to files) and are no longer charged to it; hugetlb pages go
 *   back to the pool, which in the model means they stay allocated, uncharged.
 * - dump_header's messages are not rate limited in the model (the kernel allows 10 per 5 s).
 * - Unreclaimable slab: the header lines are printed when unreclaimable slab exceeds the LRU pages,
 *   as the kernel decides; the model has no slab caches to list under them.
 */
import type { AllocContext } from '../page_alloc/alloc-pages';
import { PS_ALLOC, PS_ORDER_MASK } from '../buddy/page-state';
import { freePages } from '../page_alloc/free';
import { __GFP_FS } from '../page_alloc/gfp';
import { formatGfp } from '../page_alloc/gfp';
import { nodeListText, showMemLines } from '../page_alloc/show-mem';
import { stackPlaceholder } from '../page_alloc/warn-alloc';
import { KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_HUGETLB, KIND_KERNEL, KIND_SHMEM, KIND_SLAB, KIND_SLAB_RECLAIMABLE, PF_KIND_MASK } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, LRU_UNEVICTABLE, NR_LRU_LISTS } from '../vmscan/lru';

/** OOM_SCORE_ADJ_MIN */
export const OOM_SCORE_ADJ_MIN = -1000;
/** LONG_MIN of oom_badness: the task is not a candidate */
const UNKILLABLE = Number.NEGATIVE_INFINITY;

/** One task's memory as the OOM killer reads it (pages). */
export interface TaskMemory {
  task: number;
  pid: number;
  comm: string;
  oomScoreAdj: number;
  /** killed by the OOM killer: it has exited */
  killed: boolean;
  anon: number;
  file: number;
  shmem: number;
  /** kernel memory charged to the task, reported as its page tables */
  pgtables: number;
  hugetlb: number;
  /** get_mm_rss: anon + file + shmem */
  rss: number;
  /** mm->total_vm: rss + hugetlb */
  totalVm: number;
  /** oom_badness, or null when the task is not a candidate (−1000, the kernel, killed) */
  points: number | null;
}

export interface OomRecord {
  /** the request that invoked the OOM killer */
  order: number;
  gfp: number;
  task: number;
  comm: string;
  constraint: 'CONSTRAINT_NONE';
  /** totalram_pages + total_swap_pages */
  totalpages: number;
  /**
   * killed: a victim was killed; no-victim: nobody to kill (the kernel panics); current-exiting: the
   * allocating task is already a victim; no-fs: a request without __GFP_FS (no kill, reported as
   * progress; recorded once per run of retries)
   */
  result: 'killed' | 'no-victim' | 'current-exiting' | 'no-fs';
  victim: TaskMemory | null;
  /** pages the kill freed (anon and kernel memory) and pages that stayed allocated but uncharged (page cache, shmem, hugetlb) */
  freed: number;
  uncharged: number;
  /** the kill line, or the kernel's panic text */
  message: string;
  /** every task's memory and points, in task-list order */
  tasks: TaskMemory[];
  /** lines [logStart, logEnd) of rs.log */
  logStart: number;
  logEnd: number;
  /** the index of the AllocFailure this led to (no-victim), once the allocation failed */
  failure: number | null;
}

/** One pass over the allocated blocks: each task's pages by kind. */
export function taskMemory(rs: RunState): TaskMemory[] {
  const list = rs.tasks.list;
  const n = list.length;
  const anon = new Float64Array(n);
  const file = new Float64Array(n);
  const shmem = new Float64Array(n);
  const pgt = new Float64Array(n);
  const huge = new Float64Array(n);
  const tag = rs.buddy.tag;
  const owner = rs.owner;
  const flags = rs.pflags;
  const end = tag.length;
  for (let i = 0; i < end; i++) {
    const t = tag[i];
    if (!(t & PS_ALLOC)) continue;
    const o = owner[i];
    const pages = 1 << (t & PS_ORDER_MASK);
    if (o) {
      switch (flags[i] & PF_KIND_MASK) {
        case KIND_ANON: anon[o] += pages; break;
        case KIND_FILE: case KIND_FILE_DIRTY: file[o] += pages; break;
        case KIND_SHMEM: shmem[o] += pages; break;
        case KIND_HUGETLB: huge[o] += pages; break;
        default: pgt[o] += pages; // KIND_KERNEL, KIND_SLAB, KIND_SLAB_RECLAIMABLE
      }
    }
    i += pages - 1;
  }
  const totalpages = totalPages(rs);
  return list.map((t, id) => {
    const rss = anon[id] + file[id] + shmem[id];
    const unkillable = id === 0 || t.killed || t.oomScoreAdj === OOM_SCORE_ADJ_MIN;
    return {
      task: id,
      pid: id ? t.pid : 0,
      comm: t.comm,
      oomScoreAdj: id ? t.oomScoreAdj : 0,
      killed: t.killed,
      anon: anon[id],
      file: file[id],
      shmem: shmem[id],
      pgtables: pgt[id],
      hugetlb: huge[id],
      rss,
      totalVm: rss + huge[id],
      points: unkillable ? null : oomBadness(rss, 0, pgt[id] * 4096, t.oomScoreAdj, totalpages),
    };
  });
}

/** oom_badness: rss + swap entries + page-table bytes / PAGE_SIZE + oom_score_adj × (totalpages / 1000). */
export function oomBadness(rss: number, swapents: number, pgtablesBytes: number, oomScoreAdj: number, totalpages: number): number {
  if (oomScoreAdj === OOM_SCORE_ADJ_MIN) return UNKILLABLE;
  const points = rss + swapents + Math.floor(pgtablesBytes / 4096);
  return points + oomScoreAdj * Math.floor(totalpages / 1000);
}

/** totalram_pages + total_swap_pages (no swap space in the model). */
function totalPages(rs: RunState): number {
  let t = 0;
  for (let zi = 0; zi < rs.zones; zi++) t += rs.buddy.z.managed[zi];
  return t;
}

/** select_bad_process / oom_evaluate_task: the highest points, a later task winning a tie. */
export function selectBadProcess(tasks: readonly TaskMemory[]): TaskMemory | null {
  let chosen: TaskMemory | null = null;
  let chosenPoints = Number.NEGATIVE_INFINITY;
  for (const t of tasks) {
    if (t.points === null || t.points === UNKILLABLE) continue;
    if (t.points < chosenPoints) continue;
    chosen = t;
    chosenPoints = t.points;
  }
  return chosen;
}

const KB = (pages: number): number => pages * 4;

/** dump_tasks: the task table (pr_info), eligible tasks with an mm, in task-list order. */
function dumpTasks(tasks: readonly TaskMemory[]): string[] {
  const pad = (v: number | string, w: number) => String(v).padStart(w);
  const out = ['Tasks state (memory values in pages):', '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name'];
  for (const t of tasks) {
    if (t.task === 0 || t.killed) continue; // oom_unkillable_task (the kernel), or exited
    out.push(`[${pad(t.pid, 7)}] ${pad(0, 5)} ${pad(t.pid, 5)} ${pad(t.totalVm, 8)} ${pad(t.rss, 8)} ${pad(t.pgtables * 4096, 8)} ${pad(0, 8)}         ${pad(t.oomScoreAdj, 5)} ${t.comm}`);
  }
  return out;
}

/** dump_header: the invocation line, the stack, show_mem, [unreclaimable slab], the task table, [the one-line summary]. */
function dumpHeader(rs: RunState, ac: AllocContext, current: TaskMemory, tasks: readonly TaskMemory[], victim: TaskMemory | null): string[] {
  const gfp = ac.gfp >>> 0;
  const out = [`${current.comm} invoked oom-killer: gfp_mask=0x${gfp.toString(16)}(${formatGfp(gfp, rs.profile.kernel)}), order=${ac.order}, oom_score_adj=${current.oomScoreAdj}`];
  out.push(stackPlaceholder(ac.cpu, current.pid, current.comm));
  // 5.10 show_mem(SHOW_MEM_FILTER_NODES, nodemask); 6.1 __show_mem(…, gfp_zone(gfp_mask))
  out.push(...showMemLines(rs, ac.highestZoneidx, ac.cpu));
  // should_dump_unreclaim_slab: unreclaimable slab larger than all LRU pages
  let lru = 0;
  let slab = 0;
  for (let ni = 0; ni < rs.nodeIds.length; ni++) {
    for (const l of [LRU_ACTIVE_ANON, LRU_INACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_FILE, LRU_UNEVICTABLE]) lru += rs.lru.nodePages[ni * NR_LRU_LISTS + l];
    lru += rs.nodes[ni]!.isolatedAnon + rs.nodes[ni]!.isolatedFile;
    slab += rs.nodes[ni]!.kindPages[KIND_SLAB];
  }
  if (slab > lru) out.push('Unreclaimable slab info:', 'Name                      Used          Total');
  out.push(...dumpTasks(tasks)); // vm.oom_dump_tasks = 1
  if (victim) {
    // dump_oom_summary: constraint, nodemask, cpuset, memcg context, victim
    out.push(`oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=${nodeListText(rs.nodeIds)},global_oom,task_memcg=/,task=${victim.comm},pid=${victim.pid},uid=0`);
  }
  return out;
}

/** __oom_kill_process's kill line (pr_err). */
function killLine(v: TaskMemory): string {
  return `Out of memory: Killed process ${v.pid} (${v.comm}) total-vm:${KB(v.totalVm)}kB, anon-rss:${KB(v.anon)}kB, file-rss:${KB(v.file)}kB, shmem-rss:${KB(v.shmem)}kB, UID:0 pgtables:${(v.pgtables * 4096) >> 10}kB oom_score_adj:${v.oomScoreAdj}`;
}

/** The victim's exit: free its anon pages and the kernel memory charged to it; uncharge page cache, shmem and hugetlb. */
function reapVictim(rs: RunState, id: number, cpu: number): { freed: number; uncharged: number } {
  const tag = rs.buddy.tag;
  const toFree: number[] = [];
  let uncharged = 0;
  for (let i = 0; i < tag.length; i++) {
    const t = tag[i];
    if (!(t & PS_ALLOC)) continue;
    const pages = 1 << (t & PS_ORDER_MASK);
    if (rs.owner[i] === id) {
      const kind = rs.pflags[i] & PF_KIND_MASK;
      if (kind === KIND_ANON || kind === KIND_KERNEL || kind === KIND_SLAB || kind === KIND_SLAB_RECLAIMABLE) toFree.push(i);
      else {
        rs.owner[i] = 0;
        rs.tasks.pages[id] -= pages;
        uncharged += pages;
      }
    }
    i += pages - 1;
  }
  let freed = 0;
  for (const i of toFree) freed += 1 << freePages(rs, i + rs.buddy.basePfn, cpu); // RunState.onRelease tells the pfns' holders
  return { freed, uncharged };
}

/** out_of_memory: true when it made progress (a victim was killed, or will exit). */
export function outOfMemory(rs: RunState, ac: AllocContext): boolean {
  const cur = ac.owner;
  const logStart = rs.log.length;
  const tasksNow = (): TaskMemory[] => taskMemory(rs);
  // task_will_free_mem(current): the allocating task is already a victim
  if (cur && rs.tasks.list[cur]?.killed) {
    const tasks = tasksNow();
    // mark_oom_victim returns at once for a task already marked (TIF_MEMDIE): no tracepoint, no message
    rs.ooms.push({ order: ac.order, gfp: ac.gfp, task: cur, comm: tasks[cur]!.comm, constraint: 'CONSTRAINT_NONE', totalpages: totalPages(rs), result: 'current-exiting', victim: tasks[cur]!, freed: 0, uncharged: 0, message: '', tasks, logStart, logEnd: logStart, failure: null });
    return true;
  }
  // the OOM killer cannot help a request that may not enter the filesystem: progress without a kill
  if (!(ac.gfp & __GFP_FS)) {
    const last = rs.ooms[rs.ooms.length - 1];
    if (!(last && last.result === 'no-fs' && last.failure === null && last.task === cur && last.gfp === ac.gfp && last.order === ac.order)) {
      rs.ooms.push({ order: ac.order, gfp: ac.gfp, task: cur, comm: rs.tasks.list[cur]?.comm ?? 'kernel', constraint: 'CONSTRAINT_NONE', totalpages: totalPages(rs), result: 'no-fs', victim: null, freed: 0, uncharged: 0, message: 'the OOM killer does not kill for a request without __GFP_FS (out_of_memory returns true); the kernel keeps retrying until memory is freed elsewhere, the model gives up', tasks: [], logStart, logEnd: logStart, failure: null });
    }
    return true;
  }
  const tasks = tasksNow();
  const current = tasks[cur] ?? tasks[0]!;
  const victim = selectBadProcess(tasks);
  const record: OomRecord = { order: ac.order, gfp: ac.gfp, task: cur, comm: current.comm, constraint: 'CONSTRAINT_NONE', totalpages: totalPages(rs), result: victim ? 'killed' : 'no-victim', victim, freed: 0, uncharged: 0, message: '', tasks, logStart, logEnd: logStart, failure: null };
  for (const l of dumpHeader(rs, ac, current, tasks, victim)) rs.log.push(l);
  if (!victim) {
    record.message = 'Out of memory and no killable processes...';
    rs.log.push(`Kernel panic - not syncing: ${record.message}`);
    record.logEnd = rs.log.length;
    rs.ooms.push(record);
    return false;
  }
  rs.vm.count('oom_kill');
  rs.tasks.list[victim.task]!.killed = true;
  rs.trace?.emit('mark_victim', victim.task, 0, 0, 0, 0);
  record.message = killLine(victim);
  rs.log.push(record.message);
  const r = reapVictim(rs, victim.task, ac.cpu);
  record.freed = r.freed;
  record.uncharged = r.uncharged;
  record.logEnd = rs.log.length;
  rs.ooms.push(record);
  return true;
}
