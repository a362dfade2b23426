/**
 * The simulator worker: boots machines off the main thread and keeps them by handle, so that
 * later sysctl()/view()/render() calls are cheap round trips. The page terminates a worker whose
 * boot became stale (a newer request arrived), which is how stale runs are cancelled.
 */
/// <reference lib="webworker" />
import { mm } from '../../lib/mm';
import type { WorkerReply, WorkerRequest } from './protocol';

type Machine = ReturnType<typeof mm.boot>;
const machines = new Map<number, Machine>();
let nextHandle = 1;

const post = (m: WorkerReply): void => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);

/**
 * Keep the machine and send its view. The boot stages (plain data) go with a booted machine only:
 * a sysctl write does not change them, so the page reuses the parent's and the slider path stays cheap.
 */
function adopt(id: number, machine: Machine, withStages: boolean): void {
  const handle = nextHandle++;
  machines.set(handle, machine);
  post({ id, kind: 'machine', handle, view: machine.view(), stages: withStages ? machine.stages : undefined, arch: machine.arch, kernel: machine.kernel });
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const msg = ev.data;
  try {
    if (msg.op === 'boot') {
      const onStage = (stage: string, fraction: number) => post({ id: msg.id, kind: 'progress', stage: `booting: ${stage}`, fraction });
      const machine = mm.boot({ ...(msg.req as Parameters<typeof mm.boot>[0]), onStage });
      post({ id: msg.id, kind: 'progress', stage: 'collecting zone state', fraction: 1 });
      adopt(msg.id, machine, true);
      return;
    }
    if (msg.op === 'static') {
      const value = msg.method === 'fixtures' ? mm.fixtures() : msg.method === 'sysctlNames' ? mm.sysctlNames(msg.args[0] as never) : mm.defaults(msg.args[0] as never, msg.args[1] as never);
      post({ id: msg.id, kind: 'ok', value });
      return;
    }
    const machine = machines.get(msg.handle);
    if (!machine) throw Object.assign(new Error(`machine handle ${msg.handle} was released`), { code: 'WORKER_HANDLE' });
    switch (msg.method) {
      case 'sysctl': adopt(msg.id, machine.sysctl(msg.args[0] as string, msg.args[1] as string | number), false); return;
      case 'view': post({ id: msg.id, kind: 'ok', value: machine.view() }); return;
      case 'render': post({ id: msg.id, kind: 'ok', value: machine.render(msg.args[0] as Parameters<Machine['render']>[0]) }); return;
      case 'readSysctl': post({ id: msg.id, kind: 'ok', value: machine.readSysctl(msg.args[0] as string) }); return;
      case 'release': machines.delete(msg.handle); post({ id: msg.id, kind: 'ok', value: true }); return;
    }
  } catch (e) {
    const err = e as { code?: string; message?: string };
    post({ id: msg.id, kind: 'error', code: err.code ?? 'INTERNAL', message: err.message ?? String(e) });
  }
};
