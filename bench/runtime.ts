/**
 * Benchmarks of the run-time allocator (src/sim/page_alloc on a RunState), each against a baseline
 * measured in the same run:
 * - rt-pcp-order0-pairs-per-s: GFP_KERNEL order-0 alloc + free through the per-cpu lists (goal ≥ 20M/s);
 *   baseline: the same number of push/pop pairs on a bare Int32Array stack.
 * - rt-buddy-order0-pairs-per-s: the same with the per-cpu lists bypassed (pcp high 0, batch 1: the
 *   kernel's boot pageset, every free goes straight to __free_one_page) (goal ≥ 5M/s).
 * - rt-mixed-1m-ops-ms: 1M random operations (orders 0–10, every migratetype, frees) on a 4 GiB
 *   machine, and rt-mixed-vs-loop-ratio against a bare typed-array loop over as many operations.
 * - rt-start-4g-ms: machine.start() (copying the page arrays) against copying the same bytes.
 * - rt-bytes-per-page (goal ≤ 12).
 * - rt-invariant-ops-checked: random operations over 100 seeds on the three arches with the invariant
 *   checker run every 1000 operations and at the end; violations must be 0.
 */
import { performance } from 'node:perf_hooks';
import { bootMachine, type Machine } from '../src/sim/index';
import { allocPages } from '../src/sim/page_alloc/alloc-pages';
import { freePages } from '../src/sim/page_alloc/free';
import { GFP_KERNEL } from '../src/sim/page_alloc/gfp';
import { checkRunInvariants } from '../src/sim/run/run-invariants';
import { RunState } from '../src/sim/run/run-state';
import { randomOps } from '../test/helpers/random-ops';
import type { BenchResult } from './boot-fill';

const boot = (arch: 'arm64' | 'arm' | 'x86_64', ramMiB: number, cpus = 1): Machine =>
  bootMachine({ arch, kernel: '6.1', topology: { arch, kernel: '6.1', ramMiB, cpus } });

function stackBaseline(pairs: number): number {
  const stack = new Int32Array(1024);
  let sp = 512;
  let sum = 0;
  const t0 = performance.now();
  for (let k = 0; k < pairs; k++) {
    const v = stack[--sp]!;
    sum += v;
    stack[sp++] = v + 1;
  }
  const ms = performance.now() - t0;
  if (sum === -1) console.log(sum);
  return ms;
}

function pairsPerSecond(rs: RunState, pairs: number): number {
  const nid = rs.nodeIds[0]!;
  for (let k = 0; k < 10000; k++) freePages(rs, allocPages(rs, GFP_KERNEL, 0, nid, 0, 0, 0, 0), 0); // warm-up
  const t0 = performance.now();
  for (let k = 0; k < pairs; k++) {
    const pfn = allocPages(rs, GFP_KERNEL, 0, nid, 0, 0, 0, 0);
    freePages(rs, pfn, 0);
  }
  return pairs / ((performance.now() - t0) / 1000);
}

function mixedBaseline(ops: number): number {
  const live = new Int32Array(20000);
  let n = 0;
  let x = 12345;
  const t0 = performance.now();
  for (let k = 0; k < ops; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    if (n > 0 && (x & 1023) < 460) live[Math.floor((x >>> 10) % n)] = live[--n]!;
    else if (n < live.length) live[n++] = x;
  }
  const ms = performance.now() - t0;
  if (n === -1) console.log(n);
  return ms;
}

export async function benchRuntime(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const m4 = boot('arm64', 4096);
  // machine.start(): the copy of the page arrays, against copying the same bytes
  const t0 = performance.now();
  const rs = new RunState(m4, { daemons: 'manual' });
  const startMs = performance.now() - t0;
  const b = m4.parts.buddy!;
  const c0 = performance.now();
  const copies = [b.next.slice(), b.prev.slice(), b.tag.slice(), new Uint8Array(b.tag.length), new Uint16Array(b.tag.length)];
  const copyMs = performance.now() - c0;
  void copies;
  out.push({ name: 'rt-start-4g-ms', value: round(startMs), unit: 'ms', baseline: round(copyMs), ratio: startMs / copyMs });
  out.push({ name: 'rt-bytes-per-page', value: rs.bytesPerPage(), unit: 'bytes', target: 12 });

  const pairs = 5_000_000;
  const pcpRate = pairsPerSecond(rs, pairs);
  const baseMs = stackBaseline(pairs);
  out.push({ name: 'rt-pcp-order0-pairs-per-s', value: Math.round(pcpRate), unit: 'pairs/s', baseline: Math.round(pairs / (baseMs / 1000)), ratio: (pairs / pcpRate) * 1000 / baseMs });

  const rsB = new RunState(m4, { daemons: 'manual' });
  rsB.pcp.high.fill(0);
  rsB.pcp.batch.fill(1);
  const buddyRate = pairsPerSecond(rsB, 2_000_000);
  out.push({ name: 'rt-buddy-order0-pairs-per-s', value: Math.round(buddyRate), unit: 'pairs/s', baseline: Math.round(2_000_000 / (stackBaseline(2_000_000) / 1000)) });

  const rsM = new RunState(m4, { daemons: 'manual' });
  const ops = 1_000_000;
  const m0 = performance.now();
  randomOps(rsM, 42, ops, undefined, 0, 20000);
  const mixedMs = performance.now() - m0;
  const loopMs = mixedBaseline(ops);
  out.push({ name: 'rt-mixed-1m-ops-ms', value: round(mixedMs), unit: 'ms', baseline: round(loopMs) });
  out.push({ name: 'rt-mixed-vs-loop-ratio', value: round(mixedMs / loopMs), unit: 'x' });

  // the full invariant run: 100 seeds over the three arches and both... 6.1 and 5.10 machines
  const machines: Machine[] = [];
  for (const kernel of ['5.10', '6.1'] as const) {
    machines.push(bootMachine({ arch: 'arm64', kernel, topology: { arch: 'arm64', kernel, ramMiB: 192, cpus: 2 }, cmdline: 'cma=32M' }));
    machines.push(bootMachine({ arch: 'arm', kernel, topology: { arch: 'arm', kernel, ramMiB: 800, cpus: 2 } }));
    machines.push(bootMachine({ arch: 'x86_64', kernel, topology: { arch: 'x86_64', kernel, ramMiB: 160, cpus: 2 } }));
  }
  let checked = 0;
  let violations = 0;
  const i0 = performance.now();
  for (let seed = 0; seed < 100; seed++) {
    const m = machines[seed % machines.length]!;
    const r = new RunState(m, { daemons: 'manual' });
    const check = (): void => {
      try {
        checkRunInvariants(r);
      } catch {
        violations++;
      }
    };
    const st = randomOps(r, seed + 1, 100_000, check, 1000, m.profile.arch === 'arm' ? 30_000 : 6_000, m.profile.arch === 'arm' ? 0.3 : 0.45);
    check();
    checked += st.ops;
  }
  out.push({ name: 'rt-invariant-ops-checked', value: checked, unit: 'ops', baseline: round(performance.now() - i0) });
  out.push({ name: 'rt-invariant-violations', value: violations, unit: 'violations', target: 0 });
  return out;
}

const round = (x: number) => Math.round(x * 100) / 100;
