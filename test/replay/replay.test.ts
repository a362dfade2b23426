/**
 * The replay's rules on synthetic traces: requests served by the simulator and tied to the traced
 * pfns, frees, the window, marks and their snapshots, do-commands, kernel-execution spans and the
 * pages whose identity moves in them, unknown frees, kswapd records, and the errors.
 */
import { describe, expect, it } from 'vitest';
import { MmError } from '../../src/sim/errors';
import { TraceReplay, replayTrace, type ReplayOptions } from '../../src/sim/replay/index';
import { pcpPages } from '../../src/sim/page_alloc/pcp';
import { KIND_ANON, KIND_FILE, KIND_FILE_DIRTY, KIND_HUGETLB, KIND_KERNEL, KIND_SHMEM, KIND_SLAB, KIND_SLAB_RECLAIMABLE } from '../../src/sim/run/page-flags';
import { parseGfp } from '../../src/sim/page_alloc/gfp';
import { kindOfTracedAlloc } from '../../src/sim/replay/kind';
import { alloc, allocatedPages, batched, drain, free, freePfns, header, line, mark, smallMachine, zoneLocked } from './helpers';
import { bootMachine } from '../../src/sim/index';

const MOV = 'GFP_HIGHUSER_MOVABLE|__GFP_COMP';
const ANON = 'GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO';

function replay(lines: string[], opts: ReplayOptions = {}, machine = smallMachine()) {
  const run = machine.start({ daemons: 'manual' });
  const before = allocatedPages(run);
  const r = replayTrace(run, [...header(), ...lines].join('\n') + '\n', opts);
  run.checkInvariants();
  return { run, r, before };
}

function errorOf(fn: () => unknown): MmError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MmError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('trace replay: requests and frees', () => {
  it('serves each traced mm_page_alloc with the simulator allocator and frees the tied page at the traced free', () => {
    const m = smallMachine();
    const pfns = freePfns(m.start(), 300, 5000);
    const lines = [mark('go'), ...pfns.map((p) => alloc(p, 0, ANON)), ...pfns.slice(0, 100).map((p) => free(p)), mark('stop')];
    const { run, r, before } = replay(lines, { startMark: 'go', endMark: 'stop' }, m);
    expect(r.events.allocs.requests).toBe(300);
    expect(r.events.allocs.pages).toBe(300);
    expect(r.events.frees.tied).toBe(100);
    expect(r.events.unknownFrees).toBe(0);
    // 200 pages stay allocated: the simulator's, wherever its allocator put them
    expect(allocatedPages(run) - before).toBe(200);
    expect(run.rs.nodes[0]!.kindPages[KIND_ANON]).toBe(200);
    expect(r.start).toBe('fresh boot');
  });

  it('order > 0 requests and frees, including THP (order 9 through the pcp THP list)', () => {
    const m = smallMachine();
    const [a, b] = [0x41000, 0x41200];
    const lines = [alloc(a, 3, 'GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP', 0), alloc(b, 9, 'GFP_TRANSHUGE|__GFP_NORETRY|__GFP_THISNODE'), free(a, 3), free(b, 9)];
    const { run, r, before } = replay(lines, {}, m);
    expect(r.events.allocs.pages).toBe(8 + 512);
    expect(r.events.frees.tied).toBe(2);
    expect(allocatedPages(run)).toBe(before);
  });

  it('a traced failure (page NULL) is a request too; when the simulator serves it, the page goes back at once', () => {
    const { run, r, before } = replay([alloc(-1, 0, 'GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC', 0, { comm: 'kworker/0:1' })]);
    expect(r.events.allocs.kernelFailed).toBe(1);
    expect(r.events.allocs.simServedKernelFailure).toBe(1);
    expect(allocatedPages(run)).toBe(before);
  });

  it('maps GFP masks to page kinds (src/sim/replay/kind.ts)', () => {
    const k = (g: string, o = 0) => kindOfTracedAlloc(parseGfp(g), o, 9);
    expect(k(ANON)).toBe(KIND_ANON);
    expect(k('GFP_TRANSHUGE|__GFP_NORETRY|__GFP_THISNODE', 9)).toBe(KIND_ANON);
    expect(k(MOV)).toBe(KIND_SHMEM);
    expect(k('GFP_HIGHUSER_MOVABLE|__GFP_WRITE')).toBe(KIND_FILE_DIRTY);
    expect(k('GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_NORETRY')).toBe(KIND_FILE);
    expect(k('GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL|__GFP_NOWARN', 9)).toBe(KIND_HUGETLB);
    expect(k('GFP_USER|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_MOVABLE')).toBe(KIND_SHMEM);
    expect(k('GFP_NOWAIT|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_RECLAIMABLE', 1)).toBe(KIND_SLAB_RECLAIMABLE);
    expect(k('__GFP_IO|__GFP_FS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC', 1)).toBe(KIND_SLAB);
    expect(k('GFP_KERNEL_ACCOUNT|__GFP_ZERO')).toBe(KIND_KERNEL);
  });

  it('another tuning gives other placements from the same requests (the pcp lists drain at another high)', () => {
    const m = smallMachine();
    const pfns = freePfns(m.start(), 3000, 5000);
    const lines = [...pfns.map((p) => alloc(p, 0, MOV)), ...pfns.map((p) => free(p))];
    const a = replay(lines, {}, m);
    const b = replay(lines, {}, m.sysctl('vm.percpu_pagelist_high_fraction', 8));
    expect(a.r.events.frees.tied).toBe(3000);
    expect(b.r.events.frees.tied).toBe(3000);
    expect(b.r.pcp.sim.drainPages).not.toBe(a.r.pcp.sim.drainPages);
    expect(allocatedPages(a.run)).toBe(a.before);
    expect(allocatedPages(b.run)).toBe(b.before);
  });

  it('a free with the softirq flag right after a refill burst goes to the buddy (6.1 free_unref_page: the pcp trylock failed)', () => {
    const m = smallMachine();
    const [a, z] = [0x42000, 0x43000];
    const run = m.start();
    const r = new TraceReplay(run);
    r.feed([alloc(a, 0, MOV), zoneLocked(z), ''].join('\n'));
    const pcpBefore = pcpPages(run.rs, 0);
    const freeBefore = run.rs.buddy.z.free[0]!;
    r.feed(free(a, 0, { flags: '.Ns..' }) + '\n');
    const res = r.finish();
    expect(res.events.frees.softirqToBuddy).toBe(1);
    expect(pcpPages(run.rs, 0)).toBe(pcpBefore);
    expect(run.rs.buddy.z.free[0]).toBe(freeBefore + 1);
    run.checkInvariants();
  });

  it('Z, D and B are compared, not replayed: counted in pcp.kernel', () => {
    const { r } = replay([zoneLocked(0x42000), zoneLocked(0x42001), zoneLocked(0x4ac00, 0, 4), drain(0x42002), batched(0x42003), line('mm_page_alloc_extfrag', 'page=0000000012345678 pfn=0x79000 alloc_order=1 fallback_order=10 pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=0 change_ownership=1')]);
    expect(r.pcp.kernel).toEqual({ refillBlocks: 3, refillPages: 3, drainBlocks: 1, drainPages: 1, extfrag: 1 });
    expect(r.events.compared).toBe(5);
    expect(r.events.replayed).toBe(0);
  });
});

describe('trace replay: unknown frees and moved identities', () => {
  it('a free of a page last seen on the pcp (an untraced alloc_pages_bulk) frees nothing; a never-seen one with no orphan neither', () => {
    const { run, r, before } = replay([zoneLocked(0x42000), free(0x42000), free(0x42100)]);
    expect(r.events.unknownFrees).toBe(2);
    expect(r.events.unknown).toMatchObject({ bulk: 1, untracked: 1 });
    expect(allocatedPages(run)).toBe(before);
  });

  it('a direct compaction span is the kernel\'s: its source frees orphan the tied page, a later free of the target frees the orphan', () => {
    const c = { comm: 'dd', pid: 200 };
    const lines = [
      alloc(0x45000, 0, MOV, 1, c),
      line('mm_compaction_try_to_compact_pages', 'order=9 gfp_mask=GFP_TRANSHUGE|__GFP_NORETRY|__GFP_THISNODE priority=2', c),
      line('mm_compaction_begin', 'zone_start=0x40000 migrate_pfn=0x40000 free_pfn=0x4fe00 zone_end=0x50000, mode=async', c),
      alloc(0x46000, 0, MOV, 1, { comm: 'other', pid: 300 }), // another task's request in the middle: replayed
      free(0x45000, 0, c), // the migration source: skipped
      line('mm_compaction_end', 'zone_start=0x40000 migrate_pfn=0x48000 free_pfn=0x4fe00 zone_end=0x50000, mode=async status=success', c),
      free(0x4f000, 0, c), // the untraced target, freed later: frees the orphan
    ];
    const { run, r, before } = replay(lines);
    expect(r.events.compactions.directSkipped).toBe(1);
    expect(r.events.skipped).toBe(1);
    expect(r.events.orphaned).toBe(1);
    expect(r.events.unknown.orphan).toBe(1);
    expect(allocatedPages(run) - before).toBe(1); // the other task's page
  });

  it('inside a do span, a skipped free of a tied page and a skipped allocation re-tie: the page keeps its simulated copy', () => {
    const lines = [
      alloc(0x45000, 0, MOV),
      mark('mmbook: do sysctl vm.watermark_scale_factor=20'),
      alloc(0x47000, 0, 'GFP_USER|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_MOVABLE', 1, { comm: 'init', pid: 1 }),
      free(0x45000, 0, { comm: 'init', pid: 1 }),
      mark('mmbook: done'),
      free(0x47000),
    ];
    const { run, r, before } = replay(lines);
    expect(r.events.retied).toBe(1);
    expect(r.events.skipped).toBe(2);
    expect(r.events.frees.tied).toBe(1);
    expect(allocatedPages(run)).toBe(before);
  });

  it('pages the simulator migrates keep their ties (compact_memory between the request and the free)', () => {
    const m = smallMachine();
    const pfns = freePfns(m.start(), 4000, 2000);
    const lines = [
      ...pfns.map((p) => alloc(p, 0, MOV)),
      ...pfns.filter((_, k) => k % 2).map((p) => free(p)),
      mark('mmbook: do compact_memory'),
      mark('mmbook: done'),
      ...pfns.filter((_, k) => k % 2 === 0).map((p) => free(p)),
    ];
    const { run, r, before } = replay(lines, {}, m);
    expect(r.commands).toHaveLength(1);
    expect(r.commands[0]!.command).toBe('compact_memory');
    expect(r.commands[0]!.got).toBeGreaterThan(0);
    expect(r.events.frees.tied).toBe(4000);
    expect(r.events.unknownFrees).toBe(0);
    expect(allocatedPages(run)).toBe(before);
  });
});

describe('trace replay: window, marks and commands', () => {
  it('replays only between the first start mark and the next end mark; the end mark is the last snapshot', () => {
    const lines = [alloc(0x45000, 0, MOV), mark('rt_before end'), alloc(0x45001, 0, MOV), mark('rt_sample 0'), alloc(0x45002, 0, MOV), mark('rt_after begin'), alloc(0x45003, 0, MOV), mark('rt_after end')];
    const { run, r, before } = replay(lines, { startMark: 'rt_before end', endMark: 'rt_after begin' });
    expect(r.events.allocs.requests).toBe(2);
    expect(r.marks.map((mk) => mk.text)).toEqual(['rt_before end', 'rt_sample 0', 'rt_after begin']);
    expect(r.marks.map((mk) => mk.line)).toEqual([14, 16, 18]);
    expect(r.window).toMatchObject({ startLine: 14, endLine: 18 });
    expect(allocatedPages(run) - before).toBe(2);
    const last = r.marks.at(-1)!;
    expect(last.buddyinfo).toBe(run.render('buddyinfo'));
    expect(last.pagetypeinfo).toBe(run.render('pagetypeinfo'));
    expect(last.zoneinfo).toBe(run.render('zoneinfo'));
    expect(last.meminfo).toBe(run.render('meminfo'));
    expect(r.vmstat).toBe(run.render('vmstat'));
  });

  it('a start mark that never comes is an error; an end mark that never comes a warning', () => {
    const e = errorOf(() => replay([mark('x')], { startMark: 'rt_before end' }));
    expect(e.code).toBe('TRACE_NO_START');
    const { r } = replay([mark('go'), alloc(0x45000, 0, MOV)], { startMark: 'go', endMark: 'never' });
    expect(r.warnings.join(' ')).toMatch(/no mark containing 'never'/);
  });

  it('mark rules rewrite, expand and drop marks; the original text is kept', () => {
    const { r } = replay([mark('rt_hugetlb 32768kB request 8'), mark('rt_hugetlb 32768kB got 8'), mark('noise')], {
      markRewrites: [
        { match: /^rt_hugetlb (\d+)kB request (\d+)$/, replace: 'mmbook: do hugetlb $1kB $2' },
        { match: /^rt_hugetlb \d+kB got \d+$/, replace: ['mmbook: done', 'after'] },
        { match: 'noise', replace: [] },
      ],
    });
    expect(r.marks.map((m) => m.text)).toEqual(['mmbook: do hugetlb 32768kB 8', 'mmbook: done', 'after']);
    expect(r.marks[0]!.original).toBe('rt_hugetlb 32768kB request 8');
    expect(r.commands[0]).toMatchObject({ command: 'hugetlb 32768kB 8', line: 13, requested: 8 });
  });

  it('do-commands: sysctl is applied at the do mark and the kmem events up to done are skipped', () => {
    const { run, r } = replay([mark('mmbook: do sysctl vm.min_free_kbytes=32768'), alloc(0x45000, 0, MOV), free(0x45000), mark('mmbook: done')]);
    expect(r.commands).toEqual([{ command: 'sysctl vm.min_free_kbytes=32768', line: 13, requested: '32768', got: '32768' }]);
    expect(r.events.skipped).toBe(2);
    expect(r.events.replayed).toBe(0);
    // min_free_kbytes 32768 → the zone's min is 8192 pages (one zone holds all managed pages)
    expect(run.render('zoneinfo')).toMatch(/\n {8}min {6}8192\n/);
  });

  it('an unknown command is an error naming the line; a hugetlb command without a pool records got null and a note', () => {
    const bad = errorOf(() => replay([mark('mmbook: do sysctl vm.no_such_knob=1')]));
    expect(bad.code).toBe('SYSCTL_UNKNOWN');
    expect(bad.message).toMatch(/^line 13: /);
    const e = errorOf(() => replay([mark('mmbook: do reboot')]));
    expect(e.code).toBe('TRACE_COMMAND');
    expect(e.message).toMatch(/^line 13: unknown command 'mmbook: do reboot'/);
    const { r } = replay([mark('mmbook: do hugetlb 2048kB 4'), mark('mmbook: done')]);
    const c = r.commands[0]!;
    expect(c).toMatchObject({ command: 'hugetlb 2048kB 4', requested: 4 });
    if (c.got === null) {
      // this build has no run-time hugetlb pool yet (run.hugetlb): the command is recorded, not run
      expect(c.note).toMatch(/hugetlb/);
      expect(r.warnings.join(' ')).toMatch(/hugetlb/);
    } else expect(c.got).toBeGreaterThanOrEqual(0);
  });
});

describe('trace replay: kswapd records', () => {
  it('records where the simulator would wake kswapd and where it would sleep, and stops waking a hopeless node', () => {
    const m = smallMachine();
    const run0 = m.start();
    const free0 = run0.rs.buddy.z.free[0]!;
    const low = run0.rs.wmarkPages(0, 1);
    // requests down to below the low watermark, then the trace frees half of them
    const pfns = freePfns(run0, free0 - low + 200, 0);
    const lines = [...pfns.map((p) => alloc(p, 0, MOV)), ...pfns.slice(0, 5000).map((p) => free(p))];
    const { r } = replay(lines, {}, m);
    expect(r.kswapd.wakes.length).toBeGreaterThanOrEqual(1);
    expect(r.kswapd.sleeps.length).toBeGreaterThanOrEqual(1);
    // after 16 runs without reclaim progress the node is hopeless: no more than 16 wakes in a row
    expect(r.kswapd.wakes.length).toBeLessThanOrEqual(16);
    expect(r.kswapd.kernel).toMatchObject({ wakes: [], sleeps: [], episodes: 0 });
  });

  it('counts the kernel\'s kswapd wakes in episodes (wakes up to a sleep), outside do spans', () => {
    const k = { comm: 'kswapd0', pid: 37 };
    const { r } = replay([
      line('mm_vmscan_wakeup_kswapd', 'nid=0 order=0 gfp_flags=none', { comm: 'init', pid: 1 }),
      line('mm_vmscan_kswapd_wake', 'nid=0 order=0', k),
      line('mm_vmscan_kswapd_wake', 'nid=0 order=0', k),
      line('mm_vmscan_kswapd_sleep', 'nid=0', k),
      line('mm_vmscan_kswapd_wake', 'nid=0 order=0', k),
      line('mm_vmscan_kswapd_sleep', 'nid=0', k),
    ]);
    expect(r.kswapd.kernel.wakeups).toEqual([13]);
    expect(r.kswapd.kernel.wakes).toEqual([14, 15, 17]);
    expect(r.kswapd.kernel.sleeps).toEqual([16, 18]);
    expect(r.kswapd.kernel.episodes).toBe(2);
  });
});

describe('trace replay: bad input', () => {
  it('a line that does not parse: TRACE_PARSE with its line number', () => {
    const e = errorOf(() => replay([alloc(0x45000, 0, MOV), 'garbage line']));
    expect(e.code).toBe('TRACE_PARSE');
    expect(e.message).toMatch(/^line 14: /);
    const g = errorOf(() => replay([alloc(0x45000, 0, 'GFP_KERNEL|__GFP_BOGUS')]));
    expect(g.code).toBe('TRACE_PARSE');
    expect(g.message).toMatch(/^line 13: mm_page_alloc: unknown GFP flag "__GFP_BOGUS"/);
  });

  it('an event for a pfn outside the machine: TRACE_PFN', () => {
    const e = errorOf(() => replay([free(0x10)]));
    expect(e.code).toBe('TRACE_PFN');
    expect(e.message).toMatch(/^line 13: mm_page_free of pfn 0x10, outside this machine's pfns \[0x40000, 0x50000\)/);
  });

  it('a trace of another arch: 32-bit pointers on arm64, 64-bit on arm: TRACE_ARCH', () => {
    const l32 = line('mm_page_free', 'page=a708d2c9 pfn=0x4788b order=0');
    expect(errorOf(() => replay([l32])).code).toBe('TRACE_ARCH');
    const arm = bootMachine({ arch: 'arm', kernel: '6.1', topology: { arch: 'arm', kernel: '6.1', ramMiB: 256 } });
    const base = arm.start().rs.buddy.basePfn;
    const e = errorOf(() => replay([free(base + 100)], {}, arm));
    expect(e.code).toBe('TRACE_ARCH');
    expect(e.message).toMatch(/64-bit kernel, and the machine is arm/);
  });

  it('#P: above the machine\'s CPUs is a warning (CPU N replays on N mod cpus); unknown events are counted', () => {
    const run = smallMachine().start();
    const text = [...header(4), alloc(0x45000, 0, MOV, 1, { cpu: 3 }), line('sched_switch', 'prev_comm=a'), line('sched_switch', 'prev_comm=b')].join('\n');
    const r = replayTrace(run, text);
    expect(r.warnings[0]).toMatch(/recorded on 4 CPUs \(#P:4\); the machine has 1/);
    expect(r.events.unknownEvents).toEqual({ sched_switch: 2 });
    expect(r.events.allocs.requests).toBe(1);
  });

  it('the 5.10 kmem format (decimal pfns) replays on 5.10 silently and on 6.1 with a warning', () => {
    const l = line('mm_page_alloc', `page=00000000deadbeef pfn=${0x45000} order=0 migratetype=1 gfp_flags=${MOV}`, { flags: '....' });
    expect(replay([l], {}, smallMachine('5.10')).r.warnings).toEqual([]);
    expect(replay([l]).r.warnings.join(' ')).toMatch(/decimal \(5.10's kmem format\); the machine runs 6.1/);
  });
});

describe('trace replay: other layouts and machines', () => {
  it('trace-cmd report output (no flags column, raw pointers, decimal pfns) replays like the tracefs file', () => {
    const m = smallMachine('5.10');
    const rep = (ev: string, body: string) => `              dd-4242  [000]  4181.962452: ${ev}:        ${body}`;
    const text = ['cpus=1', 'version = 6', rep('mm_page_alloc', `page=0xfffffe0000a6c000 pfn=${0x45000} order=0 migratetype=1 gfp_flags=${MOV}`), rep('mm_page_free', `page=0xfffffe0000a6c000 pfn=${0x45000} order=0`)].join('\n');
    const run = m.start();
    const before = allocatedPages(run);
    const r = replayTrace(run, text);
    expect(r.events.allocs.requests).toBe(1);
    expect(r.events.frees.tied).toBe(1);
    expect(r.warnings).toEqual([]);
    expect(allocatedPages(run)).toBe(before);
  });

  it('a two-CPU machine serves each CPU\'s requests from its own per-cpu lists', () => {
    const m = smallMachine('6.1', 2);
    const lines = [alloc(0x45000, 0, MOV, 1, { cpu: 0 }), alloc(0x45001, 0, MOV, 1, { cpu: 1 })];
    const { run, r } = replay(lines, {}, m);
    expect(r.events.allocs.requests).toBe(2);
    // each CPU refilled its own list with batch pages (rmqueue_bulk) and handed out the first
    const batch = run.rs.pcp.batch[0]!;
    expect(batch).toBeGreaterThan(1);
    expect(run.rs.pcp.count[0]).toBe(batch - 1);
    expect(run.rs.pcp.count[1]).toBe(batch - 1);
    expect(r.pcp.sim.refillBlocks).toBe(2 * batch);
  });
});

describe('trace replay: interfaces', () => {
  it('text, chunks and lines give the same result, and the result is plain data', () => {
    const m = smallMachine();
    const pfns = freePfns(m.start(), 500, 3000);
    const body = [mark('a'), ...pfns.map((p) => alloc(p, 0, MOV)), mark('b'), ...pfns.slice(0, 250).map((p) => free(p)), mark('c')];
    const text = [...header(), ...body].join('\n') + '\n';
    const whole = replayTrace(m.start(), text);
    const lines = replayTrace(m.start(), text.split('\n').slice(0, -1));
    const run = m.start();
    const chunked = new TraceReplay(run);
    for (let k = 0; k < text.length; k += 777) chunked.feed(text.slice(k, k + 777));
    const c = chunked.finish();
    expect(lines).toEqual(whole);
    expect(c).toEqual(whole);
    expect(structuredClone(whole)).toEqual(whole);
    expect(JSON.parse(JSON.stringify(whole))).toEqual(whole);
  });
});
