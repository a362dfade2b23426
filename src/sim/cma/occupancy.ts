/**
 * What a CMA area's pages are doing, for notebooks: free (in the buddy or on a per-cpu list),
 * borrowed by movable allocations (the pages movable requests took from CMA pageblocks, which
 * cma_alloc must migrate or reclaim), allocated by cma_alloc (the live allocations), and isolated
 * (in a MIGRATE_ISOLATE pageblock while an allocation runs). Per pageblock as well, with a one-
 * character map ('.' free, 'b' borrowed, 'A' cma_alloc'd, 'I' isolated, 'm' mixed).
 */
import { MIGRATE_ISOLATE } from '../types';
import { PS_BUDDY, PS_FREE_TAIL, PS_PCP, PS_PCP_TAIL } from '../buddy/page-state';
import type { RunState } from '../run/run-state';
import type { CmaAreaRun } from './cma-state';

export type PageblockState = 'free' | 'borrowed' | 'allocated' | 'isolated' | 'mixed';

export interface CmaPageblock {
  pfn: number;
  state: PageblockState;
  free: number;
  borrowed: number;
  allocated: number;
}

export interface CmaOccupancy {
  name: string;
  basePfn: number;
  count: number;
  orderPerBit: number;
  free: number;
  borrowed: number;
  allocated: number;
  /** pages in isolated pageblocks (0 outside an allocation in progress) */
  isolated: number;
  pageblocks: CmaPageblock[];
  /** one character per pageblock */
  map: string;
}

const MAP: Record<PageblockState, string> = { free: '.', borrowed: 'b', allocated: 'A', isolated: 'I', mixed: 'm' };

export function cmaOccupancy(rs: RunState, a: CmaAreaRun): CmaOccupancy {
  const b = rs.buddy;
  const pb = 1 << b.pageblockOrder;
  const mine = new Uint8Array(a.count);
  for (const [p, c] of a.allocs) mine.fill(1, p - a.basePfn, p - a.basePfn + c);
  const out: CmaOccupancy = { name: a.name, basePfn: a.basePfn, count: a.count, orderPerBit: a.orderPerBit, free: 0, borrowed: 0, allocated: 0, isolated: 0, pageblocks: [], map: '' };
  for (let s = 0; s < a.count; s += pb) {
    const blk: CmaPageblock = { pfn: a.basePfn + s, state: 'free', free: 0, borrowed: 0, allocated: 0 };
    for (let k = s; k < Math.min(s + pb, a.count); k++) {
      const t = b.tag[a.basePfn + k - b.basePfn];
      if (mine[k]) blk.allocated++;
      else if (t & PS_BUDDY || t === PS_FREE_TAIL || t === PS_PCP_TAIL || (t & 0xe0) === PS_PCP) blk.free++;
      else blk.borrowed++;
    }
    const n = Math.min(pb, a.count - s);
    const isolated = b.pbType[((a.basePfn + s) >> b.pageblockOrder) - b.pbBase] === MIGRATE_ISOLATE;
    blk.state = isolated ? 'isolated' : blk.allocated === n ? 'allocated' : blk.free === n ? 'free' : blk.borrowed === n ? 'borrowed' : 'mixed';
    if (isolated) out.isolated += n;
    out.free += blk.free;
    out.borrowed += blk.borrowed;
    out.allocated += blk.allocated;
    out.pageblocks.push(blk);
    out.map += MAP[blk.state];
  }
  return out;
}
