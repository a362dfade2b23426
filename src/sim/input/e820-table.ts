/**
 * The kernel's e820 table processing for memblock setup (`arch/x86/kernel/e820.c`,
 * `arch/x86/kernel/setup.c`): `e820__update_table` (sanitise: overlaps resolved to the highest
 * type, adjacent equal types merged), `__e820__range_update`, `e820__range_remove`,
 * `trim_bios_range`, `parse_memopt` (`mem=`) with `e820__finish_early_params`, and
 * `e820__memblock_setup` with `memblock_trim_memory(PAGE_SIZE)`.
 *
 * Tables are arrays of {addr, size, type}; functions return new arrays plus the KERN_DEBUG lines
 * the kernel prints. u64 ends (ULLONG_MAX) are represented by 2^64 as a number, which compares
 * correctly with every address below 2^53.
 */
import { PAGE_SIZE } from '../types';
import { E820_TYPE_PRAM, E820_TYPE_RAM, E820_TYPE_RESERVED, E820_TYPE_RESERVED_KERN, E820_TYPE_SOFT_RESERVED, e820TypeName, type E820Entry } from './e820';

export interface E820Region {
  addr: number;
  size: number;
  type: number;
}

/** E820_MAX_ENTRIES = E820_MAX_ENTRIES_ZEROPAGE (128) + 3 * MAX_NUMNODES (1024 on Debian amd64). */
export const E820_MAX_ENTRIES = 128 + 3 * 1024;
const U64_END = 2 ** 64;

export function e820FromEntries(entries: readonly E820Entry[]): E820Region[] {
  return entries.map((e) => ({ addr: e.start, size: e.end - e.start + 1, type: e.type }));
}

export function e820ToEntries(table: readonly E820Region[]): E820Entry[] {
  return table.filter((r) => r.size > 0).map((r) => ({ start: r.addr, end: r.addr + r.size - 1, type: r.type }));
}

/** `%#010Lx`: "0x" and at least 8 hex digits. */
function x10(v: number | bigint): string {
  return '0x' + v.toString(16).padStart(8, '0');
}
const lastByte = (end: number): bigint => BigInt(end) - 1n;

/** `e820_nomerge`: PRAM and soft-reserved entries are never merged with neighbours. */
function e820Nomerge(type: number): boolean {
  return type === E820_TYPE_PRAM || type === E820_TYPE_SOFT_RESERVED;
}

/**
 * `e820__update_table`: rebuild the table from sorted change points; where entries overlap the
 * largest type wins; adjacent entries of one type merge. Returns null (table unchanged) when
 * there are fewer than 2 entries or an entry wraps past 2^64, as the kernel's -1 return.
 */
export function e820UpdateTable(table: readonly E820Region[], maxEntries = E820_MAX_ENTRIES): E820Region[] | null {
  if (table.length < 2) return null;
  for (const e of table) if (e.addr + e.size > U64_END) return null;
  interface Cp { addr: number; entry: E820Region; start: boolean }
  const cps: Cp[] = [];
  for (const e of table) {
    if (e.size === 0) continue;
    cps.push({ addr: e.addr, entry: e, start: true }, { addr: e.addr + e.size, entry: e, start: false });
  }
  // cpcompare: by address, start points before end points at the same address. Ties among
  // starts (or ends) do not change the result, because the overlap type is a maximum.
  cps.sort((a, b) => (a.addr !== b.addr ? (a.addr < b.addr ? -1 : 1) : (a.start ? 0 : 1) - (b.start ? 0 : 1)));
  const overlap: E820Region[] = [];
  const out: E820Region[] = [];
  let lastType = 0;
  let lastAddr = 0;
  for (const cp of cps) {
    if (cp.start) overlap.push(cp.entry);
    else {
      const i = overlap.indexOf(cp.entry);
      if (i >= 0) overlap.splice(i, 1);
    }
    let cur = 0;
    for (const o of overlap) if (o.type > cur) cur = o.type;
    if (cur !== lastType || e820Nomerge(cur)) {
      if (lastType !== 0) {
        const size = cp.addr - lastAddr;
        if (size !== 0) {
          out.push({ addr: lastAddr, size, type: lastType });
          if (out.length >= maxEntries) break;
        }
      }
      if (cur !== 0) lastAddr = cp.addr;
      lastType = cur;
    }
  }
  return out;
}

/** `__e820__range_update`: retype the part of every `oldType` entry inside [start, start+size). */
export function e820RangeUpdate(table: readonly E820Region[], start: number, size: number, oldType: number, newType: number): { table: E820Region[]; log: string } {
  if (size > U64_END - start) size = U64_END - start;
  const end = start + size;
  const log = `e820: update [mem ${x10(start)}-${x10(lastByte(end))}] ${e820TypeName(oldType)} ==> ${e820TypeName(newType)}`;
  const t = table.map((e) => ({ ...e }));
  const n0 = t.length;
  for (let i = 0; i < t.length && i < n0 + 2 * n0; i++) {
    const e = t[i]!;
    if (e.type !== oldType) continue;
    const eEnd = e.addr + e.size;
    if (e.addr >= start && eEnd <= end) {
      e.type = newType;
      continue;
    }
    if (e.addr < start && eEnd > end) {
      t.push({ addr: start, size, type: newType }, { addr: end, size: eEnd - end, type: e.type });
      e.size = start - e.addr;
      continue;
    }
    const fs = Math.max(start, e.addr);
    const fe = Math.min(end, eEnd);
    if (fs >= fe) continue;
    t.push({ addr: fs, size: fe - fs, type: newType });
    e.size -= fe - fs;
    if (e.addr < fs) continue;
    e.addr = fe;
  }
  return { table: t, log };
}

/** `e820__range_remove`: cut [start, start+size) out of every entry (of `oldType`, if given). */
export function e820RangeRemove(table: readonly E820Region[], start: number, size: number, oldType: number | null): { table: E820Region[]; log: string } {
  if (size > U64_END - start) size = U64_END - start;
  const end = start + size;
  const log = `e820: remove [mem ${x10(start)}-${x10(lastByte(end))}]${oldType !== null ? ' ' + e820TypeName(oldType) : ''}`;
  const t = table.map((e) => ({ ...e }));
  const n0 = t.length;
  for (let i = 0; i < t.length && i < 2 * n0; i++) {
    const e = t[i]!;
    if (oldType !== null && e.type !== oldType) continue;
    const eEnd = e.addr + e.size;
    if (e.addr >= start && eEnd <= end) {
      e.addr = 0;
      e.size = 0;
      e.type = 0;
      continue;
    }
    if (e.addr < start && eEnd > end) {
      t.push({ addr: end, size: eEnd - end, type: e.type });
      e.size = start - e.addr;
      continue;
    }
    const fs = Math.max(start, e.addr);
    const fe = Math.min(end, eEnd);
    if (fs >= fe) continue;
    e.size -= fe - fs;
    if (e.addr < fs) continue;
    e.addr = fe;
  }
  return { table: t, log };
}

/** BIOS_BEGIN / BIOS_END: the legacy 640K-1M hole. */
export const BIOS_BEGIN = 0x000a0000;
export const BIOS_END = 0x00100000;

/** `trim_bios_range`: first page RAM → reserved, 640K-1M RAM removed, then sanitised. */
export function trimBiosRange(table: readonly E820Region[]): { table: E820Region[]; log: string[] } {
  const u = e820RangeUpdate(table, 0, PAGE_SIZE, E820_TYPE_RAM, E820_TYPE_RESERVED);
  const r = e820RangeRemove(u.table, BIOS_BEGIN, BIOS_END - BIOS_BEGIN, E820_TYPE_RAM);
  return { table: e820UpdateTable(r.table) ?? r.table, log: [u.log, r.log] };
}

/**
 * `parse_memopt` for each `mem=` address limit, then `e820__finish_early_params` (sanitise).
 * The kernel panics ("Invalid user supplied memory map") when sanitising fails; here the table
 * is then returned as it is.
 */
export function e820ApplyMemLimit(table: readonly E820Region[], limit: number): { table: E820Region[]; log: string[] } {
  // The kernel removes [limit, limit + (ULLONG_MAX - limit)), i.e. up to ULLONG_MAX - 1.
  const r = e820RangeRemove(table, limit, U64_END - limit, E820_TYPE_RAM);
  const out = e820UpdateTable(r.table) ?? r.table;
  const log = [`e820: remove [mem ${x10(limit)}-0xfffffffffffffffe] ${e820TypeName(E820_TYPE_RAM)}`, 'user-defined physical RAM map:'];
  for (const e of out) if (e.size > 0) log.push(`user: [mem ${x18(e.addr)}-${x18(lastByte(e.addr + e.size))}] ${e820TypeName(e.type)}`);
  return { table: out, log };
}

/** `e820__mapped_all` (arch/x86/kernel/e820.c): is [start, end) fully covered by entries of `type`? */
export function e820MappedAll(table: readonly E820Region[], start: number, end: number, type: number): boolean {
  for (const e of table) {
    if (e.type !== type || e.size === 0) continue;
    if (e.addr >= end || e.addr + e.size <= start) continue;
    if (e.addr <= start) start = e.addr + e.size;
    if (start >= end) return true;
  }
  return false;
}

/**
 * `e820_add_kernel_range` (arch/x86/kernel/setup.c): when the image [_text, _end) is not all RAM
 * (mem= below its end, or a map that mislabels it), warn, cut the range out of every entry and
 * append it as RAM; the caller's next `e820__update_table` (trim_bios_range) sorts it in.
 */
export function e820AddKernelRange(table: readonly E820Region[], start: number, size: number): { table: E820Region[]; log: string[] } {
  if (e820MappedAll(table, start, start + size, E820_TYPE_RAM)) return { table: [...table], log: [] };
  const r = e820RangeRemove(table, start, size, null);
  return { table: [...r.table, { addr: start, size, type: E820_TYPE_RAM }], log: ['.text .data .bss are not marked as E820_TYPE_RAM!', r.log] };
}

/** `%#018Lx`. */
const x18 = (v: number | bigint): string => '0x' + v.toString(16).padStart(16, '0');

export interface E820MemblockSetup {
  /** memblock_add calls in table order. */
  adds: { base: number; size: number }[];
  /** memblock_reserve calls (soft-reserved entries). */
  reserves: { base: number; size: number }[];
  /** The memblock `memory` regions after merging and `memblock_trim_memory(PAGE_SIZE)`. */
  memory: { base: number; size: number }[];
  /** The `memblock=debug` lines (callers printed without their +offset/size suffix). */
  log: string[];
}

const x16 = (v: number | bigint): string => '0x' + v.toString(16).padStart(16, '0');

/** `e820__memblock_setup`: memblock_add every RAM entry, reserve soft-reserved, trim partial pages. */
export function e820MemblockRanges(table: readonly E820Region[]): E820MemblockSetup {
  const adds: { base: number; size: number }[] = [];
  const reserves: { base: number; size: number }[] = [];
  const log: string[] = [];
  for (const e of table) {
    if (e.size === 0) continue;
    if (e.addr + e.size > U64_END) continue; // end does not fit resource_size_t
    if (e.type === E820_TYPE_SOFT_RESERVED) {
      reserves.push({ base: e.addr, size: e.size });
      log.push(`memblock_reserve: [${x16(e.addr)}-${x16(lastByte(e.addr + e.size))}] e820__memblock_setup`);
    }
    if (e.type !== E820_TYPE_RAM && e.type !== E820_TYPE_RESERVED_KERN) continue;
    adds.push({ base: e.addr, size: e.size });
    log.push(`memblock_add: [${x16(e.addr)}-${x16(lastByte(e.addr + e.size))}] e820__memblock_setup`);
  }
  // memblock_add_range keeps the union, merging touching regions (same node and flags).
  const sorted = adds.slice().sort((a, b) => a.base - b.base);
  const merged: { base: number; size: number }[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.base <= last.base + last.size) {
      last.size = Math.max(last.base + last.size, r.base + r.size) - last.base;
    } else merged.push({ ...r });
  }
  // memblock_trim_memory(PAGE_SIZE): round each region inward to whole pages, drop empty ones.
  const memory: { base: number; size: number }[] = [];
  for (const r of merged) {
    const start = Math.ceil(r.base / PAGE_SIZE) * PAGE_SIZE;
    const end = Math.floor((r.base + r.size) / PAGE_SIZE) * PAGE_SIZE;
    if (start < end) memory.push({ base: start, size: end - start });
  }
  return { adds, reserves, memory, log };
}

export interface X86E820Setup {
  /** The sanitised BIOS table (what `BIOS-e820:` prints and /sys/firmware/memmap shows). */
  firmware: E820Region[];
  /** The table after `mem=` and `trim_bios_range`. */
  table: E820Region[];
  memblock: E820MemblockSetup;
  log: string[];
}

/**
 * The x86 boot-time e820 sequence of `setup_arch`: sanitise the firmware table, apply `mem=`
 * address limits (`parse_memopt`, `e820__finish_early_params`), `e820_add_kernel_range` (when the
 * kernel image is given), `trim_bios_range`, then `e820__memblock_setup`.
 */
export function x86E820Setup(entries: readonly E820Entry[], opts: { memLimit?: number; image?: { base: number; size: number } } = {}): X86E820Setup {
  const raw = e820FromEntries(entries);
  const firmware = e820UpdateTable(raw) ?? raw;
  const log: string[] = [];
  let table = firmware;
  if (opts.memLimit !== undefined) {
    const m = e820ApplyMemLimit(table, opts.memLimit);
    table = m.table;
    log.push(...m.log);
  }
  if (opts.image) {
    const k = e820AddKernelRange(table, opts.image.base, opts.image.size);
    table = k.table;
    log.push(...k.log);
  }
  const t = trimBiosRange(table);
  log.push(...t.log);
  const memblock = e820MemblockRanges(t.table);
  log.push(...memblock.log);
  return { firmware, table: t.table, memblock, log };
}
