/**
 * `mmbook run` executes the notebook in a worker thread (run-worker.ts) with a heap limit, so that
 * --timeout holds for a cell that never yields (a synchronous loop blocks only the worker, which is
 * terminated) and a cell that allocates without bound stops the run with a report instead of
 * aborting Node. The worker streams cell statuses, so a stopped run still names the cell that was
 * running. A RunThread runs one job after another in the same worker (a sweep's points: jsdom and
 * the kernel load once per thread); a run that had to be stopped takes its worker with it, and the
 * next one starts a new worker.
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

function startWorker(heapMiB: number): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: heapMiB }, stdout: false, stderr: false };
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
function stoppedOutcome(states: CellState[], culprit: number | undefined, why: string): RunOutcome {
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
  return { lines, reports, values: {}, end: { line: `${failed} of ${states.length} cells failed`, code: 1 } };
}

/** A worker thread that runs notebook jobs one at a time. */
export class RunThread {
  private worker: Worker | undefined;
  private busy = false;

  constructor(private readonly opts: ThreadOptions) {}

  /** Runs `job`; resolves with the cells' report, rejects with the notebook's user error (MmError). */
  run(job: RunJob): Promise<RunOutcome> {
    if (this.busy) return Promise.reject(new Error('RunThread.run: a job is already running'));
    this.busy = true;
    const worker = this.worker ??= startWorker(this.opts.heapMiB);
    return new Promise<RunOutcome>((resolve, reject) => {
      const states = new Map<number, CellState>();
      let lastStarted: number | undefined;
      let over = false;
      let deadline: NodeJS.Timeout | undefined;
      let answer: NodeJS.Timeout | undefined;
      /** a run stopped at its deadline may leave work behind in the worker: the next run gets a fresh one */
      let finishSent = false;
      const detach = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      /** `keep`: the worker finished the job and takes the next one; else it is terminated */
      const end = (keep: boolean, f: () => void) => {
        if (over) return;
        over = true;
        clearTimeout(deadline);
        clearTimeout(answer);
        detach();
        this.busy = false;
        if (!keep) this.close();
        f();
      };
      const stop = (why: string) => end(false, () => resolve(stoppedOutcome([...states.values()], lastStarted, why)));
      const onMessage = (m: WorkerMessage) => {
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
            this.opts.warn(m.text);
            break;
          case 'finishing':
            clearTimeout(answer);
            break;
          case 'result':
            end(!finishSent, () => resolve({ lines: m.lines, reports: m.reports, values: m.values, end: m.end }));
            break;
          case 'fail':
            end(true, () => reject(m.code ? new MmError(m.code, m.message) : new Error(m.message)));
            break;
        }
      };
      const onError = (e: Error & { code?: string }) => {
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') stop(`ran out of memory: the run's heap limit is ${this.opts.heapMiB} MiB (--max-heap), so the run was stopped`);
        else end(false, () => reject(e));
      };
      const onExit = (code: number) => end(false, () => reject(new Error(`the notebook's worker thread exited with code ${code} before it reported`)));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      // --timeout counts from the moment the notebook is loaded and its cells start
      const startClock = () => deadline = setTimeout(() => {
        // a worker whose event loop runs answers at once and describes the cells; one stuck in a cell's
        // synchronous code cannot, and is terminated
        finishSent = true;
        worker.postMessage({ type: 'finish' } satisfies MainMessage);
        answer = setTimeout(() => stop(`did not finish within ${job.timeoutSec} s and never yielded (a synchronous loop?), so the run was stopped`), ANSWER_MS);
      }, job.timeoutSec * 1000);
      worker.postMessage({ type: 'job', job } satisfies MainMessage);
    });
  }

  /** Terminates the worker (the next run starts a new one). */
  close(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }
}

/** Runs `job` in a worker thread of its own; resolves with the cells' report, rejects with the notebook's user error (MmError). */
export async function runInWorker(job: RunJob, opts: ThreadOptions): Promise<RunOutcome> {
  const thread = new RunThread(opts);
  try {
    return await thread.run(job);
  } finally {
    thread.close();
  }
}
