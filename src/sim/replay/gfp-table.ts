/**
 * The `gfp_flags=` text of a kmem event to its mask, parsed once per distinct text: a table keyed
 * by two 32-bit hashes and the length of the text (a trace has a few dozen distinct texts).
 */
import { parseGfp } from '../page_alloc/gfp';
import { LineError, type TraceLineScanner } from './parse';

interface GfpEntry {
  h2: number;
  len: number;
  mask: number;
}

export class GfpTable {
  private readonly slots: Array<GfpEntry | undefined> = new Array(4096);

  /** The mask of the text from the scanner's position to the end of the line. */
  lookup(sc: TraceLineScanner): number {
    const s = sc.s;
    const a = sc.p;
    const b = sc.end;
    let h1 = b - a;
    let h2 = 0x2545f491;
    for (let k = a; k < b; k++) {
      const c = s.charCodeAt(k);
      h1 = (Math.imul(h1, 31) + c) | 0;
      h2 = Math.imul(h2 ^ c, 0x9e3779b1);
    }
    const slot = (h1 ^ (h1 >>> 12)) & 4095;
    const e = this.slots[slot];
    if (e && e.h2 === h2 && e.len === b - a) return e.mask;
    const text = s.slice(a, b);
    let mask: number;
    if (text === 'none') mask = 0;
    else {
      try {
        mask = parseGfp(text, 'gfp_flags');
      } catch (err) {
        throw new LineError(err instanceof Error ? err.message : String(err));
      }
    }
    this.slots[slot] = { h2, len: b - a, mask };
    return mask;
  }
}
