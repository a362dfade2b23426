/**
 * /proc/zoneinfo parser (the inverse of zoneinfo.ts), for text pasted from a real
 * machine: it reads both the 5.10 and the 6.1 layout and rebuilds a MachineView.
 */
import type { KernelVersion, ZoneName } from '../types';
import { parseError, parseInt10, parseUint, readLines } from './lines';
import type { Line } from './lines';

export const ZONE_NAMES: readonly ZoneName[] = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'];

export interface ParsedPageset {
  cpu: number;
  count: number;
  high: number;
  batch: number;
  /** "vm stats threshold" printed after this CPU (absent without CONFIG_SMP) */
  statThreshold?: number;
}

export interface ParsedZoneinfoZone {
  nid: number;
  zone: ZoneName;
  /** line of the "Node N, zone NAME" header */
  line: number;
  free: number;
  /** 6.1 only */
  boost?: number;
  min: number;
  low: number;
  high: number;
  spanned: number;
  present: number;
  managed: number;
  /** 6.1 only */
  cma?: number;
  protection: number[];
  /** the zone printed its stats and pagesets (present > 0) */
  populated: boolean;
  /** zone stats then numa stats, in printed order */
  statNames: string[];
  stats: Record<string, number>;
  pagesets: ParsedPageset[];
  nodeUnreclaimable?: number;
  startPfn?: number;
}

export interface ParsedZoneinfoNode {
  nid: number;
  /** node stats, in printed order (empty for a node without populated zones) */
  statNames: string[];
  stats: Record<string, number>;
}

export interface ParsedZoneinfo {
  /** '6.1' when the boost/cma lines are printed, else '5.10' */
  layout: KernelVersion;
  /** zone enum names, from the first node's zones */
  zoneNames: ZoneName[];
  nodes: ParsedZoneinfoNode[];
  zones: ParsedZoneinfoZone[];
}

const CODE = 'ZONEINFO_PARSE';
const WHAT = '/proc/zoneinfo';
const WM_KEYS = ['boost', 'min', 'low', 'high', 'spanned', 'present', 'managed', 'cma'] as const;
type WmKey = (typeof WM_KEYS)[number];
type Section = 'head' | 'node' | 'wm' | 'zone' | 'pcp' | 'tail';

interface Partial_ extends Omit<ParsedZoneinfoZone, 'free' | 'min' | 'low' | 'high' | 'spanned' | 'present' | 'managed' | 'protection'> {
  free?: number; min?: number; low?: number; high?: number; spanned?: number; present?: number;
  managed?: number; protection?: number[];
}

function finishZone(z: Partial_): ParsedZoneinfoZone {
  for (const k of ['free', 'min', 'low', 'high', 'spanned', 'present', 'managed', 'protection'] as const) {
    if (z[k] === undefined) {
      throw parseError(CODE, WHAT, z.line, `truncated zone record for node ${z.nid} zone ${z.zone}: no "${k}" line`);
    }
  }
  if (z.present! > 0 && (!z.populated || z.startPfn === undefined)) {
    throw parseError(CODE, WHAT, z.line, `truncated zone record for node ${z.nid} zone ${z.zone}: populated zone without stats, pagesets and start_pfn`);
  }
  return z as ParsedZoneinfoZone;
}

export function parseZoneinfo(text: string): ParsedZoneinfo {
  const zones: ParsedZoneinfoZone[] = [];
  const nodes = new Map<number, ParsedZoneinfoNode>();
  let cur: Partial_ | undefined;
  let section: Section = 'head';
  const num = (l: Line, s: string | undefined, field: string): number => parseUint(s, CODE, WHAT, l.no, field);

  for (const l of readLines(text)) {
    const t = l.text;
    const header = /^Node\s+(\S+),\s+zone\s*(\S*)\s*$/.exec(t);
    if (header) {
      if (cur) zones.push(finishZone(cur));
      const nid = num(l, header[1], 'node id');
      const name = header[2]!;
      if (name === '') throw parseError(CODE, WHAT, l.no, 'truncated line: missing zone name');
      if (!ZONE_NAMES.includes(name as ZoneName)) throw parseError(CODE, WHAT, l.no, `unknown zone name "${name}"`);
      if (!nodes.has(nid)) nodes.set(nid, { nid, statNames: [], stats: {} });
      cur = { nid, zone: name as ZoneName, line: l.no, populated: false, statNames: [], stats: {}, pagesets: [] };
      section = 'head';
      continue;
    }
    if (!cur) throw parseError(CODE, WHAT, l.no, `expected "Node N, zone NAME", got "${t.trim()}"`);
    const body = t.trim();
    let m: RegExpExecArray | null;
    if (body === 'per-node stats') {
      if (section !== 'head') throw parseError(CODE, WHAT, l.no, '"per-node stats" out of place');
      section = 'node';
    } else if ((m = /^pages free\b\s*(\S*)$/.exec(body))) {
      cur.free = num(l, m[1], 'pages free');
      section = 'wm';
    } else if (section === 'wm' && (m = /^(\w+)\s*(\S*)$/.exec(body)) && WM_KEYS.includes(m[1] as WmKey)) {
      cur[m[1] as WmKey] = num(l, m[2], m[1]!);
    } else if ((m = /^protection:\s*(.*)$/.exec(body))) {
      const inner = /^\((.*)\)$/.exec(m[1]!);
      if (!inner) throw parseError(CODE, WHAT, l.no, 'truncated line: protection tuple without "(...)"');
      cur.protection = inner[1]!.split(',').map((s, i) => parseInt10(s.trim(), CODE, WHAT, l.no, `protection[${i}]`));
      section = 'zone';
    } else if (body === 'pagesets') {
      cur.populated = true;
      section = 'pcp';
    } else if (section === 'pcp' && (m = /^(cpu|count|high|batch):\s*(\S*)$/.exec(body))) {
      const value = num(l, m[2], m[1]!);
      if (m[1] === 'cpu') cur.pagesets.push({ cpu: value, count: 0, high: 0, batch: 0 });
      else if (cur.pagesets.length === 0) throw parseError(CODE, WHAT, l.no, `"${m[1]}:" before any "cpu:"`);
      else cur.pagesets[cur.pagesets.length - 1]![m[1] as 'count' | 'high' | 'batch'] = value;
    } else if (section === 'pcp' && (m = /^vm stats threshold:\s*(\S*)$/.exec(body))) {
      const last = cur.pagesets[cur.pagesets.length - 1];
      if (!last) throw parseError(CODE, WHAT, l.no, '"vm stats threshold" before any "cpu:"');
      last.statThreshold = parseInt10(m[1], CODE, WHAT, l.no, 'vm stats threshold');
    } else if ((section === 'pcp' || section === 'tail') && (m = /^node_unreclaimable:\s*(\S*)$/.exec(body))) {
      cur.nodeUnreclaimable = num(l, m[1], 'node_unreclaimable');
      section = 'tail';
    } else if ((section === 'pcp' || section === 'tail') && (m = /^start_pfn:\s*(\S*)$/.exec(body))) {
      cur.startPfn = num(l, m[1], 'start_pfn');
      section = 'tail';
    } else if ((section === 'node' || section === 'zone') && (m = /^([a-z][a-z0-9_]*)(?:\s+(\S+))?$/.exec(body))) {
      const value = num(l, m[2], m[1]!);
      if (section === 'node') {
        const node = nodes.get(cur.nid)!;
        if (m[1]! in node.stats) throw parseError(CODE, WHAT, l.no, `node ${cur.nid} stat ${m[1]} printed twice`);
        node.statNames.push(m[1]!);
        node.stats[m[1]!] = value;
      } else {
        cur.populated = true;
        cur.statNames.push(m[1]!);
        cur.stats[m[1]!] = value;
      }
    } else {
      throw parseError(CODE, WHAT, l.no, `unrecognised line "${body}"`);
    }
  }
  if (cur) zones.push(finishZone(cur));
  if (zones.length === 0) throw parseError(CODE, WHAT, undefined, 'no "Node N, zone NAME" record');

  const with61 = zones.filter((z) => z.boost !== undefined || z.cma !== undefined).length;
  if (with61 !== 0 && (with61 !== zones.length || zones.some((z) => z.boost === undefined || z.cma === undefined))) {
    const odd = zones.find((z) => z.boost === undefined || z.cma === undefined)!;
    throw parseError(CODE, WHAT, odd.line, 'mixed 5.10 and 6.1 layout (boost/cma lines missing in this zone)');
  }
  const firstNid = zones[0]!.nid;
  return {
    layout: with61 ? '6.1' : '5.10',
    zoneNames: zones.filter((z) => z.nid === firstNid).map((z) => z.zone),
    nodes: [...nodes.values()],
    zones,
  };
}
