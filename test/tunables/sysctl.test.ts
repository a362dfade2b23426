import { describe, expect, it } from 'vitest';
import { MmError } from '../../src/sim/errors';
import {
  boostWatermark,
  initPerZoneWmarkMin,
  makeTunableState,
  readSysctl,
  setRecommendedMinFreeKbytes,
  withManaged,
  writeSysctl,
  type TunableState,
} from '../../src/sim/tunables';

function booted(kernel: '5.10' | '6.1', thp = true): TunableState {
  const s = makeTunableState({
    kernel,
    pageblockOrder: 9,
    zoneNames: ['DMA', 'DMA32', 'Normal', 'Movable', 'Device'],
    zones: [
      { nid: 0, idx: 0, name: 'DMA', managed: 3840, present: 3998 },
      { nid: 0, idx: 1, name: 'DMA32', managed: 700_000, present: 782_304 },
      { nid: 0, idx: 2, name: 'Normal', managed: 300_000, present: 310_000 },
      { nid: 0, idx: 3, name: 'Movable', managed: 0, present: 0 },
      { nid: 0, idx: 4, name: 'Device', managed: 0, present: 0 },
    ],
    cpusPerNode: [2],
    thpEnabled: thp,
  });
  return initPerZoneWmarkMin(s);
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MmError);
    return (e as MmError).code;
  }
  return 'no error';
}

describe.each(['5.10', '6.1'] as const)('writeSysctl on %s', (kernel) => {
  const s = booted(kernel);
  const frac = kernel === '5.10' ? 'percpu_pagelist_fraction' : 'percpu_pagelist_high_fraction';
  const otherFrac = kernel === '5.10' ? 'percpu_pagelist_high_fraction' : 'percpu_pagelist_fraction';

  it('rejects unknown names, including the other version\'s pcp sysctl', () => {
    expect(code(() => writeSysctl(s, 'vm.swappiness', '10'))).toBe('SYSCTL_UNMODELED');
    expect(() => writeSysctl(s, 'vm.swappiness', '10')).toThrow(/vm\.swappiness is a real sysctl of Linux (5\.10|6\.1), but mmbook does not model it/);
    expect(() => writeSysctl(s, `vm.${otherFrac}`, '0')).toThrow(/exists in Linux (5\.10|6\.1), not in/);
    expect(code(() => writeSysctl(s, `vm.${otherFrac}`, '0'))).toBe('SYSCTL_UNKNOWN');
    expect(code(() => readSysctl(s, 'vm.nope'))).toBe('SYSCTL_UNKNOWN');
  });

  it('rejects malformed and out-of-range values, naming sysctl and value', () => {
    for (const [name, v] of [
      ['vm.min_free_kbytes', 'abc'],
      ['vm.min_free_kbytes', '12abc'],
      ['vm.min_free_kbytes', ''],
      ['vm.min_free_kbytes', '1 2'],
      ['vm.min_free_kbytes', '-1'],
      ['vm.min_free_kbytes', '2147483648'],
      ['vm.watermark_scale_factor', '0'],
      ['vm.watermark_boost_factor', '-5'],
      [`vm.${frac}`, '7'],
      [`vm.${frac}`, '1'],
      ['vm.lowmem_reserve_ratio', '1 2 3 4 5 6'],
      ['vm.lowmem_reserve_ratio', '256 x'],
    ] as const) {
      expect(code(() => writeSysctl(s, name, v)), `${name}=${v}`).toBe('SYSCTL_INVALID');
    }
    try {
      writeSysctl(s, 'vm.watermark_scale_factor', '5000');
    } catch (e) {
      expect((e as Error).message).toMatch(/watermark_scale_factor/);
      expect((e as Error).message).toMatch(/5000/);
      // 3000 in both profiles: 5.10.186 backported "change watermark_scale_factor max limit to 30%"
      expect((e as Error).message).toMatch(/1\.\.3000/);
    }
  });

  it('applies the version\'s watermark_scale_factor range', () => {
    expect(writeSysctl(s, 'vm.watermark_scale_factor', '1000').watermarkScaleFactor).toBe(1000);
    expect(code(() => writeSysctl(s, 'vm.watermark_scale_factor', '1001'))).toBe('no error');
    expect(code(() => writeSysctl(s, 'vm.watermark_scale_factor', '3001'))).toBe('SYSCTL_INVALID');
  });

  it('parses like proc_dointvec: base 0, surrounding whitespace, every name form', () => {
    expect(writeSysctl(s, 'vm.min_free_kbytes', '0x4000\n').minFreeKbytes).toBe(16384);
    expect(writeSysctl(s, '/proc/sys/vm/min_free_kbytes', ' 010 ').minFreeKbytes).toBe(8);
    expect(writeSysctl(s, 'vm/watermark_boost_factor', 0).watermarkBoostFactor).toBe(0);
    expect(writeSysctl(s, 'min_free_kbytes', 4096).minFreeKbytes).toBe(4096);
  });

  it('does not modify its input', () => {
    const before = JSON.stringify(s);
    writeSysctl(s, 'vm.min_free_kbytes', '65536');
    writeSysctl(s, 'vm.lowmem_reserve_ratio', '1 1 1 1 1');
    writeSysctl(s, `vm.${frac}`, '8');
    expect(JSON.stringify(s)).toBe(before);
  });

  it('min_free_kbytes: sets the user value, recomputes watermarks but not lowmem_reserve', () => {
    const grown = withManaged(s, [3840, 780_000, 300_000, 0, 0]);
    const w = writeSysctl(grown, 'vm.min_free_kbytes', '65536');
    expect(w.userMinFreeKbytes).toBe(65536);
    expect(w.zones[1]!.wmark.min).toBe(Math.floor((16384 * 780_000) / 1_083_840));
    expect(w.zones.map((z) => z.lowmemReserve)).toEqual(s.zones.map((z) => z.lowmemReserve));
    // pcp high follows the watermarks only on 6.1
    if (kernel === '6.1') expect(w.zones[1]!.pcpHigh).toBe(Math.floor(w.zones[1]!.wmark.low / 2));
    else expect(w.zones[1]!.pcpHigh).toBe(s.zones[1]!.pcpHigh);
  });

  it('min_free_kbytes write clears watermark boost', () => {
    const { state: b, boosted } = boostWatermark(s, 1);
    expect(boosted).toBe(true);
    expect(b.zones[1]!.boost).toBe(512);
    expect(writeSysctl(b, 'vm.min_free_kbytes', String(s.minFreeKbytes)).zones[1]!.boost).toBe(0);
  });

  it('watermark_boost_factor only stores the value; 0 disables boosting', () => {
    const w = writeSysctl(s, 'vm.watermark_boost_factor', '0');
    expect(w.zones).toEqual(s.zones);
    expect(boostWatermark(w, 1).boosted).toBe(false);
    // zones under 4 pageblocks (2048 pages) never boost
    expect(boostWatermark(s, 0).boosted).toBe(true);
    expect(boostWatermark(withManaged(s, [2047, 700_000, 300_000, 0, 0]), 0).boosted).toBe(false);
    // boost is capped at max(pageblock, high * factor / 10000)
    let b = s;
    for (let i = 0; i < 100; i++) b = boostWatermark(b, 1).state;
    expect(b.zones[1]!.boost).toBe(Math.floor((s.zones[1]!.wmark.high * 15000) / 10000));
  });

  it('watermark_scale_factor: recomputes watermarks, leaves min and lowmem_reserve', () => {
    const w = writeSysctl(s, 'vm.watermark_scale_factor', '200');
    expect(w.zones[1]!.wmark.min).toBe(s.zones[1]!.wmark.min);
    expect(w.zones[1]!.wmark.low).toBe(w.zones[1]!.wmark.min + 14_000);
    expect(w.zones.map((z) => z.lowmemReserve)).toEqual(s.zones.map((z) => z.lowmemReserve));
  });

  it('lowmem_reserve_ratio: partial vectors, negatives become 0, tab-separated read', () => {
    expect(readSysctl(s, 'vm.lowmem_reserve_ratio')).toBe('256\t256\t32\t0\t0\n');
    const w = writeSysctl(s, 'vm.lowmem_reserve_ratio', '128');
    expect(readSysctl(w, 'vm.lowmem_reserve_ratio')).toBe('128\t256\t32\t0\t0\n');
    expect(w.zones[0]!.lowmemReserve).toEqual([0, 5468, 7812, 7812, 7812]);
    const n = writeSysctl(s, 'vm.lowmem_reserve_ratio', [-3, 256, 32, 0, 0]);
    expect(n.lowmemReserveRatio[0]).toBe(0);
    expect(n.zones[0]!.lowmemReserve).toEqual([0, 0, 0, 0, 0]);
    // the watermarks are not recomputed by this handler
    expect(n.zones.map((z) => z.wmark)).toEqual(s.zones.map((z) => z.wmark));
  });

  it(`${frac}: 0 or >= 8, recomputes pcp from the current managed`, () => {
    const w = writeSysctl(s, `vm.${frac}`, '8');
    expect(readSysctl(w, `vm.${frac}`)).toBe('8\n');
    if (kernel === '5.10') {
      expect([w.zones[1]!.pcpHigh, w.zones[1]!.pcpBatch]).toEqual([87_500, 96]);
    } else {
      expect([w.zones[1]!.pcpHigh, w.zones[1]!.pcpBatch]).toEqual([43_750, 63]);
    }
    const back = writeSysctl(w, `vm.${frac}`, '0');
    expect(back.zones[1]!.pcpHigh).toBe(kernel === '5.10' ? 378 : Math.floor(s.zones[1]!.wmark.low / 2));
    // unpopulated zones keep their boot pageset
    expect([w.zones[3]!.pcpHigh, w.zones[3]!.pcpBatch]).toEqual([s.zones[3]!.pcpHigh, s.zones[3]!.pcpBatch]);
  });
});

describe('user-set min_free_kbytes versus the computed default and the THP raise', () => {
  it('keeps a bigger user value at init_per_zone_wmark_min and logs it', () => {
    const w = writeSysctl(booted('6.1'), 'vm.min_free_kbytes', '100000');
    const again = initPerZoneWmarkMin(w);
    expect(again.minFreeKbytes).toBe(100000);
    expect(again.log!.at(-1)).toMatch(/min_free_kbytes is not updated to \d+ because user defined value 100000 is preferred/);
  });
  it('raises a small user value for THP and logs "raising"', () => {
    const w = writeSysctl(booted('5.10'), 'vm.min_free_kbytes', '1024');
    const r = setRecommendedMinFreeKbytes(w);
    expect(r.minFreeKbytes).toBe(67584);
    expect(r.log!.at(-1)).toBe('raising min_free_kbytes from 1024 to 67584 to help transparent hugepage allocations');
  });
  it('with THP off, 5.10 leaves min_free_kbytes alone and 6.1 recomputes the default net of high watermarks', () => {
    const off510 = booted('5.10', false);
    expect(setRecommendedMinFreeKbytes(off510)).toEqual(off510);
    const off61 = booted('6.1', false);
    const r = setRecommendedMinFreeKbytes(off61);
    const lowmemKb = off61.zones
      .filter((z) => z.idx <= 2)
      .reduce((a, z) => a + Math.max(0, z.managed - z.wmark.high), 0) * 4;
    expect(r.minFreeKbytes).toBe(Math.floor(Math.sqrt(lowmemKb * 16)));
    expect(r.minFreeKbytes).toBeLessThan(off61.minFreeKbytes);
  });
});
