/** buddyinfo and pagetypeinfo of the same machine give an imported machine its free-list shape. */
import { describe, expect, it } from 'vitest';
import { bootFromZoneinfo } from '../../src/sim/machine/zoneinfo-import';
import { folderProfile, oracle } from './fixtures';

describe('free lists of an imported machine', () => {
  for (const folder of ['a64-2g-cma64', 'x64-6g-numa2', 'a32-2g-highmem', 'x64-1g-k510']) {
    it(`${folder}: its pagetypeinfo prints back exactly; so does a buddyinfo given alone`, () => {
      const both = bootFromZoneinfo({ ...folderProfile(folder), zoneinfo: oracle(folder), buddyinfo: oracle(folder, 'buddyinfo.txt'), pagetypeinfo: oracle(folder, 'pagetypeinfo.txt') });
      expect(both.render('pagetypeinfo')).toBe(oracle(folder, 'pagetypeinfo.txt'));
      expect(both.render('zoneinfo')).toBe(oracle(folder));
      // the real files were read moments apart: where they differ, pagetypeinfo's lists are used and the drift is a warning
      const drift = both.render('buddyinfo') !== oracle(folder, 'buddyinfo.txt');
      expect(both.parts.warnings!.some((w) => w.startsWith('ZONEINFO_FREE_LISTS_DRIFT: buddyinfo and pagetypeinfo differ'))).toBe(drift);
      const alone = bootFromZoneinfo({ ...folderProfile(folder), zoneinfo: oracle(folder), buddyinfo: oracle(folder, 'buddyinfo.txt') });
      expect(alone.render('buddyinfo')).toBe(oracle(folder, 'buddyinfo.txt'));
    });
  }
  it('a buddyinfo alone gives buddyinfo; pagetypeinfo stays unavailable (no migratetype split)', () => {
    const m = bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-2g-cma64'), buddyinfo: oracle('a64-2g-cma64', 'buddyinfo.txt') });
    expect(m.render('buddyinfo')).toBe(oracle('a64-2g-cma64', 'buddyinfo.txt'));
    expect(() => m.render('pagetypeinfo')).toThrow(/FORMAT_UNAVAILABLE|does not split them by migratetype/);
  });
  it('another machine\'s buddyinfo is refused with the reason', () => {
    expect(() => bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-2g-cma64'), buddyinfo: oracle('a64-2g-cma64', 'buddyinfo.txt'), pagetypeinfo: oracle('a64-1g-nothp', 'pagetypeinfo.txt') }))
      .toThrow(/buddyinfo and pagetypeinfo disagree in node 0 zone DMA by \d+ pages .*more than the \d+ two reads of one machine can differ by/);
    expect(() => bootFromZoneinfo({ arch: 'x86_64', kernel: '6.1', zoneinfo: oracle('x64-6g-numa2'), buddyinfo: oracle('x64-1g', 'buddyinfo.txt') }))
      .toThrow(/zoneinfo's populated zones and buddyinfo's zones differ: node 1 zone Normal only in the first: not the same machine/);
  });
  it('two reads a few pages apart are a drift warning, not a refusal', () => {
    const bi = oracle('a64-2g-cma64', 'buddyinfo.txt').replace(/^(Node 0, zone\s+DMA\s+)(\d+)/m, (_, p, n) => `${p}${Number(n) + 40}`.padEnd(p.length + String(n).length));
    const m = bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-2g-cma64'), buddyinfo: bi, pagetypeinfo: oracle('a64-2g-cma64', 'pagetypeinfo.txt') });
    expect(m.parts.warnings!.filter((w) => w.startsWith('ZONEINFO_FREE_LISTS_DRIFT'))).toEqual(['ZONEINFO_FREE_LISTS_DRIFT: buddyinfo and pagetypeinfo differ in node 0 zone DMA by 40 pages (read at different moments); pagetypeinfo\'s lists are used']);
  });
  it('bugreport framing around a pagetypeinfo is skipped', () => {
    const pti = `------ PAGETYPEINFO (/proc/pagetypeinfo) ------\n${oracle('a64-2g-cma64', 'pagetypeinfo.txt')}------ 0.002s was the duration of 'PAGETYPEINFO' ------\n`;
    const m = bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-2g-cma64'), pagetypeinfo: pti });
    expect(m.render('pagetypeinfo')).toBe(oracle('a64-2g-cma64', 'pagetypeinfo.txt'));
  });
});
