/**
 * diffZoneinfo: field-by-field comparison of two parsed /proc/zoneinfo texts (a real
 * machine's and the simulator's), for oracle tests and notebooks.
 */
import type { ParsedZoneinfo, ParsedZoneinfoZone } from './zoneinfo-parse';

/** The per-zone layout fields zoneinfo prints, in print order. */
export const ZONEINFO_FIELDS = ['free', 'boost', 'min', 'low', 'high', 'spanned', 'present', 'managed', 'cma', 'protection', 'startPfn'] as const;
export type ZoneinfoField = (typeof ZONEINFO_FIELDS)[number] | 'pcp.high' | 'pcp.batch' | 'pcp.count' | 'zone';

export interface ZoneinfoDifference {
  nid: number;
  zone: string;
  field: ZoneinfoField;
  /** printed value in a and b (protection joined with ", "; pcp per CPU "cpu0=…") */
  a: string;
  b: string;
}

const show = (v: unknown): string => (v === undefined ? '-' : Array.isArray(v) ? v.join(', ') : String(v));

function pcpField(z: ParsedZoneinfoZone, f: 'high' | 'batch' | 'count'): string {
  return z.pagesets.map((p) => `cpu${p.cpu}=${p[f]}`).join(' ');
}

/**
 * Differences in `fields` (default: all) between the zones of a and b, matched by node
 * and zone name; a zone present in only one text is reported as field 'zone'.
 */
export function diffZoneinfo(a: ParsedZoneinfo, b: ParsedZoneinfo, fields: readonly ZoneinfoField[] = [...ZONEINFO_FIELDS, 'pcp.high', 'pcp.batch']): ZoneinfoDifference[] {
  const out: ZoneinfoDifference[] = [];
  const key = (z: ParsedZoneinfoZone): string => `${z.nid}/${z.zone}`;
  const bz = new Map(b.zones.map((z) => [key(z), z]));
  const seen = new Set<string>();
  for (const za of a.zones) {
    const zb = bz.get(key(za));
    seen.add(key(za));
    if (!zb) { out.push({ nid: za.nid, zone: za.zone, field: 'zone', a: 'present', b: 'missing' }); continue; }
    for (const f of fields) {
      if (f === 'zone') continue;
      const va = f.startsWith('pcp.') ? pcpField(za, f.slice(4) as 'high') : show(za[f as keyof ParsedZoneinfoZone]);
      const vb = f.startsWith('pcp.') ? pcpField(zb, f.slice(4) as 'high') : show(zb[f as keyof ParsedZoneinfoZone]);
      if (va !== vb) out.push({ nid: za.nid, zone: za.zone, field: f, a: va, b: vb });
    }
  }
  for (const zb of b.zones) {
    if (!seen.has(key(zb))) out.push({ nid: zb.nid, zone: zb.zone, field: 'zone', a: 'missing', b: 'present' });
  }
  return out;
}
