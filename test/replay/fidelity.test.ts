/**
 * Fidelity against real kernels (issue #11): the three oracle-rt workloads, Debian 6.1.176 arm64
 * under QEMU, replayed from their rt_before snapshot between `rt_before end` and `rt_after begin`,
 * with the `rt_hugetlb SIZEkB request N` / `got M` marks turned into `mmbook: do hugetlb SIZEkB N` /
 * `mmbook: done`, and the fill run's compact_memory into `mmbook: do compact_memory`.
 *
 * At each `rt_phase NN NAME begin` mark and at `rt_after begin`, per zone, with F0 the kernel's free
 * pages there: shape = max_k |F_k(sim) − F_k(real)| / F0 (F_k: free pages in blocks of order ≥ k),
 * mt = max over migratetypes of |free(sim) − free(real)| / F0; both ≤ 0.10. hugetlb obtained within
 * M/8 of the kernel's M. kswapd wakes outside `do` spans between half the kernel's wake episodes and
 * twice its wake events. The errors are printed.
 *
 * Starting state: the rt_before snapshot (zoneinfo, buddyinfo, pagetypeinfo, kpageflags, meminfo,
 * vmstat) through the snapshot importer (src/sim/snapshot), as `mmbook replay --state DIR/rt_before`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/index';
import { TraceReplay, startReplayRun, compareFree, zoneFree, type MarkRule, type ReplayResult } from '../../src/sim/replay/index';
import { ORACLE_RT } from '../helpers/oracle-dir';
import { readStateDir } from '../../src/cli/state-dir';

const TOL = 0.1;

const HUGETLB_RULES: MarkRule[] = [
  { match: /^rt_hugetlb (\d+)kB request (\d+)$/, replace: 'mmbook: do hugetlb $1kB $2' },
  { match: /^rt_hugetlb \d+kB got \d+$/, replace: 'mmbook: done' },
];
const COMPACT_RULES: MarkRule[] = [
  { match: /^rt_phase 03 dropped_caches end$/, replace: ['rt_phase 03 dropped_caches end', 'mmbook: do compact_memory'] },
  { match: /^rt_phase 04 compacted begin$/, replace: ['mmbook: done', 'rt_phase 04 compacted begin'] },
];

interface Checkpoint { name: string; line: number; zone: string; f0: number; shape: number; shapeOrder: number; mt: number; mtType: string }

function replayOracle(folder: string, rules: MarkRule[]) {
  const dir = join(ORACLE_RT, folder);
  const m = bootMachine({
    arch: 'arm64', kernel: '6.1',
    dtb: new Uint8Array(readFileSync(join(dir, 'virt.dtb'))),
    cmdline: readFileSync(join(dir, 'cmdline.txt'), 'utf8').trim(),
    bootLog: readFileSync(join(dir, 'kernel-console.txt'), 'utf8'),
  });
  // the replay's starting state: the rt_before snapshot, read as `--state DIR/rt_before` reads it
  const { run, start } = startReplayRun(m, readStateDir(dir, 'rt_before', 1 << 30).input);
  const replay = new TraceReplay(run, { start, startMark: 'rt_before end', endMark: 'rt_after begin', markRewrites: rules });
  const t0 = performance.now();
  const gz = readFileSync(join(dir, 'rt_trace.txt.gz'));
  const text = gunzipSync(gz).toString('latin1');
  replay.feed(text);
  const res = replay.finish();
  const ms = performance.now() - t0;
  run.checkInvariants();
  const checkpoints: Checkpoint[] = [];
  for (const mk of res.marks) {
    const ph = /^rt_phase (\d+) (\S+) begin$/.exec(mk.text);
    const base = ph ? `rt_phase.${ph[1]}_${ph[2]}` : mk.text === 'rt_after begin' ? 'rt_after' : null;
    if (!base) continue;
    const real = zoneFree(readFileSync(join(dir, `${base}.buddyinfo.txt`), 'utf8'), readFileSync(join(dir, `${base}.pagetypeinfo.txt`), 'utf8'));
    for (const z of compareFree(zoneFree(mk.buddyinfo!, mk.pagetypeinfo!), real)) {
      checkpoints.push({ name: base, line: mk.line, zone: z.zone, f0: z.f0, shape: z.shape, shapeOrder: z.shapeOrder, mt: z.mt, mtType: z.mtType });
    }
  }
  // the kernel's hugetlb results: the `got M` mark closing each command
  const kernelGot = res.marks.filter((mk) => mk.original && /got \d+$/.test(mk.original)).map((mk) => Number(/got (\d+)$/.exec(mk.original!)![1]));
  const k = res.kswapd;
  const report = [
    `${folder}: start ${res.start}; ${res.window.lines} lines in ${ms.toFixed(0)} ms`,
    ...checkpoints.map((c) => `  ${c.name.padEnd(26)} ${c.zone} F0 ${String(c.f0).padStart(6)}  shape ${c.shape.toFixed(3)} (k=${c.shapeOrder})  mt ${c.mt.toFixed(3)} (${c.mtType})`),
    ...res.commands.map((c, i) => `  ${c.command}: simulator got ${c.got ?? `— (${c.note ?? 'not run'})`}${kernelGot[i] !== undefined ? `, kernel got ${kernelGot[i]}` : ''}`),
    `  kswapd wakes outside do spans: simulator ${k.wakes.length} (sleeps ${k.sleeps.length}); kernel ${k.kernel.wakes.length} wake events in ${k.kernel.episodes} episodes`,
  ];
  console.log(report.join('\n'));
  return { res, checkpoints, kernelGot, run };
}

function checkKswapd(res: ReplayResult): void {
  const k = res.kswapd;
  expect(k.wakes.length).toBeGreaterThanOrEqual(k.kernel.episodes / 2);
  expect(k.wakes.length).toBeLessThanOrEqual(2 * k.kernel.wakes.length);
}

describe('replay fidelity against real 6.1 kernels (oracle-rt)', () => {
  it('rt-a64-1g-fill: tmpfs fill, rm every 2nd file, drop_caches, compact_memory', () => {
    const { res, checkpoints } = replayOracle('rt-a64-1g-fill', COMPACT_RULES);
    expect(checkpoints.map((c) => c.name)).toEqual(['rt_phase.01_filled', 'rt_phase.02_deleted_half', 'rt_phase.03_dropped_caches', 'rt_phase.04_compacted', 'rt_after']);
    for (const c of checkpoints) {
      expect(c.shape, `${c.name} shape`).toBeLessThanOrEqual(TOL);
      expect(c.mt, `${c.name} mt`).toBeLessThanOrEqual(TOL);
    }
    expect(res.commands.map((c) => c.command)).toEqual(['compact_memory']);
    checkKswapd(res);
  });

  it('rt-a64-1g-highorder: fragmentation, fallback steals, THP with direct compaction, kswapd on boost', () => {
    const { res, checkpoints } = replayOracle('rt-a64-1g-highorder', []);
    expect(checkpoints).toHaveLength(6);
    for (const c of checkpoints) {
      expect(c.shape, `${c.name} shape`).toBeLessThanOrEqual(TOL);
      expect(c.mt, `${c.name} mt`).toBeLessThanOrEqual(TOL);
    }
    expect(res.kswapd.kernel.wakes).toHaveLength(16);
    expect(res.kswapd.kernel.episodes).toBe(7);
    checkKswapd(res);
  });

  it('rt-a64-2g-hugetlb-cma: gigantic pages from hugetlb_cma, before and after a tmpfs fill', () => {
    const { res, checkpoints, kernelGot } = replayOracle('rt-a64-2g-hugetlb-cma', HUGETLB_RULES);
    expect(kernelGot).toEqual([8, 0, 0, 0, 11, 11, 0]);
    for (const c of checkpoints) {
      expect(c.shape, `${c.name} shape`).toBeLessThanOrEqual(TOL);
      expect(c.mt, `${c.name} mt`).toBeLessThanOrEqual(TOL);
    }
    res.commands.forEach((c, i) => {
      const M = kernelGot[i]!;
      expect(Math.abs(Number(c.got) - M), `${c.command}`).toBeLessThanOrEqual(Math.floor(M / 8));
    });
    checkKswapd(res);
  });
});
