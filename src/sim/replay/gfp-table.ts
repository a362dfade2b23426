/**
 * The `gfp_flags=` text of a kmem event to its mask, parsed once per distinct text: a table keyed
 * by two 32-bit hashes and the length of the text (a trace has a few dozen distinct texts). The
 * table is typed arrays, so a lookup reads no object and the table's shape never changes.
 */
import { parseGfp } from '../page_alloc/gfp';
import { LineError, type TraceLineScanner } from './parse';

const SLOTS = 4096;

export class GfpTable {
  /** per slot: the text's length (−1: empty), its second hash, its mask */
  private readonly len = new Int32Array(SLOTS).fill(-1);
  private readonly h2 = new Int32Array(SLOTS);
  private readonly mask = new Float64Array(SLOTS);

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
    const slot = (h1 ^ (h1 >>> 12)) & (SLOTS - 1);
    if (this.len[slot] === b - a && this.h2[slot] === h2) return this.mask[slot]!;
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
    this.len[slot] = b - a;
    this.h2[slot] = h2;
    this.mask[slot] = mask;
    return mask;
  }
}
