import { describe, expect, it } from 'vitest';
import { MmError } from '../../src/sim/errors';
import { parseZoneinfo } from '../../src/sim/format/zoneinfo-parse';
import { zoneinfoToView } from '../../src/sim/format/zoneinfo-view';
import { renderZoneinfo } from '../../src/sim/format/zoneinfo';
import { buddyinfoToView, parseBuddyinfo, renderBuddyinfo } from '../../src/sim/format/buddyinfo';
import { pagetypeinfoToView, parsePagetypeinfo } from '../../src/sim/format/pagetypeinfo-parse';
import { renderPagetypeinfo } from '../../src/sim/format/pagetypeinfo';
import { meminfoToView, parseMeminfo } from '../../src/sim/format/meminfo-parse';
import { renderMeminfo } from '../../src/sim/format/meminfo';
import { parseVmstat, renderVmstat, vmstatToView } from '../../src/sim/format/vmstat';
import { parseMemblockDebugfs } from '../../src/sim/format/memblock';
import { oracleFiles } from './oracle';

/** xorshift32: a seeded generator so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}

const PIECES = ['', ' ', '\n', '-', 'x', '99999999999999999999', '0', ':', ',', '(', ')', '>', 'Node', 'zone', 'DMA', '\t'];

/** One random edit: delete, duplicate or swap a line, cut a line, or splice in a piece. */
function mutate(text: string, r: () => number): string {
  const lines = text.split('\n');
  const i = Math.floor(r() * lines.length);
  const line = lines[i]!;
  const at = Math.floor(r() * (line.length + 1));
  switch (Math.floor(r() * 6)) {
    case 0: lines.splice(i, 1); break;
    case 1: lines.splice(i, 0, line); break;
    case 2: { const j = Math.floor(r() * lines.length); [lines[i], lines[j]] = [lines[j]!, line]; break; }
    case 3: lines[i] = line.slice(0, at); break;
    case 4: lines[i] = line.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)]! + line.slice(at); break;
    default: return text.slice(0, Math.floor(r() * text.length));
  }
  return lines.join('\n');
}

const KINDS: Array<[string, (t: string) => unknown]> = [
  ['zoneinfo', (t) => renderZoneinfo(zoneinfoToView(parseZoneinfo(t)))],
  ['buddyinfo', (t) => renderBuddyinfo(buddyinfoToView(parseBuddyinfo(t)))],
  ['pagetypeinfo', (t) => renderPagetypeinfo(pagetypeinfoToView(parsePagetypeinfo(t)))],
  ['meminfo', (t) => renderMeminfo(meminfoToView(parseMeminfo(t)))],
  ['vmstat', (t) => renderVmstat(vmstatToView(parseVmstat(t)))],
  ['memblock_reserved', (t) => parseMemblockDebugfs(t)],
];

describe('mutated /proc texts end in a value or an MmError', () => {
  for (const [kind, run] of KINDS) {
    it(kind, () => {
      const bases = oracleFiles(kind).filter((f) => !f.text.startsWith('(absent'));
      const r = rng(0x5eed + kind.length);
      let errors = 0;
      for (let n = 0; n < 800; n++) {
        let text = bases[n % bases.length]!.text;
        const edits = 1 + Math.floor(r() * 3);
        for (let k = 0; k < edits; k++) text = mutate(text, r);
        try {
          run(text);
        } catch (e) {
          if (!(e instanceof MmError)) throw new Error(`${kind} mutation ${n} threw ${String(e)}\n${text.slice(0, 2000)}`);
          expect(e.code).toMatch(/^[A-Z_]+$/);
          errors++;
        }
      }
      expect(errors).toBeGreaterThan(0);
    });
  }
});
