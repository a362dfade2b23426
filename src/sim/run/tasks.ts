/**
 * The model's task accounting for the OOM killer (mm/oom_kill.c oom_badness reads a task's rss,
 * swap entries and page tables): each allocation may name a task, whose page count it raises.
 * Task 0 is the kernel (never a victim).
 */
import { MmError } from '../errors';

export interface TaskInfo {
  id: number;
  pid: number;
  comm: string;
  /** oom_score_adj, −1000..1000 */
  oomScoreAdj: number;
  /** killed by the OOM killer (its pages were freed) */
  killed: boolean;
}

const MAX_TASKS = 0xffff;

export class Tasks {
  readonly list: TaskInfo[] = [{ id: 0, pid: 0, comm: 'kernel', oomScoreAdj: -1000, killed: false }];
  /** pages charged to each task id */
  pages: Float64Array = new Float64Array(16);
  private nextPid = 1000;

  /** A new task; returns its id. */
  add(comm: string, oomScoreAdj = 0): number {
    if (this.list.length >= MAX_TASKS) throw new MmError('RUN_TOO_MANY_TASKS', `at most ${MAX_TASKS - 1} tasks can own pages`);
    if (!Number.isInteger(oomScoreAdj) || oomScoreAdj < -1000 || oomScoreAdj > 1000) {
      throw new MmError('RUN_BAD_TASK', `oom_score_adj must be an integer in -1000..1000, got ${oomScoreAdj}`, comm);
    }
    const id = this.list.length;
    this.list.push({ id, pid: this.nextPid++, comm: comm.slice(0, 15), oomScoreAdj, killed: false });
    if (id >= this.pages.length) {
      const p = new Float64Array(this.pages.length * 2);
      p.set(this.pages);
      this.pages = p;
    }
    return id;
  }

  clone(): Tasks {
    const c = new Tasks();
    c.list.splice(0, c.list.length, ...this.list.map((t) => ({ ...t })));
    c.pages = this.pages.slice();
    c.nextPid = this.nextPid;
    return c;
  }
}
