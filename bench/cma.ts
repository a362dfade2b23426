/**
 * Benchmark of run-time CMA: cma-alloc-64m-ms, a 64 MiB cma_alloc (16384 pages) on a 2 GiB arm64
 * 6.1 machine with cma=128M whose area is half borrowed by movable pages, every other page (so
 * half of the range has to be migrated), the median of 9 runs on clones of the same state (goal
 * < 20 ms). Its
 * same-run baseline is as many order-0 alloc + free pairs through the allocator as the call
 * migrated pages (the mean of two passes). Run by bench/run.ts, or directly: `npx tsx bench/cma.ts`.
 */
import { performance } from 'node:perf_hooks';
import { bootMachine } from '../src/sim/index';
import { GFP_HIGHUSER_MOVABLE, GFP_KERNEL, __GFP_DIRECT_RECLAIM } from '../src/sim/page_alloc/gfp';
import { allocPages } from '../src/sim/page_alloc/alloc-pages';
import { freePages } from '../src/sim/page_alloc/free';
import type { BenchResult } from './boot-fill';

export async function benchCma(): Promise<BenchResult[]> {
  const m = bootMachine({ arch: 'arm64', kernel: '6.1', topology: { arch: 'arm64', kernel: '6.1', ramMiB: 2048 }, cmdline: 'cma=128M' });
  const run = m.start({ daemons: 'manual' });
  const area = run.cma[0]!;
  // borrow the whole area (movable pages take CMA once free CMA exceeds half the free pages), then
  // free every other borrowed page: half the area is borrowed, spread evenly over it
  const inArea: number[] = [];
  const outside: number[] = [];
  while (inArea.length < area.count) {
    const r = run.alloc(GFP_HIGHUSER_MOVABLE & ~__GFP_DIRECT_RECLAIM, 0, { kind: 'anon' });
    if (!r.ok) break;
    if (r.pfn >= area.basePfn && r.pfn < area.basePfn + area.count) inArea.push(r.pfn);
    else outside.push(r.pfn);
  }
  for (const p of inArea) if (p & 1) run.free(p);
  // and 128 MiB outside the area, so that the migration targets have room above the watermarks
  for (const p of outside.slice(0, 32768)) run.free(p);
  run.drain();
  // the clones are made before timing (a clone copies the page arrays; its garbage is not the call's)
  const clones = Array.from({ length: 12 }, () => run.clone());
  const times: number[] = [];
  let migrated = 0;
  // the first three calls warm the JIT up and are not counted
  for (const c of clones.splice(0, 3)) c.cma[0]!.alloc(16384);
  for (const c of clones) {
    const t0 = performance.now();
    const r = c.cma[0]!.alloc(16384);
    times.push(performance.now() - t0);
    if (!r.ok) throw new Error(`bench cma_alloc failed: ${r.reason}`);
    migrated = r.migrated;
  }
  times.sort((a, b) => a - b);
  const ms = times[4]!;
  // baseline: as many order-0 alloc + free pairs as pages migrated
  const rs = m.start({ daemons: 'manual' }).rs;
  const nid = rs.nodeIds[0]!;
  const b0 = performance.now();
  for (let w = 0; w < 2; w++) for (let k = 0; k < migrated; k++) freePages(rs, allocPages(rs, GFP_KERNEL, 0, nid, 0, 0, 0, 0), 0);
  const base = (performance.now() - b0) / 2;
  return [
    { name: 'cma-alloc-64m-ms', value: round(ms), unit: 'ms', baseline: round(base), target: 20 },
    { name: 'cma-alloc-64m-migrated-pages', value: migrated, unit: 'pages' },
  ];
}

const round = (x: number): number => Math.round(x * 100) / 100;

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchCma()) console.log(JSON.stringify(r));
}
