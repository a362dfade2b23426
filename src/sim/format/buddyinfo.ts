/**
 * /proc/buddyinfo: frag_show_print (mm/vmstat.c), renderer, parser and view builder.
 */
import type { MachineView, ZoneView } from '../view';
import type { ZoneName } from '../types';
import type { MachineViewExtra } from './extra';
import { parseError, parseUint, readLines } from './lines';
import { padLeft, padNum } from './printf';
import { emptyView, populatedZone } from './view-build';
import type { ViewHints } from './view-build';
import { ZONE_NAMES } from './zoneinfo-parse';
import { echoText } from './echo';

export interface BuddyinfoRow {
  nid: number;
  zone: ZoneName;
  /** free_area[order].nr_free for each order */
  counts: number[];
}

/** zone->free_area[order].nr_free: blocks of that order over all migratetypes */
export function nrFree(z: ZoneView, order: number): number {
  return (z.freeArea[order] ?? []).reduce((s, n) => s + n, 0);
}

/** frag_show_print: "Node %d, zone %8s " then "%6lu " per order. */
export function fragShowPrint(v: MachineView, z: ZoneView): string {
  let s = `Node ${z.nid}, zone ${padLeft(z.name, 8)} `;
  for (let order = 0; order < v.maxOrder; order++) s += `${padNum(nrFree(z, order), 6)} `;
  return s + '\n';
}

/** /proc/buddyinfo: populated zones of every online node. */
export function renderBuddyinfo(v: MachineView): string {
  let out = '';
  for (const node of v.nodes) for (const z of node.zones) if (populatedZone(z)) out += fragShowPrint(v, z);
  return out;
}

const CODE = 'BUDDYINFO_PARSE';
const WHAT = '/proc/buddyinfo';

export function parseBuddyinfo(text: string): BuddyinfoRow[] {
  const rows: BuddyinfoRow[] = [];
  for (const l of readLines(text)) {
    const m = /^Node\s+(\S+),\s+zone\s+(\S+)\s*(.*)$/.exec(l.text);
    if (!m) throw parseError(CODE, WHAT, l.no, `expected "Node N, zone NAME counts...", got "${echoText(l.text.trim())}"`);
    const nid = parseUint(m[1], CODE, WHAT, l.no, 'node id');
    if (!ZONE_NAMES.includes(m[2] as ZoneName)) throw parseError(CODE, WHAT, l.no, `unknown zone name "${echoText(m[2]!)}"`);
    const fields = m[3]!.trim() === '' ? [] : m[3]!.trim().split(/\s+/);
    if (fields.length === 0) throw parseError(CODE, WHAT, l.no, 'truncated line: no free counts');
    const counts = fields.map((f, order) => parseUint(f, CODE, WHAT, l.no, `order ${order}`));
    if (rows.length > 0 && counts.length !== rows[0]!.counts.length) {
      throw parseError(CODE, WHAT, l.no, `truncated line: ${counts.length} orders, the first line has ${rows[0]!.counts.length}`);
    }
    rows.push({ nid, zone: m[2] as ZoneName, counts });
  }
  if (rows.length === 0) throw parseError(CODE, WHAT, undefined, 'no zone line');
  return rows;
}

/**
 * A view holding what buddyinfo says: the listed zones are populated (present is unknown,
 * set to 1) and each order's count sits in the Unmovable column of freeArea, since
 * buddyinfo does not split counts by migratetype.
 */
export function buddyinfoToView(rows: BuddyinfoRow[], hints: ViewHints = {}): MachineViewExtra {
  const maxNid = Math.max(...rows.map((r) => r.nid));
  const arch = hints.arch ?? (rows.some((r) => r.zone === 'HighMem') ? 'arm' : undefined);
  const v = emptyView({ ...hints, arch, maxOrder: rows[0]!.counts.length }, maxNid + 1);
  for (const r of rows) {
    const z = v.nodes[r.nid]!.zones.find((x) => x.name === r.zone);
    if (!z) throw parseError(CODE, '/proc/buddyinfo', undefined, `zone ${r.zone} is not in the zone list ${v.zoneNames.join(', ')}`);
    z.present = 1;
    r.counts.forEach((c, order) => { z.freeArea[order]![0] = c; });
  }
  return v;
}
