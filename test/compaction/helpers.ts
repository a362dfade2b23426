/** Shared set-ups of the compaction tests: booted machines and fragmented zones. */
import { bootMachine } from '../../src/sim/index';
import type { RunningMachine } from '../../src/sim/run/running-machine';
import { GFP_HIGHUSER_MOVABLE, GFP_KERNEL, __GFP_DIRECT_RECLAIM } from '../../src/sim/page_alloc/gfp';
import { MIGRATE_TYPES } from '../../src/sim/types';
import { drainAllPages } from '../../src/sim/page_alloc/pcp';

/** Movable user memory without direct reclaim: fails at the min watermark instead of entering reclaim or OOM. */
export const MOVABLE_NOWAIT = GFP_HIGHUSER_MOVABLE & ~__GFP_DIRECT_RECLAIM;
/** Unmovable kernel memory without direct reclaim. */
export const KERNEL_NOWAIT = GFP_KERNEL & ~__GFP_DIRECT_RECLAIM;

/** daemons 'manual': the tests run compaction (and kcompactd) themselves, and hold pfns across operations */
export function boot(arch: 'arm64' | 'x86_64' | 'arm', kernel: '5.10' | '6.1', ramMiB: number): RunningMachine {
  return bootMachine({ arch, kernel, topology: { arch, kernel, ramMiB } }).start({ daemons: 'manual' });
}

/** Allocate order-0 pages of `kind` with `gfp` until `count` are taken or an allocation fails; returns their pfns. */
export function fill(run: RunningMachine, gfp: number, count: number, kind: 'anon' | 'kernel' | 'file' | 'shmem' = 'anon', pin = false): number[] {
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const r = run.alloc(gfp, 0, { kind, pin });
    if (!r.ok) break;
    out.push(r.pfn);
  }
  return out;
}

/** Free the pages whose pfn has `bit` set (bit 32: aligned runs of 32 pages; bit 1: every odd pfn); returns the pfns kept. */
export function freeWhere(run: RunningMachine, pfns: number[], bit: number): number[] {
  const keep: number[] = [];
  for (const p of pfns) {
    if (p & bit) run.free(p);
    else keep.push(p);
  }
  return keep;
}

/** Free blocks of at least `order` in zone zi, over every migratetype list (after draining the per-cpu lists). */
export function freeBlocksAtLeast(run: RunningMachine, zi: number, order: number): number {
  const b = run.rs.buddy;
  let n = 0;
  for (let o = order; o < b.maxOrder; o++) for (let mt = 0; mt < MIGRATE_TYPES; mt++) n += b.nrFree[(zi * b.maxOrder + o) * MIGRATE_TYPES + mt] << (o - order);
  return n;
}

/** Take every free block of order ≥ 3 with movable order-3 allocations (compound anon folios), so that only order-0..2 free blocks remain. */
export function eatLargeBlocks(run: RunningMachine, zi: number): number[] {
  const out: number[] = [];
  drainAllPages(run.rs);
  while (freeBlocksAtLeast(run, zi, 3) > 0) {
    const r = run.alloc(MOVABLE_NOWAIT, 3, { kind: 'anon' });
    if (!r.ok) break;
    out.push(r.pfn);
    drainAllPages(run.rs);
  }
  return out;
}

/** vm counters by name */
export function vm(run: RunningMachine, ...names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = run.rs.vm.get(n);
  return out;
}
