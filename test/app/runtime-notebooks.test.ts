/**
 * The run-time notebooks (notebooks/fragmentation.html, notebooks/kswapd.html) headless, with the
 * builtins `mmbook run` gives them: every cell ok, the numbers the same as mm.workload's, sliders
 * and the compact_memory button re-running what depends on them, scenario A and the previous run
 * overlaid.
 */
import { describe, expect, it } from 'vitest';
import { mm } from '../../src/lib/mm';
import { notebookHost } from '../helpers/notebook-host';
import type { PageblockMap, WorkloadResult } from '../../src/sim/index';

const { load } = notebookHost();

type Nb = Awaited<ReturnType<typeof import('../../src/kernel/index').loadNotebook>>;
const notDone = async (nb: Nb) => [...(await nb.status())].filter(([, s]) => s.state !== 'done');
const mixed = (maps: PageblockMap[]) => maps.reduce((n, m) => n + m.mixed.reduce((a, b) => a + b, 0), 0);
const whollyFree = (maps: PageblockMap[]) => maps.reduce((n, m) => n + Array.from(m.free).filter((f, j) => f > 0 && f === m.pages[j]).length, 0);
const figureOf = (nb: Nb, id: number) => nb.displays(id).find((d): d is HTMLElement => d instanceof HTMLElement && !!d.dataset?.plot) as HTMLElement;

describe('notebooks/fragmentation.html', () => {
  it('every cell ok with the defaults; the run is mm.workload\'s; it fragments the zone; compact_memory waits for the button', async () => {
    const nb = await load('fragmentation.html');
    expect(await notDone(nb)).toEqual([]);
    const spec = (await nb.value('spec')) as { events: Array<{ op: string }> };
    expect(spec.events.map((e) => e.op)).toEqual(['sysctl', 'sysctl', 'fill']);
    const result = (await nb.value('result')) as WorkloadResult;
    const direct = mm.workload(mm.boot({ fixture: 'x64-1g' }), spec);
    expect(result.totals).toEqual(direct.totals);
    expect(result.pageblocks.end.map((m) => Array.from(m.type))).toEqual(direct.pageblocks.end.map((m) => Array.from(m.type)));
    expect(mixed(result.pageblocks.start)).toBe(0);
    expect(mixed(result.pageblocks.end)).toBeGreaterThan(0);
    expect(await nb.value('compaction')).toBeNull();
    expect(String((nb.displays(30)[0] as HTMLElement).textContent)).toMatch(/Press compact_memory/);
    for (const [id, plot] of [[21, 'buddy-heatmap'], [23, 'pageblock-map'], [25, 'extfrag-heatmap'], [26, 'extfrag-orders']] as const) {
      expect(figureOf(nb, id)?.dataset.plot, `cell ${id}`).toBe(plot);
    }
    nb.dispose();
  });

  it('pressing compact_memory compacts at the end of the same run: what moved per zone, the map before and after', async () => {
    const nb = await load('fragmentation.html', { compact: 1, steps: 150 });
    expect(await notDone(nb)).toEqual([]);
    const result = (await nb.value('result')) as WorkloadResult;
    const c = (await nb.value('compaction')) as { migrated: number; migrateScanned: number; freeScanned: number; perZone: Array<{ zone: string; migrated: number }>; pageblocks: { before: PageblockMap[]; after: PageblockMap[] } };
    // the compacted run is the same run up to its last step: compaction starts from where the run ended
    expect(c.pageblocks.before.map((m) => [Array.from(m.type), Array.from(m.used)])).toEqual(result.pageblocks.end.map((m) => [Array.from(m.type), Array.from(m.used)]));
    expect(c.migrated).toBeGreaterThan(0);
    expect(c.perZone.reduce((n, z) => n + z.migrated, 0)).toBe(c.migrated);
    expect(whollyFree(c.pageblocks.after)).toBeGreaterThan(whollyFree(c.pageblocks.before));
    const shown = nb.displays(31);
    expect((shown[0] as HTMLElement).textContent).toContain(`migrated ${c.migrated.toLocaleString('en-US')} pages`);
    const map = shown.find((d) => (d as HTMLElement).dataset?.plot === 'pageblock-map') as HTMLElement;
    expect(map.getAttribute('aria-label')).toMatch(/before compact_memory Node 0 DMA32: .*; after compact_memory Node 0 DMA32: /);
    nb.dispose();
  });

  it('the inputs reach the spec: no fill, a 5.10 kernel on the same firmware, proactive compaction on', async () => {
    const nb = await load('fragmentation.html', { fill_percent: 0, kernel: '5.10', compaction_proactiveness: 20, steps: 100 });
    expect(await notDone(nb)).toEqual([]);
    expect(await nb.value('request')).toEqual({ fixture: 'x64-1g', kernel: '5.10', model: true });
    const spec = (await nb.value('spec')) as { events: Array<{ op: string; value?: number }> };
    expect(spec.events).toEqual([{ at: 0, op: 'sysctl', name: 'vm.compaction_proactiveness', value: 20 }, { at: 0, op: 'sysctl', name: 'vm.extfrag_threshold', value: 500 }]);
    expect(((await nb.value('result')) as WorkloadResult).kernel).toBe('5.10');
    nb.dispose();
  });
});

describe('notebooks/kswapd.html', () => {
  it('every cell ok with the defaults: about a million operations on 1 GiB, kswapd cycling, direct reclaim and a boost', async () => {
    const nb = await load('kswapd.html');
    expect(await notDone(nb)).toEqual([]);
    const run = (await nb.value('run')) as WorkloadResult;
    const ops = run.totals.allocations + run.totals.frees;
    expect(ops).toBeGreaterThan(900_000);
    expect(ops).toBeLessThan(1_300_000);
    expect(run.samples.zones.reduce((n, z) => n + z.managed, 0) * 4).toBeGreaterThan(900 * 1024);
    expect(run.totals.kswapdWakes).toBeGreaterThan(20);
    expect(Object.entries(run.vmstat.delta).some(([n, v]) => n.startsWith('allocstall_') && v > 0)).toBe(true);
    expect(Math.max(...run.samples.zones.flatMap((z) => Array.from(z.boostMax)))).toBeGreaterThan(0);
    expect(await nb.value('writes')).toEqual([]);
    expect(await nb.value('previous')).toBeNull();
    expect(figureOf(nb, 19).getAttribute('aria-label')).toContain(`kswapd woke ${run.totals.kswapdWakes} times`);
    nb.dispose();
  });

  it('a slider writes its sysctl at step 0 and re-runs; the previous run and scenario A are overlaid', async () => {
    const nb = await load('kswapd.html', { steps: 300 });
    const first = (await nb.value('run')) as WorkloadResult;
    await nb.setInput('watermark_scale_factor', 200);
    expect(await notDone(nb)).toEqual([]);
    const spec = (await nb.value('spec')) as { events: unknown[] };
    expect(spec.events[0]).toEqual({ at: 0, op: 'sysctl', name: 'vm.watermark_scale_factor', value: 200 });
    const run = (await nb.value('run')) as WorkloadResult;
    const direct = mm.boot({ fixture: 'a64-1g-nothp', sysctls: [['vm.watermark_scale_factor', 200]] }).view().nodes[0]!.zones.find((z) => z.managed > 0)!;
    const z = run.samples.zones.find((x) => x.managed > 0)!;
    expect([z.low[0]! - z.boost[0]!, z.high[0]! - z.boost[0]!]).toEqual([direct.low, direct.high]);
    const previous = (await nb.value('previous')) as { run: WorkloadResult; label: string };
    expect(previous.run.totals).toEqual(first.totals);
    expect(previous.label).toBe("the machine's defaults");
    let fig = figureOf(nb, 19);
    expect(fig.getAttribute('aria-label')).toMatch(/previous run Node 0 DMA: .*; this run Node 0 DMA: /);
    await nb.setInput('scenarioA', { run: first });
    fig = figureOf(nb, 19);
    expect(fig.dataset.scenarios).toBe('A B');
    expect(fig.getAttribute('aria-label')).toContain(`A Node 0 DMA: free at least ${Math.min(...first.samples.zones[0]!.freeMin)}`);
    nb.dispose();
  });
});
