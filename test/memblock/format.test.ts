import { describe, expect, it } from 'vitest';
import { findOverlaps, Memblock, overlaps, parseMemblockDebugfs, PHYS_ADDR_MAX } from '../../src/sim/memblock';
import { MEMBLOCK_NOMAP } from '../../src/sim/types';
import { isMmError } from '../../src/sim/errors';
import { fixture, logLines } from './replay';

describe('memblock_dump_all text', () => {
  it('prints the empty dummy (cnt 0x1, last byte all-ones); a never-used NUMA array reads as node 0', () => {
    const mb = new Memblock({ kernel: '6.1', physAddrBytes: 8, maxNumnodes: 64, numa: true, debug: true });
    mb.add(0x40000000, 0x20000000);
    expect(mb.dumpAll()).toEqual([
      'MEMBLOCK configuration:',
      ' memory size = 0x0000000020000000 reserved size = 0x0000000000000000',
      ' memory.cnt  = 0x1',
      ' memory[0x0]\t[0x0000000040000000-0x000000005fffffff], 0x0000000020000000 bytes flags: 0x0',
      ' reserved.cnt  = 0x1',
      ' reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes on node 0 flags: 0x0',
    ]);
    mb.reserve(0x1000, 0x1000);
    mb.free(0x1000, 0x1000);
    expect(mb.dumpAll().at(-1)).toBe(' reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes flags: 0x0');
  });
  it('prints "on node N" only on NUMA kernels, flags with %#x', () => {
    const mk = (numa: boolean) => {
      const mb = new Memblock({ kernel: '5.10', physAddrBytes: 8, maxNumnodes: numa ? 64 : 1, numa, debug: true });
      mb.addNode(0x100000, 0x100000, 0, 0);
      mb.markNomap(0x100000, 0x1000);
      return mb.dumpAll()[3];
    };
    expect(mk(true)).toBe(' memory[0x0]\t[0x0000000000100000-0x0000000000100fff], 0x0000000000001000 bytes on node 0 flags: 0x4');
    expect(mk(false)).toBe(' memory[0x0]\t[0x0000000000100000-0x0000000000100fff], 0x0000000000001000 bytes flags: 0x4');
  });
  it('reproduces the x64-6g-numa2 dump after set_node on memory and reserved (x86 numa_init)', () => {
    const expected = logLines('x64-6g-numa2.log');
    const start = expected.indexOf('MEMBLOCK configuration:', expected.indexOf('MEMBLOCK configuration:') + 1);
    const want = expected.slice(start, start + 13);
    const mb = new Memblock({ kernel: '6.1', physAddrBytes: 8, maxNumnodes: 64, numa: true, debug: true, arch: 'x86_64' });
    // e820__memblock_setup: memblock_add of each E820 RAM entry, then memblock_trim_memory(PAGE_SIZE),
    // which leaves memory.total_size counting the trimmed 0x400 bytes (0x...7ec00, not 0x...7e000)
    for (const l of expected.filter((x) => x.startsWith('memblock_add: '))) {
      const m = /\[0x(\w+)-0x(\w+)\]/.exec(l)!;
      mb.add(parseInt(m[1]!, 16), parseInt(m[2]!, 16) - parseInt(m[1]!, 16) + 1);
    }
    mb.trimMemory(4096);
    for (const l of want.slice(7)) {
      const m = /\[0x(\w+)-0x(\w+)\]/.exec(l)!;
      mb.reserve(parseInt(m[1]!, 16), parseInt(m[2]!, 16) - parseInt(m[1]!, 16) + 1);
    }
    // the reserved regions without a node were allocated after numa_init; set the nodes around them
    mb.setNode(0, 0xc0000000, 0);
    mb.setNode(0x100000000, 0xc0000000, 1);
    mb.setNode(0, 0xbfeb8000, 0, 'reserved');
    mb.setNode(0xbfee3000, 0x100000000 - 0xbfee3000, 0, 'reserved');
    mb.setNode(0x1bfffd000, 0x3000, 1, 'reserved');
    expect(mb.dumpAll()).toEqual(want);
  });
});

describe('%pa width and the all-ones sentinel', () => {
  it('a 4-byte phys_addr_t prints 8 digits and wraps at 2^32', () => {
    const mb = new Memblock({ kernel: '6.1', physAddrBytes: 4, maxNumnodes: 1, numa: false, debug: true, arch: 'arm' });
    mb.add(0x60000000, 0x40000000);
    mb.remove(0x80000000, PHYS_ADDR_MAX, 'arm_memblock_init+0x1/0x2');
    expect(mb.log).toEqual([
      'memblock_add: [0x60000000-0x9fffffff] 0x0',
      'memblock_remove: [0x80000000-0x7ffffffe] arm_memblock_init+0x1/0x2',
    ]);
    expect(mb.debugfs('memory')).toBe('   0: 0x60000000..0x7fffffff\n');
    expect(mb.debugfs('reserved')).toBe('   0: 0x00000000..0xffffffff\n');
    expect(mb.currentLimit).toBe(0xffffffff);
    expect(mb.physAllocRange(0x1000, 0x1000, 0, 0)).toBe(0x7ffff000);
    expect(() => mb.add(0x100000000, 1)).toThrow(/does not fit a 32-bit phys_addr_t/);
  });
  it('alloc lines print ANYWHERE as 0xffffffffffffffff and align/sizes as the kernel does', () => {
    const mb = new Memblock({ kernel: '6.1', physAddrBytes: 8, maxNumnodes: 64, numa: true, debug: true });
    mb.allocTryNid(64, 0x40, 0, PHYS_ADDR_MAX, -1, { caller: 'setup_arch+0x31c/0x5e4' });
    expect(mb.log).toEqual(['memblock_alloc_try_nid: 64 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0xffffffffffffffff setup_arch+0x31c/0x5e4']);
  });
  it('6.1 memblock_add_node prints nid and flags; 5.10 prints nothing', () => {
    const a = new Memblock({ kernel: '6.1', physAddrBytes: 8, maxNumnodes: 64, numa: true, debug: true });
    a.addNode(0x1000, 0x1000, 1, MEMBLOCK_NOMAP, 'c+0x0/0x4');
    expect(a.log).toEqual(['memblock_add_node: [0x0000000000001000-0x0000000000001fff] nid=1 flags=4 c+0x0/0x4']);
    const b = new Memblock({ kernel: '5.10', physAddrBytes: 8, maxNumnodes: 64, numa: true, debug: true });
    b.addNode(0x1000, 0x1000, 1, 0, 'c+0x0/0x4');
    expect(b.log).toEqual([]);
  });
  it('nothing is logged without memblock=debug', () => {
    const mb = new Memblock({ kernel: '6.1', physAddrBytes: 8, maxNumnodes: 64, numa: true, debug: false });
    mb.add(0x100000, 0x100000);
    mb.allocTryNid(64, 64, 0, 0, -1);
    mb.logDumpAll();
    expect(mb.log).toEqual([]);
    expect(mb.reservedSize()).toBe(64);
  });
});

describe('parseMemblockDebugfs', () => {
  it('reads back the oracle listings, which the model prints identically', () => {
    for (const name of ['a64-512m', 'a64-1g-reserved', 'a32-2g-highmem']) {
      const text = fixture(`${name}.reserved.txt`);
      const regions = parseMemblockDebugfs(text);
      expect(regions.length).toBe(text.trim().split('\n').length);
      const mb = new Memblock({ kernel: '6.1', physAddrBytes: 8, maxNumnodes: 1, numa: false, debug: false });
      for (const r of regions) mb.reserve(r.base, r.size);
      // the listing is already merged and sorted, so re-adding reproduces it
      expect(mb.debugfs('reserved')).toBe(text);
    }
  });
  it('drops the empty-array dummy and blank lines, accepts 8-digit addresses', () => {
    expect(parseMemblockDebugfs('   0: 0x0000000000000000..0xffffffffffffffff\n')).toEqual([]);
    expect(parseMemblockDebugfs('\n   0: 0x80000000..0x80000fff\n\n')).toEqual([{ base: 0x80000000, size: 0x1000 }]);
  });
  it('names the malformed line', () => {
    const bad = ['   0: 0x0000000040000000..0x000000004fffffff\n   1: 0x50000000-0x5fffffff\n', '0: 0x2000..0x2fff\n 1: 0x3000..0x1000\n', '  0: 0x0020000000000000..0x0020000000000fff'];
    const where = ['line 2', 'line 2', 'line 1'];
    bad.forEach((t, i) => {
      try {
        parseMemblockDebugfs(t);
        expect.unreachable();
      } catch (e) {
        expect(isMmError(e) && e.code).toBe('MEMBLOCK_PARSE');
        expect(isMmError(e) && e.location).toBe(where[i]);
      }
    });
  });
});

describe('overlap helpers and clone', () => {
  it('overlaps / findOverlaps follow memblock_addrs_overlap (touching is not overlapping)', () => {
    expect(overlaps({ base: 0, size: 0x1000 }, { base: 0x1000, size: 1 })).toBe(false);
    expect(overlaps({ base: 0, size: 0x1001 }, { base: 0x1000, size: 1 })).toBe(true);
    expect(findOverlaps([{ base: 0x5000, size: 0x1000 }, { base: 0, size: 0x10000 }, { base: 0x10000, size: 1 }, { base: 0x5800, size: 0x10 }])).toEqual([[0, 1], [0, 3], [1, 3]]);
  });
  it('clone is a deep, independent copy', () => {
    const mb = new Memblock({ kernel: '6.1', physAddrBytes: 8, maxNumnodes: 64, numa: true, debug: true });
    mb.add(0x100000, 0x100000);
    const c = mb.clone();
    c.reserve(0x100000, 0x1000);
    c.markNomap(0x1ff000, 0x1000);
    expect(mb.reserved).toEqual([{ base: 0, size: 0, flags: 0, nid: 0 }]);
    expect(mb.memory.length).toBe(1);
    expect(c.memory.length).toBe(2);
    expect(c.log.length).toBe(mb.log.length + 1);
    expect(mb.overlapsReserved(0x100000, 0x1000)).toBe(false);
    expect(c.overlapsReserved(0x100fff, 0x1000)).toBe(true);
  });
});
