/**
 * warn_alloc (mm/page_alloc.c): a failed allocation is recorded with the zone state it saw.
 */
import type { AllocContext } from './alloc-pages';
import type { RunState } from '../run/run-state';

export interface AllocFailure {
  order: number;
  gfp: number;
  allocFlags: number;
  nid: number;
}

/** warn_alloc: record the failure (the report and its explanation are built from it on demand). */
export function warnAlloc(rs: RunState, ac: AllocContext, allocFlags: number): void {
  rs.failures.push({ order: ac.order, gfp: ac.gfp, allocFlags, nid: ac.zonelist.length ? rs.zoneNid[ac.zonelist[0]!] : 0 });
}
