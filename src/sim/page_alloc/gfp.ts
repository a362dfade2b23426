/**
 * GFP flags (include/linux/gfp.h in 5.10, include/linux/gfp_types.h in 6.1): the bits, the
 * composite masks, gfp_zone (GFP_ZONE_TABLE), gfp_migratetype, and the two ways the kernel prints
 * a mask: `%pGg` (format_flags with __def_gfpflag_names, used by warn_alloc) and the tracepoints'
 * show_gfp_flags. parseGfp reads what users paste: names joined by `|`, a hex mask, or both as
 * `mode:0xcc0(GFP_KERNEL)`.
 */
import { MmError } from '../errors';
import { versionRules } from '../kernel-behaviour';
import type { KernelVersion } from '../types';

export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_DMA32 = 0x04;
export const __GFP_MOVABLE = 0x08;
export const __GFP_RECLAIMABLE = 0x10;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_ZERO = 0x100;
export const __GFP_ATOMIC = 0x200;
export const __GFP_DIRECT_RECLAIM = 0x400;
export const __GFP_KSWAPD_RECLAIM = 0x800;
export const __GFP_WRITE = 0x1000;
export const __GFP_NOWARN = 0x2000;
export const __GFP_RETRY_MAYFAIL = 0x4000;
export const __GFP_NOFAIL = 0x8000;
export const __GFP_NORETRY = 0x10000;
export const __GFP_MEMALLOC = 0x20000;
export const __GFP_COMP = 0x40000;
export const __GFP_NOMEMALLOC = 0x80000;
export const __GFP_HARDWALL = 0x100000;
export const __GFP_THISNODE = 0x200000;
export const __GFP_ACCOUNT = 0x400000;
/** 5.10: __GFP_NOLOCKDEP (0x800000, LOCKDEP only); 6.1: __GFP_ZEROTAGS (0x800000), NOLOCKDEP 0x8000000 */
export const __GFP_ZEROTAGS_61 = 0x800000;

export const __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;
export const GFP_ZONEMASK = __GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE;
export const GFP_MOVABLE_MASK = __GFP_RECLAIMABLE | __GFP_MOVABLE;

export const GFP_ATOMIC = __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM;
export const GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
export const GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;
export const GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
export const GFP_NOIO = __GFP_RECLAIM;
export const GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
export const GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;
export const GFP_DMA = __GFP_DMA;
export const GFP_DMA32 = __GFP_DMA32;
export const GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;
/** 6.1 adds __GFP_SKIP_KASAN_{POISON,UNPOISON}, which are 0 without CONFIG_KASAN_HW_TAGS (the Debian builds) */
export const GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE;
export const GFP_TRANSHUGE_LIGHT = (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM;
export const GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM;

/** __def_gfpflag_names (include/trace/events/mmflags.h) in table order: format_flags matches greedily in this order. */
const GFPFLAG_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['GFP_TRANSHUGE', GFP_TRANSHUGE],
  ['GFP_TRANSHUGE_LIGHT', GFP_TRANSHUGE_LIGHT],
  ['GFP_HIGHUSER_MOVABLE', GFP_HIGHUSER_MOVABLE],
  ['GFP_HIGHUSER', GFP_HIGHUSER],
  ['GFP_USER', GFP_USER],
  ['GFP_KERNEL_ACCOUNT', GFP_KERNEL_ACCOUNT],
  ['GFP_KERNEL', GFP_KERNEL],
  ['GFP_NOFS', GFP_NOFS],
  ['GFP_ATOMIC', GFP_ATOMIC],
  ['GFP_NOIO', GFP_NOIO],
  ['GFP_NOWAIT', GFP_NOWAIT],
  ['GFP_DMA', GFP_DMA],
  ['__GFP_HIGHMEM', __GFP_HIGHMEM],
  ['GFP_DMA32', GFP_DMA32],
  ['__GFP_HIGH', __GFP_HIGH],
  ['__GFP_ATOMIC', __GFP_ATOMIC],
  ['__GFP_IO', __GFP_IO],
  ['__GFP_FS', __GFP_FS],
  ['__GFP_NOWARN', __GFP_NOWARN],
  ['__GFP_RETRY_MAYFAIL', __GFP_RETRY_MAYFAIL],
  ['__GFP_NOFAIL', __GFP_NOFAIL],
  ['__GFP_NORETRY', __GFP_NORETRY],
  ['__GFP_COMP', __GFP_COMP],
  ['__GFP_ZERO', __GFP_ZERO],
  ['__GFP_NOMEMALLOC', __GFP_NOMEMALLOC],
  ['__GFP_MEMALLOC', __GFP_MEMALLOC],
  ['__GFP_HARDWALL', __GFP_HARDWALL],
  ['__GFP_THISNODE', __GFP_THISNODE],
  ['__GFP_RECLAIMABLE', __GFP_RECLAIMABLE],
  ['__GFP_MOVABLE', __GFP_MOVABLE],
  ['__GFP_ACCOUNT', __GFP_ACCOUNT],
  ['__GFP_WRITE', __GFP_WRITE],
  ['__GFP_RECLAIM', __GFP_RECLAIM],
  ['__GFP_DIRECT_RECLAIM', __GFP_DIRECT_RECLAIM],
  ['__GFP_KSWAPD_RECLAIM', __GFP_KSWAPD_RECLAIM],
];
const ZEROTAGS: readonly [string, number] = ['__GFP_ZEROTAGS', __GFP_ZEROTAGS_61];

const NAMES_WITH_ZEROTAGS = [...GFPFLAG_NAMES, ZEROTAGS];
function namesFor(kernel: KernelVersion): ReadonlyArray<readonly [string, number]> {
  return versionRules(kernel).gfpZeroTags ? NAMES_WITH_ZEROTAGS : GFPFLAG_NAMES;
}

/** Names accepted on input, beyond the table: aliases users write. */
const EXTRA_NAMES: Readonly<Record<string, number>> = {
  GFP_NOWAIT: GFP_NOWAIT,
  __GFP_DMA: __GFP_DMA,
  __GFP_DMA32: __GFP_DMA32,
  GFP_HIGHMEM: __GFP_HIGHMEM,
  __GFP_NOLOCKDEP: 0, // a lockdep annotation; the allocator ignores it
  __GFP_SKIP_ZERO: 0,
  __GFP_SKIP_KASAN_POISON: 0,
  __GFP_SKIP_KASAN_UNPOISON: 0,
  __GFP_ZEROTAGS: __GFP_ZEROTAGS_61,
};

/**
 * `%pGg` (lib/vsprintf.c flags_string → format_flags): each table entry whose whole mask is
 * present is printed and its bits cleared, joined with `|`; leftover bits print as 0x… hex; 0 is
 * an empty string. The tracepoints' show_gfp_flags uses the same table.
 */
export function formatGfp(gfp: number, kernel: KernelVersion): string {
  let rest = gfp >>> 0;
  const out: string[] = [];
  for (const [name, mask] of namesFor(kernel)) {
    if (mask !== 0 && (rest & mask) === mask) {
      out.push(name);
      rest = (rest & ~mask) >>> 0;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out.join('|');
}

/** warn_alloc's `mode:%#x(%pGg)`. */
export function formatGfpMode(gfp: number, kernel: KernelVersion): string {
  return `mode:0x${(gfp >>> 0).toString(16)}(${formatGfp(gfp, kernel)})`;
}

const NAME_TABLE = new Map<string, number>([...GFPFLAG_NAMES, ZEROTAGS, ...Object.entries(EXTRA_NAMES)]);

/**
 * A GFP mask from text: `GFP_KERNEL`, `GFP_HIGHUSER_MOVABLE|__GFP_COMP`, `0xcc0`, `mode:0xcc0(GFP_KERNEL)`
 * or `gfp_flags=GFP_KERNEL|__GFP_ZERO`. A number is taken as the mask. Names and hex in one text
 * must agree. GFP_UNKNOWN names the part that is not a flag.
 */
export function parseGfp(input: string | number, where = 'gfp'): number {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0 || input > 0xffffffff) throw new MmError('GFP_UNKNOWN', `a GFP mask must be an unsigned 32-bit integer, got ${input}`, where);
    return input;
  }
  let s = input.trim().replace(/^gfp_flags=/, '').replace(/^mode:/, '');
  const both = /^(0x[0-9a-fA-F]+)\((.*)\)$/.exec(s);
  if (both) {
    const hex = parseInt(both[1]!, 16);
    if (both[2]!.trim() !== '') {
      const named = parseGfp(both[2]!, where);
      if (named !== hex) throw new MmError('GFP_UNKNOWN', `the mask ${both[1]} and the names "${both[2]}" (0x${named.toString(16)}) disagree`, where);
    }
    return hex >>> 0;
  }
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s, 16) >>> 0;
  if (/^\d+$/.test(s)) return Number(s) >>> 0;
  if (s === '' || s === '0') return 0;
  let mask = 0;
  for (const part of s.split('|')) {
    const p = part.trim();
    if (/^0x[0-9a-fA-F]+$/.test(p)) {
      mask |= parseInt(p, 16);
      continue;
    }
    const v = NAME_TABLE.get(p) ?? NAME_TABLE.get(p.startsWith('__') ? p : `__${p}`);
    if (v === undefined) {
      const shown = p.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
      throw new MmError('GFP_UNKNOWN', `unknown GFP flag "${shown}" in "${s.replace(/[^\x20-\x7e]/g, '?').slice(0, 120)}"; use names such as GFP_KERNEL, GFP_ATOMIC, GFP_HIGHUSER_MOVABLE, __GFP_COMP, __GFP_NOWARN, or a hex mask`, where);
    }
    mask |= v;
  }
  return mask >>> 0;
}

/** The zone gfp_zone picks, by name (GFP_ZONE_TABLE, include/linux/gfp.h); null for an invalid combination. */
export type GfpZoneName = 'DMA' | 'DMA32' | 'Normal' | 'HighMem' | 'Movable';

/** GFP_ZONE_TABLE indexed by the four zone bits (DMA, HIGHMEM, DMA32, MOVABLE); null = BAD. */
const GFP_ZONE_TABLE: ReadonlyArray<GfpZoneName | null> = [
  'Normal', // 0
  'DMA', // DMA
  'HighMem', // HIGHMEM
  null, // DMA|HIGHMEM
  'DMA32', // DMA32
  null, // DMA|DMA32
  null, // HIGHMEM|DMA32
  null,
  'Normal', // MOVABLE
  'DMA', // MOVABLE|DMA
  'Movable', // MOVABLE|HIGHMEM
  null,
  'DMA32', // MOVABLE|DMA32
  null,
  null,
  null,
];

/**
 * gfp_zone: the highest zone index a request may use, in the profile's zone enum. A zone the
 * config leaves out maps to ZONE_NORMAL (OPT_ZONE_DMA/DMA32/HIGHMEM). An invalid combination is a
 * VM_BUG_ON in the kernel; here GFP_BAD_ZONE.
 */
export function gfpZone(gfp: number, zoneNames: readonly string[]): number {
  const name = GFP_ZONE_TABLE[gfp & GFP_ZONEMASK];
  if (name === null || name === undefined) {
    throw new MmError('GFP_BAD_ZONE', `GFP mask 0x${(gfp >>> 0).toString(16)} combines zone modifiers the kernel rejects (GFP_ZONE_BAD)`);
  }
  const idx = zoneNames.indexOf(name);
  return idx >= 0 ? idx : zoneNames.indexOf('Normal');
}

/** gfp_migratetype (include/linux/gfp.h): Unmovable 0, Movable 1, Reclaimable 2; Unmovable when grouping is off. */
export function gfpMigratetype(gfp: number, mobilityGrouping = true): number {
  if (!mobilityGrouping) return 0;
  return (gfp & GFP_MOVABLE_MASK) >>> 3;
}

/** gfpflags_allow_blocking */
export function gfpAllowBlocking(gfp: number): boolean {
  return (gfp & __GFP_DIRECT_RECLAIM) !== 0;
}
