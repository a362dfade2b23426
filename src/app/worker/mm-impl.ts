/**
 * What the simulator worker does for each method of api.ts, on src/lib/mm.ts. Machines stay in
 * the worker by handle, so that later sysctl()/render() calls are cheap round trips. A boot is
 * synchronous: the page cancels a stale one by terminating its worker (mm-remote.ts).
 */
import { mm, simMachine, type MmMachine } from '../../lib/mm';
import { workloadSliced } from '../../lib/workload';
import type { MmRun } from '../../lib/run';
import type { MachineInfo, MmWorkerApi } from './api';
import type { Impl, ServerContext } from './rpc-server';

export type Selves = { root: undefined; machine: MmMachine; run: MmRun };

/** What the page gets with a machine: its zone state and warnings; the boot stages only from boot (sysctl keeps them). */
function info(m: MmMachine, withStages: boolean): MachineInfo {
  return { arch: m.arch, kernel: m.kernel, snapshot: m.view(), warnings: m.warnings, ...(withStages ? { stages: m.stages } : {}) };
}
const adoptRun = (ctx: ServerContext<Selves>, r: MmRun) => ctx.adopt('run', r, { arch: r.arch, kernel: r.kernel });
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
    start: (m, [opts], ctx) => adoptRun(ctx, m.start(opts)),
    stateReport: (m) => m.stateReport(),
    check: (m, [request]) => mm.check(m, request),
    replay: (m, [req], ctx) => mm.replay({ ...req, machine: m, onProgress: (line, fraction) => ctx.progress(`replaying: line ${line}`, fraction), checkpoint: () => ctx.checkpoint(), signal: ctx.signal }),
  },
  run: {
    task: (r, [comm, adj]) => r.task(comm, adj),
    alloc: (r, [gfp, order, opts]) => r.alloc(gfp, order, opts),
    free: (r, [pfn, cpu]) => r.free(pfn, cpu),
    run: (r, [ops]) => r.run(ops),
    sysctl: (r, [name, value]) => r.sysctl(name, value),
    drain: (r) => r.drain(),
    compactMemory: (r) => r.compactMemory(),
    daemons: (r) => r.daemons(),
    view: (r) => r.view(),
    render: (r, [file]) => r.render(file),
    failures: (r) => r.failures(),
    explain: (r, [i]) => r.explain(i),
    log: (r) => r.log(),
    clone: (r, _args, ctx) => adoptRun(ctx, r.clone()),
    cmaAreas: (r) => r.cmaAreas(),
    cmaOccupancy: (r, [area]) => r.cmaOccupancy(area),
    cmaAlloc: (r, [area, count, align, opts]) => r.cmaAlloc(area, count, align, opts),
    cmaRelease: (r, [area, pfn, count]) => r.cmaRelease(area, pfn, count),
    cmaDebugfs: (r, [area, file]) => r.cmaDebugfs(area, file),
    cmaLog: (r) => r.cmaLog(),
    pin: (r, [pfn, opts]) => r.pin(pfn, opts),
    unpin: (r, [pfn]) => r.unpin(pfn),
    setNrHugepages: (r, [size, n, node]) => r.setNrHugepages(size, n, node),
    hugetlbPools: (r) => r.hugetlbPools(),
  },
};
