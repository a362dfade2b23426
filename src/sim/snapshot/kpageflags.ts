/**
 * /proc/kpageflags (fs/proc/page.c kpageflags_read / stable_page_flags): one little-endian u64 of
 * KPF_* bits per pfn, from pfn 0 to max_pfn − 1. The uapi bits 0–26 are
 * include/uapi/linux/kernel-page-flags.h; the kernel-internal "hacker" bits 32–41 are
 * include/linux/kernel-page-flags.h (stable_page_flags copies them with kpf_copy_bit).
 *
 * decodeKpageflags keeps the pfns of the machine's range in one Uint32Array (4 bytes a page): the
 * uapi bits where they are, and the internal bits this import reads folded into the unused bits
 * 27–31 (KPF_RESERVED → bit 27, …). Pure: it takes the file's bytes (gzip-compressed bytes are
 * inflated here, see inflate.ts).
 */
import { MmError } from '../errors';
import { gunzip, isGzip } from './inflate';

export const KPF_LOCKED = 0;
export const KPF_ERROR = 1;
export const KPF_REFERENCED = 2;
export const KPF_UPTODATE = 3;
export const KPF_DIRTY = 4;
export const KPF_LRU = 5;
export const KPF_ACTIVE = 6;
export const KPF_SLAB = 7;
export const KPF_WRITEBACK = 8;
export const KPF_RECLAIM = 9;
export const KPF_BUDDY = 10;
export const KPF_MMAP = 11;
export const KPF_ANON = 12;
export const KPF_SWAPCACHE = 13;
export const KPF_SWAPBACKED = 14;
export const KPF_COMPOUND_HEAD = 15;
export const KPF_COMPOUND_TAIL = 16;
export const KPF_HUGE = 17;
export const KPF_UNEVICTABLE = 18;
export const KPF_HWPOISON = 19;
export const KPF_NOPAGE = 20;
export const KPF_KSM = 21;
export const KPF_THP = 22;
export const KPF_OFFLINE = 23;
export const KPF_ZERO_PAGE = 24;
export const KPF_IDLE = 25;
export const KPF_PGTABLE = 26;
/** kernel-internal bits (include/linux/kernel-page-flags.h), as the file has them */
export const KPF_RESERVED = 32;
export const KPF_MLOCKED = 33;
export const KPF_MAPPEDTODISK = 34;
export const KPF_PRIVATE = 35;
export const KPF_ARCH = 38;

/** where decodeKpageflags folds the internal bits it keeps */
export const F_RESERVED = 1 << 27;
export const F_MLOCKED = 1 << 28;
export const F_MAPPEDTODISK = 1 << 29;
export const F_PRIVATE = 1 << 30;

const FOLD: Array<[number, number]> = [
  [KPF_RESERVED - 32, F_RESERVED],
  [KPF_MLOCKED - 32, F_MLOCKED],
  [KPF_MAPPEDTODISK - 32, F_MAPPEDTODISK],
  [KPF_PRIVATE - 32, F_PRIVATE],
];

export interface DecodedKpageflags {
  /** pfns in the file (its length / 8): the kernel's max_pfn */
  entries: number;
  /** the decoded range [basePfn, endPfn) */
  basePfn: number;
  endPfn: number;
  /** flags by pfn − basePfn: uapi bits 0–26, internal bits folded (F_*) */
  flags: Uint32Array;
}

/** Inflate if gzip, check the length (a whole number of u64), and count the entries. */
export function kpageflagsBytes(bytes: Uint8Array, maxEntries: number): Uint8Array {
  if (isGzip(bytes)) {
    try {
      return gunzip(bytes, maxEntries * 8 + 8);
    } catch (e) {
      if (e instanceof MmError) throw e;
      throw new MmError('SNAPSHOT_KPAGEFLAGS', `kpageflags: the gzip data is corrupt: ${(e as Error).message}`, 'kpageflags');
    }
  }
  return bytes;
}

/**
 * The flags of pfns [basePfn, endPfn) from the raw file. Throws SNAPSHOT_KPAGEFLAGS for a length
 * that is not a whole number of 8-byte entries, and SNAPSHOT_MISMATCH when the file's pfn count
 * is not the machine's max_pfn.
 */
export function decodeKpageflags(raw: Uint8Array, basePfn: number, endPfn: number, maxPfn: number): DecodedKpageflags {
  const bytes = kpageflagsBytes(raw, maxPfn);
  if (bytes.length === 0) throw new MmError('SNAPSHOT_KPAGEFLAGS', 'kpageflags is empty (read it as root: an unprivileged read of /proc/kpageflags fails)', 'kpageflags');
  if (bytes.length % 8 !== 0) {
    throw new MmError('SNAPSHOT_KPAGEFLAGS', `kpageflags is ${bytes.length} bytes, not a whole number of 8-byte entries: a truncated copy`, 'kpageflags');
  }
  const entries = bytes.length / 8;
  if (entries !== maxPfn) {
    throw new MmError(
      'SNAPSHOT_MISMATCH',
      `kpageflags has ${entries} entries (pfn 0..0x${(entries - 1).toString(16)}), but this machine's memory ends at pfn 0x${maxPfn.toString(16)} (max_pfn ${maxPfn}): a snapshot of another machine${entries < maxPfn ? ', or a truncated file' : ''}`,
      'kpageflags',
    );
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = new Uint32Array(endPfn - basePfn);
  for (let pfn = basePfn; pfn < endPfn; pfn++) {
    const off = pfn * 8;
    const lo = dv.getUint32(off, true) & 0x07ffffff;
    const hi = dv.getUint32(off + 4, true);
    let f = lo;
    if (hi) for (const [b, to] of FOLD) if (hi & (1 << b)) f |= to;
    flags[pfn - basePfn] = f >>> 0;
  }
  return { entries, basePfn, endPfn, flags };
}

const NAMES = ['LOCKED', 'ERROR', 'REFERENCED', 'UPTODATE', 'DIRTY', 'LRU', 'ACTIVE', 'SLAB', 'WRITEBACK', 'RECLAIM', 'BUDDY', 'MMAP', 'ANON',
  'SWAPCACHE', 'SWAPBACKED', 'COMPOUND_HEAD', 'COMPOUND_TAIL', 'HUGE', 'UNEVICTABLE', 'HWPOISON', 'NOPAGE', 'KSM', 'THP', 'OFFLINE',
  'ZERO_PAGE', 'IDLE', 'PGTABLE', 'RESERVED', 'MLOCKED', 'MAPPEDTODISK', 'PRIVATE'];

/** "BUDDY", "UPTODATE|LRU|SWAPBACKED", "(none)": the names of decoded flags. */
export function kpfNames(f: number): string {
  const out: string[] = [];
  for (let b = 0; b < NAMES.length; b++) if (f & (1 << b)) out.push(NAMES[b]!);
  return out.join('|') || '(none)';
}
