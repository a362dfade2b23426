/**
 * Kernel command line: splitting like `next_arg` (`lib/cmdline.c` / `kernel/params.c`,
 * double quotes, "--" ends kernel parameters) and the early parameters the memory manager
 * reads (early_param handlers in mm/, arch/<arch>/kernel/setup.c and kernel/dma/contiguous.c): `mem=` (per arch), `cma=` (`early_cma`), `kernelcore=` /
 * `movablecore=` (`cmdline_parse_core`), `transparent_hugepage=`, `memblock=` (`early_memblock`),
 * arm32 `vmalloc=` (`early_vmalloc`), and raw `crashkernel=` / `swiotlb=`.
 *
 * Where the kernel silently accepts garbage (`cma=abc` parses as 0, `mem=12Q` ignores the Q),
 * this parser is strict: a malformed value raises CMDLINE_BAD_VALUE naming the token and its
 * index. Unknown parameters are kept in `tokens`.
 */
import { MmError } from '../errors';
import { PAGE_SHIFT, PAGE_SIZE, type Arch } from '../types';
import { memparse, simpleStrtoull } from './memparse';

export interface CmdlineToken {
  param: string;
  /** null for a bare word ("nokaslr"); "" for "param=". */
  value: string | null;
  index: number;
}

export type MemParam =
  /** arm64 `early_mem`: a total size limit, value & PAGE_MASK (the last `mem=` wins). */
  | { kind: 'size-limit'; limit: number }
  /** arm32 `early_mem`: the first `mem=` drops all memory, each adds a bank; start null = PHYS_OFFSET. */
  | { kind: 'banks'; banks: { size: number; start: number | null }[] }
  /** x86 `parse_memopt`: RAM above this address is removed (several `mem=`: the lowest). */
  | { kind: 'address-limit'; limit: number };

export interface CmaParam {
  /** size_cmdline */
  size: number;
  /** base_cmdline (0 when no @base was ever given) */
  base: number;
  /** limit_cmdline (0 when none) */
  limit: number;
  /** `dma_contiguous_reserve`: fixed when base + size == limit_cmdline. */
  fixed: boolean;
}

export type CoreParam =
  | { kind: 'size'; bytes: number; pages: number }
  | { kind: 'percent'; percent: number }
  | { kind: 'mirror' };

export interface BootParams {
  arch: Arch;
  tokens: CmdlineToken[];
  /** Arguments after "--" (passed to init, not parsed). */
  initArgs: string[];
  mem?: MemParam;
  cma?: CmaParam;
  kernelcore?: CoreParam;
  movablecore?: CoreParam;
  transparentHugepage?: 'always' | 'madvise' | 'never';
  memblockDebug: boolean;
  /** arm32 `vmalloc=` in bytes, before the kernel's clamping. */
  vmalloc?: number;
  crashkernel?: string;
  swiotlb?: string;
  /** Things the kernel would warn about and ignore (e.g. `mem=nopentium` on 64-bit). */
  warnings: string[];
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

/** Split a command line the way `parse_args` + `next_arg` do. */
export function splitCmdline(str: string): { tokens: CmdlineToken[]; initArgs: string[] } {
  const tokens: CmdlineToken[] = [];
  let i = 0;
  const n = str.length;
  const skip = (): void => {
    while (i < n && isSpace(str[i]!)) i++;
  };
  skip();
  while (i < n) {
    let start = i;
    let inQuote = false;
    let quoted = false;
    if (str[start] === '"') {
      start++;
      inQuote = true;
      quoted = true;
    }
    let j = start;
    let equals = -1;
    for (; j < n; j++) {
      const c = str[j]!;
      if (isSpace(c) && !inQuote) break;
      if ((equals < 0 || equals === start) && c === '=') equals = j;
      if (c === '"') inQuote = !inQuote;
    }
    let arg = str.slice(start, j);
    // The kernel treats '=' at offset 0 as "no value" (equals == 0).
    let param: string;
    let value: string | null;
    if (equals <= start) {
      if (quoted && arg.endsWith('"')) arg = arg.slice(0, -1);
      param = arg;
      value = null;
    } else {
      param = str.slice(start, equals);
      value = str.slice(equals + 1, j);
      if (value.startsWith('"')) {
        value = value.slice(1);
        if (value.endsWith('"')) value = value.slice(0, -1);
      } else if (quoted && value.endsWith('"')) value = value.slice(0, -1);
    }
    i = j < n ? j + 1 : j;
    skip();
    if (value === null && param === '--') {
      return { tokens, initArgs: str.slice(i).split(/\s+/).filter((x) => x !== '') };
    }
    tokens.push({ param, value, index: tokens.length });
  }
  return { tokens, initArgs: [] };
}

function bad(t: CmdlineToken, why: string): MmError {
  return new MmError('CMDLINE_BAD_VALUE', `${t.param}=${t.value ?? ''}: ${why}`, `command-line token ${t.index}`);
}

/** memparse that must consume the whole string. */
function wholeSize(t: CmdlineToken, s: string, what: string): number {
  const r = memparse(s);
  if (r.digits === 0) throw bad(t, `${what} "${s}" is not a number`);
  if (r.overflow) throw bad(t, `${what} "${s}" is too large`);
  if (r.rest !== '') throw bad(t, `unexpected "${r.rest}" after ${what}`);
  return r.value;
}

/** `early_cma`: size[@base[-limit]], updating the previous state like the kernel's globals. */
function parseCma(t: CmdlineToken, prev: CmaParam | undefined): CmaParam {
  const v = t.value;
  if (v === null || v === '') throw bad(t, 'config string not provided');
  const s = memparse(v);
  if (s.digits === 0) throw bad(t, `size "${v}" is not a number`);
  if (s.overflow) throw bad(t, 'size is too large');
  let base = prev?.base ?? 0;
  let limit = prev?.limit ?? 0;
  const size = s.value;
  if (s.rest !== '') {
    if (s.rest[0] !== '@') throw bad(t, `unexpected "${s.rest}" after the size (expected @base)`);
    const b = memparse(s.rest.slice(1));
    if (b.digits === 0) throw bad(t, `base "${s.rest.slice(1)}" is not a number`);
    if (b.overflow) throw bad(t, 'base is too large');
    base = b.value;
    if (b.rest === '') limit = base + size;
    else {
      if (b.rest[0] !== '-') throw bad(t, `unexpected "${b.rest}" after the base (expected -limit)`);
      limit = wholeSize(t, b.rest.slice(1), 'limit');
    }
    if (!Number.isSafeInteger(base + size)) throw bad(t, 'base + size is too large');
  }
  return { size, base, limit, fixed: base + size === limit };
}

/** `cmdline_parse_core` (+ `kernelcore=mirror`). */
function parseCore(t: CmdlineToken, allowMirror: boolean): CoreParam {
  const v = t.value;
  if (v === null || v === '') throw bad(t, 'value not provided');
  if (allowMirror && v === 'mirror') return { kind: 'mirror' };
  const n = simpleStrtoull(v);
  if (n.consumed > 0 && v[n.consumed] === '%') {
    if (n.consumed + 1 !== v.length) throw bad(t, `unexpected "${v.slice(n.consumed + 1)}" after the percentage`);
    if (n.overflow || n.value > 100n) throw bad(t, `percentage ${v} is above 100%`);
    return { kind: 'percent', percent: Number(n.value) };
  }
  const bytes = wholeSize(t, v, 'size');
  return { kind: 'size', bytes, pages: Math.floor(bytes / 2 ** PAGE_SHIFT) };
}

function parseMem(t: CmdlineToken, arch: Arch, prev: MemParam | undefined, warnings: string[]): MemParam | undefined {
  const v = t.value;
  if (v === null || v === '') throw bad(t, 'value not provided');
  if (arch === 'arm64') {
    const size = wholeSize(t, v, 'size');
    return { kind: 'size-limit', limit: size - (size % PAGE_SIZE) };
  }
  if (arch === 'arm') {
    const s = memparse(v);
    if (s.digits === 0) throw bad(t, `size "${v}" is not a number`);
    if (s.overflow) throw bad(t, 'size is too large');
    let start: number | null = null;
    if (s.rest !== '') {
      if (s.rest[0] !== '@') throw bad(t, `unexpected "${s.rest}" after the size (expected @start)`);
      start = wholeSize(t, s.rest.slice(1), 'start');
    }
    const banks = prev?.kind === 'banks' ? prev.banks : [];
    return { kind: 'banks', banks: [...banks, { size: s.value, start }] };
  }
  if (v === 'nopentium') {
    warnings.push('mem=nopentium ignored! (only supported on x86_32)');
    return prev;
  }
  const limit = wholeSize(t, v, 'size');
  if (limit === 0) throw bad(t, 'mem=0 would remove all memory (the kernel rejects it)');
  const lowest = prev?.kind === 'address-limit' ? Math.min(prev.limit, limit) : limit;
  return { kind: 'address-limit', limit: lowest };
}

/** Parse a kernel command line for `arch`. Later occurrences update earlier ones as in the kernel. */
export function parseCmdline(str: string, arch: Arch): BootParams {
  const { tokens, initArgs } = splitCmdline(str);
  const p: BootParams = { arch, tokens, initArgs, memblockDebug: false, warnings: [] };
  for (const t of tokens) {
    switch (t.param) {
      case 'mem':
        p.mem = parseMem(t, arch, p.mem, p.warnings);
        break;
      case 'cma':
        p.cma = parseCma(t, p.cma);
        break;
      case 'kernelcore':
        p.kernelcore = parseCore(t, true);
        break;
      case 'movablecore':
        p.movablecore = parseCore(t, false);
        break;
      case 'transparent_hugepage':
        if (t.value !== 'always' && t.value !== 'madvise' && t.value !== 'never') {
          throw bad(t, 'expected always, madvise or never');
        }
        p.transparentHugepage = t.value;
        break;
      case 'memblock':
        // early_memblock: debug mode if the value contains "debug".
        if (t.value?.includes('debug')) p.memblockDebug = true;
        break;
      case 'vmalloc':
        if (arch === 'arm') {
          if (t.value === null || t.value === '') throw bad(t, 'value not provided');
          p.vmalloc = wholeSize(t, t.value, 'size');
        }
        break;
      case 'crashkernel':
        p.crashkernel = t.value ?? '';
        break;
      case 'swiotlb':
        p.swiotlb = t.value ?? '';
        break;
      default:
        break;
    }
  }
  return p;
}
