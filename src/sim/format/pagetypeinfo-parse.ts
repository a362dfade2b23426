/**
 * /proc/pagetypeinfo parser (one section per node with memory) and view builder.
 */
import type { ZoneName } from '../types';
import type { MachineViewExtra } from './extra';
import { parseError, parseUint, readLines } from './lines';
import type { Line } from './lines';
import { FREE_LIST_WALK_CAP } from './pagetypeinfo';
import { emptyView } from './view-build';
import type { ViewHints } from './view-build';
import { ZONE_NAMES } from './zoneinfo-parse';
import { echoText } from './echo';

export interface PagetypeFreeRow {
  nid: number;
  zone: ZoneName;
  type: string;
  counts: number[];
  /** ">" printed: the walk stopped at 100000 entries */
  overflow: boolean[];
}

export interface PagetypeBlockRow {
  nid: number;
  zone: ZoneName;
  counts: Record<string, number>;
}

export interface ParsedPagetypeinfo {
  pageblockOrder: number;
  pagesPerBlock: number;
  /** the migratetype names of the block table header, in order */
  types: string[];
  /** number of orders in the header */
  orders: number;
  free: PagetypeFreeRow[];
  blocks: PagetypeBlockRow[];
}

const CODE = 'PAGETYPEINFO_PARSE';
const WHAT = '/proc/pagetypeinfo';

function zoneName(l: Line, s: string): ZoneName {
  if (!ZONE_NAMES.includes(s as ZoneName)) throw parseError(CODE, WHAT, l.no, `unknown zone name "${echoText(s)}"`);
  return s as ZoneName;
}

export function parsePagetypeinfo(text: string): ParsedPagetypeinfo {
  const out: ParsedPagetypeinfo = { pageblockOrder: -1, pagesPerBlock: -1, types: [], orders: -1, free: [], blocks: [] };
  let table: 'none' | 'free' | 'blocks' = 'none';
  for (const l of readLines(text)) {
    const t = l.text;
    let m: RegExpExecArray | null;
    if ((m = /^Page block order:\s*(\S*)$/.exec(t))) {
      const order = parseUint(m[1], CODE, WHAT, l.no, 'page block order');
      if (out.pageblockOrder >= 0 && order !== out.pageblockOrder) throw parseError(CODE, WHAT, l.no, 'page block order differs between nodes');
      out.pageblockOrder = order;
      table = 'none';
    } else if ((m = /^Pages per block:\s*(\S*)$/.exec(t))) {
      out.pagesPerBlock = parseUint(m[1], CODE, WHAT, l.no, 'pages per block');
    } else if ((m = /^Free pages count per migrate type at order\s*(.*)$/.exec(t))) {
      const orders = m[1]!.trim().split(/\s+/).filter((x) => x !== '');
      orders.forEach((o, i) => {
        if (parseUint(o, CODE, WHAT, l.no, 'order header') !== i) throw parseError(CODE, WHAT, l.no, `order header: expected ${i}, got ${o}`);
      });
      if (orders.length === 0) throw parseError(CODE, WHAT, l.no, 'truncated line: no orders in the header');
      if (out.orders >= 0 && orders.length !== out.orders) throw parseError(CODE, WHAT, l.no, `${orders.length} orders in this header, ${out.orders} in the first`);
      out.orders = orders.length;
      table = 'free';
    } else if ((m = /^Number of blocks type\s*(.*)$/.exec(t))) {
      const types = m[1]!.trim().split(/\s+/).filter((x) => x !== '');
      if (types.length === 0) throw parseError(CODE, WHAT, l.no, 'truncated line: no migratetypes in the header');
      if (out.types.length > 0 && types.join(' ') !== out.types.join(' ')) throw parseError(CODE, WHAT, l.no, 'migratetype header differs from the first node\'s');
      out.types = types;
      table = 'blocks';
    } else if (table === 'free' && (m = /^Node\s+(\S+),\s+zone\s+(\S+),\s+type\s+(\S+)\s*(.*)$/.exec(t))) {
      const nid = parseUint(m[1], CODE, WHAT, l.no, 'node id');
      const fields = m[4]!.trim().split(/\s+/).filter((x) => x !== '');
      if (fields.length !== out.orders) throw parseError(CODE, WHAT, l.no, `truncated line: ${fields.length} counts for ${out.orders} orders`);
      const overflow = fields.map((f) => f.startsWith('>'));
      const counts = fields.map((f, i) => parseUint(f.replace(/^>/, ''), CODE, WHAT, l.no, `order ${i}`));
      out.free.push({ nid, zone: zoneName(l, m[2]!), type: m[3]!, counts, overflow });
    } else if (table === 'blocks' && (m = /^Node\s+(\S+),\s+zone\s+(\S+)\s*(.*)$/.exec(t))) {
      const nid = parseUint(m[1], CODE, WHAT, l.no, 'node id');
      const fields = m[3]!.trim().split(/\s+/).filter((x) => x !== '');
      if (fields.length !== out.types.length) throw parseError(CODE, WHAT, l.no, `truncated line: ${fields.length} counts for ${out.types.length} types`);
      const counts: Record<string, number> = {};
      out.types.forEach((type, i) => { counts[type] = parseUint(fields[i], CODE, WHAT, l.no, `${type} blocks`); });
      out.blocks.push({ nid, zone: zoneName(l, m[2]!), counts });
    } else {
      throw parseError(CODE, WHAT, l.no, `unrecognised line "${echoText(t.trim())}"`);
    }
  }
  if (out.pageblockOrder < 0 || out.pagesPerBlock < 0 || out.orders < 0 || out.types.length === 0) {
    throw parseError(CODE, WHAT, undefined, 'truncated text: missing the page block header, free table or block table');
  }
  if (out.pagesPerBlock !== 2 ** out.pageblockOrder) throw parseError(CODE, WHAT, undefined, `pages per block ${out.pagesPerBlock} is not 2^${out.pageblockOrder}`);
  return out;
}

/** A view with the free counts per order and migratetype and the pageblock counts. */
export function pagetypeinfoToView(p: ParsedPagetypeinfo, hints: ViewHints = {}): MachineViewExtra {
  const maxNid = Math.max(0, ...p.blocks.map((b) => b.nid), ...p.free.map((f) => f.nid));
  const arch = hints.arch ?? (p.free.some((r) => r.zone === 'HighMem') ? 'arm' : undefined);
  const v = emptyView({ ...hints, arch, pageblockOrder: p.pageblockOrder, maxOrder: p.orders, migratetypeNames: p.types }, maxNid + 1);
  const zoneOf = (nid: number, name: ZoneName) => {
    const z = v.nodes[nid]!.zones.find((x) => x.name === name);
    if (!z) throw parseError(CODE, WHAT, undefined, `zone ${name} is not in the zone list ${v.zoneNames.join(', ')}`);
    z.present = Math.max(z.present, 1);
    return z;
  };
  for (const r of p.free) {
    const mt = p.types.indexOf(r.type);
    if (mt < 0) throw parseError(CODE, WHAT, undefined, `free table type ${r.type} is not in the block table header`);
    const z = zoneOf(r.nid, r.zone);
    r.counts.forEach((c, order) => {
      z.freeArea[order]![mt] = r.overflow[order] ? Math.max(c, FREE_LIST_WALK_CAP) : c;
    });
  }
  for (const b of p.blocks) {
    const z = zoneOf(b.nid, b.zone);
    p.types.forEach((type, mt) => { z.blocksByType[mt] = b.counts[type]!; });
    z.present = Math.max(z.present, 1);
  }
  return v;
}
