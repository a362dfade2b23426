import { describe, expect, it } from 'vitest';
import { readFileSync } from 'fs';
import {
  parseE820Text, E820_TYPE_RAM, E820_TYPE_RESERVED, E820_TYPE_ACPI, E820_TYPE_PRAM, E820_TYPE_SOFT_RESERVED, e820TypeName, e820FirmwareTypeName,
} from '../../src/sim/input/e820';
import {
  e820FromEntries, e820UpdateTable, e820RangeRemove, e820RangeUpdate, trimBiosRange, x86E820Setup, e820MemblockRanges, e820ToEntries,
} from '../../src/sim/input/e820-table';
import { MmError } from '../../src/sim/errors';
import { ORACLE } from '../helpers/oracle-dir';

const X64 = ['x64-1g', 'x64-1g-k510', 'x64-6g-numa2'];
const stripTs = (l: string) => l.replace(/^.*?\[\s*\d+\.\d+\]\s/, '');

/** Zone present pages per "Node N, zone NAME" from a zoneinfo file. */
function zoneinfoPresent(text: string): Map<string, number> {
  const m = new Map<string, number>();
  let zone = '';
  for (const line of text.split('\n')) {
    const z = /^Node (\d+), zone\s+(\S+)/.exec(line);
    if (z) zone = `${z[1]}:${z[2]}`;
    const p = /^\s+present\s+(\d+)/.exec(line);
    if (p && zone) m.set(zone, Number(p[1]));
  }
  return m;
}

describe('e820 text parsing', () => {
  for (const d of X64) {
    it(`${d}: the boot log and /sys/firmware/memmap give the same table`, () => {
      const log = parseE820Text(readFileSync(`${ORACLE}/${d}/kernel-console.txt`, 'utf8'));
      const mm = parseE820Text(readFileSync(`${ORACLE}/${d}/firmware_memmap.txt`, 'utf8'));
      expect(log.source).toBe('boot-log');
      expect(mm.source).toBe('firmware-memmap');
      expect(log.entries.length).toBeGreaterThanOrEqual(6);
      expect(log.entries).toEqual(mm.entries);
      expect(log.entries[0]).toEqual({ start: 0, end: 0x9fbff, type: E820_TYPE_RAM });
    });
  }
  it('reads SRAT memory affinities', () => {
    const log = parseE820Text(readFileSync(`${ORACLE}/x64-6g-numa2/kernel-console.txt`, 'utf8'));
    expect(log.srat).toEqual([
      { node: 0, pxm: 0, start: 0, end: 0x9ffff, hotplug: false, nonVolatile: false },
      { node: 0, pxm: 0, start: 0x100000, end: 0xbfffffff, hotplug: false, nonVolatile: false },
      { node: 1, pxm: 1, start: 0x100000000, end: 0x1bfffffff, hotplug: false, nonVolatile: false },
    ]);
    expect(log.sratCpus).toEqual([{ pxm: 0, apic: 0, node: 0 }, { pxm: 1, apic: 1, node: 1 }]);
  });
  it('type names round-trip in both spellings', () => {
    for (const t of [1, 2, 3, 4, 5, 7, 12, E820_TYPE_SOFT_RESERVED]) {
      const line = `BIOS-e820: [mem 0x0000000000000000-0x0000000000000fff] ${e820TypeName(t)}`;
      expect(parseE820Text(line).entries[0]!.type).toBe(t);
      expect(parseE820Text(`0x0 0xfff ${e820FirmwareTypeName(t)}`).entries[0]!.type).toBe(t);
    }
    expect(parseE820Text('BIOS-e820: [mem 0x0-0xfff] type 9').entries[0]!.type).toBe(9);
  });
  it('rejects malformed lines with a file:line location', () => {
    const bad = (t: string) => {
      try {
        parseE820Text(t, 'map');
      } catch (e) {
        return [(e as MmError).code, (e as MmError).location];
      }
      return null;
    };
    expect(bad('x\nBIOS-e820: [mem 0x1000-0x0fff] usable')).toEqual(['E820_BAD_RANGE', 'map:2']);
    expect(bad('BIOS-e820: [mem 0x1000-0x1fff] bogus')).toEqual(['E820_BAD_TYPE', 'map:1']);
    expect(bad('BIOS-e820: garbage')).toEqual(['E820_BAD_LINE', 'map:1']);
    expect(bad('BIOS-e820: [mem 0x0-0xffffffffffffffff] reserved')).toEqual(['E820_BAD_LINE', 'map:1']);
  });
});

describe('e820 table processing', () => {
  const R = (addr: number, size: number, type: number) => ({ addr, size, type });
  it('e820__update_table: overlaps take the higher type, neighbours merge, empties vanish', () => {
    const out = e820UpdateTable([R(0, 0x10000, 1), R(0x8000, 0x10000, 2), R(0x18000, 0x8000, 2), R(0x30000, 0, 1), R(0x40000, 0x1000, 1), R(0x41000, 0x1000, 1)]);
    expect(out).toEqual([R(0, 0x8000, 1), R(0x8000, 0x18000, 2), R(0x40000, 0x2000, 1)]);
    expect(e820UpdateTable([R(0, 0x1000, 1)])).toBeNull();
  });
  it('never merges persistent (PRAM) neighbours', () => {
    expect(e820UpdateTable([R(0, 0x1000, E820_TYPE_PRAM), R(0x1000, 0x1000, E820_TYPE_PRAM)])).toEqual([R(0, 0x1000, 12), R(0x1000, 0x1000, 12)]);
  });
  it('range update and remove split entries', () => {
    const u = e820RangeUpdate([R(0, 0x10000, 1)], 0x4000, 0x1000, E820_TYPE_RAM, E820_TYPE_RESERVED);
    expect(e820UpdateTable(u.table)).toEqual([R(0, 0x4000, 1), R(0x4000, 0x1000, 2), R(0x5000, 0xb000, 1)]);
    expect(u.log).toBe('e820: update [mem 0x00004000-0x00004fff] usable ==> reserved');
    const r = e820RangeRemove([R(0, 0x10000, 1), R(0x10000, 0x1000, E820_TYPE_ACPI)], 0x8000, 0x10000, E820_TYPE_RAM);
    expect(e820ToEntries(e820UpdateTable(r.table)!)).toEqual([{ start: 0, end: 0x7fff, type: 1 }, { start: 0x10000, end: 0x10fff, type: E820_TYPE_ACPI }]);
  });
  it('trim_bios_range prints the kernel lines', () => {
    const t = trimBiosRange([R(0, 0x100000, 1), R(0x100000, 0x100000, 1)]);
    expect(t.log).toEqual(['e820: update [mem 0x00000000-0x00000fff] usable ==> reserved', 'e820: remove [mem 0x000a0000-0x000fffff] usable']);
    expect(t.table).toEqual([R(0, 0x1000, 2), R(0x1000, 0x9f000, 1), R(0x100000, 0x100000, 1)]);
  });
  it('soft-reserved entries are memblock_reserved, not added', () => {
    const m = e820MemblockRanges([R(0x100000, 0x100000, 1), R(0x200000, 0x1000, E820_TYPE_SOFT_RESERVED)]);
    expect(m.adds).toEqual([{ base: 0x100000, size: 0x100000 }]);
    expect(m.reserves).toEqual([{ base: 0x200000, size: 0x1000 }]);
  });
  it('mem= on x86 removes RAM above the address', () => {
    const entries = parseE820Text(readFileSync(`${ORACLE}/x64-6g-numa2/firmware_memmap.txt`, 'utf8')).entries;
    const s = x86E820Setup(entries, { memLimit: 0x80000000 });
    expect(s.log[0]).toBe('e820: remove [mem 0x80000000-0xfffffffffffffffe] usable');
    expect(s.log).toContain('user-defined physical RAM map:');
    expect(s.memblock.memory).toEqual([{ base: 0x1000, size: 0x9e000 }, { base: 0x100000, size: 0x7ff00000 }]);
    // Reserved entries above the limit survive (only RAM is removed).
    expect(s.table.some((e) => e.addr === 0xfd00000000)).toBe(true);
  });
});

describe('x86 boot e820 sequence against the oracle boots', () => {
  for (const d of X64) {
    it(`${d}: trims, memblock_add lines and zone present pages match`, () => {
      const console = readFileSync(`${ORACLE}/${d}/kernel-console.txt`, 'utf8');
      const lines = console.split('\n').map(stripTs);
      const input = parseE820Text(console);
      const s = x86E820Setup(input.entries);
      expect(e820FromEntries(input.entries)).toEqual(s.firmware);
      // The e820 update/remove lines, in order.
      const e820Lines = lines.filter((l) => /^e820: (update|remove) /.test(l)).map((l) => l.trim());
      expect(s.log.filter((l) => l.startsWith('e820:'))).toEqual(e820Lines);
      // The memblock_add lines from e820__memblock_setup, without the caller offsets.
      const adds = lines.filter((l) => l.startsWith('memblock_add:') && l.includes('e820__memblock_setup')).map((l) => l.replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+\s*$/, ''));
      expect(adds.length).toBeGreaterThanOrEqual(2);
      expect(s.memblock.log.filter((l) => l.startsWith('memblock_add:'))).toEqual(adds);
      // The partial page 0x9f000-0x9fbff is trimmed away by memblock_trim_memory.
      expect(s.memblock.memory[0]).toEqual({ base: 0x1000, size: 0x9e000 });
      // Pages per zone (DMA < 16 MiB, DMA32 < 4 GiB, Normal above) equal the oracle's present counts.
      const present = zoneinfoPresent(readFileSync(`${ORACLE}/${d}/zoneinfo.txt`, 'utf8'));
      const inZone = (lo: number, hi: number) => s.memblock.memory.reduce((n, r) => n + Math.max(0, Math.min(hi, (r.base + r.size) / 4096) - Math.max(lo, r.base / 4096)), 0);
      const total = (z: string) => [...present].filter(([k]) => k.endsWith(':' + z)).reduce((n, [, v]) => n + v, 0);
      expect(inZone(0, 4096)).toBe(total('DMA'));
      expect(inZone(4096, 1 << 20)).toBe(total('DMA32'));
      expect(inZone(1 << 20, Infinity)).toBe(total('Normal'));
    });
  }
});
