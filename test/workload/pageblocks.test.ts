/**
 * The workload result's pageblock maps (src/sim/workload/pageblocks.ts): per zone, each
 * pageblock's migratetype, its free and allocated pages, and pagetypeinfo's "mixed" blocks; at the
 * start, at the end and around a compact_memory event. And the per-sample freeMin / boostMax.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine, parsePagetypeinfo, renderProc } from '../../src/sim/index';
import { runWorkload, startWorkload, PAGEBLOCK_HOLE, type PageblockMap } from '../../src/sim/workload/index';
import { MIGRATETYPE_NAMES, MIGRATE_MOVABLE, MIGRATE_UNMOVABLE } from '../../src/sim/types';
import { fixture } from '../../src/lib/fixtures/fixture';
import { FRAGMENT_SPEC } from '../helpers/run-results';

const boot = (name: string) => {
  const f = fixture(name)!;
  return bootMachine({ arch: f.arch, kernel: f.kernel, dtb: f.dtb, e820: f.e820, cmdline: f.cmdline, cpus: f.cpus });
};

/** Fill 97 %, free every second page, then movable and unmovable streams; proactive compaction off so the fragmentation stays (the plot tests' run, longer). */
const FRAGMENT = { ...FRAGMENT_SPEC, steps: 200, sampleEvery: 4 };

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);
const typeCounts = (m: PageblockMap) => MIGRATETYPE_NAMES.map((_, mt) => Array.from(m.type).filter((t) => t === mt).length);

describe('pageblock maps', () => {
  it('at the start: one entry per pageblock of each zone\'s span, every present page counted once, the types pagetypeinfo counts', () => {
    for (const name of ['x64-1g', 'a64-2g-cma64']) {
      const m = boot(name);
      const r = runWorkload(m, { steps: 1 });
      const view = r.final;
      const blocks = parsePagetypeinfo(renderProc(m.view(), 'pagetypeinfo')).blocks;
      const zones = view.nodes.flatMap((n) => n.zones.filter((z) => z.spanned > 0).map((z) => ({ nid: n.nid, z })));
      expect(r.pageblocks.start.map((p) => `${p.nid} ${p.zone}`)).toEqual(zones.map(({ nid, z }) => `${nid} ${z.name}`));
      for (const p of r.pageblocks.start) {
        const z = zones.find((x) => x.nid === p.nid && x.z.name === p.zone)!.z;
        expect(p.startPfn % p.pageblockPages).toBe(0);
        expect(p.startPfn + p.count * p.pageblockPages).toBeGreaterThanOrEqual(z.startPfn + z.spanned);
        expect(sum(p.pages)).toBe(z.present);
        // before the first step nothing is allocated: free is the zone's free pages (the per-cpu lists are empty after boot)
        expect(sum(p.used)).toBe(0);
        expect(sum(p.free)).toBe(z.free);
        expect(sum(p.mixed)).toBe(0);
        const row = blocks.find((b) => b.nid === p.nid && b.zone === p.zone);
        if (row && p.startPfn === z.startPfn) expect(typeCounts(p)).toEqual(MIGRATETYPE_NAMES.map((t) => row.counts[t] ?? 0));
        for (let j = 0; j < p.count; j++) if (p.pages[j] === 0) expect(p.type[j]).toBe(PAGEBLOCK_HOLE);
      }
    }
  });

  it('after a fragmenting workload: the allocated pages are the workload\'s, and mixed blocks are those holding an allocation of another migratetype', () => {
    const r = runWorkload(boot('x64-1g'), FRAGMENT);
    const end = r.pageblocks.end;
    expect(sum(end.map((p) => sum(p.used)))).toBe(sum(r.streams.map((s) => s.livePages)));
    const pcp = r.samples.zones.map((z) => z.pcp.at(-1)!);
    end.forEach((p, zi) => expect(sum(p.free)).toBe(r.samples.zones[zi]!.free.at(-1)! + pcp[zi]!));
    let mixed = 0;
    let unmovableInMovable = 0;
    for (const p of end) for (let j = 0; j < p.count; j++) {
      if (p.type[j] === PAGEBLOCK_HOLE) continue;
      expect(p.mixed[j]).toBe(p.allocTypes[j]! & ~(1 << p.type[j]!) ? 1 : 0);
      expect(p.free[j]! + p.used[j]!).toBeLessThanOrEqual(p.pages[j]!);
      mixed += p.mixed[j]!;
      if (p.type[j] === MIGRATE_MOVABLE && p.allocTypes[j]! & (1 << MIGRATE_UNMOVABLE)) unmovableInMovable++;
    }
    // the slab stream fell back into movable pageblocks without taking them over
    expect(mixed).toBeGreaterThan(0);
    expect(unmovableInMovable).toBeGreaterThan(0);
    // some pageblocks were stolen for unmovable allocations
    expect(end.some((p) => Array.from(p.type).includes(MIGRATE_UNMOVABLE) && typeCounts(p)[MIGRATE_UNMOVABLE]! > typeCounts(r.pageblocks.start.find((s) => s.zone === p.zone)!)[MIGRATE_UNMOVABLE]!)).toBe(true);
  });

  it('a page allocated before the workload started counts by its kind; a compact_memory event keeps its maps before and after', () => {
    const run = boot('x64-1g').start({ daemons: 'manual' });
    const slab = Array.from({ length: 64 }, () => run.alloc('GFP_KERNEL', 0, { kind: 'slab' }));
    const eng = startWorkload(run, { steps: 60, events: [...FRAGMENT.events, { at: 59, op: 'compact_memory' }], streams: FRAGMENT.streams });
    eng.advance(60);
    const r = eng.result();
    const blockOf = (pfn: number) => {
      const p = r.pageblocks.end.find((m) => pfn >= m.startPfn && pfn < m.startPfn + m.count * m.pageblockPages)!;
      return { p, j: Math.floor((pfn - p.startPfn) / p.pageblockPages) };
    };
    for (const a of slab) {
      if (!a.ok) throw new Error('allocation failed');
      const { p, j } = blockOf(a.pfn);
      expect(p.allocTypes[j]! & (1 << MIGRATE_UNMOVABLE)).toBeTruthy();
    }
    const ev = r.events.find((e) => e.op === 'compact_memory')!.result as { migrated: number; perZone: Array<{ zone: string; migrated: number }>; pageblocks: { before: PageblockMap[]; after: PageblockMap[] } };
    expect(ev.migrated).toBeGreaterThan(0);
    const { before, after } = ev.pageblocks;
    expect(after.map((p) => p.zone)).toEqual(before.map((p) => p.zone));
    // migration moves pages, it does not free them: the allocated pages stay, the free ones gather
    before.forEach((b, zi) => {
      expect(sum(after[zi]!.used)).toBe(sum(b.used));
      expect(sum(after[zi]!.free)).toBe(sum(b.free));
    });
    const fullyFree = (ms: PageblockMap[]) => sum(ms.map((p) => Array.from(p.free).filter((f, j) => f === p.pages[j] && f > 0).length));
    expect(fullyFree(after)).toBeGreaterThan(fullyFree(before));
  });
});

describe('freeMin and boostMax', () => {
  it('free before the daemons ran is never above the sampled free; a boost kswapd cleared in the same step still shows', () => {
    const r = runWorkload(boot('x64-1g'), FRAGMENT);
    const z = r.samples.zones.find((x) => x.zone === 'DMA32')!;
    for (let k = 0; k < z.free.length; k++) {
      expect(z.freeMin[k]).toBeLessThanOrEqual(z.free[k]!);
      expect(z.boostMax[k]).toBeGreaterThanOrEqual(z.boost[k]!);
    }
    // the unmovable stream steals pageblocks: boost_watermark raises the boost, kswapd clears it
    expect(Math.max(...z.boostMax)).toBeGreaterThan(0);
    expect(Math.max(...z.freeMin.map((f, k) => z.free[k]! - f))).toBeGreaterThan(0);
  });
});
