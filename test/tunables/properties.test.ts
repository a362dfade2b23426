/** Invariants of the tunables over many seeded random machines (deterministic, no timing). */
import { describe, expect, it } from 'vitest';
import {
  hugepageInit,
  initPerZoneWmarkMin,
  makeTunableState,
  nrFreeBufferPages,
  setupPerCpuPageset510,
  setupPerZoneLowmemReserve,
  writeSysctl,
  type TunableState,
} from '../../src/sim/tunables';
import type { ZoneName } from '../../src/sim/types';
import { rng } from '../helpers/prng';


const LAYOUTS: { names: ZoneName[]; highmem: ZoneName[] }[] = [
  { names: ['DMA', 'DMA32', 'Normal', 'Movable', 'Device'], highmem: [] },
  { names: ['DMA', 'DMA32', 'Normal', 'Movable'], highmem: [] },
  { names: ['DMA', 'Normal', 'HighMem', 'Movable'], highmem: ['HighMem', 'Movable'] },
  { names: ['Normal', 'HighMem', 'Movable'], highmem: ['HighMem', 'Movable'] },
];

function randomMachine(seed: number): TunableState {
  const r = rng(seed);
  const layout = LAYOUTS[Math.floor(r() * LAYOUTS.length)]!;
  const nodes = 1 + Math.floor(r() * 3);
  const kernel = r() < 0.5 ? '5.10' : '6.1';
  const zones = [];
  for (let nid = 0; nid < nodes; nid++) {
    for (const [idx, name] of layout.names.entries()) {
      const populated = name !== 'Device' && r() < 0.7;
      const present = populated ? 1 + Math.floor(r() * (r() < 0.2 ? 40_000_000 : 2_000_000)) : 0;
      const managed = populated ? Math.floor(present * (0.8 + 0.2 * r())) : 0;
      zones.push({ nid, idx, name, managed, present, highmem: layout.highmem.includes(name) });
    }
  }
  // make sure there is some lowmem
  if (!zones.some((z) => !z.highmem && z.managed > 0)) {
    const z = zones.find((x) => !x.highmem && x.name !== 'Device')!;
    z.present = z.managed = 100_000;
  }
  let s = makeTunableState({
    kernel,
    pageblockOrder: r() < 0.5 ? 9 : 10,
    zoneNames: layout.names,
    zones,
    cpusPerNode: Array.from({ length: nodes }, () => Math.floor(r() * 5)),
    onlineCpus: 1 + Math.floor(r() * 8),
    thpEnabled: r() < 0.7,
  });
  if (kernel === '5.10') s = setupPerCpuPageset510(s, s.zones.map((z) => z.managed));
  s = initPerZoneWmarkMin(s);
  return hugepageInit(s, s.zones.reduce((a, z) => a + z.managed, 0));
}

const SEEDS = Array.from({ length: 300 }, (_, i) => i * 7919 + 1);

function checkInvariants(s: TunableState): void {
  for (const z of s.zones) {
    const w = z.wmark;
    expect(w.min).toBeLessThanOrEqual(w.low);
    expect(w.low).toBeLessThanOrEqual(w.high);
    expect(w.high - w.low).toBe(w.low - w.min);
    if (s.kernel === '6.1') expect(w.promo - w.high).toBe(w.high - w.low);
    else expect(w.promo).toBe(0);
    if (z.highmem) expect(w.min).toBeGreaterThanOrEqual(32);
    if (z.highmem) expect(w.min).toBeLessThanOrEqual(128);
    // entries j <= i are never written; rows never decrease with j (cumulative)
    for (let j = 0; j <= z.idx; j++) expect(z.lowmemReserve[j]).toBe(0);
    for (let j = z.idx + 1; j < s.nrZoneTypes; j++) {
      expect(z.lowmemReserve[j]!).toBeGreaterThanOrEqual(z.lowmemReserve[j - 1]!);
    }
    if (z.present > 0) {
      expect(z.pcpBatch).toBeGreaterThanOrEqual(1);
      if (s.kernel === '6.1') expect(z.pcpHigh).toBeGreaterThanOrEqual(4 * z.pcpBatch);
      else expect([0, 6 * z.pcpBatch]).toContain(z.pcpHigh);
    }
  }
  expect(s.totalreservePages).toBeLessThanOrEqual(s.zones.reduce((a, z) => a + z.managed, 0));
  expect(nrFreeBufferPages(s)).toBeLessThanOrEqual(
    s.zones.filter((z) => z.idx <= s.normalIdx).reduce((a, z) => a + z.managed, 0),
  );
}

describe('tunables invariants on random machines', () => {
  it('min <= low <= high (<= promo), equal steps, protection shape, pcp bounds', () => {
    for (const seed of SEEDS) checkInvariants(randomMachine(seed));
  });

  it('min_free_kbytes is the clamped default or the THP raise', () => {
    for (const seed of SEEDS) {
      const s = randomMachine(seed);
      const boot = initPerZoneWmarkMin({ ...s, userMinFreeKbytes: -1, minFreeKbytes: 1024 });
      expect(boot.minFreeKbytes).toBeGreaterThanOrEqual(128);
      expect(boot.minFreeKbytes).toBeLessThanOrEqual(262_144);
      expect(s.minFreeKbytes).toBeGreaterThanOrEqual(s.thpEnabled ? boot.minFreeKbytes : 0);
    }
  });

  it('watermark_scale_factor is monotonic: a larger factor never lowers low or high, never moves min', () => {
    for (const seed of SEEDS.slice(0, 60)) {
      const s = randomMachine(seed);
      let prev: TunableState | undefined;
      for (const f of [1, 5, 10, 50, 200, 999, 1000]) {
        const w = writeSysctl(s, 'vm.watermark_scale_factor', f);
        checkInvariants(w);
        w.zones.forEach((z, i) => {
          expect(z.wmark.min).toBe(s.zones[i]!.wmark.min);
          if (!prev) return;
          expect(z.wmark.low).toBeGreaterThanOrEqual(prev.zones[i]!.wmark.low);
          expect(z.wmark.high).toBeGreaterThanOrEqual(prev.zones[i]!.wmark.high);
          if (s.kernel === '6.1') expect(z.pcpHigh).toBeGreaterThanOrEqual(prev.zones[i]!.pcpHigh);
          else expect(z.pcpHigh).toBe(s.zones[i]!.pcpHigh);
        });
        prev = w;
      }
    }
  });

  it('min_free_kbytes is monotonic: more kbytes never lowers any watermark of a lowmem zone', () => {
    for (const seed of SEEDS.slice(0, 60)) {
      const s = randomMachine(seed);
      let prev: TunableState | undefined;
      for (const kb of [0, 128, 1000, 4096, 65536, 1 << 20, 2147483647]) {
        const w = writeSysctl(s, 'vm.min_free_kbytes', kb);
        checkInvariants(w);
        if (prev) {
          w.zones.forEach((z, i) => {
            if (!z.highmem) expect(z.wmark.min).toBeGreaterThanOrEqual(prev!.zones[i]!.wmark.min);
            expect(z.wmark.high).toBeGreaterThanOrEqual(prev!.zones[i]!.wmark.high);
          });
        }
        prev = w;
      }
    }
  });

  it('both lowmem_reserve algorithms agree when every zone is populated and every ratio is non-zero', () => {
    for (const seed of SEEDS.slice(0, 100)) {
      const s0 = randomMachine(seed);
      const s = {
        ...s0,
        zones: s0.zones.map((z) => ({ ...z, managed: z.managed || 1000, present: z.present || 1000 })),
        lowmemReserveRatio: s0.lowmemReserveRatio.map((r, i) => r || 16 + i),
      };
      const a = setupPerZoneLowmemReserve(s, 'cumulative');
      const b = setupPerZoneLowmemReserve(s, 'upper-walk');
      expect(b.zones.map((z) => z.lowmemReserve)).toEqual(a.zones.map((z) => z.lowmemReserve));
      expect(b.totalreservePages).toBe(a.totalreservePages);
    }
  });
});
