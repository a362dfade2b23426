/** The built-in machines are the oracle boots: booted as shipped, they print what the real kernels printed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mm } from '../../src/lib/mm';
import { parseZoneinfo } from '../../src/sim/format';
import { ORACLE } from '../oracle/cases';

describe.each(mm.fixtures().map((f) => [f.name, f] as const))('fixture %s', (name, f) => {
  const real = parseZoneinfo(readFileSync(join(ORACLE, name, 'zoneinfo.txt'), 'utf8')).zones;

  it('is the device tree or e820 map the real kernel booted', () => {
    if (f.dtb) {
      const file = ['modified.dtb', 'virt.dtb'].map((x) => join(ORACLE, name, x)).find((p) => { try { readFileSync(p); return true; } catch { return false; } })!;
      expect(Buffer.from(f.dtb).equals(readFileSync(file))).toBe(true);
    } else {
      expect(f.e820).toMatch(/BIOS-e820: \[mem 0x0000000000000000-/);
    }
  });

  it('boots to the real zone layout, watermarks, protection and managed pages', () => {
    const sim = parseZoneinfo(mm.boot({ fixture: name }).render('zoneinfo')).zones;
    expect(sim.map((z) => [z.nid, z.zone, z.spanned, z.present, z.managed, z.min, z.low, z.high, z.protection]))
      .toEqual(real.map((z) => [z.nid, z.zone, z.spanned, z.present, z.managed, z.min, z.low, z.high, z.protection]));
  });

  it('with another command line, falls back to the model (and still boots)', () => {
    const m = mm.boot({ fixture: name, cmdline: `${f.cmdline} transparent_hugepage=never` });
    expect(m.stages.memblock.source).toBe('model');
  });
});

describe('mm.boot progress and serialisation', () => {
  it('reports each boot stage once, in the kernel order, with rising fractions', () => {
    const seen: Array<[string, number]> = [];
    mm.boot({ arch: 'arm64', kernel: '6.1', topology: { ramMiB: 2048, nodes: 2, cpus: 4 }, sysctls: { 'vm.watermark_scale_factor': 100 }, onStage: (s, f) => seen.push([s, f]) });
    expect(seen.map(([s]) => s)).toEqual(['firmware', 'setup_arch', 'free_area_init', 'memblock_free_all', 'initcalls', 'sysctls']);
    for (let i = 1; i < seen.length; i++) expect(seen[i][1]).toBeGreaterThanOrEqual(seen[i - 1][1]);
    expect(seen.every(([, f]) => f >= 0 && f < 1)).toBe(true);
  });

  it('a stage that fails stops the reports there', () => {
    const seen: string[] = [];
    expect(() => mm.boot({ arch: 'arm64', kernel: '6.1', topology: { ramMiB: 512, cmdline: 'cma=4G' }, onStage: (s) => seen.push(s) })).toThrow(/cma/i);
    expect(seen).toEqual(['firmware', 'setup_arch']);
  });

  it('a machine serialises to its arch, kernel and zone view, not its page arrays', () => {
    const m = mm.boot({ fixture: mm.fixtures()[0].name });
    const json = JSON.parse(JSON.stringify(m));
    expect(Object.keys(json)).toEqual(['arch', 'kernel', 'view']);
    expect(json.view).toEqual(JSON.parse(JSON.stringify(m.view())));
    expect(JSON.stringify(m).length).toBeLessThan(200_000);
  });
});
