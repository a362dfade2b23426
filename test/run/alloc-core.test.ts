/**
 * The run-time allocator's fast path against what mm/page_alloc.c does, on both kernels. Each
 * expectation is derived in a comment from the kernel's rules (rmqueue, rmqueue_bulk,
 * __rmqueue_smallest/expand, __rmqueue_fallback, steal_suitable_fallback, free_unref_page_commit).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootMachine, MmError, TraceRecorder, type Machine } from '../../src/sim/index';
import { MIGRATE_MOVABLE, MIGRATE_UNMOVABLE } from '../../src/sim/types';
import { ORACLE } from '../helpers/oracle-dir';

const oracleMachine = (dir: string, kernel: '5.10' | '6.1'): Machine =>
  bootMachine({ arch: 'arm64', kernel, dtb: new Uint8Array(readFileSync(`${ORACLE}/${dir}/virt.dtb`)), bootLog: readFileSync(`${ORACLE}/${dir}/kernel-console.txt`, 'utf8') });

const topo = (kernel: '5.10' | '6.1', ramMiB: number, cmdline = '', arch: 'arm64' | 'x86_64' | 'arm' = 'arm64', cpus = 1): Machine =>
  bootMachine({ arch, kernel, topology: { arch, kernel, ramMiB, cpus }, cmdline });

describe('the first GFP_KERNEL order-0 allocation of a fresh 6.1 boot (a64-2g-cma64)', () => {
  const m = oracleMachine('a64-2g-cma64', '6.1');
  const boot = m.parts.buddy!;
  const dma = 0; // zone id of node 0 DMA
  // Every free block after boot is Movable (or CMA): the boot hand-over put them on free_list[MOVABLE]
  // in ascending pfn order, so the head of the order-10 Movable list is the lowest such block.
  const P = boot.listPfns(dma, 10, MIGRATE_MOVABLE)[0]!;
  const run = m.start();
  const rec = new TraceRecorder();
  run.setTrace(rec);
  const freeBefore = boot.freePages(dma);
  const r = run.alloc('GFP_KERNEL', 0);

  it('steals the head order-10 Movable block for Unmovable (a whole block: both pageblocks change owner)', () => {
    // __rmqueue_smallest(UNMOVABLE) finds nothing; __rmqueue_fallback searches from order 10 down:
    // the Movable list at order 10 is non-empty and can_steal holds for an Unmovable request, so it
    // steals the list head. order 10 >= pageblock_order 9: change_pageblock_range sets both pageblocks.
    const extfrag = rec.events.filter((e) => e.event === 'mm_page_alloc_extfrag');
    expect(extfrag[0]!.args).toEqual([P, 0, 10, MIGRATE_UNMOVABLE, MIGRATE_MOVABLE]);
    expect(run.rs.buddy.getPageblockMigratetype(P)).toBe(MIGRATE_UNMOVABLE);
    expect(run.rs.buddy.getPageblockMigratetype(P + 512)).toBe(MIGRATE_UNMOVABLE);
    expect(run.view().nodes[0]!.zones[0]!.blocksByType.slice(0, 2)).toEqual([2, m.view().nodes[0]!.zones[0]!.blocksByType[1]! - 2]);
  });

  it('refills the pcp list with batch = 63 pages in ascending pfn order and returns its head, P', () => {
    // zone_batchsize(507392 managed): min(507392 >> 10, 256) / 4 = 64; rounddown_pow_of_two(64 + 32) - 1 = 63.
    // rmqueue_bulk appends each page at the tail; expand() leaves the upper halves at the list heads,
    // so the order-0 takes are P, P+1, …, P+62. The allocation takes the head: P.
    expect(r).toEqual({ ok: true, pfn: P, order: 0, nid: 0, zone: 'DMA' });
    const z = run.view().nodes[0]!.zones[0]!;
    expect(z.pcp[0]!.batch).toBe(63);
    expect(z.pcp[0]!.count).toBe(62);
    // NR_FREE_PAGES drops once, by the 63 pages rmqueue_bulk took
    expect(z.free).toBe(freeBefore - 63);
    // 6.1 fires mm_page_alloc_zone_locked for each block __rmqueue_smallest takes, percpu_refill = 1
    const zl = rec.events.filter((e) => e.event === 'mm_page_alloc_zone_locked');
    expect(zl.length).toBe(63);
    expect(zl.map((e) => e.args[0])).toEqual(Array.from({ length: 63 }, (_, k) => P + k));
    expect(zl.every((e) => e.args[2] === MIGRATE_UNMOVABLE && e.args[3] === 1)).toBe(true);
    run.checkInvariants();
  });

  it('an order-1 GFP_KERNEL request refills its own pcp list with max(63 >> 1, 2) = 31 order-1 blocks', () => {
    // After the first refill the Unmovable lists hold P+63 (o0), P+64 (o6), P+128 (o7), P+256 (o8),
    // P+512 (o9). Order-1 takes split P+64's block: P+64, P+66, …, ascending; the head is P+64.
    const r1 = run.alloc('GFP_KERNEL', 1);
    expect(r1).toMatchObject({ ok: true, pfn: P + 64, order: 1 });
    expect(run.view().nodes[0]!.zones[0]!.pcp[0]!.count).toBe(62 + 30 * 2);
    run.checkInvariants();
  });

  it('frees go to the head of the pcp list and do not touch NR_FREE_PAGES below pcp high', () => {
    const z0 = run.view().nodes[0]!.zones[0]!;
    expect(run.free(P)).toBe(0);
    const z1 = run.view().nodes[0]!.zones[0]!;
    expect(z1.pcp[0]!.count).toBe(z0.pcp[0]!.count + 1);
    expect(z1.free).toBe(z0.free);
    // the next order-0 Unmovable allocation takes the list head: the page just freed
    expect(run.alloc('GFP_KERNEL', 0)).toMatchObject({ ok: true, pfn: P });
    run.checkInvariants();
  });

  it('leaves the boot snapshot untouched', () => {
    expect(m.parts.buddy!.freePages(dma)).toBe(freeBefore);
    expect(m.parts.buddy!.getPageblockMigratetype(P)).toBe(MIGRATE_MOVABLE);
    expect(m.view().nodes[0]!.zones[0]!.pcp[0]!.count).toBe(0);
  });
});

describe('5.10 keeps orders above 0 off the pcp lists and has no buddy fallback for an empty pcp refill', () => {
  it('an order-1 GFP_KERNEL request is served by the buddy directly (a64-512m-k510)', () => {
    const m = oracleMachine('a64-512m-k510', '5.10');
    const run = m.start();
    const a = run.alloc('GFP_KERNEL', 0);
    const pcpAfterOrder0 = run.view().nodes[0]!.zones[0]!.pcp[0]!.count;
    const b = run.alloc('GFP_KERNEL', 1);
    expect(a.ok && b.ok).toBe(true);
    // order 1 is not pcp-allowed on 5.10 (order 0 only): the pcp count does not change
    expect(run.view().nodes[0]!.zones[0]!.pcp[0]!.count).toBe(pcpAfterOrder0);
    run.checkInvariants();
  });
});

describe('the CMA balance rule of __rmqueue', () => {
  it.each(['5.10', '6.1'] as const)('%s: a Movable allocation takes CMA first once free CMA pages are more than half the free pages', (kernel) => {
    // 1 GiB with cma=640M: NR_FREE_CMA_PAGES (163840) > NR_FREE_PAGES / 2 (about 129000), so
    // __rmqueue tries __rmqueue_cma_fallback before the Movable lists.
    const m = topo(kernel, 1024, 'cma=640M');
    const run = m.start();
    const r = run.alloc('GFP_HIGHUSER_MOVABLE', 0, { kind: 'anon' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(run.rs.buddy.getPageblockMigratetype(r.pfn)).toBe(4);
    // an Unmovable request never gets CMA pages (no ALLOC_CMA)
    const u = run.alloc('GFP_KERNEL', 0);
    if (u.ok) expect(run.rs.buddy.getPageblockMigratetype(u.pfn)).not.toBe(4);
    run.checkInvariants();
  });

  it.each(['5.10', '6.1'] as const)('%s: with little CMA a Movable allocation takes the Movable lists', (kernel) => {
    const m = topo(kernel, 1024, 'cma=64M');
    const run = m.start();
    const r = run.alloc('GFP_HIGHUSER_MOVABLE', 0, { kind: 'anon' });
    if (r.ok) expect(run.rs.buddy.getPageblockMigratetype(r.pfn)).toBe(MIGRATE_MOVABLE);
  });
});

describe('the highatomic reserve', () => {
  it.each(['5.10', '6.1'] as const)('%s: only an order > 0 allocation served with ALLOC_HARDER (the slow path) reserves its pageblock', (kernel) => {
    const m = topo(kernel, 1024);
    const run = m.start({ daemons: 'manual' });
    const rs = run.rs;
    // The fast path of GFP_ATOMIC runs at ALLOC_WMARK_LOW without ALLOC_HARDER: no reservation.
    const first = run.alloc('GFP_ATOMIC', 2);
    expect(first.ok && rs.buddy.getPageblockMigratetype(first.pfn)).not.toBe(3);
    expect(rs.nrReservedHighatomic[0]).toBe(0);
    // Bring the free pages an Unmovable request may count (NR_FREE_PAGES minus the free CMA pages,
    // which __zone_watermark_unusable_free takes off without ALLOC_CMA) to the low watermark.
    const low = rs.wmarkPages(0, 1);
    const z = rs.buddy.z;
    while (z.free[0] - z.freeCma[0] > low) expect(run.alloc('GFP_KERNEL', 0).ok).toBe(true);
    // Now the fast path fails (free <= low); gfp_to_alloc_flags gives MIN | HIGH | HARDER | KSWAPD,
    // the slow path's first attempt succeeds, and order 2 > 0 with ALLOC_HARDER reserves the block:
    // max = managed / 100 + 512 > 0 = nr_reserved_highatomic, so it becomes MIGRATE_HIGHATOMIC.
    const r = run.alloc('GFP_ATOMIC', 2);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(rs.buddy.getPageblockMigratetype(r.pfn)).toBe(3);
    expect(rs.nrReservedHighatomic[0]).toBe(512);
    // and the slow path woke kswapd (wake_all_kswapds: free is below the high watermark)
    expect(rs.nodes[0]!.kswapdAwake).toBe(true);
    run.checkInvariants();
  });
});

describe('bad requests are MmErrors; a failed allocation is a result', () => {
  const run = topo('6.1', 512).start();
  it('refuses order ≥ MAX_ORDER, unknown GFP names, and frees of pages it did not allocate', () => {
    expect(() => run.alloc('GFP_KERNEL', 11)).toThrow(MmError);
    expect(() => run.alloc('GFP_KERNEL', 11)).toThrow(/order 11 is outside 0\.\.10/);
    expect(() => run.alloc('GFP_KERNAL', 0)).toThrow(/unknown GFP flag "GFP_KERNAL"/);
    const r = run.alloc('GFP_KERNEL', 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    run.free(r.pfn);
    expect(() => run.free(r.pfn)).toThrow(/Bad page state: pfn 0x[0-9a-f]+: it is already free \(double free\)/);
    expect(() => run.free(0x40000)).toThrow(/Bad page state/);
  });
  it('an impossible request fails as a result with a recorded failure', () => {
    const r = run.alloc('GFP_NOWAIT', 10);
    // order-10 GFP_NOWAIT on an unfragmented 512 MiB machine succeeds; exhaust the order-10 blocks first
    void r;
    let last = run.alloc('GFP_NOWAIT', 10);
    for (let k = 0; k < 200 && last.ok; k++) last = run.alloc('GFP_NOWAIT', 10);
    expect(last.ok).toBe(false);
    if (!last.ok) expect(run.failures[last.failure]).toMatchObject({ order: 10 });
    run.checkInvariants();
  });
});

describe('determinism', () => {
  it.each(['5.10', '6.1'] as const)('%s: the same operations on the same machine give the same page state', (kernel) => {
    const m = topo(kernel, 768);
    const ops = (run: ReturnType<Machine['start']>) => run.run([
      { op: 'alloc', gfp: 'GFP_KERNEL', order: 0, count: 500, as: 'k' },
      { op: 'alloc', gfp: 'GFP_HIGHUSER_MOVABLE', order: 0, count: 2000, kind: 'anon', as: 'a' },
      { op: 'alloc', gfp: 'GFP_KERNEL|__GFP_COMP', order: 3, count: 50, as: 'h' },
      { op: 'free', ref: 'a', every: 3 },
      { op: 'free', ref: 'k', every: 2 },
    ]);
    const a = m.start();
    const b = m.start();
    ops(a);
    ops(b);
    expect(Buffer.from(a.rs.buddy.tag).equals(Buffer.from(b.rs.buddy.tag))).toBe(true);
    expect(Buffer.from(a.rs.buddy.next.buffer).equals(Buffer.from(b.rs.buddy.next.buffer))).toBe(true);
    expect(a.render('pagetypeinfo')).toBe(b.render('pagetypeinfo'));
    a.checkInvariants();
  });
});
