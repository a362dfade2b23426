/**
 * `mmbook explain`: parse a real kernel's allocation-failure report, rebuild its zones and run the
 * request through the model's watermark code. Expected numbers are derived by hand from the
 * report's text in the comments.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllocFailureReports, stripLogPrefixes } from '../../src/sim/input/alloc-failure-parse';
import { explainReport, explanationJson, reportExplainInput } from '../../src/sim/page_alloc/explain-report';
import { explainFailure } from '../../src/sim/page_alloc/explain';
import { retuneExplainInput } from '../../src/sim/page_alloc/explain-retune';
import { ORACLE_RT } from '../helpers/oracle-dir';
import { fill, start } from '../oom/helpers';

const FIX = join(import.meta.dirname, 'fixtures');
const explainText = (text: string, opts = {}) => explainReport(parseAllocFailureReports(text, 'test.txt')[0]!, { file: 'test.txt', ...opts });
const explainFile = (path: string, opts = {}) => explainText(readFileSync(path, 'utf8'), opts);

describe('the real 6.1 report (oracle-rt rt-a64-2g-hugetlb-cma, line 1086)', () => {
  /*
   * init: page allocation failure: order:0, mode:0x144cc8(GFP_USER|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_MOVABLE)
   * - gfp_zone: only __GFP_MOVABLE of the zone bits → ZONE_NORMAL (index 2 of DMA, DMA32, Normal, Movable);
   *   migratetype Movable → ALLOC_CMA; gfp_to_alloc_flags: WMARK_MIN | CPUSET | KSWAPD (no __GFP_HIGH, no __GFP_ATOMIC).
   * - the zonelist for Normal holds the populated zones ≤ Normal: only DMA (QEMU virt RAM is below 4 GiB).
   * - "Node 0 DMA free:22308kB boost:0kB min:22528kB … reserved_highatomic:0KB … free_cma:4096kB"
   *   free = 22308/4 = 5577 pages; min = 22528/4 = 5632; highatomic 0; ALLOC_CMA: the 1024 free CMA pages count.
   *   counted = 5577 − (2^0 − 1) − 0 − 0 = 5577; lowmem_reserve[]: 0 0 0 0 → reserve[Normal] = 0.
   *   __zone_watermark_ok: 5577 <= 5632 + 0 → refused at the watermark.
   * - reclaim: active_file + inactive_file = 0 and "Free swap = 0kB": zone_reclaimable_pages = 0.
   * - tuning: one lowmem zone, so min = pages_min = min_free_kbytes >> 2; passing needs min ≤ 5576,
   *   i.e. min_free_kbytes ≤ 5576·4 + 3 = 22307; the printed 5632 is reproduced by 22528 (the THP raise).
   */
  const r = explainFile(join(ORACLE_RT, 'rt-a64-2g-hugetlb-cma/rt_dmesg.txt'));
  const e = r.explanation;
  it('finds the report and infers arm64 / 6.1 from the text', () => {
    expect(r.line).toBe(1086);
    expect(r.comm).toBe('init');
    expect(r.arch).toBe('arm64');
    expect(r.kernel).toBe('6.1');
    expect(r.reportVersion).toBe('6.1.176');
    expect(r.warnings).toEqual([]);
  });
  it('refuses in DMA at the min watermark: 5577 <= 5632 + 0', () => {
    expect(e.order).toBe(0);
    expect(e.gfp).toBe('0x144cc8(GFP_USER|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_MOVABLE)');
    expect(e.highest_zone).toBe('Normal');
    expect(e.alloc_flags_text).toBe('ALLOC_WMARK_MIN|ALLOC_CPUSET|ALLOC_CMA|ALLOC_KSWAPD');
    expect(e.zones).toHaveLength(1);
    const z = e.zones[0]!;
    expect({ zone: z.zone, counted_free: z.counted_free, mark: z.mark, reserve: z.reserve, highatomic: z.highatomic, ok: z.ok, failed: z.failed_test, cma: z.cma_counted })
      .toEqual({ zone: 'Node 0 DMA', counted_free: 5577, mark: 5632, reserve: 0, highatomic: 0, ok: false, failed: 'watermark', cma: 1024 });
    expect(z.reason).toBe('5577 <= 5632 + 0: free pages counted are not above the min watermark');
    expect(z.reclaimable).toBe(0);
    expect(e.verdict).toMatch(/^Every zone the order-0 Movable request .* was at or below its min watermark: Node 0 DMA counted 5577 ≤ 5632\. It failed for lack of free memory, not fragmentation\. Nothing was reclaimable/);
  });
  it('computes the tuning with the tunables calculator: vm.min_free_kbytes ≤ 22307 (now 22528)', () => {
    const t = e.tuning.find((x) => x.sysctl === 'vm.min_free_kbytes')!;
    expect(t.value).toBe('22307');
    expect(t.current).toBe('22528');
    expect(r.inferred).toContain('vm.min_free_kbytes = 22528 (reproduces every printed min watermark); vm.watermark_scale_factor ≈ 10');
  });
  it('says why the free lists hold more than free: Isolate pages are not in NR_FREE_PAGES (45240kB − 22308kB)', () => {
    expect(r.inferred.join('\n')).toContain('DMA: the free lists hold 45240kB, 22932kB more than free');
  });
  it('--json has the issue\'s shape', () => {
    const j = explanationJson(r) as { order: number; gfp: string; zones: Record<string, unknown>[]; verdict: string };
    expect(Object.keys(j).slice(0, 4)).toEqual(['order', 'gfp', 'zones', 'verdict']);
    expect(Object.keys(j.zones[0]!).slice(0, 8)).toEqual(['zone', 'counted_free', 'mark', 'reserve', 'highatomic', 'free_at_order', 'ok', 'reason']);
  });
});

describe('hand-written reports in other layouts', () => {
  it('5.10 x86_64, syslog + printk caller prefixes, DMA/DMA32/Normal, GFP_ATOMIC order 2', () => {
    /*
     * mode 0x40a20(GFP_ATOMIC|__GFP_COMP): Normal zone, Unmovable, flags MIN|HARDER|HIGH|KSWAPD (no CPUSET: __GFP_ATOMIC).
     * Normal: free 240000kB = 60000; counted 60000 − 3 (2^2−1) − 0 (ALLOC_HARDER may use the 512 highatomic) = 59997;
     *   min 41980kB = 10495 → ALLOC_HIGH 10495 − 5247 = 5248 → ALLOC_HARDER 5248 − 1312 = 3936; 59997 > 3936, but the
     *   free lists hold only orders 0 and 1 → no block of order ≥ 2.
     * DMA32: free 7000 − 3 = 6997; min 6368 → 3184 → 2388; lowmem_reserve[Normal] = 4929; 6997 <= 7317 → refused.
     * DMA: 3840 − 3 = 3837; min 31 → 16 → 12; reserve 7920 → refused.
     * fragmentation index of Normal at order 2: 60000 free pages in 50000 blocks, none ≥ order 2:
     *   1000 − (1000 + 60000·1000/4) / 50000 = 1000 − 300 = 700.
     * DMA32 after reclaim: file 40000kB = 10000 pages: 17000 − 3 > 7317 → should_reclaim_retry would pass.
     * lowmem_reserve_ratio for DMA32: floor(1262000 / r) ≤ 6997 − 2388 − 1 = 4608 → r ≥ 274 (273 gives 4622).
     * for DMA: floor((765700 + 1262000) / r) ≤ 3837 − 12 − 1 = 3824 → r ≥ 531 (530 gives 3825).
     * min_free_kbytes: DMA32 passes when ALLOC_HIGH/HARDER-reduced min ≤ 2067, i.e. ceil(min/2) ≤ 2756, min ≤ 5512;
     *   min = floor(pages_min · 765700 / 2031540) ≤ 5512 → pages_min ≤ 14626 → min_free_kbytes ≤ 14626·4 + 3 = 58507.
     *   The printed mins (31, 6368, 10495) are reproduced by pages_min 16896 = 67584 kB (3 zones' THP raise).
     */
    const r = explainFile(join(FIX, 'x86-5.10-syslog-atomic.txt'));
    const e = r.explanation;
    expect([r.arch, r.kernel, r.reportVersion]).toEqual(['x86_64', '5.10', '5.10.223']);
    expect(e.alloc_flags_text).toBe('ALLOC_WMARK_MIN|ALLOC_HARDER|ALLOC_HIGH|ALLOC_KSWAPD');
    const pick = (z: (typeof e.zones)[number]) => [z.zone, z.counted_free, z.mark, z.reserve, z.ok, z.failed_test, z.free_at_order];
    expect(e.zones.map(pick)).toEqual([
      ['Node 0 Normal', 59997, 3936, 0, false, 'no-suitable-block', 0],
      ['Node 0 DMA32', 6997, 2388, 4929, false, 'watermark', 509],
      ['Node 0 DMA', 3837, 12, 7920, false, 'watermark', 5],
    ]);
    expect(e.zones[0]!.fragmentation_index).toBe(700);
    expect(e.zones[0]!.compaction).toBe('continue');
    expect(e.zones[1]!.ok_after_reclaim).toBe(true);
    expect(e.tuning.filter((t) => t.sysctl === 'vm.lowmem_reserve_ratio').map((t) => t.value)).toEqual(['256 274 32 0 0', '531 256 32 0 0']);
    expect(e.tuning.find((t) => t.sysctl === 'vm.min_free_kbytes')!.value).toBe('58507');
    expect(r.inferred).toContain('vm.min_free_kbytes = 67584 (reproduces every printed min watermark); vm.watermark_scale_factor ≈ 10');
    expect(e.verdict).toMatch(/refused everywhere: Node 0 Normal no free block of the order; Node 0 DMA32 below the watermark \(6997 ≤ 2388 \+ 4929\); Node 0 DMA below the watermark \(3837 ≤ 12 \+ 7920\)\. Reclaim could have made Node 0 DMA32 pass/);
    const rep = parseAllocFailureReports(readFileSync(join(FIX, 'x86-5.10-syslog-atomic.txt'), 'utf8'))[0]!;
    expect(rep.suppressedBefore).toBe(4);
    expect(rep.swapCacheStats).toBe(true);
  });

  it('vm.extfrag_threshold decides compaction_suitable for a costly order: the default 500, or the value given', () => {
    /*
     * The 5.10 x86 report made order 4 with Normal's 240000kB in 7500 order-3 blocks: fragmentation index
     * 1000 − (1000 + 60000·1000/16) / 7500 = 1000 − 500 = 500 (integer division). compaction_suitable:
     * the order-0 check at low (13118) + 2<<4 passes, and 500 ≤ extfrag_threshold 500 → COMPACT_NOT_SUITABLE_ZONE
     * (a low-memory failure); with vm.extfrag_threshold=499 the zone is a fragmentation failure → continue.
     */
    const text = readFileSync(join(FIX, 'x86-5.10-syslog-atomic.txt'), 'utf8')
      .replace('order:2, mode', 'order:4, mode')
      .replace(/Node 0 Normal: 40000\*4kB \(UMEH\) 10000\*8kB \(UMEH\) 0\*16kB 0\*32kB/, 'Node 0 Normal: 0*4kB 0*8kB 0*16kB 7500*32kB (UMEH)');
    const byDefault = explainText(text);
    const normal = byDefault.explanation.zones[0]!;
    expect([normal.zone, normal.fragmentation_index, normal.compaction]).toEqual(['Node 0 Normal', 500, 'not_suitable_zone']);
    expect(byDefault.inferred).toContain('vm.extfrag_threshold 500: the kernel\'s default (a report does not print it; give the machine\'s value if it was changed)');
    expect(byDefault.explanation.compaction[0]).toMatch(/fragmentation index 0\.500; compaction would not run: the fragmentation index is ≤ 0\.5 \(vm\.extfrag_threshold 500/);
    const given = explainText(text, { extfragThreshold: 499 });
    expect(given.explanation.zones[0]!.compaction).toBe('continue');
    expect(given.inferred.join('\n')).not.toMatch(/extfrag_threshold/);
    // mm.recheck's path: the write changes compaction's verdict; a value outside 0..1000 is refused
    const { input } = reportExplainInput(parseAllocFailureReports(text, 'test.txt')[0]!, { file: 'test.txt' });
    expect(explainFailure(retuneExplainInput(input, { extfrag_threshold: 499 })).zones[0]!.compaction).toBe('continue');
    expect(() => retuneExplainInput(input, { 'vm.extfrag_threshold': 2000 })).toThrow(/vm\.extfrag_threshold must be an integer in 0\.\.1000/);
  });

  it('4.14 Android arm64: <4> levels, no NUMA, no boost, no reserved_highatomic, 3-zone enum, CMA, old GFP bits', () => {
    /*
     * mode:0x14040c0(GFP_KERNEL|__GFP_COMP): 4.14 numbers the bits differently; by name: Normal zone, Unmovable,
     * flags MIN|CPUSET|KSWAPD, no ALLOC_CMA. lowmem_reserve[] has 3 entries: DMA, Normal, Movable.
     * Normal: 120000kB = 30000 free, 2560kB = 640 CMA; counted 30000 − 15 − 640 = 29345 > 1800 (7200kB); the blocks
     *   at orders ≥ 4 are all CMA (letter C only) → no usable block.
     * DMA: 9000 − 15 − 5000 CMA = 3985 <= 2600 + 2342 → refused.
     */
    const r = explainFile(join(FIX, 'android-4.14-arm64-order4.txt'));
    const e = r.explanation;
    expect([r.arch, r.kernel, r.reportVersion]).toEqual(['arm64', '5.10', '4.14.190']);
    expect(r.inferred).toContain('zone enum DMA, Normal, Movable (MAX_NR_ZONES 3 from lowmem_reserve[]; the arm64 5.10 profile has DMA, DMA32, Normal, Movable)');
    expect(r.inferred.join('\n')).toMatch(/decode to 0x40cc0 in the 5\.10\/6\.1 bit layout, the kernel printed 0x14040c0/);
    expect(e.highest_zone).toBe('Normal');
    expect(e.zones.map((z) => [z.zone, z.counted_free, z.mark, z.reserve, z.cma_excluded, z.failed_test])).toEqual([
      ['Normal', 29345, 1800, 0, 640, 'no-suitable-block'],
      ['DMA', 3985, 2600, 2342, 5000, 'watermark'],
    ]);
    expect(e.zones[1]!.reason).toContain('5000 free pages are CMA, which a non-movable request may not use');
    expect(e.tuning[0]!.value).toBeNull(); // no min_free_kbytes value helps a block-less zone
  });

  it('6.1 arm with HighMem: a zone line wrapped at 80 columns and KERN_CONT pieces are joined', () => {
    /*
     * GFP_HIGHUSER_MOVABLE: zone Movable (index 3 of DMA, Normal, HighMem, Movable), ALLOC_CMA.
     * HighMem: 480kB = 120 free (CMA counted), min 512kB = 128 → 120 <= 128.
     * DMA: 26000kB = 6500, min 5632, lowmem_reserve[Movable] = 1280 → 6500 <= 6912.
     * lowmem_reserve_ratio for DMA: floor(327680 / r) ≤ 6500 − 5632 − 1 = 867 → r ≥ 378 (377 gives 869).
     * min_free_kbytes: DMA is the only lowmem zone (min = pages_min); 6500 > min + 1280 needs min ≤ 5219 →
     *   ≤ 5219·4 + 3 = 20879; HighMem's min is clamp(managed/1024, 32, 128) = 128 whatever the value.
     * reclaim: DMA's file LRU 20000kB = 5000 pages: 11500 > 6912.
     */
    const text = readFileSync(join(FIX, 'arm-6.1-highmem-wrapped.txt'), 'utf8');
    const rep = parseAllocFailureReports(text)[0]!;
    const dma = rep.zones.find((z) => z.name === 'DMA')!;
    expect(dma.fields.managed).toBe(747572);
    expect(dma.fields.free_cma).toBe(0);
    const hm = rep.zones.find((z) => z.name === 'HighMem')!;
    expect(hm.freeArea!.counts).toEqual([8, 8, 4, 2, 2, 1, 0, 0, 0, 0, 0, 0]);
    expect(hm.freeArea!.letters.slice(0, 6)).toEqual(['M', 'MC', 'MC', 'C', 'C', 'M']);
    expect(hm.freeArea!.totalKb).toBe(480);
    expect(rep.warnings).toEqual([]);
    const r = explainText(text);
    const e = r.explanation;
    expect([r.arch, r.kernel]).toEqual(['arm', '6.1']);
    expect(e.zones.map((z) => [z.zone, z.counted_free, z.mark, z.reserve, z.ok])).toEqual([
      ['HighMem', 120, 128, 0, false],
      ['DMA', 6500, 5632, 1280, false],
    ]);
    expect(e.tuning.map((t) => [t.sysctl, t.value])).toEqual([
      ['vm.min_free_kbytes', '20879'],
      ['vm.lowmem_reserve_ratio', '378 32 0 0'], // defaults DMA 256, Normal 32, HighMem 0, Movable 0
      ['vm.watermark_scale_factor', null],
    ]);
    expect(e.zones[1]!.ok_after_reclaim).toBe(true);
  });

  it('a 3.x report with a hex-only mode, a period after "failure" and no type letters (pre-4.4 rules)', () => {
    /*
     * 3.x: mode:0x20 = __GFP_HIGH only (GFP_ATOMIC then): no __GFP_WAIT → atomic → ALLOC_HARDER; ALLOC_HIGH.
     * Normal: free 4000kB = 1000, min 2000kB = 500 → 500 − 250 = 250 → 250 − 62 = 188; order 1: 1000 − 1 = 999 > 188;
     * pre-4.4 high-order test: subtract order-0 pages (900): 999 − 900 = 99, min 188 >> 1 = 94; 99 > 94 → passes.
     */
    const text = [
      '[  100.000001] kswapd0: page allocation failure. order:1, mode:0x20',
      '[  100.000002] CPU: 0 PID: 40 Comm: kswapd0 Not tainted 3.16.0-4-amd64 #1 Debian 3.16.7-ckt20-1+deb8u3',
      '[  100.000003] Mem-Info:',
      '[  100.000004] Node 0 Normal free:4000kB min:2000kB low:2500kB high:3000kB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB present:1048576kB managed:1000000kB free_cma:0kB',
      '[  100.000005] lowmem_reserve[]: 0 0 0 0',
      '[  100.000006] Node 0 Normal: 900*4kB 10*8kB 4*16kB 1*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 3776kB',
    ].join('\n');
    const r = explainText(text);
    expect(r.reportVersion).toBe('3.16.7'); // "Debian 3.16.7-ckt20-1+deb8u3"
    expect(r.inferred.join('\n')).toMatch(/decoded with the 3\.x–4\.3 GFP layout/);
    expect(r.explanation.alloc_flags_text).toBe('ALLOC_WMARK_MIN|ALLOC_HARDER|ALLOC_HIGH|ALLOC_KSWAPD');
    expect(r.explanation.zones[0]!.mark).toBe(188);
    expect(r.explanation.zones[0]!.ok).toBe(true); // the kernel's numbers let it pass: the state changed after the failure
    expect(r.explanation.notes.join('\n')).toMatch(/kernels before 4\.4 test high orders by subtracting/);
    expect(r.warnings).toEqual([]);
  });
});

describe('the model\'s own reports explain to the model\'s own numbers', () => {
  for (const [arch, kernel, ram] of [['arm64', '6.1', 512], ['x86_64', '5.10', 512], ['arm', '6.1', 1024], ['x86_64', '6.1', 1024]] as const) {
    it(`${arch} ${kernel}: warn_alloc text → mmbook explain gives the same per-zone check`, () => {
      const run = start(arch, kernel, ram);
      const hog = run.task('hog');
      fill(run, hog, 'anon');
      let res;
      do res = run.alloc('GFP_KERNEL|__GFP_NORETRY', 0, { task: hog, kind: 'anon' });
      while (res.ok);
      const f = run.failures.at(-1)!;
      const r = explainText(f.report!, { arch, kernel });
      const keys = (z: (typeof f.explanation.zones)[number]) => [z.zone, z.free, z.counted_free, z.mark, z.reserve, z.highatomic, z.cma_excluded, z.ok, z.failed_test];
      expect(r.explanation.zones.map(keys)).toEqual(f.explanation.zones.map(keys));
      expect(r.explanation.alloc_flags_text).toBe(f.explanation.alloc_flags_text);
      expect(r.warnings).toEqual([]);
    });
  }

  it('x86_64 6.1, two nodes, GFP_DMA32: the report leaves out Normal and node 1; their memory comes from "pages RAM" and the tuning matches the model\'s', () => {
    const run = start('x86_64', '6.1', 6144, 1, 2);
    const hog = run.task('hog');
    fill(run, hog, 'anon');
    while (run.alloc('GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN', 0, { task: hog, kind: 'anon' }).ok);
    expect(run.alloc('GFP_KERNEL|GFP_DMA32|__GFP_NORETRY', 0).ok).toBe(false);
    const f = run.failures.at(-1)!;
    expect(f.report).not.toMatch(/Normal free:/); // 6.1 __show_free_areas: zones ≤ gfp_zone only
    const r = explainText(f.report!);
    const keys = (z: (typeof f.explanation.zones)[number]) => [z.zone, z.counted_free, z.mark, z.reserve, z.ok];
    expect(r.explanation.zones.map(keys)).toEqual(f.explanation.zones.map(keys));
    expect(r.explanation.tuning.map((t) => [t.sysctl, t.value])).toEqual(f.explanation.tuning.map((t) => [t.sysctl, t.value]));
    expect(r.inferred.join('\n')).toMatch(/memory the report leaves out \("pages RAM" \d+ − the zones shown \d+\)/);
  });

  it('an OOM killer report from the model parses as kind oom-killer', () => {
    const run = start('arm64', '6.1', 256);
    const hog = run.task('hog');
    fill(run, hog, 'anon');
    while (run.ooms.length === 0) run.alloc('GFP_KERNEL', 0, { task: hog, kind: 'anon' });
    const o = run.ooms[0]!;
    const r = explainText(run.log.slice(o.logStart, o.logEnd).join('\n'));
    expect(r.kind).toBe('oom-killer');
    expect(r.comm).toBe('hog');
    expect(r.explanation.notes).toContain('this is an OOM killer report: the allocation reached out_of_memory, so it may still have succeeded after a kill');
  });
});

describe('log prefixes and malformed input', () => {
  it('strips timestamps, levels, syslog/journal headers, caller ids and warn_alloc: prefixes', () => {
    const want = 'Node 0 DMA32 free:1kB min:2kB';
    for (const raw of [
      `[  123.456789] ${want}`,
      `<4>[  123.456789] ${want}`,
      `<4>[  123.456789][ T1234] ${want}`,
      `[  123.456789][    C1] ${want}`,
      `Jan  2 10:00:01 host kernel: [  123.456789] ${want}`,
      `2024-01-02T10:00:01.123456+01:00 host kernel: ${want}`,
      `kernel: ${want}`,
      `kern  :warn  : [Tue Jan  2 10:00:01 2024] ${want}`,
      `warn_alloc: ${want}`,
      `${want}\r`,
    ]) expect(stripLogPrefixes(raw)).toBe(want);
    expect(stripLogPrefixes('[  1.0]  active_file:0')).toBe(' active_file:0'); // the continuation's own space stays
    expect(stripLogPrefixes('warn_alloc: 3 callbacks suppressed')).toBe('warn_alloc: 3 callbacks suppressed');
  });

  const HEAD = 'x: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=(null)';
  it('no report at all: REPORT_NONE', () => {
    expect(() => parseAllocFailureReports('hello\nworld\n', 'f.txt')).toThrow(/^f\.txt: no "page allocation failure: order:N, mode:0x…" or "invoked oom-killer: gfp_mask=0x…" line in 3 lines/);
  });
  it('a header without the show_mem zone lines: REPORT_NO_ZONES with the lines', () => {
    expect(() => explainText(`junk\n${HEAD}\nCPU: 0 PID: 1 Comm: x Not tainted 6.1.0 #1\nMem-Info:\n`)).toThrow(/test\.txt line 2: the report \(lines 2–5\) has no show_mem zone lines/);
  });
  it('a zone line without min: REPORT_MALFORMED naming the line', () => {
    expect(() => parseAllocFailureReports(`${HEAD}\nMem-Info:\nNode 0 DMA free:100kB low:200kB high:300kB\n`, 'f.txt')).toThrow(/^f\.txt line 3: the zone line of Node 0 DMA has no min:NkB field/);
  });
  it('a free-list line whose block sizes do not double: REPORT_MALFORMED', () => {
    const t = `${HEAD}\nNode 0 DMA free:100kB min:20kB\nlowmem_reserve[]: 0 0 0 0\nNode 0 DMA: 1*4kB 2*16kB = 36kB\n`;
    expect(() => parseAllocFailureReports(t, 'f.txt')).toThrow(/^f\.txt line 4: the free-list line of DMA: block size 16kB at order 1 is not twice 4kB/);
  });
  it('a lowmem_reserve line that is not numbers: REPORT_MALFORMED', () => {
    expect(() => parseAllocFailureReports(`${HEAD}\nNode 0 DMA free:100kB min:20kB\nlowmem_reserve[]: 0 x 0\n`, 'f.txt')).toThrow(/^f\.txt line 3: lowmem_reserve\[\] must be followed by integers, got "0 x 0"/);
  });
  it('an unknown zone name: REPORT_MALFORMED', () => {
    expect(() => explainText(`${HEAD}\nNode 0 Weird free:100kB min:20kB\nlowmem_reserve[]: 0 0 0 0\n`)).toThrow(/test\.txt line 2: unknown zone name "Weird"/);
  });
  it('an OOM report without an allocation (order=-1, sysrq or memcg) is refused with the reason', () => {
    expect(() => explainText('bash invoked oom-killer: gfp_mask=0x0(), order=-1, oom_score_adj=0\nNode 0 DMA free:100kB min:20kB\n')).toThrow(/order=-1: it was triggered by sysrq or a memory cgroup/);
  });
  it('missing sections are warnings, not errors', () => {
    const r = explainText(`${HEAD}\nNode 0 Normal free:400kB min:800kB\n`, { arch: 'x86_64', kernel: '6.1' });
    expect(r.explanation.zones[0]!.failed_test).toBe('watermark');
    expect(r.warnings).toContain('Normal (line 2) has no lowmem_reserve[] line: taken as 0');
  });
  it('a contradiction with --arch/--kernel is a warning', () => {
    const r = explainFile(join(ORACLE_RT, 'rt-a64-2g-hugetlb-cma/rt_dmesg.txt'), { arch: 'x86_64', kernel: '5.10' });
    expect(r.arch).toBe('x86_64');
    expect(r.warnings.join('\n')).toMatch(/the report comes from kernel 6\.1\.176; explained with the 5\.10 profile/);
    expect(r.warnings.join('\n')).toMatch(/the report looks like arm64 .* but --arch is x86_64/);
    expect(r.explanation.zones[0]!.counted_free).toBe(5577);
  });
});
