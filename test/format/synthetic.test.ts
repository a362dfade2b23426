import { describe, expect, it } from 'vitest';
import { MmError } from '../../src/sim/errors';
import type { MachineViewExtra } from '../../src/sim/format/extra';
import { emptyView } from '../../src/sim/format/view-build';
import { renderZoneinfo } from '../../src/sim/format/zoneinfo';
import { parseZoneinfo } from '../../src/sim/format/zoneinfo-parse';
import { zoneinfoToView } from '../../src/sim/format/zoneinfo-view';
import { renderBuddyinfo } from '../../src/sim/format/buddyinfo';
import { renderPagetypeinfo } from '../../src/sim/format/pagetypeinfo';
import { pagetypeinfoToView, parsePagetypeinfo } from '../../src/sim/format/pagetypeinfo-parse';
import { renderMeminfo } from '../../src/sim/format/meminfo';
import { renderVmstat } from '../../src/sim/format/vmstat';
import { parseMemblockDebugfs, renderMemblockDebugfs } from '../../src/sim/format/memblock';
import { renderProc } from '../../src/sim/format/proc';

/** 2 nodes, x86_64 6.1 zones; node 0 DMA and node 1 Normal populated, 2 CPUs. */
function twoNodeView(): MachineViewExtra {
  const v = emptyView({ arch: 'x86_64', kernel: '6.1', numa: true, maxOrder: 3 }, 2);
  v.statNames = { node: ['nr_inactive_anon', 'nr_kernel_stack'], zone: ['nr_free_pages', 'nr_mlock', 'nr_free_cma'], numa: ['numa_hit'] };
  const dma = v.nodes[0]!.zones[0]!;
  Object.assign(dma, { free: 3584, boost: 0, min: 42, low: 52, high: 62, spanned: 4095, present: 3998, managed: 3840,
    protection: [0, 2890, 2890, 2890, 2890], statThreshold: 4, startPfn: 1, stats: { nr_mlock: 0, numa_hit: 7 } });
  dma.freeArea = [[1, 2, 0, 0, 0], [0, 3, 0, 0, 0], [0, 0, 0, 0, 1]];
  dma.blocksByType = [1, 7, 0, 0, 0];
  dma.pcp = [{ cpu: 0, count: 0, high: 52, batch: 1 }, { cpu: 1, count: 5, high: 52, batch: 1 }];
  v.nodes[0]!.stats = { nr_inactive_anon: 11, nr_kernel_stack: 480 };
  v.nodes[0]!.zones[3]!.min = 32; // an empty Movable zone still prints its watermarks
  const normal = v.nodes[1]!.zones[2]!;
  Object.assign(normal, { free: 100, min: 1, low: 2, high: 3, spanned: 1024, present: 1024, managed: 1000,
    protection: [0, 0, 0, 0, 0], statThreshold: 24, startPfn: 1048576, nodeUnreclaimable: 1, freeCma: 0 });
  normal.freeArea = [[0, 100000, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]];
  normal.pcp = [{ cpu: 0, count: 9, high: 10, batch: 2 }, { cpu: 1, count: 0, high: 10, batch: 2 }];
  v.nodes[1]!.stats = { nr_inactive_anon: 1, nr_kernel_stack: 16 };
  return v;
}

const EMPTY = (nid: number, zone: string, min = 0) => `Node ${nid}, zone ${zone}
  pages free     0
        boost    0
        min      ${min}
        low      0
        high     0
        spanned  0
        present  0
        managed  0
        cma      0
        protection: (0, 0, 0, 0, 0)
`;

const ZONEINFO = `Node 0, zone      DMA
  per-node stats
      nr_inactive_anon 11
      nr_kernel_stack 480
  pages free     3584
        boost    0
        min      42
        low      52
        high     62
        spanned  4095
        present  3998
        managed  3840
        cma      0
        protection: (0, 2890, 2890, 2890, 2890)
      nr_free_pages 3584
      nr_mlock     0
      nr_free_cma  0
      numa_hit     7
  pagesets
    cpu: 0
              count: 0
              high:  52
              batch: 1
  vm stats threshold: 4
    cpu: 1
              count: 5
              high:  52
              batch: 1
  vm stats threshold: 4
  node_unreclaimable:  0
  start_pfn:           1
${EMPTY(0, '   DMA32')}${EMPTY(0, '  Normal')}${EMPTY(0, ' Movable', 32)}${EMPTY(0, '  Device')}${EMPTY(1, '     DMA')}${EMPTY(1, '   DMA32')}Node 1, zone   Normal
  per-node stats
      nr_inactive_anon 1
      nr_kernel_stack 16
  pages free     100
        boost    0
        min      1
        low      2
        high     3
        spanned  1024
        present  1024
        managed  1000
        cma      0
        protection: (0, 0, 0, 0, 0)
      nr_free_pages 100
      nr_mlock     0
      nr_free_cma  0
      numa_hit     0
  pagesets
    cpu: 0
              count: 9
              high:  10
              batch: 2
  vm stats threshold: 24
    cpu: 1
              count: 0
              high:  10
              batch: 2
  vm stats threshold: 24
  node_unreclaimable:  1
  start_pfn:           1048576
${EMPTY(1, ' Movable')}${EMPTY(1, '  Device')}`;

describe('synthetic views', () => {
  it('zoneinfo: unpopulated zones, 2 nodes, 2 CPUs of pagesets', () => {
    expect(renderZoneinfo(twoNodeView())).toBe(ZONEINFO);
  });
  it('zoneinfo: the 2-node text parses back to the same zones and round-trips', () => {
    const p = parseZoneinfo(ZONEINFO);
    expect(p.nodes.map((n) => n.nid)).toEqual([0, 1]);
    expect(p.zones.filter((z) => z.populated).map((z) => `${z.nid}:${z.zone}`)).toEqual(['0:DMA', '1:Normal']);
    expect(p.zones[0]!.pagesets).toEqual([
      { cpu: 0, count: 0, high: 52, batch: 1, statThreshold: 4 },
      { cpu: 1, count: 5, high: 52, batch: 1, statThreshold: 4 },
    ]);
    expect(renderZoneinfo(zoneinfoToView(p, { arch: 'x86_64' }))).toBe(ZONEINFO);
  });
  it('zoneinfo 5.10 layout drops boost and cma; default 6.1 node list has 43 items with NUMA balancing', () => {
    const v = twoNodeView();
    v.kernel = '5.10';
    const text = renderZoneinfo(v);
    expect(text).not.toMatch(/boost|cma      /);
    delete v.statNames;
    v.kernel = '6.1';
    const lines = renderZoneinfo(v).split('\n');
    const start = lines.indexOf('  per-node stats');
    expect(lines.indexOf('  pages free     3584') - start - 1).toBe(43); // x64-1g/zoneinfo.txt prints 43
  });
  it('buddyinfo: populated zones only, %6lu with trailing space, nr_free over all types', () => {
    expect(renderBuddyinfo(twoNodeView())).toBe(
      'Node 0, zone      DMA      3      3      1 \n'
      + 'Node 1, zone   Normal 100000      0      0 \n');
  });
  it('pagetypeinfo: one section per node, ">" when the walk hits 100000', () => {
    const text = renderPagetypeinfo(twoNodeView());
    const head = 'Page block order: 9\nPages per block:  512\n\n'
      + 'Free pages count per migrate type at order       0      1      2 \n';
    const blocksHead = '\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n';
    expect(text).toBe(head
      + 'Node    0, zone      DMA, type    Unmovable      1      0      0 \n'
      + 'Node    0, zone      DMA, type      Movable      2      3      0 \n'
      + 'Node    0, zone      DMA, type  Reclaimable      0      0      0 \n'
      + 'Node    0, zone      DMA, type   HighAtomic      0      0      0 \n'
      + 'Node    0, zone      DMA, type      Isolate      0      0      1 \n'
      + blocksHead
      + 'Node 0, zone      DMA            1            7            0            0            0 \n'
      + head
      + 'Node    1, zone   Normal, type    Unmovable      0      0      0 \n'
      + 'Node    1, zone   Normal, type      Movable >100000      0      0 \n'
      + 'Node    1, zone   Normal, type  Reclaimable      0      0      0 \n'
      + 'Node    1, zone   Normal, type   HighAtomic      0      0      0 \n'
      + 'Node    1, zone   Normal, type      Isolate      0      0      0 \n'
      + blocksHead
      + 'Node 1, zone   Normal            0            0            0            0            0 \n');
    const back = pagetypeinfoToView(parsePagetypeinfo(text), { arch: 'x86_64' });
    expect(back.nodes[1]!.zones[2]!.freeArea[0]![1]).toBe(100000);
    expect(renderPagetypeinfo(back)).toBe(text);
  });
  it('meminfo: MM lines from the view, HardwareCorrupted %5lu, wide values not truncated', () => {
    const v = twoNodeView();
    v.totalram = 4840;
    v.counters.VmallocTotal = 34359738367;
    v.counters.HugePages_Total = 123456;
    const text = renderMeminfo(v);
    expect(text.startsWith('MemTotal:          19360 kB\nMemFree:           14736 kB\n')).toBe(true);
    expect(text).toContain('\nHardwareCorrupted:     0 kB\n');
    expect(text).toContain('\nVmallocTotal:   34359738367 kB\n');
    expect(text).toContain('\nHugePages_Total:   123456\nHugePages_Free:        0\n');
    expect(text).toContain('\nHugepagesize:       2048 kB\n');
    expect(text).not.toContain('CmaTotal'); // x86_64 Debian: no CONFIG_CMA
    expect(text.endsWith('DirectMap4k:           0 kB\nDirectMap2M:           0 kB\n')).toBe(true);
  });
  it('vmstat: zone items summed over both nodes, nr_unstable last', () => {
    const v = twoNodeView();
    delete v.statNames;
    const text = renderVmstat(v);
    expect(text.startsWith('nr_free_pages 3684\n')).toBe(true);
    expect(text).toContain('\nnuma_hit 7\n');
    expect(text).toContain('\nnr_inactive_anon 12\n');
    expect(text).toContain('\npgalloc_device 0\n');
    expect(text.endsWith('direct_map_level3_splits 0\nnr_unstable 0\n')).toBe(true);
  });
  it('memblock: %pa is 8 hex digits for a 4-byte phys_addr_t, 16 for 8; an empty type prints the dummy region', () => {
    const v = twoNodeView();
    v.memblock.memory = [{ base: 0x40000000, size: 0x80000000, flags: 0, nid: 0 }];
    v.physAddrBytes = 4;
    expect(renderMemblockDebugfs(v, 'memory')).toBe('   0: 0x40000000..0xbfffffff\n');
    expect(renderMemblockDebugfs(v, 'reserved')).toBe('   0: 0x00000000..0xffffffff\n');
    v.physAddrBytes = 8;
    expect(renderMemblockDebugfs(v, 'memory')).toBe('   0: 0x0000000040000000..0x00000000bfffffff\n');
    expect(parseMemblockDebugfs(renderMemblockDebugfs(v, 'reserved'))).toEqual({ physAddrBytes: 8, regions: [] });
  });
  it('renderProc: memblock is both files; x86 has none', () => {
    const v = twoNodeView();
    expect(() => renderProc(v, 'memblock')).toThrow(MmError);
    v.arch = 'arm64';
    // no memory regions: a view that never had memblock (imported from /proc/zoneinfo)
    expect(() => renderProc(v, 'memblock')).toThrow(/FORMAT_UNAVAILABLE|no memblock regions/);
    v.memblock.memory = [{ base: 0x40000000, size: 0x20000000, flags: 0, nid: 0 }];
    expect(renderProc(v, 'memblock')).toBe('==> memblock/memory <==\n   0: 0x0000000040000000..0x000000005fffffff\n\n'
      + '==> memblock/reserved <==\n   0: 0x0000000000000000..0xffffffffffffffff\n');
    v.memblock.reserved = [{ base: 0x1000, size: 0x1000, flags: 0, nid: 0 }];
    expect(renderProc(v, 'memblock')).toBe('==> memblock/memory <==\n   0: 0x0000000040000000..0x000000005fffffff\n\n'
      + '==> memblock/reserved <==\n   0: 0x0000000000001000..0x0000000000001fff\n');
    expect(renderProc(v, 'zoneinfo')).toBe(renderZoneinfo(v));
  });
});
