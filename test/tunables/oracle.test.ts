/**
 * The tunables against what real 5.10 and 6.1 kernels printed (the oracle, test/helpers/oracle-dir.ts): watermarks,
 * protection, pcp high/batch, vm stats threshold and min_free_kbytes, from managed at postcore
 * time (final managed minus the late frees; see oracle-boot.ts for the frees found per folder).
 */
import { describe, expect, it } from 'vitest';
import { versionRules } from '../../src/sim/kernel-behaviour';
import { readSysctl, writeSysctl, type TunableState } from '../../src/sim/tunables';
import { ORACLE_CASES, lateFreePages, replayBoot } from './oracle-boot';
import { oracleExists, parseZoneinfo, readOracle, type OracleZone } from './oracle-data';

function compareZones(s: TunableState, oracle: OracleZone[]): void {
  expect(s.zones.length).toBe(oracle.length);
  oracle.forEach((o, i) => {
    const z = s.zones[i]!;
    const where = `node ${o.nid} ${o.name}`;
    expect([z.nid, z.name], where).toEqual([o.nid, o.name]);
    expect(
      { boost: z.boost, min: z.wmark.min + z.boost, low: z.wmark.low + z.boost, high: z.wmark.high + z.boost },
      where,
    ).toEqual({ boost: o.boost, min: o.min, low: o.low, high: o.high });
    expect(z.lowmemReserve, `${where} protection`).toEqual(o.protection);
    if (o.present > 0) {
      for (const cpu of o.pcp) expect({ high: z.pcpHigh, batch: z.pcpBatch }, `${where} cpu ${cpu.cpu}`).toEqual({ high: cpu.high, batch: cpu.batch });
      expect(z.statThreshold, `${where} vm stats threshold`).toBe(o.statThreshold);
    }
  });
}

const SYSCTL_FILES = ['min_free_kbytes', 'lowmem_reserve_ratio', 'watermark_scale_factor', 'watermark_boost_factor'];

describe.each(ORACLE_CASES)('oracle $folder ($kernel)', (c) => {
  it('has its oracle folder', () => expect(oracleExists(c.folder)).toBe(true));
  const r = replayBoot(c);

  it('finds late frees after postcore in the console log', () => {
    const late = lateFreePages(c.folder);
    expect(late.map((f) => f.what)).toContain('initrd');
    expect(late.every((f) => Number.isInteger(f.pages) && f.pages > 0)).toBe(true);
  });

  it('reproduces min/low/high, protection, pcp high/batch and stat thresholds', () => {
    compareZones(r.boot, r.oracle);
  });

  it('prints the sysctls as /proc/sys does', () => {
    for (const f of SYSCTL_FILES) expect(readSysctl(r.boot, `vm.${f}`), f).toBe(readOracle(c.folder, `${f}.txt`));
    // 6.1 has vm.percpu_pagelist_high_fraction (the oracle printed it); 5.10's percpu_pagelist_fraction was not captured
    const fraction = versionRules(c.kernel).pcp.fractionSysctl;
    if (fraction === 'percpu_pagelist_high_fraction') expect(readSysctl(r.boot, `vm.${fraction}`)).toBe(readOracle(c.folder, `${fraction}.txt`));
  });

});

/** compareZones as a boolean */
function matches(s: TunableState, oracle: OracleZone[]): boolean {
  try {
    compareZones(s, oracle);
    return true;
  } catch {
    return false;
  }
}

describe('the oracle checks can fail', () => {
  // Folders whose numbers depend on managed (the THP-raised one-zone arm64 boots do not:
  // min = pages_min and dist = tmp >> 2 there, whatever managed is).
  const sensitive = ['a64-512m', 'a64-512m-k510', 'a64-1g-nothp', 'a32-2g-highmem', 'x64-1g', 'x64-1g-k510', 'x64-6g-numa2'];
  it.each(ORACLE_CASES.filter((c) => sensitive.includes(c.folder) && oracleExists(c.folder)))(
    '$folder: watermarks from the final managed (no late frees) do not match',
    (c) => {
      const r = replayBoot(c, { subtractLateFrees: false });
      expect(matches(r.boot, r.oracle)).toBe(false);
    },
  );
  it.runIf(oracleExists('x64-6g-numa2'))('x64-6g-numa2: treating "SMP alternatives" as a late free does not match', () => {
    const c = ORACLE_CASES.find((x) => x.folder === 'x64-6g-numa2')!;
    const r = replayBoot(c, { early: [] });
    expect(matches(r.boot, r.oracle)).toBe(false);
  });
});

describe.runIf(oracleExists('a64-1g-tuned'))('oracle a64-1g-tuned after sysctl_log.txt', () => {
  const c = ORACLE_CASES.find((x) => x.folder === 'a64-1g-tuned')!;
  const writes = readOracle(c.folder, 'sysctl_log.txt')
    .split('\n')
    .map((l) => /^write '(.*)' > \/proc\/sys\/(vm\/\S+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);

  it('replays every write and matches zoneinfo.after_sysctl.txt and the sysctl files', () => {
    expect(writes.length).toBe(3);
    let s = replayBoot(c).boot;
    for (const [, value, path] of writes) s = writeSysctl(s, path!, value!);
    compareZones(s, parseZoneinfo(readOracle(c.folder, 'zoneinfo.after_sysctl.txt')));
    for (const f of SYSCTL_FILES) {
      expect(readSysctl(s, f), f).toBe(readOracle(c.folder, `${f}.after_sysctl.txt`));
    }
    expect(s.userMinFreeKbytes).toBe(16384);
  });

  it('prints the "now:" values of the log after each write', () => {
    let s = replayBoot(c).boot;
    const nows = readOracle(c.folder, 'sysctl_log.txt')
      .split('\n')
      .filter((l) => l.startsWith('now: '))
      .map((l) => l.slice(5));
    writes.forEach(([, value, path], i) => {
      s = writeSysctl(s, path!, value!);
      expect(readSysctl(s, path!)).toBe(`${nows[i]}\n`);
    });
  });
});
