/**
 * Reading an event's body: the readers expect a literal at the reader's position `p`, read a value
 * and advance `p`, within the current line s[…, end). No substring, no object per read.
 */

const GFP_FLAGS = ' gfp_flags=';

/** Why a line did not parse (the replayer turns it into TRACE_PARSE with the line number). */
export class LineError extends Error {}

// character codes (module-private: V8 reads a module's own constant cheaper than an imported one)
const SP = 32;
const DASH = 45;
const D0 = 48;
const D9 = 57;


/** The body readers over the current line; TraceLineScanner (parse.ts) finds the lines and fills s, end and p. */
export class BodyReader {
  /** the text and the current line's end */
  s = '';
  end = 0;
  /** the reading position */
  p = 0;

  /** The body from p to the end of the line. */
  rest(): string {
    return this.s.slice(this.p, this.end).replace(/ +$/, '');
  }

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

  /** the fields kmemBody reads after the pfn: order, migratetype, percpu_refill */
  order = 0;
  mt = 0;
  refill = 0;

  /**
   * The body of a kmem event: `page=%p pfn=… order=N`, then `more` (0, 1 or 2) of ` migratetype=M`
   * and ` percpu_refill=R`, then with `gfp` ` gfp_flags=`, leaving p at the flags: mm_page_free (0),
   * mm_page_pcpu_drain (1), mm_page_alloc_zone_locked (2), mm_page_alloc (1, gfp); into order, mt
   * and refill; returns the pfn (−1 for a NULL page).
   * 6.1's tracefs layout (a 16-digit hashed pointer, a hex pfn, decimal fields one blank apart, the
   * literals checked as pagePfn and field check them) is read in one pass; any other text by
   * pagePfn, field and expect one by one, with their values and errors.
   */
  kmemBody(more: number, gfp: boolean): number {
    const s = this.s;
    const end = this.end;
    const p = this.p + 5;
    if (
      s.charCodeAt(p - 5) === 112 /* p */ && s.charCodeAt(p - 1) === 61 /* = */ && s.charCodeAt(p - 3) === 103 /* g */ &&
      s.charCodeAt(p + 16) === SP && s.charCodeAt(p + 21) === D0 && s.charCodeAt(p + 22) === 120 && s.charCodeAt(p + 20) === 61 && s.charCodeAt(p + 17) === 112 && s.charCodeAt(p + 19) === 110
    ) {
      let q = p + 23;
      let pfn = 0;
      for (; q < end; q++) {
        const c = s.charCodeAt(q);
        if (c >= D0 && c <= D9) pfn = pfn * 16 + c - D0;
        else if (c >= 97 && c <= 102) pfn = pfn * 16 + c - 87;
        else break;
      }
      // " order=", " migratetype=", " percpu_refill=" and their digits (anything else: the readers one by one)
      if (q > p + 23) q = this.fastField(q, 7, 111 /* o */, 114 /* r */);
      else q = -1;
      const order = this.fieldValue;
      if (q >= 0 && more > 0) q = this.fastField(q, 13, 109 /* m */, 101 /* e */);
      const mt = more > 0 ? this.fieldValue : 0;
      if (q >= 0 && more > 1) q = this.fastField(q, 15, 112 /* p */, 108 /* l */);
      const refill = more > 1 ? this.fieldValue : 0;
      if (q >= 0 && gfp) {
        // " gfp_flags="
        for (let k = 0; k < 11 && q >= 0; k++) if (s.charCodeAt(q + k) !== GFP_FLAGS.charCodeAt(k)) q = -1;
        if (q >= 0) q += 11;
      }
      if (q >= 0) {
        const nul = s.charCodeAt(p) === D0 && s.charCodeAt(p + 15) === D0 && s.startsWith('0000000000000000', p);
        this.pointerWidth = nul ? 0 : 16;
        this.lastPfnHex = true;
        this.order = order;
        this.mt = mt;
        this.refill = refill;
        this.p = q;
        return nul ? -1 : pfn;
      }
    }
    const pfn = this.pagePfn();
    this.kmemFields(more, gfp);
    return pfn;
  }

  /** the value fastField read */
  private fieldValue = 0;

  /**
   * At q, the ` name=` of n characters, checked as field checks it (the blank, its first letter l1,
   * its last letter ln and the `=`), then at least one digit: the position after the digits, their
   * value in fieldValue; −1 for anything else.
   */
  private fastField(q: number, n: number, l1: number, ln: number): number {
    const s = this.s;
    let c = s.charCodeAt(q + n) - D0;
    if (!(s.charCodeAt(q) === SP && s.charCodeAt(q + 1) === l1 && s.charCodeAt(q + n - 1) === 61 && s.charCodeAt(q + n - 2) === ln && c >= 0 && c <= 9)) return -1;
    let v = c;
    q += n + 1;
    while ((c = s.charCodeAt(q) - D0) >= 0 && c <= 9) {
      v = v * 10 + c;
      q++;
    }
    this.fieldValue = v;
    return q;
  }

  /** kmemBody's fields after the pfn, one by one. */
  kmemFields(more: number, gfp: boolean): void {
    this.order = this.field(' order=');
    if (more > 0) this.mt = this.field(' migratetype=');
    if (more > 1) this.refill = this.field(' percpu_refill=');
    if (gfp) this.expect(GFP_FLAGS);
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
