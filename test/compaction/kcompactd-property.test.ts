import { describe, expect, it } from 'vitest';
import { TraceRecorder } from '../../src/sim/run/trace';
import { kcompactdRun, wakeupKcompactd } from '../../src/sim/compaction/kcompactd';
import { fragmentationScoreNode, fragmentationScoreWmark, fragmentationScoreZone, fragmentationScoreZoneWeighted } from '../../src/sim/compaction/frag-index';
import { rng } from '../helpers/prng';
import { boot, fill, freeWhere, MOVABLE_NOWAIT, vm } from './helpers';

describe('kcompactd', () => {
  it.each(['5.10', '6.1'] as const)('%s: wakeup_kcompactd wakes it only when a zone would CONTINUE; kcompactd_do_work counts compact_daemon_*', (kernel) => {
    const run = boot('arm64', kernel, 256);
    const rs = run.rs;
    const rec = new TraceRecorder(new Set(['mm_compaction_wakeup_kcompactd', 'mm_compaction_kcompactd_wake', 'mm_compaction_kcompactd_sleep']));
    run.setTrace(rec);
    // a fresh zone passes its watermark at order 9: compaction_suitable is SUCCESS, not CONTINUE → no wake
    wakeupKcompactd(rs, 0, 9, 0);
    expect(rs.compaction.kcompactdWoken[0]).toBe(0);
    expect(rs.nodes[0]!.kcompactdOrder).toBe(9); // the request is still recorded (kcompactd_max_order)
    rs.nodes[0]!.kcompactdOrder = 0;
    // fragment the zone so that no order-9 block is free: now the zone would CONTINUE
    freeWhere(run, fill(run, MOVABLE_NOWAIT, 1e9), 32);
    wakeupKcompactd(rs, 0, 9, 0);
    expect(rs.compaction.kcompactdWoken[0]).toBe(1);
    expect(rec.events.filter((e) => e.event === 'mm_compaction_wakeup_kcompactd').map((e) => e.args.slice(0, 3))).toEqual([[0, 9, 0]]);
    const r = kcompactdRun(rs, 0);
    expect(r.did).toBe('work');
    expect(run.rs.vm.get('compact_daemon_wake')).toBe(1);
    expect(run.rs.vm.get('compact_daemon_migrate_scanned')).toBe(r.perZone.reduce((a, z) => a + z.migrateScanned, 0));
    expect(run.rs.vm.get('compact_daemon_free_scanned')).toBe(r.perZone.reduce((a, z) => a + z.freeScanned, 0));
    expect(r.perZone[0]!.migrated).toBeGreaterThan(0);
    // the request is consumed: max order 0, highest zone back to nr_zones − 1
    expect(rs.nodes[0]!.kcompactdOrder).toBe(0);
    expect(rs.compaction.kcompactdWoken[0]).toBe(0);
    expect(rec.events.filter((e) => e.event === 'mm_compaction_kcompactd_wake').map((e) => e.args.slice(0, 3))).toEqual([[0, 9, 0]]);
    // not a stall, not compact_memory
    expect(vm(run, 'compact_stall')).toEqual({ compact_stall: 0 });
    run.checkInvariants();
  });

  it.each(['5.10', '6.1'] as const)('%s: proactive compaction runs when the node score is above the high mark and stops at the low mark', (kernel) => {
    const run = boot('arm64', kernel, 512);
    const rs = run.rs;
    freeWhere(run, fill(run, MOVABLE_NOWAIT, 1e9), 32);
    // the fill woke kswapd; nothing ran it here: let it have gone back to sleep (kswapd_is_running
    // stops proactive compaction)
    rs.nodes[0]!.kswapdAwake = false;
    // proactiveness 20: wmark_low = max(100 − 20, 5) = 80, wmark_high = min(80 + 10, 100) = 90
    expect([fragmentationScoreWmark(rs, true), fragmentationScoreWmark(rs, false)]).toEqual([80, 90]);
    const before = fragmentationScoreNode(rs, 0);
    expect(before).toBeGreaterThan(90);
    // one interval: the wait times out, should_proactive_compact_node → proactive_compact_node
    const r = kcompactdRun(rs, 0);
    expect(r.did).toBe('proactive');
    expect(r.perZone[0]!.migrated).toBeGreaterThan(0);
    // proactive runs are not kcompactd_do_work: no compact_daemon_* counts
    expect(vm(run, 'compact_daemon_wake', 'compact_daemon_migrate_scanned')).toEqual({ compact_daemon_wake: 0, compact_daemon_migrate_scanned: 0 });
    const after = fragmentationScoreNode(rs, 0);
    expect(after).toBeLessThan(before);
    // 6.1 stops a zone once its own extfrag score ≤ 80; 5.10 compares the weighted zone score, which is
    // below 80 already for a zone holding ~all the node (present·score/(node_present + 1) < score):
    // a single-zone node stops at once when its weighted score is ≤ 80 as well, so the result is ≤ the high mark
    expect(after).toBeLessThanOrEqual(90);
    // __compact_finished (proactive): SUCCESS once the zone score is ≤ wmark_low = 80
    expect(r.perZone[0]!.status).toBe('success');
    if (kernel === '6.1') expect(fragmentationScoreZone(rs, 0)).toBeLessThanOrEqual(80);
    else expect(fragmentationScoreZoneWeighted(rs, 0)).toBeLessThanOrEqual(80);
    run.checkInvariants();
  });

  it('6.1: proactiveness 0 stops the timeouts; a write of compaction_proactiveness triggers a run', () => {
    const run = boot('arm64', '6.1', 512);
    const rs = run.rs;
    freeWhere(run, fill(run, MOVABLE_NOWAIT, 1e9), 32);
    rs.nodes[0]!.kswapdAwake = false;
    run.sysctl('vm.compaction_proactiveness', 0);
    expect(kcompactdRun(rs, 0).did).toBe('idle');
    expect(rs.compaction.proactiveTrigger[0]).toBe(0);
    run.sysctl('vm.compaction_proactiveness', 20);
    expect(rs.compaction.proactiveTrigger[0]).toBe(1);
    expect(kcompactdRun(rs, 0).did).toBe('proactive');
    expect(rs.compaction.proactiveTrigger[0]).toBe(0);
    expect(() => run.sysctl('vm.compaction_proactiveness', 101)).toThrow(/outside 0..100/);
    expect(() => run.sysctl('vm.extfrag_threshold', 1001)).toThrow(/outside 0..1000/);
    run.sysctl('vm.extfrag_threshold', 1000);
    expect(rs.compaction.extfragThreshold).toBe(1000);
  });
});

describe('property: random alloc/free/compact sequences keep the invariants and conserve pages', () => {
  it.each([['arm64', '6.1'], ['arm64', '5.10'], ['x86_64', '6.1'], ['x86_64', '5.10'], ['arm', '6.1'], ['arm', '5.10']] as const)('%s %s', (arch, kernel) => {
    for (const seed of [1, 2, 3]) {
      const run = boot(arch, kernel, 192);
      const rs = run.rs;
      const rand = rng(seed * 7919 + (kernel === '6.1' ? 1 : 0));
      const live: number[] = [];
      // the caller's handles follow migrated pages (as page tables do)
      const at = new Map<number, number>();
      run.addMigrateListener((oldPfn, newPfn) => {
        const j = at.get(oldPfn);
        if (j === undefined) return;
        live[j] = newPfn;
        at.delete(oldPfn);
        at.set(newPfn, j);
      });
      const push = (pfn: number) => {
        at.set(pfn, live.length);
        live.push(pfn);
      };
      const kinds = ['anon', 'file', 'shmem', 'kernel', 'file-dirty'] as const;
      const gfps = ['GFP_HIGHUSER_MOVABLE', 'GFP_KERNEL', 'GFP_USER', MOVABLE_NOWAIT] as const;
      const managed = Array.from(rs.buddy.z.managed);
      for (let step = 0; step < 60; step++) {
        const x = rand();
        if (x < 0.55) {
          const n = 1 + Math.floor(rand() * 800);
          for (let k = 0; k < n; k++) {
            const order = rand() < 0.9 ? 0 : Math.floor(rand() * 5);
            const kind = kinds[Math.floor(rand() * kinds.length)]!;
            const r = run.alloc(gfps[Math.floor(rand() * gfps.length)]!, order, { kind: kind === 'kernel' && order ? 'kernel' : kind, pin: rand() < 0.03 });
            if (r.ok) push(r.pfn);
          }
        } else if (x < 0.85) {
          const n = Math.floor(rand() * live.length * 0.6);
          for (let k = 0; k < n && live.length; k++) {
            const j = Math.floor(rand() * live.length);
            run.free(live[j]!);
            at.delete(live[j]!);
            const last = live.pop()!;
            if (j < live.length) {
              live[j] = last;
              at.set(last, j);
            }
          }
        } else if (x < 0.93) {
          run.compactMemory();
        } else {
          const order = 2 + Math.floor(rand() * 8);
          const r = run.alloc(rand() < 0.5 ? 'GFP_KERNEL' : 'GFP_HIGHUSER_MOVABLE', order, { kind: 'anon' });
          if (r.ok) push(r.pfn);
          kcompactdRun(rs, 0);
        }
        run.checkInvariants();
        // conservation: managed pages never change, NR_ISOLATED is back to 0 after each operation
        expect(Array.from(rs.buddy.z.managed)).toEqual(managed);
        for (const nd of rs.nodes) expect([nd.isolatedAnon, nd.isolatedFile]).toEqual([0, 0]);
      }
      // every pfn a caller holds is still the head of an allocated block (migration moved only the pages compaction owns)
      for (const p of live) expect(rs.buddy.tag[p - rs.buddy.basePfn] & 0xe0).toBe(0x40);
    }
  });
});
