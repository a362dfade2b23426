/**
 * RunningMachine: the run-time API over a RunState, for notebooks, the CLI and the worker.
 *
 *   const run = machine.start();                       // copies the boot snapshot's page arrays once
 *   const r = run.alloc('GFP_KERNEL', 3);              // { ok: true, pfn, order, zone, nid } or { ok: false, failure }
 *   run.free(r.pfn);
 *   run.run([{ op: 'alloc', gfp: 'GFP_HIGHUSER_MOVABLE', order: 0, count: 1000, kind: 'anon', as: 'a' }, { op: 'free', ref: 'a', every: 2 }]);
 *   run.view(); run.render('buddyinfo'); run.sysctl('vm.watermark_scale_factor', 200);
 *   run.sysctl('vm.drop_caches', 3); run.daemons();     // kswapd and the other daemons run now
 *
 * After every top-level operation (alloc, free, access, sysctl, drain, each op of run()) the
 * daemons get one step (run/daemons.ts: writeback, kswapd, kcompactd), unless the machine was
 * started with `{ daemons: 'manual' }`: then only run.daemons() and the op 'kswapd' run them. An
 * alloc op with a count is one operation: a burst that kswapd does not interrupt.
 *
 * Requests are checked (MmError for an order ≥ MAX_ORDER, an unknown GFP flag or page kind, a bad
 * node or CPU, freeing a page that is not allocated); a failed allocation is a result, not an
 * exception, and its report is kept in failures.
 */
import { MmError } from '../errors';
import { renderProc, type ProcName } from '../format/proc';
import type { MachineViewExtra } from '../format/extra';
import { allocPages, REQ_PIN } from '../page_alloc/alloc-pages';
import { freePages } from '../page_alloc/free';
import { formatGfp, parseGfp } from '../page_alloc/gfp';
import { drainAllPages } from '../page_alloc/pcp';
import type { AllocFailure } from '../page_alloc/warn-alloc';
import type { FailureExplanation } from '../page_alloc/explain';
import type { OomRecord } from '../oom/oom-kill';
import { KIND_NAMES, kindOf, type PageKindName } from './page-flags';
import { RunState, type RunOptions } from './run-state';
import { runView } from './run-view';
import type { TraceSink } from './trace';
import { checkRunInvariants } from './run-invariants';
import { runDaemons } from './daemons';
import { accessPage } from '../vmscan/swap';
import { dropCaches } from '../vmscan/drop-caches';
import { compactNodes, type CompactMemoryResult } from '../compaction/nodes';
import type { Machine } from '../machine/machine';
import { CmaAreaHandle, type CmaAllocOutcome } from '../cma/api';
import { pinPage, unpinPage } from '../cma/pin';
import { HugetlbHandle } from '../hugetlb/api';

export interface AllocOptions {
  /** preferred node (default: the first node) */
  node?: number;
  /** the CPU whose per-cpu lists serve the request (default 0) */
  cpu?: number;
  /** what the pages hold: kernel (default), anon, file, file-dirty, shmem, slab-reclaimable, slab, hugetlb */
  kind?: PageKindName;
  /** the owning task's id (RunningMachine.task) */
  task?: number;
  /** the caller pins the pages (FOLL_LONGTERM): they never migrate, and 6.1 keeps them out of CMA */
  pin?: boolean;
}

export type AllocResult =
  | { ok: true; pfn: number; order: number; nid: number; zone: string }
  | { ok: false; order: number; gfp: string; failure: number };

export type RunOp =
  | ({ op: 'alloc'; gfp: string | number; order?: number; count?: number; as?: string } & AllocOptions)
  | { op: 'free'; pfn?: number; ref?: string; every?: number; count?: number }
  | { op: 'sysctl'; name: string; value: string | number }
  | { op: 'drain' }
  /** echo 1 > /proc/sys/vm/compact_memory */
  | { op: 'compact_memory' }
  /** echo value > /proc/sys/vm/drop_caches (1 page cache, 2 slab, 3 both; 4 only silences the log line) */
  | { op: 'drop_caches'; value: number }
  /** run the daemons now (kswapd, then kcompactd), in either daemons mode */
  | { op: 'kswapd' }
  /** touch pages (see RunningMachine.access): one pfn, or the pages labelled ref (every, count as for free) */
  | { op: 'access'; pfn?: number; ref?: string; every?: number; count?: number }
  /** cma_alloc on an area (its name or index); `as` labels the allocation for cma_release */
  | { op: 'cma_alloc'; area: string | number; count: number; align?: number; as?: string; kind?: PageKindName; task?: number; noWarn?: boolean }
  /** cma_release of a labelled allocation (every one under the label; count: pages of each) or of count pages at pfn */
  | { op: 'cma_release'; ref?: string; pfn?: number; count?: number }
  /** a write of nr_hugepages for the pool of a size (kB); node: the per-node file */
  | { op: 'nr_hugepages'; sizeKb: number; value: number; node?: number };

export interface RunSummary {
  allocated: number;
  failed: number;
  freed: number;
  /** pfns of the allocations labelled with `as`, by label */
  refs: Record<string, number[]>;
}

export class RunningMachine {
  readonly rs: RunState;
  /** the serials of the allocations run() made under a label, in allocation order */
  private readonly refs = new Map<string, number[]>();
  /**
   * a labelled allocation's pfn by its serial, and the serial by pfn: an entry goes when its page
   * is freed — by a free op, or by the model itself (reclaim, the OOM killer: RunState.onRelease) — so a label never
   * reaches a page it no longer owns, even once the pfn is allocated again; migration (compaction,
   * CMA) moves it to the new pfn
   */
  private readonly pfnOf = new Map<number, number>();
  private readonly live = new Map<number, number>();
  private serial = 0;
  private readonly migrateListeners: Array<(oldPfn: number, newPfn: number) => void> = [];
  private readonly releaseListeners: Array<(pfn: number, order: number) => void> = [];
  /** cma_alloc allocations made by run() under a label: area index, pfn, count */
  private readonly cmaRefs = new Map<string, Array<{ area: number; pfn: number; count: number }>>();
  /** the CMA areas (cma_areas[] order), and the hugetlb pools */
  readonly cma: readonly CmaAreaHandle[];
  readonly hugetlb: HugetlbHandle;

  constructor(rs: RunState) {
    this.rs = rs;
    this.cma = rs.cma.areas.map((_, i) => new CmaAreaHandle(rs, i));
    this.hugetlb = new HugetlbHandle(rs);
    rs.onRelease = (pfn, order) => {
      this.forget(pfn);
      for (const fn of this.releaseListeners) fn(pfn, order);
    };
    rs.onMigrate = (oldPfn, newPfn) => {
      const s = this.live.get(oldPfn);
      if (s !== undefined) {
        this.live.delete(oldPfn);
        this.live.set(newPfn, s);
        this.pfnOf.set(s, newPfn);
      }
      for (const fn of this.migrateListeners) fn(oldPfn, newPfn);
    };
  }

  /**
   * Follow pages that compaction or CMA migrates: fn(oldPfn, newPfn) runs for every page moved
   * (labelled allocations of run() follow by themselves). A pfn held across a migration names a
   * free page afterwards, as a stale struct page pointer would.
   */
  addMigrateListener(fn: (oldPfn: number, newPfn: number) => void): void {
    this.migrateListeners.push(fn);
  }

  /**
   * Learn when an allocated block is freed, by anyone: the caller (free), reclaim, the OOM killer,
   * alloc_contig_range reclaiming clean page cache instead of migrating it. fn(pfn, order) runs
   * as the block leaves the model's accounting, so a holder of pfns can drop it.
   */
  addReleaseListener(fn: (pfn: number, order: number) => void): void {
    this.releaseListeners.push(fn);
  }

  /** The labelled allocation at pfn (if any) is gone. */
  private forget(pfn: number): void {
    // every free comes here: without labelled allocations there is nothing to look up
    if (this.live.size === 0) return;
    const s = this.live.get(pfn);
    if (s === undefined) return;
    this.live.delete(pfn);
    this.pfnOf.delete(s);
  }

  static start(machine: Machine, opts?: RunOptions): RunningMachine {
    return new RunningMachine(new RunState(machine, opts));
  }

  get arch(): string {
    return this.rs.profile.arch;
  }
  get kernel(): string {
    return this.rs.profile.kernel;
  }

  /** A task that pages can be charged to (the OOM killer's accounting); returns its id. */
  task(comm: string, oomScoreAdj = 0): number {
    return this.rs.tasks.add(comm, oomScoreAdj);
  }

  /** alloc_pages(gfp, order) on the preferred node; then a daemons step (daemons 'auto'). */
  alloc(gfp: string | number, order = 0, opts: AllocOptions = {}): AllocResult {
    const r = this.allocOne(gfp, order, opts);
    this.step();
    return r;
  }

  private allocOne(gfp: string | number, order: number, opts: AllocOptions): AllocResult {
    const rs = this.rs;
    const mask = parseGfp(gfp);
    if (!Number.isInteger(order) || order < 0 || order >= rs.buddy.maxOrder) {
      throw new MmError('ALLOC_BAD_ORDER', `order ${order} is outside 0..${rs.buddy.maxOrder - 1} (MAX_ORDER is ${rs.buddy.maxOrder} on this profile)`, 'alloc');
    }
    const nid = opts.node ?? rs.nodeIds[0]!;
    if (rs.nodeIndex(nid) < 0) throw new MmError('ALLOC_BAD_NODE', `node ${nid} has no memory; nodes: ${rs.nodeIds.join(', ')}`, 'alloc');
    const cpu = opts.cpu ?? 0;
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= rs.cpus) throw new MmError('ALLOC_BAD_CPU', `cpu ${cpu} is outside 0..${rs.cpus - 1}`, 'alloc');
    const kind = kindOf(opts.kind ?? 'kernel');
    if (kind < 0) throw new MmError('ALLOC_BAD_KIND', `unknown page kind "${String(opts.kind)}"; kinds: ${KIND_NAMES.join(', ')}`, 'alloc');
    const task = opts.task ?? 0;
    if (!Number.isInteger(task) || task < 0 || task >= rs.tasks.list.length) throw new MmError('ALLOC_BAD_TASK', `no task ${task}; create one with task(name)`, 'alloc');
    const pfn = allocPages(rs, mask, order, nid, cpu, kind, task, opts.pin ? REQ_PIN : 0);
    if (pfn >= 0) this.forget(pfn);
    if (pfn < 0) return { ok: false, order, gfp: formatGfp(mask, rs.profile.kernel), failure: rs.failures.length - 1 };
    const zi = rs.buddy.zoneIndexOf(pfn);
    return { ok: true, pfn, order, nid: rs.zoneNid[zi], zone: rs.names[rs.zoneIdx[zi]]! };
  }

  /** __free_pages of a block this run allocated; returns its order. Then a daemons step (daemons 'auto'). */
  free(pfn: number, cpu = 0): number {
    const order = this.freeOne(pfn, cpu);
    this.step();
    return order;
  }

  private freeOne(pfn: number, cpu: number): number {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.rs.cpus) throw new MmError('ALLOC_BAD_CPU', `cpu ${cpu} is outside 0..${this.rs.cpus - 1}`, 'free');
    const c = Number.isInteger(pfn) ? this.rs.cma.allocationOf(pfn) : null;
    if (c) throw new MmError('FREE_CMA_PAGE', `pfn 0x${pfn.toString(16)} belongs to a cma_alloc allocation of area ${c.area.name} (pfn 0x${c.pfn.toString(16)}, ${c.count} pages): release it with cma_release`, 'free');
    if (Number.isInteger(pfn) && this.rs.hugetlb.pageOf(pfn) >= 0) throw new MmError('FREE_HUGETLB_PAGE', `pfn 0x${pfn.toString(16)} is a hugetlb pool page: shrink the pool with nr_hugepages`, 'free');
    const order = freePages(this.rs, pfn, cpu);
    this.forget(pfn);
    return order;
  }

  /**
   * An access to the page at pfn, as the model sees it: an anon page's PTE becomes young; a page
   * cache or shmem page goes through mark_page_accessed (PG_referenced, then activation). Then a
   * daemons step (daemons 'auto').
   */
  access(pfn: number): void {
    this.accessOne(pfn, 'access');
    this.step();
  }

  private accessOne(pfn: number, where: string): void {
    if (!accessPage(this.rs, pfn)) throw new MmError('RUN_BAD_PAGE', `pfn ${String(pfn)} is not in an allocated block`, where);
  }

  /**
   * get_user_pages on the allocated block at pfn: an extra reference that makes its migration fail
   * (cma_alloc and compaction cannot move it). `longterm` (FOLL_LONGTERM) first moves a page out of
   * CMA (6.1: also out of ZONE_MOVABLE) as the kernel does; returns the pfn it is pinned at.
   */
  pin(pfn: number, opts: { longterm?: boolean } = {}): number {
    return pinPage(this.rs, pfn, opts.longterm ?? false);
  }

  /** unpin_user_page */
  unpin(pfn: number): void {
    unpinPage(this.rs, pfn);
  }

  /** What cma_alloc and alloc_contig_range printed, oldest first. */
  get cmaLog(): readonly string[] {
    return this.rs.cma.log;
  }

  private cmaArea(ref: string | number, where: string): CmaAreaHandle {
    const a = typeof ref === 'number' ? this.cma[ref] : this.cma.find((x) => x.name === ref);
    if (!a) throw new MmError('RUN_BAD_OP', `no CMA area ${JSON.stringify(ref)}; areas: ${this.cma.map((x) => x.name).join(', ') || 'none'}`, where);
    return a;
  }

  /** One daemons step now (writeback, kswapd, kcompactd), whatever the daemons mode. */
  daemons(): void {
    runDaemons(this.rs);
  }

  /** The daemons step after a top-level operation, in 'auto' mode. */
  private step(): void {
    if (this.rs.daemons === 'auto') runDaemons(this.rs);
  }

  /** Run a list of operations (plain JSON); see RunOp. */
  run(ops: readonly RunOp[]): RunSummary {
    const sum: RunSummary = { allocated: 0, failed: 0, freed: 0, refs: {} };
    ops.forEach((op, k) => {
      const where = `ops[${k}]`;
      switch (op.op) {
        case 'alloc': {
          const count = op.count ?? 1;
          if (!Number.isInteger(count) || count < 0) throw new MmError('RUN_BAD_OP', `count must be a non-negative integer, got ${String(op.count)}`, where);
          const list = op.as !== undefined ? this.refList(op.as) : null;
          for (let n = 0; n < count; n++) {
            const r = this.allocOne(op.gfp, op.order ?? 0, op);
            if (r.ok) {
              sum.allocated++;
              if (list) {
                this.live.set(r.pfn, ++this.serial);
                this.pfnOf.set(this.serial, r.pfn);
                list.push(this.serial);
              }
            } else sum.failed++;
          }
          break;
        }
        case 'free': {
          if (op.pfn !== undefined) {
            this.freeOne(op.pfn, 0);
            sum.freed++;
            break;
          }
          if (op.ref === undefined) throw new MmError('RUN_BAD_OP', 'free needs a pfn or a ref', where);
          const list = this.labelled(op.ref, where);
          const every = op.every ?? 1;
          let left = op.count ?? Infinity;
          const keep: number[] = [];
          list.forEach((s, idx) => {
            if (left > 0 && idx % every === every - 1) {
              this.freeOne(this.pfnOf.get(s)!, 0);
              sum.freed++;
              left--;
            } else keep.push(s);
          });
          list.splice(0, list.length, ...keep);
          break;
        }
        case 'access': {
          if (op.pfn !== undefined) {
            this.accessOne(op.pfn, where);
            break;
          }
          if (op.ref === undefined) throw new MmError('RUN_BAD_OP', 'access needs a pfn or a ref', where);
          const list = this.labelled(op.ref, where);
          const every = op.every ?? 1;
          let left = op.count ?? Infinity;
          list.forEach((s, idx) => {
            if (left > 0 && idx % every === every - 1) {
              this.accessOne(this.pfnOf.get(s)!, where);
              left--;
            }
          });
          break;
        }
        case 'sysctl':
          this.rs.sysctl(op.name, op.value);
          break;
        case 'drain':
          drainAllPages(this.rs);
          break;
        case 'drop_caches':
          dropCaches(this.rs, op.value);
          break;
        case 'compact_memory':
          compactNodes(this.rs);
          break;
        case 'cma_alloc': {
          const a = this.cmaArea(op.area, where);
          const r: CmaAllocOutcome = a.alloc(op.count, op.align ?? 0, { kind: op.kind, task: op.task, noWarn: op.noWarn });
          if (!r.ok) {
            sum.failed++;
            break;
          }
          sum.allocated++;
          if (op.as !== undefined) {
            let l = this.cmaRefs.get(op.as);
            if (!l) this.cmaRefs.set(op.as, (l = []));
            l.push({ area: a.index, pfn: r.pfn, count: op.count });
          }
          break;
        }
        case 'cma_release': {
          if (op.pfn !== undefined) {
            if (op.count === undefined) throw new MmError('RUN_BAD_OP', 'cma_release of a pfn needs a count', where);
            const a = this.cma.find((x) => op.pfn! >= x.basePfn && op.pfn! < x.basePfn + x.count);
            if (!a || !a.release(op.pfn, op.count)) throw new MmError('RUN_BAD_OP', `pfn ${op.pfn} is in no CMA area`, where);
            sum.freed++;
            break;
          }
          if (op.ref === undefined) throw new MmError('RUN_BAD_OP', 'cma_release needs a pfn or a ref', where);
          const l = this.cmaRefs.get(op.ref);
          if (!l) throw new MmError('RUN_BAD_OP', `no cma_alloc allocations labelled "${op.ref}"`, where);
          for (const e of l) {
            this.cma[e.area]!.release(e.pfn, Math.min(op.count ?? e.count, e.count));
            sum.freed++;
          }
          this.cmaRefs.delete(op.ref);
          break;
        }
        case 'nr_hugepages': {
          this.hugetlb.setNrHugepages(op.sizeKb, op.value, op.node ?? -1);
          const last = this.hugetlb.last!;
          sum.allocated += last.allocated;
          sum.freed += last.freed;
          break;
        }
        case 'kswapd':
          runDaemons(this.rs);
          return; // this op is the daemons step
        default:
          throw new MmError('RUN_BAD_OP', `unknown op ${JSON.stringify((op as { op?: unknown }).op)}`, where);
      }
      this.step();
    });
    for (const k of this.refs.keys()) sum.refs[k] = this.labelled(k, 'refs').map((s) => this.pfnOf.get(s)!);
    for (const [k, v] of this.cmaRefs) sum.refs[k] = [...(sum.refs[k] ?? []), ...v.map((e) => e.pfn)];
    return sum;
  }

  private refList(name: string): number[] {
    let l = this.refs.get(name);
    if (!l) this.refs.set(name, (l = []));
    return l;
  }

  /** The serials of the allocations a label still owns (those freed or reclaimed since are dropped from it). */
  private labelled(name: string, where: string): number[] {
    const l = this.refs.get(name);
    if (!l) throw new MmError('RUN_BAD_OP', `no allocations labelled "${name}"`, where);
    let k = 0;
    for (let j = 0; j < l.length; j++) if (this.pfnOf.has(l[j]!)) l[k++] = l[j]!;
    l.length = k;
    return l;
  }

  /**
   * `echo 1 > /proc/sys/vm/compact_memory`: compact every populated zone of every node (sync, whole
   * zone, no goal order). Returns what moved, per zone and in total; then a daemons step.
   */
  compactMemory(): CompactMemoryResult {
    const r = compactNodes(this.rs);
    this.step();
    return r;
  }

  /** echo value > /proc/sys/vm/NAME (the watermark tunables, vm.swappiness, vm.drop_caches); then a daemons step. */
  sysctl(name: string, value: string | number): void {
    this.rs.sysctl(name, value);
    this.step();
  }

  /** drain_all_pages(NULL); then a daemons step. */
  drain(): void {
    drainAllPages(this.rs);
    this.step();
  }

  /** The live state as a MachineView (a plain-data checkpoint). */
  view(): MachineViewExtra {
    return runView(this.rs);
  }

  render(file: ProcName): string {
    return renderProc(this.view(), file);
  }

  /** Failed allocations so far (warn_alloc), oldest first. */
  get failures(): readonly AllocFailure[] {
    return this.rs.failures;
  }

  /**
   * Why a failed allocation failed: per zone of its zonelist the watermark check with its numbers,
   * what fallback, reclaim and compaction could have done, which sysctl value would have let it
   * pass, and a verdict in plain words (`.text`). Takes a failure record or its index (an
   * AllocResult's `failure`); plain data.
   */
  explain(failure: AllocFailure | number): FailureExplanation {
    const f = typeof failure === 'number' ? this.rs.failures[failure] : failure;
    if (!f || typeof f !== 'object' || !('explanation' in f)) {
      throw new MmError('RUN_NO_FAILURE', `no failed allocation ${String(failure)}; failures: 0..${this.rs.failures.length - 1}`, 'explain');
    }
    return f.explanation;
  }

  /** The kernel log the model printed (warn_alloc reports, OOM killer messages), one line per entry. */
  get log(): readonly string[] {
    return this.rs.log;
  }

  /** OOM killer invocations, oldest first. */
  get ooms(): readonly OomRecord[] {
    return this.rs.ooms;
  }

  /** Subscribe to the tracepoints (null unsubscribes). */
  setTrace(sink: TraceSink | null): void {
    this.rs.trace = sink;
  }

  /** The invariants CONFIG_DEBUG_VM would check; throws naming the first broken one. */
  checkInvariants(): void {
    checkRunInvariants(this.rs);
  }

  /** An independent copy (a checkpoint that can run on). */
  clone(): RunningMachine {
    const c = new RunningMachine(this.rs.clone());
    for (const [k, v] of this.cmaRefs) c.cmaRefs.set(k, v.map((e) => ({ ...e })));
    for (const [k, v] of this.refs) c.refs.set(k, [...v]);
    for (const [k, v] of this.live) c.live.set(k, v);
    for (const [k, v] of this.pfnOf) c.pfnOf.set(k, v);
    c.serial = this.serial;
    return c;
  }
}
