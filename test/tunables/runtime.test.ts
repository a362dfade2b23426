/** Run-time entry points: THP sysfs switches, CPU online, stat thresholds, view fields, purity. */
import { describe, expect, it } from 'vitest';
import {
  boostWatermark,
  calculateMinFreeKbytes,
  calculateTotalreservePages,
  hugepageInit,
  initPerZoneWmarkMin,
  makeTunableState,
  refreshZoneStatThresholds,
  setRecommendedMinFreeKbytes,
  setupPerCpuPageset510,
  setupPerZoneLowmemReserve,
  setupPerZoneWmarks,
  startStopKhugepaged,
  withManaged,
  zonePcpUpdate,
  zoneSetPagesetHighAndBatch,
  zoneTunableFields,
  type TunableState,
} from '../../src/sim/tunables';

function oneZone(kernel: '5.10' | '6.1', thp: boolean): TunableState {
  // arm64 virt 1 GiB on 6.1 at postcore (oracle a64-1g-*)
  return initPerZoneWmarkMin(
    makeTunableState({
      kernel,
      pageblockOrder: 9,
      zoneNames: ['DMA', 'DMA32', 'Normal', 'Movable'],
      zones: [
        { nid: 0, idx: 0, name: 'DMA', managed: 248_383, present: 262_144 },
        { nid: 0, idx: 1, name: 'DMA32', managed: 0, present: 0 },
        { nid: 0, idx: 2, name: 'Normal', managed: 0, present: 0 },
        { nid: 0, idx: 3, name: 'Movable', managed: 0, present: 0 },
      ],
      cpusPerNode: [2],
      thpEnabled: thp,
    }),
  );
}

describe('THP switches (start_stop_khugepaged)', () => {
  it('switching THP on raises to 22,528 kB on a one-zone arm64, in both versions', () => {
    for (const k of ['5.10', '6.1'] as const) {
      const off = hugepageInit(oneZone(k, false), 248_383);
      // 5.10 keeps the postcore int_sqrt(248,383 × 64) = 3987; 6.1 recomputes net of high (1494): 3975
      expect(off.minFreeKbytes).toBe(k === '6.1' ? 3975 : 3987);
      expect(startStopKhugepaged(off, true).minFreeKbytes).toBe(22_528);
    }
  });
  it('switching THP off: 5.10 keeps the raised value, 6.1 recomputes the default', () => {
    const on510 = hugepageInit(oneZone('5.10', true), 248_383);
    const on61 = hugepageInit(oneZone('6.1', true), 248_383);
    expect(startStopKhugepaged(on510, false).minFreeKbytes).toBe(22_528);
    const off61 = startStopKhugepaged(on61, false);
    expect(off61.minFreeKbytes).toBe(3918); // int_sqrt((248,383 − 8448) × 4 × 16)
    expect(off61.thpEnabled).toBe(false);
  });
});

describe('6.1 pcp high and CPUs', () => {
  it('splits the low watermark over the node\'s CPUs, plus the CPU coming online', () => {
    const s = hugepageInit(oneZone('6.1', true), 248_383);
    expect(s.zones[0]!.pcpHigh).toBe(Math.floor(7040 / 2));
    expect(zoneSetPagesetHighAndBatch(s, 1).zones[0]!.pcpHigh).toBe(Math.floor(7040 / 3));
  });
  it('uses all online CPUs for a node without CPUs', () => {
    const s0 = oneZone('6.1', true);
    const s = hugepageInit({ ...s0, cpusPerNode: [0], onlineCpus: 4 }, 248_383);
    expect(zonePcpUpdate(s).zones[0]!.pcpHigh).toBe(Math.floor(7040 / 4));
  });
  it('is 6.1 only, and setupPerCpuPageset510 is 5.10 only', () => {
    expect(() => zoneSetPagesetHighAndBatch(oneZone('5.10', true))).toThrow(/low watermark, which the 5\.10 state does not/);
    expect(() => setupPerCpuPageset510(oneZone('6.1', true), [1, 0, 0, 0])).toThrow(/6\.1 state/);
    expect(() => setupPerCpuPageset510(oneZone('5.10', true), [1])).toThrow(/1 managed values for 4 zones/);
  });
});

describe('stat thresholds and view fields', () => {
  it('refreshes thresholds of populated zones from managed and CPUs', () => {
    const s = refreshZoneStatThresholds({ ...oneZone('6.1', true), onlineCpus: 8 });
    expect(s.zones[0]!.statThreshold).toBe(2 * 4 * (1 + 3));
    expect(s.zones[1]!.statThreshold).toBeUndefined();
  });
  it('prints watermarks including boost', () => {
    const s = hugepageInit(oneZone('6.1', true), 248_383);
    const { state: b } = boostWatermark(s, 0);
    expect(zoneTunableFields(b.zones[0]!)).toEqual({
      boost: 512,
      min: 5632 + 512,
      low: 7040 + 512,
      high: 8448 + 512,
      promo: 9856 + 512,
      protection: [0, 0, 0, 0],
      statThreshold: 16, // 2 × fls(2 CPUs) × (1 + fls(248,383 >> 15))
      pcpHigh: 3520,
      pcpBatch: 63,
    });
  });
});

describe('every exported step is pure', () => {
  it('returns new states and leaves the input unchanged', () => {
    const s = oneZone('6.1', true);
    const before = JSON.stringify(s);
    const steps: ((x: TunableState) => TunableState)[] = [
      calculateMinFreeKbytes,
      calculateTotalreservePages,
      setRecommendedMinFreeKbytes,
      (x) => hugepageInit(x, 1 << 20),
      (x) => startStopKhugepaged(x, false),
      setupPerZoneWmarks,
      (x) => setupPerZoneLowmemReserve(x, 'upper-walk'),
      zonePcpUpdate,
      refreshZoneStatThresholds,
      (x) => withManaged(x, [1, 0, 0, 0]),
      (x) => boostWatermark(x, 0).state,
      initPerZoneWmarkMin,
    ];
    for (const f of steps) {
      const out = f(s);
      expect(out).not.toBe(s);
      expect(out.zones[0]).not.toBe(s.zones[0]);
      expect(JSON.stringify(s)).toBe(before);
    }
  });
});

describe('bad input', () => {
  const base = {
    kernel: '6.1' as const,
    pageblockOrder: 9,
    zoneNames: ['DMA', 'DMA32', 'Normal', 'Movable'] as const,
    cpusPerNode: [1],
    thpEnabled: true,
  };
  const mk = (zones: { nid: number; idx: number; name: 'DMA' | 'DMA32' | 'Normal' | 'Movable'; managed: number; present: number }[]) =>
    () => makeTunableState({ ...base, zoneNames: [...base.zoneNames], zones });
  it('rejects zones out of order, misnamed, or with impossible counts', () => {
    expect(mk([{ nid: 0, idx: 1, name: 'DMA32', managed: 0, present: 0 }, { nid: 0, idx: 0, name: 'DMA', managed: 0, present: 0 }])).toThrow(/order/);
    expect(mk([{ nid: 0, idx: 1, name: 'Normal', managed: 0, present: 0 }])).toThrow(/zone index 1 is DMA32, not Normal/);
    expect(mk([{ nid: 0, idx: 0, name: 'DMA', managed: 10, present: 5 }])).toThrow(/exceeds present/);
    expect(mk([{ nid: 0, idx: 0, name: 'DMA', managed: -1, present: 5 }])).toThrow(/must be counts/);
    expect(() => withManaged(oneZone('6.1', true), [1, 2])).toThrow(/2 managed values for 4 zones/);
  });
});
