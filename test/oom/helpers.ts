import { bootMachine } from '../../src/sim/boot/boot';
import type { RunningMachine } from '../../src/sim/run/running-machine';
import type { Arch, KernelVersion } from '../../src/sim/types';

export function start(arch: Arch, kernel: KernelVersion, ramMiB: number, cpus = 1, nodes = 1): RunningMachine {
  return bootMachine({ arch, kernel, topology: { arch, kernel, ramMiB, cpus, nodes } }).start();
}

/**
 * Charge `pages` (a multiple of 16, or as many as fit) to `task` in order-4 blocks that never
 * warn, retry or OOM (__GFP_NORETRY|__GFP_NOWARN on a costly order): returns the pages given.
 */
export function fill(run: RunningMachine, task: number, kind: 'anon' | 'kernel' | 'shmem' | 'file', pages = Infinity): number {
  const gfp = kind === 'kernel' ? 'GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN' : 'GFP_HIGHUSER_MOVABLE|__GFP_NORETRY|__GFP_NOWARN';
  let got = 0;
  while (got + 16 <= pages) {
    const r = run.alloc(gfp, 4, { task, kind });
    if (!r.ok) break;
    got += 16;
  }
  return got;
}

/** Order-0 allocations by `task` until one fails or the OOM killer has run `ooms` times; the results. */
export function allocUntil(run: RunningMachine, gfp: string, task: number, ooms = 1, kind: 'anon' | 'kernel' = 'kernel', max = 1 << 20) {
  const before = run.ooms.length;
  let n = 0;
  for (; n < max; n++) {
    const r = run.alloc(gfp, 0, { task, kind });
    if (!r.ok) return { ok: false as const, n, result: r };
    if (run.ooms.length - before >= ooms) return { ok: true as const, n, result: r };
  }
  throw new Error('allocUntil: no failure and no OOM');
}
