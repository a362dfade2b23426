/**
 * warn_alloc on the model: the report's text in each kernel's layout, __GFP_NOWARN, the rate
 * limit, 6.1's __GFP_DMA rule, and the explanation attached to every failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/boot/boot';
import { stripLogPrefixes } from '../../src/sim/input/alloc-failure-parse';
import { ORACLE_RT } from '../helpers/oracle-dir';
import { fill, start } from './helpers';

/** A line's layout: numbers → N, free-list type letters dropped (they follow the counts). */
const shape = (l: string) => l.replace(/ \([UMEHCI]+\)/g, '').replace(/\d+/g, 'N').replace(/\? (yes|no)$/, '? yes|no');

/** A machine whose memory is taken by one task, then one order-0 GFP_KERNEL|__GFP_NORETRY failure (no OOM). */
function failOnce(arch: 'arm64' | 'x86_64' | 'arm', kernel: '5.10' | '6.1', ramMiB: number) {
  const run = start(arch, kernel, ramMiB);
  const hog = run.task('hog');
  fill(run, hog, 'anon');
  let r;
  do r = run.alloc('GFP_KERNEL|__GFP_NORETRY', 0, { task: hog, kind: 'anon' });
  while (r.ok);
  return { run, f: run.failures.at(-1)! };
}

describe('warn_alloc report text', () => {
  it('6.1 (arm64): the same lines as the real rt-a64-2g-hugetlb-cma report, in the same order', () => {
    const real = readFileSync(join(ORACLE_RT, 'rt-a64-2g-hugetlb-cma/rt_dmesg.txt'), 'utf8').split('\n').map(stripLogPrefixes);
    const h = real.findIndex((l) => l.includes('page allocation failure'));
    const memInfo = real.indexOf('Mem-Info:', h);
    const end = real.findIndex((l, k) => k > h && /pages hwpoisoned$/.test(l));
    const { f } = failOnce('arm64', '6.1', 2048);
    const model = f.report!.trimEnd().split('\n');
    // header: "%s: page allocation failure: order:%u, mode:%#x(%pGg), nodemask=%*pbl" + ",cpuset=%s,mems_allowed=%*pbl"
    expect(real[h]).toMatch(/^init: page allocation failure: order:0, mode:0x144cc8\(GFP_USER\|__GFP_RETRY_MAYFAIL\|__GFP_COMP\|__GFP_MOVABLE\), nodemask=\(null\),cpuset=\/,mems_allowed=0$/);
    expect(model[0]).toBe('hog: page allocation failure: order:0, mode:0x10cc0(GFP_KERNEL|__GFP_NORETRY), nodemask=(null),cpuset=/,mems_allowed=0');
    // dump_stack: the real CPU line and call trace; the model's one line says it has none
    expect(model[1]).toMatch(/^CPU: 0 PID: 1000 Comm: hog \(mmbook model: no call trace\)$/);
    // from Mem-Info on, line for line (one DMA zone, one node, the four arm64 hstates)
    expect(model.slice(2).map(shape)).toEqual(real.slice(memInfo, end + 1).map(shape));
  });

  it('5.10 (x86_64): show_free_areas and show_mem as 5.10 prints them', () => {
    const { f } = failOnce('x86_64', '5.10', 512);
    const L = f.report!.trimEnd().split('\n');
    expect(L[0]).toBe('hog: page allocation failure: order:0, mode:0x10cc0(GFP_KERNEL|__GFP_NORETRY), nodemask=(null),cpuset=/,mems_allowed=0');
    expect(L[2]).toBe('Mem-Info:');
    // the global block: one printk of six lines (mm/page_alloc.c show_free_areas, 5.10)
    expect(L.slice(3, 9).map(shape)).toEqual([
      'active_anon:N inactive_anon:N isolated_anon:N',
      ' active_file:N inactive_file:N isolated_file:N',
      ' unevictable:N dirty:N writeback:N',
      ' slab_reclaimable:N slab_unreclaimable:N',
      ' mapped:N shmem:N pagetables:N bounce:N',
      ' free:N free_pcp:N free_cma:N',
    ]);
    // the node line (CONFIG_TRANSPARENT_HUGEPAGE: shmem_thp/shmem_pmdmapped/anon_thp with a space after the colon)
    expect(shape(L[9]!)).toBe('Node N active_anon:NkB inactive_anon:NkB active_file:NkB inactive_file:NkB unevictable:NkB isolated(anon):NkB isolated(file):NkB mapped:NkB dirty:NkB writeback:NkB shmem:NkB shmem_thp: NkB shmem_pmdmapped: NkB anon_thp: NkB writeback_tmp:NkB kernel_stack:NkB all_unreclaimable? yes|no');
    // zone lines: show_node's "Node %d " (CONFIG_NUMA), no boost, reserved_highatomic with KB, pagetables per zone
    const zone = 'Node N ZONE free:NkB min:NkB low:NkB high:NkB reserved_highatomic:NKB active_anon:NkB inactive_anon:NkB active_file:NkB inactive_file:NkB unevictable:NkB writepending:NkB present:NkB managed:NkB mlocked:NkB pagetables:NkB bounce:NkB free_pcp:NkB local_pcp:NkB free_cma:NkB';
    expect(shape(L[10]!)).toBe(zone.replace('ZONE', 'DMA'));
    expect(shape(L[11]!)).toBe('lowmem_reserve[]: N N N N N'); // MAX_NR_ZONES = 5 (DMA, DMA32, Normal, Movable, Device)
    expect(shape(L[12]!)).toBe(zone.replace('ZONE', 'DMAN'));
    expect(shape(L[13]!)).toBe('lowmem_reserve[]: N N N N N');
    expect(shape(L[14]!)).toBe(`Node N DMA: ${'N*NkB '.repeat(11)}= NkB`);
    expect(shape(L[15]!)).toBe(`Node N DMAN: ${'N*NkB '.repeat(11)}= NkB`);
    expect(L.slice(16)).toEqual([
      'Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB',
      '0 total pagecache pages',
      '0 pages in swap cache',
      'Swap cache stats: add 0, delete 0, find 0/0',
      'Free swap  = 0kB',
      'Total swap = 0kB',
      expect.stringMatching(/^\d+ pages RAM$/),
      '0 pages HighMem/MovableOnly',
      expect.stringMatching(/^\d+ pages reserved$/),
      '0 pages hwpoisoned', // CONFIG_MEMORY_FAILURE; no "cma reserved" without CONFIG_CMA
    ]);
  });

  it('6.1 (arm, no NUMA): zone lines without "Node N ", HighMem counted in pages HighMem/MovableOnly', () => {
    const { f } = failOnce('arm', '6.1', 1024);
    const L = f.report!.trimEnd().split('\n');
    const zones = L.filter((l) => / free:\d+kB boost:/.test(l));
    // gfp_zone(GFP_KERNEL) = Normal: 6.1 __show_free_areas leaves out HighMem (above max_zone_idx)
    expect(zones.map((l) => l.split(' ')[0])).toEqual(['DMA']);
    expect(L).toContainEqual(expect.stringMatching(/^DMA: (\d+\*\d+kB (\([UMEHCI]+\) )?){12}= \d+kB$/)); // MAX_ORDER 12 on armmp-lpae
    expect(L).toContain('65536 pages HighMem/MovableOnly'); // show_mem counts every populated highmem zone
    expect(L).not.toContainEqual(expect.stringMatching(/hwpoisoned/)); // no CONFIG_MEMORY_FAILURE on armmp-lpae
  });
});

describe('warn_alloc: when the report is not printed', () => {
  it('__GFP_NOWARN: the failure is recorded with its explanation, no text, and the rate limit is not used up', () => {
    const { run, f } = failOnce('arm64', '6.1', 256);
    const logLen = run.log.length;
    run.rs.warnRatelimit.interval = 10;
    const hog = f.task;
    expect(run.alloc('GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN', 0, { task: hog }).ok).toBe(false);
    const nw = run.failures.at(-1)!;
    expect(nw.report).toBeNull();
    expect(nw.suppressed).toBe('nowarn');
    expect(nw.explanation.zones.length).toBe(1);
    expect(run.log.length).toBe(logLen);
  });

  it('rate limit: one report per 10 reportable failures, then "warn_alloc: N callbacks suppressed"', () => {
    const { run } = failOnce('arm64', '6.1', 256); // the first report
    const logStart = run.log.length;
    for (let k = 0; k < 11; k++) expect(run.alloc('GFP_KERNEL|__GFP_NORETRY', 0).ok).toBe(false);
    const fs = run.failures.slice(-11);
    expect(fs.map((f) => f.suppressed)).toEqual([...Array(9).fill('ratelimit'), null, 'ratelimit']);
    expect(run.log[logStart]).toBe('warn_alloc: 9 callbacks suppressed');
    expect(run.log[logStart + 1]).toMatch(/: page allocation failure: order:0,/);
    run.rs.warnRatelimit.interval = 0;
    expect(run.alloc('GFP_KERNEL|__GFP_NORETRY', 0).ok).toBe(false);
    expect(run.failures.at(-1)!.suppressed).toBeNull();
  });

  it('__GFP_DMA without a managed DMA zone: silent on both profiles (has_managed_dma: 6.1, and 5.10 since 5.10.94)', () => {
    // RAM from 16 MiB: ZONE_DMA (below 16 MiB on x86) is empty
    const e820 = 'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] reserved\nBIOS-e820: [mem 0x0000000001000000-0x000000001fffffff] usable\n';
    for (const kernel of ['6.1', '5.10'] as const) {
      const run = bootMachine({ arch: 'x86_64', kernel, e820 }).start();
      expect(run.alloc('GFP_KERNEL|GFP_DMA', 0).ok).toBe(false);
      expect(run.failures[0]!.suppressed).toBe('dma');
      expect(run.log).toEqual([]);
      expect(run.failures[0]!.explanation.verdict).toMatch(/had no zone to allocate from/);
    }
  });
});

describe('the explanation of a model failure', () => {
  for (const [kernel, high, harder, retry] of [['5.10', 'ALLOC_HIGH', 'ALLOC_HARDER', 'GFP_ATOMIC'], ['6.1', 'ALLOC_MIN_RESERVE', 'ALLOC_NON_BLOCK', 'ALLOC_MIN_RESERVE']] as const) {
    it(`${kernel} GFP_ATOMIC: the min watermark after ${high} and ${harder}, the unboosted retry, free CMA not counted`, () => {
      const run = start('arm64', kernel, 256);
      const k = run.task('k');
      fill(run, k, 'kernel'); // unmovable order-4 blocks steal Movable pageblocks: boost_watermark raises the boost
      let r;
      do r = run.alloc('GFP_ATOMIC', 0, { task: k });
      while (r.ok);
      expect(run.ooms.length).toBe(0); // GFP_ATOMIC cannot reclaim: no OOM
      const e = run.explain(r.failure);
      const v = run.view().nodes[0]!.zones[0]!;
      const z = e.zones[0]!;
      // 5.10: __GFP_ATOMIC gives ALLOC_HARDER, __GFP_HIGH ALLOC_HIGH; 6.1.176 (the 6.3 rework): no
      // __GFP_DIRECT_RECLAIM gives ALLOC_NON_BLOCK, __GFP_HIGH ALLOC_MIN_RESERVE (the same bits)
      expect(e.alloc_flags_text).toBe(`ALLOC_WMARK_MIN|${harder}|${high}|ALLOC_KSWAPD`);
      expect(v.boost).toBeGreaterThan(0);
      // __zone_watermark_ok: min −= min/2 (ALLOC_HIGH / ALLOC_MIN_RESERVE), then −= min/4 (ALLOC_HARDER / ALLOC_NON_BLOCK), on min_wmark_pages (with boost)
      const reduce = (m: number) => {
        const h = m - Math.floor(m / 2);
        return [h, h - Math.floor(h / 4)] as const;
      };
      const [h1, m1] = reduce(v.min);
      // zone_watermark_fast: order 0, __GFP_ATOMIC (6.1: ALLOC_MIN_RESERVE), boosted, WMARK_MIN: one more try against the unboosted _watermark[MIN]
      const min0 = v.min - v.boost;
      const [h2, m2] = reduce(min0);
      expect(z.mark_base).toBe(v.min);
      expect(z.mark).toBe(m2);
      expect(z.mark_arithmetic).toBe(
        `min ${v.min} (boost ${v.boost} included); ${high}: ${v.min} − ${v.min}/2 = ${h1}; ${harder}: ${h1} − ${h1}/4 = ${m1}; ` +
          `boosted check failed, ${retry} retries with the unboosted min: min ${min0}; ${high}: ${min0} − ${min0}/2 = ${h2}; ${harder}: ${h2} − ${h2}/4 = ${m2}`,
      );
      // an unmovable request may not count free CMA pages; ALLOC_HARDER (6.1: any ALLOC_RESERVES flag) counts the highatomic reserve
      expect(z.cma_excluded).toBe(v.freeCma);
      expect(z.highatomic).toBe(0);
      expect(z.counted_free).toBe(v.free - v.freeCma);
      expect(z.ok).toBe(false);
      expect(z.failed_test).toBe('watermark');
      expect(z.reason).toMatch(new RegExp(`^${v.free - v.freeCma} <= ${m2} \\+ 0: free pages counted are not above the min watermark`));
      expect(e.verdict).toMatch(/failed for lack of free memory/);
      expect(e.text).toContain('verdict:');
    });
  }

  it('explain() takes a failure or its index; a bad index is an MmError', () => {
    const { run, f } = failOnce('arm64', '6.1', 256);
    expect(run.explain(f)).toBe(f.explanation);
    expect(run.explain(run.failures.length - 1)).toBe(f.explanation);
    expect(() => run.explain(99)).toThrow(/no failed allocation 99/);
    expect(JSON.parse(JSON.stringify(f.explanation))).toEqual(f.explanation); // plain data
  });
});
