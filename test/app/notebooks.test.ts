/**
 * The shipped notebooks, run headless on the real simulator with the same builtins the CLI uses.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseZoneinfo } from '../../src/sim/format';
import { ORACLE } from '../helpers/oracle-dir';
import { mm } from '../../src/lib/mm';
import { notebookHost } from '../helpers/notebook-host';
import type { MachineView } from '../../src/sim/view';

const { load } = notebookHost();

const marks = (v: MachineView) => v.nodes.flatMap((n) => n.zones.filter((z) => z.managed > 0).map((z) => ({ zone: `${n.nid}:${z.name}`, min: z.min, low: z.low, high: z.high, protection: z.protection })));

describe('notebooks/watermarks.html', () => {
  it('every cell succeeds, and watermark_scale_factor=200 gives what mm.boot with that sysctl gives', async () => {
    const nb = await load('watermarks.html', { watermark_scale_factor: 200 });
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
    const nb = await load('watermarks.html', { lowmem_reserve_ratio_dma: 32 });
    const tuned = (await nb.value('tunedView')) as MachineView;
    const direct = mm.boot({ fixture: 'x64-1g', sysctls: [['vm.lowmem_reserve_ratio', '32 256 32 0 0']] }).view();
    expect(marks(tuned)).toEqual(marks(direct));
    nb.dispose();
  });
});

describe('notebooks/watermarks.html: your own machine', () => {
  const oracle = (folder: string, file: string) => readFileSync(`${ORACLE}/${folder}/${file}`, 'utf8');
  const own = (o: Record<string, string>) => ({ machine_name: 'your own machine', own: { from: '/proc/zoneinfo', arch: 'arm64', kernel: '6.1', text: '', cmdline: '', ...o } });

  it('a pasted /proc/zoneinfo is imported: the real zones, everything derived recomputed', async () => {
    const text = oracle('a64-2g-cma64', 'zoneinfo.txt');
    const nb = await load('watermarks.html', { ...own({ text }), watermark_scale_factor: 200 });
    const bad = [...(await nb.status())].filter(([, s]) => s.state !== 'done');
    expect(bad).toEqual([]);
    const tuned = (await nb.value('tunedView')) as MachineView;
    const direct = mm.boot({ arch: 'arm64', kernel: '6.1', zoneinfo: text, sysctls: [['vm.watermark_scale_factor', 200]] }).view();
    expect(marks(tuned)).toEqual(marks(direct));
    const real = parseZoneinfo(text).zones.filter((z) => z.managed! > 0).map((z) => [z.zone, z.spanned, z.present, z.managed]);
    expect(tuned.nodes.flatMap((n) => n.zones.filter((z) => z.managed > 0).map((z) => [z.name, z.spanned, z.present, z.managed]))).toEqual(real);
    nb.dispose();
  });

  it('a pasted machine shows its dump and mmbook\'s recomputation side by side; the sliders start from the dump', async () => {
    // a64-1g-tuned was tuned at run time (watermark_scale_factor 100, …): its dump's watermarks are
    // not the kernel defaults, and the table shows where the dump and the recomputation differ
    const text = oracle('a64-1g-tuned', 'zoneinfo.txt');
    const nb = await load('watermarks.html', own({ text }));
    expect([...(await nb.status())].filter(([, s]) => s.state !== 'done')).toEqual([]);
    const imported = (await nb.value('imported')) as { layout: string; recomputedView: MachineView };
    expect(imported.layout).toBe('5.16–6.6');
    const shown = nb.displays([...(await nb.status()).keys()].find((id) => nb.cells().find((c) => c.id === id)?.source.value.includes('recomputes from the dump'))!);
    const text0 = (shown[0] as { textContent?: string }).textContent ?? '';
    expect(text0).toMatch(/The dump has the 5\.16–6\.6 layout/);
    expect(text0).toMatch(/0 DMA/);
    expect(text0).toMatch(/vm\.min_free_kbytes = \d+ \(inferred/);
    // every slider's baseline is the dump's value, so nothing differs until one moves
    const writes = (await nb.value('writes')) as unknown[];
    expect(writes).toEqual([]);
    const d = (await nb.value('defaultSysctls')) as { min_free_kbytes: number; watermark_scale_factor: number; watermark_boost_factor: number };
    expect([await nb.value('min_free_kbytes'), await nb.value('watermark_scale_factor'), await nb.value('watermark_boost_factor')]).toEqual([d.min_free_kbytes, d.watermark_scale_factor, d.watermark_boost_factor]);
    nb.dispose();
  });

  it('headless, a partial own (mmbook run -p own.text=@FILE) takes the form defaults for the rest', async () => {
    const text = oracle('a64-1g-tuned', 'zoneinfo.txt');
    const nb = await load('watermarks.html', { machine_name: 'your own machine', own: { text } });
    const view = (await nb.value('defaultsView')) as MachineView;
    expect(marks(view)).toEqual(marks(mm.boot({ arch: 'arm64', kernel: '6.1', zoneinfo: text }).view()));
    nb.dispose();
  });

  it('a pasted boot log boots its e820 map on x86_64', async () => {
    const text = oracle('x64-1g', 'kernel-console.txt');
    const nb = await load('watermarks.html', own({ from: 'e820 map or boot log', text }));
    const view = (await nb.value('defaultsView')) as MachineView;
    expect(marks(view)).toEqual(marks(mm.boot({ arch: 'x86_64', kernel: '6.1', e820: text }).view()));
    nb.dispose();
  });

  it('an opened device tree blob boots like the same DTB given to mm.boot', async () => {
    const f = mm.fixtures().find((x) => x.name === 'a64-2g-cma64')!;
    const file = { name: 'virt.dtb', arrayBuffer: async () => f.dtb!.slice().buffer };
    const nb = await load('watermarks.html', { ...own({ from: 'device tree (.dtb)' }), own_dtb: file });
    const view = (await nb.value('defaultsView')) as MachineView;
    expect(marks(view)).toEqual(marks(mm.boot({ arch: 'arm64', kernel: '6.1', dtb: f.dtb }).view()));
    nb.dispose();
  });

  it('a malformed paste or blob is an error naming the problem; the other cells keep working', async () => {
    for (const params of [own({ text: 'Node 0, zone DMA\n  pages free lots\n' }), { ...own({ from: 'device tree (.dtb)' }), own_dtb: { name: 'x.dtb', arrayBuffer: async () => new Uint8Array([0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 8]).buffer } }]) {
      const nb = await load('watermarks.html', params);
      const status = await nb.status();
      const cells = [...status.values()];
      const failed = cells.filter((c) => c.state === 'error');
      expect(failed).toHaveLength(1);
      expect(failed[0].state === 'error' && failed[0].message).toMatch(/^(ZONEINFO_PARSE: .*zoneinfo|FDT_TRUNCATED: device tree blob)/);
      expect(cells.filter((c) => c.state === 'blocked').length).toBeGreaterThan(5);
      expect(cells.filter((c) => c.state === 'done').length).toBeGreaterThan(10);
      nb.dispose();
    }
  });
});

describe('notebooks/watermarks.html: before any paste, the command line, limits and warnings', () => {
  const cellsOf = async (params: Record<string, unknown>) => {
    const nb = await load('watermarks.html', params);
    return { nb, cells: [...(await nb.status()).entries()] };
  };

  it('your own machine with nothing pasted yet: no error, no blocked cell; the request cell asks, its dependents wait for own', async () => {
    const { nb, cells } = await cellsOf({ machine_name: 'your own machine' });
    expect(cells.filter(([, s]) => s.state === 'error' || s.state === 'blocked')).toEqual([]);
    const waiting = cells.filter(([, s]) => s.state === 'waiting');
    expect(waiting.length).toBeGreaterThanOrEqual(14);
    for (const [, s] of waiting) expect(s).toMatchObject({ message: "paste the machine's /proc/zoneinfo above", for: { name: 'own', cellId: 33 }, askedBy: 6 });
    await expect(nb.value('tunedView')).rejects.toThrow(/waiting for own \(cell 33\): paste the machine's \/proc\/zoneinfo above/);
    nb.dispose();
  });

  it('extra kernel parameters reach a shipped machine: cma=128M on a64-2g-cma64 gives a 32768-page CMA area', async () => {
    const { nb, cells } = await cellsOf({ machine_name: 'a64-2g-cma64', extra_cmdline: 'cma=128M crashkernel=64M' });
    expect(cells.filter(([, s]) => s.state !== 'done')).toEqual([]);
    expect(String(await nb.value('zoneinfo'))).toContain('cma      32768');
    expect(nb.cells().find((c) => c.id === 7)!.warnings).toEqual([expect.stringMatching(/^CMDLINE_UNSUPPORTED: crashkernel=64M: the arm64 kernel reserves the crash kernel region/)]);
    nb.dispose();
  });

  it('min_free_kbytes=99999999 (which the kernel takes) is a warning on the writes cell naming the zone and its managed pages', async () => {
    const { nb, cells } = await cellsOf({ min_free_kbytes: 99999999 });
    expect(cells.filter(([, s]) => s.state !== 'done')).toEqual([]);
    const warnings = nb.cells().find((c) => c.id === 20)!.warnings;
    expect(warnings[0]).toMatch(/^WATERMARK_ABOVE_MANAGED: Node 0 DMA: min watermark 390340 pages is above the zone's 3840 managed pages \(vm.min_free_kbytes=99999999\)/);
    expect(nb.cells().find((c) => c.id === 7)!.warnings).toEqual([]);
    nb.dispose();
  });

  it('the boost slider says it shows nothing on a fresh boot, and the largest boost per zone', async () => {
    const { nb } = await cellsOf({ watermark_boost_factor: 15000 });
    const text = nb.displays(37).map((d) => (d as HTMLElement).textContent).join(' ');
    const view = (await nb.value('tunedView')) as MachineView;
    const dma32 = view.nodes[0].zones.find((z) => z.name === 'DMA32')!;
    expect(text).toContain('boost is 0, so moving this slider changes nothing');
    expect(text).toContain(`Node 0 DMA32: up to ${Math.floor(dma32.high / 10000) * 15000 + Math.floor((dma32.high % 10000) * 15000 / 10000)} pages`);
    await nb.setInput('watermark_boost_factor', 0);
    expect(nb.displays(37).map((d) => (d as HTMLElement).textContent).join(' ')).toContain('With 0, boosting is off.');
    nb.dispose();
  });

  it('an unknown machine and a custom machine above the limits are errors that say why', async () => {
    let { nb, cells } = await cellsOf({ machine_name: 'bogus' });
    expect(cells.filter(([, s]) => s.state === 'error').map(([, s]) => s.state === 'error' && s.message))
      .toEqual([expect.stringMatching(/^UNKNOWN_MACHINE: unknown machine “bogus”; the machines are: .*x64-1g.*, custom topology, your own machine$/)]);
    nb.dispose();
    ({ nb, cells } = await cellsOf({ machine_name: 'custom topology', topology: { arch: 'arm64', kernel: '6.1', ramMiB: 1048576, nodes: 1, cpus: 4 } }));
    expect(cells.filter(([, s]) => s.state === 'error').map(([, s]) => s.state === 'error' && s.message))
      .toEqual([`TOPOLOGY_INVALID: ramMiB 1048576 is above the largest machine mmbook simulates (${mm.limits.ramMiB.max / 1024} GiB) (at topology.ramMiB)`]);
    nb.dispose();
  });
});

describe('notebooks/boot.html', () => {
  it('changing the command line re-runs memblock/zones/buddy but not the firmware stage', async () => {
    const nb = await load('boot.html');
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

  it('your own device tree: its bootargs become the command line, and every stage renders', async () => {
    const f = mm.fixtures().find((x) => x.name === 'a64-2g-cma64')!;
    const own_dtb = { name: 'board.dtb', arrayBuffer: async () => f.dtb!.slice().buffer };
    const nb = await load('boot.html', { machine_name: 'your own device tree', own_dtb });
    const bad = [...(await nb.status())].filter(([, s]) => s.state !== 'done');
    expect(bad).toEqual([]);
    const firmware = (await nb.value('firmware')) as { bootargs: string };
    expect(await nb.value('cmdline')).toBe(firmware.bootargs);
    expect(firmware.bootargs).toContain('cma=64M');
    const machine = (await nb.session.value('machine')) as { stages: { cma: Array<{ size: number }> } };
    expect(machine.stages.cma.map((c) => c.size)).toEqual([64 * 2 ** 20]);
    nb.dispose();
  });

  it('your own device tree: no file yet waits for it; a broken one stops at the source cell with a clear message', async () => {
    const waitingNb = await load('boot.html', { machine_name: 'your own device tree' });
    const waitingCells = [...(await waitingNb.status()).values()];
    expect(waitingCells.filter((c) => c.state === 'error' || c.state === 'blocked')).toEqual([]);
    const waits = waitingCells.filter((c) => c.state === 'waiting');
    expect(waits.length).toBeGreaterThan(5);
    for (const w of waits) expect(w).toMatchObject({ message: 'open a device tree blob (.dtb) above', for: { name: 'own_dtb', cellId: 22 } });
    waitingNb.dispose();
    const nb = await load('boot.html', { machine_name: 'your own device tree', own_dtb: { name: 'x.dtb', arrayBuffer: async () => new Uint8Array(16).buffer } });
    const cells = [...(await nb.status()).values()];
    const errors = cells.filter((c) => c.state === 'error');
    expect(errors.map((c) => c.state === 'error' && c.message)).toEqual([expect.stringMatching(/FDT_BAD_MAGIC: not a device tree blob/)]);
    expect(cells.filter((c) => c.state === 'done').length).toBeGreaterThan(5);
    nb.dispose();
  });

  it('parameters mmbook does not model are warnings on the boot cell, as mmbook boot prints them', async () => {
    const nb = await load('boot.html', { cmdline: 'console=ttyAMA0 crashkernel=128M hugepages=64 numa=off cma=64M' });
    expect([...(await nb.status()).values()].filter((c) => c.state !== 'done')).toEqual([]);
    const warnings = nb.cells().find((c) => c.id === 6)!.warnings;
    expect(warnings.map((w) => /^CMDLINE_UNSUPPORTED: (\S+):/.exec(w)?.[1])).toEqual(['crashkernel=128M', 'numa=off']);
    nb.dispose();
  });

  it('an unknown machine name says so and lists the machines', async () => {
    const nb = await load('boot.html', { machine_name: 'bogus' });
    const errors = [...(await nb.status()).values()].filter((c) => c.state === 'error');
    expect(errors.map((c) => c.state === 'error' && c.message)).toEqual([expect.stringMatching(/^UNKNOWN_MACHINE: unknown machine “bogus”; the machines are: a64-.*your own device tree$/)]);
    nb.dispose();
  });
});
