/**
 * Replays of real arm64 boots (QEMU virt, Debian kernels): every memblock=debug line of the
 * boot, including the memblock_reserve lines the model prints for its own allocations, the
 * MEMBLOCK configuration dump, and the debugfs listings read at /init, must come out identical.
 */
import { describe, expect, it } from 'vitest';
import { Memblock, MEMBLOCK_ALLOC_ACCESSIBLE } from '../../src/sim/memblock';
import { NUMA_NO_NODE } from '../../src/sim/types';
import { fixture, logLines, replay } from './replay';

const RAM_BASE = 0x40000000;

/**
 * The state before memblock=debug is parsed: the DT memory node and the DTB reservation
 * (QEMU's own DTB has totalsize 1 MiB; a dtc-compiled one its real size).
 */
function virtArm64(kernel: '5.10' | '6.1', ramSize: number, dtbSize: number): Memblock {
  const mb = new Memblock({ kernel, physAddrBytes: 8, maxNumnodes: 64, numa: true, debug: false, arch: 'arm64' });
  mb.add(RAM_BASE, ramSize);
  mb.reserve(0x48200000, dtbSize);
  mb.debug = true;
  return mb;
}

/** Steps without a log line, keyed by the first log line they precede. */
function hooks(lines: string[], ramSize: number, nomap?: [number, number]): Record<number, (mb: Memblock) => void> {
  const out: Record<number, (mb: Memblock) => void> = {};
  // arm64 numa_init (dummy_numa_init: one node) calls memblock_set_node, before sparse_init
  const at = lines.findIndex((l) => /^memblock_alloc_try_nid: .* sparse_init\+/.test(l));
  if (at < 0) throw new Error('no sparse_init line');
  out[at] = (mb) => mb.setNode(RAM_BASE, ramSize, 0);
  if (nomap) {
    // early_init_fdt_scan_reserved_mem: a static no-map region is memblock_mark_nomap'ed (no log)
    const first = lines.findIndex((l) => l.includes('early_init_dt_alloc_reserved_memory_arch'));
    out[first] = (mb) => mb.markNomap(nomap[0], nomap[1]);
  }
  return out;
}

/**
 * Allocations the kernel makes without a log line of their own; the model must put them where
 * the kernel's reserve line says: NODE_DATA (memblock_phys_alloc_try_nid, sizeof(pg_data_t)
 * with SMP_CACHE_BYTES alignment), the default 64 MiB CMA area (cma_declare_contiguous_nid:
 * memblock_alloc_range_nid below the DMA limit, exact nid; aligned to CMA_MIN_ALIGNMENT_BYTES = one
 * pageblock (2 MiB) in 6.1, to max(MAX_ORDER-1, pageblock_order) pages (4 MiB) in 5.10) and, in 5.10,
 * early_pgtable_alloc (memblock_phys_alloc, which logs nothing in 5.10).
 */
function unloggedAllocs(dmaLimit: number) {
  return (mb: Memblock, size: number): boolean => {
    if (size === 4096 && mb.kernel === '5.10') return mb.physAllocRange(4096, 4096, 0, MEMBLOCK_ALLOC_ACCESSIBLE) !== 0;
    if (size === 64 << 20) return mb.allocRangeNid(size, mb.kernel === '6.1' ? 2 << 20 : 4 << 20, 0, dmaLimit, NUMA_NO_NODE, true) !== 0;
    if (size < 0x4000) return mb.physAllocTryNid(size, 64, 0) !== 0;
    return false;
  };
}

const CASES: Array<{ name: string; kernel: '5.10' | '6.1'; ram: number; dtb: number; nomap?: [number, number] }> = [
  { name: 'a64-512m', kernel: '6.1', ram: 0x20000000, dtb: 0x100000 },
  { name: 'a64-512m-k510', kernel: '5.10', ram: 0x20000000, dtb: 0x100000 },
  { name: 'a64-1g-nothp', kernel: '6.1', ram: 0x40000000, dtb: 0x100000 },
  { name: 'a64-2g-cma64', kernel: '6.1', ram: 0x80000000, dtb: 0x100000 },
  // DT edited: a 3 MiB static no-map region and a dynamic 32 MiB reusable pool (memblock_phys_alloc_range)
  { name: 'a64-1g-reserved', kernel: '6.1', ram: 0x40000000, dtb: 0x8c54, nomap: [0x60000000, 0x300000] },
];

describe('replays of real arm64 memblock=debug boot logs', () => {
  for (const c of CASES) {
    it(`${c.name} (${c.kernel}): every line, allocator addresses, the dump and debugfs match`, () => {
      const mb = virtArm64(c.kernel, c.ram, c.dtb);
      const lines = logLines(`${c.name}.log`);
      const r = replay(mb, lines, { before: hooks(lines, c.ram, c.nomap), orphanAlloc: unloggedAllocs(RAM_BASE + c.ram) });
      expect(r.unverified).toBe(0);
      expect(r.actual.length).toBe(r.expected.length);
      const firstDiff = r.actual.findIndex((l, i) => l !== r.expected[i]);
      expect(firstDiff === -1 ? null : { line: firstDiff, want: r.expected[firstDiff], got: r.actual[firstDiff] }).toBeNull();
      expect(mb.debugfs('memory')).toBe(fixture(`${c.name}.memory.txt`));
      expect(mb.debugfs('reserved')).toBe(fixture(`${c.name}.reserved.txt`));
    });
  }
  it('a wrong allocator would be caught: bottom-up placement diverges from the log at once', () => {
    const mb = virtArm64('6.1', 0x20000000, 0x100000);
    mb.bottomUp = true;
    const lines = logLines('a64-512m.log');
    const r = replay(mb, lines, { until: 12 });
    expect(r.actual).not.toEqual(r.expected);
  });
});

describe('replay of the a32-2g-highmem (6.1, armmp-lpae) log', () => {
  it('matches with a 64-bit phys_addr_t, no NUMA, and current_limit at the lowmem limit', () => {
    const mb = new Memblock({ kernel: '6.1', physAddrBytes: 8, maxNumnodes: 1, numa: false, debug: false, arch: 'arm' });
    // before memblock=debug: the DT memory node and the DTB (1 MiB after the initrd);
    // adjust_lowmem_bounds sets current_limit to the 768 MiB lowmem end, silently
    mb.add(0x40000000, 0x80000000);
    mb.reserve(0x480d9000, 0x100000);
    mb.currentLimit = 0x70000000;
    mb.debug = true;
    // the only unlogged allocation: the 16 MiB default CMA area, placed below the end of DRAM
    // (cma_declare_contiguous_nid), not below current_limit: it must land at 0xbf000000
    const r = replay(mb, logLines('a32-2g-highmem.log'), {
      orphanAlloc: (m, size) => size === 16 << 20 && m.allocRangeNid(size, 2 << 20, 0, 0xc0000000, NUMA_NO_NODE, true) !== 0,
    });
    expect(r.unverified).toBe(0);
    expect(r.actual).toEqual(r.expected);
    expect(mb.debugfs('memory')).toBe(fixture('a32-2g-highmem.memory.txt'));
    expect(mb.debugfs('reserved')).toBe(fixture('a32-2g-highmem.reserved.txt'));
  });
});
