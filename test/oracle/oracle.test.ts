/**
 * Oracle tests: boot the same DTB or e820 map, command line, CPU count and sysctls as the real
 * kernels in ../shared/oracle, and compare with what they printed.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/boot/boot';
import { bootFromZoneinfo } from '../../src/sim/machine/zoneinfo-import';
import { parseZoneinfo, parseBuddyinfo, renderZoneinfo, type ParsedZoneinfoZone } from '../../src/sim/format';
import { oracleCases } from './cases';

const cases = oracleCases();

function zonesOf(text: string): Map<string, ParsedZoneinfoZone> {
  return new Map(parseZoneinfo(text).zones.map((z) => [`${z.nid}/${z.zone}`, z]));
}

describe.each(cases.map((c) => [c.name, c] as const))('oracle %s', (_name, c) => {
  const real = zonesOf(c.read('zoneinfo.txt'));
  const withLog = bootMachine({ ...c.request, bootLog: c.bootLog });
  const model = bootMachine(c.request);
  const simZones = (m: typeof model) => zonesOf(m.render('zoneinfo'));

  it('prints every zone of every node, populated or not', () => {
    expect([...simZones(withLog).keys()]).toEqual([...real.keys()]);
  });

  it('zone layout (start_pfn, spanned, present) is exact, with and without the boot log', () => {
    for (const m of [withLog, model]) {
      const sim = simZones(m);
      for (const [key, r] of real) {
        const s = sim.get(key)!;
        expect({ key, spanned: s.spanned, present: s.present, start: s.startPfn }).toEqual({ key, spanned: r.spanned, present: r.present, start: r.startPfn });
      }
    }
  });

  it('min_free_kbytes, watermarks, protection and pcp high/batch are exact (boot log)', () => {
    expect(withLog.readSysctl('min_free_kbytes')).toBe(c.read('min_free_kbytes.txt'));
    const sim = simZones(withLog);
    for (const [key, r] of real) {
      const s = sim.get(key)!;
      expect({ key, min: s.min, low: s.low, high: s.high, protection: s.protection, boost: s.boost }).toEqual({ key, min: r.min, low: r.low, high: r.high, protection: r.protection, boost: r.boost });
      expect({ key, pcp: s.pagesets.map((p) => [p.cpu, p.high, p.batch]) }).toEqual({ key, pcp: r.pagesets.map((p) => [p.cpu, p.high, p.batch]) });
    }
  });

  it('managed is exact with the boot log', () => {
    const sim = simZones(withLog);
    for (const [key, r] of real) expect({ key, managed: sim.get(key)!.managed }).toEqual({ key, managed: r.managed });
  });

  it('managed is exact without the boot log (the model of kernel reservations)', () => {
    const sim = simZones(model);
    for (const [key, r] of real) {
      if (!r.managed) continue;
      const s = sim.get(key)!.managed!;
      const err = (s - r.managed) / r.managed;
      console.log(`[model error] ${c.name} node ${key}: managed ${s} vs ${r.managed} (${(err * 100).toFixed(3)}%)`);
      expect({ key, managed: s }).toEqual({ key, managed: r.managed });
    }
  });

  it('min_free_kbytes, watermarks, protection and pcp high/batch are exact without the boot log', () => {
    expect(model.readSysctl('min_free_kbytes')).toBe(c.read('min_free_kbytes.txt'));
    const sim = simZones(model);
    for (const [key, r] of real) {
      const s = sim.get(key)!;
      expect({ key, min: s.min, low: s.low, high: s.high, protection: s.protection }).toEqual({ key, min: r.min, low: r.low, high: r.high, protection: r.protection });
      expect({ key, pcp: s.pagesets.map((p) => [p.cpu, p.high, p.batch]) }).toEqual({ key, pcp: r.pagesets.map((p) => [p.cpu, p.high, p.batch]) });
    }
  });

  it('the model\'s late frees are the ones the kernel printed', () => {
    const freed = (m: typeof model) => m.parts.lateFrees.map((f) => `${f.what}: ${f.kb}K`).sort();
    expect(freed(model)).toEqual(freed(withLog));
  });

  it('places CMA where the kernel did (base and size from the "cma: Reserved" line)', () => {
    const lines = [...c.bootLog.matchAll(/cma: Reserved (\d+) MiB at (0x[0-9a-f]+)/g)].map((m) => ({ base: Number(BigInt(m[2])), size: Number(m[1]) * 2 ** 20 }));
    const sim = model.parts.cmaAreas.filter((a) => !a.fromDt).map((a) => ({ base: a.base, size: a.size }));
    expect(sim).toEqual(lines);
    const dt = [...c.bootLog.matchAll(/created CMA memory pool at (0x[0-9a-f]+), size (\d+) MiB/g)].map((m) => ({ base: Number(BigInt(m[1])), size: Number(m[2]) * 2 ** 20 }));
    expect(model.parts.cmaAreas.filter((a) => a.fromDt).map((a) => ({ base: a.base, size: a.size }))).toEqual(dt);
  });

  it('buddyinfo has the real shape: highest-order counts within a few blocks (boot log)', () => {
    const realRows = parseBuddyinfo(c.read('buddyinfo.txt'));
    const simRows = parseBuddyinfo(withLog.render('buddyinfo'));
    const simFree = new Map(parseZoneinfo(withLog.render('zoneinfo')).zones.map((z) => [`${z.nid}/${z.zone}`, z.free]));
    expect(simRows.map((r) => `${r.nid}/${r.zone}`)).toEqual(realRows.map((r) => `${r.nid}/${r.zone}`));
    for (const [i, r] of realRows.entries()) {
      const top = r.counts.length - 1;
      expect(simRows[i].counts.length).toBe(r.counts.length);
      // The real snapshot was taken after init had run: the pages it allocated since boot can have broken
      // about ceil(used / 2^top) top-order blocks; beyond that the two must agree within a few (4) blocks.
      const used = Math.max(0, simFree.get(`${r.nid}/${r.zone}`)! - real.get(`${r.nid}/${r.zone}`)!.free!);
      const slack = Math.ceil(used / 2 ** top) + 4;
      expect({ zone: r.zone, diff: Math.abs(simRows[i].counts[top] - r.counts[top]) <= slack }).toEqual({ zone: r.zone, diff: true });
    }
  });

  if (c.sysctls.length) {
    it('run-time sysctl writes give what the kernel printed after them', () => {
      let m = withLog;
      for (const [k, v] of c.sysctls) m = m.sysctl(k, v);
      const after = zonesOf(c.read('zoneinfo.after_sysctl.txt'));
      const sim = zonesOf(m.render('zoneinfo'));
      for (const [key, r] of after) {
        const s = sim.get(key)!;
        expect({ key, min: s.min, low: s.low, high: s.high, protection: s.protection, pcp: s.pagesets.map((p) => [p.high, p.batch]) })
          .toEqual({ key, min: r.min, low: r.low, high: r.high, protection: r.protection, pcp: r.pagesets.map((p) => [p.high, p.batch]) });
      }
      expect(m.readSysctl('min_free_kbytes')).toBe(c.read('min_free_kbytes.after_sysctl.txt'));
      expect(m.readSysctl('lowmem_reserve_ratio')).toBe(c.read('lowmem_reserve_ratio.after_sysctl.txt'));
      expect(m.readSysctl('watermark_scale_factor')).toBe(c.read('watermark_scale_factor.after_sysctl.txt'));
    });
  }

  it('--zoneinfo import: mmbook\'s own recomputation of every derived value from the real layout matches (with the boot log)', () => {
    const m = bootFromZoneinfo({ arch: c.arch, kernel: c.kernel, zoneinfo: c.read('zoneinfo.txt'), bootLog: c.bootLog });
    expect(m.readSysctl('min_free_kbytes')).toBe(c.read('min_free_kbytes.txt'));
    // the machine prints the dump's values; recomputedView is mmbook's boot-rule recomputation of them
    const sim = zonesOf(renderZoneinfo(m.recomputedView()));
    for (const [key, r] of real) {
      const s = sim.get(key)!;
      expect({ key, managed: s.managed, min: s.min, low: s.low, high: s.high, protection: s.protection, pcp: s.pagesets.map((p) => [p.cpu, p.high, p.batch]) })
        .toEqual({ key, managed: r.managed, min: r.min, low: r.low, high: r.high, protection: r.protection, pcp: r.pagesets.map((p) => [p.cpu, p.high, p.batch]) });
    }
  });

  it('the as-booted sysctls read back like /proc/sys', () => {
    for (const f of ['lowmem_reserve_ratio', 'watermark_scale_factor', 'watermark_boost_factor']) {
      expect(withLog.readSysctl(f)).toBe(c.read(`${f}.txt`));
    }
  });
});
