/**
 * /proc/zoneinfo parser (the inverse of zoneinfo.ts) for text pasted from a real machine: every
 * layout zoneinfo_show_print (mm/vmstat.c) printed from 3.x to 6.12 (see zoneinfo-layout.ts),
 * partial dumps, and dumps inside bugreport or log framing (zoneinfo-frame.ts).
 *
 * What it refuses (ZONEINFO_PARSE, at the line): text with no zone header; a known line whose
 * value is not a number; a line printed twice in one zone or one CPU (a deleted "Node N, zone"
 * or "cpu:" header would otherwise merge two records); zones, nodes or CPUs out of the kernel's
 * order; zones bigger than a 52-bit address space; CPU ids above any NR_CPUS. What it accepts
 * with a warning: lines no kernel prints (counted, ZONEINFO_UNKNOWN_LINES), unusual text around
 * the dump, counters above 2^53 (a negative per-CPU drift printed as %lu).
 */
import { parseError, parseInt10, parseUint } from './lines';
import type { Line } from './lines';
import { echoText } from './echo';
import { findZoneinfoDump, isKnownFraming, ZONE_HEADER } from './zoneinfo-frame';
import { detectLayout } from './zoneinfo-layout';
import { HUGE_COUNTER, MAX_CPU_ID, MAX_ZONE_PAGES, ZONE_NAMES } from './zoneinfo-parsed';
import type { ParsedPageset, ParsedZoneinfo, ParsedZoneinfoNode, ParsedZoneinfoZone, ParseWarning } from './zoneinfo-parsed';
import type { ZoneName } from '../types';

export * from './zoneinfo-parsed';

const CODE = 'ZONEINFO_PARSE';
const WHAT = '/proc/zoneinfo';
/** the lines between "pages free" and protection: watermarks and sizes */
const WM_KEYS = ['boost', 'min', 'low', 'high', 'promo', 'scanned', 'node_scanned', 'spanned', 'present', 'managed', 'cma'] as const;
type WmKey = (typeof WM_KEYS)[number];
/** page counts that must fit a 52-bit physical address space */
const SIZE_KEYS = new Set(['free', 'spanned', 'present', 'managed', 'cma', 'min', 'low', 'high', 'promo', 'boost']);
/** lines old kernels printed that mmbook reads past: zone->all_unreclaimable, inactive_ratio, prev_priority */
const IGNORED_TAIL = /^(all_unreclaimable|inactive_ratio|node_inactive_ratio|prev_priority|temp_priority):\s*\S+$/;
/** a vm_stat item name (a line that is one without its value was cut) */
const STAT_NAME = /^(nr_|numa_|workingset_|pg|thp_)/;
type Section = 'head' | 'node' | 'zone' | 'pcp' | 'tail';

const fail = (l: Line | number | undefined, msg: string) => parseError(CODE, WHAT, typeof l === 'object' ? l.no : l, msg);

function newZone(nid: number, zone: ZoneName, line: number): ParsedZoneinfoZone {
  return { nid, zone, line, populated: false, statNames: [], stats: {}, hasPagesets: false, pagesets: [], lines: {} };
}

/** A count as zoneinfo prints it (%lu): page counts are bounded; stats may be huge (%lu of a negative sum). */
function countOf(l: Line, s: string | undefined, field: string, huge: { n: number }): number {
  if (s !== undefined && /^\d{16,}$/.test(s) && !SIZE_KEYS.has(field)) {
    const n = Number(s);
    if (n >= HUGE_COUNTER) { huge.n++; return n; }
  }
  const n = SIZE_KEYS.has(field) && s !== undefined && /^\d{14,}$/.test(s) ? Number(s) : parseUint(s, CODE, WHAT, l.no, field);
  if (SIZE_KEYS.has(field) && n > MAX_ZONE_PAGES) {
    throw fail(l, `${field} ${n} pages is more than a 52-bit physical address space holds (2^40 pages of 4 KiB)`);
  }
  return n;
}

export function parseZoneinfo(text: string): ParsedZoneinfo {
  const dump = findZoneinfoDump(text);
  if (dump.lines.length === 0) {
    const first = dump.before[0];
    throw fail(first, first
      ? `no "Node N, zone NAME" line: this is not a /proc/zoneinfo dump (it starts "${echoText(first.text.trim())}")`
      : 'the text is empty: no "Node N, zone NAME" line');
  }
  const zones: ParsedZoneinfoZone[] = [];
  const nodes = new Map<number, ParsedZoneinfoNode & { line: number }>();
  const warnings: ParseWarning[] = [];
  const unknown: ParsedZoneinfo['unknown'] = { count: 0 };
  const huge = { n: 0 };
  let cur: ParsedZoneinfoZone | undefined;
  let section: Section = 'head';
  let perNodeStats = false;
  const seen = (key: string, l: Line) => {
    const z = cur!;
    const first = z.lines[key];
    if (first !== undefined) {
      const hint = key === 'free' ? 'the "Node N, zone NAME" header of the next zone is probably missing' : 'two zone records are merged or the line is repeated';
      throw fail(l, `node ${z.nid} zone ${z.zone} has a second "${key}" line (the first is at line ${first}): ${hint}`);
    }
    z.lines[key] = l.no;
  };
  const pcp = (l: Line): ParsedPageset => {
    const p = cur!.pagesets[cur!.pagesets.length - 1];
    if (!p) throw fail(l, `"${echoText(l.text.trim())}" before any "cpu:" line in node ${cur!.nid} zone ${cur!.zone}`);
    return p;
  };

  for (const l of dump.lines) {
    const t = l.text;
    const header = ZONE_HEADER.exec(t);
    if (header) {
      const nid = parseUint(header[1], CODE, WHAT, l.no, 'node id');
      const name = header[2]!;
      if (name === '') throw fail(l, 'truncated line: missing zone name');
      if (!ZONE_NAMES.includes(name as ZoneName)) throw fail(l, `unknown zone name "${echoText(name)}"`);
      const prev = zones[zones.length - 1];
      if (prev && (nid < prev.nid || (nid === prev.nid && ZONE_NAMES.indexOf(name as ZoneName) <= ZONE_NAMES.indexOf(prev.zone)))) {
        const dup = zones.find((z) => z.nid === nid && z.zone === name);
        throw fail(l, dup
          ? `node ${nid} zone ${name} is printed twice (first at line ${dup.line})`
          : `node ${nid} zone ${name} comes after node ${prev.nid} zone ${prev.zone}: the kernel prints nodes and zones in order`);
      }
      if (!nodes.has(nid)) nodes.set(nid, { nid, statNames: [], stats: {}, line: l.no });
      cur = newZone(nid, name as ZoneName, l.no);
      zones.push(cur);
      section = 'head';
      continue;
    }
    const body = t.trim();
    let m: RegExpExecArray | null;
    if (body === 'per-node stats') {
      const node = nodes.get(cur!.nid)!;
      if (node.statNames.length > 0 || section !== 'head') throw fail(l, `a second "per-node stats" block in node ${cur!.nid} (in zone ${cur!.zone}): a "Node N, zone NAME" header is probably missing`);
      perNodeStats = true;
      section = 'node';
    } else if ((m = /^pages free\s*(\S*)$/.exec(body))) {
      seen('free', l);
      cur!.free = countOf(l, m[1], 'free', huge);
      section = 'zone';
    } else if (section === 'zone' && (m = /^(\w+)\s+(\S+)(?:\s+\(.*\))?$/.exec(body)) && WM_KEYS.includes(m[1] as WmKey) && cur!.statNames.length === 0) {
      const key = m[1] as WmKey;
      seen(key, l);
      const v = countOf(l, m[2], key, huge);
      if (key === 'node_scanned') cur!.scanned = v;
      else cur![key] = v;
    } else if (section === 'zone' && /^(boost|min|low|high|spanned|present|managed|cma)$/.test(body)) {
      throw fail(l, `truncated line: missing value for ${body}`);
    } else if ((m = /^protection:\s*(.*)$/.exec(body))) {
      seen('protection', l);
      const inner = /^\((.*)\)$/.exec(m[1]!.trim());
      if (!inner) throw fail(l, 'truncated line: protection tuple without "(...)"');
      cur!.protection = inner[1]!.split(',').map((s, i) => parseInt10(s.trim(), CODE, WHAT, l.no, `protection[${i}]`));
      cur!.protectionAfterStats = cur!.statNames.length > 0;
    } else if (body === 'pagesets') {
      seen('pagesets', l);
      cur!.populated = true;
      cur!.hasPagesets = true;
      section = 'pcp';
    } else if (section === 'pcp' && (m = /^cpu:\s*(\S*)$/.exec(body))) {
      const cpu = parseUint(m[1], CODE, WHAT, l.no, 'cpu');
      if (cpu > MAX_CPU_ID) throw fail(l, `cpu ${cpu}: no modelled architecture has more than ${MAX_CPU_ID + 1} CPUs (NR_CPUS)`);
      const last = cur!.pagesets[cur!.pagesets.length - 1];
      if (last && cpu <= last.cpu) throw fail(l, `cpu ${cpu} after cpu ${last.cpu} in node ${cur!.nid} zone ${cur!.zone}: the kernel lists online CPUs in increasing order`);
      cur!.pagesets.push({ cpu });
    } else if (section === 'pcp' && (m = /^(count|high|batch|high_min|high_max):\s*(\S*)$/.exec(body))) {
      const p = pcp(l);
      const key = ({ count: 'count', high: 'high', batch: 'batch', high_min: 'highMin', high_max: 'highMax' } as const)[m[1] as 'count'];
      if (p[key] !== undefined) throw fail(l, `cpu ${p.cpu} of node ${cur!.nid} zone ${cur!.zone} has a second "${m[1]}:" line: a "cpu:" line is probably missing`);
      p[key] = parseUint(m[2], CODE, WHAT, l.no, m[1]!);
    } else if (section === 'pcp' && (m = /^vm stats threshold:\s*(\S*)$/.exec(body))) {
      const p = pcp(l);
      if (p.statThreshold !== undefined) throw fail(l, `cpu ${p.cpu} of node ${cur!.nid} zone ${cur!.zone} has a second "vm stats threshold": a "cpu:" line is probably missing`);
      p.statThreshold = parseInt10(m[1], CODE, WHAT, l.no, 'vm stats threshold');
    } else if ((m = /^(node_unreclaimable|start_pfn):\s*(\S*)$/.exec(body)) && cur) {
      seen(m[1]!, l);
      const v = parseUint(m[2], CODE, WHAT, l.no, m[1]!);
      if (m[1] === 'start_pfn') {
        if (v > MAX_ZONE_PAGES) throw fail(l, `start_pfn ${v} is beyond a 52-bit physical address space`);
        cur.startPfn = v;
      } else cur.nodeUnreclaimable = v;
      section = 'tail';
    } else if (IGNORED_TAIL.test(body)) {
      section = 'tail';
    } else if ((section === 'node' || section === 'zone') && (m = /^([a-z][a-z0-9_]*)(?:\s+(\d+))?$/.exec(body)) && (m[2] !== undefined || STAT_NAME.test(m[1]!))) {
      const name = m[1]!;
      const value = countOf(l, m[2], name, huge);
      const stats = section === 'node' ? nodes.get(cur!.nid)! : cur!;
      if (name in stats.stats) throw fail(l, `${section === 'node' ? `node ${cur!.nid}` : `node ${cur!.nid} zone ${cur!.zone}`} stat ${name} is printed twice: a "Node N, zone NAME" header is probably missing`);
      stats.statNames.push(name);
      stats.stats[name] = value;
      if (section === 'zone') cur!.populated = true;
    } else {
      unknown.count++;
      unknown.first ??= { line: l.no, text: body };
    }
  }
  return finish(zones, nodes, perNodeStats, { warnings, unknown, huge: huge.n, before: dump.before, after: dump.after });
}

interface Extras { warnings: ParseWarning[]; unknown: ParsedZoneinfo['unknown']; huge: number; before: Line[]; after: Line[] }

function finish(zones: ParsedZoneinfoZone[], nodes: Map<number, ParsedZoneinfoNode & { line: number }>, perNodeStats: boolean, x: Extras): ParsedZoneinfo {
  // one layout per dump: a zone with a boost, cma or managed line where others have none is
  // not one kernel's output (a paste of two files, or an edit)
  for (const key of ['boost', 'cma', 'managed'] as const) {
    const withKey = zones.filter((z) => z[key] !== undefined);
    const comparable = zones.filter((z) => z.spanned !== undefined && z.present !== undefined);
    const odd = comparable.find((z) => z[key] === undefined);
    if (withKey.length > 0 && odd) {
      throw fail(odd.line, `mixed layouts: node ${odd.nid} zone ${odd.zone} has no "${key}" line, but node ${withKey[0]!.nid} zone ${withKey[0]!.zone} has one (mixed 5.10 and 6.1 layout, or two kernels' dumps pasted together)`);
    }
  }
  const format = detectLayout(zones, perNodeStats);
  const w = x.warnings;
  if (x.unknown.count > 0) {
    const f = x.unknown.first!;
    w.push({ code: 'ZONEINFO_UNKNOWN_LINES', message: `${x.unknown.count} line${x.unknown.count > 1 ? 's' : ''} not in the Linux ${format.name} layout ${x.unknown.count > 1 ? 'were' : 'was'} ignored (first at line ${f.line}: "${echoText(f.text)}")` });
  }
  const framing = [...x.before, ...x.after].filter((l) => !isKnownFraming(l.text.trim()));
  if (framing.length > 0) {
    w.push({ code: 'ZONEINFO_SKIPPED_TEXT', message: `${framing.length} line${framing.length > 1 ? 's' : ''} around the dump ${framing.length > 1 ? 'were' : 'was'} skipped (first at line ${framing[0]!.no}: "${echoText(framing[0]!.text.trim())}")` });
  }
  if (x.huge > 0) {
    w.push({ code: 'ZONEINFO_HUGE_COUNTER', message: `${x.huge} counter${x.huge > 1 ? 's are' : ' is'} above 2^53 (a transiently negative per-CPU sum printed as %lu) and kept approximately` });
  }
  // a populated zone that stops before its pagesets (every layout prints them after the stats),
  // or before start_pfn while other zones print it: the paste was cut
  const anyStart = zones.some((z) => z.startPfn !== undefined);
  for (const z of zones.filter((q) => q.populated && (!q.hasPagesets || (anyStart && q.startPfn === undefined)))) {
    w.push({ code: 'ZONEINFO_TRUNCATED', message: `node ${z.nid} zone ${z.zone} (line ${z.line}) stops before its ${z.hasPagesets ? 'start_pfn line' : 'pagesets'}: the dump looks cut; its missing lines are not printed` });
  }
  const firstNid = zones[0]!.nid;
  return {
    layout: zones.some((z) => z.boost !== undefined || z.cma !== undefined) ? '6.1' : '5.10',
    format,
    zoneNames: zones.filter((z) => z.nid === firstNid).map((z) => z.zone),
    nodes: [...nodes.values()].map(({ nid, statNames, stats }) => ({ nid, statNames, stats })),
    zones,
    unknown: x.unknown,
    framing: { before: x.before.length, after: x.after.length },
    warnings: w,
  };
}
