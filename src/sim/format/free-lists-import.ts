/**
 * The free-list shape of an imported machine from its /proc/buddyinfo and /proc/pagetypeinfo,
 * checked against each other and against the zoneinfo of the same machine.
 *
 * The three files are read one after the other on a running machine, so their free counts
 * differ by what was allocated and freed in between (pcp refills and drains move `batch` pages
 * at a time). The rule, per zone:
 * - the populated zones must be the same in all files (else refused: not one machine);
 * - buddyinfo's count at each order is the sum over migratetypes of pagetypeinfo's, except
 *   where pagetypeinfo capped a list at 100000 (">"): there buddyinfo must be at least the sum.
 *   The difference in pages, sum over orders of |difference| x 2^order, may be up to
 *   max(1024 pages, 2 % of the zone's free pages) (ZONEINFO_FREE_LISTS_DRIFT warning); more is
 *   refused (ZONEINFO_FREE_LISTS_MISMATCH): the files are not of one machine and moment;
 * - the pages on the free lists against zoneinfo's "pages free" get the same tolerance, and
 *   beyond it only a warning (zoneinfo is the file the machine is imported from).
 * With a pagetypeinfo the view has the per-migratetype lists and pageblock counts
 * (freeLists 'types'); with a buddyinfo only, the per-order counts (freeLists 'orders': there is
 * no pagetypeinfo to print).
 */
import { MmError } from '../errors';
import type { ZoneView } from '../view';
import { parseBuddyinfo, type BuddyinfoRow } from './buddyinfo';
import type { MachineViewExtra } from './extra';
import { FREE_LIST_WALK_CAP } from './pagetypeinfo';
import { parsePagetypeinfo, type ParsedPagetypeinfo } from './pagetypeinfo-parse';
import { isKnownFraming } from './zoneinfo-frame';

export interface FreeListTexts {
  buddyinfo?: string;
  pagetypeinfo?: string;
}

/** A BOM and bugreport/shell framing lines taken out (line numbers kept: they become blank). */
export function unframe(text: string): string {
  const t = text.startsWith('\ufeff') ? text.slice(1) : text;
  return t.split('\n').map((l) => (isKnownFraming(l.trim()) ? '' : l)).join('\n');
}

const key = (nid: number, zone: string) => `node ${nid} zone ${zone}`;
const mismatch = (msg: string) => new MmError('ZONEINFO_FREE_LISTS_MISMATCH', msg, 'free lists');

/** the tolerance in pages for two reads of one zone's free lists */
export function freeListTolerance(freePages: number): number {
  return Math.max(1024, Math.floor(freePages / 50));
}

function sameZones(a: string[], b: string[], what: string): void {
  const onlyA = a.filter((k) => !b.includes(k));
  const onlyB = b.filter((k) => !a.includes(k));
  if (onlyA.length || onlyB.length) {
    throw mismatch(`${what}: ${onlyA.length ? `${onlyA.join(', ')} only in the first` : ''}${onlyA.length && onlyB.length ? '; ' : ''}${onlyB.length ? `${onlyB.join(', ')} only in the second` : ''}: not the same machine`);
  }
}

/** Per zone and order, pagetypeinfo's sum over migratetypes and whether a list was capped. */
function ptiSums(p: ParsedPagetypeinfo): Map<string, Array<{ sum: number; capped: boolean }>> {
  const out = new Map<string, Array<{ sum: number; capped: boolean }>>();
  for (const r of p.free) {
    const k = key(r.nid, r.zone);
    const row = out.get(k) ?? r.counts.map(() => ({ sum: 0, capped: false }));
    r.counts.forEach((c, o) => { row[o]!.sum += c; row[o]!.capped ||= r.overflow[o]!; });
    out.set(k, row);
  }
  return out;
}

/** The pages in per-order block counts (buddyinfo's row, a list's counts): Σ count × 2^order. */
export const pagesOf = (counts: readonly number[]): number => counts.reduce((s, c, o) => s + c * 2 ** o, 0);

/** Merge the files into the imported view `v` (its zones and populated set from zoneinfo). Returns warnings. */
export function mergeFreeLists(v: MachineViewExtra, t: FreeListTexts): string[] {
  const warnings: string[] = [];
  const bi: BuddyinfoRow[] | undefined = t.buddyinfo === undefined ? undefined : parseBuddyinfo(unframe(t.buddyinfo));
  const pti = t.pagetypeinfo === undefined ? undefined : parsePagetypeinfo(unframe(t.pagetypeinfo));
  if (!bi && !pti) return warnings;
  const zones = new Map<string, ZoneView>();
  for (const n of v.nodes) for (const z of n.zones) if (z.present > 0) zones.set(key(n.nid, z.name), z);
  const orders = bi?.[0]!.counts.length ?? pti!.orders;
  if (orders !== v.maxOrder) throw mismatch(`the ${bi ? 'buddyinfo' : 'pagetypeinfo'} has ${orders} orders, but the ${v.arch} ${v.kernel} profile has ${v.maxOrder} (MAX_ORDER): a kernel built with another CONFIG_ARCH_FORCE_MAX_ORDER`);
  if (bi) sameZones([...zones.keys()], bi.map((r) => key(r.nid, r.zone)), 'zoneinfo\'s populated zones and buddyinfo\'s zones differ');
  const sums = pti ? ptiSums(pti) : undefined;
  if (pti) {
    if (pti.orders !== orders) throw mismatch(`buddyinfo has ${orders} orders, pagetypeinfo ${pti.orders}`);
    sameZones([...zones.keys()], [...sums!.keys()], 'zoneinfo\'s populated zones and pagetypeinfo\'s free table differ');
    sameZones([...zones.keys()], pti.blocks.map((b) => key(b.nid, b.zone)), 'zoneinfo\'s populated zones and pagetypeinfo\'s block table differ');
  }
  for (const [k, z] of zones) {
    const bRow = bi?.find((r) => key(r.nid, r.zone) === k)?.counts;
    const pRow = sums?.get(k);
    const listed = bRow ?? pRow!.map((x) => x.sum);
    const tol = freeListTolerance(Math.max(pagesOf(listed), z.free));
    if (bRow && pRow) {
      let diff = 0;
      let first = -1;
      bRow.forEach((b, o) => {
        const p = pRow[o]!;
        const d = p.capped ? Math.max(0, p.sum - b) : Math.abs(b - p.sum);
        if (d > 0 && first < 0) first = o;
        diff += d * 2 ** o;
      });
      if (diff > tol) throw mismatch(`buddyinfo and pagetypeinfo disagree in ${k} by ${diff} pages (order ${first}: ${bRow[first]} against ${pRow[first]!.sum}), more than the ${tol} two reads of one machine can differ by`);
      if (diff > 0) warnings.push(`ZONEINFO_FREE_LISTS_DRIFT: buddyinfo and pagetypeinfo differ in ${k} by ${diff} pages (read at different moments); pagetypeinfo's lists are used`);
    }
    const onLists = pagesOf(listed);
    if (Math.abs(onLists - z.free) > tol) {
      warnings.push(`ZONEINFO_FREE_LISTS_DRIFT: the free lists of ${k} hold ${onLists} pages, zoneinfo's "pages free" is ${z.free}: more than the ${tol} pages two reads of one machine usually differ by`);
    }
  }
  if (pti) {
    v.migratetypeNames = [...pti.types];
    for (const z of zones.values()) {
      z.freeArea = Array.from({ length: orders }, () => pti.types.map(() => 0));
      z.blocksByType = pti.types.map(() => 0);
    }
    for (const r of pti.free) {
      const z = zones.get(key(r.nid, r.zone))!;
      const mt = pti.types.indexOf(r.type);
      if (mt < 0) throw mismatch(`pagetypeinfo's free table has type ${r.type}, which its block table header does not list`);
      r.counts.forEach((c, o) => { z.freeArea[o]![mt] = r.overflow[o] ? Math.max(c, FREE_LIST_WALK_CAP) : c; });
    }
    for (const b of pti.blocks) {
      const z = zones.get(key(b.nid, b.zone))!;
      pti.types.forEach((type, mt) => { z.blocksByType[mt] = b.counts[type]!; });
    }
    v.freeLists = 'types';
  } else {
    for (const r of bi!) {
      const z = zones.get(key(r.nid, r.zone))!;
      z.freeArea = r.counts.map((c) => v.migratetypeNames.map((_, mt) => (mt === 0 ? c : 0)));
    }
    v.freeLists = 'orders';
  }
  return warnings;
}

/** The pageblock order a pagetypeinfo text states (for the arch check), or undefined. */
export function pagetypeinfoPageblockOrder(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parsePagetypeinfo(unframe(text)).pageblockOrder;
}
