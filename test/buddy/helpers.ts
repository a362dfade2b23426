import { Buddy, type BuddyOptions } from '../../src/sim/buddy';
import { MIGRATE_TYPES } from '../../src/sim/types';
import { rng } from '../helpers/prng';
export { rng } from '../helpers/prng';

/** x86_64 1 GiB (oracle x64-1g): memory pfns [1,159) and [256,262112); DMA [1,4096), DMA32 [4096,262112). */
export const X64_MEMORY = [
  { start: 1, end: 159 },
  { start: 256, end: 262112 },
];

export function x64Buddy(kernel: '5.10' | '6.1' = '6.1'): Buddy {
  return new Buddy({
    kernel,
    basePfn: 0,
    endPfn: 262112,
    pageblockOrder: 9,
    maxOrder: 11,
    zones: [
      { id: 0, nid: 0, zoneIdx: 0, startPfn: 1, endPfn: 4096 },
      { id: 1, nid: 0, zoneIdx: 1, startPfn: 4096, endPfn: 262112 },
    ],
  });
}

/** One zone over [base, base + pages) of memory, nothing handed over yet. */
export function oneZone(kernel: '5.10' | '6.1', pages: number, base = 0, extra: Partial<BuddyOptions> = {}): Buddy {
  const b = new Buddy({
    kernel,
    basePfn: base,
    endPfn: base + pages,
    pageblockOrder: 9,
    maxOrder: 11,
    zones: [{ id: 7, nid: 0, zoneIdx: 0, startPfn: base, endPfn: base + pages }],
    ...extra,
  });
  b.memmapInit([{ start: base, end: base + pages }]);
  return b;
}

export interface Block {
  pfn: number;
  order: number;
  mt: number;
}

/** Every free block of a zone, sorted by pfn. */
export function freeBlocks(b: Buddy, zoneId: number): Block[] {
  const out: Block[] = [];
  for (let order = 0; order < b.maxOrder; order++) {
    for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
      for (const pfn of b.listPfns(zoneId, order, mt)) out.push({ pfn, order, mt });
    }
  }
  return out.sort((x, y) => x.pfn - y.pfn);
}

/** The chunking of mm/memblock.c __free_pages_memory, written independently of the simulator. */
export function chunks(s: number, e: number, maxOrder = 11): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  while (s < e) {
    let o = maxOrder - 1;
    while (o > 0 && s % 2 ** o !== 0) o--;
    while (s + 2 ** o > e) o--;
    out.push([s, o]);
    s += 2 ** o;
  }
  return out;
}

