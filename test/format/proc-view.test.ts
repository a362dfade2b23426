import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procToView } from '../../src/sim/format/proc-view';
import type { ProcTexts } from '../../src/sim/format/proc-view';
import { renderZoneinfo } from '../../src/sim/format/zoneinfo';
import { renderPagetypeinfo } from '../../src/sim/format/pagetypeinfo';
import { renderBuddyinfo } from '../../src/sim/format/buddyinfo';
import { meminfoValue, renderMeminfo } from '../../src/sim/format/meminfo';
import { parseMeminfo } from '../../src/sim/format/meminfo-parse';
import { parseVmstat, renderVmstat } from '../../src/sim/format/vmstat';
import { renderMemblockDebugfs } from '../../src/sim/format/memblock';
import { renderProc } from '../../src/sim/format/proc';
import { eventNames } from '../../src/sim/format/item-lists';
import { stripConsoleNoise } from '../../src/sim/format/lines';
import { ORACLE, folderProfile, oracleFiles } from './oracle';

const folders = oracleFiles('zoneinfo').filter((f) => f.name.endsWith('/zoneinfo.txt')).map((f) => f.folder);

function texts(folder: string): ProcTexts {
  const read = (f: string): string | undefined => {
    const p = join(ORACLE, folder, f);
    if (!existsSync(p)) return undefined;
    const t = readFileSync(p, 'utf8');
    return t.startsWith('(absent') ? undefined : t;
  };
  return {
    zoneinfo: read('zoneinfo.txt')!, buddyinfo: read('buddyinfo.txt'), pagetypeinfo: read('pagetypeinfo.txt'),
    meminfo: read('meminfo.txt'), vmstat: read('vmstat.txt'),
    memblockMemory: read('memblock_memory.txt'), memblockReserved: read('memblock_reserved.txt'),
  };
}

describe('procToView: one view from all files of an oracle boot', () => {
  it('covers every oracle folder', () => expect(folders.length).toBe(10));
  for (const folder of folders) {
    it(folder, () => {
      const t = texts(folder);
      const v = procToView(t);
      const { arch, kernel } = folderProfile(folder);
      expect([v.arch, v.kernel]).toEqual([arch, kernel]);
      // the name lists are the profile's own, not copies of the text
      expect(v.statNames).toBeUndefined();
      expect(renderZoneinfo(v)).toBe(t.zoneinfo);
      expect(renderPagetypeinfo(v)).toBe(t.pagetypeinfo);
      // buddyinfo's nr_free is the sum over migratetypes of pagetypeinfo's lists
      const bud = renderBuddyinfo(v).split('\n');
      const want = t.buddyinfo!.split('\n');
      expect(bud.map((l) => l.slice(0, 22))).toEqual(want.map((l) => l.slice(0, 22)));
      if (t.memblockMemory) {
        expect(renderMemblockDebugfs(v, 'memory')).toBe(t.memblockMemory);
        expect(renderMemblockDebugfs(v, 'reserved')).toBe(t.memblockReserved);
        expect(renderProc(v, 'memblock')).toContain(t.memblockReserved!);
      }
      // layout lines of meminfo follow from zoneinfo (+ CmaTotal from meminfo on 5.10)
      const m = parseMeminfo(t.meminfo!);
      for (const label of ['MemTotal', 'CmaTotal', 'HighTotal', 'LowTotal', 'KernelStack', 'PageTables', 'Hugepagesize', 'VmallocTotal']) {
        if (label in m) expect(`${label} ${meminfoValue(v, label)}`).toBe(`${label} ${m[label]}`);
      }
      // events and thresholds come from vmstat unchanged
      const vm = parseVmstat(t.vmstat!);
      const rendered = parseVmstat(renderVmstat(v));
      expect(Object.keys(rendered)).toEqual(Object.keys(vm));
      for (const name of [...eventNames(v), 'nr_dirty_threshold']) expect(`${name} ${rendered[name]}`).toBe(`${name} ${vm[name]}`);
      expect(stripConsoleNoise(t.vmstat!).split('\n').length).toBe(renderVmstat(v).split('\n').length);
    });
  }
});

describe('procToView: meminfo follows from zoneinfo node stats plus the meminfo-only counters', () => {
  // On these boots /proc/meminfo and /proc/zoneinfo were read with no page state change in
  // between; on the others free pages, Inactive(anon) or Mapped moved between the two reads.
  for (const folder of ['a64-1g-nothp', 'a64-1g-reserved', 'a64-1g-tuned', 'a64-2g-cma64', 'a64-512m', 'a64-512m-k510']) {
    it(folder, () => {
      const t = texts(folder);
      expect(renderMeminfo(procToView(t))).toBe(t.meminfo);
    });
  }
});
