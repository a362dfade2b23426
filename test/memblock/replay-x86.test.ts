/**
 * x86_64 boots: the early history (e820, trim_bios_range, NUMA) is not all logged, but the
 * second "MEMBLOCK configuration" dump (after numa_init) gives the full state, nodes included.
 * From there every allocation, reservation and free of the log must come out identical.
 * current_limit at that point is get_max_mapped(): the end of the directly mapped RAM.
 */
import { describe, expect, it } from 'vitest';
import { Memblock } from '../../src/sim/memblock';
import { loadDump, logLines, replay } from './replay';

const CASES: Array<{ name: string; kernel: '5.10' | '6.1'; maxMapped: number }> = [
  { name: 'x64-1g', kernel: '6.1', maxMapped: 0x3ffe0000 },
  { name: 'x64-1g-k510', kernel: '5.10', maxMapped: 0x3ffe0000 },
  { name: 'x64-6g-numa2', kernel: '6.1', maxMapped: 0x1c0000000 },
];

describe('replays of x86_64 memblock=debug logs after numa_init', () => {
  for (const c of CASES) {
    it(`${c.name} (${c.kernel})`, () => {
      const lines = logLines(`${c.name}.log`);
      const dumps = lines.flatMap((l, i) => (l === 'MEMBLOCK configuration:' ? [i] : []));
      expect(dumps.length).toBe(2);
      const mb = new Memblock({ kernel: c.kernel, physAddrBytes: 8, maxNumnodes: 64, numa: true, debug: true, arch: 'x86_64' });
      const from = loadDump(mb, lines, dumps[1]!);
      // the rebuilt state prints the dump it was read from, except memory size: the kernel's
      // total_size still counts the 0xc00 bytes memblock_trim_memory cut off the end of the first e820 bank ([0x1000, 0x9fc00))
      const want = lines.slice(dumps[1], from);
      const got = mb.dumpAll();
      expect(got.filter((_, i) => i !== 1)).toEqual(want.filter((_, i) => i !== 1));
      expect(want[1]).toContain(`memory size = 0x${(mb.physMemSize() + 0xc00).toString(16).padStart(16, '0')} `);
      mb.currentLimit = c.maxMapped;
      const r = replay(mb, lines.slice(from));
      expect(r.unverified).toBe(0);
      expect(r.actual.length).toBeGreaterThan(80);
      expect(r.actual).toEqual(r.expected);
    });
  }
});
