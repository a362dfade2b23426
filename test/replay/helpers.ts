/** Synthetic ftrace text in the tracefs layout, and machines to replay it on. */
import { bootMachine } from '../../src/sim/index';
import type { RunningMachine } from '../../src/sim/run/running-machine';

export interface LineOpts {
  comm?: string;
  pid?: number;
  cpu?: number;
  /** the 5-character flags column (6.1); 's' third marks softirq */
  flags?: string;
  ts?: number;
}

let clock = 1;

/** One event line as tracefs prints it: "%16s-%-7d [%03d] %s %12s: event: body". */
export function line(event: string, body: string, o: LineOpts = {}): string {
  const comm = o.comm ?? 'dd';
  const pid = o.pid ?? 100;
  const ts = o.ts ?? (clock += 0.000013);
  return `${comm.padStart(16)}-${String(pid).padEnd(7)} [${String(o.cpu ?? 0).padStart(3, '0')}] ${o.flags ?? '.....'} ${ts.toFixed(6).padStart(12)}: ${event}: ${body}`;
}

let hash = 0x1234567;
function ptr(): string {
  hash = (Math.imul(hash, 1103515245) + 12345) >>> 0;
  return hash.toString(16).padStart(16, '0');
}

export const hex = (pfn: number): string => `0x${pfn.toString(16)}`;

export const mark = (text: string, o?: LineOpts): string => line('tracing_mark_write', text, { comm: 'init', pid: 1, ...o });
export const alloc = (pfn: number, order: number, gfp: string, mt = 1, o?: LineOpts): string =>
  line('mm_page_alloc', `page=${pfn < 0 ? '0'.repeat(16) : ptr()} pfn=${pfn < 0 ? '0x0' : hex(pfn)} order=${order} migratetype=${mt} gfp_flags=${gfp}`, o);
export const free = (pfn: number, order = 0, o?: LineOpts): string => line('mm_page_free', `page=${ptr()} pfn=${hex(pfn)} order=${order}`, o);
export const batched = (pfn: number, o?: LineOpts): string => line('mm_page_free_batched', `page=${ptr()} pfn=${hex(pfn)} order=0`, o);
export const zoneLocked = (pfn: number, order = 0, mt = 1, o?: LineOpts): string =>
  line('mm_page_alloc_zone_locked', `page=${ptr()} pfn=${hex(pfn)} order=${order} migratetype=${mt} percpu_refill=${mt < 3 ? 1 : 0}`, { flags: 'd....', ...o });
export const drain = (pfn: number, order = 0, mt = 1, o?: LineOpts): string => line('mm_page_pcpu_drain', `page=${ptr()} pfn=${hex(pfn)} order=${order} migratetype=${mt}`, { flags: 'd....', ...o });

/** The tracefs header (12 lines) with #P:N. */
export function header(cpus = 1, entries = 0): string[] {
  return [
    '# tracer: nop',
    '#',
    `# entries-in-buffer/entries-written: ${entries}/${entries}   #P:${cpus}`,
    '#',
    '#                                _-----=> irqs-off/BH-disabled',
    '#                               / _----=> need-resched',
    '#                              | / _---=> hardirq/softirq',
    '#                              || / _--=> preempt-depth',
    '#                              ||| / _-=> migrate-disable',
    '#                              |||| /     delay',
    '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
    '#              | |         |   |||||     |         |',
  ];
}

/** A small arm64 machine: 256 MiB at pfn 0x40000 (one DMA zone), 1 CPU unless asked. */
export function smallMachine(kernel: '5.10' | '6.1' = '6.1', cpus = 1, cmdline?: string): ReturnType<typeof bootMachine> {
  return bootMachine({ arch: 'arm64', kernel, topology: { arch: 'arm64', kernel, ramMiB: 256, cpus }, cmdline });
}

/** Pages the simulator holds allocated (heads with PS_ALLOC, counted by their size). */
export function allocatedPages(run: RunningMachine): number {
  const tag = run.rs.buddy.tag;
  let n = 0;
  for (let i = 0; i < tag.length; i++) if ((tag[i]! & 0xf0) === 0x40) n += 1 << (tag[i]! & 0x0f);
  return n;
}

/** A free page range of the booted machine the traces can name as kernel pfns (they only identify pages). */
export function freePfns(run: RunningMachine, n: number, from = 0): number[] {
  const b = run.rs.buddy;
  const out: number[] = [];
  for (let i = from; i < b.tag.length && out.length < n; i++) {
    const t = b.tag[i]!;
    if (t !== 1 && t !== 0) out.push(i + b.basePfn);
  }
  return out;
}
