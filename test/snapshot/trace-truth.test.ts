/**
 * The imported state against what the real kernel did next (rt_trace.txt.gz, read only as far as
 * needed):
 * - fill and highorder: the first pcp refills after rt_before. No drain happens before them, so
 *   the buddy is rt_before's, and mm_page_alloc_zone_locked shows the kernel's free lists: the
 *   blocks __rmqueue_smallest took, in order. Allocating Movable pages past the pcp's Movable list
 *   must take the same pfns: 0x423c6…0x423ff (the order-1, 3, 4 and 5 blocks of one free run), then
 *   the order-9 Movable block 0x40000, then the lowest order-10 Movable block 0x47c00 and the next
 *   (20000 pfns compared; a script found the first 39938 equal, to the end of the trace's first
 *   40000 refill lines).
 *   That checks the block decomposition, the pageblock (list) types and the ascending list order.
 * - hugetlb: the first cma_alloc drains the whole pcp (line 237 on): the drained pfns are the pcp
 *   pages of rt_before (with those allocated before), and the drain's migratetype is the stored
 *   one. The pick rules find most of them; the stored types of those found agree.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importSnapshot, startImported, type TraceSink } from '../../src/sim/index';
import { PS_PCP } from '../../src/sim/buddy/page-state';
import { MIGRATE_MOVABLE } from '../../src/sim/types';
import { ORACLE_RT } from '../helpers/oracle-dir';
import { rtMachine, rtSnapshot, type RtRun } from './helpers';

const EV = /\s(mm_page_alloc|mm_page_free|mm_page_free_batched|mm_page_alloc_zone_locked|mm_page_pcpu_drain): page=\S+ pfn=0x([0-9a-f]+) order=(\d+)(?: migratetype=(\d+))?/;

interface Ev { ev: string; pfn: number; order: number; mt: number }

/** The kmem events of a run's trace, until `stop` (called after each event, with the line number) says so. */
async function traceEvents(run: RtRun, stop: (ev: Ev, line: number) => boolean): Promise<Ev[]> {
  const file = createReadStream(join(ORACLE_RT, run, 'rt_trace.txt.gz'));
  const rl = createInterface({ input: file.pipe(createGunzip()) });
  const out: Ev[] = [];
  let line = 0;
  for await (const l of rl) {
    line++;
    const m = EV.exec(l);
    if (!m) continue;
    const ev = { ev: m[1]!, pfn: parseInt(m[2]!, 16), order: Number(m[3]), mt: m[4] === undefined ? -1 : Number(m[4]) };
    out.push(ev);
    if (stop(ev, line)) break;
  }
  rl.close();
  file.destroy();
  return out;
}

describe.each(['rt-a64-1g-fill', 'rt-a64-1g-highorder'] as const)('%s: the first refills after rt_before', (run) => {
  it('take the pfns the kernel took', async () => {
    const N = 20000;
    let refills = 0;
    const evs = await traceEvents(run, (e) => e.ev === 'mm_page_alloc_zone_locked' && ++refills >= N);
    const kernel = evs.filter((x) => x.ev === 'mm_page_alloc_zone_locked' && x.mt === MIGRATE_MOVABLE && x.order === 0).map((x) => x.pfn).slice(0, N);
    const r = startImported(importSnapshot(rtMachine(run), rtSnapshot(run, 'rt_before')));
    const movableList = r.rs.pcp.len[r.rs.pcp.pindex(0, MIGRATE_MOVABLE)]!;
    const refilled: number[] = [];
    r.setTrace({ emit: (name: string, pfn: number) => { if (name === 'mm_page_alloc_zone_locked') refilled.push(pfn); } } as unknown as TraceSink);
    let failed = 0;
    for (let k = 0; k < movableList + kernel.length; k++) if (!r.alloc('GFP_HIGHUSER_MOVABLE', 0, { kind: 'anon' }).ok) failed++;
    expect(failed).toBe(0);
    const ours = refilled.slice(0, kernel.length);
    const firstDiff = ours.findIndex((p, i) => p !== kernel[i]);
    console.log(`${run}: ${kernel.length} refilled pfns compared; the first from 0x${kernel[0]!.toString(16)}; identical up to ${firstDiff < 0 ? 'the end' : `index ${firstDiff} (ours 0x${ours[firstDiff]!.toString(16)}, kernel 0x${kernel[firstDiff]!.toString(16)})`}`);
    expect(kernel.slice(0, 3)).toEqual([0x423c6, 0x423c7, 0x423c8]);
    expect(ours).toEqual(kernel);
    r.checkInvariants();
  });
});

describe('rt-a64-2g-hugetlb-cma: the pcp pages of rt_before against the first cma_alloc drain', () => {
  it('finds most of them, with the stored migratetype the drain printed', async () => {
    const evs = await traceEvents('rt-a64-2g-hugetlb-cma', (_, line) => line > 2100);
    // pfns whose first event is an allocation or a drain: they were on the pcp at rt_before
    const seen = new Set<number>();
    const truth = new Map<number, number>();
    for (const e of evs) {
      for (let p = e.pfn; p < e.pfn + 2 ** e.order; p++) {
        if (!seen.has(p) && (e.ev === 'mm_page_pcpu_drain' || e.ev === 'mm_page_alloc')) truth.set(p, e.ev === 'mm_page_pcpu_drain' ? e.mt : -1);
        seen.add(p);
      }
    }
    const imp = importSnapshot(rtMachine('rt-a64-2g-hugetlb-cma'), rtSnapshot('rt-a64-2g-hugetlb-cma', 'rt_before'));
    const b = imp.rs.buddy;
    let hit = 0;
    let typed = 0;
    let sameType = 0;
    for (const [pfn, mt] of truth) {
      const i = pfn - b.basePfn;
      if ((b.tag[i]! & 0xe0) !== PS_PCP) continue;
      hit++;
      if (mt < 0) continue;
      typed++;
      if (imp.rs.pflags[i] === mt) sameType++;
    }
    const pcp = imp.rs.pcp.count[0]!;
    console.log(`hugetlb rt_before: ${pcp} pcp pages imported (${JSON.stringify(imp.report.zones[0]!.pcpByRule)}); the trace shows ${truth.size} pages on the pcp; ${hit} of them imported as pcp pages (${((100 * hit) / truth.size).toFixed(1)} %); stored migratetype as the drain printed for ${sameType} of ${typed}`);
    expect(hit / truth.size).toBeGreaterThan(0.8);
    expect(sameType).toBe(typed);
  });
});
