/** Shared set-up of the reclaim tests: small machines, fills, and trace capture. */
import { bootMachine } from '../../src/sim/boot/boot';
import type { Machine } from '../../src/sim/machine/machine';
import type { RunningMachine } from '../../src/sim/run/running-machine';
import type { RunOptions } from '../../src/sim/run/run-state';
import { TraceRecorder, type TraceEventName } from '../../src/sim/run/trace';
import { NR_WMARK, WMARK_HIGH, WMARK_LOW, WMARK_MIN } from '../../src/sim/run/run-state';
import type { PageKindName } from '../../src/sim/run/page-flags';

export const KERNELS = ['5.10', '6.1'] as const;

const cache = new Map<string, Machine>();

/** A booted machine (cached: start() copies its page arrays, so runs never share state). */
export function machine(kernel: '5.10' | '6.1', arch: 'arm64' | 'arm' | 'x86_64' = 'arm64', ramMiB = 256): Machine {
  const key = `${arch}/${kernel}/${ramMiB}`;
  let m = cache.get(key);
  if (!m) cache.set(key, (m = bootMachine({ arch, kernel, topology: { arch, kernel, ramMiB } })));
  return m;
}

export function start(kernel: '5.10' | '6.1', opts: RunOptions = {}, arch: 'arm64' | 'arm' | 'x86_64' = 'arm64', ramMiB = 256): RunningMachine {
  return machine(kernel, arch, ramMiB).start(opts);
}

/** Watermarks of internal zone zi, with boost (min_wmark_pages etc.). */
export function wmarks(run: RunningMachine, zi = 0): { min: number; low: number; high: number } {
  const rs = run.rs;
  const b = rs.boost[zi];
  return { min: rs.wmark[zi * NR_WMARK + WMARK_MIN] + b, low: rs.wmark[zi * NR_WMARK + WMARK_LOW] + b, high: rs.wmark[zi * NR_WMARK + WMARK_HIGH] + b };
}

/**
 * Fill memory with `kind` pages from movable requests that never reclaim directly (GFP_NOWAIT |
 * __GFP_MOVABLE: min watermark, kswapd woken) until one fails; the pfns in allocation order.
 */
export function fillNowait(run: RunningMachine, kind: PageKindName, max = Infinity): number[] {
  const out: number[] = [];
  while (out.length < max) {
    const r = run.alloc('GFP_NOWAIT|__GFP_MOVABLE', 0, { kind });
    if (!r.ok) break;
    out.push(r.pfn);
  }
  return out;
}

/** Allocate n pages of a kind (GFP_HIGHUSER_MOVABLE); their pfns in allocation order. */
export function allocMany(run: RunningMachine, n: number, kind: PageKindName, gfp = 'GFP_HIGHUSER_MOVABLE', opts: { pin?: boolean } = {}): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const r = run.alloc(gfp, 0, { kind, ...opts });
    if (!r.ok) throw new Error(`allocation ${k} of ${n} ${kind} pages failed`);
    out.push(r.pfn);
  }
  return out;
}

/** Is pfn still the head of an allocated block of this kind? */
export function allocatedAs(run: RunningMachine, pfn: number, kind: number): boolean {
  const i = pfn - run.rs.buddy.basePfn;
  return (run.rs.buddy.tag[i] & 0x40) !== 0 && (run.rs.pflags[i] & 7) === kind;
}

export function record(run: RunningMachine, only?: TraceEventName[]): TraceRecorder {
  const tr = new TraceRecorder(only ? new Set(only) : undefined);
  run.setTrace(tr);
  return tr;
}

export function vm(run: RunningMachine, name: string): number {
  return run.rs.vm.get(name);
}

/**
 * Keep `pfns` naming the same pages while compaction (kcompactd runs in every daemons step)
 * migrates them; a page the model frees (reclaim) becomes −1, so a later reuse of its pfn does not
 * look like the page. Returns pfns.
 */
export function follow(run: RunningMachine, pfns: number[]): number[] {
  const at = new Map<number, number>();
  pfns.forEach((p, k) => at.set(p, k));
  run.addMigrateListener((oldPfn, newPfn) => {
    const k = at.get(oldPfn);
    if (k === undefined) return;
    at.delete(oldPfn);
    at.set(newPfn, k);
    pfns[k] = newPfn;
  });
  const previous = run.rs.onRelease;
  run.rs.onRelease = (pfn, order) => {
    const k = at.get(pfn);
    if (k !== undefined) {
      at.delete(pfn);
      pfns[k] = -1;
    }
    previous?.(pfn, order);
  };
  return pfns;
}
