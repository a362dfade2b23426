import { describe, expect, it } from 'vitest';
import { MmError } from '../../src/sim/errors';
import { parseZoneinfo } from '../../src/sim/format/zoneinfo-parse';
import { parseBuddyinfo } from '../../src/sim/format/buddyinfo';
import { parsePagetypeinfo } from '../../src/sim/format/pagetypeinfo-parse';
import { meminfoToView, parseMeminfo } from '../../src/sim/format/meminfo-parse';
import { parseVmstat } from '../../src/sim/format/vmstat';
import { parseMemblockDebugfs } from '../../src/sim/format/memblock';
import { oracleFiles } from './oracle';

function mmError(f: () => unknown): MmError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MmError);
    return e as MmError;
  }
  throw new Error('expected an MmError, nothing was thrown');
}

/** Replace line `n` (1-based) of `text`. */
function editLine(text: string, n: number, edit: (l: string) => string): string {
  const lines = text.split('\n');
  lines[n - 1] = edit(lines[n - 1]!);
  return lines.join('\n');
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const zoneinfo = oracleFiles('zoneinfo').find((f) => f.name === 'x64-6g-numa2/zoneinfo.txt')!.text;
const zoneinfo510 = oracleFiles('zoneinfo').find((f) => f.name === 'a64-512m-k510/zoneinfo.txt')!.text;
const buddyinfo = oracleFiles('buddyinfo').find((f) => f.name === 'a32-2g-highmem/buddyinfo.txt')!.text;
const pagetypeinfo = oracleFiles('pagetypeinfo').find((f) => f.name === 'x64-6g-numa2/pagetypeinfo.txt')!.text;
const meminfo = oracleFiles('meminfo').find((f) => f.name === 'x64-1g/meminfo.txt')!.text;
const vmstat = oracleFiles('vmstat').find((f) => f.name === 'a64-512m/vmstat.txt')!.text;
const memblock = oracleFiles('memblock_reserved').find((f) => f.name === 'a64-512m/memblock_reserved.txt')!.text;

describe('zoneinfo parse errors', () => {
  it('bad number names the line', () => {
    const n = lineOf(zoneinfo, 'spanned  782304');
    const e = mmError(() => parseZoneinfo(editLine(zoneinfo, n, (l) => l.replace('782304', '78x304'))));
    expect(e.code).toBe('ZONEINFO_PARSE');
    expect(e.location).toBe(`line ${n}`);
    expect(e.message).toMatch(/bad number "78x304" for spanned/);
  });
  it('truncated line (value cut off) names the line', () => {
    const n = lineOf(zoneinfo, 'nr_mlock');
    const e = mmError(() => parseZoneinfo(editLine(zoneinfo, n, () => '      nr_mlock')));
    expect([e.code, e.location]).toEqual(['ZONEINFO_PARSE', `line ${n}`]);
    expect(e.message).toMatch(/truncated line/);
  });
  it('truncated protection tuple', () => {
    const n = lineOf(zoneinfo, 'protection: (0, 2890');
    const e = mmError(() => parseZoneinfo(editLine(zoneinfo, n, (l) => l.slice(0, 25))));
    expect([e.code, e.location]).toEqual(['ZONEINFO_PARSE', `line ${n}`]);
  });
  it('unknown zone name', () => {
    const n = lineOf(zoneinfo, 'zone    DMA32');
    const e = mmError(() => parseZoneinfo(editLine(zoneinfo, n, (l) => l.replace('DMA32', 'DMA31'))));
    expect([e.code, e.location]).toEqual(['ZONEINFO_PARSE', `line ${n}`]);
    expect(e.message).toMatch(/unknown zone name "DMA31"/);
  });
  it('a file cut inside a populated zone is read as far as it goes, with a ZONEINFO_TRUNCATED warning', () => {
    const n = lineOf(zoneinfo, 'pagesets');
    const cut = zoneinfo.split('\n').slice(0, n - 1).join('\n') + '\n';
    const p = parseZoneinfo(cut);
    expect(p.zones.map((z) => z.zone)).toEqual(['DMA']);
    expect(p.zones[0]!.hasPagesets).toBe(false);
    expect(p.warnings.map((w) => w.code)).toEqual(['ZONEINFO_TRUNCATED']);
    expect(p.warnings[0]!.message).toMatch(/node 0 zone DMA \(line 1\) stops before its pagesets/);
  });
  it('a 5.10 zone mixed into a 6.1 file', () => {
    const first510Zone = zoneinfo510.split('Node 0, zone    DMA32')[1]!.split('Node 0, zone   Normal')[0]!;
    const text = zoneinfo.replace(/Node 0, zone   Normal[\s\S]*?(?=Node 0, zone  Movable)/, `Node 0, zone   Normal${first510Zone}`);
    const e = mmError(() => parseZoneinfo(text));
    expect(e.message).toMatch(/mixed 5.10 and 6.1 layout/);
    expect(e.location).toBe(`line ${lineOf(text, 'zone   Normal')}`);
  });
  it('a garbage line inside a zone is counted and named; one after the dump is skipped text', () => {
    const inside = parseZoneinfo('Node 0, zone      DMA\n  pages free     1\n  hello world\n        min      2\n');
    expect(inside.warnings.map((w) => w.code)).toEqual(['ZONEINFO_UNKNOWN_LINES']);
    expect(inside.warnings[0]!.message).toMatch(/^1 line not in the Linux partial layout was ignored \(first at line 3: "hello world"\)$/);
    const after = parseZoneinfo('Node 0, zone      DMA\n  pages free     1\nhello world\n');
    expect(after.warnings.map((w) => [w.code, w.message])).toEqual([['ZONEINFO_SKIPPED_TEXT', '1 line around the dump was skipped (first at line 3: "hello world")']]);
  });
  it('text not starting with a zone header', () => {
    expect(mmError(() => parseZoneinfo('  pages free     1\n')).location).toBe('line 1');
  });
});

describe('other parsers', () => {
  it('buddyinfo: bad number, short line, unknown zone', () => {
    let e = mmError(() => parseBuddyinfo(editLine(buddyinfo, 2, (l) => l.replace(/ 1 /, ' -1 '))));
    expect([e.code, e.location]).toEqual(['BUDDYINFO_PARSE', 'line 2']);
    e = mmError(() => parseBuddyinfo(editLine(buddyinfo, 2, (l) => l.slice(0, 40))));
    expect([e.code, e.location]).toEqual(['BUDDYINFO_PARSE', 'line 2']);
    expect(e.message).toMatch(/truncated line/);
    e = mmError(() => parseBuddyinfo(editLine(buddyinfo, 1, (l) => l.replace('DMA', 'XYZ'))));
    expect(e.message).toMatch(/unknown zone name "XYZ"/);
  });
  it('pagetypeinfo: short free row, bad block count, unknown zone', () => {
    const row = lineOf(pagetypeinfo, 'zone    DMA32, type      Movable');
    let e = mmError(() => parsePagetypeinfo(editLine(pagetypeinfo, row, (l) => l.slice(0, 60))));
    expect([e.code, e.location]).toEqual(['PAGETYPEINFO_PARSE', `line ${row}`]);
    const blocks = lineOf(pagetypeinfo, 'Node 0, zone    DMA32  ');
    e = mmError(() => parsePagetypeinfo(editLine(pagetypeinfo, blocks, (l) => l.replace('1453', '14.3'))));
    expect([e.code, e.location]).toEqual(['PAGETYPEINFO_PARSE', `line ${blocks}`]);
    e = mmError(() => parsePagetypeinfo(editLine(pagetypeinfo, row, (l) => l.replace('DMA32', 'Dma32'))));
    expect(e.message).toMatch(/unknown zone name "Dma32"/);
  });
  it('meminfo: bad number, missing value, inconsistent sums', () => {
    let e = mmError(() => parseMeminfo(editLine(meminfo, 5, (l) => l.replace('1944', '19a4'))));
    expect([e.code, e.location]).toEqual(['MEMINFO_PARSE', 'line 5']);
    e = mmError(() => parseMeminfo(editLine(meminfo, 3, () => 'MemAvailable:')));
    expect([e.code, e.location]).toEqual(['MEMINFO_PARSE', 'line 3']);
    const active = lineOf(meminfo, 'Active:');
    e = mmError(() => meminfoToView(parseMeminfo(editLine(meminfo, active, (l) => l.replace('1760', '1764')))));
    expect(e.code).toBe('MEMINFO_INCONSISTENT');
    expect(e.location).toBe('Active');
  });
  it('vmstat: bad number, missing value, duplicate', () => {
    let e = mmError(() => parseVmstat(editLine(vmstat, 4, (l) => `${l}x`)));
    expect([e.code, e.location]).toEqual(['VMSTAT_PARSE', 'line 4']);
    e = mmError(() => parseVmstat(editLine(vmstat, 7, (l) => l.split(' ')[0]!)));
    expect([e.code, e.location]).toEqual(['VMSTAT_PARSE', 'line 7']);
    expect(e.message).toMatch(/truncated line/);
    e = mmError(() => parseVmstat(`${vmstat}nr_free_pages 1\n`));
    expect(e.message).toMatch(/printed twice/);
  });
  it('memblock: cut address, wrong index', () => {
    let e = mmError(() => parseMemblockDebugfs(editLine(memblock, 3, (l) => l.slice(0, l.length - 3))));
    expect([e.code, e.location]).toEqual(['MEMBLOCK_PARSE', 'line 3']);
    e = mmError(() => parseMemblockDebugfs(editLine(memblock, 2, (l) => l.replace('   1:', '   7:'))));
    expect(e.message).toMatch(/region index 7, expected 1/);
  });
});
