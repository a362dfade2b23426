/**
 * The OOM killer (mm/oom_kill.c) on the model: who is chosen (oom_badness, the tie rule,
 * oom_score_adj), what is freed, what is printed, and when __alloc_pages_may_oom does not call it.
 */
import { describe, expect, it } from 'vitest';
import { TraceRecorder } from '../../src/sim/run/trace';
import { KIND_SHMEM } from '../../src/sim/run/page-flags';
import { allocUntil, fill, start } from './helpers';

describe('out_of_memory picks the task with the most pages and frees them', () => {
  it('kills the largest task, prints the kernel lines, counts oom_kill, fires mark_victim, and the allocation succeeds', () => {
    const run = start('arm64', '6.1', 256);
    const small = run.task('small');
    const big = run.task('big');
    const late = run.task('late');
    const smallPages = fill(run, small, 'anon', 2000);
    const bigPages = fill(run, big, 'anon');
    expect(smallPages).toBe(2000);
    expect(bigPages).toBeGreaterThan(40000);
    const rec = new TraceRecorder(new Set(['mark_victim']));
    run.setTrace(rec);
    const freeBefore = run.view().nodes[0]!.zones[0]!.free;
    const r = allocUntil(run, 'GFP_KERNEL', late);
    expect(r.ok).toBe(true); // the retry after the kill got its page
    const oom = run.ooms[0]!;
    expect(oom.result).toBe('killed');
    expect(oom.victim!.task).toBe(big);
    // oom_badness: rss (the anon pages charged to "big") + 0 swap + 0 page tables, oom_score_adj 0
    expect(oom.victim!.points).toBe(bigPages);
    expect(oom.freed).toBe(bigPages);
    expect(run.rs.tasks.pages[big]).toBe(0);
    expect(run.rs.tasks.list[big]!.killed).toBe(true);
    expect(run.rs.tasks.pages[small]).toBe(2000);
    expect(run.view().nodes[0]!.zones[0]!.free).toBeGreaterThan(freeBefore);
    expect(run.view().counters.oom_kill).toBe(1);
    expect(rec.events).toEqual([{ event: 'mark_victim', args: [big, 0, 0, 0, 0] }]);
    const pid = run.rs.tasks.list[big]!.pid;
    const log = run.log.slice(oom.logStart, oom.logEnd);
    // dump_header: "%s invoked oom-killer: gfp_mask=%#x(%pGg), order=%d, oom_score_adj=%hd"
    expect(log[0]).toBe('late invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0');
    expect(log[1]).toMatch(/^CPU: 0 PID: \d+ Comm: late \(mmbook model: no call trace\)$/);
    expect(log[2]).toBe('Mem-Info:');
    const t = log.indexOf('Tasks state (memory values in pages):');
    expect(t).toBeGreaterThan(2);
    expect(log[t + 1]).toBe('[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name');
    // dump_task: "[%7d] %5d %5d %8lu %8lu %8ld %8lu         %5hd %s"
    const row = (p: number, rss: number, comm: string) => `[${String(p).padStart(7)}] ${'0'.padStart(5)} ${String(p).padStart(5)} ${String(rss).padStart(8)} ${String(rss).padStart(8)} ${'0'.padStart(8)} ${'0'.padStart(8)}         ${'0'.padStart(5)} ${comm}`;
    const lateRss = run.ooms[0]!.tasks[late]!.rss;
    expect(log.slice(t + 2, t + 5)).toEqual([row(run.rs.tasks.list[small]!.pid, 2000, 'small'), row(pid, bigPages, 'big'), row(run.rs.tasks.list[late]!.pid, lateRss, 'late')]);
    expect(log[t + 5]).toBe(`oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=big,pid=${pid},uid=0`);
    expect(log[t + 6]).toBe(`Out of memory: Killed process ${pid} (big) total-vm:${bigPages * 4}kB, anon-rss:${bigPages * 4}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0`);
    expect(log.length).toBe(t + 7);
    run.checkInvariants();
  });

  it('never kills oom_score_adj -1000: the next largest task goes', () => {
    const run = start('arm64', '6.1', 256);
    const small = run.task('small');
    const big = run.task('big', -1000);
    fill(run, small, 'anon', 4000);
    fill(run, big, 'anon');
    allocUntil(run, 'GFP_KERNEL', 0);
    expect(run.ooms[0]!.victim!.task).toBe(small);
    expect(run.ooms[0]!.tasks[big]!.points).toBeNull();
    expect(run.rs.tasks.list[big]!.killed).toBe(false);
    run.checkInvariants();
  });

  it('oom_score_adj adds adj × (totalpages / 1000) points', () => {
    const run = start('arm64', '6.1', 256);
    const small = run.task('small', 1000);
    const big = run.task('big');
    fill(run, small, 'anon', 2000);
    const bigPages = fill(run, big, 'anon');
    allocUntil(run, 'GFP_KERNEL', 0);
    const oom = run.ooms[0]!;
    // totalpages = totalram_pages (Σ managed) + total_swap_pages (0)
    const totalram = run.view().nodes.flatMap((n) => n.zones).reduce((s, z) => s + z.managed, 0);
    expect(oom.totalpages).toBe(totalram);
    expect(oom.tasks[small]!.points).toBe(2000 + 1000 * Math.floor(totalram / 1000));
    expect(oom.tasks[big]!.points).toBe(bigPages);
    expect(oom.victim!.task).toBe(small);
  });

  it('a later task with equal points replaces the earlier one (points < chosen_points skips only smaller)', () => {
    const run = start('arm64', '6.1', 256);
    const a = run.task('a');
    const b = run.task('b');
    fill(run, a, 'anon', 8000);
    fill(run, b, 'anon', 8000);
    fill(run, 0, 'kernel');
    allocUntil(run, 'GFP_KERNEL', 0);
    expect(run.ooms[0]!.tasks[a]!.points).toBe(8000);
    expect(run.ooms[0]!.tasks[b]!.points).toBe(8000);
    expect(run.ooms[0]!.victim!.task).toBe(b);
  });

  it('frees anon and kernel memory at exit; shmem stays allocated, no longer charged', () => {
    const run = start('arm64', '6.1', 256);
    const v = run.task('victim');
    fill(run, v, 'shmem', 1600);
    const anon = fill(run, v, 'anon');
    allocUntil(run, 'GFP_KERNEL', 0);
    const oom = run.ooms[0]!;
    expect(oom.victim!.task).toBe(v);
    expect(oom.victim!.shmem).toBe(1600);
    expect(oom.freed).toBe(anon);
    expect(oom.uncharged).toBe(1600);
    expect(run.rs.nodes[0]!.kindPages[KIND_SHMEM]).toBe(1600);
    expect(run.rs.tasks.pages[v]).toBe(0);
    expect(oom.message).toContain(`anon-rss:${anon * 4}kB, file-rss:0kB, shmem-rss:6400kB`);
    run.checkInvariants();
  });
});

describe('when __alloc_pages_may_oom does not call the OOM killer', () => {
  function full() {
    const run = start('arm64', '6.1', 256);
    const hog = run.task('hog');
    fill(run, hog, 'anon');
    // top up to the min watermark without the OOM killer: order-0 __GFP_NORETRY requests fail in the slow path
    while (run.alloc('GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN', 0, { task: hog, kind: 'anon' }).ok);
    expect(run.ooms.length).toBe(0);
    return { run, hog };
  }

  it('order > 3 (PAGE_ALLOC_COSTLY_ORDER) never kills', () => {
    const { run } = full();
    const r = run.alloc('GFP_KERNEL', 4);
    expect(r.ok).toBe(false);
    expect(run.ooms.length).toBe(0);
    expect(run.failures.at(-1)!.order).toBe(4);
  });

  it('__GFP_RETRY_MAYFAIL never kills', () => {
    const { run } = full();
    expect(run.alloc('GFP_KERNEL|__GFP_RETRY_MAYFAIL', 0).ok).toBe(false);
    expect(run.ooms.length).toBe(0);
  });

  it('highest_zoneidx < ZONE_NORMAL never kills (GFP_DMA on arm64, whose memory is all ZONE_DMA)', () => {
    const { run } = full();
    expect(run.alloc('GFP_KERNEL|GFP_DMA', 0).ok).toBe(false);
    expect(run.ooms.length).toBe(0);
    expect(run.failures.at(-1)!.explanation.highest_zone).toBe('DMA');
  });

  it('highest_zoneidx < ZONE_NORMAL never kills (GFP_DMA32 on x86_64)', () => {
    const run = start('x86_64', '5.10', 512);
    const hog = run.task('hog');
    fill(run, hog, 'anon');
    while (run.alloc('GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN', 0, { task: hog, kind: 'anon' }).ok);
    expect(run.alloc('GFP_KERNEL|GFP_DMA32', 0).ok).toBe(false);
    expect(run.ooms.length).toBe(0);
  });

  it('a request without __GFP_FS does not kill: out_of_memory reports progress, the model gives up and says why', () => {
    const { run, hog } = full();
    expect(run.alloc('GFP_NOFS', 0).ok).toBe(false);
    expect(run.rs.tasks.list[hog]!.killed).toBe(false);
    expect(run.ooms.map((o) => o.result)).toEqual(['no-fs']);
    expect(run.failures.at(-1)!.oom).toMatch(/without __GFP_FS/);
  });

  it('no killable task: dump_header, "Out of memory and no killable processes...", and the allocation fails with that reason', () => {
    const run = start('arm64', '6.1', 256);
    const keep = run.task('keep', -1000);
    fill(run, keep, 'anon');
    const r = allocUntil(run, 'GFP_KERNEL', keep, 1, 'anon');
    expect(r.ok).toBe(false);
    const oom = run.ooms[0]!;
    expect(oom.result).toBe('no-victim');
    expect(run.log[oom.logStart]).toBe('keep invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=-1000');
    expect(run.log.slice(oom.logStart, oom.logEnd)).not.toContainEqual(expect.stringMatching(/^oom-kill:/));
    expect(run.log[oom.logEnd - 1]).toBe('Kernel panic - not syncing: Out of memory and no killable processes...');
    const f = run.failures.at(-1)!;
    expect(f.oom).toBe('Out of memory and no killable processes...');
    expect(oom.failure).toBe(run.failures.length - 1);
  });
});
