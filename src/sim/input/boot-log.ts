/**
 * Reading a kernel boot log (serial console capture or dmesg, with or without printk
 * timestamps, interleaved with anything else) for what the simulator cannot derive:
 * - the `memblock=debug` operations in order (`memblock_dbg` lines of `mm/memblock.c`:
 *   "memblock_reserve: [0x…-0x…] caller" and "memblock_alloc_try_nid: N bytes align=0x… nid=N
 *   from=0x… max_addr=0x… caller");
 * - `cma: Reserved N MiB at 0x…` (`cma_declare_contiguous_nid`);
 * - the late frees, "Freeing … memory: NK" (`free_reserved_area`, `free_initrd_mem`, …);
 * - the "Memory: …K/…K available (…)" line (`mem_init_print_info`);
 * - "Kernel command line:", the e820 and SRAT lines (via e820.ts), "percpu: Embedded …"
 *   (`pcpu_embed_first_chunk`) and "Built N zonelists … Total pages: N" (`build_all_zonelists`).
 */
import { parseE820Text, stripTimestamp, type E820Entry, type SratCpu, type SratMemory } from './e820';

export interface MemblockLogOp {
  /** 1-based line number in the log. */
  line: number;
  /** "memblock_reserve", "memblock_add", "memblock_alloc_try_nid", … */
  op: string;
  /** Caller function without its "+0x…/0x…" suffix. */
  caller: string;
  callerRaw: string;
  kind: 'range' | 'alloc';
  /** Range lines: first and last byte; end = base - 1 for an empty range. */
  base?: number;
  end?: number;
  /** Range lines: end - base + 1; alloc lines: the requested size. */
  size: number;
  align?: number;
  /** -1 = NUMA_NO_NODE; absent on memblock_phys_alloc_range lines. */
  nid?: number;
  from?: number;
  /** 0 = MEMBLOCK_ALLOC_ACCESSIBLE, 1 = MEMBLOCK_ALLOC_NOLEAKTRACE, ~0 = ALLOC_ANYWHERE (Infinity). */
  maxAddr?: number;
}

export interface LateFree {
  line: number;
  /** What is freed: "initrd", "unused kernel", "unused kernel image (initmem)", "SMP alternatives", … */
  what: string;
  kib: number;
}

export interface MemoryLine {
  availableK: number;
  totalK: number;
  kernelCodeK: number;
  rwdataK: number;
  rodataK: number;
  initK: number;
  bssK: number;
  reservedK: number;
  cmaReservedK: number;
  /** arm32 with HIGHMEM only. */
  highmemK?: number;
}

export interface BootLog {
  memblock: MemblockLogOp[];
  cma: { sizeMiB: number; base: number; line: number }[];
  frees: LateFree[];
  /** Sum of "Freeing initrd memory" lines. */
  initrdFreedK: number;
  /** Sum of every "Freeing unused kernel … memory" line (initmem and the image gaps). */
  unusedKernelFreedK: number;
  memoryLine?: MemoryLine;
  commandLine?: string;
  e820: E820Entry[];
  srat: SratMemory[];
  sratCpus: SratCpu[];
  percpu?: { pagesPerCpu: number; staticSize: number; reservedSize: number; dynamicSize: number; unitSize: number };
  zonelists?: { count: number; mobilityGrouping: boolean; totalPages: number };
  /** Lines that looked relevant but could not be used (e.g. addresses above 2^53). */
  warnings: string[];
}

const RANGE_RE = /^(memblock_\w+): \[(0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\] (\S+)/;
const ALLOC_RE = /^(memblock_\w+): (\d+) bytes align=(0x[0-9a-fA-F]+)(?: nid=(-?\d+))? from=(0x[0-9a-fA-F]+) max_addr=(0x[0-9a-fA-F]+) (\S+)/;
const CMA_RE = /cma: Reserved (\d+) MiB at (0x[0-9a-fA-F]+)/;
const FREE_RE = /Freeing (.+?) memory: (\d+)K/;
const MEMORY_RE = /^Memory: (\d+)K\/(\d+)K available \((\d+)K kernel code, (\d+)K rwdata, (\d+)K rodata, (\d+)K init, (\d+)K bss, (\d+)K reserved, (\d+)K cma-reserved(?:, (\d+)K highmem)?\)/;
const CMDLINE_RE = /^Kernel command line: ?(.*)$/;
const PERCPU_RE = /percpu: Embedded (\d+) pages\/cpu s(\d+) r(\d+) d(\d+) u(\d+)/;
const ZONELISTS_RE = /Built (\d+) zonelists, mobility grouping (on|off)\.\s+Total pages: (\d+)/;

/** (phys_addr_t)~0 = MEMBLOCK_ALLOC_ANYWHERE, represented as Infinity. */
export const ALLOC_ANYWHERE = Number.POSITIVE_INFINITY;

function hexNum(s: string, allowAnywhere = false): number | null {
  const v = BigInt(s);
  if (allowAnywhere && v === 0xffffffffffffffffn) return ALLOC_ANYWHERE;
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(v);
}

function callerName(raw: string): string {
  const plus = raw.indexOf('+');
  return plus < 0 ? raw : raw.slice(0, plus);
}

function parseMemblockLine(text: string, line: number, warnings: string[]): MemblockLogOp | null {
  const r = RANGE_RE.exec(text);
  if (r) {
    const base = hexNum(r[2]!);
    const end = hexNum(r[3]!);
    if (base === null || end === null) {
      warnings.push(`line ${line}: ${r[1]} range beyond 2^53 ignored`);
      return null;
    }
    return { line, op: r[1]!, caller: callerName(r[4]!), callerRaw: r[4]!, kind: 'range', base, end, size: end - base + 1 };
  }
  const a = ALLOC_RE.exec(text);
  if (a) {
    const align = hexNum(a[3]!);
    const from = hexNum(a[5]!);
    const maxAddr = hexNum(a[6]!, true);
    const size = Number(a[2]);
    if (align === null || from === null || maxAddr === null || !Number.isSafeInteger(size)) {
      warnings.push(`line ${line}: ${a[1]} arguments beyond 2^53 ignored`);
      return null;
    }
    const op: MemblockLogOp = { line, op: a[1]!, caller: callerName(a[7]!), callerRaw: a[7]!, kind: 'alloc', size, align, from, maxAddr };
    if (a[4] !== undefined) op.nid = Number(a[4]);
    return op;
  }
  return null;
}

/** Parse a boot log. Unrecognised lines are ignored. */
export function parseBootLog(text: string, name = 'boot-log'): BootLog {
  const log: BootLog = { memblock: [], cma: [], frees: [], initrdFreedK: 0, unusedKernelFreedK: 0, e820: [], srat: [], sratCpus: [], warnings: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const t = stripTimestamp(lines[i]!);
    if (t.startsWith('memblock_')) {
      const op = parseMemblockLine(t, n, log.warnings);
      if (op) log.memblock.push(op);
      continue;
    }
    let m = CMA_RE.exec(t);
    if (m) {
      const base = hexNum(m[2]!);
      if (base === null) log.warnings.push(`line ${n}: CMA base beyond 2^53 ignored`);
      else log.cma.push({ sizeMiB: Number(m[1]), base, line: n });
      continue;
    }
    m = FREE_RE.exec(t);
    if (m) {
      const f: LateFree = { line: n, what: m[1]!, kib: Number(m[2]) };
      log.frees.push(f);
      if (f.what === 'initrd') log.initrdFreedK += f.kib;
      else if (f.what.startsWith('unused kernel')) log.unusedKernelFreedK += f.kib;
      continue;
    }
    m = MEMORY_RE.exec(t);
    if (m) {
      const k = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
      log.memoryLine = {
        availableK: k[0]!, totalK: k[1]!, kernelCodeK: k[2]!, rwdataK: k[3]!, rodataK: k[4]!,
        initK: k[5]!, bssK: k[6]!, reservedK: k[7]!, cmaReservedK: k[8]!,
        ...(k[9] !== undefined ? { highmemK: k[9] } : {}),
      };
      continue;
    }
    m = CMDLINE_RE.exec(t);
    if (m) {
      log.commandLine = m[1]!.trimEnd();
      continue;
    }
    m = PERCPU_RE.exec(t);
    if (m) {
      const [pages, s, r, d, u] = m.slice(1).map(Number) as [number, number, number, number, number];
      log.percpu = { pagesPerCpu: pages, staticSize: s, reservedSize: r, dynamicSize: d, unitSize: u };
      continue;
    }
    m = ZONELISTS_RE.exec(t);
    if (m) log.zonelists = { count: Number(m[1]), mobilityGrouping: m[2] === 'on', totalPages: Number(m[3]) };
  }
  const e = parseE820Text(text, name);
  if (e.source === 'boot-log') log.e820 = e.entries;
  log.srat = e.srat;
  log.sratCpus = e.sratCpus;
  return log;
}
