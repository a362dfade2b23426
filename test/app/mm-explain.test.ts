/**
 * mm.explain, mm.recheck, mm.check and mm.reports: in Node, and through the simulator worker's RPC
 * (the browser's mm, with MessageChannel ports standing in for the worker). Hand-derived numbers in
 * the comments.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mm } from '../../src/lib/mm';
import { createRemoteMm } from '../../src/app/mm-remote';
import { explainReport, parseAllocFailureReports } from '../../src/sim/index';
import { ORACLE_RT } from '../helpers/oracle-dir';
import { closedAfterEach, fakeMmWorker } from '../helpers/fake-worker';

const FIX = join(import.meta.dirname, '../explain/fixtures');
const fixture = (name: string) => readFileSync(join(FIX, `${name}.txt`), 'utf8');
const report = (name: string) => mm.reports().find((r) => r.name === name)!.text;

describe('the shipped reports', () => {
  it('are the oracle excerpt and the test fixtures, unchanged', () => {
    const reports = mm.reports();
    expect(reports.map((r) => [r.name, r.origin])).toEqual([
      ['rt-a64-2g-hugetlb-cma', 'real'], ['x86-5.10-syslog-atomic', 'hand-written'], ['x86-6.1-oom-killer', 'hand-written'],
      ['arm-6.1-highmem-wrapped', 'hand-written'], ['android-4.14-arm64-order4', 'hand-written'],
    ]);
    const rt = readFileSync(join(ORACLE_RT, 'rt-a64-2g-hugetlb-cma/rt_dmesg.txt'), 'utf8').split('\n');
    expect(reports[0]!.text).toBe(rt.slice(1085, 1144).join('\n') + '\n');
    for (const r of reports.slice(1)) expect(r.text).toBe(fixture(r.name));
  });

  it('each one explains: a verdict, no zone passing', () => {
    for (const r of mm.reports()) {
      const e = mm.explain(r.text);
      expect(e.explanation.verdict.length).toBeGreaterThan(40);
      expect(e.explanation.zones.some((z) => z.ok)).toBe(false);
    }
  });
});

describe('mm.explain', () => {
  it('gives what mmbook explain gives, with the reports found, the rebuilt zones and the inferred tunables', () => {
    const text = report('rt-a64-2g-hugetlb-cma');
    const e = mm.explain(text);
    const direct = explainReport(parseAllocFailureReports(text, 'pasted text')[0]!, { file: 'pasted text' });
    expect(e.explanation).toEqual(direct.explanation);
    expect(e.report).toBe(1);
    expect(e.reports).toEqual([{ index: 1, line: 1, kind: 'page allocation failure', comm: 'init', order: 0, gfp: '0x144cc8(GFP_USER|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_MOVABLE)' }]);
    expect([e.arch, e.kernel, e.reportVersion]).toEqual(['arm64', '6.1', '6.1.176']);
    // "Node 0 DMA free:22308kB … min:22528kB … free_cma:4096kB": 5577 free pages, min 5632, 1024 free CMA
    expect(e.input.zones.map((z) => [z.name, z.free, z.wmark[0], z.freeCma])).toEqual([['DMA', 5577, 5632, 1024]]);
    expect(e.tunables).toEqual({ min_free_kbytes: 22528, watermark_scale_factor: 10, lowmem_reserve_ratio: [256, 256, 32, 0], inferred: false });
    expect(structuredClone(e)).toEqual(e);
  });

  it('picks a report of several; says how many there are; refuses what is not a report, with the code', () => {
    const two = report('x86-6.1-oom-killer') + report('rt-a64-2g-hugetlb-cma');
    const first = mm.explain(two);
    expect(first.reports.map((r) => [r.line, r.kind])).toEqual([[1, 'oom-killer'], [56, 'page allocation failure']]);
    expect(first.warnings[0]).toBe('pasted text holds 2 reports (lines 1, 56); explaining the first, report: N picks another');
    const second = mm.explain(two, { report: 2 });
    expect(second.comm).toBe('init');
    expect(second.warnings).toEqual([]);
    expect(() => mm.explain(two, { report: 3 })).toThrow(expect.objectContaining({ code: 'REPORT_INDEX', message: expect.stringMatching(/^report 3: pasted text holds 2 reports \(1–2\)/) }));
    expect(() => mm.explain('hello\nworld\n')).toThrow(expect.objectContaining({ code: 'REPORT_NONE' }));
    expect(() => mm.explain(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'REPORT_NONE' }));
    expect(() => mm.explain(two, { arch: 'sparc' as 'arm64' })).toThrow(expect.objectContaining({ code: 'BAD_ARCH' }));
  });
});

describe('mm.recheck', () => {
  it('the real report passes with min_free_kbytes 22307 (min 5576 < 5577 free), not with 22528', () => {
    const e = mm.explain(report('rt-a64-2g-hugetlb-cma'));
    const low = mm.recheck(e, { 'vm.min_free_kbytes': 22307 });
    expect(low.ok).toBe(true);
    expect(low.explanation.zones.map((z) => [z.counted_free, z.mark, z.ok])).toEqual([[5577, 5576, true]]);
    expect(low.tunables!.min_free_kbytes).toBe(22307);
    expect(mm.recheck(e, [['vm.min_free_kbytes', 22528]]).ok).toBe(false);
    expect(mm.recheck(e, []).explanation).toEqual(e.explanation);
  });

  it('the OOM report: DMA\'s lowmem_reserve_ratio 284 cuts lowmem_reserve[Movable] to 997888 / 284 = 3513, and 3584 > 64 + 3513; 283 gives 3526, not enough', () => {
    const e = mm.explain(report('x86-6.1-oom-killer'));
    expect(e.tunables!.lowmem_reserve_ratio).toEqual([256, 256, 32, 0, 0]);
    const pass = mm.recheck(e, { 'vm.lowmem_reserve_ratio': '284 256 32 0 0' });
    const dma = pass.explanation.zones.find((z) => z.name === 'DMA')!;
    expect([dma.counted_free, dma.mark, dma.reserve, dma.ok]).toEqual([3584, 64, 3513, true]);
    expect(pass.ok).toBe(true);
    expect(mm.recheck(e, { 'vm.lowmem_reserve_ratio': '283 256 32 0 0' }).explanation.zones.find((z) => z.name === 'DMA')!.reserve).toBe(3526);
    expect(mm.recheck(e, { 'vm.lowmem_reserve_ratio': '283 256 32 0 0' }).ok).toBe(false);
    expect(() => mm.recheck({} as never, {})).toThrow(expect.objectContaining({ code: 'RETUNE_INPUT' }));
    expect(() => mm.recheck(e, { 'vm.min_free_kbytes': -5 })).toThrow(expect.objectContaining({ code: 'SYSCTL_INVALID' }));
  });
});

describe('mm.check', () => {
  it('takes a machine, its view or a workload result', () => {
    const m = mm.boot({ fixture: 'a64-2g-cma64' });
    const req = { gfp: 'GFP_KERNEL', order: 3 };
    const a = mm.check(m, req);
    expect(a.ok).toBe(true);
    expect(mm.check(m.view(), req).explanation.zones).toEqual(a.explanation.zones);
    const r = m.workload({ steps: 4, swap: true, streams: [{ kind: 'anon', rate: 10 }] });
    const c = mm.check(r, req);
    expect(c.explanation.zones[0]!.free).toBe(r.final.nodes[0]!.zones[0]!.free);
    expect(c.explanation.notes).not.toContain('no swap: anon and shmem pages are not reclaimable (swap: true says otherwise)');
    expect(() => mm.check({} as never, req)).toThrow(expect.objectContaining({ code: 'CHECK_MACHINE' }));
  });
});

describe('through the worker (the browser mm)', () => {
  const worker = closedAfterEach(fakeMmWorker);
  const remote = () => createRemoteMm(() => worker() as unknown as Worker);

  it('explain, recheck, check, reports answer as in Node; errors keep their code', async () => {
    const r = remote();
    const text = report('x86-5.10-syslog-atomic');
    const e = await r.explain(text);
    expect(e).toEqual(mm.explain(text));
    expect((await r.recheck(e, { 'vm.min_free_kbytes': 4096 })).explanation).toEqual(mm.recheck(mm.explain(text), { 'vm.min_free_kbytes': 4096 }).explanation);
    expect((await r.reports()) as unknown).toEqual(mm.reports());
    const m = await r.boot({ fixture: 'x64-1g' });
    const req = { gfp: 'GFP_DMA', order: 0, attempt: 'slow' as const };
    expect(await r.check(m, req)).toEqual(mm.check(mm.boot({ fixture: 'x64-1g' }), req));
    expect(await r.check(await m.view(), req)).toEqual(mm.check(mm.boot({ fixture: 'x64-1g' }).view(), req));
    await expect(r.explain('no report here')).rejects.toMatchObject({ code: 'REPORT_NONE' });
    await expect(r.check(await m.view(), { gfp: 'GFP_KERNEL', order: 12 })).rejects.toMatchObject({ code: 'CHECK_REQUEST' });
    await expect(r.check(42 as never, req)).rejects.toMatchObject({ code: 'CHECK_MACHINE' });
    r.dispose();
  });
});
