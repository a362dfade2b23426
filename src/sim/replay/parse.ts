/**
 * A streaming scanner of ftrace text: the tracefs `trace` file (`comm-pid [cpu] flags ts: event: body`)
 * and `trace-cmd report` output (the same without the flags column, `page=0x…` raw pointers).
 * It reads one line at a time out of a larger string by index (no substring, no object per line)
 * and leaves the fields in its own properties; the replayer reads the event's body with the
 * number readers below, which advance `p`.
 *
 * The layout it accepts is /work/main/scratch/research/oracle-rt.md §1.2:
 *   ^\s*(comm)-(pid)\s+\[(cpu)\]\s(flags)\s+(ts):\s(event):\s(body)$
 * where the flags column may be missing (trace-cmd report) and the comm may contain `-` or spaces.
 */

/** The events the replayer knows, by code. Names not in the table are counted as unknown. */
export const EV = {
  UNKNOWN: 0,
  ALLOC: 1,
  FREE: 2,
  FREE_BATCHED: 3,
  ZONE_LOCKED: 4,
  PCPU_DRAIN: 5,
  EXTFRAG: 6,
  MARK: 7,
  COMPACTION_BEGIN: 8,
  COMPACTION_END: 9,
  COMPACTION_SUITABLE: 10,
  TRY_TO_COMPACT: 11,
  KCOMPACTD_WAKE: 12,
  KCOMPACTD_SLEEP: 13,
  WAKEUP_KSWAPD: 14,
  KSWAPD_WAKE: 15,
  KSWAPD_SLEEP: 16,
  DIRECT_RECLAIM_END: 17,
  LRU_SHRINK_INACTIVE: 18,
  CMA_ALLOC_START: 19,
  CMA_ALLOC_FINISH: 20,
  CMA_RELEASE: 21,
  /** known events the replay reads nothing from (compaction scanners, migrate, oom, …) */
  IGNORED: 22,
} as const;

/** Event names (the tracefs names, without the system prefix) → code. */
export const EVENT_CODES: ReadonlyMap<string, number> = new Map<string, number>([
  ['mm_page_alloc', EV.ALLOC],
  ['mm_page_free', EV.FREE],
  ['mm_page_free_batched', EV.FREE_BATCHED],
  ['mm_page_alloc_zone_locked', EV.ZONE_LOCKED],
  ['mm_page_pcpu_drain', EV.PCPU_DRAIN],
  ['mm_page_alloc_extfrag', EV.EXTFRAG],
  ['tracing_mark_write', EV.MARK],
  ['mm_compaction_begin', EV.COMPACTION_BEGIN],
  ['mm_compaction_end', EV.COMPACTION_END],
  ['mm_compaction_suitable', EV.COMPACTION_SUITABLE],
  ['mm_compaction_try_to_compact_pages', EV.TRY_TO_COMPACT],
  ['mm_compaction_kcompactd_wake', EV.KCOMPACTD_WAKE],
  ['mm_compaction_kcompactd_sleep', EV.KCOMPACTD_SLEEP],
  ['mm_vmscan_wakeup_kswapd', EV.WAKEUP_KSWAPD],
  ['mm_vmscan_kswapd_wake', EV.KSWAPD_WAKE],
  ['mm_vmscan_kswapd_sleep', EV.KSWAPD_SLEEP],
  ['mm_vmscan_direct_reclaim_end', EV.DIRECT_RECLAIM_END],
  ['mm_vmscan_lru_shrink_inactive', EV.LRU_SHRINK_INACTIVE],
  ['cma_alloc_start', EV.CMA_ALLOC_START],
  ['cma_alloc_finish', EV.CMA_ALLOC_FINISH],
  ['cma_release', EV.CMA_RELEASE],
  ...[
    'mm_compaction_finished', 'mm_compaction_isolate_migratepages', 'mm_compaction_isolate_freepages', 'mm_compaction_migratepages',
    'mm_compaction_defer_reset', 'mm_compaction_defer_compaction', 'mm_compaction_deferred', 'mm_compaction_wakeup_kcompactd',
    'mm_migrate_pages', 'mm_migrate_pages_start', 'mm_vmscan_direct_reclaim_begin', 'mm_vmscan_node_reclaim_begin', 'mm_vmscan_node_reclaim_end',
    'mm_vmscan_lru_isolate', 'mm_vmscan_write_folio', 'mm_vmscan_writepage', 'mm_vmscan_lru_shrink_active', 'mm_shrink_slab_start', 'mm_shrink_slab_end',
    'mm_vmscan_memcg_reclaim_begin', 'mm_vmscan_memcg_reclaim_end', 'mm_vmscan_memcg_softlimit_reclaim_begin', 'mm_vmscan_memcg_softlimit_reclaim_end',
    'reclaim_retry_zone', 'compact_retry', 'mark_victim', 'wake_reaper', 'start_task_reaping', 'finish_task_reaping', 'skip_task_reaping',
    'oom_score_adj_update', 'cma_alloc_busy_retry', 'cma_alloc', 'cma_alloc_info', 'mm_page_alloc_highatomic',
  ].map((n): [string, number] => [n, EV.IGNORED]),
]);

/** Why a line did not parse (the replayer turns it into TRACE_PARSE with the line number). */
export class LineError extends Error {}

const SP = 32;
const TAB = 9;
const LBRACKET = 91;
const COLON = 58;
const DASH = 45;
const DOT = 46;
const D0 = 48;
const D9 = 57;

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}

/**
 * The scanner. `scan(s, a, b)` classifies the line s[a, b): a header/comment (returns −1), a blank
 * line (−1), or an event (returns its code and sets the fields). It throws LineError for a line
 * that is neither.
 */
export class TraceLineScanner {
  /** the text and the current line's bounds */
  s = '';
  end = 0;
  /** body start; readers advance p */
  bodyStart = 0;
  p = 0;
  /** event name bounds (for unknown events) */
  evStart = 0;
  evEnd = 0;
  /** the line's start and its `[` (the comm and pid before it are read only when asked for) */
  lineStart = 0;
  bracket = 0;
  cpu = 0;
  /** the flags column's hard/softirq character was `s` (softirq) or `H`/`h` (hardirq) */
  inIrq = false;
  /** `#P:N` from the tracefs header, or `cpus=N` from trace-cmd report; 0 if not seen */
  headerCpus = 0;
  /** a line before the first event (trace-cmd's header), accepted as a comment */
  sawEvent = false;
  /** events the ring buffer lost (`CPU:N [LOST M EVENTS]` lines) */
  lost = 0;

  /** Classify line s[a, b); −1 for comments and blank lines. */
  scan(s: string, a: number, b: number): number {
    this.s = s;
    if (b > a && s.charCodeAt(b - 1) === 13) b--;
    this.end = b;
    this.lineStart = a;
    let q: number;
    let rb: number;
    // the tracefs layout "%16s-%-7d [%03d] %5s %5lu.%06lu: ": cpu column at 25..29, flags at
    // 31..35, the timestamp's colon at 49 (for uptimes under 100000 s), the event name at 51
    if (s.charCodeAt(a + 25) === LBRACKET && s.charCodeAt(a + 29) === 93 && s.charCodeAt(a + 30) === SP && s.charCodeAt(a + 24) === SP) {
      const c0 = s.charCodeAt(a + 26) - D0;
      const c1 = s.charCodeAt(a + 27) - D0;
      const c2 = s.charCodeAt(a + 28) - D0;
      if (c0 < 0 || c0 > 9 || c1 < 0 || c1 > 9 || c2 < 0 || c2 > 9) throw new LineError('bad cpu column');
      this.cpu = c0 * 100 + c1 * 10 + c2;
      this.bracket = a + 25;
      if (s.charCodeAt(a + 49) === COLON && s.charCodeAt(a + 42) === DOT && s.charCodeAt(a + 36) === SP && s.charCodeAt(a + 50) === SP && isDigit(s.charCodeAt(a + 48)) && isDigit(s.charCodeAt(a + 41))) {
        const f = s.charCodeAt(a + 33);
        this.inIrq = f === 115 /* s */ || f === 104 /* h */ || f === 72 /* H */;
        this.sawEvent = true;
        return this.event(s, a + 51, b);
      }
      q = a + 25;
      rb = a + 29;
    } else {
      let i = a;
      while (i < b && (s.charCodeAt(i) === SP || s.charCodeAt(i) === TAB)) i++;
      if (i === b) return -1;
      if (s.charCodeAt(i) === 35 /* # */) {
        this.header(s, i, b);
        return -1;
      }
      // the CPU column: `[ddd]` preceded by a blank
      rb = s.indexOf(']', i);
      q = -1;
      while (rb >= 0 && rb < b) {
        let k = rb - 1;
        while (k > i && isDigit(s.charCodeAt(k))) k--;
        if (k < rb - 1 && s.charCodeAt(k) === LBRACKET) {
          const c0 = s.charCodeAt(k - 1);
          if (c0 === SP || c0 === TAB) {
            q = k;
            break;
          }
        }
        rb = s.indexOf(']', rb + 1);
      }
      if (q < 0) {
        if (s.startsWith('CPU:', i)) {
          // "CPU:%d [LOST %lu EVENTS]": the ring buffer overran (tracefs and trace-cmd print it)
          const m = /^CPU:\s*\d+ \[LOST (\d+) EVENTS\]$/.exec(s.slice(i, b));
          if (m) {
            this.lost += Number(m[1]);
            return -1;
          }
        }
        if (!this.sawEvent && this.preamble(s, i, b)) return -1;
        throw new LineError('not an ftrace event line (no "[cpu]" column)');
      }
      let cpu = 0;
      for (let k = q + 1; k < rb; k++) cpu = cpu * 10 + s.charCodeAt(k) - D0;
      this.cpu = cpu;
    }
    this.bracket = q;
    // comm-pid before the bracket
    let e = q - 1;
    while (e > a && (s.charCodeAt(e) === SP || s.charCodeAt(e) === TAB)) e--;
    if (!isDigit(s.charCodeAt(e))) throw new LineError('no "comm-pid" before the cpu column');
    // flags (optional): "] .Ns.. " — the hard/softirq character is the third
    let k = rb + 1;
    while (s.charCodeAt(k) === SP) k++;
    const c = s.charCodeAt(k);
    let irq = false;
    if (!(c >= D0 && c <= D9)) {
      const f = s.charCodeAt(k + 2);
      irq = f === 115 /* s */ || f === 104 /* h */ || f === 72 /* H */;
      const fe = s.indexOf(' ', k);
      if (fe - k < 4 || fe - k > 6) throw new LineError('the flags column is not 4–6 characters');
      k = fe + 1;
    }
    this.inIrq = irq;
    // the timestamp, then ": event: body" (neither the flags nor the timestamp hold ": ")
    const colon0 = s.indexOf(': ', k);
    if (colon0 < 0 || colon0 >= b || !isDigit(s.charCodeAt(colon0 - 1))) throw new LineError('no timestamp');
    let d = colon0 - 1;
    while (d > k && isDigit(s.charCodeAt(d))) d--;
    if (s.charCodeAt(d) !== DOT || !isDigit(s.charCodeAt(d - 1))) throw new LineError('no timestamp');
    this.sawEvent = true;
    return this.event(s, colon0 + 2, b);
  }

  /** The event name at ev and the body after it; the kmem events by their fixed names. */
  private event(s: string, ev: number, b: number): number {
    this.evStart = ev;
    // "mm_page_" then the name, checked character by character (inlined loads, no library call)
    if (s.charCodeAt(ev) === 109 /* m */ && s.charCodeAt(ev + 1) === 109 && s.charCodeAt(ev + 2) === 95 && s.charCodeAt(ev + 3) === 112 /* p */ && s.charCodeAt(ev + 6) === 101 /* e */ && s.charCodeAt(ev + 7) === 95 /* _ */) {
      const x = s.charCodeAt(ev + 8);
      let code = -1;
      let end = 0;
      if (x === 97 /* a */ && s.charCodeAt(ev + 9) === 108 /* l */ && s.charCodeAt(ev + 12) === 99 /* c */) {
        if (s.charCodeAt(ev + 13) === COLON) (code = EV.ALLOC), (end = ev + 13);
        else if (s.charCodeAt(ev + 25) === COLON && s.charCodeAt(ev + 14) === 122 /* z */ && s.charCodeAt(ev + 19) === 108 /* l */ && s.charCodeAt(ev + 24) === 100 /* d */) (code = EV.ZONE_LOCKED), (end = ev + 25);
      } else if (x === 102 /* f */ && s.charCodeAt(ev + 9) === 114 /* r */ && s.charCodeAt(ev + 11) === 101 /* e */) {
        if (s.charCodeAt(ev + 12) === COLON) (code = EV.FREE), (end = ev + 12);
        else if (s.charCodeAt(ev + 20) === COLON && s.charCodeAt(ev + 13) === 98 /* b */ && s.charCodeAt(ev + 19) === 100 /* d */) (code = EV.FREE_BATCHED), (end = ev + 20);
      } else if (x === 112 /* p */ && s.charCodeAt(ev + 18) === COLON && s.charCodeAt(ev + 9) === 99 /* c */ && s.charCodeAt(ev + 13) === 100 /* d */ && s.charCodeAt(ev + 17) === 110 /* n */) (code = EV.PCPU_DRAIN), (end = ev + 18);
      if (code > 0) {
        this.evEnd = end;
        let k = end + 2;
        while (s.charCodeAt(k) === SP) k++;
        this.bodyStart = k;
        this.p = k;
        return code;
      }
    }
    let e2 = ev;
    while (s.charCodeAt(e2) === SP) e2++;
    const colon = s.indexOf(':', e2);
    if (colon < 0 || colon >= b || colon === e2) throw new LineError('no event name');
    this.evStart = e2;
    this.evEnd = colon;
    let k = colon + 1;
    while (k < b && s.charCodeAt(k) === SP) k++;
    this.bodyStart = k;
    this.p = k;
    return this.code(s, e2, colon);
  }

  /** The task's pid. */
  get pid(): number {
    const s = this.s;
    let e = this.bracket - 1;
    while (e > this.lineStart && (s.charCodeAt(e) === SP || s.charCodeAt(e) === TAB)) e--;
    let d = e;
    while (d > this.lineStart && isDigit(s.charCodeAt(d))) d--;
    let pid = 0;
    for (let k = d + 1; k <= e; k++) pid = pid * 10 + s.charCodeAt(k) - D0;
    return pid;
  }

  /** The comm (task name) bounds. */
  private commBounds(): [number, number] {
    const s = this.s;
    let e = this.bracket - 1;
    while (e > this.lineStart && (s.charCodeAt(e) === SP || s.charCodeAt(e) === TAB)) e--;
    while (e > this.lineStart && isDigit(s.charCodeAt(e))) e--;
    let i = this.lineStart;
    while (i < e && (s.charCodeAt(i) === SP || s.charCodeAt(i) === TAB)) i++;
    return [i, e];
  }

  /** The event code: a switch on the name's length and a character for the hot kmem events, the map for the rest. */
  private code(s: string, a: number, b: number): number {
    const n = b - a;
    if (n === 13) {
      if (s.startsWith('mm_page_alloc', a)) return EV.ALLOC;
    } else if (n === 12) {
      if (s.startsWith('mm_page_free', a)) return EV.FREE;
    } else if (n === 20) {
      if (s.startsWith('mm_page_free_batched', a)) return EV.FREE_BATCHED;
    } else if (n === 25) {
      if (s.startsWith('mm_page_alloc_zone_locked', a)) return EV.ZONE_LOCKED;
    } else if (n === 18) {
      if (s.startsWith('mm_page_pcpu_drain', a)) return EV.PCPU_DRAIN;
      if (s.startsWith('tracing_mark_write', a)) return EV.MARK;
    }
    // trace-cmd may print the system: kmem:mm_page_alloc is not its style, but accept "system:" nowhere
    return EVENT_CODES.get(s.slice(a, b)) ?? EV.UNKNOWN;
  }

  /** The event name of the current line. */
  eventName(): string {
    return this.s.slice(this.evStart, this.evEnd);
  }

  comm(): string {
    const [i, e] = this.commBounds();
    return this.s.slice(i, e);
  }

  /** Does the current comm start with `prefix`? */
  commStarts(prefix: string): boolean {
    return this.s.startsWith(prefix, this.commBounds()[0]);
  }

  /** The body from p to the end of the line. */
  rest(): string {
    return this.s.slice(this.p, this.end).replace(/ +$/, '');
  }

  private header(s: string, a: number, b: number): void {
    // "# entries-in-buffer/entries-written: 1284758/1284758   #P:1"
    const line = s.slice(a, b);
    const j = line.indexOf('#P:', 1);
    const k = j < 0 ? -1 : a + j;
    if (k >= 0) {
      let n = 0;
      for (let j = k + 3; j < b && isDigit(s.charCodeAt(j)); j++) n = n * 10 + s.charCodeAt(j) - D0;
      this.headerCpus = n;
    }
  }

  /** trace-cmd report's lines before the first event: `version = 6`, `cpus=4`, `CPU 2 is empty`, … */
  private preamble(s: string, a: number, b: number): boolean {
    const line = s.slice(a, b);
    const m = /^cpus=(\d+)$/.exec(line);
    if (m) {
      this.headerCpus = Number(m[1]);
      return true;
    }
    return /^(version = \d+|CPU \d+ is empty|CPU\d+ data recorded at offset=0x[0-9a-f]+|\d+ bytes in size|trace-cmd: .*)$/.test(line);
  }

  // ---- body readers: each expects a literal, then reads a value and advances p ----

  /** Expect `lit` at p (after skipping blanks), advance past it. */
  expect(lit: string): void {
    const s = this.s;
    let p = this.p;
    if (s.startsWith(lit, p)) {
      this.p = p + lit.length;
      return;
    }
    // other spacing (trace-cmd aligns bodies): blanks, then the literal without its own blank
    const l = lit.trimStart();
    while (s.charCodeAt(p) === SP) p++;
    if (!s.startsWith(l, p)) throw new LineError(`expected "${l}"`);
    this.p = p + l.length;
  }

  /** A decimal integer (optionally negative), or hex with 0x. */
  num(): number {
    const s = this.s;
    let p = this.p;
    const end = this.end;
    let neg = false;
    if (s.charCodeAt(p) === DASH) {
      neg = true;
      p++;
    }
    let v = 0;
    const st = p;
    if (s.charCodeAt(p) === D0 && s.charCodeAt(p + 1) === 120 /* x */) {
      p += 2;
      const hs = p;
      for (; p < end; p++) {
        const c = s.charCodeAt(p);
        let d: number;
        if (c >= D0 && c <= D9) d = c - D0;
        else if (c >= 97 && c <= 102) d = c - 87;
        else if (c >= 65 && c <= 70) d = c - 55;
        else break;
        v = v * 16 + d;
      }
      if (p === hs) throw new LineError('expected a hex number');
    } else {
      for (; p < end; p++) {
        const c = s.charCodeAt(p);
        if (c < D0 || c > D9) break;
        v = v * 10 + c - D0;
      }
      if (p === st) throw new LineError('expected a number');
    }
    this.p = p;
    return neg ? -v : v;
  }

  /**
   * `page=%p pfn=…` of the kmem events, fast: returns the pfn, or −1 for a NULL page; pointerWidth
   * is set to the pointer's digit count (0 for NULL).
   */
  pointerWidth = 0;
  pagePfn(): number {
    const s = this.s;
    let p = this.p;
    if (!(s.charCodeAt(p) === 112 /* p */ && s.charCodeAt(p + 4) === 61 /* = */ && s.charCodeAt(p + 2) === 103 /* g */)) throw new LineError('expected "page="');
    p += 5;
    // the tracefs hashed pointer: 16 hex digits then " pfn=0x"
    if (s.charCodeAt(p + 16) === SP && s.charCodeAt(p + 21) === D0 && s.charCodeAt(p + 22) === 120 && s.charCodeAt(p + 20) === 61 /* = */ && s.charCodeAt(p + 17) === 112 /* p */ && s.charCodeAt(p + 19) === 110 /* n */) {
      const nul = s.charCodeAt(p) === D0 && s.charCodeAt(p + 15) === D0 && s.startsWith('0000000000000000', p);
      this.pointerWidth = nul ? 0 : 16;
      let q = p + 23;
      let v = 0;
      const end = this.end;
      for (; q < end; q++) {
        const c = s.charCodeAt(q);
        if (c >= D0 && c <= D9) v = v * 16 + c - D0;
        else if (c >= 97 && c <= 102) v = v * 16 + c - 87;
        else break;
      }
      if (q === p + 23) throw new LineError('expected a hex number');
      this.p = q;
      this.lastPfnHex = true;
      return nul ? -1 : v;
    }
    this.p = p;
    const w = this.pointer();
    this.pointerWidth = w;
    this.expect(' pfn=');
    const pfn = this.pfn();
    return w ? pfn : -1;
  }

  /** A small decimal (orders, migratetypes) after `lit`. */
  field(lit: string): number {
    const s = this.s;
    let p = this.p;
    const n = lit.length;
    // " name=": the blank, the first letter and the "=" at their places (the field order is fixed)
    if (s.charCodeAt(p) === SP && s.charCodeAt(p + 1) === lit.charCodeAt(1) && s.charCodeAt(p + n - 1) === 61 && s.charCodeAt(p + n - 2) === lit.charCodeAt(n - 2)) p += n;
    else {
      this.expect(lit);
      p = this.p;
    }
    let v = 0;
    const st = p;
    let neg = false;
    if (s.charCodeAt(p) === DASH) {
      neg = true;
      p++;
    }
    for (;;) {
      const c = s.charCodeAt(p);
      if (!(c >= D0 && c <= D9)) break; // NaN past the end too
      v = v * 10 + c - D0;
      p++;
    }
    if (p === st || (neg && p === st + 1)) throw new LineError(`expected a number after "${lit.trim()}"`);
    this.p = p;
    return neg ? -v : v;
  }

  /** `pfn=` value: 6.1 prints 0x hex, 5.10 decimal; sets lastPfnHex. */
  lastPfnHex = false;
  pfn(): number {
    const s = this.s;
    this.lastPfnHex = s.charCodeAt(this.p) === D0 && s.charCodeAt(this.p + 1) === 120;
    return this.num();
  }

  /**
   * `page=%p`: a hashed pointer (16 hex digits on 64-bit kernels, 8 on 32-bit), a raw pointer
   * `0x…` (trace-cmd report), or NULL as zeros / `(null)` / `(nil)`. Returns the digit count, 0 for NULL.
   */
  pointer(): number {
    const s = this.s;
    const p = this.p;
    const end = this.end;
    let q = s.indexOf(' ', p);
    if (q < 0 || q > end) q = end;
    this.p = q;
    const c0 = s.charCodeAt(p);
    if (c0 === 40 /* ( */) {
      if (s.startsWith('(null)', p) || s.startsWith('(nil)', p)) return 0;
      throw new LineError('bad page pointer');
    }
    if (q === p) throw new LineError('empty page pointer');
    if (c0 === D0 && s.charCodeAt(p + 1) === 120 /* 0x: a raw pointer, its width is its significant digits */) {
      let k = p + 2;
      while (k < q && s.charCodeAt(k) === D0) k++;
      return q - k;
    }
    // a hashed pointer prints its full width; NULL prints as zeros
    if (s.charCodeAt(q - 1) === D0 && s.startsWith('0000000000000000'.slice(0, q - p), p)) return 0;
    return q - p;
  }

  /** Skip to the end of the current token (the next blank or the line end). */
  skipToken(): void {
    const s = this.s;
    let p = this.p;
    while (p < this.end && s.charCodeAt(p) !== SP) p++;
    this.p = p;
  }

  /** Is `lit` next (after blanks)? Does not advance. */
  peek(lit: string): boolean {
    const s = this.s;
    let p = this.p;
    while (s.charCodeAt(p) === SP) p++;
    return s.startsWith(lit, p);
  }

  /** Find `lit` in the rest of the body and move p past it; false if absent. */
  seek(lit: string): boolean {
    const j = this.s.slice(this.p, this.end).indexOf(lit);
    if (j < 0) return false;
    this.p += j + lit.length;
    return true;
  }
}
