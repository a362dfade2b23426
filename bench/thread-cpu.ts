/**
 * CPU time of the browser's threads, read from Linux's /proc (the sweep bench's measure that holds
 * on a loaded machine, where wall-clock ratios depend on what else runs). Each of the processes the
 * bench started (Chromium's browser, renderer and helper processes) lists its threads in
 * /proc/PID/task; utime + stime of each, in clock ticks (USER_HZ, 100 on Linux), give its CPU time.
 * A Web Worker is a `DedicatedWorker` thread of the renderer; V8's helper threads (concurrent GC,
 * background compilation) are `ThreadPoolForeg…`. Elsewhere than Linux there is nothing to read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const TICK_MS = 10;

export interface ThreadCpu { tid: number; comm: string; ms: number }

const fields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

/** Every process below `root` (this Node process: the browser it launched and its children, and tsx's esbuild). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { parent.set(Number(d), Number(fields(readFileSync(`/proc/${d}/stat`, 'utf8'))[1])); } catch { /* gone */ }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, pp] of parent) if (pp === p) { out.push(child); queue.push(child); }
  }
  return out;
}

export const canReadThreads = (): boolean => existsSync('/proc/self/task');

/** The browser's processes (Chromium's, whatever its build calls its executable) among `pids`. */
const browserOnly = (pids: number[]): number[] => pids.filter((p) => {
  try { return /^(chrom|headless)/i.test(readFileSync(`/proc/${p}/comm`, 'utf8')); } catch { return false; }
});

/** The CPU time of every thread of the browser this process started, by thread id. */
export function threadCpu(root = process.pid): Map<number, ThreadCpu> {
  const out = new Map<number, ThreadCpu>();
  if (!canReadThreads()) return out;
  for (const pid of browserOnly(descendants(root))) {
    let tids: string[];
    try { tids = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const t of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
        const f = fields(stat);
        out.set(Number(t), { tid: Number(t), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: (Number(f[11]) + Number(f[12])) * TICK_MS });
      } catch { /* the thread ended */ }
    }
  }
  return out;
}

export interface CpuSpent {
  /** all the browser's threads */
  totalMs: number;
  /** the Web Workers (DedicatedWorker threads), each */
  workersMs: number[];
  /** V8's helper threads (garbage collection, background compilation) */
  helpersMs: number;
}

/** CPU time spent between two readings (threads that ended in between are not counted). */
export function cpuBetween(before: Map<number, ThreadCpu>, after: Map<number, ThreadCpu>): CpuSpent {
  let totalMs = 0, helpersMs = 0;
  const workersMs: number[] = [];
  for (const t of after.values()) {
    const d = t.ms - (before.get(t.tid)?.ms ?? 0);
    if (d <= 0) continue;
    totalMs += d;
    if (t.comm.startsWith('DedicatedWorker')) workersMs.push(d);
    else if (t.comm.startsWith('ThreadPoolForeg')) helpersMs += d;
  }
  return { totalMs, workersMs: workersMs.sort((a, b) => b - a), helpersMs };
}

/** `load average 7.3 on 2 cores` */
export function loadText(): string {
  return `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
}
