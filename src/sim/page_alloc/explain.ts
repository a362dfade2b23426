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
import { MIGRATETYPE_NAMES, PAGE_ALLOC_COSTLY_ORDER } from '../types';
import { EXTFRAG_THRESHOLD_DEFAULT } from '../compaction/constants';
import { ALLOC_CMA, formatAllocFlags, highatomicUsableMask } from './alloc-flags';
import { __GFP_THISNODE } from './gfp';
import { checkZones, explainZone, snapshotState, zoneLabel } from './explain-zone';
import { tuningSuggestions } from './explain-tuning';
import type { ExplainInput, FailureExplanation, ZoneExplanation } from './explain-types';

export type { ExplainInput, FailureExplanation, TuningSuggestion, ZoneExplanation, ZoneSnapshot } from './explain-types';

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
        not_suitable_zone: `would not run: the fragmentation index is ≤ ${(input.extfragThreshold ?? EXTFRAG_THRESHOLD_DEFAULT) / 1000} (vm.extfrag_threshold ${input.extfragThreshold ?? EXTFRAG_THRESHOLD_DEFAULT}: a low-memory failure, not fragmentation)`,
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
