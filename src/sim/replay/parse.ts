/**
 * A streaming scanner of ftrace text: the tracefs `trace` file (`comm-pid [cpu] flags ts: event: body`)
 * and `trace-cmd report` output (the same without the flags column, `page=0x…` raw pointers).
 * It reads one line at a time out of a larger string by index (no substring, no object per line)
 * and leaves the fields in its own properties; the replayer reads the event's body with the
 * readers of BodyReader (body-reader.ts), which advance `p`.
 *
 * The layout it accepts (the tracefs `trace` file's, kernel/trace/trace_output.c):
 *   ^\s*(comm)-(pid)\s+\[(cpu)\]\s(flags)\s+(ts):\s(event):\s(body)$
 * where the flags column may be missing (trace-cmd report) and the comm may contain `-` or spaces.
 */
import { BodyReader, LineError } from './body-reader';
import { EV, EVENT_CODES } from './events';

export { EV, EVENT_CODES } from './events';
export { LineError } from './body-reader';

// character codes (module-private: V8 reads a module's own constant cheaper than an imported one)
const SP = 32;
const TAB = 9;
const LBRACKET = 91;
const COLON = 58;
const DOT = 46;
const D0 = 48;
const D9 = 57;

// the event codes scan returns per line, module-private for the same reason
const { ALLOC, FREE, FREE_BATCHED, ZONE_LOCKED, PCPU_DRAIN, MARK } = EV;

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}

/**
 * The scanner. `scan(s, a, b)` classifies the line s[a, b): a header/comment (returns −1), a blank
 * line (−1), or an event (returns its code and sets the fields). It throws LineError for a line
 * that is neither.
 */
export class TraceLineScanner extends BodyReader {
  /** the body's start (BodyReader's readers advance p from it) */
  bodyStart = 0;
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
        if (s.charCodeAt(ev + 13) === COLON) (code = ALLOC), (end = ev + 13);
        else if (s.charCodeAt(ev + 25) === COLON && s.charCodeAt(ev + 14) === 122 /* z */ && s.charCodeAt(ev + 19) === 108 /* l */ && s.charCodeAt(ev + 24) === 100 /* d */) (code = ZONE_LOCKED), (end = ev + 25);
      } else if (x === 102 /* f */ && s.charCodeAt(ev + 9) === 114 /* r */ && s.charCodeAt(ev + 11) === 101 /* e */) {
        if (s.charCodeAt(ev + 12) === COLON) (code = FREE), (end = ev + 12);
        else if (s.charCodeAt(ev + 20) === COLON && s.charCodeAt(ev + 13) === 98 /* b */ && s.charCodeAt(ev + 19) === 100 /* d */) (code = FREE_BATCHED), (end = ev + 20);
      } else if (x === 112 /* p */ && s.charCodeAt(ev + 18) === COLON && s.charCodeAt(ev + 9) === 99 /* c */ && s.charCodeAt(ev + 13) === 100 /* d */ && s.charCodeAt(ev + 17) === 110 /* n */) (code = PCPU_DRAIN), (end = ev + 18);
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
      if (s.startsWith('mm_page_alloc', a)) return ALLOC;
    } else if (n === 12) {
      if (s.startsWith('mm_page_free', a)) return FREE;
    } else if (n === 20) {
      if (s.startsWith('mm_page_free_batched', a)) return FREE_BATCHED;
    } else if (n === 25) {
      if (s.startsWith('mm_page_alloc_zone_locked', a)) return ZONE_LOCKED;
    } else if (n === 18) {
      if (s.startsWith('mm_page_pcpu_drain', a)) return PCPU_DRAIN;
      if (s.startsWith('tracing_mark_write', a)) return MARK;
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
}
