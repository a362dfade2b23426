/**
 * Importing the real machines' snapshots of the oracle-rt runs (Debian 6.1.176 arm64 under QEMU)
 * into the machine booted from each folder's virt.dtb, cmdline.txt and kernel-console.txt, and
 * comparing the imported state's /proc files with the snapshot's own. The expected values are the
 * kernel's files; the numbers are printed (vitest shows console output).
 *
 * With kpageflags (rt_before, rt_after): buddyinfo, pagetypeinfo's block counts, zoneinfo's pages
 * free and pcp counts equal the files, except where the files were read at different moments
 * (highorder rt_after: an order-1 refill of 31 blocks ran between buddyinfo and kpageflags); the
 * free pages per migratetype are off pagetypeinfo by at most that drift.
 * Without kpageflags (every rt_phase, and rt_before/rt_after read without it): buddyinfo and
 * pagetypeinfo are reproduced exactly by construction.
 */
import { describe, expect, it } from 'vitest';
import { importSnapshot, renderProc, startImported } from '../../src/sim/index';
import { runView } from '../../src/sim/run/run-view';
import { freeErrorPages, lineDiff, ptiTables, RT_RUNS, rtMachine, rtPrefixes, rtSnapshot, rtText } from './helpers';

const total = (r: Record<string, number>) => Object.values(r).reduce((s, v) => s + v, 0);
const pagesFree = (zoneinfo: string) => Number(/pages free\s+(\d+)/.exec(zoneinfo)![1]);
const pcpCount = (zoneinfo: string) => Number(/count:\s+(\d+)/.exec(zoneinfo)![1]);

describe.each(RT_RUNS)('%s: rt_before and rt_after with kpageflags', (run) => {
  it.each(['rt_before', 'rt_after'])('%s', (prefix) => {
    const imp = importSnapshot(rtMachine(run), rtSnapshot(run, prefix));
    const v = runView(imp.rs);
    const z = imp.report.zones[0]!;
    const bi = renderProc(v, 'buddyinfo');
    const pti = renderProc(v, 'pagetypeinfo');
    const zi = renderProc(v, 'zoneinfo');
    const fileBi = rtText(run, prefix, 'buddyinfo');
    const filePti = rtText(run, prefix, 'pagetypeinfo');
    const fileZi = rtText(run, prefix, 'zoneinfo');
    const err = freeErrorPages(pti, filePti);
    const zoneinfoDiff = lineDiff(zi, fileZi);
    console.log([
      `${run} ${prefix} (kpageflags):`,
      `  buddyinfo: ${z.buddyinfoDiffPages} pages from the file (tolerance ${z.tolerancePages}); kpageflags ${z.freeBlocks.join(' ')}, file ${z.buddyinfo.join(' ')}`,
      `  free pages off pagetypeinfo per type: ${JSON.stringify(err)} (every block on its pageblock's list: ${JSON.stringify(z.freeErrorByTypePageblocksOnly)}; blocks moved to another list: ${JSON.stringify(z.blocksOffPageblockType)})`,
      `  pageblocks: ${JSON.stringify(ptiTables(pti).blocks)}`,
      `  pages free ${pagesFree(zi)} (file ${pagesFree(fileZi)}); pcp ${pcpCount(zi)} (file ${pcpCount(fileZi)}; ${JSON.stringify(z.pcpByRule)})`,
      `  slab ${JSON.stringify(imp.report.slab)}; kinds ${JSON.stringify(imp.report.kindPages[0])}`,
      `  zoneinfo lines that differ (${zoneinfoDiff.length}): ${zoneinfoDiff.join('; ')}`,
      `  warnings: ${imp.report.warnings.join(' | ') || 'none'}`,
    ].join('\n'));

    expect(z.buddyinfoDiffPages).toBeLessThanOrEqual(z.tolerancePages);
    if (z.buddyinfoDiffPages === 0) expect(bi).toBe(fileBi);
    // the free lists per type are off by no more than the files' own drift
    expect(total(err)).toBeLessThanOrEqual(z.buddyinfoDiffPages);
    expect(ptiTables(pti).blocks).toEqual(ptiTables(filePti).blocks);
    expect(pagesFree(zi)).toBe(pagesFree(fileZi) - z.buddyinfoDiffPages);
    expect(pcpCount(zi)).toBe(pcpCount(fileZi));
    // managed, spans and watermarks as the file's
    for (const key of ['spanned', 'present', 'managed', 'min', 'low', 'high', 'boost', 'cma']) {
      expect(new RegExp(`\\n\\s+${key}\\s+(\\d+)`).exec(zi)![1]).toBe(new RegExp(`\\n\\s+${key}\\s+(\\d+)`).exec(fileZi)![1]);
    }
    // zoneinfo differs only in the anon LRU, anon and shmem pages (kpageflags is read last, by a
    // process whose own ~90 anon pages it sees), slab by a block's pages, and the drift's free pages
    for (const d of zoneinfoDiff) expect(d).toMatch(/nr_(zone_)?(in)?active_anon|nr_anon_pages|nr_file_pages|nr_shmem|nr_slab_|pages free|nr_free_pages/);
    startImported(imp).checkInvariants();
  });
});

describe.each(RT_RUNS)('%s: every snapshot from the counts alone (no kpageflags)', (run) => {
  it.each(rtPrefixes(run))('%s', (prefix) => {
    const imp = importSnapshot(rtMachine(run), rtSnapshot(run, prefix, 'none'));
    const v = runView(imp.rs);
    const zi = renderProc(v, 'zoneinfo');
    const fileZi = rtText(run, prefix, 'zoneinfo');
    const diff = lineDiff(zi, fileZi);
    console.log(`${run} ${prefix} (counts): buddyinfo and pagetypeinfo exact; pages free ${pagesFree(zi)} (file ${pagesFree(fileZi)}); pcp ${pcpCount(zi)}; zoneinfo lines that differ: ${diff.join('; ') || 'none'}`);
    expect(imp.report.source).toBe('counts');
    expect(renderProc(v, 'buddyinfo')).toBe(rtText(run, prefix, 'buddyinfo'));
    expect(renderProc(v, 'pagetypeinfo')).toBe(rtText(run, prefix, 'pagetypeinfo'));
    expect(pcpCount(zi)).toBe(pcpCount(fileZi));
    // pages free is the free lists' (buddyinfo's), which two snapshots read a few pages apart from zoneinfo
    const biPages = rtText(run, prefix, 'buddyinfo').trim().split(/\s+/).slice(4).reduce((s, c, o) => s + Number(c) * 2 ** o, 0);
    expect(pagesFree(zi)).toBe(biPages);
    // nr_free_cma: pagetypeinfo's CMA lists and zoneinfo's counter were read apart too
    for (const d of diff) expect(d).toMatch(/nr_isolated_anon|nr_anon_pages|pages free|nr_free_pages|nr_free_cma/);
    startImported(imp).checkInvariants();
  });
});
