/**
 * The shipped notebooks, run headless on the real simulator with the same builtins the CLI uses.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { resolve } from 'node:path';
import { installGlobalDom } from '../../src/cli/run';
import type { MachineView } from '../../src/sim/view';

const NB = resolve(import.meta.dirname, '../../notebooks');
let builtins: Record<string, unknown>;
let mm: typeof import('../../src/lib/mm').mm;
let kernel: typeof import('../../src/kernel/index');

beforeAll(async () => {
  await installGlobalDom();
  kernel = await import('../../src/kernel/index');
  const { standardLibrary } = await import('../../src/kernel/stdlib');
  const { plots } = await import('../../src/lib/plots/builtin');
  mm = (await import('../../src/lib/mm')).mm;
  builtins = { ...(await standardLibrary()), plots, mm };
});

const marks = (v: MachineView) => v.nodes.flatMap((n) => n.zones.filter((z) => z.managed > 0).map((z) => ({ zone: `${n.nid}:${z.name}`, min: z.min, low: z.low, high: z.high, protection: z.protection })));

describe('notebooks/watermarks.html', () => {
  it('every cell succeeds, and watermark_scale_factor=200 gives what mm.boot with that sysctl gives', async () => {
    const nb = await kernel.loadNotebook(`${NB}/watermarks.html`, { builtins, params: { watermark_scale_factor: 200 } });
    const bad = [...(await nb.status())].filter(([, s]) => s.state !== 'done');
    expect(bad).toEqual([]);
    const tuned = (await nb.value('tunedView')) as MachineView;
    const direct = mm.boot({ fixture: 'x64-1g', sysctls: [['vm.watermark_scale_factor', 200]] }).view();
    expect(marks(tuned)).toEqual(marks(direct));
    const defaults = (await nb.value('defaultsView')) as MachineView;
    expect(marks(tuned)[1].high).toBeGreaterThan(marks(defaults)[1].high);
    expect(String(await nb.value('zoneinfo'))).toBe(mm.boot({ fixture: 'x64-1g', sysctls: [['vm.watermark_scale_factor', 200]] }).render('zoneinfo'));
    nb.dispose();
  });

  it('lowmem_reserve_ratio sliders reach the protection arrays', async () => {
    const nb = await kernel.loadNotebook(`${NB}/watermarks.html`, { builtins, params: { lowmem_reserve_ratio_dma: 32 } });
    const tuned = (await nb.value('tunedView')) as MachineView;
    const direct = mm.boot({ fixture: 'x64-1g', sysctls: [['vm.lowmem_reserve_ratio', '32 256 32 0 0']] }).view();
    expect(marks(tuned)).toEqual(marks(direct));
    nb.dispose();
  });
});

describe('notebooks/boot.html', () => {
  it('changing the command line re-runs memblock/zones/buddy but not the firmware stage', async () => {
    const nb = await kernel.loadNotebook(`${NB}/boot.html`, { builtins });
    const bad = [...(await nb.status())].filter(([, s]) => s.state !== 'done');
    expect(bad).toEqual([]);
    const counts = async () => new Map([...(await nb.status())].map(([id, s]) => [id, s.state === 'done' ? s.count : -1]));
    const before = await counts();
    const cma = (await nb.value('cmdline')) as string;
    expect(cma).toContain('cma=64M');
    await nb.setInput('cmdline', cma.replace('cma=64M', 'cma=128M'));
    const after = await counts();
    const stages = (await nb.session.value('machine')) as { stages: { cma: Array<{ size: number }> } };
    expect(stages.stages.cma.map((c) => c.size)).toEqual([128 * 2 ** 20]);
    expect(after.get(8)).toBe(before.get(8)); // firmware: unaffected by the command line
    expect(after.get(9)).toBe(before.get(9));
    for (const id of [6, 11, 12, 14, 16, 18, 19]) expect(after.get(id)).toBe((before.get(id) ?? 0) + 1);
    nb.dispose();
  });
});
