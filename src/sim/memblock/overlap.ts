/** Overlap checks between physical ranges, as memblock_addrs_overlap (mm/memblock.c) defines them. */
import { addrsOverlap } from './region-array';

export interface PhysRange {
  base: number;
  size: number;
}

/** memblock_addrs_overlap: [a.base, +a.size) and [b.base, +b.size) share a byte. */
export function overlaps(a: PhysRange, b: PhysRange): boolean {
  return addrsOverlap(a.base, a.size, b.base, b.size);
}

/** Every pair (i < j) of overlapping ranges in the list, in index order. O(n log n + pairs). */
export function findOverlaps(ranges: readonly PhysRange[]): Array<[number, number]> {
  const order = ranges.map((_, i) => i).sort((x, y) => ranges[x]!.base - ranges[y]!.base || x - y);
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k < order.length; k++) {
    const a = ranges[order[k]!]!;
    for (let l = k + 1; l < order.length; l++) {
      const b = ranges[order[l]!]!;
      if (b.base >= a.base + a.size) break;
      if (overlaps(a, b)) pairs.push(order[k]! < order[l]! ? [order[k]!, order[l]!] : [order[l]!, order[k]!]);
    }
  }
  return pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}
