/**
 * `mmbook run NOTEBOOK --sweep name=a:b:n[,seeds=k]`: the notebook once per point of the range
 * (sweep-args.ts), in worker threads as `mmbook run` does (run-thread.ts), with the point's values
 * as parameters on top of the `-p` ones; as many at once as --jobs (default: one per core), each
 * thread running its points one after the other. stdout gets one JSON line per point, in the
 * points' order:
 *   {"point": {"name": v, "seed": s}, "values": {...}, "ok": true}
 * and for a point that did not succeed, also "summary" (the run's last line) and "errors" (what
 * failed or waits). `--values a,b` keeps only those named values in each line (a name no cell
 * defines is a user error). Warnings go to stderr with their point. Exit 0 when every point succeeded, 1
 * when one failed, 3 when none failed but some wait for input, 2 on a user error (such as a
 * parameter the notebook does not have), which stops the sweep.
 */
import { availableParallelism } from 'node:os';
import { MmError } from '../sim/errors';
import { printable } from './printable';
import type { RunArgs } from './run';
import { RunThread, type RunOutcome } from './run-thread';
import { pointLabel, sweepPoints, type SweepPoint, type SweepSpec } from './sweep-args';

export interface SweepArgs extends RunArgs { sweep: SweepSpec; jobs?: number }

/** The JSON line of one point; `keep`: the names of the values it holds (all when absent). */
export function pointLine(point: SweepPoint, out: RunOutcome, keep?: readonly string[]): string {
  const ok = out.end.code === 0;
  const values = keep ? Object.fromEntries(keep.filter((n) => n in out.values).map((n) => [n, out.values[n]])) : out.values;
  const errors = out.reports.flatMap((r) => (r.error ? [`cell ${r.id}: ${r.error}`] : r.blockedBy ? [`cell ${r.id}: blocked by ${r.blockedBy.name} (cell ${r.blockedBy.cellId})`]
    : r.waitingFor ? [`cell ${r.id}: waiting for ${r.waitingFor.name} (cell ${r.waitingFor.cellId})${r.message ? `: ${r.message}` : ''}`] : []));
  return JSON.stringify({ point, values, ok, ...(ok ? {} : { summary: out.end.line, errors }) });
}

/** The sweep's exit status from the points': a failure wins over waiting, waiting over success. */
function worse(a: number, b: number): number {
  const rank = (c: number) => (c === 1 ? 2 : c === 3 ? 1 : 0);
  return rank(b) > rank(a) ? b : a;
}

export async function runSweep(args: SweepArgs, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<number> {
  // a reader that stops reading (`| head`) ends the sweep quietly: the points not run yet are not run
  let closed = false;
  const onClosed = (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') closed = true; };
  process.stdout.on('error', onClosed);
  try {
    return await sweep(args, write, () => closed);
  } finally {
    process.stdout.off('error', onClosed);
  }
}

async function sweep(args: SweepArgs, write: (line: string) => void, closed: () => boolean): Promise<number> {
  const points = sweepPoints(args.sweep);
  const jobs = Math.max(1, Math.min(args.jobs ?? availableParallelism(), points.length));
  const lines = new Array<string | undefined>(points.length);
  let written = 0, next = 0, status = 0;
  let stop: unknown;
  const lane = async (): Promise<void> => {
    let label = '';
    const thread = new RunThread({ heapMiB: args.maxHeapMiB, warn: (t) => process.stderr.write(`mmbook: warning: [${label}] ${printable(t)}\n`) });
    try {
      while (stop === undefined && !closed() && next < points.length) {
        const i = next++;
        const point = points[i]!;
        label = pointLabel(point);
        let line: string;
        try {
          const out = await thread.run({ notebook: args.notebook, params: { ...args.params, ...point }, timeoutSec: args.timeoutSec });
          if (args.values) {
            const defined = new Set(out.reports.flatMap((r) => r.outputs));
            const unknown = args.values.filter((n) => !defined.has(n));
            if (unknown.length) throw new MmError('UNKNOWN_VALUE', `${args.notebook} defines no value named ${unknown.map((n) => `'${n}'`).join(', ')}; its named values are: ${[...defined].join(', ')}`, 'mmbook run --values');
          }
          line = pointLine(point, out, args.values);
          status = worse(status, out.end.code);
        } catch (e) {
          // a user error (an unknown parameter, a notebook that does not parse) is the same for every point
          if (e instanceof MmError) { stop ??= e; return; }
          line = JSON.stringify({ point, values: {}, ok: false, summary: `the run failed: ${(e as Error).message}`, errors: [] });
          status = worse(status, 1);
        }
        lines[i] = line;
        while (!closed() && written < lines.length && lines[written] !== undefined) write(lines[written++]!);
      }
    } finally {
      thread.close();
    }
  };
  await Promise.all(Array.from({ length: jobs }, lane));
  if (stop !== undefined) throw stop;
  return status;
}
