/**
 * `mmbook run` executes the notebook in a worker thread (run-worker.ts) with a heap limit, so that
 * --timeout holds for a cell that never yields (a synchronous loop blocks only the worker, which is
 * terminated) and a cell that allocates without bound stops the run with a report instead of
 * aborting Node. The worker streams cell statuses, so a stopped run still names the cell that was
 * running.
 */
import { Worker } from 'node:worker_threads';
import { MmError } from '../sim/index';
import type { CellReport } from './run-report';
import type { CellState, MainMessage, RunJob, WorkerMessage } from './run-worker';

export interface RunOutcome {
  lines: string[];
  reports: CellReport[];
  values: Record<string, unknown>;
  /** the last line and the exit status (run-report.ts summary) */
  end: { line: string; code: number };
}

export interface ThreadOptions {
  /** the worker's V8 old-generation limit (resourceLimits.maxOldGenerationSizeMb) */
  heapMiB: number;
  warn(text: string): void;
}

/** How long a worker asked to finish may take to answer before it counts as stuck. */
const ANSWER_MS = 2000;

function startWorker(job: RunJob, heapMiB: number): Worker {
  const options = { workerData: job, resourceLimits: { maxOldGenerationSizeMb: heapMiB }, stdout: false, stderr: false };
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // a source checkout run through tsx: the worker registers tsx too, then loads the TypeScript entry
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./run-worker.ts', here).href;
    return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { ...options, eval: true });
  }
  // the compiled CLI: run-worker.js sits next to this chunk in dist-cli/
  return new Worker(new URL('./run-worker.js', here), options);
}

const fmtMs = (ms: number) => (ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`);

/** The report of a run the worker could not finish: each cell's last known state, the culprit named. */
function stoppedOutcome(states: CellState[], culprit: number | undefined, why: string, params: Record<string, unknown>): RunOutcome {
  const lines: string[] = [];
  const reports: CellReport[] = [];
  let failed = 0;
  for (const c of states) {
    const s = c.status;
    const report: CellReport = { id: c.id, state: s.state, durationMs: s.state === 'done' ? Math.round(s.durationMs * 1000) / 1000 : null, outputs: [...c.outputs] };
    const head = `cell ${c.id}`;
    if (s.state === 'done') {
      lines.push(`ok      ${head} (${fmtMs(s.durationMs)})`);
    } else if (s.state === 'error') {
      const where = s.line !== undefined ? ` (line ${s.line}, column ${s.column})` : '';
      report.error = `${s.message}${where}`;
      lines.push(`error   ${head}: ${s.message}${where}`);
    } else if (s.state === 'blocked') {
      report.blockedBy = { ...s.by };
      lines.push(`blocked ${head}: blocked by ${s.by.name} (cell ${s.by.cellId})`);
    } else {
      report.error = c.id === culprit ? why : 'the run was stopped before it finished';
      lines.push(`${s.state.padEnd(7)} ${head}: ${report.error}`);
    }
    if (s.state !== 'done') failed++;
    reports.push(report);
  }
  // the cells' values died with the worker
  void params;
  return { lines, reports, values: {}, end: { line: `${failed} of ${states.length} cells failed`, code: 1 } };
}

/** Runs `job` in a worker thread; resolves with the cells' report, rejects with the notebook's user error (MmError). */
export function runInWorker(job: RunJob, opts: ThreadOptions): Promise<RunOutcome> {
  return new Promise<RunOutcome>((resolve, reject) => {
    const worker = startWorker(job, opts.heapMiB);
    const states = new Map<number, CellState>();
    let lastStarted: number | undefined;
    let over = false;
    let deadline: NodeJS.Timeout | undefined;
    let answer: NodeJS.Timeout | undefined;
    const end = (f: () => void) => {
      if (over) return;
      over = true;
      clearTimeout(deadline);
      clearTimeout(answer);
      void worker.terminate();
      f();
    };
    const stop = (why: string) => end(() => resolve(stoppedOutcome([...states.values()], lastStarted, why, job.params)));
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'cells':
          for (const c of m.cells) states.set(c.id, c);
          startClock();
          break;
        case 'status': {
          const c = states.get(m.id);
          if (c) c.status = m.status;
          if (m.status.state === 'running') lastStarted = m.id;
          break;
        }
        case 'warning':
          opts.warn(m.text);
          break;
        case 'finishing':
          clearTimeout(answer);
          break;
        case 'result':
          end(() => resolve({ lines: m.lines, reports: m.reports, values: m.values, end: m.end }));
          break;
        case 'fail':
          end(() => reject(m.code ? new MmError(m.code, m.message) : new Error(m.message)));
          break;
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') stop(`ran out of memory: the run's heap limit is ${opts.heapMiB} MiB (--max-heap), so the run was stopped`);
      else end(() => reject(e));
    });
    worker.on('exit', (code) => end(() => reject(new Error(`the notebook's worker thread exited with code ${code} before it reported`))));
    // --timeout counts from the moment the notebook is loaded and its cells start
    const startClock = () => deadline = setTimeout(() => {
      // a worker whose event loop runs answers at once and describes the cells; one stuck in a cell's
      // synchronous code cannot, and is terminated
      worker.postMessage({ type: 'finish' } satisfies MainMessage);
      answer = setTimeout(() => stop(`did not finish within ${job.timeoutSec} s and never yielded (a synchronous loop?), so the run was stopped`), ANSWER_MS);
    }, job.timeoutSec * 1000);
  });
}
