/**
 * A parser for the kernel's allocation-failure report as it appears in real logs: the warn_alloc
 * header ("<comm>: page allocation failure: order:N, mode:0x…(…), nodemask=…"), or the OOM
 * killer's ("<comm> invoked oom-killer: gfp_mask=0x…(…), order=N, oom_score_adj=N"), then show_mem:
 * the Mem-Info block, the per-node and per-zone lines (`[Node N ]ZONE free:…kB min:…kB …`), the
 * `lowmem_reserve[]:` lines, the per-order free lists (`[Node N ]ZONE: 1*4kB (UME) … = NkB`), the
 * hugepages lines and the totals.
 *
 * Tolerant of what logs do to it: timestamps (`[  123.456789]`, `dmesg -T` dates), log levels
 * (`<4>`, `kern  :warn  :`), syslog and journal prefixes (`Jan  2 10:00:01 host kernel:`), printk
 * caller ids (`[T1234]`, `[C1]`), `warn_alloc: ` prefixes, CRLF, lines split by KERN_CONT or by a
 * width limit (a fragment that is not a line of its own is joined to the record it continues),
 * fields that other versions add or leave out (4.x without boost or reserved_highatomic, 5.10's
 * zone pagetables, 6.1's boost, later kernels' free_highatomic), old reports without type letters
 * or "page allocation failure." with a period. Sections may be missing; what the explanation needs
 * is checked by explain-report.ts, which says what it inferred.
 *
 * Errors are MmError with the line number: REPORT_NONE (no header at all), REPORT_MALFORMED (a line
 * that starts a record but cannot be read).
 */
import { MmError } from '../errors';

export interface ParsedFreeArea {
  line: number;
  /** nr_free per order */
  counts: number[];
  /** block size per order, kB */
  sizesKb: number[];
  /** the type letters printed per order ("" when the count is 0 or none were printed) */
  letters: string[];
  /** the "= NkB" total, or null when cut off */
  totalKb: number | null;
}

export interface ParsedZone {
  /** node id (null on non-NUMA kernels, which print no "Node N ") */
  nid: number | null;
  name: string;
  line: number;
  /** every `key:value` of the zone line; kB fields are in kB as printed */
  fields: Record<string, number>;
  lowmemReserve: number[] | null;
  lowmemLine: number | null;
  freeArea: ParsedFreeArea | null;
}

export interface ParsedNode {
  nid: number;
  line: number;
  fields: Record<string, number>;
  allUnreclaimable: boolean | null;
}

export interface ParsedHugepages {
  nid: number;
  total: number;
  free: number;
  surp: number;
  sizeKb: number;
}

export interface ParsedAllocFailure {
  kind: 'page allocation failure' | 'oom-killer';
  /** 1-based line of the header */
  line: number;
  endLine: number;
  comm: string;
  order: number;
  /** the mask as printed in hex */
  gfpHex: number;
  /** the names in parentheses (%pGg), or null when the kernel printed none */
  gfpNames: string | null;
  nodemask: string | null;
  cpuset: string | null;
  memsAllowed: string | null;
  oomScoreAdj: number | null;
  /** "6.1.0-50-arm64" from dump_stack's CPU line */
  release: string | null;
  /** the upstream version when it can be read ("6.1.176" from "Debian 6.1.176-1", else from the release) */
  version: string | null;
  hardware: string | null;
  /** architecture clues found in the stack dump and the release */
  archHints: Array<{ arch: 'arm64' | 'arm' | 'x86_64'; why: string }>;
  /** the Mem-Info global block, pages */
  global: Record<string, number>;
  globalLine: number | null;
  nodes: ParsedNode[];
  zones: ParsedZone[];
  hugepages: ParsedHugepages[];
  totals: Partial<Record<'pagecache' | 'swapCache' | 'freeSwapKb' | 'totalSwapKb' | 'pagesRam' | 'pagesHighmem' | 'pagesReserved' | 'pagesCmaReserved' | 'pagesHwpoisoned', number>>;
  /** 5.10's "Swap cache stats:" line was printed */
  swapCacheStats: boolean;
  /** "warn_alloc: N callbacks suppressed" just before the header */
  suppressedBefore: number | null;
  warnings: string[];
}

/** Prefixes a log line may carry before the kernel's text; stripped repeatedly from the start. */
const PREFIXES: RegExp[] = [
  /^<\d{1,3}>/, // printk level / syslog priority
  /^(?:kern|user|daemon|syslog|auth|local\d)\s*:\s*(?:emerg|alert|crit|err|warn|notice|info|debug)\s*:\s?/, // dmesg -x
  /^[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)? \S+ kernel: ?/, // syslog
  /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? \S+ kernel: ?/, // ISO syslog / journalctl -o short-iso
  /^kernel: ?/,
  /^\[ *\d+\.\d+\] ?/, // [  123.456789]
  /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d \d{4}\] ?/, // dmesg -T
  /^\[ *[TC]\d+\] ?/, // CONFIG_PRINTK_CALLER
  /^\(\d+\)\[\d+:[^\]]*\] ?/, // vendor (MTK) cpu/pid prefix
];

/** The kernel text of a log line, without timestamps, levels, syslog headers and caller ids. */
export function stripLogPrefixes(raw: string): string {
  let s = raw.replace(/\r$/, '');
  for (let guard = 0; guard < 12; guard++) {
    const lead = s.match(/^\s*/)![0];
    const t = s.slice(lead.length);
    const re = PREFIXES.find((r) => r.test(t));
    if (!re) break;
    s = t.replace(re, '');
  }
  if (/^warn_alloc: (?!\d+ callbacks suppressed)/.test(s)) s = s.slice('warn_alloc: '.length);
  return s;
}

const HEADER_ALLOC = /^(.*?):? ?page allocation failure[:.] order:(\d+), mode:(0x[0-9a-fA-F]+|\d+)(?:\(([^)]*)\))?(.*)$/;
const HEADER_OOM = /^(.*?) invoked oom-killer: gfp_mask=(0x[0-9a-fA-F]+|\d+)(?:\(([^)]*)\))?,(.*?)order=(-?\d+)(?:, oom_score_adj=(-?\d+))?/;
const ZONE_LINE = /^(?:Node (\d+) )?([A-Za-z][A-Za-z0-9]*) free:(\d+)kB/;
const NODE_LINE = /^Node (\d+) active_anon:/;
const LOWMEM = /^lowmem_reserve\[\]:(.*)$/;
const FREE_AREA = /^(?:Node (\d+) )?([A-Za-z][A-Za-z0-9]*): (?=\s*\d+\*\d+[kKMG]B|\s*$)(.*)$/;
const HUGEPAGES = /^Node (\d+) hugepages_total=(\d+) hugepages_free=(\d+) hugepages_surp=(\d+) hugepages_size=(\d+)kB/;
const GLOBAL_FIRST = /^active_anon:\d+ /;
const TOTALS: Array<[RegExp, keyof ParsedAllocFailure['totals']]> = [
  [/^(\d+) total pagecache pages/, 'pagecache'],
  [/^(\d+) pages in swap cache/, 'swapCache'],
  [/^Free swap\s*=\s*(-?\d+)kB/, 'freeSwapKb'],
  [/^Total swap\s*=\s*(\d+)kB/, 'totalSwapKb'],
  [/^(\d+) pages RAM/, 'pagesRam'],
  [/^(\d+) pages HighMem\/MovableOnly/, 'pagesHighmem'],
  [/^(\d+) pages reserved/, 'pagesReserved'],
  [/^(\d+) pages cma reserved/, 'pagesCmaReserved'],
  [/^(\d+) pages hwpoisoned/, 'pagesHwpoisoned'],
];
const ARCH_HINTS: Array<[RegExp, 'arm64' | 'arm' | 'x86_64', string]> = [
  [/\bel0t?_64_sync\w*|\bel0_svc\w*|__arm64_sys_\w+|\bdo_el0_svc\b|\bel1h?_64_\w+/, 'arm64', 'arm64 exception entry in the call trace'],
  [/__x64_sys_\w+|entry_SYSCALL_64\w*|\bdo_syscall_64\b|\bx64_sys_call\b|^RIP: |<TASK>/, 'x86_64', 'x86_64 syscall entry in the call trace'],
  [/\(show_stack\) from|\[<[0-9a-f]{8}>\] \(|\bunwind_backtrace\b|__irq_svc\b|\bvector_swi\b|\bret_fast_syscall\b/, 'arm', '32-bit arm backtrace'],
];

interface Rec {
  kind: 'global' | 'node' | 'zone' | 'lowmem' | 'freearea';
  line: number;
  text: string;
  nid?: number | null;
  name?: string;
}

/** Continuations of a record: fragments a width limit or KERN_CONT split off. */
function continues(kind: Rec['kind'], t: string): boolean {
  const s = t.trim();
  if (!s) return false;
  switch (kind) {
    case 'global':
    case 'node':
    case 'zone':
      // key:value fragments, "all_unreclaimable? yes", or the cut-off tail of a number or unit
      return /^[\w().?: -]+$/.test(s) && (/[:?]/.test(s) || /^(yes|no)$/.test(s) || /^\d*k?B?$/.test(s) || /^[a-z_]+$/.test(s));
    case 'lowmem':
      return /^[\d -]+$/.test(s);
    case 'freearea':
      return /^[\d*kKMGB() UMEHCIR=]+$/.test(s);
  }
}

/** key:value tokens of a stats line (kB fields keep their kB value). */
function fieldsOf(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/([A-Za-z_][\w()]*):\s?(-?\d+)(?:kB|KB)?/g)) {
    if (!(m[1]! in out)) out[m[1]!] = Number(m[2]);
  }
  return out;
}

function malformed(file: string, line: number, msg: string): MmError {
  return new MmError('REPORT_MALFORMED', `${file} line ${line}: ${msg}`);
}

function parseFreeArea(file: string, r: Rec, warnings: string[]): ParsedFreeArea {
  const counts: number[] = [];
  const sizes: number[] = [];
  const letters: string[] = [];
  const body = r.text;
  let total: number | null = null;
  const re = /(\d+)\*(\d+)([kKMG])B\s*(?:\(([A-Z]*)\))?|=\s*(\d+)kB/g;
  for (const m of body.matchAll(re)) {
    if (m[5] !== undefined) {
      total = Number(m[5]);
      continue;
    }
    const unit = { k: 1, K: 1, M: 1024, G: 1024 * 1024 }[m[3] as 'k'];
    counts.push(Number(m[1]));
    sizes.push(Number(m[2]) * unit);
    letters.push(m[4] ?? '');
  }
  if (!counts.length) throw malformed(file, r.line, `the free-list line of ${r.name} has no "count*sizekB" entries: "${body.slice(0, 80)}"`);
  for (let o = 1; o < sizes.length; o++) {
    if (sizes[o] !== sizes[o - 1]! * 2) throw malformed(file, r.line, `the free-list line of ${r.name}: block size ${sizes[o]}kB at order ${o} is not twice ${sizes[o - 1]}kB (a damaged or merged line)`);
  }
  const sum = counts.reduce((s, c, o) => s + c * sizes[o]!, 0);
  if (total !== null && total !== sum) warnings.push(`line ${r.line}: the free lists of ${r.name} add up to ${sum}kB, the line says = ${total}kB`);
  if (total === null) warnings.push(`line ${r.line}: the free-list line of ${r.name} has no "= NkB" total (cut off?); ${counts.length} orders read`);
  return { line: r.line, counts, sizesKb: sizes, letters, totalKb: total };
}

/** Every allocation-failure (or OOM) report in a log, in order. */
export function parseAllocFailureReports(text: string, file = 'input'): ParsedAllocFailure[] {
  const lines = text.split('\n');
  const reports: ParsedAllocFailure[] = [];
  let rep: ParsedAllocFailure | null = null;
  let recs: Rec[] = [];
  let cur: Rec | null = null;
  let afterMemInfo = false;
  let lastSuppressed: { n: number; line: number } | null = null;

  const finish = (endLine: number) => {
    if (!rep) return;
    rep.endLine = endLine;
    buildReport(file, rep, recs);
    reports.push(rep);
    rep = null;
    recs = [];
    cur = null;
    afterMemInfo = false;
  };

  for (let k = 0; k < lines.length; k++) {
    const ln = k + 1;
    const s = stripLogPrefixes(lines[k]!);
    const t = s.trimStart();
    const sup = /^warn_alloc: (\d+) callbacks suppressed/.exec(t);
    if (sup) {
      lastSuppressed = { n: Number(sup[1]), line: ln };
      continue;
    }
    const ha = HEADER_ALLOC.exec(t);
    const ho = ha ? null : HEADER_OOM.exec(t);
    if (ha || ho) {
      finish(ln - 1);
      const hexText = ha ? ha[3]! : ho![2]!;
      const gfpHex = hexText.startsWith('0x') ? parseInt(hexText, 16) : Number(hexText);
      if (!Number.isFinite(gfpHex)) throw malformed(file, ln, `the GFP mask "${hexText}" is not a number`);
      const rest = ha ? ha[5]! : ho![4]!;
      const nm = /nodemask=([^,\s]*)/.exec(rest);
      const cs = /cpuset=([^,\s]*)/.exec(rest);
      const ma = /mems_allowed=([^,\s]*)/.exec(rest);
      rep = {
        kind: ha ? 'page allocation failure' : 'oom-killer',
        line: ln,
        endLine: ln,
        comm: (ha ? ha[1]! : ho![1]!).trim(),
        order: Number(ha ? ha[2] : ho![5]),
        gfpHex: gfpHex >>> 0,
        gfpNames: (ha ? ha[4] : ho![3]) ?? null,
        nodemask: nm ? nm[1]! : null,
        cpuset: cs ? cs[1]! : null,
        memsAllowed: ma ? ma[1]! : null,
        oomScoreAdj: ho && ho[6] !== undefined ? Number(ho[6]) : null,
        release: null,
        version: null,
        hardware: null,
        archHints: [],
        global: {},
        globalLine: null,
        nodes: [],
        zones: [],
        hugepages: [],
        totals: {},
        swapCacheStats: false,
        suppressedBefore: lastSuppressed && lastSuppressed.line >= ln - 2 ? lastSuppressed.n : null,
        warnings: [],
      };
      continue;
    }
    if (!rep) continue;
    const r = rep as ParsedAllocFailure;
    // dump_stack: the kernel release, the machine, arch clues
    const cpu = /^CPU: \d+ (?:UID: \d+ )?PID: \d+ Comm: .*?(?:Not tainted|Tainted: [A-Z ]*?)\s+(\d+\.\d+\S*)(.*)$/.exec(t);
    if (cpu) {
      r.release = cpu[1]!;
      const deb = /Debian (\d+\.\d+\.\d+)/.exec(cpu[2]!);
      const rv = /^(\d+\.\d+(?:\.\d+)?)/.exec(cpu[1]!);
      r.version = deb ? deb[1]! : rv ? rv[1]! : null;
      if (/arm64|aarch64/.test(cpu[1]!)) r.archHints.push({ arch: 'arm64', why: `release ${cpu[1]}` });
      else if (/amd64|x86_64/.test(cpu[1]!)) r.archHints.push({ arch: 'x86_64', why: `release ${cpu[1]}` });
      else if (/armmp|armv7|-arm$/.test(cpu[1]!)) r.archHints.push({ arch: 'arm', why: `release ${cpu[1]}` });
      cur = null;
      continue;
    }
    const hw = /^Hardware name: (.*)$/.exec(t);
    if (hw) {
      r.hardware = hw[1]!;
      if (/\(DT\)$/.test(hw[1]!)) r.archHints.push({ arch: 'arm64', why: `Hardware name "${hw[1]}" (arm64 prints "(DT)")` });
      if (/\(Device Tree\)$|Generic DT based system/.test(hw[1]!)) r.archHints.push({ arch: 'arm', why: `Hardware name "${hw[1]}" (32-bit arm)` });
      cur = null;
      continue;
    }
    const cpusetLine = /(?:^|\s)cpuset=(\S+) mems_allowed=(\S+)$/.exec(t);
    if (cpusetLine) {
      r.cpuset = cpusetLine[1]!;
      r.memsAllowed = cpusetLine[2]!;
      cur = null;
      continue;
    }
    if (/^Mem-Info:/.test(t)) {
      if (recs.some((x) => x.kind === 'zone')) {
        r.warnings.push(`line ${ln}: a second Mem-Info block without a new header; the report ends here`);
        finish(ln - 1);
        continue;
      }
      afterMemInfo = true;
      cur = { kind: 'global', line: ln + 1, text: '' };
      recs.push(cur);
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = NODE_LINE.exec(t))) {
      cur = { kind: 'node', line: ln, text: t, nid: Number(m[1]) };
      recs.push(cur);
      continue;
    }
    if ((m = HUGEPAGES.exec(t))) {
      r.hugepages.push({ nid: Number(m[1]), total: Number(m[2]), free: Number(m[3]), surp: Number(m[4]), sizeKb: Number(m[5]) });
      cur = null;
      continue;
    }
    if ((m = ZONE_LINE.exec(t))) {
      cur = { kind: 'zone', line: ln, text: t.slice(m[0].length - `free:${m[3]}kB`.length), nid: m[1] !== undefined ? Number(m[1]) : null, name: m[2]! };
      recs.push(cur);
      continue;
    }
    if ((m = LOWMEM.exec(t))) {
      cur = { kind: 'lowmem', line: ln, text: m[1]! };
      recs.push(cur);
      continue;
    }
    if ((m = FREE_AREA.exec(t))) {
      cur = { kind: 'freearea', line: ln, text: m[3]!, nid: m[1] !== undefined ? Number(m[1]) : null, name: m[2]! };
      recs.push(cur);
      continue;
    }
    const tot = TOTALS.find(([re]) => re.test(t));
    if (tot) {
      r.totals[tot[1]] = Number(tot[0].exec(t)![1]);
      cur = null;
      continue;
    }
    if (/^Swap cache stats:/.test(t)) {
      r.swapCacheStats = true;
      cur = null;
      continue;
    }
    if (afterMemInfo && cur?.kind === 'global' && /^\s*[a-z_]+:\d+/.test(s)) {
      cur.text += ' ' + s;
      continue;
    }
    if (GLOBAL_FIRST.test(t) && !recs.some((x) => x.kind === 'global')) {
      cur = { kind: 'global', line: ln, text: t };
      recs.push(cur);
      continue;
    }
    if (cur && continues(cur.kind, s)) {
      cur.text += s;
      continue;
    }
    for (const [re, arch, why] of ARCH_HINTS) if (re.test(t) && !r.archHints.some((h) => h.arch === arch)) r.archHints.push({ arch, why });
    cur = null;
  }
  finish(lines.length);
  if (!reports.length) {
    throw new MmError('REPORT_NONE', `${file}: no "page allocation failure: order:N, mode:0x…" or "invoked oom-killer: gfp_mask=0x…" line in ${lines.length} lines; give a kernel log excerpt that holds the warn_alloc report`);
  }
  return reports;
}

/** Turn the records of one report into its sections. */
function buildReport(file: string, rep: ParsedAllocFailure, recs: Rec[]): void {
  const zoneKey = (nid: number | null, name: string) => `${nid ?? ''}/${name}`;
  let lastZone: ParsedZone | null = null;
  for (const r of recs) {
    switch (r.kind) {
      case 'global':
        rep.global = fieldsOf(r.text);
        rep.globalLine = r.line;
        break;
      case 'node': {
        const all = /all_unreclaimable\?\s*(yes|no)/.exec(r.text);
        rep.nodes.push({ nid: r.nid!, line: r.line, fields: fieldsOf(r.text.replace(/^Node \d+/, '')), allUnreclaimable: all ? all[1] === 'yes' : null });
        break;
      }
      case 'zone': {
        const fields = fieldsOf(r.text);
        for (const need of ['free', 'min']) {
          if (!(need in fields)) throw malformed(file, r.line, `the zone line of ${r.nid !== null ? `Node ${r.nid} ` : ''}${r.name} has no ${need}:NkB field: "${r.text.slice(0, 100)}"`);
        }
        if (rep.zones.some((z) => zoneKey(z.nid, z.name) === zoneKey(r.nid ?? null, r.name!))) {
          rep.warnings.push(`line ${r.line}: a second zone line for ${r.name}; the first is used`);
          lastZone = null;
          break;
        }
        lastZone = { nid: r.nid ?? null, name: r.name!, line: r.line, fields, lowmemReserve: null, lowmemLine: null, freeArea: null };
        rep.zones.push(lastZone);
        break;
      }
      case 'lowmem': {
        const nums = r.text.trim().split(/\s+/).filter(Boolean);
        if (!nums.length || nums.some((x) => !/^-?\d+$/.test(x))) throw malformed(file, r.line, `lowmem_reserve[] must be followed by integers, got "${r.text.trim().slice(0, 80)}"`);
        if (!lastZone) {
          rep.warnings.push(`line ${r.line}: a lowmem_reserve[] line that follows no zone line; ignored`);
          break;
        }
        lastZone.lowmemReserve = nums.map(Number);
        lastZone.lowmemLine = r.line;
        lastZone = null;
        break;
      }
      case 'freearea': {
        const fa = parseFreeArea(file, r, rep.warnings);
        const z = rep.zones.find((zz) => zoneKey(zz.nid, zz.name) === zoneKey(r.nid ?? null, r.name!));
        if (!z) rep.warnings.push(`line ${r.line}: free lists of ${r.nid !== undefined && r.nid !== null ? `Node ${r.nid} ` : ''}${r.name}, which has no zone line; ignored`);
        else if (z.freeArea) rep.warnings.push(`line ${r.line}: a second free-list line for ${r.name}; the first is used`);
        else z.freeArea = fa;
        break;
      }
    }
  }
}
