/**
 * vm.min_free_kbytes and vm.watermark_scale_factor of a real machine, inferred from its
 * zoneinfo: the printed watermarks are __setup_per_zone_wmarks (mm/page_alloc.c) of them,
 *   min_i = pages_min * M_i / L            (non-highmem zone i, 64-bit multiply, truncating)
 *   low_i - min_i = high_i - low_i = max(min_i >> 2, mult_frac(M_i, wsf, 10000))
 * with pages_min = min_free_kbytes >> 2 and L the sum of the non-highmem managed pages, where M_i
 * is managed when the kernel computed them: at boot that is before the initrd and init memory
 * were freed, so smaller than the managed the dump prints, by an amount the dump does not say.
 *
 * What the arithmetic allows without knowing M_i: the floors lose less than 1 page per zone and
 * sum(M_i / L) = 1, so pages_min lies in [S, S + k - 1] for S = sum of the mins and k = the
 * number of non-highmem zones with pages. The kernel's own rules then name the value: the THP
 * recommendation (pageblock pages x zones x 11), int_sqrt(lowmem_kbytes * 16), or mmbook's own
 * boot of the layout; when none fits, the lowest value of the range is reported. `exact` says
 * that this value, with the managed counts mmbook has for the moment of the computation (the
 * dump's, less a boot log's late frees), gives every printed watermark exactly. The 2 low bits of
 * min_free_kbytes never show in the watermarks: the lowest of the 4 kB-class is reported.
 */
import { intSqrt, mulDivU64, multFrac } from '../tunables';
import { watermarkScaleFactorMax } from '../tunables';
import type { KernelVersion } from '../types';

export interface Inferred {
  value: number;
  inferred: true;
  exact: boolean;
  /** the values consistent with the dump, when the arithmetic bounds them */
  range?: [number, number];
  /** how the value was found, for the user */
  basis: string;
}

/** One zone as the inference needs it: the dump's watermarks without boost. */
export interface InferZone {
  name: string;
  highmem: boolean;
  /** _watermark[] as printed minus boost; undefined when the dump has no watermark lines */
  min?: number;
  low?: number;
  high?: number;
  /** managed as printed (at the time of the dump) */
  managed: number;
  /** managed at the moment of the computation, as far as mmbook knows (boot log), else = managed */
  atWmark: number;
}

interface Candidate { kb: number; basis: string }

/** The watermark mins that `kb` gives with these managed counts (non-highmem zones). */
function minsOf(kb: number, zones: InferZone[], managed: (z: InferZone) => number): number[] {
  const pagesMin = kb >> 2;
  const lowmem = zones.filter((z) => !z.highmem).reduce((s, z) => s + managed(z), 0);
  return zones.filter((z) => !z.highmem).map((z) => (lowmem > 0 ? mulDivU64(pagesMin, managed(z), lowmem) : 0));
}

export function inferMinFreeKbytes(zones: InferZone[], pageblockOrder: number, modelKb: number): Inferred | null {
  const low = zones.filter((z) => !z.highmem);
  if (low.length === 0 || low.some((z) => z.min === undefined)) return null;
  const k = low.filter((z) => z.managed > 0).length;
  if (k === 0) return null;
  const s = low.reduce((a, z) => a + z.min!, 0);
  const range: [number, number] = [s * 4, (s + k - 1) * 4 + 3];
  const printed = low.map((z) => z.min!);
  const reproduces = (kb: number) => minsOf(kb, zones, (z) => z.atWmark).every((m, i) => m === printed[i]);
  const lowmemKb = low.reduce((a, z) => a + z.managed, 0) * 4;
  const candidates: Candidate[] = [{ kb: modelKb, basis: "mmbook's boot of this layout" }];
  for (let n = 1; n <= low.length; n++) {
    candidates.push({ kb: (2 ** pageblockOrder) * n * 11 * 4, basis: `the THP recommendation for ${n} zone${n > 1 ? 's' : ''} (set_recommended_min_free_kbytes)` });
  }
  candidates.push({ kb: Math.min(262144, Math.max(128, intSqrt(lowmemKb * 16))), basis: 'int_sqrt(lowmem_kbytes * 16) (calculate_min_free_kbytes)' });
  const inRange = candidates.filter((c) => (c.kb >> 2) >= s && (c.kb >> 2) <= s + k - 1);
  const pick = inRange.find((c) => reproduces(c.kb)) ?? inRange[0];
  if (pick) return { value: pick.kb, inferred: true, exact: reproduces(pick.kb), range, basis: pick.basis };
  // no kernel rule fits: a value set by the user (or a vendor's); every pages_min in the range
  // is consistent, report the one that reproduces the watermarks, else the lowest
  for (let p = s; p <= s + k - 1; p++) {
    if (reproduces(p * 4)) return { value: p * 4, inferred: true, exact: true, range, basis: 'the watermark mins (a value set at run time, or by the vendor)' };
  }
  return { value: s * 4, inferred: true, exact: false, range, basis: 'the sum of the watermark mins (no kernel rule reproduces them)' };
}

/**
 * floor(M * w / 10000) = dist for some M in [mLo, mHi]: w in [ceil(dist*10000/mHi), ceil((dist+1)*10000/mLo) - 1].
 * dist > min >> 2 pins the scale factor; dist = min >> 2 only bounds it from above.
 */
export function inferWatermarkScaleFactor(zones: InferZone[], kernel: KernelVersion, bootLogKnown: boolean): Inferred | null {
  const max = watermarkScaleFactorMax(kernel);
  const low = zones.filter((z) => !z.highmem && z.managed > 0 && z.min !== undefined && z.low !== undefined && z.high !== undefined);
  if (low.length === 0) return null;
  if (low.some((z) => z.high! - z.low! !== z.low! - z.min!)) {
    return { value: 10, inferred: true, exact: false, basis: 'none: high - low differs from low - min, so these watermarks are not low = min + dist, high = low + dist (kernels before 4.6 had no watermark_scale_factor); the default 10 is assumed' };
  }
  /** the scale factors consistent with every zone for managed in [mLo(z), z.managed] */
  const bounds = (mLo: (z: InferZone) => number): [number, number] => {
    let lo = 1;
    let hi = max;
    for (const z of low) {
      const dist = z.low! - z.min!;
      if (dist > (z.min! >> 2)) {
        lo = Math.max(lo, Math.ceil((dist * 10000) / z.managed));
        hi = Math.min(hi, Math.ceil(((dist + 1) * 10000) / Math.max(1, mLo(z))) - 1);
      } else {
        hi = Math.min(hi, Math.ceil((((z.min! >> 2) + 1) * 10000) / Math.max(1, mLo(z))) - 1);
      }
    }
    return [lo, hi];
  };
  const gives = (w: number, m: (z: InferZone) => number) => low.every((z) => Math.max(z.min! >> 2, multFrac(m(z), w, 10000)) === z.low! - z.min!);
  // computed with the managed mmbook has (the dump's, less a boot log's late frees: a run-time
  // write uses the managed the dump prints), else at boot with up to 20 % less (late frees)
  const tight = bounds((z) => z.atWmark);
  const loose = bootLogKnown ? tight : bounds((z) => Math.floor(z.managed * 0.8));
  const pinned = low.some((z) => z.low! - z.min! > (z.min! >> 2));
  const useTight = pinned && tight[0] <= tight[1] && (bootLogKnown || low.every((z) => z.atWmark === z.managed)) && [tight[0], 10].some((w) => w >= tight[0] && w <= tight[1] && gives(w, (z) => z.atWmark));
  const [lo, hi] = useTight ? tight : loose;
  if (lo > hi) return { value: 10, inferred: true, exact: false, basis: 'none: no scale factor gives these watermarks with the printed managed counts; the default 10 is assumed' };
  const value = lo <= 10 && 10 <= hi ? 10 : lo;
  const exact = pinned && lo === hi && gives(value, (z) => z.atWmark);
  const basis = !pinned
    ? `an upper bound only: low - min is min/4 in every zone, which any value up to ${hi} gives${value === 10 ? '; the default 10 is assumed' : ''}`
    : lo === hi ? 'low - min = mult_frac(managed, watermark_scale_factor, 10000)' : `low - min = mult_frac(managed, watermark_scale_factor, 10000), which values ${lo}–${hi} satisfy${value === 10 ? ' (the default 10 among them)' : ''}`;
  return { value, inferred: true, exact, range: [lo, hi], basis };
}
