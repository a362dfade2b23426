/**
 * An imported machine prints its dump's own min/low/high/boost/protection/pcp until a sysctl is
 * written; a write recomputes what the kernel's handler recomputes, from the managed of that moment.
 */
import { describe, expect, it } from 'vitest';
import { bootFromZoneinfo } from '../../src/sim/machine/zoneinfo-import';
import { parseZoneinfo, type ParsedZoneinfoZone } from '../../src/sim/format/zoneinfo-parse';
import { fixture, folderProfile, oracle, oracleDumps } from './fixtures';

const derived = (z: ParsedZoneinfoZone) => ({
  zone: `${z.nid}/${z.zone}`, min: z.min, low: z.low, high: z.high, boost: z.boost, protection: z.protection,
  pcp: z.pagesets.map((p) => [p.cpu, p.count, p.high, p.batch, p.statThreshold]),
});

describe('the dump\'s derived values are kept', () => {
  const dumps = oracleDumps();
  it('finds the boot and run-time oracle dumps, one with a boost', () => {
    expect(dumps.length).toBeGreaterThan(30);
    expect(dumps.some((d) => /boost    [1-9]/.test(d.text))).toBe(true);
  });
  for (const d of dumps) {
    it(`${d.folder}/${d.file} prints back exactly`, () => {
      const m = bootFromZoneinfo({ ...folderProfile(d.folder), zoneinfo: d.text });
      expect(m.render('zoneinfo')).toBe(d.text);
    });
  }

  it('mmbook\'s own recomputation (final managed, no boot log) differs from the dump, and is kept beside it', () => {
    const m = bootFromZoneinfo({ arch: 'x86_64', kernel: '6.1', zoneinfo: oracle('x64-1g') });
    const own = m.recomputedView().nodes[0]!.zones;
    const shown = m.view().nodes[0]!.zones;
    expect(shown[0]!.protection).toEqual([0, 936, 936, 936, 936]);
    expect(own[0]!.protection).not.toEqual(shown[0]!.protection);
    expect(own[1]!.min).not.toBe(shown[1]!.min);
  });

  it('a ≥6.7 dump keeps each CPU\'s tuned pcp high until a write makes 6.1\'s zone_pcp_update set them all', () => {
    const m = bootFromZoneinfo({ arch: 'x86_64', kernel: '6.1', zoneinfo: fixture('6.12-x86_64.txt') });
    const pcp = (mm: typeof m) => parseZoneinfo(mm.render('zoneinfo')).zones.find((z) => z.zone === 'DMA32')!.pagesets.map((p) => p.high);
    expect(pcp(m)).toEqual([10297, 11368]);
    const after = m.sysctl('vm.watermark_scale_factor', 10);
    const highs = pcp(after);
    expect(highs[0]).toBe(highs[1]);
    // watermark_boost_factor recomputes nothing: the dump's per-CPU values stay
    expect(pcp(m.sysctl('watermark_boost_factor', 0))).toEqual([10297, 11368]);
  });
});

describe('a sysctl write recomputes what its handler does', () => {
  it('a64-1g-tuned: the three writes of the real machine give its zoneinfo.after_sysctl exactly', () => {
    let m = bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-1g-tuned') });
    for (const [k, v] of [['vm.min_free_kbytes', '16384'], ['vm.watermark_scale_factor', '200'], ['vm.lowmem_reserve_ratio', '64 64 16 0']] as const) m = m.sysctl(k, v);
    const real = parseZoneinfo(oracle('a64-1g-tuned', 'zoneinfo.after_sysctl.txt')).zones.map(derived);
    const sim = parseZoneinfo(m.render('zoneinfo')).zones.map(derived);
    expect(sim.map((z) => ({ ...z, pcp: z.pcp.map((p) => [p[0], p[2], p[3]]) }))).toEqual(real.map((z) => ({ ...z, pcp: z.pcp.map((p) => [p[0], p[2], p[3]]) })));
    expect(m.readSysctl('min_free_kbytes')).toBe('16384\n');
  });

  it('vm.min_free_kbytes: watermarks from the current managed; protection stays the dump\'s (setup_per_zone_lowmem_reserve does not run)', () => {
    const text = oracle('x64-1g');
    const m = bootFromZoneinfo({ arch: 'x86_64', kernel: '6.1', zoneinfo: text }).sysctl('min_free_kbytes', 8192);
    const dump = parseZoneinfo(text).zones;
    const z = parseZoneinfo(m.render('zoneinfo')).zones;
    expect(z.map((q) => q.protection)).toEqual(dump.map((q) => q.protection));
    // __setup_per_zone_wmarks with the final managed: DMA 3840, DMA32 242099 of 245939 lowmem pages
    expect([z[0]!.min, z[1]!.min]).toEqual([Math.floor((2048 * 3840) / 245939), Math.floor((2048 * 242099) / 245939)]);
    expect(z[1]!.boost).toBe(0);
  });

  it('vm.lowmem_reserve_ratio: protection from the current managed; watermarks stay the dump\'s', () => {
    const text = oracle('x64-1g');
    const m = bootFromZoneinfo({ arch: 'x86_64', kernel: '6.1', zoneinfo: text }).sysctl('lowmem_reserve_ratio', '256 256 32 0 0');
    const z = parseZoneinfo(m.render('zoneinfo')).zones;
    expect(z[0]!.protection).toEqual([0, Math.floor(242099 / 256), Math.floor(242099 / 256), Math.floor(242099 / 256), Math.floor(242099 / 256)]);
    expect(z.map((q) => [q.min, q.low, q.high])).toEqual(parseZoneinfo(text).zones.map((q) => [q.min, q.low, q.high]));
  });

  it('5.10: a min_free_kbytes write leaves pcp alone (no zone_pcp_update in its setup_per_zone_wmarks)', () => {
    const text = oracle('x64-1g-k510');
    const m = bootFromZoneinfo({ arch: 'x86_64', kernel: '5.10', zoneinfo: text }).sysctl('min_free_kbytes', 8192);
    const pcp = (t: string) => parseZoneinfo(t).zones.map((q) => q.pagesets.map((p) => [p.high, p.batch]));
    expect(pcp(m.render('zoneinfo'))).toEqual(pcp(text));
  });
});
