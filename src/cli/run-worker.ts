/**
 * The worker thread `mmbook run` runs a notebook in (started by run-thread.ts). For each job the
 * main thread sends, it loads the notebook, streams every cell status change to the main thread,
 * and when the notebook settles, or when the main thread asks it to finish at --timeout, describes
 * every cell; then it waits for the next job (a sweep runs its points one after the other in the
 * same thread, without loading jsdom and the kernel again). The main thread can terminate it at
 * any moment: a cell stuck in a synchronous loop or one that exhausts the heap stops this thread,
 * not the command, and the main thread still knows which cell it was.
 */
import { parentPort } from 'node:worker_threads';
import type { CellStatus } from '../kernel/index';
import { MmError } from '../sim/index';
import { cliBuiltins, installGlobalDom } from './run';
import { describeCell, summary, type CellReport, type Outcome } from './run-report';
import { checkParamFields, checkParamNames } from './run-params';

export interface RunJob {
  notebook: string;
  params: Record<string, unknown>;
  timeoutSec: number;
}

export interface CellState {
  id: number;
  outputs: string[];
  status: CellStatus;
}

/** Worker → main. */
export type WorkerMessage =
  | { type: 'cells'; cells: CellState[] }
  | { type: 'status'; id: number; status: CellStatus }
  | { type: 'warning'; text: string }
  /** the answer to 'finish': the event loop runs, the cells are being described */
  | { type: 'finishing' }
  | { type: 'result'; lines: string[]; reports: CellReport[]; values: Record<string, unknown>; end: { line: string; code: number } }
  | { type: 'fail'; code?: string; message: string };

/** Main → worker: run a notebook; describe the cells of the running one now, the pending ones as timed out. */
export type MainMessage = { type: 'job'; job: RunJob } | { type: 'finish' };

async function runJob(job: RunJob, post: (m: WorkerMessage) => void, finishRequested: Promise<void>): Promise<void> {
  await installGlobalDom();
  const kernel = await import('../kernel/index');
  const builtins = await cliBuiltins((text) => post({ type: 'warning', text }));
  let nb: Awaited<ReturnType<typeof kernel.loadNotebook>>;
  try {
    nb = await kernel.loadNotebook(job.notebook, { params: job.params, builtins });
  } catch (e) {
    if (e instanceof kernel.KernelError) return post({ type: 'fail', code: e.code, message: e.message });
    throw e;
  }
  // the runtime computes on setImmediate: subscribing here sees every cell start
  const unsubscribe = nb.session.subscribe((e) => {
    if (e.type === 'status') post({ type: 'status', id: e.cellId, status: e.status });
  });
  try {
    const cells = nb.cells();
    post({ type: 'cells', cells: cells.map((c) => ({ id: c.id, outputs: [...c.outputs], status: c.status })) });
    // a parameter no cell defines is a user error (UNKNOWN_PARAM), before anything is reported
    checkParamNames(cells, job.params, job.notebook);
    const timedOut = await Promise.race([nb.settled().then(() => false), finishRequested.then(() => true)]);
    unsubscribe();
    checkParamFields(nb, job.params, job.notebook);
    const values: Record<string, unknown> = {};
    const lines: string[] = [];
    const reports: CellReport[] = [];
    const outcomes: Outcome[] = [];
    const now = nb.cells();
    for (const c of now) {
      const d = await describeCell(nb, c, values, kernel, timedOut ? job.timeoutSec : 0);
      outcomes.push(d.outcome);
      reports.push(d.report);
      lines.push(...d.lines);
      for (const w of c.warnings) post({ type: 'warning', text: `cell ${c.id}: ${w}` });
    }
    post({ type: 'result', lines, reports, values, end: summary(now, outcomes) });
  } finally {
    unsubscribe();
    nb.dispose();
  }
}

if (parentPort) {
  const port = parentPort;
  const post = (m: WorkerMessage) => port.postMessage(m);
  let finish: (() => void) | undefined;
  let jobs: Promise<void> = Promise.resolve();
  port.on('message', (m: MainMessage) => {
    if (m.type === 'finish') {
      post({ type: 'finishing' });
      finish?.();
      return;
    }
    jobs = jobs.then(() => {
      const finishRequested = new Promise<void>((resolve) => { finish = resolve; });
      return runJob(m.job, post, finishRequested).catch((e: unknown) => {
        post({ type: 'fail', code: e instanceof MmError ? e.code : undefined, message: e instanceof Error ? e.message : String(e) });
      });
    });
  });
}
