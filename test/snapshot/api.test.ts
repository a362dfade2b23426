/**
 * Starting a run from a snapshot through the public APIs: Machine.startFrom (src/sim), mm.boot
 * with `state` then machine.start() (notebooks), and what the run carries over: the vm event
 * counters start at the snapshot's (so deltas over a replay are the kernel's), the LRU lists and
 * page kinds, pcp high/batch and watermarks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mm } from '../../src/lib/mm';
import type { RunHandle } from '../../src/lib/run';
import { importSnapshot, startImported } from '../../src/sim/index';
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON, NR_LRU_LISTS } from '../../src/sim/vmscan/lru';
import { ORACLE_RT } from '../helpers/oracle-dir';
import { rtMachine, rtSnapshot, rtText } from './helpers';

const vmstat = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)![1]);

describe('Machine.startFrom', () => {
  it('runs from the snapshot (kpageflags as captured, gzip), and each start is independent', () => {
    const m = rtMachine('rt-a64-1g-fill');
    const run = m.startFrom(rtSnapshot('rt-a64-1g-fill', 'rt_before', 'gz'));
    expect(run.render('buddyinfo')).toBe(rtText('rt-a64-1g-fill', 'rt_before', 'buddyinfo'));
    const before = run.render('vmstat');
    // the counters the model moves start at the snapshot's
    expect(vmstat(before, 'pgfree')).toBe(vmstat(rtText('rt-a64-1g-fill', 'rt_before', 'vmstat'), 'pgfree'));
    expect(vmstat(before, 'pgalloc_dma')).toBe(vmstat(rtText('rt-a64-1g-fill', 'rt_before', 'vmstat'), 'pgalloc_dma'));
    const r = run.run([{ op: 'alloc', gfp: 'GFP_HIGHUSER_MOVABLE', count: 100, kind: 'anon', as: 'a' }, { op: 'free', ref: 'a' }]);
    expect(r).toMatchObject({ allocated: 100, freed: 100 });
    run.checkInvariants();
    // free_unref_page counts pgfree per page: +100 over the snapshot's
    expect(vmstat(run.render('vmstat'), 'pgfree') - vmstat(before, 'pgfree')).toBe(100);
    // the fresh machine is untouched, and a second start is the snapshot again
    expect(m.start().render('buddyinfo')).toBe(m.render('buddyinfo'));
    expect(m.startFrom(rtSnapshot('rt-a64-1g-fill', 'rt_before')).render('buddyinfo')).toBe(rtText('rt-a64-1g-fill', 'rt_before', 'buddyinfo'));
  });

  it('carries the LRU lists, page kinds, watermarks and pcp settings', () => {
    const imp = importSnapshot(rtMachine('rt-a64-2g-hugetlb-cma'), rtSnapshot('rt-a64-2g-hugetlb-cma', 'rt_after'));
    const rs = imp.rs;
    // 374210 shmem pages (tmpfs, KPF_SWAPBACKED) and 138 anon pages on the anon LRU lists
    expect(rs.lru.nodePages[LRU_INACTIVE_ANON] + rs.lru.nodePages[LRU_ACTIVE_ANON]).toBe(374210 + 138);
    expect(rs.lru.nodePages[NR_LRU_LISTS - 1]).toBe(0);
    expect(imp.report.kindPages[0]).toMatchObject({ shmem: 374210, anon: 138, 'slab-reclaimable': 3112 });
    expect(rs.pcp.high[0]).toBe(7040);
    expect(rs.pcp.batch[0]).toBe(63);
    const run = startImported(imp);
    expect(run.view().nodes[0]!.zones[0]!.min).toBe(5632);
    run.checkInvariants();
  });
});

describe('mm.boot({ state }) then machine.start()', () => {
  const d = join(ORACLE_RT, 'rt-a64-1g-highorder');
  const req = () => ({
    arch: 'arm64' as const,
    kernel: '6.1' as const,
    dtb: new Uint8Array(readFileSync(join(d, 'virt.dtb'))),
    bootLog: readFileSync(join(d, 'kernel-console.txt'), 'utf8'),
    state: rtSnapshot('rt-a64-1g-highorder', 'rt_after', 'gz'),
  });

  it('the machine shows the snapshot; start() runs from it; stateReport() reports the comparison', () => {
    const m = mm.boot(req());
    expect(m.render('pagetypeinfo').split('\n').slice(-2)).toEqual(rtText('rt-a64-1g-highorder', 'rt_after', 'pagetypeinfo').split('\n').slice(-2));
    const rep = m.stateReport()!;
    expect(rep.source).toBe('kpageflags');
    expect(rep.zones[0]!.buddyinfoDiffPages).toBe(62);
    expect(m.warnings.some((w) => w.startsWith('SNAPSHOT_DRIFT'))).toBe(true);
    const a = (m.start() as RunHandle).running;
    const b = m.start();
    a.run([{ op: 'alloc', gfp: 'GFP_KERNEL', count: 1000 }]);
    expect(b.render('zoneinfo')).toBe(m.render('zoneinfo'));
    expect(a.render('zoneinfo')).not.toBe(m.render('zoneinfo'));
    a.checkInvariants();
    // boost 4608 and node_unreclaimable from the snapshot
    expect(m.view().nodes[0]!.zones[0]!.boost).toBe(4608);
    expect(a.rs.nodes[0]!.kswapdFailures).toBe(16);
    // start(opts) from the snapshot takes its run options; a start without them keeps the defaults
    const manual = (m.start({ daemons: 'manual', swap: true, swappiness: 100 }) as RunHandle).running;
    expect([manual.rs.daemons, manual.rs.swap, manual.rs.swappiness]).toEqual(['manual', true, 100]);
    expect([a.rs.daemons, a.rs.swap, a.rs.swappiness]).toEqual(['auto', false, 60]);
    expect(manual.render('buddyinfo')).toBe(m.render('buddyinfo'));
  });

  it('a sysctl write at the snapshot recomputes from its managed pages (and clears boost)', () => {
    const m = mm.boot(req()).sysctl('vm.watermark_scale_factor', 200);
    const z = m.view().nodes[0]!.zones[0]!;
    expect(z.boost).toBe(0);
    expect(z.low).toBeGreaterThan(7040);
    expect(m.stateReport()).not.toBeNull();
    (m.start() as RunHandle).running.checkInvariants();
  });

  it('without state, start() runs from the fresh boot; with a zoneinfo import, state is refused', () => {
    const { state: _s, ...fresh } = req();
    void _s;
    expect(mm.boot(fresh).stateReport()).toBeNull();
    expect(mm.boot(fresh).start().render('buddyinfo')).toBe(mm.boot(fresh).render('buddyinfo'));
    expect(() => mm.boot({ arch: 'arm64', kernel: '6.1', zoneinfo: rtText('rt-a64-1g-highorder', 'rt_after', 'zoneinfo'), state: rtSnapshot('rt-a64-1g-highorder', 'rt_after') })).toThrow(/state starts a machine booted from its firmware inputs/);
  });
});
