/**
 * What the simulator worker does for each method of api.ts, on src/lib/mm.ts. Machines stay in
 * the worker by handle, so that later sysctl()/render() calls are cheap round trips. A boot is
 * synchronous: the page cancels a stale one by terminating its worker (mm-remote.ts).
 */
import { mm, simMachine, type MmMachine } from '../../lib/mm';
import { workloadSliced } from '../../lib/workload';
import type { MachineInfo, MmWorkerApi } from './api';
import type { Impl, ServerContext } from './rpc-server';

export type Selves = { root: undefined; machine: MmMachine };

/** What the page gets with a machine: its zone state and warnings; the boot stages only from boot (sysctl keeps them). */
function info(m: MmMachine, withStages: boolean): MachineInfo {
  return { arch: m.arch, kernel: m.kernel, snapshot: m.view(), warnings: m.warnings, ...(withStages ? { stages: m.stages } : {}) };
}
const adoptMachine = (ctx: ServerContext<Selves>, m: MmMachine, withStages: boolean) => ctx.adopt('machine', m, info(m, withStages));

export const impl: Impl<MmWorkerApi, Selves> = {
  root: {
    fixtures: () => mm.fixtures(),
    defaults: (_, [arch, kernel]) => mm.defaults(arch, kernel),
    sysctlNames: (_, [kernel]) => mm.sysctlNames(kernel),
    boot: (_, [req], ctx) => {
      const machine = mm.boot({ ...req, onStage: (stage, fraction) => ctx.progress(`booting: ${stage}`, fraction) });
      ctx.progress('collecting zone state', 1);
      return adoptMachine(ctx, machine, true);
    },
    explain: (_, [text, opts]) => mm.explain(text, opts),
    recheck: (_, [explained, sysctls]) => mm.recheck(explained, sysctls),
    check: (_, [view, request]) => mm.check(view, request),
    reports: () => mm.reports(),
  },
  machine: {
    view: (m) => m.view(),
    render: (m, [file]) => m.render(file),
    readSysctl: (m, [name]) => m.readSysctl(name),
    sysctl: (m, [name, value], ctx) => adoptMachine(ctx, m.sysctl(name, value), false),
    imported: (m) => m.imported(),
    workload: (m, [spec], ctx) => workloadSliced(simMachine(m), spec, ctx),
    check: (m, [request]) => mm.check(m, request),
  },
};
