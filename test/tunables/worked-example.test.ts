/** A worked example of mm/page_alloc.c __setup_per_zone_wmarks, setup_per_zone_lowmem_reserve, zone_batchsize and mm/khugepaged.c set_recommended_min_free_kbytes: every number, both kernels. */
import { describe, expect, it } from 'vitest';
import {
  hugepageInit,
  initPerZoneWmarkMin,
  makeTunableState,
  nrFreeBufferPages,
  setupPerCpuPageset510,
  setupPerZoneLowmemReserve,
  THP_MIN_TOTALRAM_PAGES,
  writeSysctl,
  type TunableState,
} from '../../src/sim/tunables';

const DMA32 = 241_873;
const NORMAL = 758_901;

function machine(kernel: '5.10' | '6.1'): TunableState {
  return makeTunableState({
    kernel,
    pageblockOrder: 9,
    zoneNames: ['DMA', 'DMA32', 'Normal', 'Movable'],
    zones: [
      { nid: 0, idx: 0, name: 'DMA', managed: 0, present: 0 },
      { nid: 0, idx: 1, name: 'DMA32', managed: DMA32, present: DMA32 },
      { nid: 0, idx: 2, name: 'Normal', managed: NORMAL, present: NORMAL },
      { nid: 0, idx: 3, name: 'Movable', managed: 0, present: 0 },
    ],
    cpusPerNode: [4],
    thpEnabled: true,
  });
}

const wm = (s: TunableState, i: number) => {
  const z = s.zones[i]!;
  return [z.wmark.min, z.wmark.low, z.wmark.high];
};

describe.each(['5.10', '6.1'] as const)('worked example (DMA32 241,873 + Normal 758,901 managed) on %s', (kernel) => {
  const postcore = initPerZoneWmarkMin(
    kernel === '5.10' ? setupPerCpuPageset510(machine(kernel), [0, DMA32, NORMAL, 0]) : machine(kernel),
  );

  it('computes min_free_kbytes = int_sqrt(4,003,096 × 16) = 8003', () => {
    expect(nrFreeBufferPages(machine(kernel))).toBe(DMA32 + NORMAL);
    expect(postcore.minFreeKbytes).toBe(8003);
  });

  it('computes the postcore watermarks', () => {
    expect(wm(postcore, 0)).toEqual([0, 0, 0]);
    expect(wm(postcore, 1)).toEqual([483, 724, 965]);
    expect(wm(postcore, 2)).toEqual([1516, 2274, 3032]);
    expect(wm(postcore, 3)).toEqual([0, 0, 0]);
  });

  it('computes lowmem_reserve and totalreserve', () => {
    expect(postcore.zones.map((z) => z.lowmemReserve)).toEqual([
      [0, 0, 0, 0],
      [0, 0, 2964, 2964],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(postcore.totalreservePages).toBe(6961);
  });

  const raised = hugepageInit(postcore, DMA32 + NORMAL);

  it('raises min_free_kbytes to 45,056 with THP', () => {
    expect(nrFreeBufferPages(postcore)).toBe(996_777);
    expect(raised.minFreeKbytes).toBe(45_056);
    expect(wm(raised, 1)).toEqual([2722, 3402, 4082]);
    expect(wm(raised, 2)).toEqual([8541, 10_676, 12_811]);
    expect(raised.zones[1]!.wmark.promo).toBe(kernel === '6.1' ? 4762 : 0);
    expect(raised.zones[2]!.wmark.promo).toBe(kernel === '6.1' ? 14_946 : 0);
    // the raise does not touch lowmem_reserve; totalreserve follows the new high watermarks
    expect(raised.zones[1]!.lowmemReserve).toEqual([0, 0, 2964, 2964]);
    expect(raised.totalreservePages).toBe(Math.min(DMA32, 2964 + 4082) + 12_811);
    // no user value: no "raising" message
    expect(raised.log).toEqual([]);
  });

  it('sizes the pcp lists', () => {
    expect(raised.zones[1]!.pcpBatch).toBe(63);
    expect(raised.zones[2]!.pcpBatch).toBe(63);
    if (kernel === '5.10') {
      expect(raised.zones[1]!.pcpHigh).toBe(378);
      expect(raised.zones[2]!.pcpHigh).toBe(378);
    } else {
      expect(raised.zones[1]!.pcpHigh).toBe(850);
      expect(raised.zones[2]!.pcpHigh).toBe(2669);
    }
  });

  it('does not raise below 512 MiB of totalram, and clears THP', () => {
    const small = hugepageInit(postcore, THP_MIN_TOTALRAM_PAGES - 1);
    expect(small.thpEnabled).toBe(false);
    expect(small.minFreeKbytes).toBe(8003);
    expect(wm(small, 2)).toEqual([1516, 2274, 3032]);
  });
});

describe('highmem example (arm32: Normal 190,000, HighMem 65,000, Movable empty)', () => {
  const arm32 = (kernel: '5.10' | '6.1') =>
    makeTunableState({
      kernel,
      pageblockOrder: 10,
      zoneNames: ['Normal', 'HighMem', 'Movable'],
      zones: [
        { nid: 0, idx: 0, name: 'Normal', managed: 190_000, present: 190_000 },
        { nid: 0, idx: 1, name: 'HighMem', managed: 65_000, present: 65_000, highmem: true },
        { nid: 0, idx: 2, name: 'Movable', managed: 0, present: 0, highmem: true },
      ],
      cpusPerNode: [1],
      thpEnabled: false,
    });
  const s = initPerZoneWmarkMin(arm32('6.1'));

  it('computes min_free_kbytes from lowmem only', () => {
    expect(s.minFreeKbytes).toBe(3487);
  });
  it('computes the Normal and HighMem watermarks, and 32/32/32 for the empty highmem Movable', () => {
    expect(wm(s, 0)).toEqual([871, 1088, 1305]);
    expect(wm(s, 1)).toEqual([63, 137, 211]);
    expect(wm(s, 2)).toEqual([32, 32, 32]);
  });
  it('gives (0, 2031, 2031) with the cumulative algorithm and (0, 2031, 0) with the upper walk', () => {
    expect(s.zones[0]!.lowmemReserve).toEqual([0, 2031, 2031]);
    expect(setupPerZoneLowmemReserve(s, 'upper-walk').zones[0]!.lowmemReserve).toEqual([0, 2031, 0]);
    // HighMem's ratio is 0: its row is zero either way
    expect(setupPerZoneLowmemReserve(s, 'upper-walk').zones[1]!.lowmemReserve).toEqual([0, 0, 0]);
  });
  it('uses the cumulative algorithm on both pinned profiles (Debian 5.10.223 has the 5.11 refactor)', () => {
    expect(initPerZoneWmarkMin(arm32('5.10')).zones[0]!.lowmemReserve).toEqual([0, 2031, 2031]);
  });
  it('lets a state select the 5.10.0–.49 walk for boot and for the sysctl handler', () => {
    const old = initPerZoneWmarkMin({ ...arm32('5.10'), lowmemReserveAlgorithm: 'upper-walk' });
    expect(old.zones[0]!.lowmemReserve).toEqual([0, 2031, 0]);
    expect(writeSysctl(old, 'vm.lowmem_reserve_ratio', '64').zones[0]!.lowmemReserve).toEqual([0, 1015, 0]);
  });
});
