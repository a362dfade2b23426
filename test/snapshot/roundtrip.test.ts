/**
 * Round trip on every arch and both kernels: a machine run through random allocations and frees
 * (fallback steals, pcp drains, several zones: x86_64's DMA/DMA32/Normal, arm's HighMem), its
 * /proc files rendered and a kpageflags written from its page state the way fs/proc/page.c
 * would (KPF_BUDDY on every page of a free block, no flags on pcp pages, KPF_COMPOUND_HEAD/TAIL
 * on compound pages…), then imported into the same machine. The free blocks per order, the free
 * lists per type, the pageblock counts, managed, pages free and the pcp counts come back exactly;
 * the LRU sizes and page kinds too.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine, importSnapshot, renderProc, startImported } from '../../src/sim/index';
import { KIND_KERNEL } from '../../src/sim/run/page-flags';
import { kpageflagsOf } from './kpageflags-of';
import { runView } from '../../src/sim/run/run-view';
import { GFP_KERNEL, __GFP_COMP } from '../../src/sim/page_alloc/gfp';
import { allocPages } from '../../src/sim/page_alloc/alloc-pages';
import { randomOps } from '../helpers/random-ops';

const MACHINES = [
  { arch: 'arm64', ramMiB: 256, cpus: 2, nodes: 1, cmdline: 'cma=32M' },
  { arch: 'arm', ramMiB: 1024, cpus: 2, nodes: 1, cmdline: '' },
  { arch: 'x86_64', ramMiB: 4608, cpus: 2, nodes: 1, cmdline: '' },
  { arch: 'x86_64', ramMiB: 6144, cpus: 4, nodes: 2, cmdline: '' },
] as const;

describe.each(['5.10', '6.1'] as const)('%s', (kernel) => {
  it.each(MACHINES)('$arch $ramMiB MiB, $nodes node(s): a run\'s files and kpageflags import back', ({ arch, ramMiB, cpus, nodes, cmdline }) => {
    const m = bootMachine({ arch, kernel, topology: { arch, kernel, ramMiB, cpus, nodes }, cmdline });
    const run = m.start({ daemons: 'manual' });
    const rs = run.rs;
    randomOps(rs, 4242 + ramMiB, 30_000, undefined, 0, 8_000, 0.4);
    // compound kernel pages too (__GFP_COMP): one block of their order
    for (let k = 0; k < 20; k++) allocPages(rs, GFP_KERNEL | __GFP_COMP, 2, rs.nodeIds[0]!, 0, KIND_KERNEL, 0, 0);
    const v = runView(rs);
    const files = { zoneinfo: renderProc(v, 'zoneinfo'), buddyinfo: renderProc(v, 'buddyinfo'), pagetypeinfo: renderProc(v, 'pagetypeinfo'), meminfo: renderProc(v, 'meminfo'), vmstat: renderProc(v, 'vmstat') };
    const imp = importSnapshot(m, { ...files, kpageflags: kpageflagsOf(rs) });
    const back = startImported(imp);
    const w = back.view();
    // pageblock types: inferred (kpageflags has none) against the run's own
    let same = 0;
    let blocks = 0;
    const pbs = rs.buddy.pbType;
    for (let k = 0; k < pbs.length; k++) {
      const pfn = (k + rs.buddy.pbBase) << rs.buddy.pageblockOrder;
      if (pfn < rs.buddy.basePfn || rs.buddy.zoneIndexOf(pfn) < 0) continue;
      blocks++;
      if (imp.rs.buddy.pbType[k] === pbs[k]) same++;
    }
    console.log(`${arch} ${kernel}: pageblock types inferred as the run had them: ${same} of ${blocks} (${((100 * same) / blocks).toFixed(1)} %)`);
    expect(same / blocks).toBeGreaterThan(0.75);
    console.log(`${arch} ${kernel} ${ramMiB} MiB: zones ${imp.report.zones.map((z) => `${z.zone} (free error ${JSON.stringify(Object.fromEntries(Object.entries(z.freeErrorByType).filter(([, e]) => e)))}, pageblock-only ${JSON.stringify(Object.fromEntries(Object.entries(z.freeErrorByTypePageblocksOnly).filter(([, e]) => e)))}, moved ${JSON.stringify(Object.fromEntries(Object.entries(z.blocksOffPageblockType).filter(([, e]) => e)))})`).join(', ')}; warnings ${imp.report.warnings.join(' | ') || 'none'}`);
    expect(renderProc(w, 'buddyinfo')).toBe(files.buddyinfo);
    // the fallback kernel compound kernel pages without flags lose nothing the files show
    const pti = renderProc(w, 'pagetypeinfo');
    expect(pti.split('Number of blocks')[1]).toBe(files.pagetypeinfo.split('Number of blocks')[1]);
    for (const z of imp.report.zones) {
      expect(z.buddyinfoDiffPages).toBe(0);
      expect(z.free).toBe(z.freeFile);
      expect(z.pcp).toEqual(z.pcpFile);
      expect(z.managed).toBe(z.managedFile);
      // every free page on the list pagetypeinfo printed it on (blocks may sit on a list other than their pageblock's)
      expect(Object.values(z.freeErrorByType).reduce((s, e) => s + e, 0)).toBe(0);
    }
    expect(pti).toBe(files.pagetypeinfo);
    // LRU sizes and kinds
    for (const k of ['nr_inactive_anon', 'nr_active_anon', 'nr_inactive_file', 'nr_active_file', 'nr_anon_pages', 'nr_file_pages', 'nr_dirty']) {
      expect(w.nodes.map((n) => n.stats[k])).toEqual(v.nodes.map((n) => n.stats[k]));
    }
    // slab: the total exactly; reclaimable or not is not in kpageflags: the split lands on the
    // counter where the block sizes allow, below it by less than a MAX_ORDER block
    const slab = (x: typeof v, k: string) => x.nodes.reduce((s, n) => s + (n.stats[k] ?? 0), 0);
    expect(slab(w, 'nr_slab_reclaimable') + slab(w, 'nr_slab_unreclaimable')).toBe(slab(v, 'nr_slab_reclaimable') + slab(v, 'nr_slab_unreclaimable'));
    expect(slab(v, 'nr_slab_reclaimable') - slab(w, 'nr_slab_reclaimable')).toBeGreaterThanOrEqual(0);
    expect(slab(v, 'nr_slab_reclaimable') - slab(w, 'nr_slab_reclaimable')).toBeLessThan(2 ** (rs.buddy.maxOrder - 1));
    back.checkInvariants();
    back.run([{ op: 'alloc', gfp: 'GFP_KERNEL', count: 500 }, { op: 'alloc', gfp: 'GFP_HIGHUSER_MOVABLE', count: 500, kind: 'anon' }]);
    back.checkInvariants();

    // the same files without kpageflags: the counts are reproduced exactly (the pfns are made up)
    const counts = importSnapshot(m, files);
    const c = startImported(counts);
    const cv = c.view();
    expect(counts.report.warnings.filter((x) => x.startsWith('SNAPSHOT_SYNTHESIS'))).toEqual([]);
    expect(renderProc(cv, 'buddyinfo')).toBe(files.buddyinfo);
    expect(renderProc(cv, 'pagetypeinfo')).toBe(files.pagetypeinfo);
    for (const z of counts.report.zones) expect(z.pcp).toEqual(z.pcpFile);
    for (const k of ['nr_inactive_anon', 'nr_active_anon', 'nr_inactive_file', 'nr_active_file', 'nr_shmem', 'nr_dirty', 'nr_slab_reclaimable', 'nr_slab_unreclaimable']) {
      expect(cv.nodes.reduce((a, n) => a + (n.stats[k] ?? 0), 0)).toBe(v.nodes.reduce((a, n) => a + (n.stats[k] ?? 0), 0));
    }
    c.checkInvariants();
  });
});
