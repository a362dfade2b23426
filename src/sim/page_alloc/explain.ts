/**
 * Why an allocation failed, in numbers and plain words: the request is run again, zone by zone of
 * its zonelist, through the allocator's own watermark code (watermark.ts: the unusable free pages
 * of __zone_watermark_unusable_free, the mark's ALLOC_HIGH/HARDER/OOM reductions, the
 * `free <= min + lowmem_reserve` test, the high-order block test, zone_watermark_fast's order-0
 * shortcut and GFP_ATOMIC unboosted retry). Around it: what the zonelist and migratetype fallbacks
 * could take, what reclaim could free (zone_reclaimable_pages, should_reclaim_retry's test), what
 * compaction could do (fragmentation index, compaction_suitable), and which vm sysctl value would
 * have let the check pass (computed with the tunables calculator, src/sim/tunables).
 *
 * The input is a snapshot of zone state (ZoneSnapshot): the model takes one from its RunState when
 * an allocation fails (explain-run.ts); `mmbook explain` builds one from a real kernel's report
 * (explain-report.ts). Everything returned is plain data.
 */
import { MIGRATE_CMA, MIGRATE_HIGHATOMIC, MIGRATE_TYPES, MIGRATETYPE_NAMES, PAGE_ALLOC_COSTLY_ORDER } from '../types';
import { fillContigPageInfo, fragmentationIndexOf } from '../compaction/frag-index';
import { EXTFRAG_THRESHOLD_DEFAULT } from '../compaction/constants';
import { ALLOC_CMA, ALLOC_HIGH, ALLOC_MIN_RESERVE, ALLOC_NON_BLOCK, ALLOC_OOM, ALLOC_RESERVES, ALLOC_HARDER, ALLOC_WMARK_MASK, formatAllocFlags, highatomicUsableMask, mayUseHighatomic } from './alloc-flags';
import { __GFP_ATOMIC, __GFP_THISNODE } from './gfp';
import { effectiveMin, hasSuitableBlock, zoneWatermarkFast, zoneWatermarkOkFree, zoneWatermarkUnusableFree, type WatermarkState } from './watermark';
import { cloneState, writeSysctl, type TunableState } from '../tunables';
import { setupPerZoneWmarksCoreMut } from '../tunables/watermarks';
import { setupPerZoneLowmemReserveMut } from '../tunables/lowmem-reserve';
import { MIGRATETYPE_LETTERS } from './show-mem';

const INT_MAX = 2147483647;
const WMARK_NAMES = ['min', 'low', 'high'] as const;

/** One zone's state as the watermark checks need it. Counts are pages. */
export interface ZoneSnapshot {
  nid: number;
  /** index in the zone enum */
  idx: number;
  name: string;
  /** NR_FREE_PAGES */
  free: number;
  /** NR_FREE_CMA_PAGES */
  freeCma: number;
  managed: number;
  present: number;
  /** _watermark[MIN], [LOW], [HIGH] without boost */
  wmark: readonly [number, number, number];
  /** watermark_boost */
  boost: number;
  /** nr_reserved_highatomic */
  reservedHighatomic: number;
  /** lowmem_reserve[0..MAX_NR_ZONES-1] */
  lowmemReserve: readonly number[];
  /** nr_free per order (all lists); empty when not known */
  nrFree: readonly number[];
  /** per order: bit mt set when free_list[mt] has a block (the show_free_areas letters) */
  typeMask: readonly number[];
  /** per order and migratetype: blocks (the model knows them; a report prints only the letters) */
  nrFreeByType: readonly (readonly number[])[] | null;
  /** LRU pages of the zone: inactive_anon, active_anon, inactive_file, active_file, unevictable */
  lru: readonly [number, number, number, number, number];
  highmem: boolean;
}

export interface ExplainInput {
  /** kernel version text for the wording ("6.1", "5.10", "4.19.0") */
  kernel: string;
  cmaConfigured: boolean;
  watermarkFastClamp: boolean;
  /**
   * the reserve-flag scheme of the kernel: 'harder' (ALLOC_HARDER/ALLOC_HIGH: 5.10, 6.1.0–6.1.20
   * and older) or 'reserves' (ALLOC_NON_BLOCK/ALLOC_MIN_RESERVE/ALLOC_HIGHATOMIC: 6.3+, and the
   * 6.1 profile, whose stable branch has them backported)
   */
  allocScheme: 'harder' | 'reserves';
  order: number;
  gfp: number;
  /** the mask as the kernel prints it: `0xcc0(GFP_KERNEL)` */
  gfpText: string;
  /** the alloc_flags of the attempt being explained (the slow path's: WMARK_MIN …) */
  allocFlags: number;
  zoneNames: readonly string[];
  highestZoneidx: number;
  migratetype: number;
  numa: boolean;
  /** the zonelist, in order; zones above highest_zoneidx are left out by the caller */
  zones: readonly ZoneSnapshot[];
  /** anon LRU pages are reclaimable (swap space is available) */
  swap: boolean;
  pageblockOrder: number;
  /** the tunables with the zones' current managed pages, for the tuning search; null = none */
  tunables: TunableState | null;
  /** current values of the tunables when they are inferred, not known ("≈22528") */
  tunablesInferred?: boolean;
  /** pre-4.4 kernels: __zone_watermark_ok's high-order test subtracted the lower orders' pages instead of looking for a block */
  oldHighOrderCheck?: boolean;
  /** said about the input (inferences, caveats) */
  notes?: string[];
}

export interface ZoneExplanation {
  /** "Node 0 DMA32" on NUMA kernels, else "DMA32" */
  zone: string;
  nid: number;
  name: string;
  /** NR_FREE_PAGES */
  free: number;
  /** free minus what this request may not count */
  counted_free: number;
  /** pages subtracted: 2^order − 1, the highatomic reserve, free CMA */
  order_slack: number;
  highatomic: number;
  cma_excluded: number;
  /** free CMA pages counted (ALLOC_CMA) */
  cma_counted: number;
  mark_name: 'min' | 'low' | 'high';
  /** the watermark read (wmark_pages: _watermark + boost) */
  mark_base: number;
  boost: number;
  /** after the ALLOC_HIGH/HARDER/OOM reductions */
  mark: number;
  mark_arithmetic: string;
  counted_arithmetic: string;
  /** lowmem_reserve[highest_zoneidx] */
  reserve: number;
  /** free blocks of order ≥ the request's on the lists it may use */
  free_at_order: number;
  /** false when the report only gives the lists' letters: free_at_order is then an upper bound */
  free_at_order_exact: boolean;
  /** watermark test passed (free > mark + reserve) */
  watermark_ok: boolean;
  /** a block at ≥ order on a usable list (always true for order 0) */
  block_ok: boolean;
  ok: boolean;
  /** 'watermark' | 'no-suitable-block' | null */
  failed_test: 'watermark' | 'no-suitable-block' | null;
  reason: string;
  /** zone_reclaimable_pages: file LRU (+ anon with swap) */
  reclaimable: number;
  /** should_reclaim_retry's test: the min check with the reclaimable pages added */
  ok_after_reclaim: boolean;
  /** fragmentation index at the order (×1000; −1000 = a suitable block exists), null for order 0 */
  fragmentation_index: number | null;
  /** compaction_suitable: 'success' | 'continue' | 'skipped' | 'not_suitable_zone' | null (order 0) */
  compaction: string | null;
}

export interface TuningSuggestion {
  sysctl: string;
  /** the value now (inferred for reports) */
  current: string;
  /** the value that lets the check pass, or null when no value of this sysctl helps */
  value: string | null;
  text: string;
}

export interface FailureExplanation {
  order: number;
  gfp: string;
  gfp_mask: number;
  alloc_flags: number;
  alloc_flags_text: string;
  migratetype: string;
  highest_zone: string;
  highest_zoneidx: number;
  zones: ZoneExplanation[];
  fallback: string[];
  reclaim: string[];
  compaction: string[];
  tuning: TuningSuggestion[];
  verdict: string;
  notes: string[];
  /** all of the above in plain words (renderExplanation) */
  text: string;
}

/** A WatermarkState over snapshots (index = position in `zones`), with optional watermark/reserve overrides. */
function snapshotState(input: ExplainInput, zones: readonly ZoneSnapshot[]): WatermarkState {
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

function zoneLabel(input: ExplainInput, z: ZoneSnapshot): string {
  return input.numa ? `Node ${z.nid} ${z.name}` : z.name;
}

function checkZones(input: ExplainInput, ws: WatermarkState): boolean[] {
  const markIdx = input.allocFlags & ALLOC_WMARK_MASK;
  return input.zones.map((z, zi) => {
    const base = ws.wmark[zi * 4 + markIdx]! + ws.boost[zi]!;
    if (input.oldHighOrderCheck) return oldWatermarkOk({ ...z, wmark: [ws.wmark[zi * 4]!, ws.wmark[zi * 4 + 1]!, ws.wmark[zi * 4 + 2]!] }, input.order, base, ws.lowmemReserve[zi * ws.nz + input.highestZoneidx]!, input.allocFlags, input.cmaConfigured);
    return zoneWatermarkFast(ws, zi, input.order, base, input.highestZoneidx, input.allocFlags, input.gfp);
  });
}

/** Explain one zone of the zonelist. */
function explainZone(input: ExplainInput, ws: WatermarkState, zi: number, okAll: readonly boolean[]): ZoneExplanation {
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
  if (order > PAGE_ALLOC_COSTLY_ORDER && fragIdx >= 0 && fragIdx <= EXTFRAG_THRESHOLD_DEFAULT) return 'not_suitable_zone';
  return 'continue';
}

/** The snapshot state with other watermarks / reserves (the free lists are shared, not copied). */
function withOverrides(base: WatermarkState, input: ExplainInput, over: { wmark?: number[][]; boost?: number[]; lowmem?: number[][] }): WatermarkState {
  const nz = base.nz;
  const ws = { ...base, wmark: base.wmark.slice(), boost: base.boost.slice(), lowmemReserve: base.lowmemReserve.slice() };
  input.zones.forEach((_, zi) => {
    const w = over.wmark?.[zi];
    if (w) for (let k = 0; k < 3; k++) ws.wmark[zi * 4 + k] = w[k]!;
    if (over.boost) ws.boost[zi] = over.boost[zi]!;
    const lm = over.lowmem?.[zi];
    if (lm) for (let j = 0; j < nz; j++) ws.lowmemReserve[zi * nz + j] = lm[j] ?? 0;
  });
  return ws;
}

/** Would the request pass in some zone with these watermarks / reserves? */
function passesWith(base: WatermarkState, input: ExplainInput, over: { wmark?: number[][]; boost?: number[]; lowmem?: number[][] }): boolean {
  return checkZones(input, withOverrides(base, input, over)).some(Boolean);
}

/** The tunables zone of a snapshot, or undefined. */
function tzoneOf(t: TunableState, z: ZoneSnapshot) {
  return t.zones.find((tz) => tz.nid === z.nid && tz.idx === z.idx);
}

/**
 * The sysctl values that would have let the request pass, each found by bisection over what the
 * kernel's sysctl handler recomputes (setup_per_zone_wmarks for vm.min_free_kbytes,
 * setup_per_zone_lowmem_reserve for vm.lowmem_reserve_ratio, with the zones' current managed
 * pages; the tunables calculator's functions on one scratch copy) and the watermark check run
 * again; the value found is then written once through writeSysctl, the handler itself.
 */
function tuningSuggestions(input: ExplainInput, base: WatermarkState): TuningSuggestion[] {
  const t = input.tunables;
  if (!t) return [];
  const out: TuningSuggestion[] = [];
  const approx = input.tunablesInferred ? '≈' : '';
  const zones = input.zones;
  const markIdx = input.allocFlags & ALLOC_WMARK_MASK;
  const scratch = cloneState(t);
  const tz = zones.map((z) => scratch.zones.findIndex((x) => x.nid === z.nid && x.idx === z.idx));
  // vm.min_free_kbytes: setup_per_zone_wmarks (which also clears the boost) with another value
  const withMinFree = (v: number): boolean => {
    scratch.minFreeKbytes = v;
    setupPerZoneWmarksCoreMut(scratch);
    const wm = zones.map((z, k) => {
      const w = scratch.zones[tz[k]!]?.wmark;
      return w ? [w.min, w.low, w.high] : [...z.wmark];
    });
    return passesWith(base, input, { wmark: wm, boost: zones.map(() => 0) });
  };
  const cur = t.minFreeKbytes;
  if (withMinFree(cur) && !passesWith(base, input, {})) {
    out.push({ sysctl: 'vm.min_free_kbytes', current: `${approx}${cur}`, value: String(cur), text: `rewriting vm.min_free_kbytes (even with its current value) recomputes the watermarks and clears the boost of ${zones.filter((z) => z.boost).map((z) => zoneLabel(input, z)).join(', ')}; that alone lets the check pass` });
  } else if (!withMinFree(0)) {
    out.push({ sysctl: 'vm.min_free_kbytes', current: `${approx}${cur}`, value: null, text: `no value helps: even vm.min_free_kbytes=0 (min watermark ${zones.map((z) => (z.highmem ? 'clamped to ≥ 32 in highmem' : '0')).join('/')}) does not let the check pass` });
  } else {
    let lo = 0;
    let hi = cur;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (withMinFree(mid)) lo = mid;
      else hi = mid - 1;
    }
    const s = writeSysctl(t, 'vm.min_free_kbytes', lo);
    const mins = zones.map((z) => `${zoneLabel(input, z)} ${tzoneOf(s, z)?.wmark.min ?? '?'}`).join(', ');
    out.push({ sysctl: 'vm.min_free_kbytes', current: `${approx}${cur}`, value: String(lo), text: `vm.min_free_kbytes ≤ ${lo} (now ${approx}${cur}) lowers the min watermark enough (min: ${mins}); it also shrinks the reserve that atomic and PF_MEMALLOC allocations live on` });
  }
  // vm.lowmem_reserve_ratio: for a zone refused only by its reserve, the smallest ratio that lets it pass
  zones.forEach((z, zi) => {
    const reserve = z.lowmemReserve[input.highestZoneidx] ?? 0;
    if (!reserve) return;
    const noReserve = zones.map((zz, k) => (k === zi ? zz.lowmemReserve.map(() => 0) : [...zz.lowmemReserve]));
    if (!passesWith(base, input, { lowmem: noReserve })) return;
    const ratios = [...t.lowmemReserveRatio];
    const curRatio = ratios[z.idx] ?? 0;
    const lowmemWith = (r: number): number[][] => {
      scratch.lowmemReserveRatio = [...ratios];
      scratch.lowmemReserveRatio[z.idx] = r;
      setupPerZoneLowmemReserveMut(scratch);
      return zones.map((zz, k) => [...(scratch.zones[tz[k]!]?.lowmemReserve ?? zz.lowmemReserve)]);
    };
    const passR = (r: number): boolean => passesWith(base, input, { lowmem: lowmemWith(r) });
    // exponential search up from the current ratio, then bisection
    let lo = Math.max(1, curRatio);
    let hi = lo;
    while (!passR(hi)) {
      if (hi >= INT_MAX) return;
      lo = hi + 1;
      hi = Math.min(INT_MAX, hi * 2);
    }
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (passR(mid)) hi = mid;
      else lo = mid + 1;
    }
    const rrLo = [...ratios];
    rrLo[z.idx] = lo;
    const newRes = tzoneOf(writeSysctl(t, 'vm.lowmem_reserve_ratio', rrLo), z)?.lowmemReserve[input.highestZoneidx] ?? 0;
    if (lo <= curRatio) {
      out.push({ sysctl: 'vm.lowmem_reserve_ratio', current: `${approx}${ratios.join(' ')}`, value: ratios.join(' '), text: `rewriting vm.lowmem_reserve_ratio with its current values recomputes ${z.name}'s reserve from today's managed pages (${reserve} → ${newRes}), which lets ${zoneLabel(input, z)} serve it` });
      return;
    }
    out.push({
      sysctl: 'vm.lowmem_reserve_ratio',
      current: `${approx}${t.lowmemReserveRatio.join(' ')}`,
      value: rrLo.join(' '),
      text: `raising ${z.name}'s lowmem_reserve_ratio from ${approx}${curRatio} to ≥ ${lo} cuts its lowmem_reserve[${input.zoneNames[input.highestZoneidx]}] from ${reserve} to ${newRes} pages, which lets ${zoneLabel(input, z)} serve it (the reserve protects ${z.name} from requests that could use higher zones)`,
    });
  });
  // vm.watermark_scale_factor: only low and high depend on it
  if (markIdx === 0) {
    const anyReclaim = zones.some((z) => z.lru[2] + z.lru[3] + (input.swap ? z.lru[0] + z.lru[1] : 0) > 0);
    out.push({
      sysctl: 'vm.watermark_scale_factor',
      current: `${approx}${t.watermarkScaleFactor}`,
      value: null,
      text: `cannot change this check: the slow path tests the min watermark, and watermark_scale_factor only sets the gap to low and high (low = min + max(min/4, managed × factor / 10000)); a larger factor wakes kswapd earlier${anyReclaim ? ', which helps while it has pages to reclaim' : ', but there was nothing it could reclaim'}`,
    });
  }
  return out;
}

/** Does each zone of the input pass the request's watermark check (zone_watermark_fast)? */
export function zonesPass(input: ExplainInput): boolean[] {
  return checkZones(input, snapshotState(input, input.zones));
}

/** Run the explanation. */
export function explainFailure(input: ExplainInput): FailureExplanation {
  const ws = snapshotState(input, input.zones);
  const okAll = checkZones(input, ws);
  const zones = input.zones.map((_, zi) => explainZone(input, ws, zi, okAll));
  const { order, allocFlags: flags } = input;
  const mtName = MIGRATETYPE_NAMES[input.migratetype] ?? String(input.migratetype);
  const hzName = input.zoneNames[input.highestZoneidx] ?? String(input.highestZoneidx);
  const fallback: string[] = [];
  fallback.push(
    zones.length
      ? `zonelist: ${zones.map((z) => z.zone).join(' → ')} (zones up to ${hzName}; get_page_from_freelist moves to the next zone when one refuses)${input.gfp & __GFP_THISNODE ? '; __GFP_THISNODE keeps it on its own node' : ''}`
      : `no zone at or below ${hzName} has memory: the zonelist for this request is empty`,
  );
  const fb = { 0: 'Reclaimable, then Movable', 1: 'Reclaimable, then Unmovable', 2: 'Unmovable, then Movable' }[input.migratetype as 0 | 1 | 2];
  if (fb) fallback.push(`migratetype: ${/^[AEIOU]/.test(mtName) ? 'an' : 'a'} ${mtName} request takes its own free lists first, then steals from ${fb} (__rmqueue_fallback); so every Unmovable, Movable and Reclaimable block counts for the watermark's block test`);
  if (input.cmaConfigured) {
    const cma = zones.reduce((s, z) => s + z.cma_excluded + z.cma_counted, 0);
    if (flags & ALLOC_CMA) fallback.push(`CMA: a movable request may also use CMA pageblocks (ALLOC_CMA): ${cma} free CMA pages are counted`);
    else if (cma) fallback.push(`CMA: ${cma} free pages are in CMA pageblocks, which only movable requests may use: not counted`);
  }
  const ha = input.zones.reduce((s, z) => s + z.reservedHighatomic, 0);
  if (ha) {
    fallback.push(flags & highatomicUsableMask(input.allocScheme)
      ? `highatomic: ${ha} reserved pages count for the watermark (${formatAllocFlags(flags & highatomicUsableMask(input.allocScheme), input.allocScheme).replace('ALLOC_WMARK_MIN|', '')})`
      : `highatomic: ${ha} pages are reserved for high-order atomic requests and held back from this one`);
  }
  if (zones.some((z) => z.reserve)) fallback.push(`lowmem_reserve: lower zones keep lowmem_reserve[${hzName}] pages back from requests that could have used ${hzName} (${zones.filter((z) => z.reserve).map((z) => `${z.zone} ${z.reserve}`).join(', ')})`);

  const reclaim: string[] = [];
  for (const z of zones) {
    const src = input.zones.find((s) => zoneLabel(input, s) === z.zone)!;
    const file = src.lru[2] + src.lru[3];
    const anon = src.lru[0] + src.lru[1];
    let s = `${z.zone}: ${z.reclaimable} reclaimable pages (file LRU ${file}${input.swap ? `, anon LRU ${anon} with swap` : anon ? `; ${anon} anon/shmem pages need swap, and there is none` : ''})`;
    if (!z.ok) {
      if (z.ok_after_reclaim) s += '; with them the min check would pass, so reclaim could have saved it';
      else if (z.reclaimable && z.counted_free + z.reclaimable > z.mark + z.reserve && z.failed_test === 'no-suitable-block') s += `; with them the watermark would pass, but reclaim does not make a free block of order ≥ ${order} (should_reclaim_retry's test)`;
      else s += '; even with all of them the min check would fail';
    }
    reclaim.push(s);
  }
  const compaction: string[] = [];
  if (order > 0) {
    for (const z of zones) {
      const src = input.zones.find((s) => zoneLabel(input, s) === z.zone)!;
      const fi = z.fragmentation_index;
      const fiText = fi === null ? 'unknown' : fi === -1000 ? '-1.000 (a free block of the order exists)' : `${(fi / 1000).toFixed(3)}`;
      const what = {
        success: 'not needed (the watermark check already passes)',
        continue: `could run: ${src.free} free pages would make ${Math.floor(src.free / 2 ** order)} order-${order} blocks if they were contiguous`,
        skipped: `would be skipped: too few free pages to migrate into (needs more than the ${order > PAGE_ALLOC_COSTLY_ORDER ? 'low' : 'min'} watermark + ${2 << order})`,
        not_suitable_zone: `would not run: the fragmentation index is ≤ ${EXTFRAG_THRESHOLD_DEFAULT / 1000} (a low-memory failure, not fragmentation)`,
      }[z.compaction ?? 'continue'];
      compaction.push(`${z.zone}: fragmentation index ${fiText}; compaction ${what}`);
    }
  } else {
    compaction.push('order 0: compaction does not apply (__alloc_pages_direct_compact returns at once for order 0)');
  }
  const tuning = tuningSuggestions(input, ws);
  const verdict = makeVerdict(input, zones, hzName, mtName);
  const e: FailureExplanation = {
    order,
    gfp: input.gfpText,
    gfp_mask: input.gfp,
    alloc_flags: flags,
    alloc_flags_text: formatAllocFlags(flags, input.allocScheme),
    migratetype: mtName,
    highest_zone: hzName,
    highest_zoneidx: input.highestZoneidx,
    zones,
    fallback,
    reclaim,
    compaction,
    tuning,
    verdict,
    notes: [...(input.notes ?? [])],
    text: '',
  };
  e.text = renderExplanation(e);
  return e;
}

function makeVerdict(input: ExplainInput, zones: ZoneExplanation[], hzName: string, mtName: string): string {
  const { order } = input;
  const req = `order-${order} ${mtName} request (${input.gfpText}, zones up to ${hzName})`;
  if (!zones.length) return `The ${req} had no zone to allocate from.`;
  const passing = zones.filter((z) => z.ok);
  if (passing.length) {
    return `On these numbers ${passing.map((z) => z.zone).join(', ')} would pass the ${zones[0]!.mark_name} check for the ${req}: the zone changed between the allocator's last attempt and this snapshot (frees on other CPUs, per-cpu pages, vmstat drift), or the block was lost to another list.`;
  }
  const wm = zones.filter((z) => z.failed_test === 'watermark');
  const blk = zones.filter((z) => z.failed_test === 'no-suitable-block');
  const parts: string[] = [];
  if (wm.length === zones.length) {
    parts.push(`Every zone the ${req} may use was at or below its ${zones[0]!.mark_name} watermark: ${wm.map((z) => `${z.zone} counted ${z.counted_free} ≤ ${z.mark}${z.reserve ? ` + ${z.reserve} reserve` : ''}`).join('; ')}. It failed for lack of free memory, not fragmentation.`);
  } else if (blk.length === zones.length) {
    parts.push(`Every zone had enough free pages for the ${req}, but none had a free block of order ≥ ${order} on a list it may use: ${blk.map((z) => `${z.zone} ${z.counted_free} counted free`).join('; ')}. It failed because free memory was fragmented.`);
  } else {
    parts.push(`The ${req} was refused everywhere: ${zones.map((z) => `${z.zone} ${z.failed_test === 'watermark' ? `below the watermark (${z.counted_free} ≤ ${z.mark}${z.reserve ? ` + ${z.reserve}` : ''})` : 'no free block of the order'}`).join('; ')}.`);
  }
  const rec = zones.filter((z) => z.ok_after_reclaim);
  if (rec.length) parts.push(`Reclaim could have made ${rec.map((z) => z.zone).join(', ')} pass (${rec.map((z) => `${z.reclaimable} reclaimable`).join(', ')}).`);
  else if (zones.every((z) => z.reclaimable === 0)) {
    const anon = input.zones.reduce((s, z) => s + z.lru[0] + z.lru[1], 0);
    parts.push(`Nothing was reclaimable (no file pages${!input.swap && anon ? `; ${anon} anon and shmem pages need swap, and there is none` : ''}).`);
  }
  else parts.push('Reclaiming every reclaimable page would not have been enough.');
  if (order > 0) {
    const cont = zones.filter((z) => z.compaction === 'continue');
    if (cont.length) parts.push(`Compaction could try in ${cont.map((z) => z.zone).join(', ')}.`);
  }
  return parts.join(' ');
}

/** The explanation as text: per zone the check and its numbers, then fallback, reclaim, compaction, tuning and the verdict. */
export function renderExplanation(e: FailureExplanation): string {
  const L: string[] = [];
  L.push(`request: order ${e.order}, mode ${e.gfp}: ${e.migratetype}, zones up to ${e.highest_zone} (lowmem_reserve column ${e.highest_zoneidx}), alloc_flags ${e.alloc_flags_text}`);
  L.push('');
  for (const z of e.zones) {
    L.push(`${z.zone}: ${z.ok ? 'PASSES' : `REFUSED (${z.failed_test === 'watermark' ? 'watermark' : 'no suitable block'})`}`);
    L.push(`  counted free: ${z.counted_arithmetic}`);
    L.push(`  mark:         ${z.mark_arithmetic}${z.mark_arithmetic.endsWith(` ${z.mark}`) ? '' : ` → ${z.mark}`}`);
    L.push(`  reserve:      lowmem_reserve[${e.highest_zoneidx}] = ${z.reserve}`);
    L.push(`  test:         ${z.reason}`);
    if (e.order > 0) L.push(`  blocks:       ${z.free_at_order_exact ? '' : '≤ '}${z.free_at_order} free blocks of order ≥ ${e.order} on usable lists`);
  }
  const sec = (title: string, lines: readonly string[]) => {
    if (!lines.length) return;
    L.push('', `${title}:`);
    for (const l of lines) L.push(`  ${l}`);
  };
  sec('fallback', e.fallback);
  sec('reclaim', e.reclaim);
  sec('compaction', e.compaction);
  sec('tuning', e.tuning.map((t) => `${t.sysctl}: ${t.text}`));
  sec('notes', e.notes);
  L.push('', `verdict: ${e.verdict}`);
  return L.join('\n') + '\n';
}
