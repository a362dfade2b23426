/** --kconfig: a kernel .config (or a fragment) overrides the profile's Debian defaults. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/boot/boot';
import { ORACLE } from '../oracle/cases';

const dtb = new Uint8Array(readFileSync(join(ORACLE, 'a64-1g-nothp/virt.dtb')));
// the DT's bootargs say transparent_hugepage=never; boot with a plain command line instead
const boot = (kconfig?: string) => bootMachine({ arch: 'arm64', kernel: '6.1', dtb, kconfig, cmdline: 'console=ttyAMA0' });

describe('--kconfig', () => {
  it("Debian's own .config gives the profile's defaults", () => {
    const full = readFileSync(join(ORACLE, 'kernel-configs/config-6.1.0-50-arm64'), 'utf8');
    expect(boot(full).render('zoneinfo')).toBe(boot().render('zoneinfo'));
  });
  it('CONFIG_CMA_SIZE_MBYTES changes the default CMA area', () => {
    const m = boot('CONFIG_CMA_SIZE_MBYTES=128\n');
    expect(m.parts.cmaAreas.map((a) => a.size)).toEqual([128 * 2 ** 20]);
    expect(m.view().nodes[0].zones[0].cma).toBe(32768);
  });
  it('THP not built: no khugepaged raise of min_free_kbytes', () => {
    const on = boot('CONFIG_TRANSPARENT_HUGEPAGE_ALWAYS=y\n# CONFIG_TRANSPARENT_HUGEPAGE_MADVISE is not set\n');
    const off = boot('# CONFIG_TRANSPARENT_HUGEPAGE is not set\n');
    expect(on.readSysctl('min_free_kbytes').trim()).toBe('22528');
    expect(Number(off.readSysctl('min_free_kbytes'))).toBeLessThan(22528);
  });
});
