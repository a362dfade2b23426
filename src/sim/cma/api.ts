/**
 * The notebook face of a CMA area on a running machine (`run.cma[i]`): its occupancy, cma_alloc
 * and cma_release, and its debugfs files.
 *
 *   const area = run.cma.find((a) => a.name === 'reserved');
 *   const r = area.alloc(16384, 8);          // { ok, pfn, migrated, reclaimed, tried, failedAt?, reason? }
 *   area.occupancy().map;                     // '....bbbbAAAA' one character per pageblock
 *   area.release(r.pfn, 16384);
 */
import { MmError } from '../errors';
import { renderCmaDebugfs, cmaDebugfsDir, CMA_DEBUGFS_FILES, type CmaDebugfsFile } from '../format/cma-debugfs';
import { KIND_NAMES, kindOf, type PageKindName } from '../run/page-flags';
import type { RunState } from '../run/run-state';
import { accountCmaPages, cmaAlloc, cmaRelease } from './cma-alloc';
import { cmaOccupancy, type CmaOccupancy } from './occupancy';
import type { CmaAreaRun } from './cma-state';

export interface CmaAllocOptions {
  /** what the buffer holds (default 'kernel': a driver's DMA buffer) */
  kind?: PageKindName;
  /** the owning task id */
  task?: number;
  /** __GFP_NOWARN: no "alloc failed" lines in the log */
  noWarn?: boolean;
  /** the CPU whose per-cpu lists receive freed pages (default 0) */
  cpu?: number;
}

export interface CmaAllocOutcome {
  ok: boolean;
  /** first pfn of the allocation, −1 on failure */
  pfn: number;
  count: number;
  /** pages migrated out of the ranges tried, clean page cache reclaimed instead */
  migrated: number;
  reclaimed: number;
  /** candidate ranges tried */
  tried: number;
  /** on failure: the first page that could not be moved, and why, in plain words */
  failedAt?: number;
  reason?: string;
}

function checkCount(v: unknown, what: string, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new MmError('CMA_BAD_REQUEST', `${what} must be a non-negative integer, got ${String(v)}`, where);
  return v;
}

export class CmaAreaHandle {
  constructor(private readonly rs: RunState, readonly index: number) {}

  private get area(): CmaAreaRun {
    return this.rs.cma.areas[this.index]!;
  }
  get name(): string {
    return this.area.name;
  }
  get basePfn(): number {
    return this.area.basePfn;
  }
  /** pages (0: the area could not be activated) */
  get count(): number {
    return this.area.count;
  }
  get orderPerBit(): number {
    return this.area.orderPerBit;
  }
  /** the node of a hugetlb_cma area, −1 otherwise */
  get nid(): number {
    return this.area.nid;
  }
  /** live allocations: [pfn, count] pairs */
  get allocations(): Array<[number, number]> {
    return [...this.area.allocs];
  }

  occupancy(): CmaOccupancy {
    return cmaOccupancy(this.rs, this.area);
  }

  /** cma_alloc(area, count, align): `align` is an order (physical 2^align-page alignment). */
  alloc(count: number, align = 0, opts: CmaAllocOptions = {}): CmaAllocOutcome {
    const where = `cma ${this.name}`;
    checkCount(count, 'count', where);
    checkCount(align, 'align', where);
    if (align > 30) throw new MmError('CMA_BAD_REQUEST', `align ${align} is an order of pages; above 30 it exceeds any machine`, where);
    const kind = kindOf(opts.kind ?? 'kernel');
    if (kind < 0) throw new MmError('CMA_BAD_REQUEST', `unknown page kind "${String(opts.kind)}"; kinds: ${KIND_NAMES.join(', ')}`, where);
    const task = opts.task ?? 0;
    if (!Number.isInteger(task) || task < 0 || task >= this.rs.tasks.list.length) throw new MmError('CMA_BAD_REQUEST', `no task ${task}`, where);
    this.rs.cma.resetRatelimit();
    const r = cmaAlloc(this.rs, this.area, count, align, opts.noWarn ?? false, opts.cpu ?? 0);
    if (r.ok) accountCmaPages(this.rs, r.pfn, count, kind, task);
    const out: CmaAllocOutcome = { ok: r.ok, pfn: r.pfn, count, migrated: r.migrated, reclaimed: r.reclaimed, tried: r.tried };
    if (!r.ok) {
      if (r.failedAt !== undefined) out.failedAt = r.failedAt;
      if (r.reason !== undefined) out.reason = r.reason;
    }
    return out;
  }

  /** cma_release(area, pfn, count): false when pfn is outside the area. */
  release(pfn: number, count: number): boolean {
    const where = `cma ${this.name}`;
    checkCount(pfn, 'pfn', where);
    checkCount(count, 'count', where);
    const a = this.area;
    if (a.contains(pfn)) {
      // the pages must belong to live cma_alloc allocations (not to hugetlb or another user)
      for (let p = pfn; p < pfn + count; ) {
        const hit = [...a.allocs].find(([s, c]) => p >= s && p < s + c);
        if (!hit) throw new MmError('CMA_BAD_RELEASE', `pfn 0x${p.toString(16)} is not part of a cma_alloc allocation of area ${this.name}`, where);
        if (this.rs.hugetlb.pageOf(p) >= 0) throw new MmError('CMA_BAD_RELEASE', `pfn 0x${p.toString(16)} is a hugetlb pool page: shrink the pool with nr_hugepages instead`, where);
        p = hit[0] + hit[1];
      }
    }
    return cmaRelease(this.rs, a, pfn, count);
  }

  /** The directory under <debugfs>/cma/ for this area. */
  get debugfsDir(): string {
    return cmaDebugfsDir(this.rs.rules, this.name);
  }

  /** A debugfs file of the area, as the kernel prints it. */
  debugfs(file: CmaDebugfsFile): string {
    if (!(CMA_DEBUGFS_FILES as readonly string[]).includes(file)) throw new MmError('FORMAT_UNKNOWN', `unknown debugfs cma file "${String(file)}"; known: ${CMA_DEBUGFS_FILES.join(', ')}`, String(file));
    return renderCmaDebugfs(this.area, file);
  }
}
