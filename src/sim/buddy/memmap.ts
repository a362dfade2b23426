/**
 * memmap_init → memmap_init_zone (5.10) / memmap_init_range (6.1), mm/page_alloc.c.
 * Every pfn of a memblock.memory range, clamped to each zone, gets a struct page that is
 * "reserved" (not yet handed to the buddy). When such a pfn is pageblock-aligned its pageblock
 * becomes MIGRATE_MOVABLE; all other pageblocks keep the zeroed usemap value, MIGRATE_UNMOVABLE
 * (memmap_init_range in mm/page_alloc.c sets MIGRATE_MOVABLE only at a pageblock-aligned pfn, so a pageblock whose first pfn is a hole stays Unmovable).
 */
import { MmError } from '../errors';
import { MIGRATE_MOVABLE } from '../types';
import type { Buddy } from './buddy';
import type { PfnRange } from './free-pages-core';
import { PS_RESERVED } from './page-state';
import { firstByteMismatch } from './byte-scan';

export function checkRanges(b: Buddy, ranges: PfnRange[], what: string): void {
  if (!Array.isArray(ranges)) throw new MmError('BUDDY_BAD_RANGE', `${what}: ranges must be an array`, what);
  ranges.forEach((r, i) => {
    if (!r || !Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0 || r.end < r.start) {
      throw new MmError('BUDDY_BAD_RANGE', `${what}: range ${i} [${r?.start}, ${r?.end}) is not a pfn range`, `${what}[${i}]`);
    }
  });
}

export function memmapInit(b: Buddy, memoryPfnRanges: PfnRange[]): void {
  checkRanges(b, memoryPfnRanges, 'memmapInit');
  const { tag, pbType, pbBase, basePfn, pageblockOrder } = b;
  const pbPages = 1 << pageblockOrder;
  for (const r of memoryPfnRanges) {
    for (let zi = 0; zi < b.z.count; zi++) {
      const s = Math.max(r.start, b.z.start[zi]);
      const e = Math.min(r.end, b.z.end[zi]);
      if (s >= e) continue;
      // only HOLE (0) or RESERVED (1) may be (re)initialised: every other state has bits above bit 0
      const bad = firstByteMismatch(tag, s - basePfn, e - basePfn, 0xfe, 0);
      if (bad >= 0) {
        throw new MmError('BUDDY_BAD_STATE', `memmapInit: pfn ${bad + basePfn} is already handed to the buddy`, 'memmapInit');
      }
      tag.fill(PS_RESERVED, s - basePfn, e - basePfn);
      // the first pageblock-aligned pfn at or after s
      for (let p = Math.ceil(s / pbPages) * pbPages; p < e; p += pbPages) {
        pbType[(p >> pageblockOrder) - pbBase] = MIGRATE_MOVABLE;
      }
    }
  }
  if (b.sectionShift !== undefined) {
    // sparse_init: a section is present when any memblock.memory range touches it
    const shift = b.sectionShift;
    const secBase = Math.floor(basePfn / 2 ** shift);
    const nSec = Math.floor((b.endPfn - 1) / 2 ** shift) - secBase + 1;
    const present = b.sectionPresent ?? new Uint8Array(nSec);
    for (const r of memoryPfnRanges) {
      const s = Math.max(r.start, basePfn);
      const e = Math.min(r.end, b.endPfn);
      if (s >= e) continue;
      present.fill(1, Math.floor(s / 2 ** shift) - secBase, Math.floor((e - 1) / 2 ** shift) - secBase + 1);
    }
    b.sectionPresent = present;
  }
}
