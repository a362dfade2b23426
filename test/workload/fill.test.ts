/**
 * The fill helper: "fill to N % then free every k-th", on both kernels. The counts follow from the
 * definition (docs/workload.md): used = Σ (managed − free − pcp) over the fill's zones; the fill
 * allocates until used ≥ N % of their managed pages, and each order-0 allocation raises used by
 * exactly one page (from the per-cpu list: pcp − 1; refilling it: free − batch, pcp + batch − 1).
 */
import { describe, expect, it } from 'vitest';
import { runWorkload } from '../../src/sim/workload/index';
import { KERNELS, machine } from './helpers';

for (const kernel of KERNELS) {
  describe(`fill then free every k-th (${kernel})`, () => {
    for (const [arch, percent, k] of [['arm64', 80, 2], ['x86_64', 80, 2], ['arm64', 55, 3]] as const) {
      it(`${arch}: fill to ${percent} % with order-0 anon pages, free every ${k}${k === 2 ? 'nd' : 'rd'}`, () => {
        const m = machine(arch, kernel, 1024, 2);
        const zones = m.view().nodes[0]!.zones.filter((z) => z.managed > 0);
        // GFP_HIGHUSER_MOVABLE may use every zone of the node: the fill's zones are all of them
        const managed = zones.reduce((s, z) => s + z.managed, 0);
        const free0 = zones.reduce((s, z) => s + z.free + z.pcp.reduce((t, p) => t + p.count, 0), 0);
        const used0 = managed - free0;
        const r = runWorkload(m, {
          steps: 1, sampleEvery: 1, daemons: false,
          events: [{ at: 0, op: 'fill', percent, kind: 'anon', then: { freeEvery: k } }, { at: 0, op: 'drain' }],
        });
        // F allocations: the least F with (used0 + F) · 100 ≥ percent · managed; every k-th of them is freed
        const F = Math.max(0, Math.ceil((percent * managed - 100 * used0) / 100));
        const freed = Math.floor(F / k);
        expect(r.events[0]!.result).toMatchObject({ managed, usedBefore: used0, blocks: F, pages: F, reached: true, usedAfterFill: used0 + F, freedPages: freed, usedAfter: used0 + F - freed });
        // after the drain every free page is in the buddy: free = free0 − F + freed, pcp = 0
        const z = r.samples.zones.filter((s) => s.managed > 0);
        expect(z.reduce((s, x) => s + x.free[0]!, 0)).toBe(free0 - F + freed);
        expect(z.reduce((s, x) => s + x.pcp[0]!, 0)).toBe(0);
        if (arch !== 'arm64') return;
        // one zone: the fill took consecutive pfns, smallest free blocks first; each page freed is a
        // singleton whose buddy (its neighbour in allocation order) stays allocated — only where the
        // fill's run of pfns ends beside a free page can one merge. The pages the fill never reached
        // are the largest blocks: all but at most one partly used MAX_ORDER − 1 block. Order-0 blocks
        // of other migratetypes than movable stay as they were at boot.
        const orders = r.orders;
        const byOrder = z[0]!.freeByOrder.map((a) => a[0]!);
        const order0AtBoot = zones[0]!.freeArea[0]!.reduce((s, n) => s + n, 0);
        expect(byOrder[0]).toBeGreaterThanOrEqual(freed - 2);
        expect(byOrder[0]).toBeLessThanOrEqual(freed + order0AtBoot);
        const top = byOrder[orders - 1]! << (orders - 1);
        expect(top).toBeGreaterThan(free0 - F - (1 << (orders - 1)));
        expect(top).toBeLessThanOrEqual(free0 - F);
      });
    }

    it('a fill as a stream joins its pool and lives its lifetime', () => {
      const m = machine('arm64', kernel, 512, 1);
      const r = runWorkload(m, {
        steps: 60, sampleEvery: 1,
        streams: [{ name: 'app', kind: 'anon', rate: 10, lifetime: { fixed: 20 } }],
        events: [{ at: 5, op: 'fill', percent: 30, stream: 'app', then: { freeEvery: 4 } }],
      });
      const f = r.events[0]!.result as { blocks: number; freedPages: number };
      const kept = f.blocks - f.freedPages;
      const live = r.streams[0]!.live;
      // after step 5: the stream's 60 pages of steps 0…5, plus what the fill kept; those expire at step 25
      expect(live[5]).toBe(60 + kept);
      expect(live[24]).toBe(200 + kept);
      expect(live[25]).toBe(200);
      expect(r.streams[0]!.allocated).toBe(600 + f.blocks);
    });
  });
}
