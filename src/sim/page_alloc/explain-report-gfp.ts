/**
 * The GFP mask of a real allocation-failure report in the 5.10/6.1 bit layout (for explain-report.ts):
 * from the flag names when the kernel printed them (older kernels' names mapped to today's bits),
 * else from the hex with the layout of the report's kernel (3.x–4.3 numbered the bits differently).
 */
import type { ParsedAllocFailure } from '../input/alloc-failure-parse';
import {
  GFP_KERNEL, __GFP_ATOMIC, __GFP_DIRECT_RECLAIM, __GFP_DMA, __GFP_DMA32, __GFP_FS, __GFP_HARDWALL, __GFP_HIGH, __GFP_HIGHMEM, __GFP_IO, __GFP_KSWAPD_RECLAIM,
  __GFP_MEMALLOC, __GFP_MOVABLE, __GFP_NOFAIL, __GFP_NOMEMALLOC, __GFP_NORETRY, __GFP_NOWARN, __GFP_RECLAIMABLE, __GFP_RETRY_MAYFAIL, __GFP_THISNODE,
  __GFP_WRITE, __GFP_COMP, __GFP_ZERO, formatGfp, parseGfp,
} from './gfp';

export type VersionTuple = [number, number, number];

export function versionTuple(v: string | null): VersionTuple | null {
  const m = v ? /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}
/** the version is known and older than a.b */
export const before = (v: VersionTuple | null, a: number, b: number): boolean => !!v && (v[0] < a || (v[0] === a && v[1] < b));

/** Names older kernels print that the 5.10/6.1 table lacks, with the 5.10/6.1 bits of the same meaning. */
const OLD_GFP_NAMES: Record<string, number> = {
  __GFP_REPEAT: __GFP_RETRY_MAYFAIL,
  __GFP_WAIT: __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM,
  GFP_TEMPORARY: GFP_KERNEL | __GFP_RECLAIMABLE,
  GFP_IOFS: __GFP_IO | __GFP_FS,
  __GFP_COLD: 0,
  __GFP_NOTRACK: 0,
  __GFP_OTHER_NODE: 0,
  __GFP_NOACCOUNT: 0,
  __GFP_NO_KSWAPD: 0,
  __GFP_UNMAPPED: 0,
};

/** The GFP layout of 3.x–4.3 (include/linux/gfp.h before "mm, page_alloc: distinguish between being unable to sleep…"), for hex-only reports. */
const GFP_3X: Array<[number, number]> = [
  [0x01, __GFP_DMA], [0x02, __GFP_HIGHMEM], [0x04, __GFP_DMA32], [0x08, __GFP_MOVABLE], [0x10, __GFP_DIRECT_RECLAIM],
  [0x20, __GFP_HIGH], [0x40, __GFP_IO], [0x80, __GFP_FS], [0x200, __GFP_NOWARN], [0x400, __GFP_RETRY_MAYFAIL], [0x800, __GFP_NOFAIL],
  [0x1000, __GFP_NORETRY], [0x2000, __GFP_MEMALLOC], [0x4000, __GFP_COMP], [0x8000, __GFP_ZERO], [0x10000, __GFP_NOMEMALLOC],
  [0x20000, __GFP_HARDWALL], [0x40000, __GFP_THISNODE], [0x80000, __GFP_RECLAIMABLE], [0x1000000, __GFP_WRITE],
];
const GFP_3X_NO_KSWAPD = 0x400000;

/** The request's GFP mask in the 5.10/6.1 bit layout, from the names when printed, else the hex. */
export function decodeGfp(rep: ParsedAllocFailure, ver: [number, number, number] | null, inferred: string[], warnings: string[]): number {
  const hex = rep.gfpHex;
  if (rep.gfpNames !== null && rep.gfpNames.trim() !== '') {
    let mask = 0;
    const unknown: string[] = [];
    for (const part of rep.gfpNames.split('|').map((p) => p.trim()).filter(Boolean)) {
      if (/^0x[0-9a-f]+$/i.test(part)) {
        unknown.push(part);
        continue;
      }
      if (part in OLD_GFP_NAMES) {
        mask |= OLD_GFP_NAMES[part]!;
        continue;
      }
      try {
        mask |= parseGfp(part, 'mode');
      } catch {
        unknown.push(part);
      }
    }
    if (unknown.length) warnings.push(`GFP flags not known to the 5.10/6.1 table were left out: ${unknown.join(', ')}`);
    if ((mask >>> 0) !== hex) inferred.push(`the mode's names (${rep.gfpNames}) decode to 0x${(mask >>> 0).toString(16)} in the 5.10/6.1 bit layout, the kernel printed 0x${hex.toString(16)}: this kernel numbers the bits differently; the names are used`);
    return mask >>> 0;
  }
  if (ver === null || before(ver, 4, 4)) {
    let mask = 0;
    for (const [old, now] of GFP_3X) if (hex & old) mask |= now;
    // 3.x: a request that cannot sleep is "atomic" (ALLOC_HARDER); kswapd is woken unless __GFP_NO_KSWAPD
    if (!(hex & 0x10)) mask |= __GFP_ATOMIC;
    if (!(hex & GFP_3X_NO_KSWAPD)) mask |= __GFP_KSWAPD_RECLAIM;
    inferred.push(`mode 0x${hex.toString(16)} has no flag names; decoded with the 3.x–4.3 GFP layout (${ver ? `kernel ${ver.join('.')}` : 'the kernel version is not printed, and only kernels before 4.6 print the mask without names'}) as ${formatGfp(mask, '6.1')}`);
    return mask >>> 0;
  }
  if (before(ver, 4, 16)) {
    const mask = hex & 0xef; // the zone bits, __GFP_HIGH, __GFP_IO and __GFP_FS kept their values
    warnings.push(`mode 0x${hex.toString(16)} has no flag names and kernel ${ver.join('.')} numbers the other GFP bits differently: only the zone, __GFP_HIGH, __GFP_IO and __GFP_FS bits are used`);
    return mask;
  }
  inferred.push(`mode 0x${hex.toString(16)} has no flag names; read in the 5.10/6.1 bit layout as ${formatGfp(hex, '6.1')}`);
  return hex;
}
