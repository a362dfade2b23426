/**
 * One zone of a failed request's zonelist, explained: the allocator's own watermark code
 * (watermark.ts) run on a snapshot, its numbers as arithmetic (the unusable free pages, the mark
 * after the reserve flags, lowmem_reserve, the high-order block test, the pre-4.4 check), and
 * what reclaim and compaction could do in that zone.
 */
import { MIGRATE_CMA, MIGRATE_HIGHATOMIC, MIGRATE_TYPES, PAGE_ALLOC_COSTLY_ORDER } from '../types';
import { fillContigPageInfo, fragmentationIndexOf } from '../compaction/frag-index';
import { EXTFRAG_THRESHOLD_DEFAULT } from '../compaction/constants';
import { ALLOC_CMA, ALLOC_HIGH, ALLOC_MIN_RESERVE, ALLOC_NON_BLOCK, ALLOC_OOM, ALLOC_RESERVES, ALLOC_HARDER, ALLOC_WMARK_MASK, highatomicUsableMask, mayUseHighatomic } from './alloc-flags';
import { __GFP_ATOMIC } from './gfp';
import { effectiveMin, hasSuitableBlock, zoneWatermarkFast, zoneWatermarkOkFree, zoneWatermarkUnusableFree, type WatermarkState } from './watermark';
import { MIGRATETYPE_LETTERS } from './show-mem';
import type { ExplainInput, ZoneExplanation, ZoneSnapshot } from './explain-types';

const WMARK_NAMES = ['min', 'low', 'high'] as const;

/** A WatermarkState over snapshots (index = position in `zones`), with optional watermark/reserve overrides. */
export function snapshotState(input: ExplainInput, zones: readonly ZoneSnapshot[]): WatermarkState {
  const nz = input.zoneNames.length;
  const maxOrder = Math.max(1, ...zones.map((z) => z.nrFree.length));
  const n = zones.length;
  const ws = {
    rules: { allocFlags: input.allocScheme },
    hotCma: input.cmaConfigured,
    hotReservesMask: highatomicUsableMask(input.allocScheme),
    hotReserves: input.allocScheme === 'reserves',
    hotFastClamp: input.watermarkFastClamp,
    nz,
    nrReservedHighatomic: new Float64Array(n),
    lowmemReserve: new Float64Array(n * nz),
    wmark: new Float64Array(n * 4),
    boost: new Float64Array(n),
    buddy: { maxOrder, nrFree: new Int32Array(n * maxOrder * MIGRATE_TYPES), head: new Int32Array(n * maxOrder * MIGRATE_TYPES).fill(-1), z: { free: new Float64Array(n), freeCma: new Float64Array(n) } },
  };
  zones.forEach((z, zi) => {
    ws.nrReservedHighatomic[zi] = z.reservedHighatomic;
    const lm = z.lowmemReserve;
    for (let j = 0; j < nz; j++) ws.lowmemReserve[zi * nz + j] = lm[j] ?? 0;
    const w = z.wmark;
    for (let k = 0; k < 3; k++) ws.wmark[zi * 4 + k] = w[k]!;
    ws.boost[zi] = z.boost;
    ws.buddy.z.free[zi] = z.free;
    ws.buddy.z.freeCma[zi] = z.freeCma;
    for (let o = 0; o < z.nrFree.length; o++) {
      const base = (zi * maxOrder + o) * MIGRATE_TYPES;
      const byType = z.nrFreeByType?.[o];
      let mask = z.typeMask[o] ?? 0;
      // a report without type letters (old kernels): take the blocks as on the mobility lists
      if (!byType && mask === 0 && z.nrFree[o]! > 0) mask = 0b111;
      let first = true;
      for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
        if (byType) ws.buddy.nrFree[base + mt] = byType[mt] ?? 0;
        if (mask & (1 << mt)) {
          ws.buddy.head[base + mt] = 0;
          if (!byType && first) ws.buddy.nrFree[base + mt] = z.nrFree[o]!;
          first = false;
        }
      }
    }
  });
  return ws;
}

/** The lists (bit per migratetype) a request with these flags may take a high-order block from. */
function usableMask(flags: number, scheme: 'harder' | 'reserves'): number {
  let m = 0b111; // Unmovable, Movable, Reclaimable: the fallback steals between them
  if (flags & ALLOC_CMA) m |= 1 << MIGRATE_CMA;
  if (mayUseHighatomic(flags, scheme)) m |= 1 << MIGRATE_HIGHATOMIC;
  return m;
}

function letters(mask: number): string {
  let s = '';
  for (let mt = 0; mt < MIGRATE_TYPES; mt++) if (mask & (1 << mt)) s += MIGRATETYPE_LETTERS[mt];
  return s;
}

/** Free blocks at ≥ order on usable lists: exact with per-type counts, else an upper bound from the letters. */
function freeAtOrder(z: ZoneSnapshot, order: number, usable: number): { n: number; exact: boolean } {
  let n = 0;
  let exact = true;
  for (let o = order; o < z.nrFree.length; o++) {
    const byType = z.nrFreeByType?.[o];
    if (byType) {
      for (let mt = 0; mt < MIGRATE_TYPES; mt++) if (usable & (1 << mt)) n += byType[mt] ?? 0;
      continue;
    }
    const mask = z.typeMask[o] || (z.nrFree[o] ? 0b111 : 0);
    if (!(mask & usable)) continue;
    n += z.nrFree[o]!;
    if (mask & ~usable) exact = false;
  }
  return { n, exact };
}

/** The mark after the reserve flags (effectiveMin in watermark.ts), as arithmetic. */
function markArithmetic(name: string, base: number, boost: number, flags: number, scheme: 'harder' | 'reserves'): string {
  let s = `${name} ${base}${boost ? ` (boost ${boost} included)` : ''}`;
  let m = base;
  if (scheme === 'reserves') {
    const step = (label: string, div: number): void => {
      const n = m - Math.floor(m / div);
      s += `; ${label}: ${m} − ${m}/${div} = ${n}`;
      m = n;
    };
    if (flags & ALLOC_RESERVES) {
      if (flags & ALLOC_MIN_RESERVE) {
        step('ALLOC_MIN_RESERVE', 2);
        if (flags & ALLOC_NON_BLOCK) step('ALLOC_NON_BLOCK', 4);
      }
      if (flags & ALLOC_OOM) step('ALLOC_OOM', 2);
    }
    return s;
  }
  if (flags & ALLOC_HIGH) {
    const n = m - Math.floor(m / 2);
    s += `; ALLOC_HIGH: ${m} − ${m}/2 = ${n}`;
    m = n;
  }
  if (flags & (ALLOC_HARDER | ALLOC_OOM)) {
    const oom = (flags & ALLOC_OOM) !== 0;
    const n = m - Math.floor(m / (oom ? 2 : 4));
    s += `; ${oom ? 'ALLOC_OOM' : 'ALLOC_HARDER'}: ${m} − ${m}/${oom ? 2 : 4} = ${n}`;
    m = n;
  }
  return s;
}

/** The pre-4.4 __zone_watermark_ok (3.x–4.3): subtract each lower order's free pages, halving min per order. */
function oldWatermarkOk(z: ZoneSnapshot, order: number, mark: number, reserve: number, flags: number, cmaConfigured: boolean): boolean {
  let free = z.free - ((1 << order) - 1);
  const min0 = effectiveMin(mark, flags);
  const cma = cmaConfigured && !(flags & ALLOC_CMA) ? z.freeCma : 0;
  if (free - cma <= min0 + reserve) return false;
  let min = min0;
  for (let o = 0; o < order; o++) {
    free -= (z.nrFree[o] ?? 0) * 2 ** o;
    min = Math.floor(min / 2);
    if (free <= min) return false;
  }
  return true;
}

export function zoneLabel(input: ExplainInput, z: ZoneSnapshot): string {
  return input.numa ? `Node ${z.nid} ${z.name}` : z.name;
}

export function checkZones(input: ExplainInput, ws: WatermarkState): boolean[] {
  const markIdx = input.allocFlags & ALLOC_WMARK_MASK;
  return input.zones.map((z, zi) => {
    const base = ws.wmark[zi * 4 + markIdx]! + ws.boost[zi]!;
    if (input.oldHighOrderCheck) return oldWatermarkOk({ ...z, wmark: [ws.wmark[zi * 4]!, ws.wmark[zi * 4 + 1]!, ws.wmark[zi * 4 + 2]!] }, input.order, base, ws.lowmemReserve[zi * ws.nz + input.highestZoneidx]!, input.allocFlags, input.cmaConfigured);
    return zoneWatermarkFast(ws, zi, input.order, base, input.highestZoneidx, input.allocFlags, input.gfp);
  });
}

/** Explain one zone of the zonelist. */
export function explainZone(input: ExplainInput, ws: WatermarkState, zi: number, okAll: readonly boolean[]): ZoneExplanation {
  const z = input.zones[zi]!;
  const { order, allocFlags: flags, highestZoneidx: hz } = input;
  const markIdx = flags & ALLOC_WMARK_MASK;
  const markName = WMARK_NAMES[markIdx] ?? 'min';
  const markBase = z.wmark[markIdx]! + z.boost;
  const scheme = input.allocScheme;
  const harder = (flags & highatomicUsableMask(scheme)) !== 0;
  const orderSlack = (1 << order) - 1;
  const highatomic = harder ? 0 : z.reservedHighatomic;
  const cmaExcluded = input.cmaConfigured && !(flags & ALLOC_CMA) ? z.freeCma : 0;
  const unusable = zoneWatermarkUnusableFree(ws, zi, order, flags);
  const counted = z.free - unusable;
  let mark = effectiveMin(markBase, flags, scheme);
  let markText = markArithmetic(markName, markBase, z.boost, flags, scheme);
  const reserve = z.lowmemReserve[hz] ?? 0;
  let watermarkOk = counted > mark + reserve;
  // zone_watermark_fast: order-0 __GFP_ATOMIC (reserves: ALLOC_MIN_RESERVE) at the min mark retries with the unboosted min
  const atomic = scheme === 'reserves' ? flags & ALLOC_MIN_RESERVE : input.gfp & __GFP_ATOMIC;
  if (!watermarkOk && order === 0 && atomic && z.boost > 0 && markIdx === 0) {
    const m2 = effectiveMin(z.wmark[0], flags, scheme);
    markText += `; boosted check failed, ${scheme === 'reserves' ? 'ALLOC_MIN_RESERVE' : 'GFP_ATOMIC'} retries with the unboosted min: ${markArithmetic('min', z.wmark[0], 0, flags, scheme)}`;
    mark = m2;
    watermarkOk = counted > mark + reserve;
  }
  const usable = usableMask(flags, scheme);
  const blockOk = order === 0 || (input.oldHighOrderCheck ? true : hasSuitableBlock(ws, zi, order, flags));
  const fao = freeAtOrder(z, order, usable);
  const ok = okAll[zi]!;
  const cmaCounted = input.cmaConfigured && flags & ALLOC_CMA ? z.freeCma : 0;
  const countedText = `${z.free} free − ${orderSlack} (2^${order} − 1) − ${highatomic} highatomic${harder && z.reservedHighatomic ? ` (${z.reservedHighatomic} reserved, usable by ${scheme === 'reserves' ? 'ALLOC_RESERVES' : 'ALLOC_HARDER'})` : ''} − ${cmaExcluded} free CMA${cmaCounted ? ` (${cmaCounted} free CMA counted: ALLOC_CMA)` : ''} = ${counted}`;
  let reason: string;
  let failed: ZoneExplanation['failed_test'] = null;
  if (!watermarkOk) {
    failed = 'watermark';
    reason = `${counted} <= ${mark} + ${reserve}: free pages counted are not above the ${markName} watermark${reserve ? ' plus lowmem_reserve' : ''}`;
    const why: string[] = [];
    if (reserve && counted > mark) why.push(`without lowmem_reserve[${input.zoneNames[hz]}] (${reserve}) it would pass`);
    if (highatomic && z.free - orderSlack - cmaExcluded > mark + reserve) why.push(`the ${highatomic} pages of the highatomic reserve are what it lacks`);
    if (cmaExcluded && z.free - orderSlack - highatomic > mark + reserve) why.push(`${cmaExcluded} free pages are CMA, which a non-movable request may not use`);
    if (why.length) reason += ` (${why.join('; ')})`;
  } else if (!blockOk || (input.oldHighOrderCheck && !ok)) {
    failed = 'no-suitable-block';
    reason = input.oldHighOrderCheck
      ? `enough free pages, but too few of them in blocks of order ≥ ${order} (the pre-4.4 test subtracts each lower order's free pages, halving the mark per order)`
      : `${counted} > ${mark} + ${reserve}, but no free block of order ≥ ${order} on the lists this request may use (${letters(usable)})`;
  } else if (ok) {
    reason = `${counted} > ${mark} + ${reserve}${order ? ` and a free block of order ≥ ${order} exists` : ''}: this check passes on these numbers`;
  } else {
    failed = 'watermark';
    reason = `refused by zone_watermark_fast`;
  }
  // reclaim: zone_reclaimable_pages and should_reclaim_retry's check against min_wmark_pages (boosted)
  const [ia, aa, ifl, afl] = z.lru;
  const reclaimable = ifl + afl + (input.swap ? ia + aa : 0);
  const okAfterReclaim = input.oldHighOrderCheck ? false : zoneWatermarkOkFree(ws, zi, order, z.wmark[0] + z.boost, hz, flags, z.free + reclaimable);
  let fragIdx: number | null = null;
  let compaction: string | null = null;
  if (order > 0 && z.nrFree.length) {
    fragIdx = fragmentationIndexOf(fillContigPageInfo(z.nrFree, order), order);
    compaction = compactionSuitable(input, ws, zi, fragIdx);
  }
  return {
    zone: zoneLabel(input, z),
    nid: z.nid,
    name: z.name,
    free: z.free,
    counted_free: counted,
    order_slack: orderSlack,
    highatomic,
    cma_excluded: cmaExcluded,
    cma_counted: cmaCounted,
    mark_name: markName,
    mark_base: markBase,
    boost: z.boost,
    mark,
    mark_arithmetic: markText,
    counted_arithmetic: countedText,
    reserve,
    free_at_order: fao.n,
    free_at_order_exact: fao.exact,
    watermark_ok: watermarkOk,
    block_ok: blockOk,
    ok,
    failed_test: failed,
    reason,
    reclaimable,
    ok_after_reclaim: okAfterReclaim,
    fragmentation_index: fragIdx,
    compaction,
  };
}

/**
 * compaction_suitable (mm/compaction.c, the same in 5.10 and 6.1): 'success' when the request's
 * own watermark check already passes; 'skipped' when the order-0 check at (order > 3 ? low : min) +
 * compact_gap(order) fails with ALLOC_CMA (too few free pages to migrate into); for costly orders
 * 'not_suitable_zone' when the fragmentation index is 0..extfrag_threshold (a low-memory failure,
 * not fragmentation); else 'continue'.
 */
function compactionSuitable(input: ExplainInput, ws: WatermarkState, zi: number, fragIdx: number): string {
  const z = input.zones[zi]!;
  const { order, highestZoneidx: hz, allocFlags } = input;
  const markIdx = allocFlags & ALLOC_WMARK_MASK;
  if (zoneWatermarkOkFree(ws, zi, order, z.wmark[markIdx]! + z.boost, hz, allocFlags, z.free)) return 'success';
  const wm = (order > PAGE_ALLOC_COSTLY_ORDER ? z.wmark[1] : z.wmark[0]) + z.boost + (2 << order);
  if (!zoneWatermarkOkFree(ws, zi, 0, wm, hz, ALLOC_CMA, z.free)) return 'skipped';
  if (order > PAGE_ALLOC_COSTLY_ORDER && fragIdx >= 0 && fragIdx <= (input.extfragThreshold ?? EXTFRAG_THRESHOLD_DEFAULT)) return 'not_suitable_zone';
  return 'continue';
}
