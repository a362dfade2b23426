/**
 * The vm sysctl values that would have let a failed request pass (the "tuning" part of explain.ts):
 * vm.min_free_kbytes and vm.lowmem_reserve_ratio found by search over what their handlers
 * recompute (src/sim/tunables), and why vm.watermark_scale_factor cannot change a min check.
 */
import { ALLOC_WMARK_MASK } from './alloc-flags';
import type { WatermarkState } from './watermark';
import { cloneState, writeSysctl, type TunableState } from '../tunables';
import { setupPerZoneWmarksCoreMut } from '../tunables/watermarks';
import { setupPerZoneLowmemReserveMut } from '../tunables/lowmem-reserve';
import { checkZones, zoneLabel } from './explain-zone';
import type { ExplainInput, TuningSuggestion, ZoneSnapshot } from './explain-types';

const INT_MAX = 2147483647;

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
export function tuningSuggestions(input: ExplainInput, base: WatermarkState): TuningSuggestion[] {
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
