/**
 * The labels of RunningMachine.run(): an op's `as` names its allocations, and later ops free,
 * touch or release them by that name. A labelled allocation is known by a serial; its pfn goes
 * when the page is freed — by a free op, or by the model itself (reclaim, the OOM killer:
 * RunState.onRelease) — so a label never reaches a page it no longer owns, even once the pfn is
 * allocated again; migration (compaction, CMA) moves it to the new pfn.
 */
import { MmError } from '../errors';

/** A cma_alloc allocation made under a label: area index, first pfn, pages. */
export interface CmaLabelled { area: number; pfn: number; count: number }

export class RunLabels {
  /** the serials of the allocations made under a label, in allocation order */
  private readonly refs = new Map<string, number[]>();
  /** a labelled allocation's pfn by its serial, and the serial by pfn */
  private readonly pfnOf = new Map<number, number>();
  private readonly live = new Map<number, number>();
  private serial = 0;
  /** cma_alloc allocations made under a label */
  private readonly cmaRefs = new Map<string, CmaLabelled[]>();

  /** The labelled allocation at pfn (if any) is gone. */
  forget(pfn: number): void {
    // every free comes here: without labelled allocations there is nothing to look up
    if (this.live.size === 0) return;
    const s = this.live.get(pfn);
    if (s === undefined) return;
    this.live.delete(pfn);
    this.pfnOf.delete(s);
  }

  /** The page at oldPfn migrated to newPfn: its label follows it. */
  moved(oldPfn: number, newPfn: number): void {
    const s = this.live.get(oldPfn);
    if (s === undefined) return;
    this.live.delete(oldPfn);
    this.live.set(newPfn, s);
    this.pfnOf.set(s, newPfn);
  }

  /** The serials under `name`, an empty list for a new label. */
  list(name: string): number[] {
    let l = this.refs.get(name);
    if (!l) this.refs.set(name, (l = []));
    return l;
  }

  /** The allocation at pfn joins `list` (a label's list). */
  add(list: number[], pfn: number): void {
    this.live.set(pfn, ++this.serial);
    this.pfnOf.set(this.serial, pfn);
    list.push(this.serial);
  }

  /** The serials of the allocations a label still owns (those freed or reclaimed since are dropped from it). */
  owned(name: string, where: string): number[] {
    const l = this.refs.get(name);
    if (!l) throw new MmError('RUN_BAD_OP', `no allocations labelled "${name}"`, where);
    let k = 0;
    for (let j = 0; j < l.length; j++) if (this.pfnOf.has(l[j]!)) l[k++] = l[j]!;
    l.length = k;
    return l;
  }

  /** The pfn of an owned serial. */
  pfn(serial: number): number {
    return this.pfnOf.get(serial)!;
  }

  addCma(name: string, e: CmaLabelled): void {
    let l = this.cmaRefs.get(name);
    if (!l) this.cmaRefs.set(name, (l = []));
    l.push(e);
  }

  /** The cma_alloc allocations under `name`. */
  cma(name: string, where: string): readonly CmaLabelled[] {
    const l = this.cmaRefs.get(name);
    if (!l) throw new MmError('RUN_BAD_OP', `no cma_alloc allocations labelled "${name}"`, where);
    return l;
  }

  /** The label no longer names cma_alloc allocations (they were released). */
  dropCma(name: string): void {
    this.cmaRefs.delete(name);
  }

  /** Every label's pfns: the allocations it still owns, then its cma_alloc allocations. */
  pfnsByLabel(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const k of this.refs.keys()) out[k] = this.owned(k, 'refs').map((s) => this.pfnOf.get(s)!);
    for (const [k, v] of this.cmaRefs) out[k] = [...(out[k] ?? []), ...v.map((e) => e.pfn)];
    return out;
  }

  clone(): RunLabels {
    const c = new RunLabels();
    for (const [k, v] of this.cmaRefs) c.cmaRefs.set(k, v.map((e) => ({ ...e })));
    for (const [k, v] of this.refs) c.refs.set(k, [...v]);
    for (const [k, v] of this.live) c.live.set(k, v);
    for (const [k, v] of this.pfnOf) c.pfnOf.set(k, v);
    c.serial = this.serial;
    return c;
  }
}

/** Of a label's serials, every `every`-th (the every-th, 2·every-th, …), at most `count`; fn gets each one's serial. */
export function everyNth(list: readonly number[], every: number, count: number, fn: (serial: number) => void): number[] {
  const rest: number[] = [];
  let left = count;
  list.forEach((s, idx) => {
    if (left > 0 && idx % every === every - 1) {
      fn(s);
      left--;
    } else rest.push(s);
  });
  return rest;
}
