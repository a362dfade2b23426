import { describe, expect, it } from 'vitest';
import { Memblock, MEMBLOCK_ALLOC_ACCESSIBLE, MEMBLOCK_ALLOC_ANYWHERE } from '../../src/sim/memblock';
import { MEMBLOCK_NONE, NUMA_NO_NODE } from '../../src/sim/types';

const mk = (kernel: '5.10' | '6.1' = '6.1') =>
  new Memblock({ kernel, physAddrBytes: 8, maxNumnodes: 64, numa: true, debug: true, arch: 'arm64' });

describe('memblock_find_in_range_node', () => {
  it('top-down: highest aligned fit in the highest free range that can hold it', () => {
    const mb = mk();
    mb.add(0x100000, 0x100000);
    mb.reserve(0x1f8000, 0x8000);
    // free: [0x100000, 0x1f8000)
    expect(mb.findInRangeNode(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE, MEMBLOCK_NONE)).toBe(0x1f7000);
    expect(mb.findInRangeNode(0x1000, 0x10000, 0, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE, MEMBLOCK_NONE)).toBe(0x1f0000);
    // a range too small at the top is passed over
    mb.reserve(0x100000, 0xf7800); // leaves [0x1f7800, 0x1f8000): 2 KiB
    expect(mb.findInRangeNode(0x800, 0x800, 0, 0, -1, 0)).toBe(0x1f7800);
    expect(mb.findInRangeNode(0x1000, 0x1000, 0, 0, -1, 0)).toBe(0);
  });
  it('bottom-up: lowest aligned fit, never below PAGE_SIZE', () => {
    const mb = mk();
    mb.add(0, 0x100000);
    mb.bottomUp = true;
    expect(mb.findInRangeNode(0x1000, 0x1000, 0, 0, -1, 0)).toBe(0x1000);
    mb.reserve(0x1000, 0x1800);
    expect(mb.findInRangeNode(0x1000, 0x1000, 0, 0, -1, 0)).toBe(0x3000);
    expect(mb.findInRangeNode(0x100, 0x100, 0, 0, -1, 0)).toBe(0x2800);
  });
  it('end ACCESSIBLE (0) and NOLEAKTRACE (1) mean current_limit; an explicit end is not clamped', () => {
    const mb = mk();
    mb.add(0x100000, 0x1000000);
    mb.currentLimit = 0x800000;
    expect(mb.findInRangeNode(0x1000, 0x1000, 0, 0, -1, 0)).toBe(0x7ff000);
    expect(mb.findInRangeNode(0x1000, 0x1000, 0, 1, -1, 0)).toBe(0x7ff000);
    expect(mb.findInRangeNode(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ANYWHERE, -1, 0)).toBe(0x10ff000);
  });
  it('skips NOMAP and other nodes', () => {
    const mb = mk();
    mb.addNode(0x100000, 0x100000, 0, 0);
    mb.addNode(0x200000, 0x100000, 1, 0);
    mb.markNomap(0x2f0000, 0x10000);
    expect(mb.findInRangeNode(0x1000, 0x1000, 0, 0, -1, 0)).toBe(0x2ef000);
    expect(mb.findInRangeNode(0x1000, 0x1000, 0, 0, 0, 0)).toBe(0x1ff000);
  });
});

describe('memblock_alloc_try_nid and friends', () => {
  it('logs the request line, clamps max_addr to current_limit, reserves with the internal caller', () => {
    const mb = mk();
    mb.add(0x40000000, 0x20000000);
    mb.currentLimit = 0x50000000;
    const got = mb.allocTryNid(40060, 8, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE, { caller: 'early_init_dt_alloc_memory_arch+0x30/0x60' });
    expect(got).toBe(0x50000000 - 40064);
    expect(mb.log.slice(1)).toEqual([
      'memblock_alloc_try_nid: 40060 bytes align=0x8 nid=-1 from=0x0000000000000000 max_addr=0xffffffffffffffff early_init_dt_alloc_memory_arch+0x30/0x60',
      'memblock_reserve: [0x000000004fff6380-0x000000004ffffffb] memblock_alloc_range_nid+0xe8/0x17c',
    ]);
  });
  it('retries from address 0 when min_addr leaves no room', () => {
    const mb = mk();
    mb.add(0x100000, 0x100000);
    mb.reserve(0x180000, 0x80000);
    const got = mb.allocTryNid(0x1000, 0x1000, 0x180000, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE, { raw: true, caller: 'x' });
    expect(got).toBe(0x17f000);
    expect(mb.log[mb.log.length - 2]).toMatch(/^memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=-1 from=0x0000000000180000 /);
  });
  it('a non-exact nid falls back to any node; exact does not', () => {
    const mb = mk();
    mb.addNode(0x100000, 0x100000, 0, 0);
    mb.addNode(0x200000, 0x1000, 1, 0);
    expect(mb.allocTryNid(0x2000, 0x1000, 0, 0, 1)).toBe(0x1fe000);
    expect(mb.allocTryNid(0x2000, 0x1000, 0, 0, 1, { raw: true, exactNid: true })).toBe(0);
    expect(mb.log.at(-1)).toMatch(/^memblock_alloc_exact_nid_raw: 8192 bytes align=0x1000 nid=1 /);
  });
  it('prefers mirrored memory once some exists, and falls back with a warning', () => {
    const mb = mk();
    mb.add(0x100000, 0x200000);
    mb.markMirror(0x100000, 0x1000);
    expect(mb.allocTryNid(0x1000, 0x1000, 0, 0, -1)).toBe(0x100000);
    expect(mb.allocTryNid(0x1000, 0x1000, 0, 0, -1)).toBe(0x2ff000);
    expect(mb.warnings).toEqual(['Could not allocate 0x0000000000001000 bytes of mirrored memory']);
  });
  it('memblock_phys_alloc_range logs in 6.1 only and is not clamped by current_limit', () => {
    for (const k of ['5.10', '6.1'] as const) {
      const mb = mk(k);
      mb.add(0x100000, 0x100000);
      mb.currentLimit = 0x180000;
      expect(mb.physAllocRange(0x1000, 0x1000, 0, 0x200000, 'early_pgtable_alloc+0x2c/0xb0')).toBe(0x1ff000);
      expect(mb.physAllocRange(0x1000, 0x1000, 0, 1, 'early_pgtable_alloc+0x2c/0xb0')).toBe(0x17f000);
      const lines = mb.log.filter((l) => l.startsWith('memblock_phys_alloc_range'));
      expect(lines.length).toBe(k === '6.1' ? 2 : 0);
      if (k === '6.1') expect(lines[1]).toBe('memblock_phys_alloc_range: 4096 bytes align=0x1000 from=0x0000000000000000 max_addr=0x0000000000000001 early_pgtable_alloc+0x2c/0xb0');
      expect(mb.log.at(-1)).toBe(`memblock_reserve: [0x000000000017f000-0x000000000017ffff] memblock_alloc_range_nid+${k === '6.1' ? '0xe8/0x17c' : '0xf0/0x158'}`);
    }
  });
  it('align 0 becomes SMP_CACHE_BYTES; MAX_NUMNODES becomes NUMA_NO_NODE, both with a warning', () => {
    const mb = mk();
    mb.add(0x100000, 0x100000);
    expect(mb.allocRangeNid(100, 0, 0, 0, 64, false)).toBe(0x200000 - 128);
    expect(mb.warnings.length).toBe(2);
  });
  it('fails with 0 when nothing fits', () => {
    const mb = mk();
    mb.add(0x100000, 0x1000);
    expect(mb.allocTryNid(0x2000, 0x1000, 0, 0, -1)).toBe(0);
    expect(mb.reservedSize()).toBe(0);
  });
});

describe('memblock_double_array', () => {
  it('without memblock_allow_resize, the 129th region is MEMBLOCK_FULL', () => {
    const mb = mk();
    mb.add(0, 0x10000000);
    for (let i = 0; i < 128; i++) mb.reserve(0x100000 + i * 0x2000, 0x1000);
    expect(() => mb.reserve(0x100000 + 128 * 0x2000, 0x1000)).toThrow(/Failed to double reserved array from 128 to 256 entries/);
  });
  it('with it, the array doubles into a reserved page-aligned home found top-down', () => {
    const mb = mk();
    mb.add(0, 0x10000000);
    mb.allowResize();
    for (let i = 0; i <= 128; i++) mb.reserve(0x100000 + i * 0x2000, 0x1000, 'r');
    // 256 slots * 24 bytes = 6144 -> 8 KiB at the top of memory
    expect(mb.log).toContain('memblock: reserved is doubled to 256 at [0x000000000fffe000-0x000000000ffff7ff]');
    expect(mb.reservedType.max).toBe(256);
    expect(mb.reserved.length).toBe(130);
    expect(mb.isReserved(0xfffe000)).toBe(true);
  });
});
