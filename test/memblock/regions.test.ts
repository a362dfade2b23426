import { describe, expect, it } from 'vitest';
import { Memblock, MEMBLOCK_ALLOC_ANYWHERE, PHYS_ADDR_MAX } from '../../src/sim/memblock';
import { MEMBLOCK_HOTPLUG, MEMBLOCK_MIRROR, MEMBLOCK_NOMAP } from '../../src/sim/types';
import { isMmError } from '../../src/sim/errors';

const numa = (kernel: '5.10' | '6.1' = '6.1', debug = true) =>
  new Memblock({ kernel, physAddrBytes: 8, maxNumnodes: 64, numa: true, debug, arch: 'arm64' });
const flat = () => new Memblock({ kernel: '6.1', physAddrBytes: 8, maxNumnodes: 1, numa: false, debug: true });
const plain = (mb: Memblock, t: 'memory' | 'reserved' = 'memory') => (t === 'memory' ? mb.memory : mb.reserved).map((r) => ({ ...r }));

describe('memblock_add_range merging', () => {
  it('joins touching regions with the same nid and flags, in any order', () => {
    const mb = numa();
    mb.add(0x3000, 0x1000);
    mb.add(0x1000, 0x1000);
    mb.add(0x2000, 0x1000);
    expect(plain(mb)).toEqual([{ base: 0x1000, size: 0x3000, flags: 0, nid: 64 }]);
    expect(mb.physMemSize()).toBe(0x3000);
  });
  it('keeps neighbours with a different nid or flags apart', () => {
    const mb = numa();
    mb.addNode(0x1000, 0x1000, 0, 0);
    mb.addNode(0x2000, 0x1000, 1, 0);
    mb.addNode(0x3000, 0x1000, 1, MEMBLOCK_HOTPLUG);
    expect(mb.memory.length).toBe(3);
    mb.setNode(0x1000, 0x1000, 1);
    expect(plain(mb).map((r) => [r.base, r.size, r.nid, r.flags])).toEqual([[0x1000, 0x2000, 1, 0], [0x3000, 0x1000, 1, MEMBLOCK_HOTPLUG]]);
  });
  it('inserts only the uncovered gaps; covered parts keep their nid and flags (with a WARN)', () => {
    const mb = numa();
    mb.addNode(0x2000, 0x1000, 1, 0);
    mb.addNode(0x4000, 0x1000, 1, 0);
    mb.addNode(0x1000, 0x5000, 0, 0);
    expect(plain(mb).map((r) => [r.base, r.size, r.nid])).toEqual([
      [0x1000, 0x1000, 0], [0x2000, 0x1000, 1], [0x3000, 0x1000, 0], [0x4000, 0x1000, 1], [0x5000, 0x1000, 0],
    ]);
    expect(mb.physMemSize()).toBe(0x5000);
    expect(mb.warnings.some((w) => w.includes('nid mismatch'))).toBe(true);
  });
  it('reserved always carries MAX_NUMNODES, so overlapping reservations collapse into one', () => {
    const mb = numa();
    mb.reserve(0x1000, 0x2000);
    mb.reserve(0x2800, 0x1000);
    mb.reserve(0x3800, 0x800);
    expect(plain(mb, 'reserved')).toEqual([{ base: 0x1000, size: 0x3000, flags: 0, nid: 64 }]);
    expect(mb.reservedSize()).toBe(0x3000);
  });
  it('a non-NUMA kernel has no nid field: every nid reads as 0 and set_node does nothing', () => {
    const mb = flat();
    mb.addNode(0x1000, 0x1000, 0, 0);
    mb.add(0x2000, 0x1000);
    mb.setNode(0x1000, 0x2000, 0);
    expect(plain(mb)).toEqual([{ base: 0x1000, size: 0x2000, flags: 0, nid: 0 }]);
  });
  it('caps the size so base + size does not pass PHYS_ADDR_MAX, and ignores size 0', () => {
    const mb = numa();
    mb.add(0x1000, 0);
    expect(mb.memory).toEqual([{ base: 0, size: 0, flags: 0, nid: 0 }]);
    mb.add(0x1000, 0x10000);
    mb.remove(0x8000, PHYS_ADDR_MAX);
    expect(plain(mb).map((r) => [r.base, r.size])).toEqual([[0x1000, 0x7000]]);
    expect(mb.log.at(-1)).toBe('memblock_remove: [0x0000000000008000-0x0000000000007ffe] 0x0');
  });
});

describe('isolate, remove, free, flags', () => {
  it('isolateRange splits at both ends and returns the index range', () => {
    const mb = numa();
    mb.add(0x1000, 0xf000);
    expect(mb.isolateRange('memory', 0x4000, 0x2000)).toEqual([1, 2]);
    expect(plain(mb).map((r) => [r.base, r.size])).toEqual([[0x1000, 0x3000], [0x4000, 0x2000], [0x6000, 0xa000]]);
    expect(mb.physMemSize()).toBe(0xf000);
    expect(mb.isolateRange('memory', 0x20000, 0x1000)).toEqual([0, 0]);
  });
  it('isolates across several regions', () => {
    const mb = numa();
    mb.addNode(0x1000, 0x2000, 0, 0);
    mb.addNode(0x3000, 0x2000, 1, 0);
    expect(mb.isolateRange('memory', 0x2000, 0x2000)).toEqual([1, 3]);
    expect(plain(mb).map((r) => [r.base, r.size, r.nid])).toEqual([[0x1000, 0x1000, 0], [0x2000, 0x1000, 0], [0x3000, 0x1000, 1], [0x4000, 0x1000, 1]]);
  });
  it('remove cuts a hole; removing everything leaves the dummy with nid MAX_NUMNODES', () => {
    const mb = numa();
    mb.add(0x1000, 0x4000);
    mb.remove(0x2000, 0x1000);
    expect(plain(mb).map((r) => [r.base, r.size])).toEqual([[0x1000, 0x1000], [0x3000, 0x2000]]);
    mb.remove(0, 0x10000);
    expect(plain(mb)).toEqual([{ base: 0, size: 0, flags: 0, nid: 64 }]);
    expect(mb.physMemSize()).toBe(0);
  });
  it('free takes from reserved and logs memblock_free (5.10) or memblock_phys_free (6.1)', () => {
    for (const [k, fn] of [['5.10', 'memblock_free'], ['6.1', 'memblock_phys_free']] as const) {
      const mb = numa(k);
      mb.reserve(0x1000, 0x3000, 'a+0x1/0x2');
      mb.free(0x2000, 0x1000, 'b+0x3/0x4');
      expect(plain(mb, 'reserved').map((r) => [r.base, r.size])).toEqual([[0x1000, 0x1000], [0x3000, 0x1000]]);
      expect(mb.log).toEqual(['memblock_reserve: [0x0000000000001000-0x0000000000003fff] a+0x1/0x2', `${fn}: [0x0000000000002000-0x0000000000002fff] b+0x3/0x4`]);
    }
  });
  it('mark/clear flags isolate and merge back', () => {
    const mb = numa();
    mb.add(0x1000, 0x4000);
    mb.markNomap(0x2000, 0x1000);
    expect(plain(mb).map((r) => r.flags)).toEqual([0, MEMBLOCK_NOMAP, 0]);
    expect(mb.isMemory(0x2000)).toBe(true);
    expect(mb.isMapMemory(0x2000)).toBe(false);
    mb.clearNomap(0x2000, 0x1000);
    expect(plain(mb).map((r) => [r.base, r.size, r.flags])).toEqual([[0x1000, 0x4000, 0]]);
  });
});

describe('iterators', () => {
  it('free ranges are memory minus reserved, NOMAP skipped unless asked; pfn ranges include NOMAP', () => {
    const mb = numa();
    mb.add(0x100000, 0x100000);
    mb.markNomap(0x180000, 0x10000);
    mb.reserve(0x110000, 0x1000);
    mb.reserve(0x1f0000, 0x10000);
    const fr = mb.freeRanges().map((r) => [r.base, r.end]);
    expect(fr).toEqual([[0x100000, 0x110000], [0x111000, 0x180000], [0x190000, 0x1f0000]]);
    expect(mb.freeRanges({ reverse: true }).map((r) => [r.base, r.end])).toEqual([...fr].reverse());
    expect(mb.freeRanges({ flags: MEMBLOCK_NOMAP }).map((r) => [r.base, r.end])).toContainEqual([0x180000, 0x190000]);
    expect(mb.memPfnRanges()).toEqual([
      { start: 0x100, end: 0x180, nid: 64 }, { start: 0x180, end: 0x190, nid: 64 }, { start: 0x190, end: 0x200, nid: 64 },
    ]);
  });
  it('pfn ranges round inwards and skip regions smaller than a page; nid filters', () => {
    const mb = numa();
    mb.addNode(0x1800, 0x2000, 0, 0);
    mb.addNode(0x10000, 0x800, 1, 0);
    mb.addNode(0x20000, 0x1000, 1, 0);
    expect(mb.memPfnRanges()).toEqual([{ start: 2, end: 3, nid: 0 }, { start: 0x20, end: 0x21, nid: 1 }]);
    expect(mb.memPfnRanges(1)).toEqual([{ start: 0x20, end: 0x21, nid: 1 }]);
  });
});

describe('limits', () => {
  it('mem= (memblock_mem_limit_remove_map) turns a size into an address, keeps NOMAP above it, trims reserved', () => {
    const mb = numa();
    mb.add(0x40000000, 0x10000000);
    mb.add(0x80000000, 0x10000000);
    mb.markNomap(0x88000000, 0x100000);
    mb.reserve(0x4ff00000, 0x200000); // crosses the limit
    mb.reserve(0x8c000000, 0x1000);
    mb.memLimitRemoveMap(0x18000000); // 256 MiB + 128 MiB
    expect(plain(mb).map((r) => [r.base, r.size, r.flags])).toEqual([
      [0x40000000, 0x10000000, 0], [0x80000000, 0x8000000, 0], [0x88000000, 0x100000, MEMBLOCK_NOMAP],
    ]);
    expect(plain(mb, 'reserved').map((r) => [r.base, r.size])).toEqual([[0x4ff00000, 0x200000]]);
    mb.memLimitRemoveMap(0x40000000); // more than there is: nothing happens
    expect(mb.memory.length).toBe(3);
  });
  it('cap_memory_range keeps only the range (and NOMAP), truncating reserved at both ends', () => {
    const mb = numa();
    mb.add(0x1000, 0xff000);
    mb.markNomap(0x2000, 0x1000);
    mb.reserve(0x1000, 0x10000);
    mb.reserve(0x80000, 0x10000);
    mb.capMemoryRange(0x8000, 0x80000);
    expect(plain(mb).map((r) => [r.base, r.size, r.flags])).toEqual([[0x2000, 0x1000, MEMBLOCK_NOMAP], [0x8000, 0x80000, 0]]);
    expect(plain(mb, 'reserved').map((r) => [r.base, r.size])).toEqual([[0x8000, 0x9000], [0x80000, 0x8000]]);
  });
  it('cap_memory_range on empty memory only warns', () => {
    const mb = numa();
    mb.capMemoryRange(0, 0x1000);
    expect(mb.warnings).toEqual(['memblock_cap_memory_range: No memory registered yet']);
  });
  it('enforce_memory_limit truncates memory and reserved at the found address', () => {
    const mb = numa();
    mb.add(0x1000, 0x9000);
    mb.reserve(0x5000, 0x5000);
    mb.enforceMemoryLimit(0x3000);
    expect(plain(mb).map((r) => [r.base, r.size])).toEqual([[0x1000, 0x3000]]);
    expect(plain(mb, 'reserved').map((r) => [r.base, r.size])).toEqual([[0, 0]]);
  });
  it('trim_memory shrinks to alignment, drops empty regions, and (like the kernel) leaves total_size stale', () => {
    const mb = numa();
    mb.add(0x1800, 0x3000);
    mb.add(0x10100, 0x800);
    mb.trimMemory(0x1000);
    expect(plain(mb).map((r) => [r.base, r.size])).toEqual([[0x2000, 0x2000]]);
    expect(mb.physMemSize()).toBe(0x3000);
  });
});

describe('argument checking', () => {
  it('rejects negative, fractional and > 2^53 values with MEMBLOCK_BAD_ARG naming the function', () => {
    const mb = numa();
    for (const f of [() => mb.add(-1, 0x1000), () => mb.reserve(0.5, 1), () => mb.add(2 ** 53, 1), () => mb.add(2 ** 52, 2 ** 52)]) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isMmError(e) && e.code).toBe('MEMBLOCK_BAD_ARG');
      }
    }
    expect(() => numa('5.10').addNode(0, 0x1000, 0, MEMBLOCK_MIRROR)).toThrow(/5.10 memblock_add_node takes no flags/);
    expect(() => mb.findInRangeNode(0x1000, 3, 0, MEMBLOCK_ALLOC_ANYWHERE, -1, 0)).toThrow(/power of two/);
  });
});

describe('memblock_free_late', () => {
  it('logs under the version name, keeps reserved, and returns the whole pages inside', () => {
    for (const [k, fn] of [['5.10', '__memblock_free_late'], ['6.1', 'memblock_free_late']] as const) {
      const mb = numa(k);
      mb.reserve(0x48000000, 0xf3000);
      expect(mb.freeLate(0x48000800, 0xf2000, 'free_initrd_mem+0x34/0x5c')).toEqual({ startPfn: 0x48001, endPfn: 0x480f2 });
      expect(mb.log.at(-1)).toBe(`${fn}: [0x0000000048000800-0x00000000480f27ff] free_initrd_mem+0x34/0x5c`);
      expect(mb.reservedSize()).toBe(0xf3000);
    }
  });
});
