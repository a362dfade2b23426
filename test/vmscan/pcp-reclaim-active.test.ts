/**
 * 6.1's ZONE_RECLAIM_ACTIVE (mm/vmscan.c set_reclaim_active / clear_reclaim_active around
 * balance_pgdat; mm/page_alloc.c nr_pcp_high): while kswapd reclaims a zone, a CPU's per-cpu list
 * of that zone is held to min(4 × batch, high) on free, so the pages kswapd frees go back to the
 * buddy in small bulks instead of piling up on the list. 5.10 has no such cap.
 */
import { describe, expect, it } from 'vitest';
import type { RunningMachine } from '../../src/sim/run/running-machine';
import type { TraceEventName, TraceSink } from '../../src/sim/run/trace';
import { ZONE_RECLAIM_ACTIVE } from '../../src/sim/run/run-state';
import { fillNowait, start } from './helpers';

/** The largest pcp->count of CPU 0 seen as a freed page is committed, and the pcp drains. */
class PcpWatch implements TraceSink {
  max = 0;
  drains = 0;
  activeSeen = false;
  constructor(private readonly run: RunningMachine) {}
  emit(event: TraceEventName): void {
    const rs = this.run.rs;
    if (event === 'mm_page_free_batched') {
      this.max = Math.max(this.max, rs.pcp.count[0]);
      if (rs.zoneFlags[0] & ZONE_RECLAIM_ACTIVE) this.activeSeen = true;
    }
    if (event === 'mm_page_pcpu_drain') this.drains++;
  }
}

function reclaimWatched(kernel: '5.10' | '6.1'): { run: RunningMachine; watch: PcpWatch } {
  const run = start(kernel, { daemons: 'manual' });
  run.sysctl('vm.watermark_boost_factor', 0);
  fillNowait(run, 'file');
  run.drain();
  const watch = new PcpWatch(run);
  run.setTrace(watch);
  run.daemons();
  return { run, watch };
}

describe('ZONE_RECLAIM_ACTIVE caps pcp high while kswapd reclaims', () => {
  it('6.1: every page kswapd frees is committed with pcp->count below 4 × batch; the flag is cleared afterwards', () => {
    const { run, watch } = reclaimWatched('6.1');
    const rs = run.rs;
    const batch = rs.pcp.batch[0];
    const high = rs.pcp.high[0];
    expect(4 * batch).toBeLessThan(high);
    expect(run.rs.vm.get('pgsteal_kswapd')).toBeGreaterThan(4 * batch);
    // free_unref_page_commit: count ≥ nr_pcp_high = min(4 × batch, high) → free_pcppages_bulk, so the
    // count seen before a commit never reaches the cap
    expect(watch.activeSeen).toBe(true);
    expect(watch.max).toBeLessThan(4 * batch);
    expect(watch.drains).toBeGreaterThan(0);
    expect(rs.zoneFlags[0] & ZONE_RECLAIM_ACTIVE).toBe(0);
    run.checkInvariants();
  });

  it('6.1: the same frees outside balance_pgdat (drop_caches) fill the list up to high', () => {
    const run = start('6.1', { daemons: 'manual' });
    fillNowait(run, 'file', 5000);
    run.drain();
    const watch = new PcpWatch(run);
    run.setTrace(watch);
    run.sysctl('vm.drop_caches', 1);
    expect(watch.activeSeen).toBe(false);
    expect(watch.max).toBeGreaterThanOrEqual(4 * run.rs.pcp.batch[0]);
    expect(watch.max).toBeLessThan(run.rs.pcp.high[0]);
    run.checkInvariants();
  });

  it('5.10: no ZONE_RECLAIM_ACTIVE; kswapd\'s frees use the whole pcp high (6 × batch)', () => {
    const { run, watch } = reclaimWatched('5.10');
    const rs = run.rs;
    expect(watch.activeSeen).toBe(false);
    // 5.10 free_unref_page_commit: count ≥ high → free_pcppages_bulk(batch): the count before a
    // commit reaches high − 1
    expect(watch.max).toBe(rs.pcp.high[0] - 1);
    run.checkInvariants();
  });
});
