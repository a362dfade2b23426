import { describe, expect, it } from 'vitest';
import { buddyinfoToView, parseBuddyinfo, renderBuddyinfo } from '../../src/sim/format/buddyinfo';
import { renderPagetypeinfo } from '../../src/sim/format/pagetypeinfo';
import { pagetypeinfoToView, parsePagetypeinfo } from '../../src/sim/format/pagetypeinfo-parse';
import { renderMeminfo } from '../../src/sim/format/meminfo';
import { meminfoToView, parseMeminfo } from '../../src/sim/format/meminfo-parse';
import { parseVmstat, renderVmstat, vmstatToView } from '../../src/sim/format/vmstat';
import { parseMemblockDebugfs, renderMemblockDebugfs } from '../../src/sim/format/memblock';
import { stripConsoleNoise } from '../../src/sim/format/lines';
import { emptyView } from '../../src/sim/format/view-build';
import { folderProfile, oracleFiles } from './oracle';

function roundTrip(kind: string, min: number, trip: (text: string, folder: string) => string): void {
  describe(`${kind} oracle round trip`, () => {
    const files = oracleFiles(kind).filter((f) => !f.text.startsWith('(absent'));
    it('finds the oracle dumps', () => expect(files.length).toBeGreaterThanOrEqual(min));
    for (const f of files) {
      it(f.name, () => expect(trip(f.text, f.folder)).toBe(stripConsoleNoise(f.text)));
    }
  });
}

roundTrip('buddyinfo', 11, (t) => renderBuddyinfo(buddyinfoToView(parseBuddyinfo(t))));
roundTrip('pagetypeinfo', 10, (t) => renderPagetypeinfo(pagetypeinfoToView(parsePagetypeinfo(t))));
roundTrip('meminfo', 11, (t) => renderMeminfo(meminfoToView(parseMeminfo(t))));
roundTrip('vmstat', 10, (t) => renderVmstat(vmstatToView(parseVmstat(t))));
for (const type of ['memory', 'reserved'] as const) {
  roundTrip(`memblock_${type}`, 7, (t, folder) => {
    const p = parseMemblockDebugfs(t);
    const v = emptyView({ arch: folderProfile(folder).arch, physAddrBytes: p.physAddrBytes });
    v.memblock[type] = p.regions;
    return renderMemblockDebugfs(v, type);
  });
}

describe('views built from the oracle carry the profile (no name-list overrides)', () => {
  for (const f of oracleFiles('vmstat')) {
    it(`${f.name}: the per-version vmstat name list matches`, () => {
      const { arch, kernel } = folderProfile(f.folder);
      const v = vmstatToView(parseVmstat(f.text));
      expect(v.arch).toBe(arch);
      expect(v.kernel).toBe(kernel);
      expect(v.statNames).toBeUndefined();
    });
  }
  for (const f of oracleFiles('meminfo')) {
    it(`${f.name}: the per-version meminfo line set matches`, () => {
      const { arch, kernel } = folderProfile(f.folder);
      const v = meminfoToView(parseMeminfo(f.text));
      expect([v.arch, v.kernel]).toEqual([arch, kernel]);
      expect(v.statNames).toBeUndefined();
    });
  }
});
