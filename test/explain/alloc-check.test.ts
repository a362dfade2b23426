/**
 * The "can it succeed" calculator (checkAllocation on a MachineView): per zone of the zonelist the
 * kernel's arithmetic for the fast path's first attempt (low watermark) or the slow path's (min,
 * gfp_to_alloc_flags), under both reserve-flag schemes, with free CMA pages and a highatomic
 * reserve. The expected numbers are derived by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ORACLE_RT } from '../helpers/oracle-dir';
import { mm, bootedMachine } from '../../src/lib/mm';
import { checkAllocation, type CheckRequest } from '../../src/sim/index';
import type { MachineView } from '../../src/sim/view';
import type { ZoneViewExtra } from '../../src/sim/format/extra';

/*
 * One zone, "Node 0 DMA" (arm64 is built with NUMA; 2 GiB at 0x40000000: all of it is ZONE_DMA; cma=64M gives CMA pageblocks),
 * with its free lists set by hand (columns Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate):
 *   order 0: U 1000, M 4076, E 500, CMA 200   → 5776 pages
 *   order 1: U 100, M 100, CMA 100           →  600 pages
 *   order 2: HighAtomic 256                   → 1024 pages (the 2 HighAtomic pageblocks of 512 pages)
 *   order 3: CMA 325                          → 2600 pages
 * free 10000, free CMA 200 + 200 + 2600 = 3000, nr_reserved_highatomic 1024;
 * watermarks min 5632, low 7040, high 8448 (the a64-2g-cma64 boot's), boost 0, lowmem_reserve 0.
 */
function crafted(kernel: '5.10' | '6.1', opts: { highatomicField?: boolean; free?: number } = {}): MachineView {
  const v = structuredClone(mm.boot({ arch: 'arm64', kernel, topology: { ramMiB: 2048, nodes: 1, cpus: 2 }, cmdline: 'cma=64M' }).view());
  const z = v.nodes[0]!.zones.find((x) => x.name === 'DMA')! as ZoneViewExtra;
  const rows = Array.from({ length: v.maxOrder }, () => [0, 0, 0, 0, 0, 0]);
  rows[0] = [1000, 4076, 500, 0, 200, 0];
  rows[1] = [100, 100, 0, 0, 100, 0];
  rows[2] = [0, 0, 0, 256, 0, 0];
  rows[3] = [0, 0, 0, 0, 325, 0];
  expect(v.migratetypeNames).toEqual(['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', 'CMA', 'Isolate']);
  Object.assign(z, { free: opts.free ?? 10000, freeCma: 3000, min: 5632, low: 7040, high: 8448, boost: 0, freeArea: rows, blocksByType: [100, 800, 20, 2, 32, 0] });
  z.protection = z.protection.map(() => 0);
  if (opts.highatomicField !== false) z.reservedHighatomic = 1024;
  return v;
}

const check = (v: MachineView, req: CheckRequest) => checkAllocation(v, req);
const zone0 = (v: MachineView, req: CheckRequest) => {
  const c = check(v, req);
  const z = c.explanation.zones[0]!;
  return { ok: z.ok, counted: z.counted_free, mark: z.mark, reserve: z.reserve, highatomic: z.highatomic, cma: z.cma_excluded, failed: z.failed_test, blocks: z.free_at_order, flags: c.explanation.alloc_flags_text };
};

describe('6.1 profile (ALLOC_NON_BLOCK / ALLOC_MIN_RESERVE / ALLOC_HIGHATOMIC)', () => {
  const v = crafted('6.1');

  it('GFP_KERNEL order 0, fast path: 10000 − 1024 highatomic − 3000 free CMA = 5976 ≤ low 7040; the slow path at min 5632 passes', () => {
    const c = check(v, { gfp: 'GFP_KERNEL', order: 0 });
    expect(zone0(v, { gfp: 'GFP_KERNEL', order: 0 })).toEqual({ ok: false, counted: 5976, mark: 7040, reserve: 0, highatomic: 1024, cma: 3000, failed: 'watermark', blocks: 5776, flags: 'ALLOC_WMARK_LOW|ALLOC_KSWAPD' });
    expect(c.ok).toBe(false);
    expect(c.other).toEqual({ attempt: 'slow', ok: true, zone: 'Node 0 DMA' });
    expect(c.explanation.zones[0]!.reason).toBe('5976 <= 7040 + 0: free pages counted are not above the low watermark (3000 free pages are CMA, which a non-movable request may not use)');
    // (without the 1024 highatomic pages it would still fail: 10000 − 3000 = 7000 ≤ 7040; without the CMA pages it passes: 8976)
    expect(c.explanation.verdict).toMatch(/^The order-0 Unmovable request \(0xcc0\(GFP_KERNEL\), zones up to Normal\) is refused on the first attempt \(Node 0 DMA 5976 ≤ 7040 \+ 0\): __alloc_pages_slowpath wakes kswapd and retries at the min watermark, where Node 0 DMA passes/);
    const slow = zone0(v, { gfp: 'GFP_KERNEL', order: 0, attempt: 'slow' });
    expect(slow).toMatchObject({ ok: true, counted: 5976, mark: 5632, flags: 'ALLOC_WMARK_MIN|ALLOC_CPUSET|ALLOC_KSWAPD' });
  });

  it('GFP_HIGHUSER_MOVABLE order 0 counts the free CMA pages (ALLOC_CMA): 10000 − 1024 = 8976 > 7040', () => {
    const c = check(v, { gfp: 'GFP_HIGHUSER_MOVABLE', order: 0 });
    expect(zone0(v, { gfp: 'GFP_HIGHUSER_MOVABLE', order: 0 })).toMatchObject({ ok: true, counted: 8976, mark: 7040, cma: 0, flags: 'ALLOC_WMARK_LOW|ALLOC_CMA|ALLOC_KSWAPD' });
    expect(c.explanation.zones[0]!.cma_counted).toBe(3000);
    expect(c.zone).toBe('Node 0 DMA');
    expect(c.explanation.verdict).toMatch(/^It succeeds: on the fast path's first attempt \(low watermark\), get_page_from_freelist takes the order-0 Movable request .* from Node 0 DMA: counted free 8976 > 7040 \(low\) \+ 0 \(lowmem_reserve\)\. No reclaim/);
    expect(c.explanation.tuning).toEqual([]);
  });

  it('GFP_KERNEL order 2 at min: 10000 − 3 − 1024 − 3000 = 5973 > 5632, but no Unmovable/Movable/Reclaimable block of order ≥ 2', () => {
    expect(zone0(v, { gfp: 'GFP_KERNEL', order: 2, attempt: 'slow' })).toEqual({ ok: false, counted: 5973, mark: 5632, reserve: 0, highatomic: 1024, cma: 3000, failed: 'no-suitable-block', blocks: 0, flags: 'ALLOC_WMARK_MIN|ALLOC_CPUSET|ALLOC_KSWAPD' });
    // GFP_KERNEL may sleep: the verdict says what comes next
    expect(check(v, { gfp: 'GFP_KERNEL', order: 2, attempt: 'slow' }).explanation.verdict).toMatch(/enters direct reclaim and compaction/);
  });

  it('GFP_HIGHUSER_MOVABLE order 2 at min takes a CMA block: 8973 > 5632 and 325 order-3 CMA blocks', () => {
    expect(zone0(v, { gfp: 'GFP_HIGHUSER_MOVABLE', order: 2, attempt: 'slow' })).toMatchObject({ ok: true, counted: 8973, mark: 5632, blocks: 325 });
  });

  it('GFP_ATOMIC order 2 at min: ALLOC_MIN_RESERVE halves min (2816), ALLOC_NON_BLOCK takes a quarter (2112); the highatomic reserve counts and its lists serve', () => {
    const z = zone0(v, { gfp: 'GFP_ATOMIC', order: 2, attempt: 'slow' });
    expect(z).toEqual({ ok: true, counted: 6997, mark: 2112, reserve: 0, highatomic: 0, cma: 3000, failed: null, blocks: 256, flags: 'ALLOC_WMARK_MIN|ALLOC_NON_BLOCK|ALLOC_MIN_RESERVE|ALLOC_HIGHATOMIC|ALLOC_KSWAPD' });
    expect(check(v, { gfp: 'GFP_ATOMIC', order: 2, attempt: 'slow' }).explanation.zones[0]!.mark_arithmetic).toBe('min 5632; ALLOC_MIN_RESERVE: 5632 − 5632/2 = 2816; ALLOC_NON_BLOCK: 2816 − 2816/4 = 2112');
  });

  it('GFP_KERNEL|__GFP_HIGH order 2 at min: ALLOC_MIN_RESERVE counts the reserve (6997 > 2816) but may not take HighAtomic blocks', () => {
    expect(zone0(v, { gfp: 'GFP_KERNEL|__GFP_HIGH', order: 2, attempt: 'slow' })).toMatchObject({ ok: false, counted: 6997, mark: 2816, highatomic: 0, failed: 'no-suitable-block', blocks: 0 });
  });

  it('GFP_NOWAIT at min: ALLOC_NON_BLOCK alone lowers no mark, but counts the highatomic reserve (10000 − 3000 = 7000)', () => {
    expect(zone0(v, { gfp: 'GFP_NOWAIT', order: 0, attempt: 'slow' })).toMatchObject({ ok: true, counted: 7000, mark: 5632, highatomic: 0, flags: 'ALLOC_WMARK_MIN|ALLOC_NON_BLOCK|ALLOC_CPUSET|ALLOC_KSWAPD' });
    // at 9000 free, 5.10 would refuse it (below), 6.1 passes: 9000 − 3000 = 6000 > 5632
    expect(zone0(crafted('6.1', { free: 9000 }), { gfp: 'GFP_NOWAIT', order: 0, attempt: 'slow' })).toMatchObject({ ok: true, counted: 6000 });
  });

  it('without the field, the highatomic reserve is inferred from the HighAtomic pageblocks (2 × 512) and said', () => {
    const c = check(crafted('6.1', { highatomicField: false }), { gfp: 'GFP_KERNEL', order: 0 });
    expect(c.explanation.zones[0]!.counted_free).toBe(5976);
    expect(c.explanation.notes).toContain('Node 0 DMA: nr_reserved_highatomic ≈ 1024 (its 2 HighAtomic pageblocks × 512 pages; /proc does not print the reserve)');
  });
});

describe('5.10 profile (ALLOC_HARDER / ALLOC_HIGH)', () => {
  const v = crafted('5.10');

  it('GFP_ATOMIC order 2 at min: ALLOC_HIGH halves min (2816), ALLOC_HARDER takes a quarter (2112) and may use the HighAtomic lists', () => {
    const z = zone0(v, { gfp: 'GFP_ATOMIC', order: 2, attempt: 'slow' });
    expect(z).toEqual({ ok: true, counted: 6997, mark: 2112, reserve: 0, highatomic: 0, cma: 3000, failed: null, blocks: 256, flags: 'ALLOC_WMARK_MIN|ALLOC_HARDER|ALLOC_HIGH|ALLOC_KSWAPD' });
    expect(check(v, { gfp: 'GFP_ATOMIC', order: 2, attempt: 'slow' }).explanation.zones[0]!.mark_arithmetic).toBe('min 5632; ALLOC_HIGH: 5632 − 5632/2 = 2816; ALLOC_HARDER: 2816 − 2816/4 = 2112');
  });

  it('GFP_KERNEL|__GFP_HIGH order 2 at min: ALLOC_HIGH does not count the highatomic reserve (5973 > 2816), and no block', () => {
    expect(zone0(v, { gfp: 'GFP_KERNEL|__GFP_HIGH', order: 2, attempt: 'slow' })).toMatchObject({ ok: false, counted: 5973, mark: 2816, highatomic: 1024, failed: 'no-suitable-block' });
  });

  it('GFP_NOWAIT at min has no reserve flag in 5.10: at 9000 free, 9000 − 1024 − 3000 = 4976 ≤ 5632 refuses it', () => {
    const z = zone0(crafted('5.10', { free: 9000 }), { gfp: 'GFP_NOWAIT', order: 0, attempt: 'slow' });
    expect(z).toMatchObject({ ok: false, counted: 4976, mark: 5632, highatomic: 1024, failed: 'watermark', flags: 'ALLOC_WMARK_MIN|ALLOC_CPUSET|ALLOC_KSWAPD' });
    // it cannot sleep: it fails there
    expect(check(crafted('5.10', { free: 9000 }), { gfp: 'GFP_NOWAIT', order: 0, attempt: 'slow' }).explanation.verdict).toMatch(/cannot sleep \(no __GFP_DIRECT_RECLAIM\), so it fails here and warn_alloc prints/);
  });
});

describe('zonelists, lowmem_reserve and the machine\'s tunables', () => {
  it('x64-1g: GFP_KERNEL falls back from DMA32 to DMA, whose lowmem_reserve[Normal] (936) keeps it back', () => {
    const m = mm.boot({ fixture: 'x64-1g' });
    const v = structuredClone(m.view());
    const dma32 = v.nodes[0]!.zones.find((z) => z.name === 'DMA32')!;
    dma32.free = 11000; // ≤ low 13857: refused on the fast path
    const c = check(v, { gfp: 'GFP_KERNEL', order: 0 });
    expect(c.explanation.zones.map((z) => z.zone)).toEqual(['Node 0 DMA32', 'Node 0 DMA']);
    // DMA: 3840 free, low 221, lowmem_reserve[Normal] = 936: 3840 > 221 + 936
    expect(c.explanation.zones.map((z) => [z.counted_free, z.mark, z.reserve, z.ok])).toEqual([[11000, 13857, 0, false], [3840, 221, 936, true]]);
    expect(c.zone).toBe('Node 0 DMA');
    expect(c.explanation.verdict).toContain('from Node 0 DMA after Node 0 DMA32 refused (11000 ≤ 13857 + 0)');
    // GFP_DMA32 stops at DMA32 (lowmem_reserve column 1: DMA keeps 936 back from it too)
    expect(check(v, { gfp: 'GFP_DMA32|GFP_KERNEL', order: 0 }).explanation.zones.map((z) => [z.zone, z.reserve])).toEqual([['Node 0 DMA32', 0], ['Node 0 DMA', 936]]);
  });

  it('with no zone passing, the machine\'s tunables give the min_free_kbytes that would let it pass', () => {
    /*
     * x64-1g at min (slow path): DMA32 11000 free ≤ min 11086; DMA 1000 ≤ min 177 + lowmem_reserve 936.
     * __setup_per_zone_wmarks gives DMA32 min = pages_min × 242099 / (242099 + 3840) (truncating):
     * ≤ 10999 needs pages_min × 242099 < 11000 × 245939, i.e. pages_min ≤ 11174 (11174 × 242099 /
     * 245939 = 10999.5; 11175 gives 11000.5), so min_free_kbytes ≤ 11174 × 4 + 3 = 44699.
     */
    const m = mm.boot({ fixture: 'x64-1g' });
    const v = structuredClone(m.view());
    for (const z of v.nodes[0]!.zones) if (z.name === 'DMA32') z.free = 11000; else if (z.name === 'DMA') z.free = 1000;
    const c = checkAllocation(v, { gfp: 'GFP_KERNEL', order: 0, attempt: 'slow' }, { tunables: bootedMachine(m).parts.tunables });
    expect(c.ok).toBe(false);
    expect(c.explanation.zones.map((z) => [z.counted_free, z.mark, z.reserve])).toEqual([[11000, 11086, 0], [1000, 177, 936]]);
    const t = c.explanation.tuning.find((s) => s.sysctl === 'vm.min_free_kbytes')!;
    expect(t.value).toBe('44699');
    // without the machine's tunables there is no tuning search
    expect(checkAllocation(v, { gfp: 'GFP_KERNEL', order: 0, attempt: 'slow' }).explanation.tuning).toEqual([]);
  });

  it('x64-6g-numa2: the preferred node\'s zones come first, then the other node\'s', () => {
    const v = mm.boot({ fixture: 'x64-6g-numa2' }).view();
    const zones = (nid: number) => check(v, { gfp: 'GFP_KERNEL', order: 0, nid }).explanation.zones.map((z) => z.zone);
    expect(zones(0)[0]).toMatch(/^Node 0 /);
    expect(zones(1)[0]).toMatch(/^Node 1 /);
    expect(zones(1).some((z) => z.startsWith('Node 0 '))).toBe(true);
    expect(check(v, { gfp: 'GFP_KERNEL|__GFP_THISNODE', order: 0, nid: 1 }).explanation.zones.every((z) => z.zone.startsWith('Node 1 '))).toBe(true);
  });

  it('a machine imported from zoneinfo: pagetypeinfo gives exact lists, a buddyinfo alone an upper bound, zoneinfo alone none', () => {
    /*
     * oracle-rt rt-a64-2g-hugetlb-cma, phase 04_filled: "pages free 101302", "nr_free_cma 50678", low 7040.
     * GFP_KERNEL order 4, first attempt: 101302 − 15 − 0 − 50678 = 50609 > 7040. pagetypeinfo's blocks of
     * order ≥ 4 on the lists it may use: Movable 1 (order 9) + 48 (order 10), Reclaimable 1 + 1 + 1 + 1
     * (orders 4, 7, 8, 9) = 53; CMA adds 1 + 1 + 1 + 1 + 1 + 49 = 54: buddyinfo's 107 at orders ≥ 4.
     */
    const f = (n: string) => readFileSync(join(ORACLE_RT, 'rt-a64-2g-hugetlb-cma', `rt_phase.04_filled.${n}.txt`), 'utf8');
    const view = (extra: { buddyinfo?: string; pagetypeinfo?: string }) => mm.boot({ arch: 'arm64', kernel: '6.1', zoneinfo: f('zoneinfo'), ...extra }).view();
    const req = { gfp: 'GFP_KERNEL', order: 4 };
    const typed = check(view({ buddyinfo: f('buddyinfo'), pagetypeinfo: f('pagetypeinfo') }), req);
    expect(typed.explanation.zones.map((z) => [z.counted_free, z.mark, z.free_at_order, z.free_at_order_exact, z.ok])).toEqual([[50609, 7040, 53, true, true]]);
    const orders = check(view({ buddyinfo: f('buddyinfo') }), req);
    expect(orders.explanation.zones.map((z) => [z.free_at_order, z.free_at_order_exact, z.ok])).toEqual([[107, false, true]]);
    expect(orders.explanation.notes.join(' ')).toContain('the free lists come from a buddyinfo alone');
    const none = check(view({}), req);
    expect(none.explanation.notes.join(' ')).toContain('the free lists are not known (give the machine\'s buddyinfo and pagetypeinfo with its zoneinfo)');
  });

  it('bad requests are MmErrors that say what is wrong', () => {
    const v = crafted('6.1');
    expect(() => check(v, { gfp: 'GFP_KERNEL', order: 11 })).toThrow(/^order 11 is not below MAX_ORDER \(11\)/);
    expect(() => check(v, { gfp: 'GFP_KERNEL', order: -1 })).toThrow(/order must be an integer ≥ 0, got -1/);
    expect(() => check(v, { gfp: 'GFP_KERNAL', order: 0 })).toThrow(/unknown GFP flag "GFP_KERNAL"/);
    expect(() => check(v, { gfp: 'GFP_KERNEL', order: 0, nid: 3 })).toThrow(/node 3 has no memory; the nodes with memory are 0/);
    expect(() => check(v, { gfp: 'GFP_KERNEL', order: 0, attempt: 'slowest' as 'slow' })).toThrow(/attempt must be 'fast'/);
  });
});
